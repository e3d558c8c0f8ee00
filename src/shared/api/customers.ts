import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import type { CustomerSummary, OrderRow } from './types';

export type { CustomerSummary } from './types';

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

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };
const text = (max: number) => safeLine(max);

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

/** Customers, their store credit and loyalty points. */
export const customersContract = {
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
};
