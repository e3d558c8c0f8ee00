import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleRank } from '../../../shared/api/define';
import type { CountDetail, CountSession, VarianceReport } from '../../../shared/api';
import { parseQty } from '../../../shared/money';
import { LocalName } from '../../components/LocalName';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useApp } from '../../stores/app';
import { defaultLocation, useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import type { Unit } from '../../../shared/units';
import { countsData } from '../../data/counts';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

function CountDialog({ id, onClose }: { id: string; onClose(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const manager = useApp((s) => roleRank(s.session?.staff?.role ?? 'public') >= roleRank('manager'));
  const [count, setCount] = useState<CountDetail | null>(null);
  const [report, setReport] = useState<VarianceReport | null>(null);
  const [code, setCode] = useState('');
  const [uncounted, setUncounted] = useState<'zero' | 'ignore'>('zero');
  const input = useRef<HTMLInputElement>(null);

  const [version, setVersion] = useState(0);
  const load = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    void countsData.get({ id }).then(async (r) => {
      if (!r.ok) return;
      setCount(r.value);
      if (manager && r.value.status !== 'open') {
        const v = await countsData.variance({ id });
        if (v.ok) setReport(v.value);
      }
    });
  }, [id, manager, version]);

  if (!count) return null;
  const scan = async (e: FormEvent) => {
    e.preventDefault();
    const c = code.trim();
    setCode('');
    if (!c) return;
    const r = await countsData.scan({ id, code: c });
    if (r.ok) setCount(r.value);
    else notify.error(r.error, { kind: 'scan', code: c });
    input.current?.focus();
  };
  const setQty = async (productId: string, unit: Unit, text: string) => {
    const n = parseQty(text, unit);
    if (n === null) return;
    const r = await countsData.setQty({ id, productId, counted: n });
    if (r.ok) setCount(r.value);
    else notify.error(r.error);
  };
  const submit = async () => {
    const r = await countsData.submit({ id });
    if (!r.ok) return notify.error(r.error);
    load();
  };
  const approve = async () => {
    const r = await countsData.approve({ id, uncounted });
    if (!r.ok) return notify.error(r.error);
    setReport(r.value);
    load();
    void useInventory.getState().refreshBadge();
  };
  const cancel = async () => {
    const r = await countsData.cancel({ id });
    if (r.ok) setCount(r.value);
  };

  return (
    <Modal title={`${count.name} · ${count.locationName}`} onClose={onClose} size="xl" testId="count-dialog">
      <p className="muted">
        {t(`inv.counts.statuses.${count.status}`)} · {count.blind ? t('inv.counts.blind') : ''}
      </p>
      {count.status === 'open' && (
        <form onSubmit={(e) => void scan(e)} className="inline-form">
          <input
            ref={input}
            className="input-xl"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder={t('inv.common.scan')}
            autoFocus
            data-testid="count-scan"
          />
          <button type="button" className="btn btn-primary" onClick={() => void submit()} data-testid="count-submit">
            {t('inv.counts.submit')}
          </button>
          {manager && (
            <button type="button" className="btn btn-ghost" onClick={() => void cancel()}>
              {t('inv.counts.cancelCount')}
            </button>
          )}
        </form>
      )}
      {report ? (
        <>
          <h3>{t('inv.counts.report')}</h3>
          {report.uncounted > 0 && <p className="notice">{t('inv.counts.uncounted', { count: report.uncounted })}</p>}
          <div className="scroll-box">
            <Table
              testId="variance-report"
              rows={report.rows}
              rowKey={(r) => r.productId}
              columns={[
                { key: 'sku', header: t('inv.common.sku'), cell: (r) => r.sku },
                { key: 'name', header: t('inv.common.name'), cell: (r) => <LocalName name={r.name} altName={r.altName} /> },
                { key: 'expected', header: t('inv.counts.expected'), num: true, cell: (r) => fmt.qtyUnit(r.expected, r.unit) },
                {
                  key: 'counted',
                  header: t('inv.counts.counted'),
                  num: true,
                  cell: (r) => (r.counted === null ? t('inv.counts.notCounted') : fmt.qty(r.counted, r.unit)),
                },
                {
                  key: 'variance',
                  header: t('inv.counts.variance'),
                  num: true,
                  cellClassName: (r) => (r.variance < 0 ? 'stock-out' : undefined),
                  cell: (r) => fmt.qtyUnit(r.variance, r.unit),
                },
                { key: 'value', header: t('inv.common.value'), num: true, cell: (r) => fmt.money(r.value) },
              ]}
            />
          </div>
          <p>
            <strong>
              {t('inv.common.total')}: {fmt.money(report.totalValue)}
            </strong>
          </p>
          {manager && (count.status === 'submitted' || count.status === 'open') && (
            <div className="inline-form">
              <select value={uncounted} onChange={(e) => setUncounted(e.target.value === 'ignore' ? 'ignore' : 'zero')}>
                <option value="zero">{t('inv.counts.uncountedZero')}</option>
                <option value="ignore">{t('inv.counts.uncountedIgnore')}</option>
              </select>
              <button type="button" className="btn btn-primary" onClick={() => void approve()} data-testid="count-approve">
                {t('inv.counts.approve')}
              </button>
            </div>
          )}
        </>
      ) : (
        <div className="scroll-box">
          <Table
            testId="count-lines"
            rows={count.lines}
            rowKey={(l) => l.productId}
            rowTestId="count-line"
            columns={[
              { key: 'sku', header: t('inv.common.sku'), cell: (l) => l.sku },
              { key: 'name', header: t('inv.common.name'), cell: (l) => <LocalName name={l.name} altName={l.altName} /> },
              {
                key: 'counted',
                header: t('inv.counts.counted'),
                num: true,
                cell: (l) =>
                  count.status === 'open' ? (
                    <input
                      key={l.counted}
                      className="qty-field"
                      defaultValue={fmt.qty(l.counted, l.unit)}
                      onBlur={(e) => void setQty(l.productId, l.unit, e.target.value)}
                      data-testid="count-qty"
                    />
                  ) : (
                    fmt.qty(l.counted, l.unit)
                  ),
              },
              {
                key: 'expected',
                header: t('inv.counts.expected'),
                num: true,
                className: 'muted',
                cell: (l) => (l.expected === null ? t('inv.counts.hidden') : fmt.qtyUnit(l.expected, l.unit)),
              },
            ]}
          />
        </div>
      )}
    </Modal>
  );
}

/** Stock counts: clerks count (by scanning), managers create and approve. */
export function CountsScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const manager = useApp((s) => roleRank(s.session?.staff?.role ?? 'public') >= roleRank('manager'));
  const { locations, categories, loadRefs } = useInventory();
  const [rows, setRows] = useState<CountSession[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState({ name: '', scope: 'partial' as 'full' | 'partial', locationId: '', categoryId: '', blind: true });
  const load = useCallback(() => void countsData.list({}).then((r) => r.ok && setRows(r.value)), []);
  useEffect(load, [load]);
  useEffect(() => {
    if (manager) void loadRefs();
  }, [manager, loadRefs]);

  const create = async () => {
    const r = await countsData.create({
      name: form.name.trim() || new Date().toLocaleDateString(i18n.language),
      scope: form.scope,
      locationId: form.locationId || defaultLocation(locations)?.id || '',
      categoryId: form.scope === 'partial' && form.categoryId ? form.categoryId : null,
      blind: form.blind,
    });
    if (!r.ok) return notify.error(r.error);
    setCreating(false);
    load();
    setOpen(r.value.id);
  };

  return (
    <div className="manager-screen" data-testid="counts-screen">
      <TopBar />
      <main className="manager-main">
        <div className="toolbar">
          <h1>{t('inv.counts.title')}</h1>
          {manager && (
            <button type="button" className="btn btn-primary btn-sm" onClick={() => setCreating(true)} data-testid="count-new">
              {t('inv.counts.newCount')}
            </button>
          )}
        </div>
        <Table
          className="table table-clickable"
          rows={rows}
          rowKey={(c) => c.id}
          rowTestId="count-row"
          onRowClick={(c) => setOpen(c.id)}
          empty={t('inv.common.none')}
          columns={[
            { key: 'name', cell: (c) => c.name },
            { key: 'location', cell: (c) => c.locationName },
            { key: 'status', cell: (c) => t(`inv.counts.statuses.${c.status}`) },
            { key: 'counted', num: true, cell: (c) => c.counted },
            { key: 'created', className: 'muted', cell: (c) => fmt.dateTime(c.createdAt) },
          ]}
        />
      </main>
      {creating && (
        <Modal title={t('inv.counts.newCount')} onClose={() => setCreating(false)} size="sm">
          <div className="stack">
            <Field label={t('inv.common.name')}>
              <input value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} data-testid="count-name" />
            </Field>
            <Field label={t('inv.common.location')}>
              <select value={form.locationId} onChange={(e) => setForm((f) => ({ ...f, locationId: e.target.value }))}>
                {locations
                  .filter((l) => !l.archived)
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label={t('inv.counts.scope')}>
              <select
                value={form.scope}
                onChange={(e) => setForm((f) => ({ ...f, scope: e.target.value === 'full' ? 'full' : 'partial' }))}
              >
                <option value="partial">{t('inv.counts.partial')}</option>
                <option value="full">{t('inv.counts.full')}</option>
              </select>
            </Field>
            {form.scope === 'partial' && (
              <Field label={t('inv.common.category')}>
                <select value={form.categoryId} onChange={(e) => setForm((f) => ({ ...f, categoryId: e.target.value }))}>
                  <option value="">—</option>
                  {categories.map((c) => (
                    <option key={c.id} value={c.id}>
                      {localizedName(c.name, c.altName, i18n.language).primary}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            <label className="check">
              <input type="checkbox" checked={form.blind} onChange={(e) => setForm((f) => ({ ...f, blind: e.target.checked }))} />
              <span>{t('inv.counts.blind')}</span>
            </label>
            <button type="button" className="btn btn-primary" onClick={() => void create()} data-testid="count-create">
              {t('inv.common.create')}
            </button>
          </div>
        </Modal>
      )}
      {open && (
        <CountDialog
          id={open}
          onClose={() => {
            setOpen(null);
            load();
          }}
        />
      )}
    </div>
  );
}
