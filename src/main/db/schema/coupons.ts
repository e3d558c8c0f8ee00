import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { CouponConditions, CouponReward } from '../../../shared/coupons/rules';

/**
 * Coupon campaigns, their codes, and the ledger of redemptions. Plain ids, no references (like the
 * promotions): rows pulled from other tills land in any order.
 */

/** A campaign (synced, org-wide, merged per field): managers make it on one till, clerks redeem it on any. */
export const couponCampaigns = sqliteTable('coupon_campaigns', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh'),
  reward: text('reward', { mode: 'json' }).$type<CouponReward>().notNull(),
  conditions: text('conditions', { mode: 'json' }).$type<CouponConditions>().notNull(),
  mode: text('mode', { enum: ['shared', 'batch'] }).notNull(),
  /** Shared code: the most uses in all (null: no cap). */
  maxUses: integer('max_uses'),
  /** How many codes the campaign made (1 for a shared code). */
  codeCount: integer('code_count').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  hlc: text('hlc').notNull(),
});

/** Every code a campaign made (synced, append-only): a till recognises a code it has pulled. */
export const couponCodes = sqliteTable(
  'coupon_codes',
  {
    /** The canonical code (see src/shared/coupons/code.ts). */
    code: text('code').primaryKey(),
    campaignId: text('campaign_id').notNull(),
    /** 1…N within the campaign: the order codes are listed and printed in. */
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('coupon_codes_campaign_idx').on(t.campaignId, t.seq)],
);

/**
 * The redemption ledger (synced, append-only, org-wide): a `redeem` row per sale that used a code,
 * and a `release` row (negative amount, `reverses_id` naming the redeem) when the whole sale came
 * back. A code's live uses are its redeems without a release.
 */
export const couponRedemptions = sqliteTable(
  'coupon_redemptions',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').notNull(),
    code: text('code').notNull(),
    kind: text('kind', { enum: ['redeem', 'release'] }).notNull(),
    reversesId: text('reverses_id'),
    orderId: text('order_id').notNull(),
    customerId: text('customer_id'),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id'),
    /** The discount the sale gave (release: its negative). */
    amount: integer('amount').notNull(),
    /** Made while the till could not know every other till's redemptions (see docs/architecture.md). */
    offline: integer('offline', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('coupon_redemptions_code_idx').on(t.code),
    index('coupon_redemptions_customer_idx').on(t.campaignId, t.customerId),
    index('coupon_redemptions_order_idx').on(t.orderId),
    index('coupon_redemptions_reverses_idx').on(t.reversesId),
  ],
);

/** The code on the open cart (this till only). */
export const cartCoupons = sqliteTable('cart_coupons', {
  cartId: text('cart_id').primaryKey(),
  campaignId: text('campaign_id').notNull(),
  code: text('code').notNull(),
  staffId: text('staff_id'),
  addedAt: integer('added_at').notNull(),
});

/**
 * A single-use code redeemed more than once (found when other tills' redemptions are pulled):
 * one row per extra use, naming the use that stands. Derived from the ledger on each till.
 */
export const couponConflicts = sqliteTable(
  'coupon_conflicts',
  {
    /** The extra redemption. */
    redemptionId: text('redemption_id').primaryKey(),
    code: text('code').notNull(),
    /** The redemption that stands (the earliest). */
    keptId: text('kept_id').notNull(),
    detectedAt: integer('detected_at').notNull(),
  },
  (t) => [index('coupon_conflicts_code_idx').on(t.code)],
);
