import type { CartLine } from '../../shared/api/types';
import type { PromotionCustomer } from '../../shared/promotions/engine';
import { resolvePrice, type PriceContext } from '../../shared/price-lists/resolve';
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';
import { activePriceLists } from './state';
import type { SqlRow } from '../db/rows';
import type { customerMemberships } from '../db/schema';

const GROUP_SQL = 'SELECT group_id AS groupId FROM customer_memberships WHERE customer_id = ?';

/** The sale's customer as pricing sees it: any customer is a member; its group, if any. */
export function cartCustomer(deps: Pick<Deps, 'sqlite'>, customerId: string | null): PromotionCustomer | null {
  if (!customerId) return null;
  const row = cachedStatement(deps.sqlite, GROUP_SQL).get(customerId) as
    { groupId: SqlRow<typeof customerMemberships>['group_id'] } | undefined;
  return { member: true, groupId: row?.groupId ?? null };
}

/**
 * Re-prices the cart's lines from the price lists, in place, as the cart is read: attaching or
 * removing a customer and changing a quantity re-price at once, and the stored line keeps the shelf
 * price it was scanned at. A line whose price a manager overrode, or a priced scale label, keeps
 * its price. The line names the list that priced it (会员价), for the cart and the receipt.
 */
export function applyPriceLists(deps: Pick<Deps, 'sqlite' | 'priceLists'>, lines: CartLine[], customer: PromotionCustomer | null): void {
  const { byProduct, storeId } = activePriceLists(deps);
  // Without a customer only a store's list can apply.
  if (byProduct.size === 0 || (customer === null && storeId === '')) return;
  const ctx: PriceContext = { customer: customer ? { groupId: customer.groupId ?? null } : null, storeId };
  for (const line of lines) {
    if (line.fixedAmount !== null || line.unitPrice !== line.originalPrice) continue;
    const entries = byProduct.get(line.productId);
    if (!entries) continue;
    const r = resolvePrice(line.unitPrice, line.qty, entries, ctx);
    if (!r.list) continue;
    line.unitPrice = r.price;
    line.priceList = { id: r.list.id, name: r.list.name, nameZh: r.list.nameZh };
  }
}
