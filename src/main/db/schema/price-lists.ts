import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Customer groups (会员, 批发), which group a customer is in, and price lists with their entries.
 * All four sync as mutable org records and may arrive in any order from the cloud, so they hold
 * plain ids without references (a group or product that has not arrived yet is simply not
 * matched), and no unique index a pull could trip over: the handlers keep one entry per list,
 * product and minimum quantity, and the resolution takes the lowest price when two tills both
 * added one offline.
 */

export const customerGroups = sqliteTable('customer_groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  hlc: text('hlc').notNull(),
});

/**
 * The group a customer is in (at most one: the key is the customer). A row of its own rather than a
 * column on customers, so a change of group merges apart from the customer's name and phone.
 */
export const customerMemberships = sqliteTable(
  'customer_memberships',
  {
    customerId: text('customer_id').primaryKey(),
    /** null: in no group (kept as a row so the removal syncs like any edit). */
    groupId: text('group_id'),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('customer_memberships_group_idx').on(t.groupId)],
);

export const priceLists = sqliteTable('price_lists', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  /** Who it is for: any attached customer, the customers of one group, or every sale of one store. */
  targetKind: text('target_kind', { enum: ['members', 'group', 'store'] }).notNull(),
  /** The group's or store's id; null for members. */
  targetId: text('target_id'),
  /** Paused lists stay listed but price nothing. */
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  hlc: text('hlc').notNull(),
});

export const priceListEntries = sqliteTable(
  'price_list_entries',
  {
    id: text('id').primaryKey(),
    priceListId: text('price_list_id').notNull(),
    productId: text('product_id').notNull(),
    /** Quantity break in thousandths: the price applies from this quantity on (0: from the first). */
    minQty: integer('min_qty').notNull().default(0),
    /** Unit price in minor units. */
    price: integer('price').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('price_list_entries_list_idx').on(t.priceListId, t.productId), index('price_list_entries_product_idx').on(t.productId)],
);

/**
 * The list that priced a sold line, with its name as the customer saw it (会员价) and the shelf
 * price it replaced: the order and its receipt keep them when the list is renamed or removed. Like
 * a line's promotions, it stays with the till that made the sale.
 */
export const orderLinePriceLists = sqliteTable(
  'order_line_price_lists',
  {
    orderLineId: text('order_line_id').primaryKey(),
    orderId: text('order_id').notNull(),
    priceListId: text('price_list_id').notNull(),
    name: text('name').notNull(),
    nameZh: text('name_zh'),
    shelfPrice: integer('shelf_price').notNull(),
  },
  (t) => [index('order_line_price_lists_order_idx').on(t.orderId)],
);
