/**
 * The shop's refunds as a state machine: a row is written (requested) before the provider is
 * called, and the answer is written after, in its own transaction. A row is unique per order and
 * cause, and its request number never changes, so a retried click, a replayed request or two cloud
 * processes asking at once refund the buyer once. An unclear answer leaves the row requested: the
 * background sweep asks the provider about it later.
 */
import { and, asc, eq, lt, lte, or, sql } from 'drizzle-orm';
import type { CloudDb } from '../../db/open';
import { rowsOf } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeShopRecords, type ShopRecord } from '../records';
import type { ShopPayments } from '../checkout/payment';
import type { ShopOrder } from '../checkout/orders';
import { ONLINE_TERMINAL } from '../checkout/records';
import { refundShopPayment, type ShopRefundResult } from './refunds';
import { shopRefunds } from './schema';

export type ShopRefund = typeof shopRefunds.$inferSelect;

/** While one process asks the provider, no other asks about the same refund. */
const LEASE_MS = 60_000;
/** An unclear answer is asked about again after a while, longer each time (at most an hour). */
const backoff = (attempts: number) => Math.min(3600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
/**
 * A refusal is asked again by the sweep itself (a merchant account short of funds, a provider's
 * passing fault), with the same request number and a query first, so it is never paid twice:
 * 5 minutes after the first call, doubling, at most 6 hours apart, until the refund has had
 * MAX_AUTO_ATTEMPTS calls; after that only the buyer asking again (or a manager settling it with
 * the buyer) moves it.
 */
const failedBackoff = (attempts: number) => Math.min(6 * 3600_000, 300_000 * 2 ** Math.max(0, Math.min(20, attempts - 1)));
export const MAX_AUTO_ATTEMPTS = 12;

/** When the sweep asks the provider about this refund again (null: it will not by itself). */
export function nextRetryAt(r: Pick<ShopRefund, 'state' | 'attempts' | 'nextAt'>): number | null {
  if (r.state === 'refunded') return null;
  if (r.state === 'failed' && r.attempts >= MAX_AUTO_ATTEMPTS) return null;
  return r.nextAt;
}

/** The refund as the tills read it (`online_refund`): state, the provider's word, the next try. */
export function refundRecord(r: ShopRefund): ShopRecord {
  return {
    e: 'online_refund',
    i: r.id,
    d: {
      order_id: r.orderId,
      cause: r.cause,
      return_id: r.cause === 'return' ? r.causeId : null,
      request_no: r.requestNo,
      amount: r.amount,
      currency: r.currency,
      state: r.state,
      message: (r.message ?? '').slice(0, 300),
      attempts: r.attempts,
      next_retry_at: nextRetryAt(r),
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    },
  };
}

export type RecordOutcome = { ok: true; refund: ShopRefund; fresh: boolean } | { ok: false; reason: 'over_paid'; left: number };

/**
 * Records the refund of `amount` for the order and cause, once (call inside a transaction holding
 * the order's row lock). Every refund the order has, whatever its state, counts against what the
 * buyer paid: a failed one may still be asked again.
 */
export async function recordRefund(
  tx: CloudDb,
  deps: Pick<CloudDeps, 'clock' | 'ids' | 'hlc' | 'maxDriftMs'>,
  order: ShopOrder,
  cause: { kind: 'cancel' } | { kind: 'return'; returnId: string },
  amount: number,
): Promise<RecordOutcome> {
  const causeId = cause.kind === 'cancel' ? 'cancel' : cause.returnId;
  const [have] = await tx
    .select()
    .from(shopRefunds)
    .where(and(eq(shopRefunds.orderId, order.id), eq(shopRefunds.causeId, causeId)));
  if (have) return { ok: true, refund: have, fresh: false };
  const all = await tx.select({ amount: shopRefunds.amount }).from(shopRefunds).where(eq(shopRefunds.orderId, order.id));
  const left = order.total - all.reduce((s, r) => s + r.amount, 0);
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) return { ok: false, reason: 'over_paid', left };
  const now = deps.clock();
  const [row] = await tx
    .insert(shopRefunds)
    .values({
      id: deps.ids(),
      orgId: order.orgId,
      storeId: order.storeId,
      orderId: order.id,
      cause: cause.kind,
      causeId,
      provider: order.provider,
      // Our out_request_no: the order's trade number and the refund's place among its refunds.
      requestNo: `${order.shopNumber}-R${all.length + 1}`,
      amount,
      currency: order.currency,
      state: 'requested',
      nextAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await writeShopRecords(tx, deps, order.orgId, order.storeId, [refundRecord(row!)]);
  return { ok: true, refund: row!, fresh: true };
}

export async function refundsOfOrder(db: CloudDb, orderId: string): Promise<ShopRefund[]> {
  return db.select().from(shopRefunds).where(eq(shopRefunds.orderId, orderId)).orderBy(asc(shopRefunds.createdAt));
}

/** A refund the provider refused, asked for again (same request number): back to requested. */
export async function retryRefund(db: CloudDb, deps: Pick<CloudDeps, 'clock'>, id: string): Promise<boolean> {
  const now = deps.clock();
  const rows = await db
    .update(shopRefunds)
    .set({ state: 'requested', nextAt: now, updatedAt: now })
    .where(and(eq(shopRefunds.id, id), eq(shopRefunds.state, 'failed')))
    .returning({ id: shopRefunds.id });
  return rows.length > 0;
}

/** Refused refunds the sweep asks again by itself: their time has come and they have calls left. */
const retriable = (now: number) =>
  and(eq(shopRefunds.state, 'failed'), lte(shopRefunds.nextAt, now), lt(shopRefunds.attempts, MAX_AUTO_ATTEMPTS));

const reasonText = (r: ShopRefund) => (r.cause === 'cancel' ? 'Order cancelled by the buyer' : 'Return approved by the store');

/**
 * Asks the provider about one requested refund (sends it the first time; later, queries it and
 * sends it again only if the provider never got it) and records the answer. Another process
 * already asking, or a refund already settled, is left alone. Returns the row as it now stands.
 */
export async function settleRefund(
  deps: CloudDeps,
  payments: ShopPayments,
  id: string,
  opts: { retryFailed?: boolean } = {},
): Promise<ShopRefund | null> {
  const now = deps.clock();
  const due = and(eq(shopRefunds.state, 'requested'), lte(shopRefunds.nextAt, now));
  // A refused refund the sweep retries is requested again while it is asked (the lease holds others off).
  const [claimed] = await deps.db
    .update(shopRefunds)
    .set({ state: 'requested', attempts: sql`${shopRefunds.attempts} + 1`, nextAt: now + LEASE_MS, updatedAt: now })
    .where(and(eq(shopRefunds.id, id), opts.retryFailed ? or(due, retriable(now)) : due))
    .returning();
  if (!claimed) {
    const [row] = await deps.db.select().from(shopRefunds).where(eq(shopRefunds.id, id));
    return row ?? null;
  }
  const [order] = await rowsOf<{ shop_number: string; total: string | number; provider_ref: string | null }>(
    deps.db,
    sql`SELECT shop_number, total, provider_ref FROM shop_orders WHERE id = ${claimed.orderId}`,
  );
  let result: ShopRefundResult;
  try {
    result = await refundShopPayment(
      payments(claimed.storeId),
      {
        provider: claimed.provider,
        tradeNo: order!.shop_number,
        requestNo: claimed.requestNo,
        amount: claimed.amount,
        total: Number(order!.total),
        currency: claimed.currency,
        reason: reasonText(claimed),
        providerRef: order!.provider_ref,
      },
      // A refund asked before may have gone through with its answer lost: ask first.
      claimed.attempts > 1 ? 'check' : 'send',
      deps.clock,
    );
  } catch (err) {
    result = { state: 'pending', message: err instanceof Error ? err.message.slice(0, 300) : 'the provider could not be asked' };
  }
  return recordAnswer(deps, claimed, result);
}

/** Writes the provider's answer once: the refunded step reaches the tills and the buyer's page. */
async function recordAnswer(deps: CloudDeps, claimed: ShopRefund, result: ShopRefundResult): Promise<ShopRefund> {
  return deps.db.transaction(async (tx) => {
    const [row] = await rowsOf<{ state: string }>(tx, sql`SELECT state FROM shop_refunds WHERE id = ${claimed.id} FOR UPDATE`);
    if (row?.state !== 'requested') {
      const [now] = await tx.select().from(shopRefunds).where(eq(shopRefunds.id, claimed.id));
      return now!;
    }
    const now = deps.clock();
    if (result.state === 'pending') {
      const [r] = await tx
        .update(shopRefunds)
        .set({ message: result.message, nextAt: now + backoff(claimed.attempts), updatedAt: now })
        .where(eq(shopRefunds.id, claimed.id))
        .returning();
      await writeShopRecords(tx, deps, r!.orgId, r!.storeId, [refundRecord(r!)]);
      return r!;
    }
    if (result.state === 'failed') {
      const [r] = await tx
        .update(shopRefunds)
        .set({ state: 'failed', message: result.message, nextAt: now + failedBackoff(claimed.attempts), updatedAt: now })
        .where(eq(shopRefunds.id, claimed.id))
        .returning();
      await writeShopRecords(tx, deps, r!.orgId, r!.storeId, [refundRecord(r!)]);
      await onRefundSettled(tx, deps, r!);
      return r!;
    }
    const [r] = await tx
      .update(shopRefunds)
      .set({ state: 'refunded', message: null, providerRef: result.providerRef, refundedAt: now, updatedAt: now })
      .where(eq(shopRefunds.id, claimed.id))
      .returning();
    const eventId = deps.ids();
    const records: ShopRecord[] = [
      {
        e: 'online_order_event',
        i: eventId,
        d: {
          id: eventId,
          order_id: r!.orderId,
          kind: 'refunded',
          carrier: null,
          tracking: null,
          note: `${(r!.amount / 100).toFixed(2)} ${r!.currency} (${r!.cause === 'cancel' ? 'cancelled' : 'return'})`,
          terminal_code: null,
          staff_id: null,
          at: now,
        },
      },
    ];
    if (r!.cause === 'cancel') {
      const voided = await voidOfCancelled(tx, deps, r!, now);
      if (voided) records.push(voided);
    }
    records.push(refundRecord(r!));
    await writeShopRecords(tx, deps, r!.orgId, r!.storeId, records);
    await onRefundSettled(tx, deps, r!);
    return r!;
  });
}

interface OrderBody {
  d: { number: string; staff_id: string; tax_total: number };
  ch?: {
    order_lines?: { id: string; product_id: string; name: string; qty: number; total: number; tax: number }[];
    payments?: { id: string; kind: string }[];
  };
}

/**
 * The cancelled order's sale undone for the tills' books: a `void` refund document of every line,
 * given back to the order's online payment (its goods never left, so nothing moves in stock).
 */
async function voidOfCancelled(tx: CloudDb, deps: CloudDeps, r: ShopRefund, now: number): Promise<ShopRecord | null> {
  const [rec] = await rowsOf<{ body: string }>(
    tx,
    sql`SELECT body FROM records WHERE org_id = ${r.orgId} AND entity = 'order' AND store_id = ${r.storeId} AND entity_id = ${r.orderId}`,
  );
  if (!rec) return null;
  const o = JSON.parse(rec.body) as OrderBody;
  const payment = o.ch?.payments?.find((p) => p.kind === r.provider) ?? o.ch?.payments?.[0];
  const id = deps.ids();
  return {
    e: 'refund',
    i: id,
    d: {
      id,
      number: `${o.d.number}-C`.slice(0, 40),
      order_id: r.orderId,
      customer_id: null,
      kind: 'void',
      reason: 'Cancelled by the buyer online',
      terminal_code: ONLINE_TERMINAL,
      staff_id: o.d.staff_id,
      approved_by: null,
      currency: r.currency,
      total: r.amount,
      tax_total: o.d.tax_total,
      exchange_order_id: null,
      created_at: now,
    },
    ch: {
      refund_lines: (o.ch?.order_lines ?? []).map((l) => ({
        id: deps.ids(),
        refund_id: id,
        order_line_id: l.id,
        product_id: l.product_id,
        name: l.name,
        qty: l.qty,
        amount: l.total,
        tax: l.tax,
        disposition: 'restock',
      })),
      refund_tenders: [
        {
          id: deps.ids(),
          refund_id: id,
          payment_id: payment?.id ?? null,
          method: payment?.kind ?? r.provider,
          amount: r.amount,
          brand: null,
          last4: null,
        },
      ],
    },
  };
}

/** A return's record follows its refund, so the till shows how the money went back. */
async function onRefundSettled(tx: CloudDb, deps: CloudDeps, r: ShopRefund): Promise<void> {
  if (r.cause !== 'return') return;
  await writeShopRecords(tx, deps, r.orgId, r.storeId, [
    { e: 'online_return', i: r.causeId, d: { refund_state: r.state, refund_message: (r.message ?? '').slice(0, 300) } },
  ]);
}

/**
 * The sweep's part: every requested refund whose time has come, and every refused one due to be
 * asked again, a few at a time.
 */
export async function settleDueRefunds(deps: CloudDeps, payments: ShopPayments, limit = 50): Promise<number> {
  const now = deps.clock();
  const due = await deps.db
    .select({ id: shopRefunds.id })
    .from(shopRefunds)
    .where(or(and(eq(shopRefunds.state, 'requested'), lte(shopRefunds.nextAt, now)), retriable(now)))
    .orderBy(asc(shopRefunds.nextAt))
    .limit(limit);
  for (const d of due) await settleRefund(deps, payments, d.id, { retryFailed: true });
  return due.length;
}
