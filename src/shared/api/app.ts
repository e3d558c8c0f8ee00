import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { AppStatus } from './types';

/** The store's state at start, and the first-run setup. */
export const appContract = {
  'app.status': channel<AppStatus>()({ input: c.empty, role: 'public', writes: false }),
  'setup.run': channel<AppStatus>()({
    input: z
      .object({
        storeName: c.name,
        currency: c.currency,
        priceMode: z.enum(['inclusive', 'exclusive']),
        timezone: c.timezone,
        language: c.language,
        taxRates: z
          .array(z.object({ name: c.name, rateBp: c.bp, isDefault: z.boolean() }))
          .min(1)
          .max(20),
        admin: z.object({ name: c.name, pin: c.pin }),
        demoData: z.boolean(),
      })
      .strict(),
    role: 'public',
    writes: 'own',
  }),
};
