/** Builders for promotion tests: valid ids, promotions checked by the real schema, cart lines. */
import {
  promotionSchema,
  type Promotion,
  type PromotionContext,
  type PromotionLine,
  type PromotionRule,
} from '../../src/shared/promotions';
import type { Unit } from '../../src/shared/units';

/** A valid v4-shaped uuid numbered `n` within family `family` (0–15). */
export function uid(n: number, family = 0): string {
  return `00000000-0000-4000-8${family.toString(16)}00-${n.toString(16).padStart(12, '0')}`;
}

export const STORE = uid(1, 15);
export const SHANGHAI = 'Asia/Shanghai';
/** Friday 2026-12-04 12:00 in Shanghai. */
export const NOON_FRIDAY = Date.UTC(2026, 11, 4, 4, 0);

export function ctx(over: Partial<PromotionContext> = {}): PromotionContext {
  return { now: NOON_FRIDAY, timeZone: SHANGHAI, storeId: STORE, customer: null, ...over };
}

let next = 1;
/** A promotion as the router would accept it (parsed by the schema, so a bad fixture fails loudly). */
export function promo(rule: PromotionRule, over: Partial<Omit<Promotion, 'rule'>> = {}): Promotion {
  const id = over.id ?? uid(next++, 1);
  return promotionSchema.parse({ id, name: `promo ${id.slice(-4)}`, stacking: 'stackable', priority: 0, rule, ...over });
}

export function line(
  id: string,
  productId: string,
  unitPrice: number,
  qty: number,
  over: { categoryId?: string | null; unit?: Unit; manualDiscount?: PromotionLine['manualDiscount'] } = {},
): PromotionLine {
  return {
    id,
    productId,
    categoryId: over.categoryId ?? null,
    unitPrice,
    qty,
    unit: over.unit ?? 'each',
    manualDiscount: over.manualDiscount ?? null,
  };
}

export const products = (...n: number[]) => ({ kind: 'products' as const, productIds: n.map((i) => uid(i, 2)) });
export const categories = (...n: number[]) => ({ kind: 'categories' as const, categoryIds: n.map((i) => uid(i, 3)) });
export const ALL = { kind: 'all' as const };
export const product = (n: number) => uid(n, 2);
export const category = (n: number) => uid(n, 3);
