/**
 * How an order's payment was started at WeChat Pay or Stripe: the cloud asks the provider once per
 * order and keeps the answer, so a reloaded pay page, a second tab or another cloud process shows
 * the same QR code or sends the buyer to the same Checkout Session instead of asking again.
 */
import { bigint, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { shopOrders } from '../checkout/schema';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const shopPaymentStarts = pgTable('shop_payment_starts', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => shopOrders.id),
  provider: text('provider', { enum: ['wechat', 'stripe'] }).notNull(),
  /** WeChat: the code_url the QR encodes. Stripe: the Checkout Session's id (cs_…). */
  ref: text('ref').notNull(),
  /** Stripe: the hosted Checkout page the buyer is sent to; null for WeChat. */
  url: text('url'),
  createdAt: ms('created_at').notNull(),
  /** When a process last asked the provider about this order (the pay page's polling asks at most every few seconds). */
  checkedAt: ms('checked_at').notNull(),
});
