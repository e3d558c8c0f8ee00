/**
 * The price one unit of each product pays online now, for the product cards and pages: the store's
 * lists and the active promotions applied to a cart of just that unit, the way the cart prices it
 * (for a buyer who is a till customer, with that customer's terms: member.ts).
 * A promotion that needs more than one unit (buy one get one, any 3 for ¥10) does not show here;
 * the cart shows it once it applies.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { isUnit } from '../../../shared/units';
import type { CloudDb } from '../../db/open';
import { shopProducts } from '../catalog/schema';
import { loadPricingRules } from './rules';
import type { ShopMember } from './member';
import { unitDeal, type UnitDeal } from './price';

export async function unitDeals(
  db: CloudDb,
  at: { orgId: string; storeId: string; timeZone: string; pricing?: boolean; member?: ShopMember | null },
  productIds: string[],
  now: number,
): Promise<Map<string, UnitDeal>> {
  const out = new Map<string, UnitDeal>();
  const ids = [...new Set(productIds)];
  // An organisation without promotions or price lists (read with the store) has no deals to look up.
  if (ids.length === 0 || at.pricing === false) return out;
  const rules = await loadPricingRules(db, at, ids);
  if (rules.promotions.size === 0 && rules.listEntries.size === 0) return out;
  const rows = await db
    .select()
    .from(shopProducts)
    .where(and(eq(shopProducts.orgId, at.orgId), inArray(shopProducts.productId, ids)));
  for (const p of rows) {
    const deal = unitDeal(
      { productId: p.productId, categoryId: p.categoryId, unit: isUnit(p.unit) ? p.unit : 'each', price: p.price, taxRateBp: p.taxRateBp },
      rules,
      now,
    );
    if (deal) out.set(p.productId, deal);
  }
  return out;
}
