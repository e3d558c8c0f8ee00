/**
 * The trade state machine. A trade is a row before it is a request: it is committed as `created`
 * with its merchant trade number, marked `sent` in its own transaction just before the call, and
 * the provider's answer is recorded in another, so a crash at any point leaves a row the reconciler
 * can query. A lost answer is never retried blindly: the trade is queried first.
 *
 * created → sent → (waiting →) paid | failed | cancelled; unknown after a lost answer; cancelling
 * while a cancel / reverse is unresolved; refunded when a paid trade no sale used was given back.
 */
import { randomBytes } from 'node:crypto';
import type { Trade, TradeMethod, TradeRefund, TradeState } from '../../shared/api/payments';
import { OPEN_TRADE_STATES } from '../../shared/api/payments';
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { withoutCommitFlush } from '../db/checkpointer';
import { cachedStatement } from '../db/statements';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { loadCart, openCartId } from '../sales/cart';
import { readSettings } from '../settings/settings';
import type { SessionStaff } from '../sessions';
import { safeBrand } from './intents';
import { cashierTimeoutSec, requireGateway } from './config';
import { maskAccount, providerOfCode, type PaymentGateway, type ProviderId, type TradeAnswer, type VerifiedNotice } from './gateway';
import { UNREACHABLE_MS } from './runtime';
import { announceTrade } from './cloud-notices';
import type { Cols, SqlRow } from '../db/rows';
import type { orders, tradeRefunds as tradeRefundsTable, trades } from '../db/schema';

type TradeCol = SqlRow<typeof trades>;
type TradeRefundCol = SqlRow<typeof tradeRefundsTable>;

/** A row of TRADE_SQL. */
type TradeSqlRow = Cols<
  typeof trades,
  'id' | 'provider' | 'method' | 'mode' | 'amount' | 'currency' | 'state' | 'qr' | 'buyer' | 'brand' | 'message' | 'deadline'
> & {
  tradeNo: TradeCol['trade_no'];
  cartId: TradeCol['cart_id'];
  orderId: TradeCol['order_id'];
  orderNumber: SqlRow<typeof orders>['number'] | null;
  providerRef: TradeCol['provider_ref'];
  errorCode: TradeCol['error_code'];
  refunded: number;
  createdAt: TradeCol['created_at'];
  updatedAt: TradeCol['updated_at'];
};

export const FINAL_STATES: readonly TradeState[] = ['paid', 'failed', 'cancelled', 'refunded'];
const OPEN_SQL = `('created', 'sent', 'waiting', 'unknown', 'cancelling')`;

/**
 * Transport failures (as a gateway reports them in an `unknown` answer's code) after which the
 * provider cannot have received the request: no connection was made. Anything else that is lost
 * (a timeout, a reset) may have reached it, so the trade is queried.
 */
const NOT_SENT_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ENETDOWN|EADDRNOTAVAIL|OFFLINE)$/i;

export function notSent(answer: { state: string; code?: string }): boolean {
  return answer.state === 'unknown' && NOT_SENT_CODES.test(answer.code ?? '');
}

export const TRADE_SQL = `SELECT t.id, t.trade_no AS tradeNo, t.cart_id AS cartId, t.order_id AS orderId, o.number AS orderNumber,
    t.provider, t.method, t.mode, t.amount, t.currency, t.state,
    CASE WHEN t.state IN ${OPEN_SQL} THEN t.qr ELSE NULL END AS qr,
    t.provider_ref AS providerRef, t.buyer, t.brand, t.error_code AS errorCode, t.message, t.deadline,
    COALESCE((SELECT SUM(r.amount) FROM trade_refunds r WHERE r.trade_id = t.id AND r.state = 'refunded'), 0) AS refunded,
    t.created_at AS createdAt, t.updated_at AS updatedAt
  FROM trades t LEFT JOIN orders o ON o.id = t.order_id`;

export function findTrade(deps: Pick<Deps, 'sqlite'>, id: string): Trade | null {
  return (
    (cachedStatement(deps.sqlite, `${TRADE_SQL} WHERE t.id = ?`).get(id) as TradeSqlRow | undefined satisfies Trade | undefined) ?? null
  );
}

export function getTrade(deps: Pick<Deps, 'sqlite'>, id: string): Trade {
  const t = findTrade(deps, id);
  if (!t) throw notFound('Trade', { id });
  return t;
}

export function listTrades(
  deps: Pick<Deps, 'sqlite'>,
  q: { orderNumber?: string | undefined; tradeNo?: string | undefined; open?: boolean | undefined; limit?: number | undefined },
): Trade[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.orderNumber) {
    where.push('o.number = ?');
    args.push(q.orderNumber);
  }
  if (q.tradeNo) {
    where.push('(t.trade_no = ? OR t.provider_ref = ?)');
    args.push(q.tradeNo, q.tradeNo);
  }
  if (q.open === true) where.push(`t.state IN ${OPEN_SQL}`);
  if (q.open === false) where.push(`t.state NOT IN ${OPEN_SQL}`);
  const sql = `${TRADE_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?`;
  return cachedStatement(deps.sqlite, sql).all(...args, q.limit ?? 50) as TradeSqlRow[] satisfies Trade[];
}

export function tradeRefunds(deps: Pick<Deps, 'sqlite'>, tradeId: string): TradeRefund[] {
  return cachedStatement(
    deps.sqlite,
    `SELECT id, refund_no AS refundNo, trade_id AS tradeId, refund_id AS refundId, amount, state, message, created_at AS createdAt,
              updated_at AS updatedAt FROM trade_refunds WHERE trade_id = ? ORDER BY created_at, rowid`,
  ).all(tradeId) as (Cols<typeof tradeRefundsTable, 'id' | 'amount' | 'state' | 'message'> & {
    refundNo: TradeRefundCol['refund_no'];
    tradeId: TradeRefundCol['trade_id'];
    refundId: TradeRefundCol['refund_id'];
    createdAt: TradeRefundCol['created_at'];
    updatedAt: TradeRefundCol['updated_at'];
  })[] satisfies TradeRefund[];
}

type TradeRow = Cols<typeof trades, 'id' | 'provider' | 'method' | 'amount' | 'currency' | 'state' | 'deadline'> & {
  tradeNo: TradeCol['trade_no'];
  cartId: TradeCol['cart_id'];
  orderId: TradeCol['order_id'];
  providerRef: TradeCol['provider_ref'];
};

export function tradeRow(deps: Pick<Deps, 'sqlite'>, id: string): TradeRow | null {
  return (
    (cachedStatement(
      deps.sqlite,
      `SELECT id, trade_no AS tradeNo, cart_id AS cartId, order_id AS orderId, provider, method, amount, currency, state, deadline,
                provider_ref AS providerRef FROM trades WHERE id = ?`,
    ).get(id) as TradeRow | undefined) ?? null
  );
}

/** Appends one line to the trade's history (inside the caller's transaction). */
export function tradeEvent(
  deps: Pick<Deps, 'sqlite' | 'ids' | 'clock'>,
  tradeId: string,
  kind: string,
  from: string | null,
  to: string | null,
  detail: Record<string, unknown> | null = null,
): void {
  cachedStatement(
    deps.sqlite,
    'INSERT INTO trade_events (id, trade_id, at, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(deps.ids(), tradeId, deps.clock(), kind, from, to, detail ? JSON.stringify(detail) : null);
}

interface Patch {
  qr?: string | null;
  providerRef?: string | null;
  buyer?: string | null;
  brand?: string | null;
  paidAmount?: number | null;
  errorCode?: string | null;
  message?: string | null;
}

const PATCH_COLUMNS: Record<keyof Patch, string> = {
  qr: 'qr',
  providerRef: 'provider_ref',
  buyer: 'buyer',
  brand: 'brand',
  paidAmount: 'paid_amount',
  errorCode: 'error_code',
  message: 'message',
};

/**
 * Moves a trade to `to` in its own transaction, only from one of `from`; returns the trade after
 * (and tells every screen), or null when it was no longer in one of `from` (another loop moved it).
 */
export function transition(
  deps: Deps,
  id: string,
  from: readonly TradeState[],
  to: TradeState,
  patch: Patch = {},
  kind = 'state',
): Trade | null {
  if (deps.trades.closed) return null;
  const done = inTransaction(deps.sqlite, () => {
    const cur = tradeRow(deps, id);
    if (!cur || !from.includes(cur.state)) return null;
    const sets = ['state = ?', 'updated_at = ?'];
    const args: unknown[] = [to, deps.clock()];
    for (const [k, v] of Object.entries(patch) as [keyof Patch, unknown][]) {
      if (v === undefined) continue;
      sets.push(`${PATCH_COLUMNS[k]} = ?`);
      args.push(v);
    }
    cachedStatement(deps.sqlite, `UPDATE trades SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    const detail: Record<string, unknown> = {};
    if (patch.errorCode) detail['code'] = patch.errorCode;
    if (patch.message) detail['message'] = patch.message;
    if (patch.providerRef) detail['providerRef'] = patch.providerRef;
    if (patch.paidAmount != null) detail['paidAmount'] = patch.paidAmount;
    tradeEvent(deps, id, kind, cur.state, to, Object.keys(detail).length ? detail : null);
    if (to === 'paid' || to === 'cancelled' || to === 'refunded' || (to === 'failed' && cur.state !== 'created'))
      recordAudit(deps, {
        staffId: null,
        action: `payment.${to}`,
        target: id,
        details: { provider: cur.provider, tradeNo: cur.tradeNo, amount: cur.amount, from: cur.state, ...detail },
        success: to !== 'failed',
      });
    return getTrade(deps, id);
  });
  if (done) deps.events.emit('payments.trade', done);
  return done;
}

/** Unique, at most 32 letters and digits: the terminal, the time to the second, and 48 random bits. */
export function newTradeNo(terminalCode: string, now: number, prefix = ''): string {
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const term = terminalCode.replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  const rand = randomBytes(6).toString('hex').toUpperCase();
  return `${prefix}${term}${stamp}${rand}`.slice(0, 32);
}

/** Money of this cart already covered by paid trades and approved card payments that no sale used. */
export function coveredByElectronic(deps: Pick<Deps, 'sqlite'>, cartId: string): number {
  const trades = cachedStatement(
    deps.sqlite,
    `SELECT COALESCE(SUM(amount), 0) AS n FROM trades t WHERE cart_id = ? AND state = 'paid' AND order_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM trade_refunds r WHERE r.trade_id = t.id AND r.source = 'auto')`,
  ).get(cartId) as { n: number };
  const intents = cachedStatement(
    deps.sqlite,
    "SELECT COALESCE(SUM(amount), 0) AS n FROM payment_intents WHERE cart_id = ? AND status = 'approved' AND order_id IS NULL",
  ).get(cartId) as { n: number };
  return trades.n + intents.n;
}

export interface StartTradeInput {
  cartId: string;
  amount: number;
  provider: ProviderId;
  method: TradeMethod;
  /** The customer's payment code (method `code`): sent once, never stored beyond its last 4 digits. */
  code?: string;
}

/** Checks and records the trade as `created` in one transaction; nothing has been sent yet. */
function createTrade(deps: Deps, staff: SessionStaff, gw: PaymentGateway, input: StartTradeInput): Trade {
  return inTransaction(deps.sqlite, () => {
    if (openCartId(deps) !== input.cartId) throw new AppError('CONFLICT', 'That sale is no longer open', { cartId: input.cartId });
    const open = cachedStatement(deps.sqlite, `SELECT id FROM trades WHERE cart_id = ? AND state IN ${OPEN_SQL}`).get(input.cartId) as
      Cols<typeof trades, 'id'> | undefined;
    if (open)
      throw new AppError('CONFLICT', 'A payment for this sale is still waiting for an answer', { reason: 'tradeOpen', tradeId: open.id });
    const pendingCard = cachedStatement(deps.sqlite, "SELECT 1 FROM payment_intents WHERE cart_id = ? AND status = 'pending'").get(
      input.cartId,
    );
    if (pendingCard) throw new AppError('CONFLICT', 'A card payment is already waiting on the terminal', { reason: 'cardPending' });
    const cart = loadCart(deps, input.cartId);
    if (cart.lines.length === 0) throw new AppError('VALIDATION', 'The sale is empty');
    const owed = cart.priced.total - coveredByElectronic(deps, input.cartId);
    if (input.amount > owed)
      throw new AppError('VALIDATION', 'The amount is more than is owed', {
        field: 'amount',
        max: Math.max(0, owed),
        reason: 'moreThanOwed',
      });
    const id = deps.ids();
    const now = deps.clock();
    const currency = readSettings(deps).currency;
    const codeHint = input.code ? input.code.trim().slice(-4) : null;
    cachedStatement(
      deps.sqlite,
      `INSERT INTO trades (id, trade_no, cart_id, provider, method, mode, amount, currency, state, code_hint, deadline, staff_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?)`,
    ).run(
      id,
      newTradeNo(deps.terminalCode, now),
      input.cartId,
      input.provider,
      input.method,
      gw.mode,
      input.amount,
      currency,
      codeHint,
      now + cashierTimeoutSec(deps.sqlite) * 1000,
      staff.id,
      now,
      now,
    );
    tradeEvent(deps, id, 'created', null, 'created', { amount: input.amount, method: input.method, staffId: staff.id });
    // A code payment goes out at once (no cloud to tell first): `sent` in the same commit saves a
    // disk flush on the counter's hot path; a crash before the request left is found by a query.
    if (input.method === 'code') transition(deps, id, ['created'], 'sent');
    return getTrade(deps, id);
  });
}

export function isUnreachable(deps: Pick<Deps, 'trades' | 'clock'>, provider: ProviderId): boolean {
  return (deps.trades.unreachableUntil.get(provider) ?? 0) > deps.clock();
}

function noteReachability(deps: Deps, provider: ProviderId, answer: { state: string; code?: string }): void {
  if (notSent(answer)) deps.trades.unreachableUntil.set(provider, deps.clock() + UNREACHABLE_MS);
  else if (answer.state !== 'unknown') deps.trades.unreachableUntil.delete(provider);
}

/** A gateway call that never rejects: a thrown error counts as a lost answer. */
async function safely<T>(call: () => Promise<T>): Promise<T | Extract<TradeAnswer, { state: 'unknown' }>> {
  try {
    return await call();
  } catch (err) {
    // fetch wraps the socket's error (ECONNREFUSED, ENOTFOUND…) as its cause.
    const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
    const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : 'ERROR';
    return { state: 'unknown', code, message: err instanceof Error ? err.name : 'error' };
  }
}

/**
 * Starts a payment for the open sale: records the trade, sends it, records the first answer and
 * returns the trade. A trade still waiting for the customer is driven on in the background; every
 * change reaches the screens as a `payments.trade` event.
 */
export async function startTrade(deps: Deps, staff: SessionStaff, input: StartTradeInput): Promise<Trade> {
  const gw = requireGateway(deps, input.provider);
  if (input.method === 'terminal' && !gw.startTerminal)
    throw new AppError('UNAVAILABLE', 'This provider has no card terminal', { provider: input.provider, reason: 'noTerminal' });
  // Offline: say so at once instead of a spinner until the timeout.
  if (isUnreachable(deps, input.provider))
    throw new AppError('UNAVAILABLE', 'The payment provider cannot be reached: take another tender', {
      provider: input.provider,
      reason: 'offline',
    });
  let trade: Trade;
  try {
    trade = createTrade(deps, staff, gw, input);
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw new AppError('CONFLICT', 'A payment for this sale is still waiting for an answer', { reason: 'tradeOpen' });
    throw err;
  }
  deps.events.emit('payments.trade', trade);
  // While the cloud is told and the request is out, this call is the trade's one loop: a reconciler
  // pass must not fail a `created` trade being registered, nor query (and then cancel as unknown) a
  // trade whose first answer is still on its way.
  let release!: () => void;
  deps.trades.driving.set(trade.id, new Promise<void>((r) => (release = r)));
  let answer: TradeAnswer;
  let qr: string | null = null;
  try {
    // The provider may notify about a QR or terminal trade: the cloud must know it first.
    const notifyUrl = input.method === 'code' ? null : await announceTrade(deps.trades, trade);
    if (deps.trades.closed) return trade;
    const sent = trade.state === 'sent' ? trade : transition(deps, trade.id, ['created'], 'sent');
    if (!sent) return getTrade(deps, trade.id);
    const req = {
      tradeNo: trade.tradeNo,
      amount: trade.amount,
      currency: trade.currency,
      subject: `${readSettings(deps).storeName}`.slice(0, 120) || 'Sale',
      terminal: deps.terminalCode,
      ...(input.code ? { authCode: input.code.trim() } : {}),
    };
    if (input.method === 'code') answer = await safely(() => gw.pay(req));
    else if (input.method === 'terminal') answer = await safely(() => gw.startTerminal!(req));
    else {
      const pre = await safely(() => gw.precreate(req, notifyUrl));
      if ('qr' in pre) {
        qr = pre.qr;
        answer = { state: 'waiting' };
      } else answer = pre;
    }
  } finally {
    deps.trades.driving.delete(trade.id);
    release();
  }
  if (deps.trades.closed) return trade;
  noteReachability(deps, input.provider, answer);
  if (notSent(answer)) {
    transition(deps, trade.id, ['sent'], 'failed', {
      errorCode: answer.state === 'unknown' ? answer.code : 'NETWORK',
      message: 'Not sent',
    });
    throw new AppError('UNAVAILABLE', 'The payment provider cannot be reached: take another tender', {
      provider: input.provider,
      reason: 'offline',
      tradeId: trade.id,
    });
  }
  // The answer is committed without waiting for the disk: the trade is durably `sent`, so if a power
  // cut lost this commit the reconciler would query the provider, as after a crash before it. A
  // sale using the trade commits with a flush, which makes this commit durable before it.
  const after = withoutCommitFlush(deps.sqlite, () => applyAnswer(deps, trade.id, ['sent'], answer, qr)) ?? getTrade(deps, trade.id);
  if (!FINAL_STATES.includes(after.state)) void driveTrade(deps, trade.id);
  return after;
}

/** Records what the provider said, from one of `from`; null when another loop moved the trade first. */
export function applyAnswer(
  deps: Deps,
  id: string,
  from: readonly TradeState[],
  answer: TradeAnswer,
  qr: string | null = null,
): Trade | null {
  switch (answer.state) {
    case 'paid': {
      const row = tradeRow(deps, id);
      const mismatch = row !== null && answer.amount !== row.amount;
      return transition(deps, id, from, 'paid', {
        providerRef: answer.providerRef.slice(0, 64),
        buyer: maskAccount(answer.buyer),
        brand: safeBrand(answer.brand),
        ...(mismatch
          ? { paidAmount: answer.amount, errorCode: 'AMOUNT_MISMATCH', message: 'The provider reports another amount' }
          : { errorCode: null, message: null }),
      });
    }
    case 'waiting': {
      const row = tradeRow(deps, id);
      if (row?.state === 'waiting' && !qr && !answer.providerRef) return null;
      return transition(deps, id, from, 'waiting', {
        ...(qr ? { qr: qr.slice(0, 512) } : {}),
        ...(answer.providerRef ? { providerRef: answer.providerRef.slice(0, 64) } : {}),
      });
    }
    case 'failed':
      return transition(deps, id, from, 'failed', { errorCode: answer.code.slice(0, 64), message: answer.message.slice(0, 200) });
    case 'closed':
      return transition(deps, id, from, 'cancelled', {
        errorCode: answer.code?.slice(0, 64) ?? null,
        message: answer.message?.slice(0, 200) ?? null,
      });
    case 'unknown': {
      const row = tradeRow(deps, id);
      if (row?.state === 'unknown') return null;
      return transition(deps, id, from, 'unknown', { errorCode: answer.code.slice(0, 64), message: answer.message.slice(0, 200) });
    }
    case 'not_found':
      return null;
  }
}

export const sleep = (ms: number) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    t.unref?.();
  });

/** Lost answers in a row before the loop leaves the trade to the reconciler's next pass. */
const MAX_LOST = 3;

/**
 * Drives one trade towards a final state: queries while the customer confirms, cancels at the
 * cashier timeout, queries before anything else after a lost answer. One loop per trade at a time.
 */
export function driveTrade(deps: Deps, id: string): Promise<void> {
  const running = deps.trades.driving.get(id);
  if (running) return running;
  const p = driveLoop(deps, id)
    .catch((err: unknown) => {
      if (!deps.trades.closed) console.error('[payments] driving a trade failed', err instanceof Error ? err.message : err);
    })
    .finally(() => deps.trades.driving.delete(id));
  deps.trades.driving.set(id, p);
  return p;
}

async function driveLoop(deps: Deps, id: string): Promise<void> {
  let lost = 0;
  for (;;) {
    if (deps.trades.closed) return;
    const t = tradeRow(deps, id);
    if (!t || FINAL_STATES.includes(t.state)) return;
    // Never sent (the till stopped between recording it and sending it): nothing to ask.
    if (t.state === 'created') {
      transition(deps, id, ['created'], 'failed', { errorCode: 'NOT_SENT', message: 'Never sent' });
      return;
    }
    const gw = deps.gateways(t.provider);
    if (!gw) return;
    if (t.state === 'cancelling') {
      const a = await safely(() => gw.cancel(t.tradeNo));
      if (deps.trades.closed) return;
      noteReachability(deps, t.provider, a);
      if (a.state === 'closed' || a.state === 'not_found') {
        transition(deps, id, ['cancelling'], 'cancelled', { errorCode: a.state === 'closed' ? (a.code ?? 'TIMEOUT') : 'NOT_FOUND' });
        return;
      }
      if (a.state === 'unknown') lost++;
      else {
        // The provider would not cancel (paid past its cancel window, or it says it is paid): ask what it is.
        const q = await safely(() => gw.query(t.tradeNo));
        if (deps.trades.closed) return;
        if (q.state === 'paid' || q.state === 'failed' || q.state === 'closed') {
          applyAnswer(deps, id, ['cancelling'], q);
          return;
        }
        if (q.state === 'not_found') {
          transition(deps, id, ['cancelling'], 'cancelled', { errorCode: 'NOT_FOUND' });
          return;
        }
        lost++;
      }
    } else {
      const a = await safely(() => gw.query(t.tradeNo));
      if (deps.trades.closed) return;
      noteReachability(deps, t.provider, a);
      const open: TradeState[] = ['sent', 'waiting', 'unknown'];
      if (a.state === 'paid' || a.state === 'failed' || a.state === 'closed') {
        applyAnswer(deps, id, open, a);
        return;
      }
      const pastDeadline = deps.clock() >= t.deadline;
      if (a.state === 'waiting') {
        lost = 0;
        if (t.state !== 'waiting' || a.providerRef) applyAnswer(deps, id, open, a);
      } else if (a.state === 'not_found') {
        // A QR nobody has scanned yet is unknown to Alipay; anything else the provider does not
        // know was lost on the way or never arrived: cancel it so a late arrival cannot charge.
        if (!(t.method === 'qr' && t.state === 'waiting' && !pastDeadline)) {
          transition(deps, id, open, 'cancelling', { errorCode: 'NOT_FOUND' });
          continue;
        }
      } else {
        lost++;
        if (t.state === 'sent') applyAnswer(deps, id, ['sent'], a);
      }
      if (pastDeadline && (a.state === 'waiting' || a.state === 'not_found' || a.state === 'unknown')) {
        if (transition(deps, id, open, 'cancelling', { errorCode: 'TIMEOUT', message: 'Not confirmed in time' }, 'timeout')) continue;
      }
    }
    if (lost >= MAX_LOST) return;
    await sleep(Math.max(1, gw.pollIntervalMs));
  }
}

/** Asks the provider now and applies its answer (staff's "check again"). */
export async function queryTradeNow(deps: Deps, id: string): Promise<Trade> {
  const t = tradeRow(deps, id);
  if (!t) throw notFound('Trade', { id });
  if (!FINAL_STATES.includes(t.state)) {
    // One loop at a time: a trade already being driven is checked by its loop.
    const running = deps.trades.driving.get(id);
    if (running) await Promise.race([running, sleep(2000)]);
    else {
      const gw = requireGateway(deps, t.provider);
      const a = await safely(() => gw.query(t.tradeNo));
      if (!deps.trades.closed) {
        noteReachability(deps, t.provider, a);
        if (a.state === 'paid' || a.state === 'failed' || a.state === 'closed') applyAnswer(deps, id, ['sent', 'waiting', 'unknown'], a);
        else void driveTrade(deps, id);
      }
    }
  }
  inTransaction(deps.sqlite, () => tradeEvent(deps, id, 'query', t.state, null, null));
  return getTrade(deps, id);
}

/**
 * A notification verified by the cloud (signature checked there) for a trade of this till: the
 * merchant must be ours and a payment must be for the trade's amount; refused notices change
 * nothing and are audited. Returns the trade after, or null when refused.
 */
export function applyNotice(deps: Deps, notice: VerifiedNotice): Trade | null {
  const row = cachedStatement(deps.sqlite, 'SELECT id FROM trades WHERE trade_no = ?').get(notice.tradeNo) as
    Cols<typeof trades, 'id'> | undefined;
  const refuse = (reason: string) => {
    inTransaction(deps.sqlite, () => {
      recordAudit(deps, {
        staffId: null,
        action: 'payment.notice',
        target: row?.id ?? notice.tradeNo,
        details: { provider: notice.provider, reason, eventId: notice.eventId.slice(0, 80) },
        success: false,
      });
      if (row) tradeEvent(deps, row.id, 'notice_refused', null, null, { reason, eventId: notice.eventId.slice(0, 80) });
    });
    return null;
  };
  if (!row) return refuse('unknownTrade');
  const t = tradeRow(deps, row.id)!;
  if (t.provider !== notice.provider) return refuse('wrongProvider');
  const gw = deps.gateways(t.provider);
  if (!gw || gw.merchant !== notice.merchant) return refuse('wrongMerchant');
  if (notice.answer.state === 'paid' && notice.answer.amount !== t.amount) return refuse('amountMismatch');
  if (FINAL_STATES.includes(t.state)) return getTrade(deps, t.id);
  return applyAnswer(deps, t.id, ['sent', 'waiting', 'unknown', 'cancelling'], notice.answer) ?? getTrade(deps, t.id);
}

export function isOpenState(state: TradeState): boolean {
  return OPEN_TRADE_STATES.includes(state);
}

/** Routes a scanned payment code to its provider by prefix. */
export function providerForCode(code: string): 'alipay' | 'wechat' {
  const p = providerOfCode(code);
  if (!p) throw new AppError('VALIDATION', 'That is not an Alipay or WeChat Pay payment code', { field: 'code', reason: 'notPaymentCode' });
  return p;
}
