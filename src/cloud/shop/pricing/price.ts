/**
 * Pricing goods online exactly as the till prices a cart: the price lists set each line's unit
 * price, the promotion engine takes its discounts off what that leaves, and the pricing module
 * computes tax and totals on the result. There is no clerk online, so no line or cart discount; a
 * buyer who is a till customer gets that customer's member and group terms (member.ts).
 */
import { applyPromotions, type AppliedPromotion } from '../../../shared/promotions/engine';
import { resolvePrice, type PriceListInfo } from '../../../shared/price-lists/resolve';
import { priceCart, type PricedCart, type PriceMode } from '../../../shared/pricing';
import type { Unit } from '../../../shared/units';
import type { ShopPricingRules } from './rules';

export interface GoodsLine {
  id: string;
  productId: string;
  categoryId: string | null;
  unit: Unit;
  /** The shelf price. */
  price: number;
  taxRateBp: number;
  qty: number;
}

/** A promotion's share of one line, named as the till names it. */
export interface LinePromotion {
  promotionId: string;
  name: string;
  nameZh: string | null;
  amount: number;
}

export interface GoodsPricing {
  priced: PricedCart;
  /** Per line: the unit price paid before promotions (a list's, else the shelf price). */
  unitPrices: number[];
  /** Per line: the list that set its price, or null. */
  lists: (Pick<PriceListInfo, 'id' | 'name' | 'nameZh'> | null)[];
  /** Per line: what each promotion took off it, in the order they applied. */
  shares: LinePromotion[][];
  /** The promotions that applied, with their total discount, in the order they applied. */
  applied: LinePromotion[];
}

export function priceGoodsLikeTill(mode: PriceMode, lines: readonly GoodsLine[], rules: ShopPricingRules, now: number): GoodsPricing {
  const customer = rules.member && { groupId: rules.member.groupId };
  const ctx = { customer, storeId: rules.storeId };
  const lists: GoodsPricing['lists'] = [];
  const unitPrices = lines.map((l) => {
    const entries = rules.listEntries.get(l.productId);
    const r = entries ? resolvePrice(l.price, l.qty, entries, ctx) : null;
    lists.push(r?.list ? { id: r.list.id, name: r.list.name, nameZh: r.list.nameZh } : null);
    return r?.list ? r.price : l.price;
  });
  const result =
    rules.promotions.size === 0 || lines.length === 0
      ? null
      : applyPromotions(
          lines.map((l, i) => ({
            id: l.id,
            productId: l.productId,
            categoryId: l.categoryId,
            unitPrice: unitPrices[i]!,
            qty: l.qty,
            unit: l.unit,
            manualDiscount: null,
            fixedAmount: null,
          })),
          rules.promotions,
          { now, timeZone: rules.timeZone, storeId: rules.storeId, customer: customer && { member: true, groupId: customer.groupId } },
        );
  const named = new Map<string, AppliedPromotion>((result?.applied ?? []).map((a) => [a.promotionId, a]));
  const shares = lines.map((_, i) =>
    (result?.lines[i]?.promotions ?? [])
      .filter((s) => s.amount > 0)
      .map((s) => {
        const a = named.get(s.promotionId);
        return { promotionId: s.promotionId, name: a?.name ?? '', nameZh: a?.nameZh ?? null, amount: s.amount };
      }),
  );
  const priced = priceCart({
    mode,
    lines: lines.map((l, i) => ({
      id: l.id,
      unitPrice: unitPrices[i]!,
      qty: l.qty,
      taxRateBp: l.taxRateBp,
      promotionDiscount: result?.lines[i]?.discount ?? 0,
    })),
  });
  const applied = (result?.applied ?? [])
    .filter((a) => a.amount > 0)
    .map((a) => ({ promotionId: a.promotionId, name: a.name, nameZh: a.nameZh ?? null, amount: a.amount }));
  return { priced, unitPrices, lists, shares, applied };
}

/** What one unit of a product costs online now, when a list or a promotion lowers it; null when it pays its shelf price. */
export interface UnitDeal {
  /** The unit's amount after the list and the promotions (before tax in a tax-exclusive store, as the shelf price). */
  price: number;
  /** The list's or the promotion's name (the one that gave the most). */
  name: string;
  nameZh: string | null;
}

export function unitDeal(line: Omit<GoodsLine, 'qty' | 'id'>, rules: ShopPricingRules, now: number): UnitDeal | null {
  const one = priceGoodsLikeTill('inclusive', [{ ...line, id: line.productId, qty: 1000 }], rules, now);
  const l = one.priced.lines[0]!;
  const price = l.gross - l.promotionDiscount;
  if (price >= line.price) return null;
  const listOff = line.price - one.unitPrices[0]!;
  const best = [...one.shares[0]!].sort((a, b) => b.amount - a.amount)[0];
  const by = best && best.amount > listOff ? best : one.lists[0];
  return by ? { price, name: by.name, nameZh: by.nameZh } : null;
}
