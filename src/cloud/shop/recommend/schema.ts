/**
 * The recommendation room's projections, kept as orders merge (projection.ts): which products
 * were bought in the same order (pairs, both ways), how many orders each product is in, and the
 * lines of orders that name a customer (a till's customer or a signed-in buyer). Counts are the
 * organisation's, from every store, at the counter and online.
 */
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

/**
 * Each order counted once: the products it was counted with (at most MAX_ORDER_PRODUCTS), so a
 * void or a cancelled online order takes exactly those counts back, and a resent or re-projected
 * order is never counted twice. A void that arrives first leaves a row with `voided` and no
 * products, so its order is never counted.
 */
export const shopRecOrders = pgTable(
  'shop_rec_orders',
  {
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    orderId: text('order_id').notNull(),
    products: text('products').array().notNull(),
    /** `c:<customer id>` at the counter, `b:<buyer id>` online; null for an anonymous sale. */
    customerKey: text('customer_key'),
    at: ms('at').notNull(),
    voided: boolean('voided').notNull().default(false),
  },
  (t) => [primaryKey({ name: 'shop_rec_orders_pk', columns: [t.orgId, t.storeId, t.orderId] })],
);

/** How many counted orders hold each product: the popularity that normalises a pair's count. */
export const shopRecProducts = pgTable(
  'shop_rec_products',
  {
    orgId: uuid('org_id').notNull(),
    productId: text('product_id').notNull(),
    orders: integer('orders').notNull().default(0),
    lastAt: ms('last_at').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'shop_rec_products_pk', columns: [t.orgId, t.productId] })],
);

/** Orders holding both a and b, stored both ways round so a product's neighbours are one index range. */
export const shopRecPairs = pgTable(
  'shop_rec_pairs',
  {
    orgId: uuid('org_id').notNull(),
    productA: text('product_a').notNull(),
    productB: text('product_b').notNull(),
    n: integer('n').notNull(),
    lastAt: ms('last_at').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'shop_rec_pairs_pk', columns: [t.orgId, t.productA, t.productB] }),
    // A product's strongest neighbours first: a page reads the top of this range, never all of it.
    index('shop_rec_pairs_top_idx').on(t.orgId, t.productA, t.n.desc(), t.productB),
  ],
);

/** The counted products of orders that name a customer: what "customers also bought" reads. */
export const shopRecCustomerLines = pgTable(
  'shop_rec_customer_lines',
  {
    orgId: uuid('org_id').notNull(),
    customerKey: text('customer_key').notNull(),
    orderId: text('order_id').notNull(),
    productId: text('product_id').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'shop_rec_customer_lines_pk', columns: [t.orgId, t.customerKey, t.orderId, t.productId] }),
    // The latest buyers of a product, and each buyer's latest purchases.
    index('shop_rec_customer_lines_product_idx').on(t.orgId, t.productId, t.at.desc()),
    index('shop_rec_customer_lines_customer_idx').on(t.orgId, t.customerKey, t.at.desc()),
  ],
);

/** Organisations whose orders from before this projection existed have been counted (see backfill). */
export const shopRecBuiltOrgs = pgTable('shop_rec_built_orgs', {
  orgId: uuid('org_id').primaryKey(),
  builtAt: ms('built_at').notNull(),
});
