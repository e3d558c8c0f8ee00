import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaxRateInfo } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { bpToPercentText, parsePercentBp } from '../../lib/format';
import { useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { taxRatesData } from '../../data/catalog';
import { Field } from '../../components/Field';

/** One rate's row: name and percent edited in place, saved together; default and archive beside. */
function RateRow({
  rate,
  onSaved,
  onError,
}: {
  rate: TaxRateInfo;
  onSaved(list: TaxRateInfo[]): void;
  onError(e: ApiError | string): void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(rate.name);
  const [percent, setPercent] = useState(bpToPercentText(rate.rateBp));
  const bp = parsePercentBp(percent);
  const dirty = name.trim() !== rate.name || bp !== rate.rateBp;

  const save = async (input: { name?: string; rateBp?: number; isDefault?: true; archived?: boolean }) => {
    const r = await taxRatesData.update({ id: rate.id, ...input });
    if (r.ok) onSaved(r.value);
    else onError(r.error);
  };

  const saveEdits = () => {
    if (!name.trim()) return onError(t('taxes.nameRequired'));
    if (bp === null) return onError(t('taxes.badRate'));
    void save({ ...(name.trim() !== rate.name ? { name: name.trim() } : {}), ...(bp !== rate.rateBp ? { rateBp: bp } : {}) });
  };

  return (
    <tr data-testid="tax-rate-row" data-name={rate.name} className={rate.archived ? 'muted' : undefined}>
      <td>
        <input
          value={name}
          maxLength={120}
          disabled={rate.archived}
          onChange={(e) => setName(e.target.value)}
          aria-label={t('taxes.name')}
          data-testid="tax-rate-name"
        />
      </td>
      <td>
        <div className="input-suffix">
          <input
            value={percent}
            inputMode="decimal"
            disabled={rate.archived}
            onChange={(e) => setPercent(e.target.value)}
            aria-label={t('taxes.rate')}
            aria-invalid={bp === null}
            data-testid="tax-rate-percent"
          />
          <span>%</span>
        </div>
      </td>
      <td className="num" data-testid="tax-rate-products">
        {rate.products}
      </td>
      <td>
        {rate.archived ? (
          <span className="badge">{t('taxes.archived')}</span>
        ) : rate.isDefault ? (
          <span className="badge badge-ok" data-testid="tax-rate-default">
            {t('taxes.default')}
          </span>
        ) : (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => void save({ isDefault: true })}
            data-testid="tax-rate-make-default"
          >
            {t('taxes.makeDefault')}
          </button>
        )}
      </td>
      <td className="num nowrap">
        {dirty && !rate.archived && (
          <button type="button" className="btn btn-primary btn-sm" onClick={saveEdits} data-testid="tax-rate-save">
            {t('taxes.save')}
          </button>
        )}{' '}
        {rate.archived ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => void save({ archived: false })}
            data-testid="tax-rate-restore"
          >
            {t('taxes.restore')}
          </button>
        ) : (
          !rate.isDefault && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={() => void save({ archived: true })}
              data-testid="tax-rate-archive"
            >
              {t('taxes.archive')}
            </button>
          )
        )}
      </td>
    </tr>
  );
}

/** Settings' tax rates: a changed rate applies to sales from now on; completed orders keep theirs. */
export function TaxRatesAdmin() {
  const { t } = useTranslation();
  const notify = useNotify((s) => s.message);
  const [rates, setRates] = useState<TaxRateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [percent, setPercent] = useState('');
  const [isDefault, setIsDefault] = useState(false);

  useEffect(() => {
    let live = true;
    void taxRatesData.manage({}).then((r) => {
      if (!live) return;
      if (r.ok) setRates(r.value);
      else setError(describeError(t, r.error));
    });
    return () => {
      live = false;
    };
  }, [t]);

  const saved = (list: TaxRateInfo[]) => {
    setRates(list);
    setError(null);
    notify('info', 'taxes.saved');
    // The product form offers the active rates: let it read them again.
    void useInventory.getState().loadRefs();
  };
  const failed = (e: ApiError | string) => setError(typeof e === 'string' ? e : describeError(t, e));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const bp = parsePercentBp(percent);
    if (!name.trim()) return failed(t('taxes.nameRequired'));
    if (bp === null) return failed(t('taxes.badRate'));
    const r = await taxRatesData.create({ name: name.trim(), rateBp: bp, isDefault });
    if (!r.ok) return failed(r.error);
    setName('');
    setPercent('');
    setIsDefault(false);
    saved(r.value);
  };

  return (
    <section className="card settings-card" data-testid="tax-rates">
      <h2>{t('taxes.title')}</h2>
      <p className="muted">{t('taxes.hint')}</p>
      <InlineError text={error} testId="tax-rate-error" />
      {rates === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('taxes.name')}</th>
              <th>{t('taxes.rate')}</th>
              <th className="num">{t('taxes.products')}</th>
              <th>{t('taxes.defaultCol')}</th>
              <th className="num">{t('settings.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rates.map((r) => (
              <RateRow key={`${r.id}:${r.name}:${r.rateBp}:${r.archived}`} rate={r} onSaved={saved} onError={failed} />
            ))}
          </tbody>
        </table>
      )}
      <form className="field-row tax-rate-new" onSubmit={(e) => void add(e)} noValidate>
        <Field label={t('taxes.name')}>
          <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="tax-new-name" />
        </Field>
        <Field label={t('taxes.rate')}>
          <div className="input-suffix">
            <input
              value={percent}
              inputMode="decimal"
              onChange={(e) => setPercent(e.target.value)}
              placeholder="8.25"
              data-testid="tax-new-percent"
            />
            <span>%</span>
          </div>
        </Field>
        <label className="check">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} data-testid="tax-new-default" />
          <span>{t('taxes.makeDefault')}</span>
        </label>
        <button type="submit" className="btn btn-primary" data-testid="tax-new-add">
          {t('taxes.add')}
        </button>
      </form>
    </section>
  );
}
