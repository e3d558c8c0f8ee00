/**
 * What a buyer may do after paying: cancel before the store packs (the whole payment goes back),
 * or ask to return what they received within the store's return window (a manager decides at a
 * till; the cloud then refunds what the returned lines cost). Each step is one transaction that
 * holds the order's row, so repeated or concurrent requests act once.
 */
import { sql } from 'drizzle-orm';
import type { Hlc } from '../../../shared/hlc';
import type { FieldRecord } from '../../../shared/sync/merge';
import { divRound } from '../../../shared/pricing';
import { onlineReturnShape } from '../../../shared/sync/shapes';
import type { CloudDb } from '../../db/open';
import { rowsOf } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeShopRecords, type ShopRecord } from '../records';
import { orderInStore, orderLines, type ShopOrder, type ShopOrderLine } from '../checkout/orders';
import { shopOrders } from '../checkout/schema';
import type { OrderStock } from '../checkout/stock';
import { recordRefund, type ShopRefund } from './ledger';

/** Steps after which the goods have left the store: too late to cancel. */
export const LEFT_THE_STORE = ['packed', 'shipped', 'picked_up', 'delivered', 'received'] as const;
/** Steps that put the goods in the buyer's hands: the return window runs from the first of them. */
export const IN_HAND = ['delivered', 'received', 'picked_up'] as const;
export const DEFAULT_RETURN_DAYS = 7;

export interface OrderStep {
  kind: string;
  at: number;
}

/** The order's steps as the cloud holds them (the tills' and its own). */
export async function stepsOfOrder(db: CloudDb, order: Pick<ShopOrder, 'orgId' | 'storeId' | 'id'>): Promise<OrderStep[]> {
  const rows = await rowsOf<{ kind: string; at: string | number }>(
    db,
    sql`SELECT body::jsonb -> 'd' ->> 'kind' AS kind, (body::jsonb -> 'd' ->> 'at')::bigint AS at FROM records
        WHERE org_id = ${order.orgId} AND entity = 'online_order_event' AND store_id = ${order.storeId}
          AND (body::jsonb -> 'd' ->> 'order_id') = ${order.id}`,
  );
  return rows.map((r) => ({ kind: r.kind, at: Number(r.at) }));
}

export type CancelRefusal = 'notPaid' | 'tooLate' | 'alreadyCancelled';

/** Why the buyer cannot cancel now, or null when they can. */
export function cancelRefusal(order: ShopOrder, steps: OrderStep[]): CancelRefusal | null {
  if (order.state === 'cancelled' || steps.some((s) => s.kind === 'cancelled')) return 'alreadyCancelled';
  if (order.state !== 'paid') return 'notPaid';
  if (steps.some((s) => (LEFT_THE_STORE as readonly string[]).includes(s.kind))) return 'tooLate';
  return null;
}

async function lockOrder(tx: CloudDb, storeId: string, orderId: string): Promise<ShopOrder | null> {
  await tx.execute(sql`SELECT id FROM shop_orders WHERE id = ${orderId} AND store_id = ${storeId} FOR UPDATE`);
  return orderInStore(tx, storeId, orderId);
}

const step = (deps: Pick<CloudDeps, 'ids'>, orderId: string, kind: string, note: string, at: number): ShopRecord => {
  const id = deps.ids();
  return {
    e: 'online_order_event',
    i: id,
    d: { id, order_id: orderId, kind, carrier: null, tracking: null, note, terminal_code: null, staff_id: null, at },
  };
};

export type CancelOutcome = { ok: true; refund: ShopRefund; fresh: boolean } | { ok: false; reason: CancelRefusal | 'overPaid' };

/**
 * Cancels a paid order the store has not packed: the order is cancelled for the tills (a
 * `cancelled` step), its units are released, and the refund of everything paid is recorded, to be
 * sent by the caller after this commits. A repeated cancel answers the first one's refund.
 */
export async function cancelOrder(deps: CloudDeps, stock: OrderStock, storeId: string, orderId: string): Promise<CancelOutcome> {
  return deps.db.transaction(async (tx) => {
    const order = await lockOrder(tx, storeId, orderId);
    if (!order) return { ok: false, reason: 'notPaid' } as const;
    const steps = await stepsOfOrder(tx, order);
    const refusal = cancelRefusal(order, steps);
    if (refusal === 'alreadyCancelled') {
      const again = await recordRefund(tx, deps, order, { kind: 'cancel' }, order.total);
      return again.ok ? { ok: true, refund: again.refund, fresh: false } : ({ ok: false, reason: refusal } as const);
    }
    if (refusal) return { ok: false, reason: refusal } as const;
    const recorded = await recordRefund(tx, deps, order, { kind: 'cancel' }, order.total);
    if (!recorded.ok) return { ok: false, reason: 'overPaid' } as const;
    const now = deps.clock();
    await tx
      .update(shopOrders)
      .set({ state: 'cancelled' })
      .where(sql`${shopOrders.id} = ${order.id}`);
    await writeShopRecords(tx, deps, order.orgId, order.storeId, [
      step(deps, order.id, 'cancelled', 'Cancelled by the buyer: do not ship', now),
    ]);
    await stock.release(tx, deps, { orgId: order.orgId, storeId: order.storeId, orderId: order.id });
    return { ok: true, refund: recorded.refund, fresh: recorded.fresh };
  });
}

export interface ReturnLine {
  order_line_id: string;
  qty: number;
}

export interface OnlineReturn {
  id: string;
  order_id: string;
  buyer_id: string | null;
  lines: ReturnLine[];
  reason: string;
  amount: number;
  created_at: number;
  decision: 'pending' | 'approved' | 'refused';
  decision_note: string;
  decided_by: string | null;
  decided_at: number | null;
  refund_id: string | null;
  refund_state: 'none' | 'requested' | 'refunded' | 'failed';
  refund_message: string;
}

/** The order's return requests as the cloud holds them (with the store's decisions), oldest first. */
export async function returnsOfOrder(db: CloudDb, order: Pick<ShopOrder, 'orgId' | 'storeId' | 'id'>): Promise<OnlineReturn[]> {
  const rows = await rowsOf<{ entity_id: string; body: string }>(
    db,
    sql`SELECT entity_id, body FROM records WHERE org_id = ${order.orgId} AND entity = 'online_return' AND store_id = ${order.storeId}
          AND (body::jsonb -> 'd' ->> 'order_id') = ${order.id}`,
  );
  return rows
    .map((r) => ({ ...(JSON.parse(r.body) as { d: Omit<OnlineReturn, 'id'> }).d, id: r.entity_id }))
    .sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
}

/** Units of each line the buyer may still ask to return: bought, less what earlier requests (not refused) took. */
export function returnable(lines: ShopOrderLine[], returns: OnlineReturn[]): Map<string, number> {
  const taken = new Map<string, number>();
  for (const r of returns)
    if (r.decision !== 'refused') for (const l of r.lines) taken.set(l.order_line_id, (taken.get(l.order_line_id) ?? 0) + l.qty);
  return new Map(lines.map((l) => [l.id, Math.max(0, l.qty - (taken.get(l.id) ?? 0))]));
}

/** The store's return window in days (its `onlineReturnDays` setting), else 7. */
export async function returnDays(db: CloudDb, orgId: string, storeId: string): Promise<number> {
  const [row] = await rowsOf<{ value: string }>(
    db,
    sql`SELECT value FROM shop_store_settings WHERE org_id = ${orgId} AND store_id = ${storeId} AND key = 'onlineReturnDays'`,
  );
  const v = row ? (JSON.parse(row.value) as unknown) : null;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : DEFAULT_RETURN_DAYS;
}

export type ReturnRefusal = 'notInHand' | 'windowClosed' | 'cancelled' | 'nothingLeft' | 'tooMany' | 'noLines' | 'notPaid';

/** When the return window closes (null: the goods are not in the buyer's hands yet). */
export function windowEnds(steps: OrderStep[], days: number): number | null {
  const inHand = steps.filter((s) => (IN_HAND as readonly string[]).includes(s.kind)).map((s) => s.at);
  return inHand.length ? Math.min(...inHand) + days * 86_400_000 : null;
}

/**
 * What the returned units cost, line by line as the till's returns price them: a share of the
 * line's total, and exactly what is left for the last units (rounding never adds a cent).
 */
export function returnAmount(lines: ShopOrderLine[], earlier: OnlineReturn[], asked: ReturnLine[]): number {
  let sum = 0;
  for (const a of asked) {
    const l = lines.find((x) => x.id === a.order_line_id)!;
    let qtyBefore = 0;
    let amountBefore = 0;
    for (const r of earlier) {
      if (r.decision === 'refused') continue;
      for (const x of r.lines)
        if (x.order_line_id === l.id) {
          qtyBefore += x.qty;
          amountBefore += divRound(l.total * x.qty, l.qty);
        }
    }
    const left = l.total - Math.min(l.total, amountBefore);
    sum += qtyBefore + a.qty === l.qty ? left : Math.min(left, divRound(l.total * a.qty, l.qty));
  }
  return sum;
}

export type RequestOutcome = { ok: true; id: string } | { ok: false; reason: ReturnRefusal };

/**
 * Records the buyer's return request (id chosen when the form was shown, so a repeated submit
 * records it once): an `online_return` record and a `return_requested` step for the tills.
 */
export async function requestReturn(
  deps: CloudDeps,
  storeId: string,
  orderId: string,
  input: { id: string; lines: ReturnLine[]; reason: string },
): Promise<RequestOutcome> {
  return deps.db.transaction(async (tx) => {
    const order = await lockOrder(tx, storeId, orderId);
    if (!order) return { ok: false, reason: 'notPaid' } as const;
    const returns = await returnsOfOrder(tx, order);
    if (returns.some((r) => r.id === input.id)) return { ok: true, id: input.id } as const;
    if (order.state === 'cancelled') return { ok: false, reason: 'cancelled' } as const;
    if (order.state !== 'paid') return { ok: false, reason: 'notPaid' } as const;
    const steps = await stepsOfOrder(tx, order);
    const ends = windowEnds(steps, await returnDays(tx, order.orgId, storeId));
    if (ends === null) return { ok: false, reason: 'notInHand' } as const;
    if (deps.clock() > ends) return { ok: false, reason: 'windowClosed' } as const;
    const lines = await orderLines(tx, order.id);
    const left = returnable(lines, returns);
    if ([...left.values()].every((q) => q === 0)) return { ok: false, reason: 'nothingLeft' } as const;
    const asked = input.lines.filter((l) => l.qty > 0);
    if (asked.length === 0) return { ok: false, reason: 'noLines' } as const;
    if (asked.some((a) => !left.has(a.order_line_id) || a.qty > left.get(a.order_line_id)!))
      return { ok: false, reason: 'tooMany' } as const;
    const now = deps.clock();
    const d = {
      order_id: order.id,
      buyer_id: order.buyerId,
      lines: asked,
      reason: input.reason,
      amount: returnAmount(lines, returns, asked),
      created_at: now,
      decision: 'pending',
      decision_note: '',
      decided_by: null,
      decided_at: null,
      refund_id: null,
      refund_state: 'none',
      refund_message: '',
    };
    onlineReturnShape.parse(d);
    await writeShopRecords(tx, deps, order.orgId, storeId, [
      { e: 'online_return', i: input.id, d },
      step(deps, order.id, 'return_requested', input.reason.slice(0, 500), now),
    ]);
    return { ok: true, id: input.id } as const;
  });
}

/**
 * Two tills that decide the same request apart (both offline) may disagree. An approval has
 * already taken the goods back at its till (a refund document, stock movements), so it stands: a
 * refusal never overrides it, and it overrides a refusal, whatever their clocks say. When the
 * approval wins against a decision its clocks would have lost to, its fields are stamped afresh,
 * so the till that refused adopts it when it pulls. Returns what to merge: `incoming` itself when
 * the rule has nothing to settle, nothing when a late refusal only meets the approval.
 */
export function settleReturnDecision(base: FieldRecord, incoming: FieldRecord, hlc: Hlc, fields: readonly string[]): FieldRecord {
  const restamped = (winner: FieldRecord): FieldRecord => {
    for (const f of fields) {
      if (base.c[f]) hlc.observe(base.c[f]);
      if (incoming.c[f]) hlc.observe(incoming.c[f]);
    }
    const d: Record<string, unknown> = {};
    const c: Record<string, string> = {};
    for (const f of fields)
      if (f in winner.d) {
        d[f] = winner.d[f];
        c[f] = hlc.now();
      }
    return { d, c };
  };
  if (base.d.decision === 'approved' && incoming.d.decision !== 'approved')
    return (incoming.c.decision ?? '') > (base.c.decision ?? '') ? restamped(base) : { d: {}, c: {} };
  if (incoming.d.decision === 'approved' && base.d.decision === 'refused') return restamped(incoming);
  return incoming;
}

/**
 * Inside a push: a return a manager approved at a till gets its refund recorded (requested), once,
 * for the sweep (or the next look at the order) to send. The push's organisation lock is held.
 */
export async function refundApprovedReturns(
  tx: CloudDb,
  deps: CloudDeps,
  orgId: string,
  written: { entity: string; storeId: string; entityId: string; body: string }[],
): Promise<void> {
  for (const w of written) {
    if (w.entity !== 'online_return') continue;
    const d = (JSON.parse(w.body) as { d: Partial<OnlineReturn> }).d;
    if (d.decision !== 'approved' || d.refund_state !== 'none' || !d.order_id || typeof d.amount !== 'number') continue;
    const order = await lockOrder(tx, w.storeId, d.order_id);
    if (!order || order.orgId !== orgId) continue;
    const recorded = await recordRefund(tx, deps, order, { kind: 'return', returnId: w.entityId }, d.amount);
    const state = recorded.ok ? 'requested' : 'failed';
    const message = recorded.ok ? '' : 'The refund would be more than the buyer paid: settle it with the buyer at the till';
    await writeShopRecords(tx, deps, orgId, w.storeId, [
      { e: 'online_return', i: w.entityId, d: { refund_state: state, refund_message: message } },
    ]);
  }
}
