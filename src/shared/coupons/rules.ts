import { z } from 'zod';
import * as c from '../api/common';
import { isIsoDate, isoToDay, tzOffsetMs } from '../business-day';
import { applyPromotions, buildPromotionIndex, type PromotionResult } from '../promotions/engine';
import { promotionScopeSchema, type Promotion, type PromotionScope } from '../promotions/schema';
import type { Unit } from '../units';

/**
 * Coupon campaigns as managers define them, and the rule that prices a coupon on a cart.
 *
 * A coupon's reward is a promotion of the shared engine: "10% off", "¥20 off" or either one on
 * given products or categories, with the minimum spend as its tier (the engine's `threshold`
 * rule). So the engine computes the discount, spreads it over the lines in scope and explains it
 * on each line and on the receipt exactly as it does a promotion's. The coupon applies after the
 * promotions, on what they left, and before the clerk's cart discount.
 */

export const MAX_BATCH_CODES = 100_000;
export const MAX_SHARED_USES = 1_000_000;
export const MAX_USES_PER_CUSTOMER = 1000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-31')
  .refine(isIsoDate, 'a date like 2026-03-31');

/** What the coupon takes off: a percent (1–100%) or an amount, off the whole cart or off a scope. */
export const couponRewardSchema = z
  .object({
    off: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('percent'), bp: c.bp.min(1) }).strict(),
      z.object({ kind: z.literal('amount'), minor: c.minor.min(1) }).strict(),
    ]),
    scope: promotionScopeSchema,
  })
  .strict();
export type CouponReward = z.infer<typeof couponRewardSchema>;

/** When and for whom a coupon is good; a missing field does not restrict. Dates are the store's local days, both included. */
export const couponConditionsSchema = z
  .object({
    /** Spend on the lines in scope (after promotions) the coupon needs. */
    minSpend: c.minor.optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    /** Redemptions one customer may make of the campaign (a sale with this set needs a customer). */
    usesPerCustomer: z.number().int().min(1).max(MAX_USES_PER_CUSTOMER).optional(),
  })
  .strict()
  .refine((k) => !k.startDate || !k.endDate || k.startDate <= k.endDate, 'the end date is before the start date');
export type CouponConditions = z.infer<typeof couponConditionsSchema>;

/** One shared code (any number of uses, or at most `maxUses`), or a batch of single-use codes. */
export const couponCodesSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('shared'), maxUses: z.number().int().min(1).max(MAX_SHARED_USES).optional() }).strict(),
  z.object({ mode: z.literal('batch'), count: z.number().int().min(1).max(MAX_BATCH_CODES) }).strict(),
]);
export type CouponCodes = z.infer<typeof couponCodesSchema>;
export type CouponMode = CouponCodes['mode'];

export const campaignDraftSchema = z
  .object({
    name: c.name,
    nameZh: c.name.optional(),
    reward: couponRewardSchema,
    conditions: couponConditionsSchema,
    codes: couponCodesSchema,
  })
  .strict();
export type CampaignDraft = z.infer<typeof campaignDraftSchema>;

/** A stored campaign as the rules read it. */
export interface CouponCampaign {
  id: string;
  name: string;
  nameZh: string | null;
  reward: CouponReward;
  conditions: CouponConditions;
  mode: CouponMode;
  /** Shared code: the most uses in all (null: no cap). Batch: null (each code once). */
  maxUses: number | null;
  active: boolean;
}

/** The campaign's reward as a promotion of the engine: one tier at the minimum spend. */
export function couponPromotion(campaign: Pick<CouponCampaign, 'id' | 'name' | 'nameZh' | 'reward' | 'conditions'>): Promotion {
  return {
    id: campaign.id,
    name: campaign.name,
    ...(campaign.nameZh ? { nameZh: campaign.nameZh } : {}),
    rule: {
      kind: 'threshold',
      scope: campaign.reward.scope,
      tiers: [{ minSpend: campaign.conditions.minSpend ?? 0, off: campaign.reward.off }],
    },
    stacking: 'stackable',
    priority: 0,
  };
}

/** A cart line as the coupon sees it: what is left of it after the clerk's discount and the promotions. */
export interface CouponLine {
  id: string;
  productId: string;
  categoryId: string | null;
  /** Minor units left on the line, ≥ 0. */
  amount: number;
  qty: number;
  unit: Unit;
}

export type CouponRefusal = 'inactive' | 'notYetValid' | 'expired' | 'nothingEligible' | 'minSpend';

export type CouponPricing =
  { ok: true; result: PromotionResult; eligible: number } | { ok: false; reason: CouponRefusal; eligible: number; minSpend?: number };

/** The store's local day of `now` (days since 1970-01-01). */
function localDay(now: number, timeZone: string): number {
  return Math.floor((now + tzOffsetMs(now, timeZone)) / 86_400_000);
}

/** Why the campaign cannot be used at `now` (its dates, read on the store's wall clock), or null. */
export function campaignWindowRefusal(
  campaign: Pick<CouponCampaign, 'conditions' | 'active'>,
  now: number,
  timeZone: string,
): CouponRefusal | null {
  if (!campaign.active) return 'inactive';
  const day = localDay(now, timeZone);
  const k = campaign.conditions;
  if (k.startDate && day < isoToDay(k.startDate)) return 'notYetValid';
  if (k.endDate && day > isoToDay(k.endDate)) return 'expired';
  return null;
}

function inScope(scope: PromotionScope, line: CouponLine): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'products') return scope.productIds.includes(line.productId);
  return line.categoryId !== null && scope.categoryIds.includes(line.categoryId);
}

/**
 * Prices the coupon on the lines: the engine's answer (per line, never more than what is left of
 * a line in scope), or why it gives nothing. Pure: the same at every till and online.
 */
export function priceCoupon(campaign: CouponCampaign, lines: readonly CouponLine[], ctx: { now: number; timeZone: string }): CouponPricing {
  const eligible = lines.reduce((s, l) => s + (inScope(campaign.reward.scope, l) ? Math.max(0, l.amount) : 0), 0);
  const refusal = campaignWindowRefusal(campaign, ctx.now, ctx.timeZone);
  if (refusal) return { ok: false, reason: refusal, eligible };
  if (eligible <= 0) return { ok: false, reason: 'nothingEligible', eligible };
  const minSpend = campaign.conditions.minSpend ?? 0;
  if (eligible < minSpend) return { ok: false, reason: 'minSpend', eligible, minSpend };
  const result = applyPromotions(
    lines.map((l) => ({
      id: l.id,
      productId: l.productId,
      categoryId: l.categoryId,
      unitPrice: Math.max(0, l.amount),
      qty: l.qty,
      unit: l.unit,
      fixedAmount: Math.max(0, l.amount),
    })),
    buildPromotionIndex([couponPromotion(campaign)]),
    { now: ctx.now, timeZone: ctx.timeZone, storeId: '' },
  );
  if (result.discountTotal <= 0) return { ok: false, reason: 'nothingEligible', eligible };
  return { ok: true, result, eligible };
}
