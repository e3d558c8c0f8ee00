/**
 * "Try a cart": a manager's hypothetical cart priced exactly as the till would price it (the same
 * engine and the same pricing module, in the same order: line discount → promotions → cart
 * discount), with the promotion being edited standing in before it is saved. Reads only.
 */
import type { CartLine } from '../../shared/api/types';
import type { PromotionDraft, PromotionTryResult } from '../../shared/api/promotions';
import { applyPromotions, buildPromotionIndex } from '../../shared/promotions/engine';
import { promotionSchema, type Promotion } from '../../shared/promotions/schema';
import { amountLimitBreach, priceCart } from '../../shared/pricing';
import { AMOUNT_TOO_LARGE_KEY, MAX_CART_AMOUNT, MAX_LINE_AMOUNT } from '../../shared/money';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { readSettings } from '../settings/settings';
import { getState } from '../sync/state';
import { cachedStatement } from '../db/statements';
import type { Cols, SqlRow } from '../db/rows';
import type { products, promotions, taxRates } from '../db/schema';

type TryDeps = Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'settingsCache'>;

export interface TryInput {
  lines: { productId: string; qty: number }[];
  member?: boolean;
  draft?: PromotionDraft & { id?: string };
}

const PRODUCT_SQL = `SELECT p.id, p.unit, p.price, p.sku, p.name, p.alt_name AS altName, p.category_id AS categoryId, t.rate_bp AS taxRateBp
                     FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.id = ? AND p.archived = 0`;
const ACTIVE_SQL = 'SELECT id, definition FROM promotions WHERE active = 1';

/** PRODUCT_SQL */
type ProductRow = Cols<typeof products, 'id' | 'unit' | 'price' | 'sku' | 'name'> & {
  altName: SqlRow<typeof products>['alt_name'];
  categoryId: SqlRow<typeof products>['category_id'];
  taxRateBp: SqlRow<typeof taxRates>['rate_bp'];
};

/** The running promotions, with the draft in place of its stored version (or added as a new one). */
function promotionsWith(deps: TryDeps, draft: TryInput['draft']): Promotion[] {
  const rows = cachedStatement(deps.sqlite, ACTIVE_SQL).all() as Cols<typeof promotions, 'id' | 'definition'>[];
  const list: Promotion[] = [];
  for (const r of rows) {
    if (draft?.id === r.id) continue;
    // As the till does: a stored row that no longer parses is left out rather than failing the cart.
    const parsed = promotionSchema.safeParse(JSON.parse(r.definition));
    if (parsed.success) list.push(parsed.data);
  }
  if (draft) {
    const parsed = promotionSchema.safeParse({ ...draft, id: draft.id ?? deps.ids() });
    if (!parsed.success)
      throw new AppError('VALIDATION', 'That promotion is not valid', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      });
    list.push(parsed.data);
  }
  return list;
}

/** Sets each line's promotion discount and shares, as the till's cart does, and says what applied. */
function promote(deps: TryDeps, lines: CartLine[], categories: (string | null)[], list: Promotion[], timeZone: string, member: boolean) {
  if (list.length === 0) return [];
  const storeId = list.some((p) => p.conditions?.storeIds) ? (getState(deps.sqlite, 'cloud')?.storeId ?? '') : '';
  const result = applyPromotions(
    lines.map((l, i) => ({
      id: l.id,
      productId: l.productId,
      categoryId: categories[i]!,
      unitPrice: l.unitPrice,
      qty: l.qty,
      unit: l.unit,
      manualDiscount: null,
      fixedAmount: null,
    })),
    buildPromotionIndex(list),
    { now: deps.clock(), timeZone, storeId, customer: member ? { member: true, groupId: null } : null },
  );
  result.lines.forEach((r, i) => {
    if (r.discount <= 0) return;
    lines[i]!.promotionDiscount = r.discount;
    lines[i]!.promotions = r.promotions;
  });
  return result.applied;
}

export function tryCart(deps: TryDeps, input: TryInput): PromotionTryResult {
  const settings = readSettings(deps);
  const lines: CartLine[] = [];
  const categories: (string | null)[] = [];
  for (const [i, l] of input.lines.entries()) {
    const p = cachedStatement(deps.sqlite, PRODUCT_SQL).get(l.productId) as ProductRow | undefined;
    if (!p) throw notFound('Product', { field: `lines.${i}.productId` });
    if (p.unit === 'each' && l.qty % 1000 !== 0)
      throw new AppError('VALIDATION', 'This item is sold in whole units', { field: `lines.${i}.qty` });
    lines.push({
      id: deps.ids(),
      productId: p.id,
      sku: p.sku,
      name: p.name,
      altName: p.altName,
      unit: p.unit,
      qty: l.qty,
      unitPrice: p.price,
      originalPrice: p.price,
      taxRateBp: p.taxRateBp,
      discount: null,
      fixedAmount: null,
    });
    categories.push(p.categoryId);
  }
  const applied = promote(deps, lines, categories, promotionsWith(deps, input.draft), settings.timezone, input.member === true);
  const priced = priceCart({ mode: settings.priceMode, lines, cartDiscount: null });
  // The till refuses a sale past the amount limits; so does the trial.
  const breach = amountLimitBreach(lines, priced);
  if (breach)
    throw new AppError('VALIDATION', breach.lineId ? 'This line would be too large' : 'This sale would be too large', {
      messageKey: AMOUNT_TOO_LARGE_KEY,
      maxLine: MAX_LINE_AMOUNT,
      maxCart: MAX_CART_AMOUNT,
    });
  return { currency: settings.currency, priceMode: settings.priceMode, lines, priced, applied };
}
