import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDetail, OrderLinePromotion, RefundDoc, Unit } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { formatQty } from '../../../shared/money';
import { receiptLineAmount } from '../../../shared/pricing';
import { uuidv7 } from '../../../shared/ids';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { withApproval } from '../../stores/approval';
import { useApp } from '../../stores/app';
import { useAfter } from '../../stores/aftersale';
import { useNotify } from '../../stores/notify';
import { useReceipt } from '../../stores/receipt';
import { canOpen } from '../../views';
import { describeAfterError } from '../aftersale/errors';
import { ReturnDialog } from './ReturnDialog';
import { localizedName } from '../../lib/names';
import { cardBrandName } from '../../../shared/card-brands';
import { isLanguage } from '../../i18n';
import { ordersData, refundsData } from '../../data/sales';
import { feedbackData } from '../../data/customers';
import { OnlineOrderSection } from '../online-orders/OnlineOrderCard';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';
import { useConfirm } from '../../components/Confirm';

export function Stars({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  const full = Math.round(value);
  return (
    <span className="stars" aria-label={`${value} / 5`} title={`${value} / 5`}>
      {'★'.repeat(full)}
      <span className="stars-off">{'★'.repeat(5 - full)}</span>
    </span>
  );
}

/** A line's amount as on the receipt, with its discount under it. */
function LineAmount({
  line,
  fallback,
  priceMode,
  currency,
}: {
  line: { total: number; tax: number; discount: number; promotions?: OrderLinePromotion[] } | undefined;
  fallback: number;
  priceMode: 'inclusive' | 'exclusive';
  currency: string;
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  return (
    <>
      {fmt.money(line ? receiptLineAmount(line, priceMode) : fallback, currency)}
      {line && line.discount > 0 && (
        <small className="muted order-line-discount">
          {t('receipt.discount')} −{fmt.money(line.discount, currency)}
        </small>
      )}
      {/* Which promotions took part of that discount, named as at the sale. */}
      {line?.promotions?.map((p) => (
        <small key={p.promotionId} className="muted order-line-discount" data-testid="order-line-promotion">
          {i18n.language === 'zh-CN' && p.nameZh ? p.nameZh : p.name} −{fmt.money(p.amount, currency)}
        </small>
      ))}
    </>
  );
}

/** One sale: its lines with what was returned and shipped, payments, refunds, shipments; and what can be done. */
export function OrderDetailPanel({ orderId, onChanged }: { orderId: string; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [returning, setReturning] = useState(false);
  const [rating, setRating] = useState(false);
  const [done, setDone] = useState<RefundDoc | null>(null);
  const ask = useConfirm();

  const [tick, setTick] = useState(0);
  const load = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    void ordersData.detail({ id: orderId }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setDetail(r.value);
        setError(null);
        if (r.value.refundable > 0 && useAfter.getState().takeReturn(orderId)) setReturning(true);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [orderId, tick]);

  const undo = async () => {
    if (!detail || !(await ask.confirm(t('after.order.undoConfirm', { number: detail.order.number })))) return;
    const refundId = uuidv7();
    const r = await withApproval(
      'refund',
      (approval) => refundsData.voidSale({ orderId: detail.order.id, refundId, method: 'original', approval }),
      { kind: 'refund', amount: detail.order.total, order: detail.order.number },
    );
    if (!r) return;
    if (!r.ok) {
      useNotify.getState().message('error', 'after.failed', { detail: describeAfterError(t, r.error) });
      return;
    }
    setDone(r.value);
    load();
    onChanged();
  };

  if (error) return <InlineError text={describeAfterError(t, error)} />;
  if (!detail) return <p className="muted">{t('common.loading')}</p>;
  const o = detail.order;
  const cur = o.currency;
  const name = (l: { name: string; altName: string | null }) => localizedName(l.name, l.altName, i18n.language).primary;
  // Weights carry their unit ("0.532 kg"); pieces are plain counts.
  const qty = (q: number, unit: Unit) =>
    unit === 'each' ? formatQty(q, unit, i18n.language) : `${formatQty(q, unit, i18n.language)} ${t(`units.${unit}`)}`;
  const sold = new Map(o.lines.map((l) => [l.id, l]));

  return (
    <div className="order-detail" data-testid="order-detail">
      <header className="order-head">
        <div>
          <h2 data-testid="order-number">{o.number}</h2>
          <p className="muted">
            {fmt.dateTime(o.createdAt)} · {detail.channel === 'online' ? t('online.channel.online') : o.staffName}
            {detail.customer && (
              <>
                {' '}
                · <span data-testid="order-customer">{detail.customer.name}</span>
              </>
            )}
            {detail.fulfilment === 'ship' && <span className="badge badge-warn">{t('after.order.ships')}</span>}
          </p>
        </div>
        <div className="order-total">
          <strong>{fmt.money(o.total, cur)}</strong>
          {detail.refundable < o.total && (
            <small className="muted" data-testid="order-refunded">
              {t('after.order.refunded', { amount: fmt.money(o.total - detail.refundable, cur) })}
            </small>
          )}
        </div>
      </header>

      {detail.channel === 'online' && <OnlineOrderSection key={`${o.id}:${tick}`} orderId={o.id} />}

      {done && (
        <p className="notice notice-ok" role="status" data-testid="refund-done">
          {t('after.return.done', { number: done.number, amount: fmt.money(done.total, cur) })}{' '}
          {done.tenders.map((x) => `${t(`after.tender.${x.method}`)} ${fmt.money(x.amount, cur)}`).join(', ')}
        </p>
      )}

      <div className="order-actions">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => void useReceipt.getState().showById(o.id)}
          data-testid="order-reprint"
        >
          {t('after.order.reprint')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={detail.refundable <= 0}
          onClick={() => setReturning(true)}
          data-testid="order-return"
        >
          {t('after.order.return')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => setRating(true)} data-testid="order-rate">
          {t('after.order.rate')}
        </button>
        {detail.fulfilment === 'ship' && canOpen('shipping', role) && (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              useAfter.getState().shipOrderNext(o.id);
              useApp.getState().go('shipping');
            }}
            data-testid="order-ship"
          >
            {t('after.order.ship')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-danger"
          disabled={detail.refundable <= 0}
          onClick={() => void undo()}
          data-testid="order-undo"
        >
          {t('after.order.undo')}
        </button>
      </div>

      <Table
        rows={detail.lines}
        rowKey={(l) => l.orderLineId}
        rowTestId="order-line"
        columns={[
          { key: 'item', header: t('after.item'), className: 'ellipsis', cell: (l) => name(l) },
          { key: 'qty', header: t('after.qty'), num: true, testId: 'order-line-qty', cell: (l) => qty(l.qty, l.unit) },
          {
            key: 'returned',
            header: t('after.order.returned'),
            num: true,
            cell: (l) => (l.refundedQty > 0 ? qty(l.refundedQty, l.unit) : ''),
          },
          ...(detail.fulfilment === 'ship'
            ? [
                {
                  key: 'shipped',
                  header: t('after.order.shipped'),
                  num: true,
                  cell: (l: OrderDetail['lines'][number]) => qty(l.shippedQty, l.unit),
                },
              ]
            : []),
          {
            key: 'total',
            header: t('after.total'),
            num: true,
            testId: 'order-line-total',
            cell: (l) => <LineAmount line={sold.get(l.orderLineId)} fallback={l.total} priceMode={o.priceMode} currency={cur} />,
          },
          { key: 'rating', header: t('after.rating'), cell: (l) => <Stars value={l.rating} /> },
        ]}
      />

      {o.priceMode === 'exclusive' && (
        // Line amounts are before tax here, as on the receipt: the tax is added once, at the foot.
        <p className="right muted" data-testid="order-tax-foot">
          {t('after.order.taxFoot', {
            subtotal: fmt.money(o.subtotal, cur),
            tax: fmt.money(o.taxTotal, cur),
            total: fmt.money(o.total, cur),
          })}
        </p>
      )}

      <h3 className="section-title">{t('after.order.payments')}</h3>
      <ul className="plain-list">
        {detail.payments.map((p) => (
          <li key={p.paymentId}>
            {t(`after.tender.${p.kind}`)} {p.brand ? cardBrandName(p.brand, isLanguage(i18n.language) ? i18n.language : 'en') : ''}{' '}
            {p.last4 ? `•••• ${p.last4}` : ''} <strong>{fmt.money(p.amount, cur)}</strong>
            {p.refunded > 0 && (
              <small className="muted"> · {t('after.order.paymentRefunded', { amount: fmt.money(p.refunded, cur) })}</small>
            )}
          </li>
        ))}
      </ul>

      {detail.refunds.length > 0 && (
        <>
          <h3 className="section-title">{t('after.order.refunds')}</h3>
          <ul className="plain-list">
            {detail.refunds.map((r) => (
              <li key={r.id} data-testid="order-refund">
                <strong>{r.number}</strong> · {fmt.dateTime(r.createdAt)} · {t(`after.refundKind.${r.kind}`)} · {r.staffName}
                {r.approvedByName && ` (${t('after.order.approvedBy', { name: r.approvedByName })})`} · {fmt.money(r.total, cur)} →{' '}
                {r.tenders.map((x) => t(`after.tender.${x.method}`)).join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
      {detail.shipments.length > 0 && (
        <>
          <h3 className="section-title">{t('after.order.shipments')}</h3>
          <ul className="plain-list">
            {detail.shipments.map((s) => (
              <li key={s.id}>
                <strong>{s.number}</strong> · {s.trackingNumber} · {t(`after.status.${s.status}`)}
              </li>
            ))}
          </ul>
        </>
      )}

      {returning && (
        <ReturnDialog
          detail={detail}
          onClose={() => setReturning(false)}
          onDone={(refund) => {
            setReturning(false);
            setDone(refund);
            load();
            onChanged();
          }}
        />
      )}
      {rating && (
        <FeedbackDialog
          detail={detail}
          onClose={() => {
            setRating(false);
            load();
          }}
        />
      )}
      {ask.dialog}
    </div>
  );
}

function FeedbackDialog({ detail, onClose }: { detail: OrderDetail; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const open = detail.lines.filter((l) => l.rating === null);
  const [lineId, setLineId] = useState(open[0]?.orderLineId ?? '');
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    const r = await feedbackData.add({ orderLineId: lineId, rating: stars, comment: comment.trim() });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    useNotify.getState().message('info', 'after.feedback.thanks');
    onClose();
  };
  return (
    <Modal
      title={t('after.feedback.title')}
      onClose={onClose}
      size="md"
      testId="feedback-dialog"
      footer={
        <button
          type="button"
          className="btn btn-primary btn-lg"
          disabled={!lineId || stars === 0}
          onClick={() => void submit()}
          data-testid="feedback-submit"
        >
          {t('after.feedback.submit')}
        </button>
      }
    >
      {open.length === 0 ? (
        <p className="muted">{t('after.feedback.allRated')}</p>
      ) : (
        <>
          <Field label={t('after.item')}>
            <select value={lineId} onChange={(e) => setLineId(e.target.value)} data-testid="feedback-line">
              {open.map((l) => (
                <option key={l.orderLineId} value={l.orderLineId}>
                  {localizedName(l.name, l.altName, i18n.language).primary}
                </option>
              ))}
            </select>
          </Field>
          <Field as="div" label={t('after.rating')}>
            <div className="star-picker" role="radiogroup" aria-label={t('after.rating')}>
              {[1, 2, 3, 4, 5].map((n) => (
                <button
                  key={n}
                  type="button"
                  role="radio"
                  aria-checked={stars === n}
                  className={`star${n <= stars ? ' star-on' : ''}`}
                  onClick={() => setStars(n)}
                  aria-label={`${n}`}
                  data-testid={`star-${n}`}
                >
                  ★
                </button>
              ))}
            </div>
          </Field>
          <Field label={t('after.feedback.comment')}>
            <textarea
              value={comment}
              maxLength={1000}
              rows={3}
              onChange={(e) => setComment(e.target.value)}
              data-testid="feedback-comment"
            />
          </Field>
          <InlineError text={error ? describeAfterError(t, error) : null} />
        </>
      )}
    </Modal>
  );
}
