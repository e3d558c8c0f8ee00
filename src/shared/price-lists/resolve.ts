/**
 * Which price a cart line pays, given the price lists (会员价, 批发价, a store's own prices). Pure:
 * the till and the online shop resolve a price the same way.
 *
 * The rule:
 * 1. A list applies to a sale when it is active and its target matches: `members` — any customer is
 *    attached; `group` — the attached customer is in that group; `store` — the sale is made in that
 *    store (any customer or none).
 * 2. An entry of an applying list is a candidate when the line's quantity reaches its minimum
 *    quantity (quantity breaks: 10 or more at ¥8).
 * 3. The line pays the lowest candidate price; on a tie the list with the smaller id wins, so every
 *    till explains the price by the same list.
 * 4. A list never raises a price: a candidate at or above the product's own price is ignored and
 *    the line keeps its base price. (A list is a customer's advantage; a list left behind after the
 *    shelf price drops must not make members pay more than walk-in customers.)
 *
 * Consequences the property tests hold: the price is never above the base price; it is the base
 * price or one of the applying entries' prices; more quantity never makes a unit dearer.
 */

export type PriceListTarget = { kind: 'members' } | { kind: 'group'; groupId: string } | { kind: 'store'; storeId: string };

export interface PriceListInfo {
  id: string;
  name: string;
  nameZh: string | null;
  target: PriceListTarget;
}

export interface PriceEntry {
  list: PriceListInfo;
  /** Thousandths: the entry applies from this quantity on (0: always). */
  minQty: number;
  /** Unit price, minor units. */
  price: number;
}

export interface PriceContext {
  /** The attached customer and its group; null: no customer on the sale. */
  customer: { groupId: string | null } | null;
  /** The till's store ('' before it joins one: store lists do not apply). */
  storeId: string;
}

export interface ResolvedPrice {
  price: number;
  /** The list that gave the price; null: the base price. */
  list: PriceListInfo | null;
}

export function listApplies(target: PriceListTarget, ctx: PriceContext): boolean {
  switch (target.kind) {
    case 'members':
      return ctx.customer !== null;
    case 'group':
      return ctx.customer !== null && ctx.customer.groupId === target.groupId;
    case 'store':
      return ctx.storeId !== '' && ctx.storeId === target.storeId;
  }
}

/** The unit price for `qty` (thousandths) of a product whose own price is `basePrice`. */
export function resolvePrice(basePrice: number, qty: number, entries: readonly PriceEntry[], ctx: PriceContext): ResolvedPrice {
  let best: PriceEntry | null = null;
  for (const e of entries) {
    if (e.minQty > qty || e.price >= basePrice) continue;
    if (best && (e.price > best.price || (e.price === best.price && e.list.id >= best.list.id))) continue;
    if (!listApplies(e.list.target, ctx)) continue;
    best = e;
  }
  return best ? { price: best.price, list: best.list } : { price: basePrice, list: null };
}
