/** The stored start of an order's WeChat Pay or Stripe payment (one per order, whichever process made it). */
import { and, eq, lte } from 'drizzle-orm';
import type { CloudDb } from '../../db/open';
import { shopPaymentStarts } from './schema';

export type PaymentStart = typeof shopPaymentStarts.$inferSelect;

export async function startOf(db: CloudDb, orderId: string): Promise<PaymentStart | null> {
  const [row] = await db.select().from(shopPaymentStarts).where(eq(shopPaymentStarts.orderId, orderId));
  return row ?? null;
}

/** Keeps the provider's answer; when two requests raced, the first one kept is the order's. */
export async function keepStart(db: CloudDb, start: PaymentStart): Promise<PaymentStart> {
  await db.insert(shopPaymentStarts).values(start).onConflictDoNothing();
  return (await startOf(db, start.orderId))!;
}

/**
 * Claims the right to ask the provider about the order now: true for one caller per `everyMs`,
 * across every process (a conditional update of the row), so a pay page polling from several
 * tabs does not turn into a stream of queries to the provider.
 */
export async function claimQuery(db: CloudDb, orderId: string, now: number, everyMs: number): Promise<boolean> {
  const claimed = await db
    .update(shopPaymentStarts)
    .set({ checkedAt: now })
    .where(and(eq(shopPaymentStarts.orderId, orderId), lte(shopPaymentStarts.checkedAt, now - everyMs)))
    .returning({ orderId: shopPaymentStarts.orderId });
  return claimed.length > 0;
}
