import type { couponsContract } from '../../shared/api/coupons';
import { staffOf, type HandlersFor } from '../router';
import { codesCsv, createCampaign, listCampaigns, listCodes, setCampaignActive } from './campaigns';
import { applyCoupon, couponPolicy, removeCoupon, setCouponPolicy } from './redeem';
import { listConflicts } from './conflicts';

export const couponsHandlers: HandlersFor<typeof couponsContract> = {
  'coupons.apply': (input, ctx) => applyCoupon(ctx.deps, staffOf(ctx), input),
  'coupons.remove': (_i, { deps }) => removeCoupon(deps),
  'coupons.campaigns': (_i, { deps }) => listCampaigns(deps),
  'coupons.create': (input, ctx) => createCampaign(ctx.deps, input, staffOf(ctx).id),
  'coupons.setActive': (input, ctx) => setCampaignActive(ctx.deps, input, staffOf(ctx).id),
  'coupons.codes': (input, { deps }) => listCodes(deps, input),
  'coupons.csv': (input, { deps }) => codesCsv(deps, input.campaignId),
  // pdf-lib and bwip-js load with the first sheet, not at start.
  'coupons.pdf': async (input, { deps }) => (await import('./sheet')).codesPdf(deps, input),
  'coupons.conflicts': (_i, { deps }) => listConflicts(deps),
  'coupons.policy': (_i, { deps }) => couponPolicy(deps),
  'coupons.setPolicy': (input, ctx) => setCouponPolicy(ctx.deps, input, staffOf(ctx).id),
};
