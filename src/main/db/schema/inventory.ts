import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { suppliers } from './catalog';
import { categories, products, staff, stockLocations } from './core';

/**
 * The store manager's tables: purchasing and stock counts (reorder rules sit on stock_levels). Stock itself is the
 * ledger in core.ts (stock_movements + stock_levels); everything here only posts movements there.
 */

export const purchaseOrders = sqliteTable(
  'purchase_orders',
  {
    id: text('id').primaryKey(),
    /** Human number, per terminal: PO-T1-000001. */
    number: text('number').notNull(),
    supplierId: text('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** Where the goods are received. */
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    status: text('status', { enum: ['draft', 'sent', 'partial', 'received', 'closed', 'cancelled'] }).notNull(),
    note: text('note'),
    createdBy: text('created_by').references(() => staff.id),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    closedAt: integer('closed_at'),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [
    uniqueIndex('purchase_orders_number_uq').on(t.number),
    index('purchase_orders_status_idx').on(t.status, t.createdAt),
    index('purchase_orders_supplier_idx').on(t.supplierId, t.createdAt),
  ],
);

export const purchaseOrderLines = sqliteTable(
  'purchase_order_lines',
  {
    id: text('id').primaryKey(),
    poId: text('po_id')
      .notNull()
      .references(() => purchaseOrders.id),
    position: integer('position').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    qtyOrdered: integer('qty_ordered').notNull(),
    unitCost: integer('unit_cost').notNull(),
    /** Running total of receipts against this line (kept with each receipt, in the same transaction). */
    qtyReceived: integer('qty_received').notNull().default(0),
  },
  (t) => [
    uniqueIndex('purchase_order_lines_po_product_uq').on(t.poId, t.productId),
    index('purchase_order_lines_po_idx').on(t.poId, t.position),
    index('purchase_order_lines_product_idx').on(t.productId),
  ],
);

/**
 * Append-only: what arrived (kind 'receipt', with the part beyond the order as `over_qty`) and what
 * never did when a partly received order is closed (kind 'short'). Deliveries are never lost.
 */
export const poReceipts = sqliteTable(
  'po_receipts',
  {
    id: text('id').primaryKey(),
    poId: text('po_id')
      .notNull()
      .references(() => purchaseOrders.id),
    lineId: text('line_id')
      .notNull()
      .references(() => purchaseOrderLines.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    kind: text('kind', { enum: ['receipt', 'short'] }).notNull(),
    qty: integer('qty').notNull(),
    /** Part of `qty` beyond what was still outstanding on the line: an over-delivery. */
    overQty: integer('over_qty').notNull().default(0),
    unitCost: integer('unit_cost').notNull(),
    staffId: text('staff_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('po_receipts_po_idx').on(t.poId, t.at)],
);

export const countSessions = sqliteTable(
  'count_sessions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    scope: text('scope', { enum: ['full', 'partial'] }).notNull(),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    /** A partial count covers one category (or only the items scanned when null). */
    categoryId: text('category_id').references(() => categories.id),
    /** Expected quantities are hidden until counting is finished. */
    blind: integer('blind', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: ['open', 'submitted', 'approved', 'cancelled'] }).notNull(),
    createdBy: text('created_by').references(() => staff.id),
    createdAt: integer('created_at').notNull(),
    submittedAt: integer('submitted_at'),
    approvedBy: text('approved_by').references(() => staff.id),
    approvedAt: integer('approved_at'),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('count_sessions_status_idx').on(t.status, t.createdAt)],
);

export const countLines = sqliteTable(
  'count_lines',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => countSessions.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    counted: integer('counted').notNull(),
    /** The level when the item was first counted: sales after that are not mistaken for a variance. */
    expected: integer('expected').notNull(),
    countedBy: text('counted_by'),
    countedAt: integer('counted_at').notNull(),
  },
  (t) => [primaryKey({ name: 'count_lines_pk', columns: [t.sessionId, t.productId] })],
);
