import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { TaxRate, TaxRateInfo } from './types';

/** Tax rates: the till reads them, a manager keeps them. */
export const taxRatesContract = {
  'taxRates.list': channel<TaxRate[]>()({ input: c.empty, role: 'clerk', writes: false }),
  /** Settings' tax rates: every rate with its use; changes apply to new sales only. */
  'taxRates.manage': channel<TaxRateInfo[]>()({ input: c.empty, role: 'manager', writes: false }),
  'taxRates.create': channel<TaxRateInfo[]>()({
    input: z.object({ name: c.name, rateBp: c.bp, isDefault: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'taxRates.update': channel<TaxRateInfo[]>()({
    input: z
      .object({
        id: c.id,
        name: c.name.optional(),
        rateBp: c.bp.optional(),
        isDefault: z.literal(true).optional(),
        archived: z.boolean().optional(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
};
