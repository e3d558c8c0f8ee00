import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { Cart, CustomerSummary, Fulfilment, Order, OrderSummary } from './types';

export type { Fulfilment } from './types';
import { cardNumber } from './stored-value';

const lineRef = { lineId: c.id };

export const tender = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cash'), amount: c.minor }).strict(),
  z
    .object({
      kind: z.literal('card_external'),
      amount: c.minor,
      /** The clerk confirms the external terminal approved the payment. */
      approved: z.literal(true),
      // A card brand is a word (Visa, 银联), never digits: a card number must not end up stored.
      brand: z
        .string()
        .trim()
        .regex(/^\p{L}[\p{L} .-]{0,19}$/u, 'card brand: letters only')
        .nullable()
        .optional(),
      last4: z
        .string()
        .regex(/^\d{4}$/, 'last 4 digits only')
        .nullable()
        .optional(),
    })
    .strict(),
  z.object({ kind: z.literal('card_integrated'), intentId: c.id }).strict(),
  /** A paid trade of a payment provider (Alipay, WeChat Pay, Stripe Terminal), for its whole amount. */
  z.object({ kind: z.literal('trade'), tradeId: c.id }).strict(),
  /** The attached customer's store credit: non-cash, never gives change. */
  z.object({ kind: z.literal('store_credit'), amount: c.minor.min(1) }).strict(),
  /** A gift card or stored-value card (储值卡), by the number on its barcode: non-cash, never gives change. */
  z.object({ kind: z.literal('stored_value'), cardNumber, amount: c.minor.min(1) }).strict(),
]);
export type TenderRequest = z.infer<typeof tender>;

/** The open sale at the counter. */
export const cartContract = {
  'cart.get': channel<Cart>()({ input: c.empty, role: 'clerk', writes: false }),
  'cart.scan': channel<Cart>()({
    input: z.object({ code: safeLine(64, { min: 1 }) }).strict(),
    role: 'clerk',
    writes: true,
    draft: true,
  }),
  'cart.addProduct': channel<Cart>()({
    input: z.object({ productId: c.id, qty: c.qty.optional() }).strict(),
    role: 'clerk',
    writes: true,
    draft: true,
  }),
  'cart.setQty': channel<Cart>()({
    input: z.object({ ...lineRef, qty: c.qty, approval: c.approval }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'cart.removeLine': channel<Cart>()({
    input: z.object({ ...lineRef, approval: c.approval }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'cart.setLineDiscount': channel<Cart>()({
    input: z.object({ ...lineRef, discount: c.discount.nullable(), approval: c.approval }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'cart.setCartDiscount': channel<Cart>()({
    input: z.object({ discount: c.discount.nullable(), approval: c.approval }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'cart.overridePrice': channel<Cart>()({
    input: z.object({ ...lineRef, unitPrice: c.minor, approval: c.approval }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'cart.clear': channel<Cart>()({ input: c.empty, role: 'clerk', writes: true }),
};

/** Completing a sale, and the sales just made. */
export const salesContract = {
  'sales.complete': channel<Order>()({
    input: z.object({ cartId: c.id, checkoutId: c.id, tenders: z.array(tender).min(1).max(10) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'sales.get': channel<Order>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'sales.recent': channel<OrderSummary[]>()({
    input: z.object({ limit: z.number().int().min(1).max(100) }).strict(),
    role: 'clerk',
    writes: false,
  }),
};

export interface CartExtras {
  cartId: string | null;
  customer: CustomerSummary | null;
  fulfilment: Fulfilment;
}

/** The open sale's customer and fulfilment. */
export const saleExtrasContract = {
  'cart.extras': channel<CartExtras>()({ input: c.empty, role: 'clerk', writes: false }),
  'cart.setCustomer': channel<CartExtras>()({ input: z.object({ customerId: c.id.nullable() }).strict(), role: 'clerk', writes: true }),
  'cart.setFulfilment': channel<CartExtras>()({
    input: z.object({ fulfilment: z.enum(['now', 'ship']) }).strict(),
    role: 'clerk',
    writes: true,
  }),
};
