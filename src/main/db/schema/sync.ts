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
