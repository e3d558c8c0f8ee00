import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDetail, RefundDoc, RefundMethod } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { formatQty, formatQtyUnit, parseMoney, parseQty } from '../../../shared/money';
import { uuidv7 } from '../../../shared/ids';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { minorToInput, useFormat } from '../../lib/format';
import { useCart } from '../../stores/cart';
import { currencyDigits } from '../../../shared/money';
import { describeAfterError } from '../aftersale/errors';
import { localizedName } from '../../lib/names';
import { exchangesData, refundsData } from '../../data/sales';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

interface Row {
  qtyText: string;
  writeoff: boolean;
}

/** Return some or all items of a sale; refund to the original tender, cash or store credit, or exchange. */
export function ReturnDialog({ detail, onClose, onDone }: { detail: OrderDetail; onClose(): void; onDone(refund: RefundDoc): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const currency = detail.order.currency;
  const lines = detail.lines.filter((l) => l.returnableQty > 0);
  const [rows, setRows] = useState<Record<string, Row>>(() =>
    Object.fromEntries(lines.map((l) => [l.orderLineId, { qtyText: '0', writeoff: false }])),
  );
  const [method, setMethod] = useState<RefundMethod>('original');
  const [reason, setReason] = useState('');
  const [exchange, setExchange] = useState(false);
  const [cashText, setCashText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // One id per attempt at this return: a retry after a lost answer never refunds twice.
  const [refundId] = useState(() => uuidv7());
  const [checkoutId] = useState(() => uuidv7());
  const cart = useCart((s) => s.cart);
  const cartTotal = cart?.priced.total ?? 0;

  const picked = useMemo(
    () =>
      lines.flatMap((l) => {
        const q = parseQty(rows[l.orderLineId]?.qtyText ?? '0', l.unit);
        if (!q || q <= 0) return [];
        // The last units of a line get exactly what is left; others their share.
        const amount =
          q >= l.returnableQty ? l.total - l.refundedAmount : Math.min(l.total - l.refundedAmount, Math.round((l.total * q) / l.qty));
        return [{ line: l, qty: q, amount, writeoff: rows[l.orderLineId]!.writeoff }];
      }),
    [lines, rows],
  );
  const invalid = lines.some((l) => {
    const q = parseQty(rows[l.orderLineId]?.qtyText ?? '0', l.unit);
    return q === null || q > l.returnableQty;
  });
  const value = picked.reduce((s, p) => s + p.amount, 0);
  const owed = exchange ? Math.max(0, cartTotal - value) : 0;
  const back = exchange ? Math.max(0, value - cartTotal) : value;
  const cash = cashText.trim() === '' ? owed : parseMoney(cashText, currency);

  const setRow = (id: string, patch: Partial<Row>) => setRows((r) => ({ ...r, [id]: { ...r[id]!, ...patch } }));

  const submit = async () => {
    setBusy(true);
    setError(null);
    const reqLines = picked.map((p) => ({
      orderLineId: p.line.orderLineId,
      qty: p.qty,
      disposition: p.writeoff ? ('writeoff' as const) : ('restock' as const),
    }));
    const base = { orderId: detail.order.id, refundId, lines: reqLines, method, reason: reason.trim() || null };
    const r = exchange
      ? await exchangesData
          .complete({
            ...base,
            cartId: cart!.id!,
            checkoutId,
            tenders: owed > 0 ? [{ kind: 'cash', amount: cash ?? 0 }] : [],
          })
          .then((x) => (x.ok ? { ok: true as const, value: x.value.refund } : x))
      : await refundsData.create(base);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (exchange) await useCart.getState().reset();
    onDone(r.value);
  };

  return (
    <Modal
      title={t('after.return.title', { number: detail.order.number })}
      onClose={busy ? undefined : onClose}
      size="xl"
      testId="return-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost btn-lg" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-pay btn-lg"
            disabled={
              busy || picked.length === 0 || invalid || (exchange && (!cart?.id || cart.lines.length === 0 || cash === null || cash < owed))
            }
            onClick={() => void submit()}
            data-testid="return-confirm"
          >
            {exchange ? t('after.return.confirmExchange') : t('after.return.confirm', { amount: fmt.money(value, currency) })}
          </button>
        </>
      }
    >
      <Table
        rows={lines}
        rowKey={(l) => l.orderLineId}
        rowTestId="return-line"
        columns={[
          {
            key: 'item',
            header: t('after.item'),
            className: 'ellipsis',
            cell: (l) => (
              <>
                {localizedName(l.name, l.altName, i18n.language).primary}
                <small className="muted"> · {fmt.money(l.total, currency)}</small>
              </>
            ),
          },
          { key: 'bought', header: t('after.return.bought'), num: true, cell: (l) => formatQtyUnit(l.qty, l.unit, i18n.language) },
          {
            key: 'returnable',
            header: t('after.return.returnable'),
            num: true,
            cell: (l) => formatQty(l.returnableQty, l.unit, i18n.language),
          },
          {
            key: 'qty',
            header: t('after.return.qty'),
            num: true,
            cell: (l) => {
              const row = rows[l.orderLineId]!;
              const q = parseQty(row.qtyText, l.unit);
              const bad = q === null || q > l.returnableQty;
              const each = l.unit === 'each';
              return (
                <>
                  <div className="qty">
                    {each && (
                      <button
                        type="button"
                        className="qty-btn"
                        aria-label={t('cart.decrease')}
                        onClick={() => setRow(l.orderLineId, { qtyText: String(Math.max(0, (q ?? 0) / 1000 - 1)) })}
                      >
                        −
                      </button>
                    )}
                    <input
                      className="qty-input"
                      inputMode="decimal"
                      value={row.qtyText}
                      aria-invalid={bad}
                      onChange={(e) => setRow(l.orderLineId, { qtyText: e.target.value })}
                      data-testid="return-qty"
                    />
                    {each && (
                      <button
                        type="button"
                        className="qty-btn"
                        aria-label={t('cart.increase')}
                        onClick={() => setRow(l.orderLineId, { qtyText: String(Math.min(l.returnableQty, (q ?? 0) + 1000) / 1000) })}
                        data-testid="return-inc"
                      >
                        +
                      </button>
                    )}
                  </div>
                  {bad && <span className="field-error">{t('after.return.tooMany')}</span>}
                </>
              );
            },
          },
          {
            key: 'condition',
            header: t('after.return.condition'),
            cell: (l) => {
              const row = rows[l.orderLineId]!;
              return (
                <select
                  value={row.writeoff ? 'writeoff' : 'restock'}
                  onChange={(e) => setRow(l.orderLineId, { writeoff: e.target.value === 'writeoff' })}
                  data-testid="return-disposition"
                >
                  <option value="restock">{t('after.return.restock')}</option>
                  <option value="writeoff">{t('after.return.writeoff')}</option>
                </select>
              );
            },
          },
        ]}
      />

      <div className="field-grid">
        <fieldset className="field">
          <legend className="field-label">{exchange ? t('after.return.differenceTo') : t('after.return.refundTo')}</legend>
          <div className="segmented">
            {(['original', 'cash', 'store_credit'] as const).map((m) => (
              <button
                key={m}
                type="button"
                className={`segment${method === m ? ' segment-active' : ''}`}
                aria-pressed={method === m}
                disabled={m === 'store_credit' && !detail.customer}
                onClick={() => setMethod(m)}
                data-testid={`refund-method-${m}`}
              >
                {t(`after.method.${m}`)}
              </button>
            ))}
          </div>
          {!detail.customer && <span className="field-hint">{t('after.return.creditNeedsCustomer')}</span>}
          {method === 'original' && detail.payments.some((p) => p.kind.startsWith('card') && p.amount > p.refunded) && (
            <span className="field-hint" data-testid="card-refund-hint">
              {t('after.return.cardHint')}
            </span>
          )}
        </fieldset>
        <Field label={t('after.return.reason')}>
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="return-reason" />
        </Field>
      </div>

      <label className="check">
        <input
          type="checkbox"
          checked={exchange}
          onChange={(e) => setExchange(e.target.checked)}
          disabled={!cart || cart.lines.length === 0}
          data-testid="return-exchange"
        />
        <span>
          {t('after.return.exchange')}
          {cart && cart.lines.length > 0 ? (
            <small className="muted"> · {t('after.return.currentSale', { total: fmt.money(cartTotal, currency) })}</small>
          ) : (
            <small className="muted"> · {t('after.return.exchangeHint')}</small>
          )}
        </span>
      </label>
      {exchange && owed > 0 && (
        <Field label={t('after.return.customerPays', { amount: fmt.money(owed, currency) })}>
          <div className="input-suffix">
            <input
              inputMode="decimal"
              value={cashText}
              placeholder={minorToInput(owed, currencyDigits(currency))}
              onChange={(e) => setCashText(e.target.value)}
              data-testid="exchange-cash"
            />
            <span>{currency}</span>
          </div>
        </Field>
      )}

      <div className="totals">
        <div className="totals-row totals-total">
          <span>{exchange ? t('after.return.backToCustomer') : t('after.return.refund')}</span>
          <strong data-testid="return-total">{fmt.money(back, currency)}</strong>
        </div>
      </div>
      <InlineError text={error ? describeAfterError(t, error) : null} testId="return-error" />
    </Modal>
  );
}
