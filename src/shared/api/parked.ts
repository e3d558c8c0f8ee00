import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';

export interface ParkedSale {
  cartId: string;
  parkedBy: string;
  parkedByName: string;
  parkedAt: number;
  note: string | null;
  lineCount: number;
  total: number;
  customerName: string | null;
}

const text = (max: number) => safeLine(max);
const optText = (max: number) => text(max).nullable().optional();

/** Sales put aside at the counter and resumed later. */
export const parkedContract = {
  'parked.park': channel<ParkedSale>()({ input: z.object({ note: optText(80) }).strict(), role: 'clerk', writes: true }),
  'parked.list': channel<ParkedSale[]>()({ input: c.empty, role: 'clerk', writes: false }),
  /** The current sale (if it has lines) is parked in its place. */
  'parked.resume': channel<{ resumed: string; parked: ParkedSale | null }>()({
    input: z.object({ cartId: c.id }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'parked.discard': channel<ParkedSale[]>()({ input: z.object({ cartId: c.id }).strict(), role: 'clerk', writes: true }),
};
