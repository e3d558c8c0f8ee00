import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Sales rollups: derived data, kept up to date by `applyToRollups` (a refund in its own
 * transaction, a sale from the queue below, moments later or before the next read), rebuilt from
 * the facts by `rebuildRollups`. Never synced. Buckets are
 * business days in the store's time zone with its business-day cutoff.
 */

/** Compact integer keys for products, categories, staff, tenders and customers. */
export const insightKeys = sqliteTable(
  'insight_keys',
  {
    k: integer('k').primaryKey(),
    dim: integer('dim').notNull(),
    ref: text('ref').notNull(),
  },
  (t) => [uniqueIndex('insight_keys_dim_ref_uq').on(t.dim, t.ref)],
);

/** Which time zone and cutoff the rollups were built with. */
export const insightMeta = sqliteTable('insight_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

const measures = () => ({
  orders: integer('orders').notNull().default(0),
  units: integer('units').notNull().default(0),
  sales: integer('sales').notNull().default(0),
  net: integer('net').notNull().default(0),
  tax: integer('tax').notNull().default(0),
  discount: integer('discount').notNull().default(0),
  cost: integer('cost').notNull().default(0),
  rCount: integer('r_count').notNull().default(0),
  rUnits: integer('r_units').notNull().default(0),
  rAmount: integer('r_amount').notNull().default(0),
  rNet: integer('r_net').notNull().default(0),
  rCost: integer('r_cost').notNull().default(0),
  // Pieces and masses are never added together: `units` counts pieces (in product rows, the
  // product's own quantity), `grams` the mass of weighed lines (see insight/rollups.ts).
  grams: real('grams').notNull().default(0),
  rGrams: real('r_grams').notNull().default(0),
});

/** Per business day and local clock hour: the time series, the heat map and the KPIs. */
export const rollupHourly = sqliteTable(
  'rollup_hourly',
  {
    day: integer('day').notNull(),
    hour: integer('hour').notNull(),
    ...measures(),
  },
  (t) => [primaryKey({ name: 'rollup_hourly_pk', columns: [t.day, t.hour] })],
);

/**
 * Per dimension key (product, category, staff, tender) at five nested levels (day, week-of-month,
 * month, quarter, year): any date range is a short signed sum of buckets.
 */
export const rollupKeyed = sqliteTable(
  'rollup_keyed',
  {
    dim: integer('dim').notNull(),
    level: integer('level').notNull(),
    bucket: integer('bucket').notNull(),
    k: integer('k').notNull(),
    ...measures(),
  },
  (t) => [primaryKey({ name: 'rollup_keyed_pk', columns: [t.dim, t.level, t.bucket, t.k] })],
);

/**
 * A day bucket of rollup_keyed packed into one blob (see insight/vectors.ts): a cache, written when
 * a ranking first reads the day and deleted by every write to that day's rows.
 */
export const rollupPacked = sqliteTable(
  'rollup_packed',
  {
    dim: integer('dim').notNull(),
    day: integer('day').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_packed_pk', columns: [t.dim, t.day] })],
);

/** Lifetime per customer, for repeat rate and RFM. */
export const rollupCustomers = sqliteTable(
  'rollup_customers',
  {
    customerId: text('customer_id').primaryKey(),
    orders: integer('orders').notNull(),
    sales: integer('sales').notNull(),
    refunds: integer('refunds').notNull(),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [index('rollup_customers_last_idx').on(t.lastAt)],
);

/** Basket co-occurrence: orders holding both products (a < b by key), and orders per product. */
export const basketPairs = sqliteTable(
  'basket_pairs',
  {
    a: integer('a').notNull(),
    b: integer('b').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ name: 'basket_pairs_pk', columns: [t.a, t.b] }), index('basket_pairs_b_idx').on(t.b, t.n)],
);

export const basketItems = sqliteTable('basket_items', {
  k: integer('k').primaryKey(),
  n: integer('n').notNull(),
});

/**
 * Sales committed but not yet added to the rollups. A sale's own transaction only appends here
 * (one page instead of some thirty across the rollup tables); `applyPendingInsight` empties it
 * right after the sale and before any insight read, so dashboards never miss a sale.
 */
export const insightPending = sqliteTable('insight_pending', {
  seq: integer('seq').primaryKey(),
  orderId: text('order_id').notNull(),
});

/**
 * Rollups written before pieces and masses were kept apart added kilograms to pieces in `units`.
 * The migration that added `grams` leaves one row per fact table here (order lines, refund lines):
 * the rowids up to `upto` were rolled up the old way, those up to `done` are corrected already, and
 * `skip` lists (JSON) the orders still queued then, which the new code rolls up right. The
 * correction (insight/weight-fix.ts) runs in small transactions in the background and deletes the
 * row when done; a rebuild deletes them all.
 */
export const rollupWeightFix = sqliteTable('rollup_weight_fix', {
  source: text('source').primaryKey(),
  done: integer('done').notNull(),
  upto: integer('upto').notNull(),
  skip: text('skip').notNull().default('[]'),
});
