/**
 * The shop's carts, orders and payment notices (the cloud's own tables). A paid order becomes the
 * store's `order`, `online_order` and reservation records through the records table, so tills pull
 * it like any sale; these rows are what the shop needs before and beside that.
 */
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orgs, stores } from '../../db/schema';

const ms = (name: string) => bigint(name, { mode: 'number' });

/** A buyer's cart, named by a random cookie (only its sha256 is kept); a signed-in buyer's carries their id. */
export const shopCarts = pgTable(
  'shop_carts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    buyerId: text('buyer_id'),
    tokenHash: text('token_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('shop_carts_token_uq').on(t.tokenHash), index('shop_carts_buyer_idx').on(t.storeId, t.buyerId)],
);

export const shopCartLines = pgTable(
  'shop_cart_lines',
  {
    cartId: uuid('cart_id')
      .notNull()
      .references(() => shopCarts.id, { onDelete: 'cascade' }),
    productId: text('product_id').notNull(),
    /** Thousandths, as everywhere. */
    qty: integer('qty').notNull(),
    addedAt: ms('added_at').notNull(),
  },
  (t) => [primaryKey({ name: 'shop_cart_lines_pk', columns: [t.cartId, t.productId] })],
);

export const SHOP_ORDER_STATES = ['pending', 'paid', 'expired', 'cancelled'] as const;
export type ShopOrderState = (typeof SHOP_ORDER_STATES)[number];

/**
 * An order placed online. Its id is the id of the `order` record written when it is paid. Guests
 * reach it with a random key (only its sha256 is kept); a signed-in buyer through their account.
 */
export const shopOrders = pgTable(
  'shop_orders',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    /** W + date + sequence: also the merchant trade number sent to the provider. */
    shopNumber: text('shop_number').notNull(),
    buyerId: text('buyer_id'),
    /** The till customer the buyer is (pricing/member.ts), whose terms priced the order; null for everyone else. */
    customerId: text('customer_id'),
    accessKeyHash: text('access_key_hash').notNull(),
    contactName: text('contact_name').notNull(),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    fulfilment: text('fulfilment', { enum: ['ship', 'pickup'] }).notNull(),
    /** The normalised address (shared/address.ts) as JSON; null for a pick-up. */
    address: text('address'),
    shippingMethod: text('shipping_method').notNull(),
    shippingAmount: ms('shipping_amount').notNull(),
    /** Goods only, before discounts (as an order's subtotal). */
    subtotal: ms('subtotal').notNull(),
    taxTotal: ms('tax_total').notNull(),
    /** Goods and shipping: what the buyer pays. */
    total: ms('total').notNull(),
    currency: text('currency').notNull(),
    priceMode: text('price_mode', { enum: ['inclusive', 'exclusive'] }).notNull(),
    /** The tax breakdown per rate, as the `order` record carries it. */
    taxes: text('taxes').notNull(),
    note: text('note').notNull().default(''),
    state: text('state', { enum: SHOP_ORDER_STATES }).notNull(),
    provider: text('provider').notNull(),
    /** The provider's own trade number, once paid. */
    providerRef: text('provider_ref'),
    /** The buyer's account as the provider showed it, masked. */
    payerAccount: text('payer_account'),
    expiresAt: ms('expires_at').notNull(),
    paidAt: ms('paid_at'),
    /** sha256 of the pick-up code (the code is derived from the order id with the server's secret). */
    pickupCodeHash: text('pickup_code_hash'),
    /** Paid after its units were released and they were gone: the money is owed back to the buyer. */
    refundDue: integer('refund_due').notNull().default(0),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: ms('created_at').notNull(),
    /** The chosen method's days in transit when the order was placed (the promise stays as it was made). */
    transitMinDays: integer('transit_min_days'),
    transitMaxDays: integer('transit_max_days'),
  },
  (t) => [
    uniqueIndex('shop_orders_number_uq').on(t.storeId, t.shopNumber),
    uniqueIndex('shop_orders_idem_uq').on(t.storeId, t.idempotencyKey),
    index('shop_orders_pending_idx').on(t.state, t.expiresAt),
    index('shop_orders_buyer_idx').on(t.orgId, t.buyerId, t.createdAt),
  ],
);

/** What was priced at checkout, per line: the `order` record's lines once paid. */
export const shopOrderLines = pgTable(
  'shop_order_lines',
  {
    id: uuid('id').notNull(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => shopOrders.id),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    altName: text('alt_name'),
    unit: text('unit').notNull(),
    qty: integer('qty').notNull(),
    unitPrice: ms('unit_price').notNull(),
    gross: ms('gross').notNull(),
    discount: ms('discount').notNull(),
    net: ms('net').notNull(),
    tax: ms('tax').notNull(),
    taxRateBp: integer('tax_rate_bp').notNull(),
    total: ms('total').notNull(),
    cost: ms('cost').notNull(),
    /** The shelf price a price list replaced (`unit_price` is then the list's); null: no list. */
    shelfPrice: ms('shelf_price'),
    /** The list that set the price, `{id, name, nameZh}` as JSON, named as the cart showed it. */
    priceList: text('price_list'),
    /** Each promotion's share of the line, `[{promotionId, name, nameZh, amount}]` as JSON; null: none. */
    promotions: text('promotions'),
  },
  (t) => [primaryKey({ name: 'shop_order_lines_pk', columns: [t.orderId, t.position] })],
);

/** Verified payment notifications for shop orders, recorded once (provider + event id). */
export const shopPaymentNotices = pgTable(
  'shop_payment_notices',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    orderId: uuid('order_id').notNull(),
    /** What it did: paid, duplicate (the order was already paid), refund_due. */
    outcome: text('outcome').notNull(),
    amount: ms('amount').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [primaryKey({ name: 'shop_payment_notices_pk', columns: [t.provider, t.eventId] })],
);
