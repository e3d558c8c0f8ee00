/**
 * The coupon on the open cart, priced when the cart is loaded: after the promotions, on what they
 * and the clerk's line discounts left, before the cart discount. Its discount joins each line's
 * promotion discount and the cart's `applied` list, so totals, the order's lines, the receipt and
 * later returns treat it exactly like a promotion's (order_line_promotions keeps each line's share).
 */
import type { CartCoupon, CartLine } from '../../shared/api/types';
import type { AppliedPromotion } from '../../shared/promotions/engine';
import { formatCode } from '../../shared/coupons/code';
import { priceCoupon, type CouponLine } from '../../shared/coupons/rules';
import { discountAmount, lineGross } from '../../shared/pricing';
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';
import { findCampaign } from './campaigns';
import type { Cols, SqlRow } from '../db/rows';
import type { cartCoupons, cartLines, products } from '../db/schema';

const CART_COUPON_SQL = 'SELECT campaign_id AS campaignId, code FROM cart_coupons WHERE cart_id = ?';
const LINE_CATEGORIES_SQL =
  'SELECT l.id, p.category_id AS categoryId FROM cart_lines l JOIN products p ON p.id = l.product_id WHERE l.cart_id = ?';

/** How the coupon is named on the line and the receipt (both languages, like a promotion's name). */
export function couponLabel(campaign: { name: string; nameZh: string | null }): { name: string; nameZh: string } {
  return { name: `Coupon: ${campaign.name}`, nameZh: `优惠券：${campaign.nameZh ?? campaign.name}` };
}

/**
 * Adds the cart's coupon to its lines and `applied` (in place) and says what it gives, or null when
 * the cart has no coupon. One indexed read when it has none: this runs on every scan.
 */
export function priceCartCoupon(
  deps: Pick<Deps, 'sqlite' | 'clock'>,
  cartId: string,
  lines: CartLine[],
  applied: AppliedPromotion[],
  timeZone: string,
): CartCoupon | null {
  const row = cachedStatement(deps.sqlite, CART_COUPON_SQL).get(cartId) as
    (Cols<typeof cartCoupons, 'code'> & { campaignId: SqlRow<typeof cartCoupons>['campaign_id'] }) | undefined;
  if (!row) return null;
  const campaign = findCampaign(deps, row.campaignId);
  const base = { code: formatCode(row.code), campaignId: row.campaignId, amount: 0, minSpend: null };
  if (!campaign) return { ...base, name: '', nameZh: null, refusal: 'inactive' };
  const categories =
    campaign.reward.scope.kind === 'categories'
      ? new Map(
          (
            cachedStatement(deps.sqlite, LINE_CATEGORIES_SQL).all(cartId) as (Cols<typeof cartLines, 'id'> & {
              categoryId: SqlRow<typeof products>['category_id'];
            })[]
          ).map((r) => [r.id, r.categoryId]),
        )
      : null;
  const couponLines: CouponLine[] = lines.map((l) => {
    const gross = lineGross(l);
    return {
      id: l.id,
      productId: l.productId,
      categoryId: categories?.get(l.id) ?? null,
      amount: Math.max(0, gross - discountAmount(gross, l.discount) - (l.promotionDiscount ?? 0)),
      qty: l.qty,
      unit: l.unit,
    };
  });
  const priced = priceCoupon(campaign, couponLines, { now: deps.clock(), timeZone });
  const named = { ...base, name: campaign.name, nameZh: campaign.nameZh };
  if (!priced.ok) return { ...named, refusal: priced.reason, minSpend: priced.minSpend ?? null };
  const label = couponLabel(campaign);
  priced.result.lines.forEach((r, i) => {
    if (r.discount <= 0) return;
    const line = lines[i]!;
    line.promotionDiscount = (line.promotionDiscount ?? 0) + r.discount;
    line.promotions = [...(line.promotions ?? []), ...r.promotions];
  });
  for (const a of priced.result.applied) applied.push({ ...a, name: label.name, nameZh: label.nameZh });
  return { ...named, amount: priced.result.discountTotal, refusal: null };
}
