import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { CountDetail, CountSession, VarianceReport } from './inventory-types';

/** A level or count in thousandths (zero allowed). */
const level = z.number().int().min(0).max(100_000_000);
const code = safeLine(64, { min: 1 });

/** Stock counts: clerks count, a manager approves. */
export const countsContract = {
  'counts.list': channel<CountSession[]>()({
    input: z.object({ status: z.enum(['open', 'submitted', 'approved', 'cancelled']).optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'counts.create': channel<CountDetail>()({
    input: z
      .object({
        name: c.name,
        scope: z.enum(['full', 'partial']),
        locationId: c.id,
        categoryId: c.id.nullable().optional(),
        blind: z.boolean(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'counts.get': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'counts.scan': channel<CountDetail>()({
    input: z.object({ id: c.id, code, qty: c.qty.optional() }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'counts.setQty': channel<CountDetail>()({
    input: z.object({ id: c.id, productId: c.id, counted: level }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'counts.submit': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: true }),
  'counts.variance': channel<VarianceReport>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: false }),
  /** Posts the corrections as count movements, once. */
  'counts.approve': channel<VarianceReport>()({
    input: z.object({ id: c.id, uncounted: z.enum(['zero', 'ignore']) }).strict(),
    role: 'manager',
    writes: true,
  }),
  'counts.cancel': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
};
