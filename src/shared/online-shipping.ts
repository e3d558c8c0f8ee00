/**
 * How the online shop charges delivery: the store's `onlineShipping` setting lists its methods
 * (flat, by weight, pick-up in store), each optionally free above an order amount and limited to
 * some countries. Pure: the cloud quotes with it, a till's settings screen can show the same.
 */
import { z } from 'zod';
import { qtyToGrams, type Unit } from './units';

const minor = z.number().int().min(0).max(1_000_000_000);

export const shippingMethodSchema = z.object({
  /** Stable id (kept on orders): letters, digits, - and _. */
  id: z.string().regex(/^[a-z0-9_-]{1,30}$/),
  name: z.string().min(1).max(60),
  nameZh: z.string().max(60).nullable().default(null),
  kind: z.enum(['flat', 'weight', 'pickup']),
  /** flat: the charge; weight: the charge for the first kilogram (or part of it). */
  amount: minor,
  /** weight: each further started kilogram. */
  perKg: minor.default(0),
  /** weight: what a counted item (sold by the piece) weighs, in grams; weighed goods count their mass. */
  itemGrams: z.number().int().min(0).max(1_000_000).default(500),
  /** Free when the goods cost at least this much; null = never free. */
  freeAbove: minor.nullable().default(null),
  /** ISO country codes this method ships to; null = every country the address rules know. */
  countries: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .max(50)
    .nullable()
    .default(null),
  /** Days in transit, counted from payment in the store's calendar (null: the shop promises no date). */
  minDays: z.number().int().min(0).max(60).nullable().default(null),
  maxDays: z.number().int().min(0).max(60).nullable().default(null),
});
export type ShippingMethod = z.infer<typeof shippingMethodSchema>;

export const onlineShippingSchema = z.object({
  methods: z
    .array(shippingMethodSchema)
    .max(20)
    .refine((m) => new Set(m.map((x) => x.id)).size === m.length, 'method ids are unique')
    .refine((m) => m.every((x) => x.minDays === null || x.maxDays === null || x.minDays <= x.maxDays), 'minDays is at most maxDays'),
});
export type OnlineShipping = z.infer<typeof onlineShippingSchema>;

/** A store that set nothing: a flat rate free above an amount, and pick-up in store. */
export const DEFAULT_ONLINE_SHIPPING: OnlineShipping = {
  methods: [
    {
      id: 'standard',
      name: 'Standard delivery',
      nameZh: '标准快递',
      kind: 'flat',
      amount: 800,
      perKg: 0,
      itemGrams: 500,
      freeAbove: 9900,
      countries: null,
      minDays: 2,
      maxDays: 4,
    },
    {
      id: 'pickup',
      name: 'Pick up in store',
      nameZh: '到店自提',
      kind: 'pickup',
      amount: 0,
      perKg: 0,
      itemGrams: 0,
      freeAbove: null,
      countries: null,
      minDays: null,
      maxDays: null,
    },
  ],
};

/** The setting as stored, or the default when it is absent or not a valid value. */
export function readOnlineShipping(value: unknown): OnlineShipping {
  const parsed = onlineShippingSchema.safeParse(value);
  return parsed.success && parsed.data.methods.length > 0 ? parsed.data : DEFAULT_ONLINE_SHIPPING;
}

/** Grams a parcel of these lines weighs: weighed goods by their mass, counted ones by the method's item weight. */
export function parcelGrams(lines: readonly { unit: Unit; qty: number }[], itemGrams: number): number {
  let grams = 0;
  for (const l of lines) grams += l.unit === 'each' ? Math.ceil((l.qty * itemGrams) / 1000) : qtyToGrams(l.qty, l.unit);
  return grams;
}

/**
 * What a method charges for these goods (`goods`: what they cost, tax included as the buyer sees
 * it), or null when it does not serve this destination. Pick-up is always free.
 */
export function shippingCharge(
  method: ShippingMethod,
  goods: number,
  lines: readonly { unit: Unit; qty: number }[],
  country: string | null,
): number | null {
  if (method.kind === 'pickup') return 0;
  if (country !== null && method.countries && !method.countries.includes(country)) return null;
  if (method.freeAbove !== null && goods >= method.freeAbove) return 0;
  if (method.kind === 'flat') return method.amount;
  const kg = Math.max(1, Math.ceil(parcelGrams(lines, method.itemGrams) / 1000));
  return method.amount + (kg - 1) * method.perKg;
}
