import '../aftersale/aftersale.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Pager } from '../../components/Pager';
import type { OrderRow, OrderStatusFilter, ProductHit } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { dayToIso, isIsoDate, isoToDay, zonedMidnight } from '../../../shared/business-day';
import { uuidv7 } from '../../../shared/ids';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { withApproval } from '../../stores/approval';
import { useAfter } from '../../stores/aftersale';
import { useNotify } from '../../stores/notify';
import { useReceipt } from '../../stores/receipt';
import { TopBar } from '../../components/TopBar';
import { ReceiptDialog } from '../receipt/ReceiptDialog';
import { scanOrderOr } from '../aftersale/scanOrder';
import { useScanner } from '../checkout/useScanner';
import { describeAfterError } from '../aftersale/errors';
import { OrderDetailPanel } from './OrderDetailPanel';
import { DateField } from '../../components/DateField';
import { localizedName } from '../../lib/names';
import { ordersData, refundsData } from '../../data/sales';
import { catalogData } from '../../data/catalog';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

const PAGE = 25;

/** Midnight of a yyyy-mm-dd date in the store's time zone (not the browser's). */
const dayStart = (d: string, tz: string) => (d && isIsoDate(d) ? zonedMidnight(d, tz) : undefined);

export function OrdersScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const orderToOpen = useAfter((s) => s.orderToOpen);
  const receiptOpen = useReceipt((s) => s.orderId !== null);
  const [q, setQ] = useState('');
  const [product, setProduct] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const [status, setStatus] = useState<OrderStatusFilter>('all');
  const [channel, setChannel] = useState<'all' | 'counter' | 'online'>('all');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: OrderRow[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const selected = orderToOpen;
  const setSelected = useAfter.getState().openOrder;
  const [receiptless, setReceiptless] = useState(false);
  const [tick, setTick] = useState(0);

  const search = useCallback(async () => {
    const minTotal = min.trim() ? parseMoney(min, fmt.currency) : undefined;
    const maxTotal = max.trim() ? parseMoney(max, fmt.currency) : undefined;
    const fromMs = dayStart(from, fmt.timezone);
    const toMs = to && isIsoDate(to) ? zonedMidnight(dayToIso(isoToDay(to) + 1), fmt.timezone) : undefined;
    const r = await ordersData.search({
      ...(q.trim() ? { q: q.trim() } : {}),
      ...(product.trim() ? { product: product.trim() } : {}),
      ...(fromMs !== undefined ? { from: fromMs } : {}),
      ...(toMs !== undefined ? { to: toMs } : {}),
      ...(minTotal !== null && minTotal !== undefined ? { minTotal } : {}),
      ...(maxTotal !== null && maxTotal !== undefined ? { maxTotal } : {}),
      status,
      channel,
      offset,
      limit: PAGE,
    });
    if (r.ok) {
      setPage(r.value);
      setError(null);
    } else setError(r.error);
  }, [q, product, from, to, min, max, status, channel, offset, fmt.currency, fmt.timezone]);

  useEffect(() => {
    const timer = setTimeout(() => void search(), 150);
    return () => clearTimeout(timer);
  }, [search, tick]);

  // A receipt scanned here opens its order too.
  useScanner({
    enabled: !receiptOpen && !receiptless,
    onScan: (code) =>
      void scanOrderOr(code, async () => {
        useNotify.getState().error({ code: 'NOT_FOUND', message: code }, { kind: 'scan', code });
      }),
    search: { current: null },
    stripFromSearch: () => undefined,
    typeIntoSearch: (text) => setQ(text),
  });

  return (
    <div className="settings-screen orders-screen">
      <TopBar />
      <main className="orders-main">
        <section className="orders-list card">
          <div className="orders-head">
            <h1>{t('after.nav.orders')}</h1>
            <button type="button" className="btn btn-secondary" onClick={() => setReceiptless(true)} data-testid="receiptless-open">
              {t('after.receiptless.open')}
            </button>
          </div>
          <div className="orders-filters">
            <input
              className="after-search"
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                setOffset(0);
              }}
              placeholder={t('after.orders.searchPlaceholder')}
              aria-label={t('after.orders.search')}
              data-testid="orders-search"
            />
            <div className="filter-row">
              <Field label={t('after.orders.product')}>
                <input
                  value={product}
                  onChange={(e) => {
                    setProduct(e.target.value);
                    setOffset(0);
                  }}
                  data-testid="orders-product"
                />
              </Field>
              <Field label={t('after.orders.from')}>
                <DateField
                  value={from}
                  onChange={(iso) => {
                    setFrom(iso);
                    setOffset(0);
                  }}
                  testId="orders-from"
                />
              </Field>
              <Field label={t('after.orders.to')}>
                <DateField
                  value={to}
                  onChange={(iso) => {
                    setTo(iso);
                    setOffset(0);
                  }}
                  testId="orders-to"
                />
              </Field>
              <Field label={t('after.orders.min')}>
                <input
                  inputMode="decimal"
                  value={min}
                  onChange={(e) => {
                    setMin(e.target.value);
                    setOffset(0);
                  }}
                  data-testid="orders-min"
                />
              </Field>
              <Field label={t('after.orders.max')}>
                <input
                  inputMode="decimal"
                  value={max}
                  onChange={(e) => {
                    setMax(e.target.value);
                    setOffset(0);
                  }}
                  data-testid="orders-max"
                />
              </Field>
              <Field label={t('after.orders.status')}>
                <select
                  value={status}
                  onChange={(e) => {
                    setStatus(e.target.value as OrderStatusFilter);
                    setOffset(0);
                  }}
                  data-testid="orders-status"
                >
                  {(['all', 'partlyRefunded', 'refunded', 'toShip', 'shipped'] as const).map((s) => (
                    <option key={s} value={s}>
                      {t(`after.orders.st.${s}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('online.channel.label')}>
                <select
                  value={channel}
                  onChange={(e) => {
                    setChannel(e.target.value as typeof channel);
                    setOffset(0);
                  }}
                  data-testid="orders-channel"
                >
                  {(['all', 'counter', 'online'] as const).map((c) => (
                    <option key={c} value={c}>
                      {t(`online.channel.${c}`)}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          </div>
          <InlineError text={error ? describeAfterError(t, error) : null} />
          <Table
            className="table table-clickable"
            rows={page?.items ?? null}
            rowKey={(o) => o.id}
            rowTestId="order-row"
            rowClassName={(o) => (selected === o.id ? 'row-selected' : '')}
            onRowClick={(o) => setSelected(o.id)}
            empty={t('after.orders.none')}
            columns={[
              {
                key: 'number',
                header: t('after.orders.number'),
                cell: (o) => (
                  <>
                    <button type="button" className="link-button" onClick={() => setSelected(o.id)}>
                      {o.number}
                    </button>
                    {o.channel === 'online' && <span className="badge badge-online">{t('online.badge')}</span>}{' '}
                    {o.fulfilment === 'ship' && <span className="badge">{t('after.order.shipsShort')}</span>}
                    {o.fulfilment === 'pickup' && <span className="badge">{t('online.fulfilment.pickup')}</span>}
                  </>
                ),
              },
              { key: 'time', header: t('after.orders.time'), cell: (o) => fmt.dateTime(o.createdAt) },
              { key: 'customer', header: t('after.customer.title'), className: 'ellipsis', cell: (o) => o.customerName ?? '' },
              {
                key: 'total',
                header: t('after.total'),
                num: true,
                cell: (o) => (
                  <>
                    <strong>{fmt.money(o.total, o.currency)}</strong>
                    {o.refunded > 0 && (
                      <small className="muted refunded-note">
                        <br />−{fmt.money(o.refunded, o.currency)}
                      </small>
                    )}
                  </>
                ),
              },
            ]}
          />
          {page && page.total > PAGE && (
            <Pager
              offset={offset}
              pageSize={PAGE}
              total={page.total}
              onOffset={setOffset}
              label={(from, to, total) => t('after.pager', { from, to, total })}
            />
          )}
        </section>
        <section className="orders-detail card">
          {selected ? (
            <OrderDetailPanel key={selected} orderId={selected} onChanged={() => setTick((n) => n + 1)} />
          ) : (
            <p className="muted">{t('after.orders.pick')}</p>
          )}
        </section>
      </main>
      {receiptOpen && <ReceiptDialog onNewSale={() => undefined} />}
      {receiptless && <ReceiptlessDialog onClose={() => setReceiptless(false)} />}
    </div>
  );
}

/** A return without the receipt: the clerk picks products and amounts, a manager approves. */
function ReceiptlessDialog({ onClose }: { onClose(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProductHit[]>([]);
  // The amount follows units × price until the clerk types an amount of their own.
  const [lines, setLines] = useState<{ product: ProductHit; unitsText: string; amountText: string; amountEdited: boolean }[]>([]);
  const plainAmount = (minor: number) => (minor / 10 ** currencyDigits(fmt.currency)).toFixed(currencyDigits(fmt.currency));
  const unitsOf = (text: string) => (/^\d{1,4}$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null);
  const [method, setMethod] = useState<'cash' | 'store_credit'>('cash');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [refundId] = useState(() => uuidv7());
  const customer = useAfter((s) => s.extras?.customer ?? null);

  useEffect(() => {
    if (!q.trim()) return;
    let live = true;
    const timer = setTimeout(() => {
      void catalogData.search({ q, limit: 6 }).then((r) => live && r.ok && setHits(r.value));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);

  const amounts = lines.map((l) => parseMoney(l.amountText, fmt.currency));
  const units = lines.map((l) => unitsOf(l.unitsText));
  const total = amounts.reduce<number>((s, a) => s + (a ?? 0), 0);
  const submit = async () => {
    const r = await withApproval(
      'refund',
      (approval) =>
        refundsData.receiptless({
          refundId,
          lines: lines.map((l, i) => ({
            productId: l.product.id,
            qty: (units[i] ?? 1) * 1000,
            amount: amounts[i] ?? 0,
            disposition: 'restock' as const,
          })),
          method,
          customerId: method === 'store_credit' ? (customer?.id ?? null) : null,
          reason: reason.trim() || null,
          approval,
        }),
      { kind: 'refund', amount: total, order: null },
    );
    if (!r) return;
    if (!r.ok) {
      setError(r.error);
      return;
    }
    useNotify.getState().message('info', 'after.return.done', { number: r.value.number, amount: fmt.money(r.value.total) });
    onClose();
  };

  return (
    <Modal
      title={t('after.receiptless.title')}
      onClose={onClose}
      size="lg"
      testId="receiptless-dialog"
      footer={
        <button
          type="button"
          className="btn btn-pay btn-lg"
          disabled={
            lines.length === 0 ||
            amounts.some((a) => a === null) ||
            units.some((u) => u === null) ||
            (method === 'store_credit' && !customer)
          }
          onClick={() => void submit()}
          data-testid="receiptless-confirm"
        >
          {t('after.return.confirm', { amount: fmt.money(total) })}
        </button>
      }
    >
      <p className="muted">{t('after.receiptless.explain')}</p>
      <input
        className="after-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('catalog.searchPlaceholder')}
        data-testid="receiptless-search"
      />
      <ul className="plain-list">
        {(q.trim() ? hits : []).map((h) => (
          <li key={h.id}>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setLines((ls) => [...ls, { product: h, unitsText: '1', amountText: plainAmount(h.price), amountEdited: false }]);
                setQ('');
              }}
            >
              + {localizedName(h.name, h.altName, i18n.language).primary} · {fmt.money(h.price)}
            </button>
          </li>
        ))}
      </ul>
      {lines.map((l, i) => (
        <div key={i} className="field-row">
          <span className="ellipsis">{localizedName(l.product.name, l.product.altName, i18n.language).primary}</span>
          <input
            inputMode="numeric"
            value={l.unitsText}
            aria-invalid={units[i] === null}
            onChange={(e) =>
              setLines((ls) =>
                ls.map((x, j) => {
                  if (j !== i) return x;
                  const n = unitsOf(e.target.value);
                  const amountText = !x.amountEdited && n !== null ? plainAmount(x.product.price * n) : x.amountText;
                  return { ...x, unitsText: e.target.value, amountText };
                }),
              )
            }
            aria-label={t('after.qty')}
            data-testid="receiptless-units"
          />
          <input
            inputMode="decimal"
            value={l.amountText}
            aria-invalid={amounts[i] === null}
            onChange={(e) => setLines((ls) => ls.map((x, j) => (j === i ? { ...x, amountText: e.target.value, amountEdited: true } : x)))}
            aria-label={t('after.amount')}
            data-testid="receiptless-amount"
          />
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
            aria-label={t('after.receiptless.removeLine')}
            title={t('after.receiptless.removeLine')}
            data-testid="receiptless-remove"
          >
            ✕
          </button>
        </div>
      ))}
      <div className="segmented">
        {(['cash', 'store_credit'] as const).map((m) => (
          <button key={m} type="button" className={`segment${method === m ? ' segment-active' : ''}`} onClick={() => setMethod(m)}>
            {t(`after.method.${m}`)}
          </button>
        ))}
      </div>
      {method === 'store_credit' && !customer && <span className="field-hint">{t('after.receiptless.creditHint')}</span>}
      <Field label={t('after.return.reason')}>
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
      </Field>
      <InlineError text={error ? describeAfterError(t, error) : null} />
    </Modal>
  );
}
