import type { Cart, CartLine } from '../../shared/api/types';
import { amountLimitBreach, discountAmount, lineGross, priceCart, type Discount } from '../../shared/pricing';
import { AMOUNT_TOO_LARGE_KEY, MAX_CART_AMOUNT, MAX_LINE_AMOUNT } from '../../shared/money';
import { decodeScaleBarcode } from '../../shared/scale-barcode';
import { divRound } from '../../shared/pricing';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { readSettings } from '../settings/settings';
import type { SessionStaff } from '../sessions';
import type { VerifiedApproval } from '../staff/staff';
import { SKU_ANY_CASE, skuCases } from '../catalog/products';
import { roleRank } from '../../shared/api/define';
import { cachedStatement } from '../db/statements';
import { gramsToQty, isWeighed } from '../../shared/units';
import { applyPromotions, type AppliedPromotion, type PromotionCustomer } from '../../shared/promotions/engine';
import { activePromotions } from '../promotions/state';
import { priceCartCoupon } from '../coupons/pricing';
import { applyPriceLists, cartCustomer } from '../price-lists/cart-prices';
import type { Cols, SqlRow } from '../db/rows';
import type { carts, cartLines, paymentIntents, products, taxRates, trades as tradesTable } from '../db/schema';

type CartLineCol = SqlRow<typeof cartLines>;
type ProductCol = SqlRow<typeof products>;

type LineRow = Cols<typeof cartLines, 'id' | 'sku' | 'name' | 'unit' | 'qty' | 'discount'> & {
  productId: CartLineCol['product_id'];
  altName: CartLineCol['alt_name'];
  unitPrice: CartLineCol['unit_price'];
  originalPrice: CartLineCol['original_price'];
  taxRateBp: SqlRow<typeof taxRates>['rate_bp'];
  fixedAmount: CartLineCol['fixed_amount'];
};

/** Every field of a cart line the lines statement must read (the rest are set by pricing). */
type StoredLineFields = { [K in Exclude<keyof CartLine, 'promotionDiscount' | 'promotions' | 'priceList'>]: unknown };

const PRODUCT_COLS = 'p.id, p.unit, p.price, p.sku, p.name, p.alt_name AS altName, p.tax_rate_id AS taxRateId, p.category_id AS categoryId';

/**
 * The statements of the scan path (run on every scan, so compiled once per connection). Exported
 * so that the bench's raw baseline runs exactly this SQL.
 */
// `+p.archived` keeps a product lookup by id on the unique id index (one row, then the table)
// rather than the wider stock-list covering index, which made every scan ~0.07 ms slower.
export const CART_SQL = {
  openCart: "SELECT id FROM carts WHERE terminal_code = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1",
  cartHead: 'SELECT id, cart_discount AS cartDiscount, customer_id AS customerId, updated_at AS updatedAt FROM carts WHERE id = ?',
  // The line keeps the product as scanned (see the schema): no product lookups per line.
  lines: `SELECT l.id, l.product_id AS productId, l.sku, l.name, l.alt_name AS altName, l.unit, l.qty, l.unit_price AS unitPrice,
                 l.original_price AS originalPrice, t.rate_bp AS taxRateBp, l.discount, l.fixed_amount AS fixedAmount
          FROM cart_lines l JOIN tax_rates t ON t.id = l.tax_rate_id
          WHERE l.cart_id = ? ORDER BY l.position`,
  // Only when some promotion is filed by category: each line keeps its product's category as scanned.
  lineCategories: 'SELECT id, category_id AS categoryId FROM cart_lines WHERE cart_id = ?',
  newCart:
    "INSERT INTO carts (id, terminal_code, staff_id, status, cart_discount, created_at, updated_at) VALUES (?, ?, ?, 'open', NULL, ?, ?)",
  cardsInFlight: "SELECT status FROM payment_intents WHERE cart_id = ? AND order_id IS NULL AND status IN ('pending', 'approved')",
  tradesInFlight: `SELECT state FROM trades WHERE cart_id = ? AND order_id IS NULL
                     AND state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling', 'paid')`,
  touch: 'UPDATE carts SET updated_at = ? WHERE id = ?',
  byBarcode: `SELECT ${PRODUCT_COLS} FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ? AND +p.archived = 0`,
  byPlu: `SELECT ${PRODUCT_COLS} FROM products p WHERE p.plu = ? AND p.archived = 0`,
  bySku: `SELECT ${PRODUCT_COLS} FROM products p WHERE ${SKU_ANY_CASE} AND p.archived = 0`,
  byId: `SELECT ${PRODUCT_COLS} FROM products p WHERE p.id = ? AND +p.archived = 0`,
  sameLine:
    'SELECT id, qty FROM cart_lines WHERE cart_id = ? AND product_id = ? AND fixed_amount IS NULL AND discount IS NULL AND unit_price = ? ORDER BY position DESC LIMIT 1',
  setQty: 'UPDATE cart_lines SET qty = ? WHERE id = ?',
  nextPosition: 'SELECT COALESCE(MAX(position), 0) + 1 AS n FROM cart_lines WHERE cart_id = ?',
  insertLine: `INSERT INTO cart_lines (id, cart_id, product_id, position, qty, unit_price, discount, fixed_amount, scanned_code,
                 sku, name, alt_name, unit, original_price, tax_rate_id, category_id)
               VALUES (@lineId, @cartId, @id, @position, @qty, @price, NULL, @fixedAmount, @code, @sku, @name, @altName, @unit, @price, @taxRateId,
                       @categoryId)`,
} as const;

function parseDiscount(json: string | null): Discount | null {
  return json ? (JSON.parse(json) as Discount) : null;
}

export function openCartId(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): string | null {
  const row = cachedStatement(deps.sqlite, CART_SQL.openCart).get(deps.terminalCode) as Cols<typeof carts, 'id'> | undefined;
  return row?.id ?? null;
}

/**
 * The terminal's open cart, priced by the shared pricing module (main is the authority).
 *
 * The order discounts apply in: the clerk's line discount first, then the promotions on what it
 * leaves (the engine sees each line's amount after its manual discount), then the cart discount on
 * what both leave. Tax is computed on the result, so promotions lower the tax like any discount.
 * Promotions are read at this moment, in the store's time zone, for the attached customer (any
 * customer counts as a member; a group-limited promotion needs the customer's group). Before all
 * that, the price lists set each line's unit price (会员价), so promotions apply on the list price.
 */
export function loadCart(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'promotions' | 'priceLists' | 'settingsCache'>,
  cartId: string | null = openCartId(deps),
): Cart {
  const settings = readSettings(deps);
  const cart = cartId
    ? (cachedStatement(deps.sqlite, CART_SQL.cartHead).get(cartId) as
        | (Cols<typeof carts, 'id'> & {
            cartDiscount: SqlRow<typeof carts>['cart_discount'];
            customerId: SqlRow<typeof carts>['customer_id'];
            updatedAt: SqlRow<typeof carts>['updated_at'];
          })
        | undefined)
    : undefined;
  const rows = cart ? (cachedStatement(deps.sqlite, CART_SQL.lines).all(cart.id) as LineRow[]) : [];
  // The rows become the lines in place: a scan reads the whole cart, and copies of every line made
  // work for the garbage collector that showed in the scan's p99. The line's product fields are
  // nullable in the schema only for carts older than them: every line written since has them.
  const lines = rows satisfies StoredLineFields[] as unknown as CartLine[];
  for (const r of rows) if (r.discount !== null) (r as unknown as CartLine).discount = parseDiscount(r.discount);
  const cartDiscount = parseDiscount(cart?.cartDiscount ?? null);
  const customer = cart && lines.length > 0 ? cartCustomer(deps, cart.customerId) : null;
  if (lines.length > 0) applyPriceLists(deps, lines, customer);
  const applied = cart && lines.length > 0 ? promote(deps, cart.id, customer, lines, settings.timezone) : [];
  // A coupon applies after the promotions, on what they left (src/main/coupons/pricing.ts).
  const coupon = cart && lines.length > 0 ? priceCartCoupon(deps, cart.id, lines, applied, settings.timezone) : null;
  return {
    id: cart?.id ?? null,
    currency: settings.currency,
    priceMode: settings.priceMode,
    lines,
    cartDiscount,
    priced: priceCart({ mode: settings.priceMode, lines, cartDiscount }),
    applied,
    updatedAt: cart?.updatedAt ?? 0,
    coupon,
  };
}

/** Sets each line's promotion discount (read by `priceCart`) and says which promotions applied. */
function promote(
  deps: Pick<Deps, 'sqlite' | 'clock' | 'promotions'>,
  cartId: string,
  customer: PromotionCustomer | null,
  lines: CartLine[],
  timeZone: string,
): AppliedPromotion[] {
  // The index is compiled once per change to the promotions, never per scan.
  const { index, storeId } = activePromotions(deps);
  if (index.size === 0) return [];
  const categories =
    index.byCategory.size > 0
      ? new Map(
          (
            cachedStatement(deps.sqlite, CART_SQL.lineCategories).all(cartId) as (Cols<typeof cartLines, 'id'> & {
              categoryId: CartLineCol['category_id'];
            })[]
          ).map((r) => [r.id, r.categoryId]),
        )
      : null;
  const result = applyPromotions(
    lines.map((l) => ({
      id: l.id,
      productId: l.productId,
      categoryId: categories?.get(l.id) ?? null,
      unitPrice: l.unitPrice,
      qty: l.qty,
      unit: l.unit,
      manualDiscount: l.discount,
      fixedAmount: l.fixedAmount,
    })),
    index,
    { now: deps.clock(), timeZone, storeId, customer },
  );
  result.lines.forEach((r, i) => {
    const line = lines[i]!;
    if (r.discount <= 0) return;
    line.promotionDiscount = r.discount;
    line.promotions = r.promotions;
  });
  return result.applied;
}

/**
 * Refuses a sale that passes the amount limits (a line or the whole sale). Run after a change
 * inside the handler's transaction, so the change is rolled back with nothing half-written.
 */
export function assertWithinLimits(cart: Cart): void {
  const breach = amountLimitBreach(cart.lines, cart.priced);
  if (!breach) return;
  throw new AppError('VALIDATION', breach.lineId ? 'This line would be too large' : 'This sale would be too large', {
    messageKey: AMOUNT_TOO_LARGE_KEY,
    lineId: breach.lineId,
    maxLine: MAX_LINE_AMOUNT,
    maxCart: MAX_CART_AMOUNT,
  });
}

/** The open cart after a change that can raise an amount, refused past the limits. */
function checkedCart(deps: Deps, cartId?: string): Cart {
  const cart = cartId === undefined ? loadCart(deps) : loadCart(deps, cartId);
  assertWithinLimits(cart);
  return cart;
}

function ensureCart(deps: Deps, staff: SessionStaff): string {
  const existing = openCartId(deps);
  if (existing) return existing;
  const id = deps.ids();
  const now = deps.clock();
  cachedStatement(deps.sqlite, CART_SQL.newCart).run(id, deps.terminalCode, staff.id, now, now);
  return id;
}

/**
 * While the terminal is charging a card for this sale, the sale is frozen; once a card payment is
 * approved, items may still be added but nothing that lowers the total (void the card first).
 */
/**
 * A sale being paid must not change under its payment. `void`: the whole sale is abandoned, which a
 * paid provider trade allows (the reconciler gives that money back automatically).
 */
export function assertNoCardInFlight(deps: Pick<Deps, 'sqlite'>, cartId: string | null, change: 'add' | 'reduce' | 'void'): void {
  if (!cartId) return;
  const rows = cachedStatement(deps.sqlite, CART_SQL.cardsInFlight).all(cartId) as Cols<typeof paymentIntents, 'status'>[];
  if (rows.some((r) => r.status === 'pending'))
    throw new AppError('CONFLICT', 'The card terminal is still processing a payment for this sale', { reason: 'cardPending' });
  if (change !== 'add' && rows.length > 0)
    throw new AppError('CONFLICT', 'A card payment was approved for this sale: void it before changing the sale', {
      reason: 'cardApproved',
    });
  // A provider payment (Alipay, WeChat Pay, the card reader) likewise: the sale it pays must not change under it.
  const trades = cachedStatement(deps.sqlite, CART_SQL.tradesInFlight).all(cartId) as Cols<typeof tradesTable, 'state'>[];
  if (trades.some((t) => t.state !== 'paid'))
    throw new AppError('CONFLICT', 'A payment for this sale is still waiting for an answer', { reason: 'tradePending' });
  if (change === 'reduce' && trades.length > 0)
    throw new AppError('CONFLICT', 'This sale was paid through a payment provider: cancel that payment before changing the sale', {
      reason: 'tradePaid',
    });
}

function touch(deps: Deps, cartId: string): void {
  cachedStatement(deps.sqlite, CART_SQL.touch).run(deps.clock(), cartId);
}

/** The columns of PRODUCT_COLS. */
type ProductForSale = Cols<typeof products, 'id' | 'unit' | 'price' | 'sku' | 'name'> & {
  altName: ProductCol['alt_name'];
  taxRateId: ProductCol['tax_rate_id'];
  categoryId: ProductCol['category_id'];
};

/** A scan resolves a barcode, a scale label (weight or price embedded) or a SKU. */
function resolveCode(deps: Deps, code: string): { product: ProductForSale; qty: number; fixedAmount: number | null } | null {
  const byBarcode = cachedStatement(deps.sqlite, CART_SQL.byBarcode).get(code) as ProductForSale | undefined;
  if (byBarcode) return { product: byBarcode, qty: 1000, fixedAmount: null };
  const scale = decodeScaleBarcode(code, readSettings(deps).scale);
  if (scale) {
    const product = cachedStatement(deps.sqlite, CART_SQL.byPlu).get(scale.plu) as ProductForSale | undefined;
    if (product) {
      if (scale.kind === 'weight') {
        if (scale.grams <= 0) return null;
        // Weighed goods: the label's grams in the product's unit (680 g of a per-斤 item is 1.360 斤);
        // counted goods: the label's number is the count.
        if (!isWeighed(product.unit)) return { product, qty: scale.grams * 1000, fixedAmount: null };
        const qty = gramsToQty(scale.grams, product.unit);
        return qty > 0 ? { product, qty, fixedAmount: null } : null;
      }
      const qty = isWeighed(product.unit) && product.price > 0 ? Math.max(1, divRound(scale.minor * 1000, product.price)) : 1000;
      return { product, qty, fixedAmount: scale.minor };
    }
  }
  const bySku = cachedStatement(deps.sqlite, CART_SQL.bySku).get(...skuCases(code)) as ProductForSale | undefined;
  return bySku ? { product: bySku, qty: 1000, fixedAmount: null } : null;
}

function addLine(
  deps: Deps,
  staff: SessionStaff,
  product: ProductForSale,
  qty: number,
  fixedAmount: number | null,
  code: string | null,
): string {
  const cartId = ensureCart(deps, staff);
  assertNoCardInFlight(deps, cartId, 'add');
  // Scanning the same counted item again raises the quantity instead of adding a line.
  if (product.unit === 'each' && fixedAmount === null) {
    const same = cachedStatement(deps.sqlite, CART_SQL.sameLine).get(cartId, product.id, product.price) as
      Cols<typeof cartLines, 'id' | 'qty'> | undefined;
    if (same) {
      if (same.qty + qty > 100_000_000) throw new AppError('VALIDATION', 'Quantity too large');
      cachedStatement(deps.sqlite, CART_SQL.setQty).run(same.qty + qty, same.id);
      touch(deps, cartId);
      return cartId;
    }
  }
  const pos = cachedStatement(deps.sqlite, CART_SQL.nextPosition).get(cartId) as { n: number };
  if (pos.n > 500) throw new AppError('VALIDATION', 'A sale can have at most 500 lines');
  cachedStatement(deps.sqlite, CART_SQL.insertLine).run({
    ...product,
    lineId: deps.ids(),
    cartId,
    position: pos.n,
    qty,
    fixedAmount,
    code,
  });
  touch(deps, cartId);
  return cartId;
}

export function scan(deps: Deps, staff: SessionStaff, code: string): Cart {
  const hit = resolveCode(deps, code);
  if (!hit) throw new AppError('NOT_FOUND', `Unknown barcode ${code}`, { code });
  // The cart the line went into is the terminal's open cart: no need to look it up again.
  return checkedCart(deps, addLine(deps, staff, hit.product, hit.qty, hit.fixedAmount, code));
}

export function addProduct(deps: Deps, staff: SessionStaff, productId: string, qty?: number): Cart {
  const product = cachedStatement(deps.sqlite, CART_SQL.byId).get(productId) as ProductForSale | undefined;
  if (!product) throw notFound('Product');
  const q = qty ?? 1000;
  if (product.unit === 'each' && q % 1000 !== 0) throw new AppError('VALIDATION', 'This item is sold in whole units', { field: 'qty' });
  return checkedCart(deps, addLine(deps, staff, product, q, null, null));
}

interface LineCtx {
  cartId: string;
  line: Cols<typeof cartLines, 'id' | 'qty' | 'unit'> & {
    unitPrice: CartLineCol['unit_price'];
    fixedAmount: CartLineCol['fixed_amount'];
    originalPrice: CartLineCol['original_price'];
    productId: CartLineCol['product_id'];
  };
}

function openLine(deps: Deps, lineId: string): LineCtx {
  const cartId = openCartId(deps);
  const line = cartId
    ? (deps.sqlite
        .prepare(
          `SELECT id, qty, unit_price AS unitPrice, fixed_amount AS fixedAmount, unit, original_price AS originalPrice, product_id AS productId
           FROM cart_lines WHERE id = ? AND cart_id = ?`,
        )
        .get(lineId, cartId) as LineCtx['line'] | undefined)
    : undefined;
  if (!cartId || !line) throw new AppError('NOT_FOUND', 'That line is not in the current sale', { lineId });
  assertNoCardInFlight(deps, cartId, 'reduce');
  return { cartId, line };
}

/** Checked before the transaction opens (staff.ts verifyApproval): the PIN hash must not hold it. */
type Approval = VerifiedApproval | undefined;

/**
 * An amount discount that was within the limit can exceed it once the quantity drops or a line
 * goes (1.50 off ten colas is 100% off one): such a change needs the same approval.
 */
function recheckAmountDiscounts(deps: Deps, staff: SessionStaff, approval: Approval): void {
  const cart = loadCart(deps);
  let over = false;
  cart.lines.forEach((l, i) => {
    if (l.discount?.kind === 'amount' && overLimit(deps, cart.priced.lines[i]!.gross, l.discount)) over = true;
  });
  const base = cart.priced.lines.reduce((s, l) => s + l.gross - l.lineDiscount - l.promotionDiscount, 0);
  if (cart.cartDiscount?.kind === 'amount' && overLimit(deps, base, cart.cartDiscount)) over = true;
  const approvedBy = authorize(staff, approval, 'discount.recheck', over);
  if (approvedBy) recordAudit(deps, { staffId: staff.id, action: 'discount.recheck', target: cart.id, approvedBy, success: true });
}

export function setQty(deps: Deps, staff: SessionStaff, lineId: string, qty: number, approval?: Approval): Cart {
  const { cartId, line } = openLine(deps, lineId);
  if (line.unit === 'each' && qty % 1000 !== 0) throw new AppError('VALIDATION', 'This item is sold in whole units', { field: 'qty' });
  if (line.fixedAmount !== null) throw new AppError('CONFLICT', 'A priced scale label has a fixed quantity');
  cachedStatement(deps.sqlite, CART_SQL.setQty).run(qty, lineId);
  if (qty < line.qty) recheckAmountDiscounts(deps, staff, approval);
  touch(deps, cartId);
  return checkedCart(deps);
}

export function removeLine(deps: Deps, staff: SessionStaff, lineId: string, approval?: Approval): Cart {
  const { cartId, line } = openLine(deps, lineId);
  deps.sqlite.prepare('DELETE FROM cart_lines WHERE id = ?').run(lineId);
  recheckAmountDiscounts(deps, staff, approval);
  recordAudit(deps, {
    staffId: staff.id,
    action: 'cart.removeLine',
    target: cartId,
    details: { productId: line.productId, qty: line.qty },
    success: true,
  });
  touch(deps, cartId);
  return loadCart(deps);
}

/**
 * Privileged cart actions: a clerk needs a manager's PIN on the spot; a manager approves their
 * own. Either way the action is audited with who approved it.
 */
function authorize(staff: SessionStaff, approval: Approval, action: string, needed: boolean): string | null {
  if (!needed) return null;
  if (roleRank(staff.role) >= roleRank('manager')) return staff.id;
  if (!approval) throw new AppError('APPROVAL_REQUIRED', 'A manager must approve this', { action });
  return approval.approverId;
}

function overLimit(deps: Deps, base: number, discount: Discount | null): boolean {
  if (!discount) return false;
  const limit = readSettings(deps).discountLimitBp;
  if (discount.kind === 'percent') return discount.bp > limit;
  return base > 0 ? discountAmount(base, discount) * 10000 > base * limit : discount.minor > 0;
}

export function setLineDiscount(deps: Deps, staff: SessionStaff, lineId: string, discount: Discount | null, approval?: Approval): Cart {
  const { cartId, line } = openLine(deps, lineId);
  const base = lineGross(line);
  if (discount?.kind === 'amount' && discount.minor > base)
    throw new AppError('VALIDATION', 'The discount is larger than the line', { field: 'discount' });
  const approvedBy = authorize(staff, approval, 'discount.line', overLimit(deps, base, discount));
  deps.sqlite.prepare('UPDATE cart_lines SET discount = ? WHERE id = ?').run(discount ? JSON.stringify(discount) : null, lineId);
  if (approvedBy || discount)
    recordAudit(deps, {
      staffId: staff.id,
      action: 'discount.line',
      target: cartId,
      details: { lineId, discount },
      approvedBy,
      success: true,
    });
  touch(deps, cartId);
  return loadCart(deps);
}

export function setCartDiscount(deps: Deps, staff: SessionStaff, discount: Discount | null, approval?: Approval): Cart {
  const cart = loadCart(deps);
  if (!cart.id || cart.lines.length === 0) throw new AppError('VALIDATION', 'The sale is empty');
  assertNoCardInFlight(deps, cart.id, 'reduce');
  const base = cart.priced.lines.reduce((s, l) => s + l.gross - l.lineDiscount - l.promotionDiscount, 0);
  if (discount?.kind === 'amount' && discount.minor > base)
    throw new AppError('VALIDATION', 'The discount is larger than the sale', { field: 'discount' });
  const approvedBy = authorize(staff, approval, 'discount.cart', overLimit(deps, base, discount));
  deps.sqlite
    .prepare('UPDATE carts SET cart_discount = ?, updated_at = ? WHERE id = ?')
    .run(discount ? JSON.stringify(discount) : null, deps.clock(), cart.id);
  recordAudit(deps, { staffId: staff.id, action: 'discount.cart', target: cart.id, details: { discount }, approvedBy, success: true });
  return loadCart(deps);
}

export function overridePrice(deps: Deps, staff: SessionStaff, lineId: string, unitPrice: number, approval?: Approval): Cart {
  const { cartId, line } = openLine(deps, lineId);
  if (line.fixedAmount !== null) throw new AppError('CONFLICT', 'A priced scale label cannot be re-priced');
  const approvedBy = authorize(staff, approval, 'price.override', unitPrice !== line.unitPrice);
  deps.sqlite.prepare('UPDATE cart_lines SET unit_price = ? WHERE id = ?').run(unitPrice, lineId);
  recordAudit(deps, {
    staffId: staff.id,
    action: 'price.override',
    target: cartId,
    details: { lineId, productId: line.productId, from: line.unitPrice, to: unitPrice },
    approvedBy,
    success: true,
  });
  touch(deps, cartId);
  return checkedCart(deps);
}

/** Voids the open sale: the lines are kept on the voided cart for the audit trail. */
export function clearCart(deps: Deps, staff: SessionStaff): Cart {
  const cartId = openCartId(deps);
  assertNoCardInFlight(deps, cartId, 'void');
  if (cartId) {
    deps.sqlite.prepare("UPDATE carts SET status = 'voided', updated_at = ? WHERE id = ?").run(deps.clock(), cartId);
    recordAudit(deps, { staffId: staff.id, action: 'sale.void', target: cartId, success: true });
    // A provider payment of the voided sale goes back now rather than at the next reconciler pass.
    deps.trades.kick();
  }
  return loadCart(deps, null);
}
