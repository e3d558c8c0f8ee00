/**
 * Drives every trade to a final state, at start-up and then in the background: unresolved trades
 * are queried (and cancelled past their deadline); a paid trade no sale can use any more is refunded
 * through its provider; refunds not yet final are sent again with their own number.
 */
import type { TradeProblem } from '../../shared/api/payments';
import type { Deps } from '../deps';
import { driveTrade, getTrade } from './trades';
import { processRefunds, requestAutoRefund } from './refunds';
import type { Cols } from '../db/rows';
import type { carts, trades } from '../db/schema';

/** A paid trade of a parked or abandoned sale is kept this long for the sale to be finished, then refunded. */
export const PARKED_GRACE_MS = 24 * 3_600_000;
export const DEFAULT_RECONCILE_EVERY_MS = 30_000;

/**
 * One pass; resolves when every loop it started has finished its turn. Passes may overlap (a kick
 * during a long poll): each trade and each refund has one loop at a time, and an automatic refund
 * is one row per trade, so overlapping passes never send twice.
 */
export async function reconcileOnce(deps: Deps): Promise<void> {
  if (deps.trades.closed) return;
  const open = deps.sqlite
    .prepare("SELECT id FROM trades WHERE state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling') ORDER BY created_at")
    .all() as Cols<typeof trades, 'id'>[];
  const drivers = open.map((t) => driveTrade(deps, t.id));
  // Paid, unused, and its sale is gone: voided, completed without it, or parked past the grace.
  const orphans = deps.sqlite
    .prepare(
      `SELECT t.id, c.status AS cartStatus FROM trades t LEFT JOIN carts c ON c.id = t.cart_id
       WHERE t.state = 'paid' AND t.order_id IS NULL AND t.error_code IS NOT 'AMOUNT_MISMATCH'
         AND NOT EXISTS (SELECT 1 FROM trade_refunds r WHERE r.trade_id = t.id AND r.source = 'auto')
         AND (c.status IS NULL OR c.status IN ('voided', 'completed') OR (c.status = 'parked' AND c.updated_at < ?)
              OR (c.status = 'open' AND t.updated_at < ?))`,
    )
    .all(deps.clock() - PARKED_GRACE_MS, deps.clock() - PARKED_GRACE_MS) as (Cols<typeof trades, 'id'> & {
    cartStatus: Cols<typeof carts, 'status'>['status'] | null;
  })[];
  for (const o of orphans) {
    if (deps.trades.closed) return;
    requestAutoRefund(deps, o.id, o.cartStatus ? `sale ${o.cartStatus}` : 'sale missing');
  }
  await Promise.all([processRefunds(deps), ...drivers]);
}

/**
 * Starts the background reconciler of an open store: a first pass at once, then one every
 * `everyMs`; `deps.trades.kick()` asks for a pass sooner. Stopped with the store.
 */
export function startReconciler(deps: Deps, everyMs: number = DEFAULT_RECONCILE_EVERY_MS): { pass(): Promise<void> } {
  const pass = (): Promise<void> =>
    reconcileOnce(deps).catch((err: unknown) => {
      if (!deps.trades.closed) console.error('[payments] reconciling failed', err instanceof Error ? err.message : err);
    });
  deps.trades.onKick = () => void pass();
  if (everyMs > 0) {
    const timer = setInterval(() => void pass(), everyMs);
    timer.unref?.();
    deps.trades.onStop.push(() => clearInterval(timer));
  }
  deps.trades.kick();
  return { pass };
}

/** Trades whose state in our records and at the provider (or in our own sales) disagree, or that need a person. */
export function reconciliation(deps: Deps): TradeProblem[] {
  const out: TradeProblem[] = [];
  const now = deps.clock();
  // A trade's id (or a refund's or event's trade id) and what is wrong: a cart's or trade's status, or a text or count made in SQL.
  const rows = (sql: string, ...args: unknown[]) =>
    deps.sqlite.prepare(sql).all(...args) as (Cols<typeof trades, 'id'> & { detail: string | number | null })[];
  for (const r of rows(
    `SELECT t.id, c.status AS detail FROM trades t LEFT JOIN carts c ON c.id = t.cart_id WHERE t.state = 'paid' AND t.order_id IS NULL`,
  ))
    out.push({
      trade: getTrade(deps, r.id),
      kind: 'paid_without_sale',
      detail: r.detail === 'open' ? 'Paid; the sale is still open' : `Paid; the sale is ${r.detail ?? 'missing'}`,
    });
  for (const r of rows(`SELECT id, state AS detail FROM trades WHERE order_id IS NOT NULL AND state <> 'paid'`))
    out.push({ trade: getTrade(deps, r.id), kind: 'sale_without_paid_trade', detail: `Used by a sale but ${r.detail ?? ''}` });
  for (const r of rows(
    `SELECT id, state AS detail FROM trades WHERE state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling') AND deadline < ?`,
    now,
  ))
    out.push({ trade: getTrade(deps, r.id), kind: 'unresolved', detail: `Still ${r.detail ?? ''} after the cashier timeout` });
  for (const r of rows(
    `SELECT trade_id AS id, state || COALESCE(': ' || message, '') AS detail FROM trade_refunds WHERE state <> 'refunded' GROUP BY trade_id`,
  ))
    out.push({ trade: getTrade(deps, r.id), kind: 'refund_unresolved', detail: `Refund ${r.detail ?? ''}` });
  for (const r of rows(
    `SELECT id, CAST(paid_amount AS TEXT) AS detail FROM trades WHERE error_code = 'AMOUNT_MISMATCH' AND state IN ('paid', 'refunded')`,
  ))
    out.push({ trade: getTrade(deps, r.id), kind: 'amount_mismatch', detail: `The provider reports ${r.detail ?? '?'}` });
  for (const r of rows(
    `SELECT trade_id AS id, COUNT(*) AS detail FROM trade_events WHERE kind = 'notice_refused' AND at > ? GROUP BY trade_id`,
    now - 7 * 24 * 3_600_000,
  ))
    out.push({ trade: getTrade(deps, r.id), kind: 'notice_refused', detail: `${r.detail ?? ''} notification(s) refused` });
  return out;
}
