import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import { tender } from './sales';
import type { Order } from './types';

export type RefundMethod = 'original' | 'cash' | 'store_credit';
export type Disposition = 'restock' | 'writeoff';

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

const text = (max: number) => safeLine(max);
const optText = (max: number) => text(max).nullable().optional();

const refundLine = z.object({ orderLineId: c.id, qty: c.qty, disposition: z.enum(['restock', 'writeoff']) }).strict();

const refundBase = {
  orderId: c.id,
  /** Made by the renderer once per return: a retry never refunds twice. */
  refundId: c.id,
  lines: z.array(refundLine).min(1).max(500),
  reason: optText(200),
  approval: c.approval,
};

/** Returns with or without the receipt, voids and exchanges. */
export const returnsContract = {
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
};
