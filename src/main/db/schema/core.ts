import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { productGroups, suppliers } from './catalog';
import { UNITS } from '../../../shared/units';

/** Ids are UUIDv7 text made on the terminal; times are epoch ms; money is integer minor units. */
const id = () => text('id').primaryKey();
const createdAt = () => integer('created_at').notNull();
/** Hybrid-logical-clock stamp of the last change, for per-field merges by cloud sync. */
const hlc = () => text('hlc').notNull();

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  hlc: hlc(),
});

export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

export const taxRates = sqliteTable('tax_rates', {
  id: id(),
  name: text('name').notNull(),
  rateBp: integer('rate_bp').notNull(),
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
  hlc: hlc(),
});

export const staff = sqliteTable('staff', {
  id: id(),
  name: text('name').notNull(),
  role: text('role', { enum: ['clerk', 'manager', 'admin'] }).notNull(),
  pinHash: text('pin_hash').notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: integer('locked_until'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
  hlc: hlc(),
});

export const categories = sqliteTable('categories', {
  id: id(),
  name: text('name').notNull(),
  altName: text('alt_name'),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
  hlc: hlc(),
});

export const products = sqliteTable(
  'products',
  {
    // rowid is kept implicit: the FTS index is keyed by it.
    id: id(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    altName: text('alt_name'),
    categoryId: text('category_id').references(() => categories.id),
    unit: text('unit', { enum: UNITS }).notNull(),
    price: integer('price').notNull(),
    cost: integer('cost').notNull(),
    taxRateId: text('tax_rate_id')
      .notNull()
      .references(() => taxRates.id),
    plu: text('plu'),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    /** Variant group (null for a plain product) and this variant's values, e.g. {"Size":"M"}. */
    groupId: text('group_id').references(() => productGroups.id),
    variant: text('variant', { mode: 'json' }).$type<Record<string, string>>(),
    /** File name of the product's picture in the data folder's images/ (thumbnail beside it). */
    image: text('image'),
    /** Preferred supplier: low-stock suggestions become a draft purchase order for it. */
    supplierId: text('supplier_id').references(() => suppliers.id),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    hlc: hlc(),
  },
  (t) => [
    uniqueIndex('products_sku_uq').on(t.sku),
    // Partial: only weighed goods have a PLU, only variants a group (a bulk import skips them).
    uniqueIndex('products_plu_uq')
      .on(t.plu)
      .where(sql`plu IS NOT NULL`),
    index('products_category_name_idx').on(t.categoryId, t.name),
    // Stock lists that start from the levels (low, by quantity) look products up by id: with what
    // they filter and sort on in the index, that lookup never reads the table (low list 27 → 11 ms).
    index('products_id_cover_idx').on(t.id, t.archived, t.name, t.categoryId),
    // Stock list: sorted by name, paged in SQL. With `archived` in the index, skipping the rows
    // before a page (OFFSET) never reads the table: 0.2 ms instead of 8 ms for 5,000 rows.
    index('products_name_idx').on(t.name, t.archived),
    index('products_group_idx')
      .on(t.groupId)
      .where(sql`group_id IS NOT NULL`),
    // The few archived products (the stock list's count leaves them out).
    index('products_archived_idx')
      .on(t.id)
      .where(sql`archived = 1`),
  ],
);

export const barcodes = sqliteTable(
  'barcodes',
  {
    code: text('code').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
  },
  (t) => [index('barcodes_product_idx').on(t.productId)],
);

export const stockLocations = sqliteTable('stock_locations', {
  id: id(),
  name: text('name').notNull(),
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
  hlc: hlc(),
});

/** Append-only: the stock ledger. */
export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: id(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    qtyDelta: integer('qty_delta').notNull(),
    kind: text('kind', {
      enum: ['sale', 'return', 'receipt', 'adjustment', 'count', 'transfer', 'writeoff', 'opening'],
    }).notNull(),
    refId: text('ref_id'),
    staffId: text('staff_id'),
    at: integer('at').notNull(),
    /** Why (adjustments, write-offs: damaged, theft…; free text after a colon). */
    reason: text('reason'),
    /** Cost per unit of a receipt (minor units), for the weighted average cost. */
    unitCost: integer('unit_cost'),
  },
  (t) => [
    index('stock_movements_product_at_idx').on(t.productId, t.at),
    // Movement history: filtered by location and/or kind, newest first, paged in SQL. It also
    // carries kind, product and quantity, so a location's sales over the reorder window (the
    // low-stock list's velocity) are summed from the index alone: one entry per movement as
    // before, only wider.
    index('stock_movements_location_at_idx').on(t.locationId, t.at, t.kind, t.productId, t.qtyDelta),
    index('stock_movements_kind_at_idx').on(t.kind, t.at),
    index('stock_movements_at_idx').on(t.at),
  ],
);

/**
 * Kept in the same transaction as each movement; a test proves `qty` equals the ledger's sum.
 * The item's reorder rule for the location sits on the same row, so "at or below the reorder
 * point" is one partial index that SQLite keeps up to date with every movement.
 */
export const stockLevels = sqliteTable(
  'stock_levels',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    qty: integer('qty').notNull(),
    /** Low-stock alert at or below this level (thousandths); null: no alert for this item here. */
    reorderPoint: integer('reorder_point'),
    /** Order at least this much when low (thousandths). */
    reorderQty: integer('reorder_qty'),
    /**
     * The product's category, copied here by triggers (migration 0012) so that a category's
     * levels can be walked in quantity order: following the location's quantity index and
     * checking each product's category read every other product first (400 ms once a store
     * held 300,000 uncategorised items at 0).
     */
    categoryId: text('category_id'),
  },
  (t) => [
    primaryKey({ name: 'stock_levels_pk', columns: [t.productId, t.locationId] }),
    index('stock_levels_category_qty_idx').on(t.locationId, t.categoryId, t.qty),
    // Stock list sorted by quantity within a location.
    index('stock_levels_location_qty_idx').on(t.locationId, t.qty),
    // The flagged list: levels below zero.
    index('stock_levels_negative_idx')
      .on(t.qty)
      .where(sql`qty < 0`),
    // Low-stock alerts and the badge: only the rows at or below their reorder point are in it,
    // with the product, so listing them reads no level row.
    index('stock_levels_low_idx')
      .on(t.locationId, t.productId)
      .where(sql`reorder_point IS NOT NULL AND qty <= reorder_point`),
  ],
);

/** The open cart lives in main, so a crash or restart loses nothing. */
export const carts = sqliteTable(
  'carts',
  {
    id: id(),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id').references(() => staff.id),
    status: text('status', { enum: ['open', 'parked', 'completed', 'voided'] }).notNull(),
    // After the sale: the customer attached to the sale, and whether it ships later.
    customerId: text('customer_id'),
    fulfilment: text('fulfilment', { enum: ['now', 'ship', 'pickup'] })
      .notNull()
      .default('now'),
    cartDiscount: text('cart_discount', { mode: 'json' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('carts_terminal_status_idx').on(t.terminalCode, t.status)],
);

export const cartLines = sqliteTable(
  'cart_lines',
  {
    id: id(),
    cartId: text('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    position: integer('position').notNull(),
    qty: integer('qty').notNull(),
    unitPrice: integer('unit_price').notNull(),
    discount: text('discount', { mode: 'json' }),
    fixedAmount: integer('fixed_amount'),
    scannedCode: text('scanned_code'),
    // What the clerk saw when the item was scanned, so that showing the cart does not look up every
    // product again (25 lines were ~0.2 ms of each scan at 1M products). The tax rate stays a
    // reference: a rate change applies to open carts.
    sku: text('sku'),
    name: text('name'),
    altName: text('alt_name'),
    unit: text('unit', { enum: UNITS }),
    originalPrice: integer('original_price'),
    taxRateId: text('tax_rate_id'),
    // The product's category as scanned, for promotions filed by category: reading it from the
    // products on every scan looked up every line's product again.
    categoryId: text('category_id'),
  },
  (t) => [index('cart_lines_cart_idx').on(t.cartId, t.position)],
);

export const paymentIntents = sqliteTable(
  'payment_intents',
  {
    id: id(),
    cartId: text('cart_id').notNull(),
    provider: text('provider').notNull(),
    amount: integer('amount').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'declined', 'cancelled'] }).notNull(),
    brand: text('brand'),
    last4: text('last4'),
    reference: text('reference'),
    message: text('message'),
    orderId: text('order_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('payment_intents_cart_idx').on(t.cartId)],
);

/** Append-only: completed sales. `checkout_id` makes completing a sale idempotent. */
export const orders = sqliteTable(
  'orders',
  {
    id: id(),
    number: text('number').notNull(),
    checkoutId: text('checkout_id').notNull(),
    cartId: text('cart_id').notNull(),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    // After the sale: customer, and 'ship' = stock leaves at fulfilment, not at sale.
    customerId: text('customer_id'),
    fulfilment: text('fulfilment', { enum: ['now', 'ship', 'pickup'] })
      .notNull()
      .default('now'),
    currency: text('currency').notNull(),
    priceMode: text('price_mode', { enum: ['inclusive', 'exclusive'] }).notNull(),
    subtotal: integer('subtotal').notNull(),
    discountTotal: integer('discount_total').notNull(),
    taxTotal: integer('tax_total').notNull(),
    total: integer('total').notNull(),
    paid: integer('paid').notNull(),
    change: integer('change').notNull(),
    taxes: text('taxes', { mode: 'json' }).notNull(),
    createdAt: createdAt(),
    // Shifts and insight: the cash-drawer session the sale was rung up in.
    shiftId: text('shift_id'),
    /**
     * Null for a sale rung up on a till; the system it came from ('square', 'shopify', 'loyverse',
     * 'countertop') for a past sale brought along by a history import. An imported sale is outside
     * the journal and every shift, and moved no stock.
     */
    source: text('source'),
    /** The printed receipt's link key (shared/receipt-link.ts): random, never derived from the id. */
    receiptKey: text('receipt_key'),
  },
  (t) => [
    uniqueIndex('orders_checkout_uq').on(t.checkoutId),
    index('orders_shift_idx').on(t.shiftId),
    uniqueIndex('orders_number_uq').on(t.number),
    index('orders_created_idx').on(t.createdAt),
    index('orders_customer_idx').on(t.customerId, t.createdAt),
    // The dashboard's online sales read only the shop's orders.
    index('orders_online_idx')
      .on(t.createdAt)
      .where(sql`source = 'online'`),
  ],
);

export const orderLines = sqliteTable(
  'order_lines',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    position: integer('position').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    altName: text('alt_name'),
    unit: text('unit', { enum: UNITS }).notNull(),
    qty: integer('qty').notNull(),
    unitPrice: integer('unit_price').notNull(),
    originalPrice: integer('original_price').notNull(),
    gross: integer('gross').notNull(),
    discount: integer('discount').notNull(),
    net: integer('net').notNull(),
    tax: integer('tax').notNull(),
    taxRateBp: integer('tax_rate_bp').notNull(),
    total: integer('total').notNull(),
    cost: integer('cost').notNull(),
  },
  (t) => [index('order_lines_order_idx').on(t.orderId, t.position)],
);

export const payments = sqliteTable(
  'payments',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    kind: text('kind', {
      enum: ['cash', 'card_external', 'card_integrated', 'store_credit', 'exchange', 'alipay', 'wechat_pay', 'stored_value'],
    }).notNull(),
    amount: integer('amount').notNull(),
    tendered: integer('tendered'),
    brand: text('brand'),
    last4: text('last4'),
    reference: text('reference'),
    createdAt: createdAt(),
    /** The buyer's account as the provider showed it, masked (138****1234). */
    account: text('account'),
  },
  (t) => [index('payments_order_idx').on(t.orderId)],
);

/** Every writing command appends here in the same transaction; cloud sync drains it. */
export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  op: text('op', { enum: ['insert', 'update', 'delete'] }).notNull(),
  payload: text('payload', { mode: 'json' }).notNull(),
  hlc: text('hlc').notNull(),
  at: integer('at').notNull(),
});

/** Keyed hash chain over completed sales, refunds, voids and shift closes: tampering is detectable. */
export const journal = sqliteTable(
  'journal',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    refId: text('ref_id').notNull(),
    payload: text('payload').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    at: integer('at').notNull(),
    /**
     * Which journal key made `hash` (an HMAC of the link and payload; the key lives outside the
     * file). Null: an entry from before the journal was keyed, hashed with plain SHA-256.
     */
    keyId: text('key_id'),
  },
  (t) => [uniqueIndex('journal_hash_uq').on(t.hash)],
);

export const audit = sqliteTable(
  'audit',
  {
    id: id(),
    at: integer('at').notNull(),
    staffId: text('staff_id'),
    action: text('action').notNull(),
    target: text('target'),
    details: text('details', { mode: 'json' }),
    terminalCode: text('terminal_code').notNull(),
    approvedBy: text('approved_by'),
    success: integer('success', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_action_idx').on(t.action, t.at),
    // A product's price history (old → new, who, when).
    index('audit_target_idx').on(t.target, t.at),
  ],
);
