import { z } from 'zod';
import { channel } from './define';
import * as c from './common';

/** Shelf labels as a PDF: a sheet of labels or a label-printer roll. */
export const labelsContract = {
  'labels.pdf': channel<{ base64: string; labels: number; fileName: string }>()({
    input: z
      .object({
        items: z
          .array(z.object({ productId: c.id, copies: z.number().int().min(1).max(500) }).strict())
          .min(1)
          .max(2000),
        layout: z.enum(['sheet', 'roll']),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
};
