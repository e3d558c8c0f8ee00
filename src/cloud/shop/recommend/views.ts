/**
 * The recommendation sections of the product page and the cart: small server-rendered product
 * cards (the catalog's own), only of products listed online that this store has in stock online.
 * With little history (a new product, a new shop) the store's best sellers fill in: first of the
 * product's (or the cart's) categories, then of the whole shop.
 */
import type { PictureInfo } from '../pictures/pictures';
import type { CloudDeps } from '../../deps';
import { cards } from '../catalog/cards';
import { bufferOf, listShown, shownExtra, shownOf, type ShownRow } from '../catalog/product-page';
import { factsOfStore, type ProductCard, type StoreFacts } from '../catalog/queries';
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
/** Best sellers read per fallback list of a product page: twice what it shows, for those out of stock. */
const FALLBACK_CANDIDATES = 2 * SHOWN;
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
): Promise<{ items: ProductCard[]; available: Map<string, number>; pictures: Map<string, PictureInfo> }> {
  const store = c.get('store');
  if (n <= 0) return { items: [], available: new Map(), pictures: new Map() };
  const now = deps.clock();
  const lists = await Promise.all([
    ...categoryIds.slice(0, FALLBACK_CATEGORIES).map((categoryId) => listShown(deps.db, store, { categoryId, sort: 'best', page: 1 }, now)),
    listShown(deps.db, store, { sort: 'best', page: 1 }, now),
  ]);
  const byId = new Map(lists.flatMap((l) => l.items).map((p) => [p.id, p]));
  const available = new Map(lists.flatMap((l) => [...l.available]));
  const pictures = new Map(lists.flatMap((l) => [...l.pictures]));
  const ids = [...byId.keys()].filter((id) => !taken.has(id));
  return { items: picker(byId, available, taken)(ids, n), available, pictures };
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
export async function productRecommendations(c: ShopContext, deps: CloudDeps, product: { id: string }, facts: StoreFacts): Promise<Html> {
  const store = c.get('store');
  if (!store.recsBuilt) await ensureRecommendations(deps, store.orgId);
  const [{ together, also, category, best, rows }, storeBuffer] = await Promise.all([
    productNeighbours<ShownRow>(deps.db, store.orgId, product.id, CANDIDATES, shownExtra(store, deps.clock()), FALLBACK_CANDIDATES),
    bufferOf(deps.db, store),
  ]);
  const shown = shownOf(rows, storeBuffer);
  const found = [...together, ...also];
  const taken = new Set([product.id]);
  const pick = picker(new Map(found.map((p) => [p.id, p])), shown.available, taken);
  const t = pick(
    together.map((s) => s.id),
    SHOWN,
  );
  const a = pick(
    also.map((s) => s.id),
    SHOWN,
  );
  const fallback = [...category, ...best];
  const more =
    t.length + a.length < ENOUGH
      ? picker(
          new Map(fallback.map((p) => [p.id, p])),
          shown.available,
          taken,
        )([...new Set(fallback.map((p) => p.id))], SHOWN - t.length - a.length)
      : [];
  return html`${section(c, facts, 'together', 'boughtTogether', t, shown.available, shown.pictures)}
  ${section(c, facts, 'also', 'alsoBought', a, shown.available, shown.pictures)}
  ${section(c, facts, 'fallback', 'youMayLike', more, shown.available, shown.pictures)}`;
}

/** Suggestions for a cart: its products' top co-purchases not already in it, then best sellers. */
export async function cartRecommendations(c: ShopContext, deps: CloudDeps, productIds: string[]): Promise<Html> {
  if (productIds.length === 0) return html``;
  const store = c.get('store');
  if (!store.recsBuilt) await ensureRecommendations(deps, store.orgId);
  const [facts, neighbours, storeBuffer] = await Promise.all([
    factsOfStore(deps.db, store),
    cartNeighbours<ShownRow>(deps.db, store.orgId, productIds, CANDIDATES, shownExtra(store, deps.clock())),
    bufferOf(deps.db, store),
  ]);
  const shown = shownOf(neighbours.rows, storeBuffer);
  const ids = neighbours.scored.map((s) => s.id);
  const taken = new Set(productIds);
  const picked = picker(new Map(neighbours.scored.map((p) => [p.id, p])), shown.available, taken)(ids, CART_SHOWN);
  const more =
    picked.length < CART_SHOWN
      ? await bestSellers(deps, c, await categoriesOf(deps.db, store.orgId, productIds), taken, CART_SHOWN - picked.length)
      : { items: [], available: new Map<string, number>(), pictures: new Map<string, PictureInfo>() };
  return html`${section(c, facts, 'cart', 'withYourCart', picked, shown.available, shown.pictures)}
  ${section(c, facts, 'fallback', 'youMayLike', more.items, more.available, more.pictures)}`;
}
