import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits } from '../../../shared/money';
import { onlineShippingSchema } from '../../../shared/online-shipping';
import { Field } from '../../components/Field';
import { InlineError } from '../../components/ErrorBanner';
import { minorToInput, useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { onlineOrdersData } from '../../data/online-orders';
import { describeOnlineError } from './errors';
import { blank, readDrafts, toDraft, wholeNumber, type Draft, type Kind, type Problems } from './shipping-form';

/** The online shop's delivery methods and auto-completion days, synced store settings the shop reads. */
export function ShopSettings() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const digits = currencyDigits(fmt.currency);
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [days, setDays] = useState('');
  const [problems, setProblems] = useState<Record<number, Problems>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void onlineOrdersData.shopSettings({}).then((r) => {
      if (!r.ok) return setError(r.error);
      setDrafts(r.value.shipping.methods.map((m) => toDraft(m, digits)));
      setDays(String(r.value.autoCompleteDays));
    });
  }, [digits]);

  if (!drafts) return <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />;

  const change = (key: number, patch: Partial<Draft>) => setDrafts((ds) => ds && ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));

  const save = async () => {
    setError(null);
    const read = readDrafts(drafts, fmt.currency, t);
    setProblems(read.problems);
    const autoDays = wholeNumber(days, 90);
    const daysOk = autoDays !== null && autoDays >= 1;
    if (Object.keys(read.problems).length > 0 || !daysOk) {
      setFormError(daysOk ? t('online.settings.err.fix') : t('online.settings.err.autoDays'));
      return;
    }
    if (read.methods.length === 0) return setFormError(t('online.reason.shippingNone'));
    // The schema the shop reads the setting with: what passes here is what the shop will quote.
    if (!onlineShippingSchema.safeParse({ methods: read.methods }).success) return setFormError(t('online.reason.shippingInvalid'));
    setFormError(null);
    setBusy(true);
    const r = await onlineOrdersData.setShopSettings({ methods: read.methods, autoCompleteDays: autoDays });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setDrafts(r.value.shipping.methods.map((m) => toDraft(m, digits)));
    setDays(String(r.value.autoCompleteDays));
    useNotify.getState().message('info', 'online.settings.saved');
  };

  return (
    <form
      data-testid="shop-settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void save();
      }}
    >
      <p className="muted">{t('online.settings.intro')}</p>
      <h2>{t('online.settings.methods')}</h2>
      {drafts.length === 0 && <p className="muted">{t('online.settings.noMethods')}</p>}
      {drafts.map((d, i) => (
        <MethodEditor
          key={d.key}
          draft={d}
          index={i}
          problems={problems[d.key] ?? {}}
          digits={digits}
          onChange={(patch) => change(d.key, patch)}
          onRemove={() => setDrafts((ds) => ds && ds.filter((x) => x.key !== d.key))}
        />
      ))}
      <p>
        <button
          type="button"
          className="btn"
          disabled={drafts.length >= 20}
          onClick={() => setDrafts((ds) => ds && [...ds, blank()])}
          data-testid="shipping-add"
        >
          {t('online.settings.add')}
        </button>
      </p>
      <h2>{t('online.settings.completion')}</h2>
      <Field label={t('online.settings.autoDays')} hint={t('online.settings.autoDaysHint')}>
        <input value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" maxLength={2} data-testid="auto-complete-days" />
      </Field>
      <InlineError text={formError} testId="shop-settings-problem" />
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} testId="shop-settings-error" />
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="shop-settings-save">
        {t('online.settings.save')}
      </button>
    </form>
  );
}

function MethodEditor({
  draft: d,
  index,
  problems: p,
  digits,
  onChange,
  onRemove,
}: {
  draft: Draft;
  index: number;
  problems: Problems;
  digits: number;
  onChange(patch: Partial<Draft>): void;
  onRemove(): void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const moneyHint = t('online.settings.moneyHint', {
    currency: fmt.currency,
    example: minorToInput(1250 * 10 ** Math.max(0, digits - 2), digits),
  });
  return (
    <fieldset className="online-order" data-testid="shipping-method">
      <legend>{d.name.trim() || t('online.settings.newMethod', { n: index + 1 })}</legend>
      <Field label={t('online.settings.kind')}>
        <select value={d.kind} onChange={(e) => onChange({ kind: e.target.value as Kind })} data-testid="shipping-kind">
          {(['flat', 'weight', 'pickup'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`online.settings.kinds.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('online.settings.name')} error={p.name}>
        <input value={d.name} onChange={(e) => onChange({ name: e.target.value })} maxLength={60} data-testid="shipping-name" />
      </Field>
      <Field label={t('online.settings.nameZh')} hint={t('online.settings.nameZhHint')} error={p.nameZh}>
        <input value={d.nameZh} onChange={(e) => onChange({ nameZh: e.target.value })} maxLength={60} data-testid="shipping-name-zh" />
      </Field>
      {d.kind !== 'pickup' && (
        <>
          <Field label={t(d.kind === 'weight' ? 'online.settings.firstKg' : 'online.settings.price')} hint={moneyHint} error={p.amount}>
            <input
              value={d.amount}
              onChange={(e) => onChange({ amount: e.target.value })}
              inputMode="decimal"
              maxLength={16}
              data-testid="shipping-amount"
            />
          </Field>
          {d.kind === 'weight' && (
            <>
              <Field label={t('online.settings.perKg')} hint={moneyHint} error={p.perKg}>
                <input
                  value={d.perKg}
                  onChange={(e) => onChange({ perKg: e.target.value })}
                  inputMode="decimal"
                  maxLength={16}
                  data-testid="shipping-per-kg"
                />
              </Field>
              <Field label={t('online.settings.itemGrams')} hint={t('online.settings.itemGramsHint')} error={p.itemGrams}>
                <input
                  value={d.itemGrams}
                  onChange={(e) => onChange({ itemGrams: e.target.value })}
                  inputMode="numeric"
                  maxLength={7}
                  data-testid="shipping-item-grams"
                />
              </Field>
            </>
          )}
          <Field label={t('online.settings.freeAbove')} hint={t('online.settings.freeAboveHint')} error={p.freeAbove}>
            <input
              value={d.freeAbove}
              onChange={(e) => onChange({ freeAbove: e.target.value })}
              inputMode="decimal"
              maxLength={16}
              data-testid="shipping-free-above"
            />
          </Field>
          <Field label={t('online.settings.countries')} hint={t('online.settings.countriesHint')} error={p.countries}>
            <input
              value={d.countries}
              onChange={(e) => onChange({ countries: e.target.value })}
              maxLength={200}
              data-testid="shipping-countries"
            />
          </Field>
        </>
      )}
      <Field label={t('online.settings.days')} hint={t('online.settings.daysHint')} error={p.days}>
        <span>
          <input
            value={d.minDays}
            onChange={(e) => onChange({ minDays: e.target.value })}
            inputMode="numeric"
            maxLength={2}
            size={3}
            aria-label={t('online.settings.minDays')}
            data-testid="shipping-min-days"
          />{' '}
          –{' '}
          <input
            value={d.maxDays}
            onChange={(e) => onChange({ maxDays: e.target.value })}
            inputMode="numeric"
            maxLength={2}
            size={3}
            aria-label={t('online.settings.maxDays')}
            data-testid="shipping-max-days"
          />
        </span>
      </Field>
      <button type="button" className="btn" onClick={onRemove} data-testid="shipping-remove">
        {t('online.settings.remove')}
      </button>
    </fieldset>
  );
}
