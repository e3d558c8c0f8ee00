import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import { safeLine } from '../text';
import type { Cart } from './types';
import { campaignDraftSchema, type CouponConditions, type CouponMode, type CouponReward } from '../coupons/rules';
import { MAX_CODE_INPUT } from '../coupons/code';

/** A campaign as the managers' screen lists it. */
export interface CouponCampaignRecord {
  id: string;
  name: string;
  nameZh: string | null;
  reward: CouponReward;
  conditions: CouponConditions;
  mode: CouponMode;
  maxUses: number | null;
  codeCount: number;
  active: boolean;
  createdAt: number;
  updatedAt: number;
  /** Live redemptions (released ones not counted). */
  used: number;
  /** The shared code, grouped for reading; null for a batch. */
  sharedCode: string | null;
}

export interface CouponCodeRow {
  /** Grouped for reading. */
  code: string;
  seq: number;
  status: 'unused' | 'used';
  /** The sale that used it (the first live one), with where and when. */
  orderId: string | null;
  orderNumber: string | null;
  terminalCode: string | null;
  usedAt: number | null;
  /** Live uses: above 1 is a conflict (see coupons.conflicts). */
  uses: number;
}

export interface CouponCodePage {
  total: number;
  rows: CouponCodeRow[];
}

export interface CouponUse {
  redemptionId: string;
  orderId: string;
  orderNumber: string | null;
  terminalCode: string;
  staffId: string | null;
  staffName: string | null;
  at: number;
  amount: number;
  offline: boolean;
}

/** A single-use code redeemed twice: both sales, where, by whom, when, and the discount given twice. */
export interface CouponConflict {
  code: string;
  campaignId: string;
  campaignName: string;
  kept: CouponUse;
  extra: CouponUse;
  /** What the extra use gave away. */
  amount: number;
  detectedAt: number;
}

export interface CouponPolicy {
  /** Single-use and limited redemptions a till may make per offline period. */
  offlineCap: number;
  /** A till that has not synced for this long counts as offline for coupons. */
  freshMinutes: number;
  /** Offline redemptions this till holds that the cloud has not received. */
  offlineHeld: number;
  offline: boolean;
}

/** What a clerk types or scans: bounded before anything reads it. */
const codeInput = safeLine(MAX_CODE_INPUT, { min: 1 });

export const couponsContract = {
  /** Puts a code on the open sale: refused (the sale unchanged) when it cannot be used now. */
  'coupons.apply': channel<Cart>()({ input: z.object({ code: codeInput }).strict(), role: 'clerk', writes: true }),
  'coupons.remove': channel<Cart>()({ input: c.empty, role: 'clerk', writes: true }),
  'coupons.campaigns': channel<CouponCampaignRecord[]>()({ input: c.empty, role: 'manager', writes: false }),
  /** A new campaign with its shared code or its batch of single-use codes (made here, from a CSPRNG). */
  'coupons.create': channel<CouponCampaignRecord>()({
    input: z.object({ campaign: campaignDraftSchema, active: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'coupons.setActive': channel<CouponCampaignRecord>()({
    input: z.object({ id: c.id, active: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'coupons.codes': channel<CouponCodePage>()({
    input: z
      .object({
        campaignId: c.id,
        status: z.enum(['all', 'unused', 'used']).optional(),
        offset: z.number().int().min(0).max(1_000_000).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'coupons.csv': channel<{ fileName: string; csv: string; rows: number }>()({
    input: z.object({ campaignId: c.id }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** A printable A4 sheet of codes, each with its QR code (at most 2,000 codes a sheet). */
  'coupons.pdf': channel<{ base64: string; codes: number; fileName: string }>()({
    input: z
      .object({
        campaignId: c.id,
        offset: z.number().int().min(0).max(1_000_000).optional(),
        limit: z.number().int().min(1).max(2000).optional(),
        status: z.enum(['all', 'unused']).optional(),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'coupons.conflicts': channel<CouponConflict[]>()({ input: c.empty, role: 'manager', writes: false }),
  'coupons.policy': channel<CouponPolicy>()({ input: c.empty, role: 'manager', writes: false }),
  'coupons.setPolicy': channel<CouponPolicy>()({
    input: z.object({ offlineCap: z.number().int().min(0).max(10_000) }).strict(),
    role: 'manager',
    writes: true,
  }),
};
