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
import { Table } from '../../components/Table';

/** A rate as last saved: a draft made of an older version no longer applies once it changed. */
const savedKey = (r: TaxRateInfo) => `${r.id}:${r.name}:${r.rateBp}:${r.archived}`;

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

  // Each rate's name and percent are edited in place and saved together.
  const [drafts, setDrafts] = useState<Record<string, { name: string; percent: string }>>({});
  const draftOf = (r: TaxRateInfo) => drafts[savedKey(r)] ?? { name: r.name, percent: bpToPercentText(r.rateBp) };
  const edit = (r: TaxRateInfo, change: Partial<{ name: string; percent: string }>) =>
    setDrafts((d) => ({ ...d, [savedKey(r)]: { ...draftOf(r), ...change } }));
  const save = async (rate: TaxRateInfo, input: { name?: string; rateBp?: number; isDefault?: true; archived?: boolean }) => {
    const r = await taxRatesData.update({ id: rate.id, ...input });
    if (r.ok) saved(r.value);
    else failed(r.error);
  };
  const saveEdits = (rate: TaxRateInfo) => {
    const d = draftOf(rate);
    const bp = parsePercentBp(d.percent);
    if (!d.name.trim()) return failed(t('taxes.nameRequired'));
    if (bp === null) return failed(t('taxes.badRate'));
    void save(rate, { ...(d.name.trim() !== rate.name ? { name: d.name.trim() } : {}), ...(bp !== rate.rateBp ? { rateBp: bp } : {}) });
  };

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
      <Table
        rows={rates}
        rowKey={savedKey}
        loading={t('common.loading')}
        rowTestId="tax-rate-row"
        rowAttributes={(r) => ({ 'data-name': r.name })}
        rowClassName={(r) => (r.archived ? 'muted' : undefined)}
        columns={[
          {
            key: 'name',
            header: t('taxes.name'),
            cell: (r) => (
              <input
                value={draftOf(r).name}
                maxLength={120}
                disabled={r.archived}
                onChange={(e) => edit(r, { name: e.target.value })}
                aria-label={t('taxes.name')}
                data-testid="tax-rate-name"
              />
            ),
          },
          {
            key: 'rate',
            header: t('taxes.rate'),
            cell: (r) => (
              <div className="input-suffix">
                <input
                  value={draftOf(r).percent}
                  inputMode="decimal"
                  disabled={r.archived}
                  onChange={(e) => edit(r, { percent: e.target.value })}
                  aria-label={t('taxes.rate')}
                  aria-invalid={parsePercentBp(draftOf(r).percent) === null}
                  data-testid="tax-rate-percent"
                />
                <span>%</span>
              </div>
            ),
          },
          { key: 'products', header: t('taxes.products'), num: true, testId: 'tax-rate-products', cell: (r) => r.products },
          {
            key: 'default',
            header: t('taxes.defaultCol'),
            cell: (r) =>
              r.archived ? (
                <span className="badge">{t('taxes.archived')}</span>
              ) : r.isDefault ? (
                <span className="badge badge-ok" data-testid="tax-rate-default">
                  {t('taxes.default')}
                </span>
              ) : (
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => void save(r, { isDefault: true })}
                  data-testid="tax-rate-make-default"
                >
                  {t('taxes.makeDefault')}
                </button>
              ),
          },
          {
            key: 'actions',
            header: t('settings.actions'),
            num: true,
            className: 'nowrap',
            cell: (r) => {
              const d = draftOf(r);
              const dirty = d.name.trim() !== r.name || parsePercentBp(d.percent) !== r.rateBp;
              return (
                <>
                  {dirty && !r.archived && (
                    <button type="button" className="btn btn-primary btn-sm" onClick={() => saveEdits(r)} data-testid="tax-rate-save">
                      {t('taxes.save')}
                    </button>
                  )}{' '}
                  {r.archived ? (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() => void save(r, { archived: false })}
                      data-testid="tax-rate-restore"
                    >
                      {t('taxes.restore')}
                    </button>
                  ) : (
                    !r.isDefault && (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={() => void save(r, { archived: true })}
                        data-testid="tax-rate-archive"
                      >
                        {t('taxes.archive')}
                      </button>
                    )
                  )}
                </>
              );
            },
          },
        ]}
      />
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
