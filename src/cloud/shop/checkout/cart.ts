/**
 * The buyer's cart: a row named by a random cookie (`shop_cart`, HttpOnly, SameSite=Lax; only its
 * sha256 is stored) and its lines. Prices are never stored in it: every page prices it again from
 * the catalog, the store's price lists and the active promotions, with the till's engine and
 * pricing module, so a cart costs what the counter would charge at that moment.
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { getCookie, setCookie } from 'hono/cookie';
import type { PricedCart, PricedLine } from '../../../shared/pricing';
import { shippingCharge, type ShippingMethod } from '../../../shared/online-shipping';
import type { CloudDb } from '../../db/open';
import { sha256, type CloudDeps } from '../../deps';
import type { ShopContext } from '../web/env';
import { loadSaleProducts, loadStoreTerms, type SaleProduct, type StoreTerms } from './catalog';
import { availableOnline } from '../catalog/stock';
import { shopCartLines, shopCarts } from './schema';
import { loadPricingRules } from '../pricing/rules';
import type { ShopMember } from '../pricing/member';
import { priceGoodsLikeTill, type GoodsPricing, type LinePromotion } from '../pricing/price';

export const CART_COOKIE = 'shop_cart';
/** At most this many different products in a cart, and this many units (thousandths) of each. */
export const MAX_CART_LINES = 50;
export const MAX_LINE_QTY = 999_000;
const CART_TTL_S = 30 * 86400;

export interface CartRef {
  id: string;
  buyerId: string | null;
}

export interface CartLine {
  product: SaleProduct;
  qty: number;
  priced: PricedLine;
  /** The unit price before promotions: a price list's (named in `priceList`), else the shelf price. */
  unitPrice: number;
  priceList: GoodsPricing['lists'][number];
  /** What each promotion took off this line. */
  promotions: LinePromotion[];
  /** Units (thousandths) the store can sell online now: less than `qty` is a warning before checkout. */
  available: number;
}

export interface PricedShopCart {
  cartId: string | null;
  terms: StoreTerms;
  lines: CartLine[];
  /** Products in the cart no longer sold online (kept out of the totals, shown apart). */
  unavailable: { productId: string; name: string }[];
  priced: PricedCart;
  /** The promotions that applied, each with its discount on the whole cart. */
  applied: LinePromotion[];
  /** The till customer the buyer is, whose terms priced the cart (the paid order names them), or null. */
  member: ShopMember | null;
}

const validToken = (t: string | undefined): t is string => !!t && /^[A-Za-z0-9_-]{32,64}$/.test(t);

/**
 * The cart this request names, or null. A signed-in buyer's cookie cart becomes theirs, and any
 * other cart they left in this store (another browser, before signing in) is merged into it.
 */
export async function findCart(c: ShopContext, deps: CloudDeps): Promise<CartRef | null> {
  const token = getCookie(c, CART_COOKIE);
  const store = c.get('store');
  const buyer = c.get('buyer');
  let cart: CartRef | null = null;
  if (validToken(token)) {
    const [row] = await deps.db
      .select({ id: shopCarts.id, buyerId: shopCarts.buyerId })
      .from(shopCarts)
      .where(and(eq(shopCarts.tokenHash, sha256(token)), eq(shopCarts.storeId, store.storeId)));
    // Another buyer's cart is not this one's (a shared computer after sign-out and in).
    if (row && (!row.buyerId || row.buyerId === buyer?.id)) cart = row;
  }
  if (!buyer) return cart;
  if (cart && !cart.buyerId) {
    await mergeBuyerCarts(deps.db, store.storeId, buyer.id, cart.id);
    return { id: cart.id, buyerId: buyer.id };
  }
  if (cart) return cart;
  const [own] = await deps.db
    .select({ id: shopCarts.id, buyerId: shopCarts.buyerId })
    .from(shopCarts)
    .where(and(eq(shopCarts.storeId, store.storeId), eq(shopCarts.buyerId, buyer.id)))
    .orderBy(sql`${shopCarts.updatedAt} DESC`)
    .limit(1);
  return own ?? null;
}

/** Moves the buyer's other carts' lines into `into` (quantities added, capped) and makes it theirs. */
async function mergeBuyerCarts(db: CloudDb, storeId: string, buyerId: string, into: string): Promise<void> {
  await db.transaction(async (tx) => {
    const others = await tx
      .select({ id: shopCarts.id })
      .from(shopCarts)
      .where(and(eq(shopCarts.storeId, storeId), eq(shopCarts.buyerId, buyerId), ne(shopCarts.id, into)));
    for (const o of others) {
      await tx.execute(sql`
        INSERT INTO shop_cart_lines (cart_id, product_id, qty, added_at)
        SELECT ${into}, product_id, qty, added_at FROM shop_cart_lines WHERE cart_id = ${o.id}
        ON CONFLICT (cart_id, product_id) DO UPDATE SET qty = LEAST(${MAX_LINE_QTY}, shop_cart_lines.qty + excluded.qty)`);
      await tx.delete(shopCarts).where(eq(shopCarts.id, o.id));
    }
    await tx.update(shopCarts).set({ buyerId }).where(eq(shopCarts.id, into));
  });
}

/** The request's cart, made (with its cookie) when there is none yet. */
export async function ensureCart(c: ShopContext, deps: CloudDeps, secure: boolean): Promise<CartRef> {
  const found = await findCart(c, deps);
  if (found) return found;
  const token = deps.randomBytes(32).toString('base64url');
  const now = deps.clock();
  const store = c.get('store');
  const id = deps.ids();
  const buyerId = c.get('buyer')?.id ?? null;
  await deps.db
    .insert(shopCarts)
    .values({ id, orgId: store.orgId, storeId: store.storeId, buyerId, tokenHash: sha256(token), createdAt: now, updatedAt: now });
  setCookie(c, CART_COOKIE, token, { path: store.base, httpOnly: true, sameSite: 'Lax', secure, maxAge: CART_TTL_S });
  return { id, buyerId };
}

export type CartChange = { ok: true } | { ok: false; reason: 'notSold' | 'tooMany' | 'badQty' };

/** Adds units (`set`: sets the quantity; 0 removes the line). Only products sold online. */
export async function changeCart(
  deps: CloudDeps,
  orgId: string,
  cartId: string,
  productId: string,
  qty: number,
  how: 'add' | 'set',
): Promise<CartChange> {
  if (!Number.isSafeInteger(qty) || qty < 0 || qty > MAX_LINE_QTY || (how === 'add' && qty === 0)) return { ok: false, reason: 'badQty' };
  const now = deps.clock();
  if (how === 'set' && qty === 0) {
    await deps.db.delete(shopCartLines).where(and(eq(shopCartLines.cartId, cartId), eq(shopCartLines.productId, productId)));
    return { ok: true };
  }
  const product = (await loadSaleProducts(deps.db, orgId, [productId])).get(productId);
  if (!product?.sellable) return { ok: false, reason: 'notSold' };
  if (product.unit === 'each' && qty % 1000 !== 0) return { ok: false, reason: 'badQty' };
  return deps.db.transaction(async (tx) => {
    const lines = await tx.select().from(shopCartLines).where(eq(shopCartLines.cartId, cartId));
    const existing = lines.find((l) => l.productId === productId);
    if (!existing && lines.length >= MAX_CART_LINES) return { ok: false, reason: 'tooMany' } as const;
    const next = how === 'add' ? (existing?.qty ?? 0) + qty : qty;
    if (next > MAX_LINE_QTY) return { ok: false, reason: 'badQty' } as const;
    await tx
      .insert(shopCartLines)
      .values({ cartId, productId, qty: next, addedAt: now })
      .onConflictDoUpdate({ target: [shopCartLines.cartId, shopCartLines.productId], set: { qty: next } });
    await tx.update(shopCarts).set({ updatedAt: now }).where(eq(shopCarts.id, cartId));
    return { ok: true } as const;
  });
}

/**
 * The cart's lines priced now, as the till would price them now for the same customer (`member`,
 * see pricing/member.ts; null for a guest); an empty cart when `cartId` is null.
 */
export async function pricedCart(
  db: CloudDb,
  orgId: string,
  storeId: string,
  cartId: string | null,
  now: number,
  member: ShopMember | null,
): Promise<PricedShopCart> {
  const terms = await loadStoreTerms(db, orgId, storeId);
  const rows = cartId
    ? await db.select().from(shopCartLines).where(eq(shopCartLines.cartId, cartId)).orderBy(asc(shopCartLines.addedAt))
    : [];
  const products = await loadSaleProducts(
    db,
    orgId,
    rows.map((r) => r.productId),
  );
  const kept: { id: string; product: SaleProduct; qty: number }[] = [];
  const unavailable: PricedShopCart['unavailable'] = [];
  for (const r of rows) {
    const p = products.get(r.productId);
    if (p?.sellable) kept.push({ id: r.productId, product: p, qty: r.qty });
    else unavailable.push({ productId: r.productId, name: p?.name ?? '' });
  }
  const rules = await loadPricingRules(
    db,
    { orgId, storeId, timeZone: terms.timeZone, member },
    kept.map((l) => l.id),
  );
  const goods = priceGoodsLikeTill(
    terms.priceMode,
    kept.map((l) => ({
      id: l.id,
      productId: l.id,
      categoryId: l.product.categoryId,
      unit: l.product.unit,
      price: l.product.price,
      taxRateBp: l.product.taxRateBp,
      qty: l.qty,
    })),
    rules,
    now,
  );
  const available = await availableOnline(
    db,
    { orgId, storeId },
    kept.map((l) => l.id),
    now,
  );
  return {
    cartId,
    terms,
    lines: kept.map((l, i) => ({
      product: l.product,
      qty: l.qty,
      priced: goods.priced.lines[i]!,
      unitPrice: goods.unitPrices[i]!,
      priceList: goods.lists[i]!,
      promotions: goods.shares[i]!,
      available: available.get(l.id) ?? 0,
    })),
    unavailable,
    priced: goods.priced,
    applied: goods.applied,
    member,
  };
}

/** A method's charge for this cart, or null when it does not serve the destination. */
export function chargeFor(method: ShippingMethod, cart: PricedShopCart, country: string | null): number | null {
  return shippingCharge(
    method,
    cart.priced.total,
    cart.lines.map((l) => ({ unit: l.product.unit, qty: l.qty })),
    country,
  );
}
