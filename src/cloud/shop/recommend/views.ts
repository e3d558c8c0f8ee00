/**
 * The recommendation sections of the product page and the cart: small server-rendered product
 * cards (the catalog's own), only of products listed online that this store has in stock online.
 * With little history (a new product, a new shop) the store's best sellers fill in: first of the
 * product's (or the cart's) categories, then of the whole shop.
 */
import { picturesOf, type PictureInfo } from '../pictures/pictures';
import type { CloudDeps } from '../../deps';
import { cards } from '../catalog/cards';
import { listProducts, storeFacts, type ProductCard, type StoreFacts } from '../catalog/queries';
import { availableOnline } from '../catalog/stock';
import type { ShopContext } from '../web/env';
import { html, type Html } from '../web/page';
import { ensureRecommendations } from './projection';
import { cartNeighbours, categoriesOf, productNeighbours } from './queries';
import { recommendWords } from './words';

/** Cards per section on the product page, and in the cart. */
export const SHOWN = 6;
export const CART_SHOWN = 4;
/** Fewer products than this from sales history and best sellers top the page up. */
export const ENOUGH = 4;
/** Candidates read per list: enough that some being out of stock still leaves a full section. */
const CANDIDATES = 30;
/** Categories whose best sellers are read for a fallback. */
const FALLBACK_CATEGORIES = 3;

type Word = Parameters<typeof recommendWords>[1];

const inStock = (unit: string, available: number) => (unit === 'each' ? available >= 1000 : available > 0);

/** Picks up to `n` cards in `ids` order that are in stock and not taken yet (and takes them). */
function picker(byId: Map<string, ProductCard>, available: Map<string, number>, taken: Set<string>) {
  return (ids: string[], n: number): ProductCard[] => {
    const out: ProductCard[] = [];
    for (const id of ids) {
      if (out.length >= n) break;
      const card = byId.get(id);
      if (!card || taken.has(id) || !inStock(card.unit, available.get(id) ?? 0)) continue;
      taken.add(id);
      out.push(card);
    }
    return out;
  };
}

/** The shop's best sellers in stock, of the categories first, then of the whole shop. */
async function bestSellers(
  deps: CloudDeps,
  c: ShopContext,
  categoryIds: string[],
  taken: Set<string>,
  n: number,
): Promise<{ items: ProductCard[]; available: Map<string, number> }> {
  const store = c.get('store');
  if (n <= 0) return { items: [], available: new Map() };
  const lists = await Promise.all([
    ...categoryIds
      .slice(0, FALLBACK_CATEGORIES)
      .map((categoryId) => listProducts(deps.db, store.orgId, { categoryId, sort: 'best', page: 1 })),
    listProducts(deps.db, store.orgId, { sort: 'best', page: 1 }),
  ]);
  const all = lists.flatMap((l) => l.items);
  const byId = new Map(all.map((p) => [p.id, p]));
  const ids = [...byId.keys()].filter((id) => !taken.has(id));
  const available = await availableOnline(deps.db, store, ids, deps.clock());
  return { items: picker(byId, available, taken)(ids, n), available };
}

function section(
  c: ShopContext,
  facts: StoreFacts,
  kind: string,
  title: Word,
  items: ProductCard[],
  available: Map<string, number>,
  pictures: Map<string, PictureInfo>,
): Html {
  if (items.length === 0) return html``;
  return html`<section class="recs" data-recs="${kind}">
    <h2>${recommendWords(c.get('lang'), title)}</h2>
    ${cards(c, facts, items, available, pictures)}
  </section>`;
}

/** "Frequently bought together", "customers also bought", and best sellers when history is thin. */
export async function productRecommendations(
  c: ShopContext,
  deps: CloudDeps,
  product: { id: string; categoryId: string | null },
  facts: StoreFacts,
): Promise<Html> {
  const store = c.get('store');
  await ensureRecommendations(deps, store.orgId);
  const { together, also } = await productNeighbours(deps.db, store.orgId, product.id, CANDIDATES);
  const found = [...together, ...also];
  const available = await availableOnline(deps.db, store, [...new Set(found.map((p) => p.id))], deps.clock());
  const taken = new Set([product.id]);
  const pick = picker(new Map(found.map((p) => [p.id, p])), available, taken);
  const t = pick(
    together.map((s) => s.id),
    SHOWN,
  );
  const a = pick(
    also.map((s) => s.id),
    SHOWN,
  );
  const more =
    t.length + a.length < ENOUGH
      ? await bestSellers(deps, c, product.categoryId ? [product.categoryId] : [], taken, SHOWN - t.length - a.length)
      : { items: [], available: new Map<string, number>() };
  const pictures = await picturesOf(
    deps.db,
    store.orgId,
    [...t, ...a, ...more.items].map((p) => p.id),
  );
  return html`${section(c, facts, 'together', 'boughtTogether', t, available, pictures)}
  ${section(c, facts, 'also', 'alsoBought', a, available, pictures)}
  ${section(c, facts, 'fallback', 'youMayLike', more.items, more.available, pictures)}`;
}

/** Suggestions for a cart: its products' top co-purchases not already in it, then best sellers. */
export async function cartRecommendations(c: ShopContext, deps: CloudDeps, productIds: string[]): Promise<Html> {
  if (productIds.length === 0) return html``;
  const store = c.get('store');
  await ensureRecommendations(deps, store.orgId);
  const [facts, neighbours] = await Promise.all([
    storeFacts(deps.db, store.orgId, store.storeId),
    cartNeighbours(deps.db, store.orgId, productIds, CANDIDATES),
  ]);
  const ids = neighbours.map((s) => s.id);
  const available = await availableOnline(deps.db, store, ids, deps.clock());
  const found = neighbours;
  const taken = new Set(productIds);
  const picked = picker(new Map(found.map((p) => [p.id, p])), available, taken)(ids, CART_SHOWN);
  const more =
    picked.length < CART_SHOWN
      ? await bestSellers(deps, c, await categoriesOf(deps.db, store.orgId, productIds), taken, CART_SHOWN - picked.length)
      : { items: [], available: new Map<string, number>() };
  const pictures = await picturesOf(
    deps.db,
    store.orgId,
    [...picked, ...more.items].map((p) => p.id),
  );
  return html`${section(c, facts, 'cart', 'withYourCart', picked, available, pictures)}
  ${section(c, facts, 'fallback', 'youMayLike', more.items, more.available, pictures)}`;
}
