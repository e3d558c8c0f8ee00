import { z } from 'zod';
import * as c from '../api/common';
import { isIsoDate } from '../business-day';

/**
 * A promotion as a manager defines it and as it is stored and synced: data only, evaluated by the
 * pure engine (engine.ts) the same way at the till and online. Amounts are minor units, rates basis
 * points; quantities in a promotion's rule (buy 2, any 3, a bundle's 2 × …) are whole pieces,
 * because those rules count pieces: weighed lines take part only in percent, amount and threshold
 * promotions.
 */

/** How many ids a scope may list: a category is the tool for a larger set. */
export const MAX_SCOPE_IDS = 2000;
/** A rule's piece counts (buy, get, any N, a bundle item's quantity) stay small. */
const pieces = z.number().int().min(1).max(1000);

export const promotionScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('products'), productIds: z.array(c.id).min(1).max(MAX_SCOPE_IDS) }).strict(),
  z.object({ kind: z.literal('categories'), categoryIds: z.array(c.id).min(1).max(MAX_SCOPE_IDS) }).strict(),
]);
export type PromotionScope = z.infer<typeof promotionScopeSchema>;

const tierSchema = z.object({ minSpend: c.minor, off: c.discount }).strict();

export const promotionRuleSchema = z.discriminatedUnion('kind', [
  /** Percent off every line in scope. */
  z.object({ kind: z.literal('percent_off'), scope: promotionScopeSchema, bp: c.bp.min(1) }).strict(),
  /** An amount off each piece in scope (each kg, lb … of a weighed line, pro rata). */
  z.object({ kind: z.literal('amount_off'), scope: promotionScopeSchema, minorPerUnit: c.minor.min(1) }).strict(),
  /**
   * Buy `buyQty`, get `getQty` at `getBp` off (10000 = free): 第二件半价 is buy 1 get 1 at 5000,
   * three for the price of two is buy 2 get 1 at 10000. Pieces in scope are pooled across lines.
   */
  z
    .object({
      kind: z.literal('buy_x_get_y'),
      scope: promotionScopeSchema,
      buyQty: pieces,
      getQty: pieces,
      getBp: c.bp.min(1),
      maxApplications: pieces.optional(),
    })
    .strict(),
  /** Any `qty` pieces of the scope for `price` (any 3 for ¥10). */
  z
    .object({
      kind: z.literal('mix_match'),
      scope: promotionScopeSchema,
      qty: pieces,
      price: c.minor,
      maxApplications: pieces.optional(),
    })
    .strict(),
  /** Spend tiers (满100减20, 满200减50): the highest tier reached applies, once. Scope `all` is the whole cart. */
  z
    .object({
      kind: z.literal('threshold'),
      scope: promotionScopeSchema,
      tiers: z
        .array(tierSchema)
        .min(1)
        .max(20)
        .refine((tiers) => new Set(tiers.map((t) => t.minSpend)).size === tiers.length, 'tiers need distinct minimum spends'),
    })
    .strict(),
  /** A set of products with quantities for a fixed price. */
  z
    .object({
      kind: z.literal('bundle'),
      items: z
        .array(z.object({ productId: c.id, qty: pieces }).strict())
        .min(1)
        .max(20)
        .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'a product appears once in a bundle'),
      price: c.minor,
      maxApplications: pieces.optional(),
    })
    .strict(),
]);
export type PromotionRule = z.infer<typeof promotionRuleSchema>;
export type PromotionKind = PromotionRule['kind'];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-31')
  .refine(isIsoDate, 'a date like 2026-03-31');
/** Local wall-clock time; 24:00 ends a window at midnight. */
const clock = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time as HH:MM');

/**
 * When and for whom a promotion applies; a missing field does not restrict. Dates, weekdays and
 * hours are read on the store's wall clock (its IANA time zone), never the machine's.
 */
export const promotionConditionsSchema = z
  .object({
    /** First and last local day, both included. */
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    daysOfWeek: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /**
     * Local hours [from, to). A window whose end is before its start runs past midnight
     * (22:00–02:00); its weekday and dates are still those of the moment of sale.
     */
    hours: z
      .array(
        z
          .object({ from: clock, to: clock })
          .strict()
          .refine((h) => h.from !== h.to, 'a window needs a length'),
      )
      .min(1)
      .max(8)
      .optional(),
    memberOnly: z.boolean().optional(),
    /** The customer must belong to one of these groups. */
    customerGroupIds: z.array(c.id).min(1).max(100).optional(),
    storeIds: z.array(c.id).min(1).max(1000).optional(),
  })
  .strict()
  .refine((k) => !k.startDate || !k.endDate || k.startDate <= k.endDate, 'the end date is before the start date');
export type PromotionConditions = z.infer<typeof promotionConditionsSchema>;

export const STACKING = ['exclusive', 'stackable'] as const;
export type Stacking = (typeof STACKING)[number];

export const promotionSchema = z
  .object({
    id: c.id,
    /** Printed on the cart line and the receipt in the store's language; `nameZh` where the store also shows Chinese. */
    name: c.name,
    nameZh: c.name.optional(),
    rule: promotionRuleSchema,
    /** `exclusive`: nothing else applies to the lines it uses. `stackable`: combines with other stackable ones. */
    stacking: z.enum(STACKING),
    /** Higher first: the order stackable promotions apply in, and the tie-break between equal results. */
    priority: z.number().int().min(0).max(1000),
    conditions: promotionConditionsSchema.optional(),
  })
  .strict();
export type Promotion = z.infer<typeof promotionSchema>;
