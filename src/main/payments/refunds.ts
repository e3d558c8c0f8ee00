/**
 * Money given back through a provider. The `trade_refunds` row and its refund number are committed
 * before any request, and every retry (after a lost answer, a crash, the reconciler's next pass)
 * sends the same number: the provider pays a refund number once.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import type { RefundAnswer, RefundRequest } from './gateway';
import { getTrade, newTradeNo, tradeEvent, tradeRow, transition } from './trades';
import type { Cols, SqlRow } from '../db/rows';
import type { payments, tradeRefunds, trades } from '../db/schema';

type RefundCol = SqlRow<typeof tradeRefunds>;

/** REFUND_COLS */
type RefundRow = Cols<typeof tradeRefunds, 'id' | 'source' | 'amount' | 'state' | 'message'> & {
  refundNo: RefundCol['refund_no'];
  tradeId: RefundCol['trade_id'];
  refundId: RefundCol['refund_id'];
};

const REFUND_COLS =
  'id, refund_no AS refundNo, trade_id AS tradeId, refund_id AS refundId, source, amount, state, message FROM trade_refunds';

function refundRow(deps: Pick<Deps, 'sqlite'>, id: string): RefundRow | null {
  return (deps.sqlite.prepare(`SELECT ${REFUND_COLS} WHERE id = ?`).get(id) as RefundRow | undefined) ?? null;
}

function insertRefund(
  deps: Deps,
  r: { tradeId: string; refundId: string | null; source: 'auto' | 'document'; amount: number },
): string | null {
  const id = deps.ids();
  const now = deps.clock();
  const res = deps.sqlite
    .prepare(
      `INSERT INTO trade_refunds (id, refund_no, trade_id, refund_id, source, amount, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(id, newTradeNo(deps.terminalCode, now, 'R'), r.tradeId, r.refundId, r.source, r.amount, now, now);
  if (res.changes === 0) return null;
  tradeEvent(deps, r.tradeId, 'refund.requested', null, null, {
    refundRowId: id,
    amount: r.amount,
    source: r.source,
    refundId: r.refundId,
  });
  return id;
}

/**
 * Gives back a paid trade that no sale used (its sale was voided, completed without it, or the
 * clerk cancelled it): one automatic refund per trade, whoever asks and however often.
 */
export function requestAutoRefund(deps: Deps, tradeId: string, reason: string, staffId: string | null = null): void {
  inTransaction(deps.sqlite, () => {
    const t = tradeRow(deps, tradeId);
    if (!t || t.state !== 'paid' || t.orderId) return;
    const rowId = insertRefund(deps, { tradeId, refundId: null, source: 'auto', amount: t.amount });
    if (!rowId) return;
    recordAudit(deps, {
      staffId,
      action: 'payment.autoRefund',
      target: tradeId,
      details: { provider: t.provider, tradeNo: t.tradeNo, amount: t.amount, reason },
      success: true,
    });
  });
  deps.events.emit('payments.autoRefund', { trade: getTrade(deps, tradeId), reason });
}

/** Payment kinds that came in through a provider and go back through it. */
const PROVIDER_KINDS = new Set(['alipay', 'wechat_pay', 'card_integrated']);

/**
 * For a refund document being written (inside its transaction): each tender that gives money back
 * to a provider payment gets a `trade_refunds` row, sent after the commit. A provider payment
 * taken on another till cannot be refunded from here (its trade is not on this till).
 */
export function requestDocumentRefunds(
  deps: Deps,
  refundId: string,
  tenders: { paymentId: string | null; method: string; amount: number }[],
): number {
  let n = 0;
  for (const t of tenders) {
    if (!t.paymentId || t.amount <= 0 || !PROVIDER_KINDS.has(t.method)) continue;
    const pay = deps.sqlite.prepare('SELECT kind, reference FROM payments WHERE id = ?').get(t.paymentId) as
      Cols<typeof payments, 'kind' | 'reference'> | undefined;
    if (!pay || pay.kind !== t.method) continue;
    const trade = deps.sqlite
      .prepare("SELECT id, state FROM trades WHERE payment_id = ? AND state IN ('paid', 'refunded')")
      .get(t.paymentId) as Cols<typeof trades, 'id' | 'state'> | undefined;
    if (!trade) {
      // A simulated-terminal card payment has no trade and nothing to send; a provider payment
      // taken on another till does, but its merchant trade number is on that till.
      if (pay.kind === 'card_integrated' && !(pay.reference ?? '').startsWith('pi_')) continue;
      throw new AppError('CONFLICT', 'This payment was taken on another till: refund it there, or refund in cash', {
        reason: 'tradeOnOtherTill',
        paymentId: t.paymentId,
      });
    }
    insertRefund(deps, { tradeId: trade.id, refundId, source: 'document', amount: t.amount });
    n++;
  }
  if (n > 0) deps.trades.kick();
  return n;
}

/**
 * Sends (or re-sends, with the same number) one refund and records the answer. A refund the
 * provider accepted but has not finished is asked about with its query instead.
 */
export function sendRefund(deps: Deps, id: string): Promise<void> {
  const running = deps.trades.refunding.get(id);
  if (running) return running;
  const p = sendOnce(deps, id)
    .catch((err: unknown) => {
      if (!deps.trades.closed) console.error('[payments] a refund could not be sent', err instanceof Error ? err.message : err);
    })
    .finally(() => deps.trades.refunding.delete(id));
  deps.trades.refunding.set(id, p);
  return p;
}

async function sendOnce(deps: Deps, id: string): Promise<void> {
  if (deps.trades.closed) return;
  const r = refundRow(deps, id);
  if (!r || r.state === 'refunded' || r.state === 'failed') return;
  const t = tradeRow(deps, r.tradeId);
  if (!t) return;
  const gw = deps.gateways(t.provider);
  if (!gw) return;
  const pending = r.state === 'sent' && r.message === 'pending';
  inTransaction(deps.sqlite, () => {
    deps.sqlite
      .prepare("UPDATE trade_refunds SET state = 'sent', attempts = attempts + 1, updated_at = ? WHERE id = ?")
      .run(deps.clock(), id);
    tradeEvent(deps, r.tradeId, pending ? 'refund.query' : 'refund.sent', r.state, 'sent', { refundRowId: id, refundNo: r.refundNo });
  });
  const req: RefundRequest = {
    tradeNo: t.tradeNo,
    refundNo: r.refundNo,
    amount: r.amount,
    total: t.amount,
    currency: t.currency,
    reason: r.source === 'auto' ? 'Payment not used by a sale' : 'Refund',
  };
  let a: RefundAnswer;
  try {
    a = pending ? await gw.queryRefund(req) : await gw.refund(req);
  } catch (err) {
    a = { state: 'unknown', code: 'ERROR', message: err instanceof Error ? err.name : 'error' };
  }
  if (deps.trades.closed) return;
  const done = inTransaction(deps.sqlite, () => {
    const cur = refundRow(deps, id);
    if (!cur || cur.state === 'refunded' || cur.state === 'failed') return false;
    const now = deps.clock();
    const [state, message, ref] =
      a.state === 'refunded'
        ? (['refunded', null, a.providerRef] as const)
        : a.state === 'pending'
          ? (['sent', 'pending', null] as const)
          : a.state === 'failed'
            ? (['failed', `${a.code}: ${a.message}`.slice(0, 200), null] as const)
            : (['unknown', `${a.code}: ${a.message}`.slice(0, 200), null] as const);
    deps.sqlite
      .prepare('UPDATE trade_refunds SET state = ?, message = ?, provider_ref = COALESCE(?, provider_ref), updated_at = ? WHERE id = ?')
      .run(state, message, ref?.slice(0, 64) ?? null, now, id);
    tradeEvent(deps, r.tradeId, `refund.${state}`, 'sent', state, {
      refundRowId: id,
      refundNo: r.refundNo,
      ...(message ? { message } : {}),
    });
    if (state === 'refunded' || state === 'failed')
      recordAudit(deps, {
        staffId: null,
        action: 'payment.providerRefund',
        target: r.tradeId,
        details: { refundNo: r.refundNo, amount: r.amount, source: r.source, refundId: r.refundId, ...(message ? { message } : {}) },
        success: state === 'refunded',
      });
    return state === 'refunded';
  });
  if (done && r.source === 'auto') transition(deps, r.tradeId, ['paid'], 'refunded', {}, 'refunded');
  else deps.events.emit('payments.trade', getTrade(deps, r.tradeId));
}

/** Every refund not yet final: sent again with its own number, or queried while the provider works on it. */
export async function processRefunds(deps: Deps): Promise<void> {
  const ids = deps.sqlite
    .prepare("SELECT id FROM trade_refunds WHERE state IN ('requested', 'sent', 'unknown') ORDER BY created_at")
    .all() as Cols<typeof tradeRefunds, 'id'>[];
  await Promise.all(ids.map((r) => sendRefund(deps, r.id)));
}
