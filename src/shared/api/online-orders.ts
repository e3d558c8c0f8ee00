import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { Address } from '../address';
import type { OnlineShipping } from '../online-shipping';

/** Steps of an online order's life, as the buyer's timeline and the till show them. */
export type OnlineStepKind =
  | 'packed'
  | 'shipped'
  | 'picked_up'
  | 'delivered'
  | 'received'
  | 'cancelled'
  | 'return_requested'
  | 'return_approved'
  | 'refunded'
  | 'shortage'
  | 'tracking';

export interface OnlineStep {
  id: string;
  kind: OnlineStepKind;
  carrier: string | null;
  tracking: string | null;
  note: string;
  /** The till that recorded it; null: the online shop. */
  terminalCode: string | null;
  at: number;
}

/** A product the store has fewer of than its unfulfilled online orders need. */
export interface OnlineShortage {
  productId: string;
  name: string;
  /** Units (thousandths) the unfulfilled online orders still need. */
  needed: number;
  /** Units at the store's stock location now. */
  inStock: number;
}

/** Where an online order stands at this store. */
export type OnlineOrderState = 'toShip' | 'toPickUp' | 'shipped' | 'pickedUp' | 'cancelled';

export interface OnlineOrderInfo {
  orderId: string;
  number: string;
  shopNumber: string;
  buyerId: string | null;
  contactName: string;
  contactPhone: string | null;
  contactEmail: string | null;
  fulfilment: 'ship' | 'pickup';
  /** Null when the order is picked up, or when the address the shop sent is not a valid one. */
  address: Address | null;
  shippingMethod: string | null;
  /** The method's names from the store's delivery settings; null when the store no longer has it. */
  shippingMethodNames: { name: string; nameZh: string | null } | null;
  shippingAmount: number;
  buyerNote: string;
  createdAt: number;
  total: number;
  currency: string;
  state: OnlineOrderState;
  steps: OnlineStep[];
  /** The order's products the store is short of (empty when it can be fulfilled). */
  shortages: OnlineShortage[];
  /** Too many wrong pick-up codes: no code is checked before this time. */
  lockedUntil: number | null;
}

/** One pick-up order waiting at the counter. */
export interface PickupRow {
  orderId: string;
  number: string;
  shopNumber: string;
  contactName: string;
  contactPhone: string | null;
  createdAt: number;
  total: number;
  currency: string;
  lineCount: number;
  /** A 'packed' step was recorded: the order is ready on the shelf. */
  ready: boolean;
  short: boolean;
  lockedUntil: number | null;
}

/** An online order waiting for units the store does not have. */
export interface ShortageRow extends OnlineShortage {
  orderId: string;
  number: string;
  shopNumber: string;
  fulfilment: 'ship' | 'pickup';
  createdAt: number;
}

/** Units unpaid web orders hold, per product (held and not expired). */
export type ReservedUnits = Record<string, number>;

/** A buyer's request to return items of an online order, as the manager decides it. */
export interface OnlineReturnRow {
  id: string;
  orderId: string;
  number: string;
  shopNumber: string;
  contactName: string;
  createdAt: number;
  reason: string;
  /** What the shop will refund through the provider once approved. */
  amount: number;
  currency: string;
  decision: 'pending' | 'approved' | 'refused';
  decisionNote: string;
  decidedAt: number | null;
  /** The refund document that took the goods back (approved). */
  refundId: string | null;
  /** The provider's refund, as the shop reports it. */
  refundState: 'none' | 'requested' | 'refunded' | 'failed';
  refundMessage: string;
  lines: { orderLineId: string; productId: string; name: string; unit: string; qty: number }[];
}

/** A shop refund (a cancellation or an approved return) as the cloud reports it to the tills. */
export interface OnlineRefundRow {
  id: string;
  orderId: string;
  shopNumber: string;
  contactName: string;
  cause: 'cancel' | 'return';
  returnId: string | null;
  requestNo: string;
  amount: number;
  currency: string;
  state: 'requested' | 'refunded' | 'failed';
  /** The provider's last word when it was not a clear success: why it is failing. */
  message: string;
  attempts: number;
  /** When the cloud asks the provider again by itself; null when it no longer will. */
  nextRetryAt: number | null;
  updatedAt: number;
}

/** A counter sale claimed online from its receipt: which buyer keeps it, masked. */
export interface ReceiptClaimInfo {
  contact: string;
  claimedAt: number;
}

/** What the buyer shows at the counter: letters and digits, at most 32 (the shop's codes are shorter). */
const pickupCode = safeLine(32, { min: 1 });

const money = z.number().int().min(0).max(1_000_000_000);
const transitDays = z.number().int().min(0).max(60).nullable();

/** One delivery method as the manager edits it; the store keeps it as the shop reads it (shared/online-shipping.ts). */
const shippingMethodInput = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,30}$/),
    name: safeLine(60, { min: 1 }),
    nameZh: safeLine(60).nullable(),
    kind: z.enum(['flat', 'weight', 'pickup']),
    amount: money,
    perKg: money,
    itemGrams: z.number().int().min(0).max(1_000_000),
    freeAbove: money.nullable(),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .max(50)
      .nullable(),
    minDays: transitDays,
    maxDays: transitDays,
  })
  .strict();

/** The online shop's delivery methods and the days after delivery when an unconfirmed order completes. */
export interface ShopSettings {
  shipping: OnlineShipping;
  autoCompleteDays: number;
}

/** Online orders at the till: the pick-up counter, packing, shortages and units held online. */
export const onlineOrdersContract = {
  'onlineOrders.get': channel<OnlineOrderInfo>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'onlineOrders.pickups': channel<PickupRow[]>()({
    input: z.object({ q: safeLine(100).optional(), limit: z.number().int().min(1).max(200) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  /** The order is picked and packed (on the shelf for pick-up, or boxed for the carrier). */
  'onlineOrders.markPacked': channel<OnlineOrderInfo>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: true }),
  /** The buyer shows their code: checked (wrong codes counted and locked out), then the goods leave the store. */
  'onlineOrders.handOver': channel<OnlineOrderInfo>()({
    input: z.object({ id: c.id, code: pickupCode }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'onlineOrders.shortages': channel<ShortageRow[]>()({
    input: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** Buyers' return requests: the undecided ones (oldest first), or all (newest first). */
  'onlineOrders.returns': channel<OnlineReturnRow[]>()({
    input: z.object({ which: z.enum(['pending', 'all']), limit: z.number().int().min(1).max(200) }).strict(),
    role: 'manager',
    writes: false,
  }),
  /**
   * The manager approves a return (the goods come back through a refund document, restocked or
   * written off per line; the shop refunds the buyer through the provider) or refuses it with a reason.
   */
  'onlineOrders.decideReturn': channel<OnlineReturnRow>()({
    input: z
      .object({
        id: c.id,
        approve: z.boolean(),
        note: safeLine(200),
        writeOff: z.array(c.id).max(100).optional(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  /** Days after delivery or pick-up in which buyers may ask for a return (a store setting the shop reads; default 7). */
  'onlineOrders.returnDays': channel<{ days: number }>()({ input: z.object({}).strict(), role: 'manager', writes: false }),
  'onlineOrders.setReturnDays': channel<{ days: number }>()({
    input: z.object({ days: z.number().int().min(0).max(365) }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** The shop's delivery methods and auto-completion days (store settings the shop reads). */
  'onlineOrders.shopSettings': channel<ShopSettings>()({ input: z.object({}).strict(), role: 'manager', writes: false }),
  'onlineOrders.setShopSettings': channel<ShopSettings>()({
    input: z
      .object({
        methods: z.array(shippingMethodInput).max(20),
        autoCompleteDays: z.number().int().min(1).max(90),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'onlineOrders.reserved': channel<ReservedUnits>()({
    input: z.object({ productIds: z.array(c.id).max(500) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  /** The shop's refunds not yet through (`open`: requested or failing) or all of them, newest change first. */
  'onlineOrders.refunds': channel<OnlineRefundRow[]>()({
    input: z.object({ which: z.enum(['open', 'all']), limit: z.number().int().min(1).max(200) }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** Whether a counter sale was claimed online from its receipt, and by whom (masked). */
  'onlineOrders.receiptClaim': channel<ReceiptClaimInfo | null>()({
    input: z.object({ orderId: c.id }).strict(),
    role: 'clerk',
    writes: false,
  }),
};
