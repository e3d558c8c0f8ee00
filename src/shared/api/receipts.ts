import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { ReceiptDoc } from './types';

/** A completed sale's receipt: on screen, as ESC/POS bytes, on the printer. */
export const receiptsContract = {
  'receipts.get': channel<ReceiptDoc>()({
    input: z.object({ orderId: c.id }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'receipts.escpos': channel<{ base64: string }>()({
    input: z.object({ orderId: c.id, width: z.union([z.literal(58), z.literal(80)]) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'receipts.print': channel<{ bytes: number }>()({
    input: z.object({ orderId: c.id, kickDrawer: z.boolean() }).strict(),
    role: 'clerk',
    writes: false,
  }),
};
