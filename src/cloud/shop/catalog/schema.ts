/**
 * The catalog room's projections: relational, indexed copies of the synced records the shop reads
 * (products with their listing, categories, tax rates, store settings, stock), kept as records
 * merge (projection.ts), so a page never parses JSON records. Reservations are the shop's own rows;
 * each one is mirrored by a `stock_reservation` record the store's tills pull.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

/** A product as the shop shows it: the product record, its online listing and its tax rate's rate. */
export const shopProducts = pgTable(
  'shop_products',
  {
    orgId: uuid('org_id').notNull(),
    productId: text('product_id').notNull(),
    /** Null until the product record itself has arrived (a listing may come first). */
    name: text('name'),
    sku: text('sku').notNull().default(''),
    altName: text('alt_name'),
    unit: text('unit').notNull().default('each'),
    description: text('description').notNull().default(''),
    /** Minor units of the store's currency; tax per the store's price mode. */
    price: ms('price').notNull().default(0),
    taxRateId: text('tax_rate_id'),
    taxRateBp: integer('tax_rate_bp').notNull().default(0),
    categoryId: text('category_id'),
    image: text('image'),
    soldOnline: boolean('sold_online').notNull().default(false),
    /** Thousandths kept back from the web; null: the store's setting. */
    safetyBuffer: ms('safety_buffer'),
    archived: boolean('archived').notNull().default(false),
    /** What every page filters on: sold online, not archived, and the product known. */
    listed: boolean('listed')
      .notNull()
      .generatedAlwaysAs(sql`sold_online AND NOT archived AND name IS NOT NULL`),
    createdAt: ms('created_at').notNull().default(0),
    updatedAt: ms('updated_at').notNull().default(0),
    /** Lower-cased names and SKU, Chinese characters spaced: the relevance check of search. */
    searchText: text('search_text').notNull().default(''),
    /**
     * The product's search tokens (shop_search_tokens) in one text, each with a space either side: a
     * walk through the best sellers checks a term on the row it already holds (`LIKE '% mil%'`)
     * instead of probing the token index per product. Null until the product's record is projected.
     */
    searchWords: text('search_words'),
    /** Thousandths sold, at the counter and online, in every store of the organisation. */
    soldCount: ms('sold_count').notNull().default(0),
    ratingSum: ms('rating_sum').notNull().default(0),
    ratingCount: ms('rating_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'shop_products_pk', columns: [t.orgId, t.productId] }),
    // One index per list order, columns and directions exactly as queries.ts sorts, so a page of
    // 24 is read off an index rather than sorting every listed product.
    index('shop_products_new_idx')
      .on(t.orgId, t.createdAt, t.productId)
      .where(sql`listed`),
    // Also carries `search_words` (INCLUDE, written by cloud migration 0016: the builder has no
    // INCLUDE), so a search walks the best sellers through the index alone.
    index('shop_products_best_idx')
      .on(t.orgId, t.soldCount.desc(), t.productId)
      .where(sql`listed`),
    index('shop_products_price_idx')
      .on(t.orgId, t.price, t.productId)
      .where(sql`listed`),
    index('shop_products_rating_idx')
      .on(
        t.orgId,
        sql`(CASE WHEN rating_count > 0 THEN rating_sum::float8 / rating_count ELSE 0 END) DESC`,
        t.ratingCount.desc(),
        t.productId,
      )
      .where(sql`listed`),
    index('shop_products_cat_idx')
      .on(t.orgId, t.categoryId, t.soldCount.desc(), t.productId)
      .where(sql`listed`),
    index('shop_products_tax_idx').on(t.orgId, t.taxRateId),
    // Names that start with what a buyer typed, ranked first by relevance.
    index('shop_products_text_idx')
      .on(t.orgId, t.searchText.op('text_pattern_ops'))
      .where(sql`listed`),
  ],
);

/**
 * Search tokens of listed and unlisted products alike (a listing flips without re-tokenising):
 * Latin words, single Chinese characters and pinyin (full and initials) from every syllable, as
 * the till indexes them. A query term is a prefix probe of this index.
 */
export const shopSearchTokens = pgTable(
  'shop_search_tokens',
  {
    orgId: uuid('org_id').notNull(),
    token: text('token').notNull(),
    productId: text('product_id').notNull(),
    /**
     * The product's place among the best sellers, coarsely: `shop_search_rank(listed, sold_count)`,
     * eight ranks to each doubling of its thousandths sold (0 unsold, -1 not listed), kept by a
     * trigger on shop_products (cloud migration 0017) whenever it changes, which is when sales grow
     * by about an eighth. A search reads a term's products rank by rank, best first, instead of
     * walking every best seller.
     */
    rank: integer('rank').notNull().default(0),
  },
  (t) => [
    // One index for both: equality and LIKE 'prefix%' (text_pattern_ops, whatever the collation).
    uniqueIndex('shop_search_tokens_uq').on(t.orgId, t.token.op('text_pattern_ops'), t.productId),
    // A term's products of one rank (migration 0017 adds INCLUDE product_id: the builder has no INCLUDE).
    index('shop_search_tokens_rank_idx').on(t.orgId, t.rank, t.token.op('text_pattern_ops')),
    // A product's own tokens, which the projection replaces when its names change (a search walk
    // checks a product on its row's `search_words` instead). Its id compares byte by byte ("C"), as
    // locale comparisons cost 4× more; a statement names the collation to reach it
    // (`product_id COLLATE "C" = …`).
    index('shop_search_tokens_product_idx').on(t.orgId, sql`(product_id COLLATE "C")`, t.token.op('text_pattern_ops')),
  ],
);

/**
 * The ranks a search reads, one row each, best first through its key: the planner knows the order
 * of an index, not of a generated series, and so stops once a page is full.
 */
export const shopSearchRanks = pgTable('shop_search_ranks', {
  rank: integer('rank').primaryKey(),
});

export const shopCategories = pgTable(
  'shop_categories',
  {
    orgId: uuid('org_id').notNull(),
    categoryId: text('category_id').notNull(),
    name: text('name').notNull(),
    altName: text('alt_name'),
    archived: boolean('archived').notNull().default(false),
  },
  (t) => [primaryKey({ name: 'shop_categories_pk', columns: [t.orgId, t.categoryId] })],
);

export const shopTaxRates = pgTable(
  'shop_tax_rates',
  {
    orgId: uuid('org_id').notNull(),
    taxRateId: text('tax_rate_id').notNull(),
    rateBp: integer('rate_bp').notNull(),
  },
  (t) => [primaryKey({ name: 'shop_tax_rates_pk', columns: [t.orgId, t.taxRateId] })],
);

/** The store settings the shop needs (from `setting` records). */
export const shopStoreSettings = pgTable(
  'shop_store_settings',
  {
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    key: text('key').notNull(),
    /** The setting's value as JSON text. */
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ name: 'shop_store_settings_pk', columns: [t.orgId, t.storeId, t.key] })],
);

/** A store's stock of a product as the cloud knows it: the sum of its stock movements (thousandths). */
export const shopStock = pgTable(
  'shop_stock',
  {
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    productId: text('product_id').notNull(),
    onHand: ms('on_hand').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'shop_stock_pk', columns: [t.orgId, t.storeId, t.productId] })],
);

/** Units an unpaid online order holds (thousandths), one row per order and product. */
export const shopReservations = pgTable(
  'shop_reservations',
  {
    id: text('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    productId: text('product_id').notNull(),
    orderId: text('order_id').notNull(),
    qty: ms('qty').notNull(),
    state: text('state', { enum: ['held', 'released', 'consumed'] }).notNull(),
    /**
     * No longer holding stock back: released, or consumed by a paid order that has since shipped,
     * been picked up or been cancelled (the till's stock movement has the units then).
     */
    settled: boolean('settled').notNull().default(false),
    expiresAt: ms('expires_at').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    index('shop_reservations_order_idx').on(t.orgId, t.orderId),
    index('shop_reservations_open_idx')
      .on(t.orgId, t.storeId, t.productId)
      .where(sql`NOT settled`),
    index('shop_reservations_expiry_idx')
      .on(t.expiresAt)
      .where(sql`state = 'held'`),
  ],
);

/** Organisations whose projections have been built from their records (see rebuildShopProjections). */
export const shopProjectedOrgs = pgTable('shop_projected_orgs', {
  orgId: uuid('org_id').primaryKey(),
  builtAt: ms('built_at').notNull(),
});
