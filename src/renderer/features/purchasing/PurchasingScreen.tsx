import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LowStockRow, PoStatus, PoSummary, ProductHit, PurchaseOrder, Supplier } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, formatQty, parseMoney, parseQty } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { LocalName } from '../../components/LocalName';
import { Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { saveBase64, saveText } from '../../lib/save-file';
import { useApp } from '../../stores/app';
import { defaultLocation, useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { catalogData } from '../../data/catalog';
import { purchaseOrdersData, suppliersData } from '../../data/purchasing';
import { stockData } from '../../data/inventory';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

type Tab = 'orders' | 'low' | 'suppliers';

function StatusBadge({ status }: { status: PoStatus }) {
  const { t } = useTranslation();
  const tone = status === 'received' ? ' badge-ok' : status === 'partial' || status === 'sent' ? ' badge-warn' : '';
  return <span className={`badge${tone}`}>{t(`inv.purchasing.statuses.${status}`)}</span>;
}

/** Adds a product to a draft by search or code. */
function AddLine({ order, onChanged }: { order: PurchaseOrder; onChanged(o: PurchaseOrder): void }) {
  const { t, i18n } = useTranslation();
  const notify = useNotify();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProductHit[]>([]);
  const [qty, setQty] = useState('1');
  useEffect(() => {
    if (!q.trim()) return;
    const id = setTimeout(() => void catalogData.search({ q, limit: 8 }).then((r) => r.ok && setHits(r.value)), 150);
    return () => clearTimeout(id);
  }, [q]);
  const shown = q.trim() ? hits : [];
  const add = async (hit: ProductHit) => {
    const n = parseQty(qty, hit.unit);
    if (!n) return notify.message('error', 'inv.common.qty');
    const r = await purchaseOrdersData.addLines({ id: order.id, lines: [{ productId: hit.id, qty: n }] });
    if (!r.ok) return notify.error(r.error);
    setQ('');
    onChanged(r.value);
  };
  return (
    <div className="add-line">
      <input
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('inv.common.search')}
        aria-label={t('inv.purchasing.addItem')}
        data-testid="po-add-search"
      />
      <input className="qty-field" value={qty} onChange={(e) => setQty(e.target.value)} aria-label={t('inv.common.qty')} />
      {shown.length > 0 && (
        <ul className="picker">
          {shown.map((h) => (
            <li key={h.id}>
              <button type="button" onClick={() => void add(h)} data-testid="po-add-hit">
                {h.sku} · {localizedName(h.name, h.altName, i18n.language).primary}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Receiving at the back door: every scan (a keyboard-wedge scanner types the code and Enter) receives one unit. */
function ReceivePanel({ order, onChanged }: { order: PurchaseOrder; onChanged(o: PurchaseOrder): void }) {
  const { t, i18n } = useTranslation();
  const notify = useNotify();
  const [code, setCode] = useState('');
  const [qty, setQty] = useState('');
  const [last, setLast] = useState<string | null>(null);
  const [ask, setAsk] = useState<{ code: string; name: string; qty?: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const receive = async (c: string, n: number | undefined, extra = false) => {
    const r = await purchaseOrdersData.receiveScan({ id: order.id, code: c, ...(n ? { qty: n } : {}), ...(extra ? { extra } : {}) });
    if (!r.ok) {
      const d = r.error.details as { notOnOrder?: boolean; name?: string; altName?: string | null } | undefined;
      if (d?.notOnOrder) setAsk({ code: c, name: d.name ? localizedName(d.name, d.altName, i18n.language).primary : c, qty: n });
      else notify.error(r.error, { kind: 'scan', code: c });
      return;
    }
    const line = r.value.order.items.find((l) => l.id === r.value.lineId)!;
    const name = localizedName(line.name, line.altName, i18n.language).primary;
    const fmtQty = String(r.value.received / 1000);
    setLast(
      r.value.over > 0
        ? t('inv.purchasing.lastScanOver', { qty: fmtQty, name, over: r.value.over / 1000 })
        : t('inv.purchasing.lastScan', { qty: fmtQty, name }),
    );
    onChanged(r.value.order);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = code.trim();
    setCode('');
    if (!c) return;
    const n = qty.trim() ? (parseQty(qty, 'kg') ?? undefined) : undefined;
    setQty('');
    void receive(c, n);
    input.current?.focus();
  };

  return (
    <div className="receive-panel">
      <form onSubmit={submit} className="inline-form">
        <input
          ref={input}
          className="input-xl"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder={t('inv.common.scan')}
          autoComplete="off"
          data-testid="receive-scan"
        />
        <input
          className="qty-field"
          value={qty}
          onChange={(e) => setQty(e.target.value)}
          placeholder={t('inv.common.qty')}
          aria-label={t('inv.purchasing.receiveQty')}
          data-testid="receive-qty"
        />
        <button type="submit" className="btn btn-primary">
          {t('inv.purchasing.add')}
        </button>
      </form>
      {last && (
        <p className="notice notice-ok" data-testid="receive-last">
          {last}
        </p>
      )}
      {ask && (
        <Modal title={t('inv.purchasing.receive')} onClose={() => setAsk(null)} size="sm" testId="not-on-order">
          <p>{t('inv.purchasing.notOnOrder', { name: ask.name })}</p>
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setAsk(null)}>
              {t('inv.common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                const a = ask;
                setAsk(null);
                void receive(a.code, a.qty, true);
              }}
              data-testid="receive-anyway"
            >
              {t('inv.purchasing.receiveAnyway')}
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

/** A draft's line: quantity and unit cost edited in place (saved on Enter or leaving the box), or removed. */
/** A draft line's ordered quantity or unit cost, saved when the box is left or Enter is pressed. */
function DraftLineInput({
  order,
  line,
  field,
  onChanged,
}: {
  order: PurchaseOrder;
  line: PurchaseOrder['items'][number];
  field: 'qty' | 'unitCost';
  onChanged(o: PurchaseOrder): void;
}) {
  const { t, i18n } = useTranslation();
  const notify = useNotify();
  const currency = useApp((s) => s.settings?.currency ?? 'USD');
  const saved = field === 'qty' ? formatQty(line.qtyOrdered, line.unit, 'en') : minorToInput(line.unitCost, currencyDigits(currency));
  const [text, setText] = useState(saved);
  const name = localizedName(line.name, line.altName, i18n.language).primary;

  const commit = () => {
    if (text.trim() === saved) return;
    const value = field === 'qty' ? parseQty(text, line.unit) || null : parseMoney(text, currency);
    if (value === null) {
      setText(saved);
      return notify.message('error', field === 'qty' ? 'inv.common.qty' : 'inv.purchasing.unitCost');
    }
    void purchaseOrdersData.updateLine({ id: order.id, lineId: line.id, [field]: value }).then((r) => {
      if (r.ok) onChanged(r.value);
      else {
        setText(saved);
        notify.error(r.error);
      }
    });
  };
  return (
    <input
      className="qty-field"
      inputMode="decimal"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        }
      }}
      aria-label={t(field === 'qty' ? 'inv.purchasing.qtyOf' : 'inv.purchasing.costOf', { name })}
      data-testid={field === 'qty' ? 'po-line-qty' : 'po-line-cost'}
    />
  );
}

function OrderDialog({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [order, setShown] = useState<PurchaseOrder | null>(null);
  useEffect(() => {
    void purchaseOrdersData.get({ id }).then((r) => (r.ok ? setShown(r.value) : notify.error(r.error)));
  }, [id, notify]);
  if (!order) return null;
  // Every change also refreshes the list behind the dialog, so its totals and statuses never lag.
  const setOrder = (o: PurchaseOrder) => {
    setShown(o);
    onChanged();
  };
  const draft = order.status === 'draft';

  const act = async (step: 'send' | 'close' | 'cancel') => {
    const r = await purchaseOrdersData[step]({ id: order.id });
    if (r.ok) setOrder(r.value);
    else notify.error(r.error);
  };
  const receiveAll = async () => {
    const lines = order.items.filter((l) => l.qtyReceived < l.qtyOrdered).map((l) => ({ lineId: l.id, qty: l.qtyOrdered - l.qtyReceived }));
    if (lines.length === 0) return;
    const r = await purchaseOrdersData.receive({ id: order.id, lines });
    if (r.ok) setOrder(r.value);
    else notify.error(r.error);
  };
  const pdf = async () => {
    const r = await purchaseOrdersData.pdf({ id: order.id });
    if (r.ok) saveBase64(r.value.fileName, r.value.base64, 'application/pdf');
    else notify.error(r.error);
  };
  const csv = async () => {
    const r = await purchaseOrdersData.csv({ id: order.id });
    if (r.ok) saveText(r.value.fileName, r.value.csv);
    else notify.error(r.error);
  };
  const receiving = order.status === 'sent' || order.status === 'partial' || order.status === 'received';

  return (
    <Modal
      title={
        <span className="modal-title-line">
          {order.number} · {order.supplierName} <StatusBadge status={order.status} />
        </span>
      }
      onClose={onClose}
      size="xl"
      testId="po-dialog"
    >
      <div className="toolbar">
        <span className="muted">
          {t('inv.common.location')}: {order.locationName}
        </span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void pdf()} data-testid="po-pdf">
          {t('inv.purchasing.pdf')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void csv()}>
          {t('inv.purchasing.csv')}
        </button>
        {order.status === 'draft' && (
          <button type="button" className="btn btn-primary btn-sm" onClick={() => void act('send')} data-testid="po-send">
            {t('inv.purchasing.send')}
          </button>
        )}
        {(order.status === 'sent' || order.status === 'partial') && (
          <>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void receiveAll()}>
              {t('inv.purchasing.receiveAll')}
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void act('close')} data-testid="po-close">
              {t('inv.purchasing.closeOrder')}
            </button>
          </>
        )}
        {(order.status === 'draft' || (order.status === 'sent' && order.qtyReceived === 0)) && (
          <button type="button" className="btn btn-danger btn-sm" onClick={() => void act('cancel')}>
            {t('inv.purchasing.cancelOrder')}
          </button>
        )}
      </div>
      {order.status === 'draft' && <AddLine order={order} onChanged={setOrder} />}
      {receiving && <ReceivePanel order={order} onChanged={setOrder} />}
      <div className="scroll-box">
        <Table
          testId="po-lines"
          rows={order.items}
          // Keyed by the saved values too, so a draft's boxes start afresh from what the server kept.
          rowKey={(l) => `${l.id}:${l.qtyOrdered}:${l.unitCost}`}
          rowTestId="po-line"
          columns={[
            { key: 'sku', header: t('inv.common.sku'), cell: (l) => l.sku },
            { key: 'name', header: t('inv.common.name'), cell: (l) => <LocalName name={l.name} altName={l.altName} /> },
            {
              key: 'ordered',
              header: t('inv.purchasing.ordered'),
              num: true,
              cell: (l) =>
                draft ? <DraftLineInput order={order} line={l} field="qty" onChanged={setOrder} /> : fmt.qtyUnit(l.qtyOrdered, l.unit),
            },
            {
              key: 'received',
              header: t('inv.purchasing.received'),
              num: true,
              testId: draft ? undefined : 'po-line-received',
              cell: (l) => (draft ? null : fmt.qty(l.qtyReceived, l.unit)),
            },
            { key: 'over', header: t('inv.purchasing.over'), num: true, cell: (l) => (!draft && l.over ? fmt.qty(l.over, l.unit) : '') },
            {
              key: 'short',
              header: t('inv.purchasing.short'),
              num: true,
              cell: (l) => (!draft && l.short ? fmt.qty(l.short, l.unit) : ''),
            },
            {
              key: 'unitCost',
              header: t('inv.purchasing.unitCost'),
              num: true,
              cell: (l) =>
                draft ? <DraftLineInput order={order} line={l} field="unitCost" onChanged={setOrder} /> : fmt.money(l.unitCost),
            },
            {
              key: 'total',
              header: t('inv.purchasing.lineTotal'),
              num: true,
              testId: draft ? 'po-line-total' : undefined,
              cell: (l) => fmt.money(Math.round((l.qtyOrdered * l.unitCost) / 1000)),
            },
            ...(draft
              ? [
                  {
                    key: 'remove',
                    header: <span className="sr-only">{t('inv.purchasing.removeLine')}</span>,
                    cell: (l: PurchaseOrder['items'][number]) => (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm btn-danger"
                        onClick={() =>
                          void purchaseOrdersData.updateLine({ id: order.id, lineId: l.id, remove: true }).then((r) => {
                            if (r.ok) setOrder(r.value);
                            else notify.error(r.error);
                          })
                        }
                        aria-label={t('inv.purchasing.removeLineOf', { name: localizedName(l.name, l.altName, i18n.language).primary })}
                        data-testid="po-line-remove"
                      >
                        {t('inv.purchasing.removeLine')}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </div>
      <p className="right">
        <strong data-testid="po-total">
          {t('inv.common.total')}: {fmt.money(order.total)}
        </strong>
      </p>
    </Modal>
  );
}

function Orders({ onOpen, refresh }: { onOpen(id: string): void; refresh: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { suppliers, locations } = useInventory();
  const [status, setStatus] = useState<PoStatus | 'open' | ''>('open');
  const [rows, setRows] = useState<PoSummary[]>([]);
  const [creating, setCreating] = useState(false);
  const [supplierId, setSupplierId] = useState('');
  const [locationId, setLocationId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    void purchaseOrdersData.list({ ...(status ? { status } : {}), offset: 0, limit: 200 }).then((r) => r.ok && setRows(r.value.items));
  }, [status]);
  // `refresh` changes when the open order changed: read the list again.
  useEffect(load, [load, refresh]);
  const active = suppliers.filter((s) => !s.archived);
  const create = async () => {
    if (active.length === 0) return;
    const loc = locationId || defaultLocation(locations)?.id || '';
    const r = await purchaseOrdersData.create({ supplierId: supplierId || active[0]!.id, locationId: loc });
    if (!r.ok) return setError(r.error);
    setCreating(false);
    load();
    onOpen(r.value.id);
  };
  return (
    <>
      <div className="toolbar">
        <select value={status} onChange={(e) => setStatus(e.target.value as PoStatus | 'open' | '')} aria-label={t('inv.common.status')}>
          <option value="">—</option>
          {(['open', 'draft', 'sent', 'partial', 'received', 'closed', 'cancelled'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`inv.purchasing.statuses.${s}`)}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setCreating(true)} data-testid="po-new">
          {t('inv.purchasing.newOrder')}
        </button>
      </div>
      <Table
        className="table table-clickable"
        testId="po-list"
        rows={rows}
        rowKey={(r) => r.id}
        rowTestId="po-row"
        onRowClick={(r) => onOpen(r.id)}
        empty={t('inv.common.none')}
        columns={[
          { key: 'number', header: t('inv.purchasing.number'), cell: (r) => r.number },
          { key: 'supplier', header: t('inv.common.supplier'), cell: (r) => r.supplierName },
          { key: 'location', header: t('inv.common.location'), cell: (r) => r.locationName },
          { key: 'status', header: t('inv.common.status'), cell: (r) => <StatusBadge status={r.status} /> },
          { key: 'lines', header: t('inv.purchasing.lines'), num: true, cell: (r) => r.lines },
          { key: 'total', header: t('inv.common.total'), num: true, cell: (r) => fmt.money(r.total) },
          { key: 'date', header: t('inv.common.date'), className: 'muted', cell: (r) => fmt.dateTime(r.createdAt) },
        ]}
      />
      {creating && (
        <Modal title={t('inv.purchasing.newOrder')} onClose={() => setCreating(false)} size="sm">
          <div className="stack">
            <Field label={t('inv.common.supplier')}>
              <select value={supplierId} onChange={(e) => setSupplierId(e.target.value)} data-testid="po-new-supplier">
                {active.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('inv.common.location')}>
              <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
                {locations
                  .filter((l) => !l.archived)
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </select>
            </Field>
            {active.length === 0 && (
              <p className="notice" data-testid="po-no-suppliers">
                {t('inv.err.noSuppliers')}
              </p>
            )}
            <InlineError text={error ? describeError(t, error) : null} />
            <button
              type="button"
              className="btn btn-primary"
              disabled={active.length === 0}
              onClick={() => void create()}
              data-testid="po-create"
            >
              {t('inv.common.create')}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

/** Rows per page of the low-stock list. */
const LOW_PAGE = 200;

function LowStock({ onOpen }: { onOpen(id: string): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const { suppliers, locations } = useInventory();
  const [locationId, setLocationId] = useState('');
  const [rows, setRows] = useState<LowStockRow[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [total, setTotal] = useState(0);
  const [fallback, setFallback] = useState('');
  const [offset, setOffset] = useState(0);
  const loc = locationId || defaultLocation(locations)?.id || '';
  // A long list (a big store after a stock count) is read a page at a time.
  const load = useCallback(() => {
    if (!loc) return;
    void stockData.lowStock({ locationId: loc, offset, limit: LOW_PAGE }).then((r) => {
      if (r.ok) {
        if (r.value.items.length === 0 && offset > 0 && r.value.total > 0) return setOffset(0);
        setRows(r.value.items);
        setLoaded(true);
        setTotal(r.value.total);
      }
    });
  }, [loc, offset]);
  useEffect(load, [load]);
  const make = async () => {
    const r = await purchaseOrdersData.fromSuggestions({ locationId: loc, ...(fallback ? { supplierId: fallback } : {}) });
    if (!r.ok) return notify.error(r.error);
    notify.message('info', 'inv.purchasing.draftsMade', { count: r.value.length });
    load();
    if (r.value[0]) onOpen(r.value[0].id);
  };
  return (
    <>
      <div className="toolbar">
        <select
          value={loc}
          onChange={(e) => {
            setLocationId(e.target.value);
            setOffset(0);
          }}
          aria-label={t('inv.common.location')}
        >
          {locations
            .filter((l) => !l.archived)
            .map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
        </select>
        <label className="field-inline">
          <span>{t('inv.purchasing.fallbackSupplier')}</span>
          <select value={fallback} onChange={(e) => setFallback(e.target.value)}>
            <option value="">—</option>
            {suppliers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-primary btn-sm"
          disabled={rows.length === 0}
          onClick={() => void make()}
          data-testid="make-drafts"
        >
          {t('inv.purchasing.makeDrafts')}
        </button>
        <span className="muted">{t('inv.stock.count', { count: total })}</span>
      </div>
      <Table
        testId="low-list"
        rows={loaded ? rows : null}
        rowKey={(r) => `${r.productId}@${r.locationId}`}
        rowTestId="low-row"
        empty={t('inv.purchasing.lowEmpty')}
        emptyTestId="low-empty"
        columns={[
          { key: 'sku', header: t('inv.common.sku'), cell: (r) => r.sku },
          { key: 'name', header: t('inv.common.name'), cell: (r) => <LocalName name={r.name} altName={r.altName} /> },
          { key: 'qty', header: t('inv.common.qty'), num: true, className: 'stock-low', cell: (r) => fmt.qtyUnit(r.qty, r.unit) },
          { key: 'reorderPoint', header: t('inv.common.reorderPoint'), num: true, cell: (r) => fmt.qty(r.reorderPoint, r.unit) },
          { key: 'onOrder', header: t('inv.purchasing.onOrder'), num: true, cell: (r) => (r.onOrder ? fmt.qty(r.onOrder, r.unit) : '') },
          { key: 'dailySales', header: t('inv.purchasing.dailySales'), num: true, cell: (r) => fmt.qty(r.dailySales, 'kg') },
          {
            key: 'suggested',
            header: t('inv.purchasing.suggested'),
            num: true,
            cell: (r) => <strong>{r.suggestedQty ? fmt.qtyUnit(r.suggestedQty, r.unit) : '—'}</strong>,
          },
          { key: 'supplier', header: t('inv.common.supplier'), cell: (r) => r.supplierName ?? '' },
        ]}
      />
      {total > LOW_PAGE && (
        <Pager
          offset={offset}
          pageSize={LOW_PAGE}
          total={total}
          onOffset={setOffset}
          label={(from, to, all) => t('after.pager', { from, to, total: all })}
        />
      )}
    </>
  );
}

function Suppliers() {
  const { t } = useTranslation();
  const loadRefs = useInventory((s) => s.loadRefs);
  const [rows, setRows] = useState<Supplier[] | null>(null);
  const [form, setForm] = useState({ name: '', contact: '', email: '', phone: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => void suppliersData.list({ includeArchived: true }).then((r) => r.ok && setRows(r.value)), []);
  useEffect(load, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await suppliersData.create({
      name: form.name.trim(),
      contact: form.contact.trim() || null,
      email: form.email.trim() || null,
      phone: form.phone.trim() || null,
    });
    if (!r.ok) return setError(r.error);
    setError(null);
    setForm({ name: '', contact: '', email: '', phone: '' });
    load();
    void loadRefs();
  };
  const toggle = async (s: Supplier) => {
    await suppliersData.update({ id: s.id, archived: !s.archived });
    load();
    void loadRefs();
  };
  return (
    <>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        {(['name', 'contact', 'email', 'phone'] as const).map((k) => (
          <input
            key={k}
            value={form[k]}
            onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))}
            placeholder={k === 'name' ? t('inv.common.name') : t(`inv.purchasing.${k}`)}
            data-testid={`supplier-${k}`}
          />
        ))}
        <button type="submit" className="btn btn-primary btn-sm" data-testid="supplier-create">
          {t('inv.purchasing.newSupplier')}
        </button>
      </form>
      <InlineError text={error ? describeError(t, error) : null} />
      <Table
        rows={rows}
        rowKey={(s) => s.id}
        rowClassName={(s) => (s.archived ? 'row-muted' : '')}
        empty={t('inv.purchasing.suppliersEmpty')}
        emptyTestId="suppliers-empty"
        columns={[
          { key: 'name', cell: (s) => s.name },
          { key: 'contact', cell: (s) => s.contact ?? '' },
          { key: 'email', cell: (s) => s.email ?? '' },
          { key: 'phone', cell: (s) => s.phone ?? '' },
          {
            key: 'archive',
            cell: (s) => (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggle(s)}>
                {s.archived ? t('inv.editor.unarchive') : t('inv.editor.archive')}
              </button>
            ),
          },
        ]}
      />
    </>
  );
}

export function PurchasingScreen() {
  const { t } = useTranslation();
  const loadRefs = useInventory((s) => s.loadRefs);
  const refreshBadge = useInventory((s) => s.refreshBadge);
  const [tab, setTab] = useState<Tab>(() =>
    useApp.getState().screen === 'purchasing' && useInventory.getState().low?.count ? 'low' : 'orders',
  );
  const [open, setOpen] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [listTick, setListTick] = useState(0);
  useEffect(() => {
    void loadRefs();
  }, [loadRefs]);
  return (
    <div className="manager-screen" data-testid="purchasing-screen">
      <TopBar />
      <main className="manager-main">
        <div className="toolbar">
          <h1>{t('inv.purchasing.title')}</h1>
          <div className="tabs">
            {(['orders', 'low', 'suppliers'] as const).map((k) => (
              <button
                key={k}
                type="button"
                className={`tab${tab === k ? ' tab-active' : ''}`}
                onClick={() => setTab(k)}
                data-testid={`purchasing-tab-${k}`}
              >
                {t(`inv.purchasing.${k}`)}
              </button>
            ))}
          </div>
        </div>
        <div key={version}>
          {tab === 'orders' && <Orders onOpen={setOpen} refresh={listTick} />}
          {tab === 'low' && <LowStock onOpen={setOpen} />}
          {tab === 'suppliers' && <Suppliers />}
        </div>
      </main>
      {open && (
        <OrderDialog
          id={open}
          onChanged={() => setListTick((n) => n + 1)}
          onClose={() => {
            setOpen(null);
            setVersion((v) => v + 1);
            void refreshBadge();
          }}
        />
      )}
    </div>
  );
}
