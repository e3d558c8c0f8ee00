import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { CustomerSummary, Fulfilment, Order, OrderRow, SalesChannel, Unit } from './types';
import type { RefundDoc } from './returns';
import type { ShipmentSummary } from './shipping';

export type { OrderRow } from './types';

/** An order number as printed on the receipt (and its Code128 barcode): terminal code, dash, digits. */
export const ORDER_NUMBER = /^[A-Z0-9]{1,8}-\d{6,}$/;

export type OrderStatusFilter = 'all' | 'refunded' | 'partlyRefunded' | 'toShip' | 'shipped';

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

export interface OrderDetail {
  order: Order;
  fulfilment: Fulfilment;
  customer: CustomerSummary | null;
  lines: OrderLineState[];
  payments: PaymentState[];
  refunds: RefundDoc[];
  shipments: ShipmentSummary[];
  refundable: number;
  /** An online order's shop number, buyer and steps are read with `onlineOrders.get`. */
  channel: SalesChannel;
  /** A counter sale claimed online from its receipt: which buyer keeps it (masked), and when. */
  claim?: { contact: string; claimedAt: number } | null;
}

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };
const text = (max: number) => safeLine(max);

/** Completed sales as the orders screen finds them: search, detail, a scanned receipt. */
export const ordersContract = {
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
        channel: z.enum(['all', 'counter', 'online']).optional(),
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
};
