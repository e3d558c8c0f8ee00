import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import type { StoreSettings } from './types';
import { PUBLIC_ADDRESS } from '../receipt-link';

/** The store's settings. */
export const settingsContract = {
  'settings.get': channel<StoreSettings>()({ input: c.empty, role: 'clerk', writes: false }),
  'settings.update': channel<StoreSettings>()({
    input: z
      .object({
        storeName: c.name.optional(),
        language: c.language.optional(),
        timezone: c.timezone.optional(),
        discountLimitBp: c.bp.optional(),
        idleLockMinutes: z.number().int().min(1).max(240).optional(),
        receiptFooter: safeText(200, { trim: false }).optional(),
        negativeStock: z.enum(['allow', 'block']).optional(),
        shopAddress: z.string().trim().max(300).regex(PUBLIC_ADDRESS).nullable().optional(),
        printer: z
          .object({
            host: safeLine(253, { min: 1 }),
            port: z.number().int().min(1).max(65535),
            width: z.union([z.literal(58), z.literal(80)]),
          })
          .nullable()
          .optional(),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),
};
