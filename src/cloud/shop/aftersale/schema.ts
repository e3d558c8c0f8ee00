/**
 * Money the shop gives back to buyers through the provider they paid with. A refund is a row before
 * it is a request: its request number (the provider's out_request_no) is fixed when the row is
 * written, and every retry or query sends the same number, so a buyer is refunded once.
 */
import { bigint, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orgs, stores } from '../../db/schema';
import { shopOrders } from '../checkout/schema';

const ms = (name: string) => bigint(name, { mode: 'number' });

/** requested (recorded, maybe sent, no clear answer yet) → refunded | failed; a failed one may be asked again. */
export const SHOP_REFUND_STATES = ['requested', 'refunded', 'failed'] as const;
export type ShopRefundState = (typeof SHOP_REFUND_STATES)[number];

export const shopRefunds = pgTable(
  'shop_refunds',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => shopOrders.id),
    /** Why: the buyer cancelled, or a return the store approved. */
    cause: text('cause', { enum: ['cancel', 'return'] }).notNull(),
    /** 'cancel', or the return's id: one refund per order and cause, however often it is asked for. */
    causeId: text('cause_id').notNull(),
    provider: text('provider').notNull(),
    /** Our refund request number, the same on every retry. */
    requestNo: text('request_no').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    state: text('state', { enum: SHOP_REFUND_STATES }).notNull(),
    /** The provider's last word when it was not a clear success (shown to the buyer and the store). */
    message: text('message'),
    providerRef: text('provider_ref'),
    /** Calls made to the provider (sends and queries). */
    attempts: integer('attempts').notNull().default(0),
    /** No process asks the provider again before this (a lease while one is asking, then a back-off). */
    nextAt: ms('next_at').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    refundedAt: ms('refunded_at'),
  },
  (t) => [
    uniqueIndex('shop_refunds_cause_uq').on(t.orderId, t.causeId),
    uniqueIndex('shop_refunds_request_uq').on(t.storeId, t.requestNo),
    index('shop_refunds_due_idx').on(t.state, t.nextAt),
  ],
);
