/**
 * Counter sales reachable from their printed receipt. A row per till sale that carries a receipt
 * key, projected from its `order` record as it merges; only the key's sha256 is kept, so the
 * table cannot be read back into working links. The claim (which buyer keeps the sale) and the
 * invoice request belong to the cloud's buyers, not to the till's records.
 */
import { bigint, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const shopReceipts = pgTable(
  'shop_receipts',
  {
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    orderId: text('order_id').notNull(),
    /** sha256 (hex) of the receipt key the till printed. */
    keyHash: text('key_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    /** The buyer who claimed the sale into their account: one, for good. */
    buyerId: text('buyer_id'),
    claimedAt: ms('claimed_at'),
    /** The `invoice_request` record asked for this sale (one per sale). */
    invoiceId: text('invoice_id'),
  },
  (t) => [
    primaryKey({ name: 'shop_receipts_pk', columns: [t.orgId, t.orderId] }),
    uniqueIndex('shop_receipts_key_uq').on(t.keyHash),
    index('shop_receipts_buyer_idx').on(t.orgId, t.buyerId, t.createdAt),
  ],
);
