/**
 * The shop's projection of `product_review` records (the record is the truth; this table is what
 * pages read, kept in the same transaction as each merge). `counted_rating` is what the review adds
 * to its product's rating in shop_products (0 while hidden), so a change moves it by the difference.
 */
import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const shopReviews = pgTable(
  'shop_reviews',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: text('store_id').notNull(),
    productId: text('product_id').notNull(),
    orderId: text('order_id').notNull(),
    orderLineId: text('order_line_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    author: text('author').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment').notNull(),
    createdAt: ms('created_at').notNull(),
    editedAt: ms('edited_at').notNull(),
    hidden: boolean('hidden').notNull(),
    hiddenReason: text('hidden_reason').notNull(),
    countedRating: integer('counted_rating').notNull().default(0),
  },
  (t) => [
    // One review per order line, whoever races for it.
    uniqueIndex('shop_reviews_line_uq').on(t.orgId, t.orderLineId),
    index('shop_reviews_product_idx').on(t.orgId, t.productId, t.hidden, t.createdAt),
    index('shop_reviews_order_idx').on(t.orgId, t.orderId),
  ],
);
