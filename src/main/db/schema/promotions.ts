import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Promotion } from '../../../shared/promotions/schema';

/**
 * Promotions as managers define them, and what each sale took from them. Kept free of imports from
 * core.ts (plain ids, no references) so the sale's rows never wait on a promotion's row.
 */

/** The definition is the engine's input as `promotionSchema` accepts it, checked on every write. */
export const promotions = sqliteTable(
  'promotions',
  {
    id: text('id').primaryKey(),
    definition: text('definition', { mode: 'json' }).$type<Promotion>().notNull(),
    /** Paused promotions stay listed but never reach a cart. */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('promotions_active_idx').on(t.active)],
);

/**
 * A promotion's share of one sold line, with the name as the customer saw it: the order and its
 * receipt keep it when the promotion is renamed, changed or removed later.
 */
export const orderLinePromotions = sqliteTable(
  'order_line_promotions',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    orderLineId: text('order_line_id').notNull(),
    promotionId: text('promotion_id').notNull(),
    name: text('name').notNull(),
    nameZh: text('name_zh'),
    amount: integer('amount').notNull(),
  },
  (t) => [index('order_line_promotions_order_idx').on(t.orderId), index('order_line_promotions_line_idx').on(t.orderLineId)],
);
