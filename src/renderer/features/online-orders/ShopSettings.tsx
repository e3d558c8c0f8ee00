import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { onlineShippingSchema, type ShippingMethod } from '../../../shared/online-shipping';
import { Field } from '../../components/Field';
import { InlineError } from '../../components/ErrorBanner';
import { minorToInput, useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { onlineOrdersData } from '../../data/online-orders';
import { describeOnlineError } from './errors';

type Kind = ShippingMethod['kind'];

/** One method as typed: text fields until saved; `id` null for a method not saved yet. */
interface Draft {
  key: number;
  id: string | null;
  name: string;
  nameZh: string;
  kind: Kind;
  amount: string;
  perKg: string;
  itemGrams: string;
  freeAbove: string;
  countries: string;
  minDays: string;
  maxDays: string;
}

type Problems = Partial<Record<'name' | 'nameZh' | 'amount' | 'perKg' | 'itemGrams' | 'freeAbove' | 'countries' | 'days', string>>;

let nextKey = 1;

function toDraft(m: ShippingMethod, digits: number): Draft {
  return {
    key: nextKey++,
    id: m.id,
    name: m.name,
    nameZh: m.nameZh ?? '',
    kind: m.kind,
    amount: minorToInput(m.amount, digits),
    perKg: minorToInput(m.perKg, digits),
    itemGrams: String(m.itemGrams),
    freeAbove: m.freeAbove === null ? '' : minorToInput(m.freeAbove, digits),
    countries: (m.countries ?? []).join(', '),
    minDays: m.minDays === null ? '' : String(m.minDays),
    maxDays: m.maxDays === null ? '' : String(m.maxDays),
  };
}

const blank = (): Draft => ({
  key: nextKey++,
  id: null,
  name: '',
  nameZh: '',
  kind: 'flat',
  amount: '',
  perKg: '0',
  itemGrams: '500',
  freeAbove: '',
  countries: '',
  minDays: '',
  maxDays: '',
});

const wholeNumber = (s: string, max: number): number | null => (/^\d{1,7}$/.test(s.trim()) && Number(s) <= max ? Number(s) : null);

/** A stable id for a new method, from its English name; the shop keeps it on orders. */
function newId(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'method';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The typed methods as the shop reads them, or what is wrong with each. */
function readDrafts(drafts: Draft[], currency: string, t: (k: string, o?: Record<string, unknown>) => string) {
  const problems: Record<number, Problems> = {};
  const taken = new Set(drafts.flatMap((d) => (d.id ? [d.id] : [])));
  const methods: ShippingMethod[] = [];
  const money = (s: string) => {
    const v = parseMoney(s, currency);
    return v !== null && v <= 1_000_000_000 ? v : null;
  };
  for (const d of drafts) {
    const p: Problems = {};
    const name = d.name.trim();
    const nameZh = d.nameZh.trim();
    if (!name || name.length > 60) p.name = t('online.settings.err.name');
    if (nameZh.length > 60) p.nameZh = t('online.settings.err.name');
    const pickup = d.kind === 'pickup';
    const amount = pickup ? 0 : money(d.amount);
    if (amount === null) p.amount = t('online.settings.err.money');
    const perKg = d.kind === 'weight' ? money(d.perKg) : 0;
    if (perKg === null) p.perKg = t('online.settings.err.money');
    const itemGrams = d.kind === 'weight' ? wholeNumber(d.itemGrams, 1_000_000) : pickup ? 0 : 500;
    if (itemGrams === null) p.itemGrams = t('online.settings.err.grams');
    const freeAbove = pickup || !d.freeAbove.trim() ? null : money(d.freeAbove);
    if (!pickup && d.freeAbove.trim() && freeAbove === null) p.freeAbove = t('online.settings.err.money');
    const codes = d.countries
      .split(/[\s,，]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    if (codes.some((c) => !/^[A-Z]{2}$/.test(c)) || codes.length > 50) p.countries = t('online.settings.err.countries');
    const minDays = d.minDays.trim() ? wholeNumber(d.minDays, 60) : null;
    const maxDays = d.maxDays.trim() ? wholeNumber(d.maxDays, 60) : null;
    if ((d.minDays.trim() && minDays === null) || (d.maxDays.trim() && maxDays === null)) p.days = t('online.settings.err.days');
    else if (minDays !== null && maxDays !== null && minDays > maxDays) p.days = t('online.settings.err.daysOrder');
    if (Object.keys(p).length > 0) {
      problems[d.key] = p;
      continue;
    }
    methods.push({
      id: d.id ?? newId(name, taken),
      name,
      nameZh: nameZh || null,
      kind: d.kind,
      amount: amount!,
      perKg: perKg!,
      itemGrams: itemGrams!,
      freeAbove,
      countries: codes.length > 0 && !pickup ? codes : null,
      minDays,
      maxDays,
    });
  }
  return { problems, methods };
}

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
