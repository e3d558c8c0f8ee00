import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import { promotionSchema, type Promotion } from '../promotions/schema';
import type { AppliedPromotion } from '../promotions/engine';
import type { PriceMode, PricedCart } from '../pricing';
import type { CartLine } from './types';
import { isoDate } from './insight';

/** A stored promotion: its definition (what the engine reads) and whether it runs now. */
export interface PromotionRecord {
  promotion: Promotion;
  /** false: paused, kept but never applied to a cart. */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A new promotion: the definition without its id (the till makes one). */
export const promotionDraftSchema = promotionSchema.omit({ id: true });
export type PromotionDraft = z.infer<typeof promotionDraftSchema>;

/** A "try a cart" holds at most as many lines as a sale may. */
export const MAX_TRY_LINES = 500;

/** A hypothetical cart priced as the till would, with a draft promotion that is not saved yet. */
export const promotionTrySchema = z
  .object({
    lines: z
      .array(z.object({ productId: c.id, qty: c.qty }).strict())
      .min(1)
      .max(MAX_TRY_LINES),
    /** A customer is attached (at the till any customer counts as a member). */
    member: z.boolean().optional(),
    /**
     * The promotion being edited, priced with the running ones: with an id it stands in for the
     * stored one of that id (paused or not), without one it is added as a new promotion.
     */
    draft: promotionDraftSchema.extend({ id: c.id.optional() }).strict().optional(),
  })
  .strict();

export interface PromotionTryResult {
  currency: string;
  priceMode: PriceMode;
  /** The lines as the till would show them, each with its promotions' shares. */
  lines: CartLine[];
  priced: PricedCart;
  applied: AppliedPromotion[];
}

/** One promotion's effect over a period, from what the sales recorded. */
export interface PromotionReportRow {
  promotionId: string;
  /** Its name now, or as it was printed when the promotion is gone. */
  name: string;
  nameZh: string | null;
  /** Sales (orders) in which it took something. */
  sales: number;
  /** Quantity of the lines it touched, thousandths (a weighed line counts as its weight). */
  units: number;
  /** What it took off in all, minor units. */
  discount: number;
  /** Distinct customers attached to those sales (anonymous sales not counted). */
  customers: number;
  /** Total paid for those sales, minor units. */
  revenue: number;
}

export interface PromotionReport {
  from: string;
  to: string;
  currency: string;
  rows: PromotionReportRow[];
}

/** Promotions as a manager keeps them; a clerk may read them (the till shows what runs). */
export const promotionsContract = {
  'promotions.list': channel<PromotionRecord[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'promotions.get': channel<PromotionRecord>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'promotions.create': channel<PromotionRecord>()({
    input: z.object({ promotion: promotionDraftSchema, active: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Replaces the definition; a sale already made keeps what it applied. */
  'promotions.update': channel<PromotionRecord>()({
    input: z.object({ promotion: promotionSchema }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Pause (false) or resume (true). */
  'promotions.setActive': channel<PromotionRecord>()({
    input: z.object({ id: c.id, active: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Prices a hypothetical cart with the running promotions and the draft; writes nothing. */
  'promotions.try': channel<PromotionTryResult>()({ input: promotionTrySchema, role: 'manager', writes: false }),
  /** What each promotion gave over business days `from`…`to` (both included). */
  'promotions.report': channel<PromotionReport>()({
    input: z.object({ from: isoDate, to: isoDate }).strict(),
    role: 'manager',
    writes: false,
  }),
};
