import { z } from 'zod';
import { safeLine } from '../text';
import { MAX_AMOUNT, MAX_QTY } from '../money';

export const id = z.uuid();
export const pin = z.string().regex(/^\d{4,8}$/, 'PIN must be 4 to 8 digits');
export const minor = z.number().int().min(0).max(MAX_AMOUNT);
export const qty = z.number().int().min(1).max(MAX_QTY);
export const bp = z.number().int().min(0).max(10000);
export const name = safeLine(120, { min: 1 });
export const discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), bp: bp }),
  z.object({ kind: z.literal('amount'), minor: minor }),
]);
/** A manager's PIN given on the spot to approve a clerk's privileged action. */
export const approval = z.object({ staffId: id, pin: pin }).optional();
export const language = z.enum(['en', 'zh-CN']);
export const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code');
export const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');
export const empty = z.object({}).strict();
