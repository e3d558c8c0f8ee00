/**
 * Side effects after a pulled page is written, per entity (inside the page's transaction):
 * derived data the domain code normally keeps next to its rows.
 */
import type { Deps } from '../deps';
import { writeSearchEntry } from '../catalog/search-entry';
import { deferSearchEntries, searchBacklog } from '../catalog/search-backlog';
import { countRating, countReviews } from '../ratings/product-ratings';
import { invalidateSettings } from '../settings/settings';
import { stmt } from './tables';
import { setState } from './state';
import { ensureLevelRows } from '../inventory/level-rows';
import { recordSaleInsight } from '../insight/rollups';
import { detectCouponConflicts } from '../coupons/conflicts';
import { invalidatePromotions } from '../promotions/state';
import { invalidatePriceLists } from '../price-lists/state';
import type { Cols, SqlRow } from '../db/rows';
import type { products } from '../db/schema';

export interface AfterApplyOptions {
  /** A joining terminal's big page: its products' search entries and level rows are left for after the download. */
  deferDerived: boolean;
}

type HookDeps = Pick<Deps, 'sqlite' | 'promotions' | 'priceLists' | 'settingsCache'>;
type Hook = (deps: HookDeps, ids: Set<string>, opts: AfterApplyOptions) => void;

/** Products (by id, a JSON array) with what their search entry is made of, in rowid order. */
const PRODUCT_SEARCH_ROWS_SQL = `SELECT p.rowid AS r, p.name, p.alt_name AS altName
  FROM products p WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.rowid`;

const HOOKS: Record<string, Hook> = {
  /**
   * The search index is keyed by the product's rowid and built from its names (SKU and barcodes
   * are searched through their own indexes).
   * One statement reads them all (a first download touches 20,000 products a page), and the
   * entries are written after every other row of the page, so FTS5 keeps its terms in memory.
   * A joining terminal leaves the entries of the products it did not have to the backlog filler
   * (catalog/search-backlog.ts): it can sell seconds earlier.
   */
  product(deps, ids, opts) {
    if (opts.deferDerived) {
      // Every product so far goes to the backlog: no row to read now (the filler replaces any
      // entry an earlier page wrote). Their level rows are added after the download too.
      const top = stmt(deps.sqlite, 'SELECT MAX(rowid) FROM products', 'pluck').get() as number | null;
      if (top !== null) deferSearchEntries(deps.sqlite, 1, top);
      setState(deps.sqlite, 'levelsPending', true);
      return;
    }
    ensureLevelRows(deps.sqlite, ids);
    const rows = stmt(deps.sqlite, PRODUCT_SEARCH_ROWS_SQL).all(JSON.stringify([...ids])) as (Cols<typeof products, 'name'> & {
      r: number;
      altName: SqlRow<typeof products>['alt_name'];
    })[];
    const backlog = searchBacklog(deps.sqlite);
    for (const p of rows) writeSearchEntry(deps, p.r, p, false, backlog);
  },
  setting(deps) {
    invalidateSettings(deps);
  },
  // A promotion or a price made on another till: the compiled forms are dropped, the next cart
  // builds them again with it.
  promotion(deps) {
    invalidatePromotions(deps);
  },
  price_list(deps) {
    invalidatePriceLists(deps);
  },
  price_list_entry(deps) {
    invalidatePriceLists(deps);
  },
  // A buyer's review, or a manager's hide on another till: the rating aggregate follows.
  product_review(deps, ids) {
    countReviews(deps, ids);
  },
};

export function runAfterApply(deps: HookDeps, touched: Map<string, Set<string>>, opts: AfterApplyOptions): void {
  for (const [entity, ids] of touched) HOOKS[entity]?.(deps, ids, opts);
}

type FactHook = (deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'ids' | 'settingsCache' | 'insight'>, id: string) => void;

/** Derived data of a fact written by another terminal, kept as the writing code keeps it for its own. */
const FACT_HOOKS: Record<string, FactHook> = {
  /** The dashboard's rollups count every sale of the store, wherever it was rung up. */
  order(deps, id) {
    recordSaleInsight(deps, id);
  },
  /** The per-product rating aggregate sorts lists by rating. */
  feedback(deps, id) {
    countRating(deps, id);
  },
  /** Another till's redemption: a single-use code used twice is recorded and audited as a conflict. */
  coupon_redemption(deps, id) {
    detectCouponConflicts(deps, id);
  },
};

/** Runs after a pulled fact was inserted (not when it was already there). */
export function runFactHook(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'ids' | 'settingsCache' | 'insight'>,
  entity: string,
  id: string,
): void {
  FACT_HOOKS[entity]?.(deps, id);
}
