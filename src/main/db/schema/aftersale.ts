import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { orderLines, orders, payments, products, staff } from './core';

/**
 * After the sale: customers with a store-credit and a loyalty ledger, refunds as their
 * own documents, parked sales, product feedback and shipments. Money is integer minor units,
 * quantities thousandths, times epoch ms, ids UUIDv7.
 */

const id = () => text('id').primaryKey();
const createdAt = () => integer('created_at').notNull();
const hlc = () => text('hlc').notNull();

/** Mutable record (HLC stamped for per-field sync merges). */
export const customers = sqliteTable(
  'customers',
  {
    id: id(),
    name: text('name').notNull(),
    phone: text('phone'),
    /** Digits only, for search. */
    phoneDigits: text('phone_digits'),
    email: text('email'),
    notes: text('notes').notNull().default(''),
    marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
    consentAt: integer('consent_at'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    hlc: hlc(),
  },
  (t) => [index('customers_name_idx').on(t.name), index('customers_phone_idx').on(t.phoneDigits), index('customers_email_idx').on(t.email)],
);

/** Append-only: store credit. Balance = sum(delta); it never goes below zero. */
export const storeCredit = sqliteTable(
  'store_credit',
  {
    id: id(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    delta: integer('delta').notNull(),
    kind: text('kind', { enum: ['refund', 'sale', 'adjust', 'loyalty'] }).notNull(),
    refId: text('ref_id'),
    staffId: text('staff_id'),
    note: text('note'),
    at: integer('at').notNull(),
  },
  (t) => [index('store_credit_customer_idx').on(t.customerId, t.at)],
);

/** Append-only: loyalty points (earned on sales, taken back on refunds, redeemed for credit). */
export const loyaltyPoints = sqliteTable(
  'loyalty_points',
  {
    id: id(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    delta: integer('delta').notNull(),
    kind: text('kind', { enum: ['earn', 'refund', 'redeem', 'adjust'] }).notNull(),
    refId: text('ref_id'),
    staffId: text('staff_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('loyalty_points_customer_idx').on(t.customerId, t.at)],
);

/** Append-only: a refund is a document of its own (journal kind 'refund'). */
export const refunds = sqliteTable(
  'refunds',
  {
    id: id(),
    number: text('number').notNull(),
    /** Null for a return without a receipt. */
    orderId: text('order_id').references(() => orders.id),
    customerId: text('customer_id'),
    kind: text('kind', { enum: ['return', 'receiptless', 'void', 'exchange'] }).notNull(),
    reason: text('reason'),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    approvedBy: text('approved_by'),
    currency: text('currency').notNull(),
    total: integer('total').notNull(),
    taxTotal: integer('tax_total').notNull(),
    /** The sale made in the same transaction, for an exchange. */
    exchangeOrderId: text('exchange_order_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refunds_number_uq').on(t.number),
    index('refunds_order_idx').on(t.orderId),
    index('refunds_created_idx').on(t.createdAt),
  ],
);

export const refundLines = sqliteTable(
  'refund_lines',
  {
    id: id(),
    refundId: text('refund_id')
      .notNull()
      .references(() => refunds.id),
    orderLineId: text('order_line_id').references(() => orderLines.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    name: text('name').notNull(),
    qty: integer('qty').notNull(),
    amount: integer('amount').notNull(),
    tax: integer('tax').notNull(),
    disposition: text('disposition', { enum: ['restock', 'writeoff'] }).notNull(),
  },
  (t) => [index('refund_lines_refund_idx').on(t.refundId), index('refund_lines_order_line_idx').on(t.orderLineId)],
);

export const refundTenders = sqliteTable(
  'refund_tenders',
  {
    id: id(),
    refundId: text('refund_id')
      .notNull()
      .references(() => refunds.id),
    /** The payment of the original sale this money comes back from (null without a receipt). */
    paymentId: text('payment_id').references(() => payments.id),
    method: text('method', {
      enum: ['cash', 'card_external', 'card_integrated', 'store_credit', 'exchange', 'alipay', 'wechat_pay', 'stored_value'],
    }).notNull(),
    amount: integer('amount').notNull(),
    brand: text('brand'),
    last4: text('last4'),
  },
  (t) => [index('refund_tenders_refund_idx').on(t.refundId), index('refund_tenders_payment_idx').on(t.paymentId)],
);

/** Who parked a sale and when; the cart itself keeps status 'parked'. */
export const parkedSales = sqliteTable(
  'parked_sales',
  {
    cartId: text('cart_id').primaryKey(),
    parkedBy: text('parked_by')
      .notNull()
      .references(() => staff.id),
    parkedAt: integer('parked_at').notNull(),
    note: text('note'),
    resumedAt: integer('resumed_at'),
  },
  (t) => [index('parked_sales_at_idx').on(t.parkedAt)],
);

/** A 1–5 rating and a comment tied to one purchased line. */
export const feedback = sqliteTable(
  'feedback',
  {
    id: id(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    orderLineId: text('order_line_id')
      .notNull()
      .references(() => orderLines.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    customerId: text('customer_id'),
    rating: integer('rating').notNull(),
    comment: text('comment').notNull().default(''),
    staffId: text('staff_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('feedback_line_uq').on(t.orderLineId), index('feedback_product_idx').on(t.productId, t.createdAt)],
);

/** Kept in the same transaction as each feedback row, so lists sort by rating in SQL. */
export const productRatings = sqliteTable(
  'product_ratings',
  {
    productId: text('product_id')
      .primaryKey()
      .references(() => products.id),
    count: integer('count').notNull(),
    sum: integer('sum').notNull(),
    /** Average × 100, rounded, for sorting. */
    avg100: integer('avg100').notNull(),
  },
  (t) => [index('product_ratings_avg_idx').on(t.avg100, t.count)],
);

export const shipments = sqliteTable(
  'shipments',
  {
    id: id(),
    number: text('number').notNull(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    carrier: text('carrier').notNull(),
    service: text('service').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    /** label_created → handed_over → in_transit → delivered | exception | returned | cancelled */
    status: text('status').notNull(),
    address: text('address', { mode: 'json' }).notNull(),
    weightG: integer('weight_g').notNull(),
    lengthMm: integer('length_mm').notNull(),
    widthMm: integer('width_mm').notNull(),
    heightMm: integer('height_mm').notNull(),
    eta: integer('eta'),
    staffId: text('staff_id').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('shipments_number_uq').on(t.number),
    uniqueIndex('shipments_tracking_uq').on(t.carrier, t.trackingNumber),
    index('shipments_order_idx').on(t.orderId),
    index('shipments_status_idx').on(t.status, t.updatedAt),
  ],
);

export const shipmentLines = sqliteTable(
  'shipment_lines',
  {
    id: id(),
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    orderLineId: text('order_line_id')
      .notNull()
      .references(() => orderLines.id),
    qty: integer('qty').notNull(),
  },
  (t) => [index('shipment_lines_shipment_idx').on(t.shipmentId), index('shipment_lines_order_line_idx').on(t.orderLineId)],
);

/** Append-only: the tracking timeline. `event_key` makes applying the same carrier event twice a no-op. */
export const shipmentEvents = sqliteTable(
  'shipment_events',
  {
    id: id(),
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    eventKey: text('event_key').notNull(),
    status: text('status').notNull(),
    description: text('description').notNull().default(''),
    location: text('location'),
    at: integer('at').notNull(),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('shipment_events_key_uq').on(t.shipmentId, t.eventKey), index('shipment_events_at_idx').on(t.shipmentId, t.at)],
);
