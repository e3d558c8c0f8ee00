import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Electronic payments through a provider. A trade is a row before it is a request: its merchant
 * trade number is committed before any network call, and every transition is its own transaction,
 * so a crash at any point is recovered by querying the provider. Trades stay on the till that made
 * them (the sale's `payments` row is what syncs).
 */
export const trades = sqliteTable(
  'trades',
  {
    id: text('id').primaryKey(),
    /** Our merchant trade number (out_trade_no): letters and digits, at most 32. */
    tradeNo: text('trade_no').notNull(),
    cartId: text('cart_id').notNull(),
    /** The sale it paid for (set in the sale's transaction), and the payments row it became. */
    orderId: text('order_id'),
    paymentId: text('payment_id'),
    provider: text('provider', { enum: ['alipay', 'wechat', 'stripe'] }).notNull(),
    method: text('method', { enum: ['code', 'qr', 'terminal'] }).notNull(),
    mode: text('mode', { enum: ['production', 'sandbox', 'training'] }).notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    state: text('state', {
      enum: ['created', 'sent', 'waiting', 'unknown', 'cancelling', 'paid', 'failed', 'cancelled', 'refunded'],
    }).notNull(),
    qr: text('qr'),
    providerRef: text('provider_ref'),
    buyer: text('buyer'),
    brand: text('brand'),
    /** The amount the provider says was paid, when it differs from ours (the trade then needs a person). */
    paidAmount: integer('paid_amount'),
    errorCode: text('error_code'),
    message: text('message'),
    /** The last 4 digits of the customer's payment code: never the whole code. */
    codeHint: text('code_hint'),
    deadline: integer('deadline').notNull(),
    staffId: text('staff_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('trades_trade_no_uq').on(t.tradeNo),
    // At most one unresolved trade per sale: 50 duplicate requests make one trade.
    uniqueIndex('trades_open_cart_uq')
      .on(t.cartId)
      .where(sql`state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling')`),
    index('trades_cart_idx').on(t.cartId, t.state),
    index('trades_state_idx').on(t.state),
    index('trades_order_idx').on(t.orderId),
    index('trades_provider_ref_idx').on(t.providerRef),
  ],
);

/** Append-only: every transition of a trade or of one of its refunds. */
export const tradeEvents = sqliteTable(
  'trade_events',
  {
    id: text('id').primaryKey(),
    tradeId: text('trade_id').notNull(),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    detail: text('detail', { mode: 'json' }),
  },
  (t) => [index('trade_events_trade_idx').on(t.tradeId, t.at)],
);

/**
 * Money given back through the provider: automatically for a paid trade no sale used, or for a
 * refund document. The refund number is fixed when the row is written and reused on every retry,
 * so the provider pays it once.
 */
export const tradeRefunds = sqliteTable(
  'trade_refunds',
  {
    id: text('id').primaryKey(),
    refundNo: text('refund_no').notNull(),
    tradeId: text('trade_id').notNull(),
    /** The refund document it carries out; null for an automatic refund. */
    refundId: text('refund_id'),
    source: text('source', { enum: ['auto', 'document'] }).notNull(),
    amount: integer('amount').notNull(),
    state: text('state', { enum: ['requested', 'sent', 'refunded', 'failed', 'unknown'] }).notNull(),
    providerRef: text('provider_ref'),
    message: text('message'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('trade_refunds_no_uq').on(t.refundNo),
    // One automatic refund per trade, whatever retries and restarts happen.
    uniqueIndex('trade_refunds_auto_uq')
      .on(t.tradeId)
      .where(sql`source = 'auto'`),
    index('trade_refunds_trade_idx').on(t.tradeId),
    index('trade_refunds_state_idx').on(t.state),
  ],
);

/**
 * Provider settings of this till (enabled, mode, non-secret fields, the names of the secrets
 * stored) and the cashier timeout. Secret values never live here: they are in the secret store.
 */
export const paymentConfig = sqliteTable('payment_config', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});
