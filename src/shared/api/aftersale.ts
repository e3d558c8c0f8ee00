import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import { tender } from './sales';
import type { Order, Unit } from './types';
import type { Address } from '../address';

// ---------------------------------------------------------------------------------------------
// Types

/** An order number as printed on the receipt (and its Code128 barcode): terminal code, dash, digits. */
export const ORDER_NUMBER = /^[A-Z0-9]{1,8}-\d{6,}$/;

export type Fulfilment = 'now' | 'ship';
export type RefundMethod = 'original' | 'cash' | 'store_credit';
export type Disposition = 'restock' | 'writeoff';

export interface CustomerSummary {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  marketingConsent: boolean;
  creditBalance: number;
  points: number;
  /** The customer group (会员, 批发) the customer is in; null: none. Set by a manager (customers.setGroup). */
  groupId: string | null;
}

export interface Customer extends CustomerSummary {
  notes: string;
  consentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface LedgerEntry {
  id: string;
  delta: number;
  kind: string;
  refId: string | null;
  note: string | null;
  at: number;
}

export interface CustomerDetail {
  customer: Customer;
  credit: LedgerEntry[];
  pointsLedger: LedgerEntry[];
  orders: OrderRow[];
  /** What the customer's points are worth now, under the admin's rules. */
  redeemableValue: number;
}

export interface LoyaltyRules {
  enabled: boolean;
  /** Points earned per whole currency unit paid (1.00 USD, 1 CNY…). */
  earnPerUnit: number;
  /** Points needed for one redemption block… */
  redeemPoints: number;
  /** …and the store credit one block buys, in minor units. */
  redeemValue: number;
}

export interface CartExtras {
  cartId: string | null;
  customer: CustomerSummary | null;
  fulfilment: Fulfilment;
}

export interface ParkedSale {
  cartId: string;
  parkedBy: string;
  parkedByName: string;
  parkedAt: number;
  note: string | null;
  lineCount: number;
  total: number;
  customerName: string | null;
}

export type OrderStatusFilter = 'all' | 'refunded' | 'partlyRefunded' | 'toShip' | 'shipped';

export interface OrderRow {
  id: string;
  number: string;
  createdAt: number;
  total: number;
  refunded: number;
  currency: string;
  staffName: string;
  customerName: string | null;
  lineCount: number;
  fulfilment: Fulfilment;
}

export interface OrderLineState {
  orderLineId: string;
  productId: string;
  name: string;
  altName: string | null;
  unit: Unit;
  qty: number;
  total: number;
  refundedQty: number;
  refundedAmount: number;
  /** Quantity that can still be returned. */
  returnableQty: number;
  shippedQty: number;
  /** Quantity still to ship (ship orders only). */
  toShipQty: number;
  rating: number | null;
}

export interface PaymentState {
  paymentId: string;
  kind: string;
  amount: number;
  refunded: number;
  brand: string | null;
  last4: string | null;
}

export interface RefundDoc {
  id: string;
  number: string;
  orderId: string | null;
  orderNumber: string | null;
  kind: 'return' | 'receiptless' | 'void' | 'exchange';
  reason: string | null;
  staffName: string;
  approvedByName: string | null;
  customerId: string | null;
  currency: string;
  total: number;
  taxTotal: number;
  exchangeOrderId: string | null;
  createdAt: number;
  lines: {
    id: string;
    orderLineId: string | null;
    productId: string;
    name: string;
    qty: number;
    amount: number;
    tax: number;
    disposition: Disposition;
  }[];
  tenders: { id: string; paymentId: string | null; method: string; amount: number; brand: string | null; last4: string | null }[];
}

export interface OrderDetail {
  order: Order;
  fulfilment: Fulfilment;
  customer: CustomerSummary | null;
  lines: OrderLineState[];
  payments: PaymentState[];
  refunds: RefundDoc[];
  shipments: ShipmentSummary[];
  refundable: number;
}

export interface FeedbackEntry {
  id: string;
  orderId: string;
  orderNumber: string;
  orderLineId: string;
  productId: string;
  productName: string;
  customerName: string | null;
  rating: number;
  comment: string;
  createdAt: number;
}

export interface ProductRating {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  price: number;
  average: number | null;
  count: number;
}

export type ShipmentStatus = 'label_created' | 'handed_over' | 'in_transit' | 'delivered' | 'exception' | 'returned' | 'cancelled';

export interface ShipmentSummary {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  carrier: string;
  service: string;
  trackingNumber: string;
  status: ShipmentStatus;
  eta: number | null;
  customerName: string | null;
  shipToName: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShipmentEvent {
  id: string;
  status: ShipmentStatus;
  description: string;
  location: string | null;
  at: number;
}

export interface Shipment extends ShipmentSummary {
  address: Address;
  weightG: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  lines: { orderLineId: string; name: string; sku: string; qty: number; unit: Unit }[];
  events: ShipmentEvent[];
}

export interface ShipQueueOrder {
  orderId: string;
  number: string;
  createdAt: number;
  customerId: string | null;
  customerName: string | null;
  toShipQty: number;
  total: number;
  currency: string;
}

export interface CarrierInfo {
  id: string;
  name: string;
  services: { id: string; name: string; days: number }[];
  configured: boolean;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };
const text = (max: number) => safeLine(max);
const optText = (max: number) => text(max).nullable().optional();

export const addressInput = z
  .object({
    name: text(200),
    company: optText(200),
    line1: text(200),
    line2: optText(200),
    city: text(200),
    region: optText(100),
    postalCode: text(40),
    country: text(4),
    phone: optText(40),
  })
  .strict();

const refundLine = z.object({ orderLineId: c.id, qty: c.qty, disposition: z.enum(['restock', 'writeoff']) }).strict();

const refundBase = {
  orderId: c.id,
  /** Made by the renderer once per return: a retry never refunds twice. */
  refundId: c.id,
  lines: z.array(refundLine).min(1).max(500),
  reason: optText(200),
  approval: c.approval,
};

const customerFields = {
  name: c.name,
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d ()-]{5,24}$/, 'digits, spaces, + ( ) - only')
    .nullable()
    .optional(),
  email: z.email().max(200).nullable().optional(),
  notes: safeText(2000, { trim: false }).optional(),
  marketingConsent: z.boolean().optional(),
};

const shipmentStatus = z.enum(['label_created', 'handed_over', 'in_transit', 'delivered', 'exception', 'returned']);

export const aftersaleContract = {
  // Orders -----------------------------------------------------------------------------------
  'orders.search': channel<{ items: OrderRow[]; total: number }>()({
    input: z
      .object({
        q: text(100).optional(),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        customerId: c.id.optional(),
        minTotal: c.minor.optional(),
        maxTotal: c.minor.optional(),
        product: text(100).optional(),
        status: z.enum(['all', 'refunded', 'partlyRefunded', 'toShip', 'shipped']).optional(),
        ...paging,
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  'orders.detail': channel<OrderDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  /** A scanned receipt barcode: the order number → the order. */
  'orders.lookup': channel<{ id: string; number: string }>()({
    input: z.object({ number: safeLine(32, { min: 3 }) }).strict(),
    role: 'clerk',
    writes: false,
  }),

  // Refunds ----------------------------------------------------------------------------------
  'refunds.create': channel<RefundDoc>()({
    input: z.object({ ...refundBase, method: z.enum(['original', 'cash', 'store_credit']) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  /** Without the receipt: a manager approves; money goes back as cash or store credit. */
  'refunds.receiptless': channel<RefundDoc>()({
    input: z
      .object({
        refundId: c.id,
        lines: z
          .array(z.object({ productId: c.id, qty: c.qty, amount: c.minor, disposition: z.enum(['restock', 'writeoff']) }).strict())
          .min(1)
          .max(100),
        method: z.enum(['cash', 'store_credit']),
        customerId: c.id.nullable().optional(),
        reason: optText(200),
        approval: c.approval,
      })
      .strict(),
    role: 'clerk',
    writes: 'own',
  }),
  /** Undo a completed sale: a manager-approved refund of everything not yet refunded. */
  'refunds.voidSale': channel<RefundDoc>()({
    input: z
      .object({
        orderId: c.id,
        refundId: c.id,
        method: z.enum(['original', 'cash', 'store_credit']),
        reason: optText(200),
        approval: c.approval,
      })
      .strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'refunds.get': channel<RefundDoc>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  /** Return some items and sell the open cart in one transaction. */
  'exchanges.complete': channel<{ refund: RefundDoc; order: Order }>()({
    input: z
      .object({
        ...refundBase,
        method: z.enum(['original', 'cash', 'store_credit']),
        cartId: c.id,
        checkoutId: c.id,
        tenders: z.array(tender).max(10),
      })
      .strict(),
    role: 'clerk',
    writes: true,
  }),

  // Parked sales -----------------------------------------------------------------------------
  'parked.park': channel<ParkedSale>()({ input: z.object({ note: optText(80) }).strict(), role: 'clerk', writes: true }),
  'parked.list': channel<ParkedSale[]>()({ input: c.empty, role: 'clerk', writes: false }),
  /** The current sale (if it has lines) is parked in its place. */
  'parked.resume': channel<{ resumed: string; parked: ParkedSale | null }>()({
    input: z.object({ cartId: c.id }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'parked.discard': channel<ParkedSale[]>()({ input: z.object({ cartId: c.id }).strict(), role: 'clerk', writes: true }),

  // The open sale's customer and fulfilment ------------------------------------------------------
  'cart.extras': channel<CartExtras>()({ input: c.empty, role: 'clerk', writes: false }),
  'cart.setCustomer': channel<CartExtras>()({ input: z.object({ customerId: c.id.nullable() }).strict(), role: 'clerk', writes: true }),
  'cart.setFulfilment': channel<CartExtras>()({
    input: z.object({ fulfilment: z.enum(['now', 'ship']) }).strict(),
    role: 'clerk',
    writes: true,
  }),

  // Customers --------------------------------------------------------------------------------
  'customers.search': channel<{ items: CustomerSummary[]; total: number }>()({
    input: z.object({ q: text(100), ...paging }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'customers.get': channel<CustomerDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'customers.create': channel<Customer>()({ input: z.object(customerFields).strict(), role: 'clerk', writes: true }),
  'customers.update': channel<Customer>()({
    input: z.object({ id: c.id, ...customerFields, name: c.name.optional() }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'customers.adjustCredit': channel<CustomerDetail>()({
    input: z
      .object({
        customerId: c.id,
        delta: z
          .number()
          .int()
          .min(-1_000_000_000)
          .max(1_000_000_000)
          .refine((n) => n !== 0, 'not zero'),
        note: safeLine(200, { min: 1 }),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'customers.redeemPoints': channel<CustomerDetail>()({
    input: z.object({ customerId: c.id, blocks: z.number().int().min(1).max(100_000) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'loyalty.rules': channel<LoyaltyRules>()({ input: c.empty, role: 'clerk', writes: false }),
  'loyalty.setRules': channel<LoyaltyRules>()({
    input: z
      .object({
        enabled: z.boolean(),
        earnPerUnit: z.number().int().min(0).max(1000),
        redeemPoints: z.number().int().min(1).max(1_000_000),
        redeemValue: c.minor.min(1),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),

  // Feedback ---------------------------------------------------------------------------------
  'feedback.add': channel<FeedbackEntry>()({
    input: z.object({ orderLineId: c.id, rating: z.number().int().min(1).max(5), comment: safeText(1000) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'feedback.forProduct': channel<{ average: number | null; count: number; items: FeedbackEntry[] }>()({
    input: z.object({ productId: c.id, ...paging }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'feedback.products': channel<{ items: ProductRating[]; total: number }>()({
    input: z
      .object({
        q: text(100).optional(),
        sort: z.enum(['rating_desc', 'rating_asc', 'count_desc', 'name']),
        rated: z.boolean().optional(),
        ...paging,
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),

  // Shipping ---------------------------------------------------------------------------------
  'shipping.carriers': channel<CarrierInfo[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'shipping.setCarrierApi': channel<CarrierInfo[]>()({
    input: z
      .object({
        config: z
          .object({
            name: c.name,
            baseUrl: z.url({ protocol: /^https?$/ }).max(300),
            apiKey: safeLine(200, { min: 1, trim: false }),
          })
          .strict()
          .nullable(),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),
  'shipping.queue': channel<ShipQueueOrder[]>()({
    input: z.object({ limit: z.number().int().min(1).max(200) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.list': channel<{ items: ShipmentSummary[]; total: number }>()({
    input: z
      .object({
        status: z.enum(['active', 'all', 'label_created', 'handed_over', 'in_transit', 'delivered', 'exception', 'returned', 'cancelled']),
        q: text(100).optional(),
        ...paging,
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.get': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'shipping.create': channel<Shipment>()({
    input: z
      .object({
        orderId: c.id,
        lines: z
          .array(z.object({ orderLineId: c.id, qty: c.qty }).strict())
          .min(1)
          .max(500),
        address: addressInput,
        parcel: z
          .object({
            weightG: z.number().int().min(1).max(70_000),
            lengthMm: z.number().int().min(1).max(3000),
            widthMm: z.number().int().min(1).max(3000),
            heightMm: z.number().int().min(1).max(3000),
          })
          .strict(),
        carrier: safeLine(40, { min: 1, trim: false }),
        service: safeLine(40, { min: 1, trim: false }),
      })
      .strict(),
    role: 'manager',
    writes: 'own',
  }),
  'shipping.label': channel<{ format: 'pdf' | 'zpl'; base64: string; trackingNumber: string }>()({
    input: z.object({ id: c.id, format: z.enum(['pdf', 'zpl']) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.packingSlip': channel<{ base64: string }>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  /** A status change entered by hand (own courier, or a carrier that does not push events). */
  'shipping.setStatus': channel<Shipment>()({
    input: z.object({ id: c.id, status: shipmentStatus, description: optText(200), location: optText(100) }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Ask the carrier for new tracking events and apply them (idempotently). */
  'shipping.refresh': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: 'own' }),
  'shipping.cancel': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: 'own' }),
};
