import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { products } from './core';

/**
 * The online shop as a till sees it: which products are offered online (the manager's), the units
 * unpaid web orders hold, and what a paid online order carries beyond its sale (its `orders` row
 * has the same id), with the steps of its life. Reservations and online orders come from the
 * cloud; steps come from both.
 */

export const onlineListings = sqliteTable('online_listings', {
  productId: text('product_id')
    .primaryKey()
    .references(() => products.id),
  soldOnline: integer('sold_online', { mode: 'boolean' }).notNull().default(false),
  description: text('description').notNull().default(''),
  safetyBuffer: integer('safety_buffer'),
  updatedAt: integer('updated_at').notNull(),
  hlc: text('hlc').notNull(),
});

export const stockReservations = sqliteTable(
  'stock_reservations',
  {
    id: text('id').primaryKey(),
    productId: text('product_id').notNull(),
    orderId: text('order_id').notNull(),
    qty: integer('qty').notNull(),
    state: text('state', { enum: ['held', 'released', 'consumed'] }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('stock_reservations_product_idx').on(t.productId, t.state)],
);

export const onlineOrders = sqliteTable(
  'online_orders',
  {
    id: text('id').primaryKey(),
    shopNumber: text('shop_number').notNull(),
    buyerId: text('buyer_id'),
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    fulfilment: text('fulfilment', { enum: ['ship', 'pickup'] }).notNull(),
    address: text('address', { mode: 'json' }),
    shippingMethod: text('shipping_method'),
    shippingAmount: integer('shipping_amount').notNull(),
    pickupCodeHash: text('pickup_code_hash'),
    buyerNote: text('buyer_note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('online_orders_created_idx').on(t.createdAt)],
);

export const onlineOrderEvents = sqliteTable(
  'online_order_events',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    kind: text('kind').notNull(),
    carrier: text('carrier'),
    tracking: text('tracking'),
    note: text('note').notNull().default(''),
    terminalCode: text('terminal_code'),
    staffId: text('staff_id'),
    at: integer('at').notNull(),
    status: text('status'),
    location: text('location'),
    eta: text('eta'),
  },
  (t) => [index('online_order_events_order_idx').on(t.orderId, t.at)],
);

/**
 * Buyers' reviews of what they bought online (the cloud writes them; a manager hides one with a
 * reason). `counted_rating` is what this till has counted into product_ratings for it (0 when
 * hidden): the keeper moves the aggregate by the difference when a review changes.
 */
export const productReviews = sqliteTable(
  'product_reviews',
  {
    id: text('id').primaryKey(),
    productId: text('product_id').notNull(),
    storeId: text('store_id').notNull(),
    orderId: text('order_id').notNull(),
    orderLineId: text('order_line_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    author: text('author').notNull().default(''),
    rating: integer('rating').notNull(),
    comment: text('comment').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at').notNull(),
    hidden: integer('hidden', { mode: 'boolean' }).notNull().default(false),
    hiddenReason: text('hidden_reason').notNull().default(''),
    hiddenBy: text('hidden_by'),
    hiddenAt: integer('hidden_at'),
    countedRating: integer('counted_rating').notNull().default(0),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('product_reviews_created_idx').on(t.createdAt), index('product_reviews_product_idx').on(t.productId)],
);

/**
 * Buyers' requests for an invoice (发票) for a sale, pulled from the cloud; a manager issues one
 * (its number) or refuses it (a reason), and that decision syncs back to the buyer's receipt page.
 */
export const invoiceRequests = sqliteTable(
  'invoice_requests',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    orderNumber: text('order_number').notNull(),
    buyerId: text('buyer_id').notNull(),
    title: text('title').notNull(),
    taxNumber: text('tax_number').notNull().default(''),
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
    status: text('status', { enum: ['open', 'issued', 'refused'] })
      .notNull()
      .default('open'),
    invoiceNumber: text('invoice_number').notNull().default(''),
    refusalReason: text('refusal_reason').notNull().default(''),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('invoice_requests_status_idx').on(t.status, t.createdAt), index('invoice_requests_order_idx').on(t.orderId)],
);

/**
 * Buyers' requests to return what they received online (the cloud writes them); a manager approves
 * (the goods come back through a refund document, the money through the cloud) or refuses with a
 * reason. `refund_state` is the cloud's word on the provider's refund.
 */
export const onlineReturns = sqliteTable(
  'online_returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    buyerId: text('buyer_id'),
    lines: text('lines', { mode: 'json' }).notNull(),
    reason: text('reason').notNull().default(''),
    amount: integer('amount').notNull(),
    createdAt: integer('created_at').notNull(),
    decision: text('decision', { enum: ['pending', 'approved', 'refused'] }).notNull(),
    decisionNote: text('decision_note').notNull().default(''),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    refundId: text('refund_id'),
    refundState: text('refund_state', { enum: ['none', 'requested', 'refunded', 'failed'] }).notNull(),
    refundMessage: text('refund_message').notNull().default(''),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('online_returns_order_idx').on(t.orderId), index('online_returns_decision_idx').on(t.decision, t.createdAt)],
);

/**
 * The cloud's refunds of shop orders (a cancellation, an approved return) and how each stands at
 * the provider: a manager sees which are still failing, why, and when the cloud tries again.
 */
export const onlineRefunds = sqliteTable(
  'online_refunds',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    cause: text('cause', { enum: ['cancel', 'return'] }).notNull(),
    returnId: text('return_id'),
    requestNo: text('request_no').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    state: text('state', { enum: ['requested', 'refunded', 'failed'] }).notNull(),
    message: text('message').notNull().default(''),
    attempts: integer('attempts').notNull().default(0),
    nextRetryAt: integer('next_retry_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [index('online_refunds_state_idx').on(t.state, t.updatedAt), index('online_refunds_order_idx').on(t.orderId)],
);

/** Counter sales a buyer claimed online from the receipt (one per sale; the cloud writes them). */
export const receiptClaims = sqliteTable(
  'receipt_claims',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    contact: text('contact').notNull(),
    claimedAt: integer('claimed_at').notNull(),
  },
  (t) => [index('receipt_claims_order_idx').on(t.orderId)],
);
