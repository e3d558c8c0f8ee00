/**
 * Where each paid online order stands on its way to the buyer, kept from its steps as they merge
 * (a till's `delivered`, the buyer's or the sweep's `received`), so the completion sweep finds the
 * orders whose days ran out with an index rather than by reading every order's steps.
 */
import { bigint, boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const shopOrderProgress = pgTable(
  'shop_order_progress',
  {
    orderId: uuid('order_id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    /** The first parcel's delivery (the carrier's time, as the till recorded it). */
    deliveredAt: ms('delivered_at'),
    /** Receipt confirmed: by the buyer, or by the sweep (`receivedAutomatically`). */
    receivedAt: ms('received_at'),
    receivedAutomatically: boolean('received_automatically').notNull().default(false),
  },
  (t) => [
    index('shop_order_progress_due_idx')
      .on(t.deliveredAt)
      .where(sql`received_at IS NULL AND delivered_at IS NOT NULL`),
  ],
);
