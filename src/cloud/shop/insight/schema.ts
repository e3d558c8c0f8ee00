/**
 * What buyers do in a store's shop, recorded by the shop itself as it answers (no tracking
 * script, no third party): one append-only row per event. Append-only rather than a counter row
 * per (store, day, kind): fifty buyers viewing products at once would all update the same counter
 * row, each waiting for the row lock and each leaving a dead row version behind, while inserts
 * into a table take no lock any other insert waits for. Reading a range sums its rows through the
 * (store, day) index; old rows are deleted by the retention sweep.
 *
 * No IP address and no user agent are stored: a visitor is a random id from a first-party cookie.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const SHOP_EVENT_KINDS = ['visit', 'product_view', 'search', 'cart_add', 'checkout_start', 'paid'] as const;
export type ShopEventKind = (typeof SHOP_EVENT_KINDS)[number];

export const shopEvents = pgTable(
  'shop_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id').notNull(),
    /** The store's calendar day (days since 1970-01-01 in the store's time zone). */
    day: integer('day').notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: SHOP_EVENT_KINDS }).notNull(),
    /** The visitor cookie's random id; null for a payment (the provider's server tells it). */
    visitor: text('visitor'),
    productId: text('product_id'),
    /** A search's text, normalised and capped (insight/events.ts). */
    query: text('query'),
    /** Products a search found, counted up to one page and one more (so 25 means "more than a page"). */
    results: integer('results'),
    orderId: text('order_id'),
  },
  (t) => [
    index('shop_events_store_day_idx').on(t.storeId, t.day),
    // A visitor's visit counts once a day, however often the cookie comes back.
    uniqueIndex('shop_events_visit_uq')
      .on(t.storeId, t.day, t.visitor)
      .where(sql`kind = 'visit'`),
    // An order is paid once, whichever notification or query said so.
    uniqueIndex('shop_events_paid_uq')
      .on(t.storeId, t.orderId)
      .where(sql`kind = 'paid'`),
  ],
);
