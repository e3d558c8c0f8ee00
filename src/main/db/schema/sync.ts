import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Cloud sync's own tables on the terminal (see docs/sync.md).
 */

/** Key/value state: the cloud address, this device's token and ids, the pull cursor, last sync. */
export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
});

/**
 * Per-field clock stamps of mutable records, as JSON `{ field: hlc }`. A record without a row here
 * has every field stamped with its own `hlc` column (the common case: created once, never edited
 * since, or pulled whole). Kept by temporary triggers the sync module installs on each connection.
 */
export const syncClocks = sqliteTable(
  'sync_clocks',
  {
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    clocks: text('clocks', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ name: 'sync_clocks_pk', columns: [t.entity, t.entityId] })],
);

/** Changes the cloud refused (a duplicate SKU…), or that sync had to adjust here, for a manager. */
export const syncRejections = sqliteTable(
  'sync_rejections',
  {
    id: text('id').primaryKey(),
    mutationId: integer('mutation_id'),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    at: integer('at').notNull(),
    resolvedAt: integer('resolved_at'),
  },
  (t) => [index('sync_rejections_at_idx').on(t.at)],
);

/** Card payments the integrated terminal took while this terminal could not reach the cloud. */
export const offlineCardPayments = sqliteTable(
  'offline_card_payments',
  {
    intentId: text('intent_id').primaryKey(),
    amount: integer('amount').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Set when the sale carrying it reached the cloud. */
    sentAt: integer('sent_at'),
  },
  (t) => [index('offline_card_payments_sent_idx').on(t.sentAt, t.createdAt)],
);

/**
 * Product pictures waiting to go to the cloud (their bytes travel apart from the product record,
 * which only names the file). One row per product; kept across restarts, so an upload interrupted
 * by an outage or a shutdown is made later. A row whose product names another picture by then is
 * simply dropped: only the current picture is sent.
 */
export const pictureUploads = sqliteTable(
  'picture_uploads',
  {
    productId: text('product_id').primaryKey(),
    /** The file the product named when it was queued. */
    name: text('name').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Not before this time (epoch ms): failed attempts back off. */
    nextAt: integer('next_at').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('picture_uploads_next_idx').on(t.nextAt)],
);
