import type { PriceEntry, PriceListInfo, PriceListTarget } from '../../shared/price-lists/resolve';
import type { Sqlite } from '../db/open';
import { cachedStatement } from '../db/statements';
import { getState } from '../sync/state';
import type { Cols, SqlRow } from '../db/rows';
import type { priceListEntries, priceLists } from '../db/schema';

/**
 * The active price lists compiled for the till, per open store (createApp makes one): each
 * product's entries, ready for `resolvePrice`. A scan reads only its product's entries from here;
 * the table is read once after a change (local or pulled) dropped the compiled form.
 */
export interface PriceListsState {
  byProduct: Map<string, PriceEntry[]> | null;
  /** Some active list is for a store: only then is the till's store looked up per cart. */
  storeLimited: boolean;
}

export function createPriceListsState(): PriceListsState {
  return { byProduct: null, storeLimited: false };
}

const ACTIVE_ENTRIES_SQL = `SELECT l.id, l.name, l.name_zh AS nameZh, l.target_kind AS kind, l.target_id AS targetId,
    e.product_id AS productId, e.min_qty AS minQty, e.price
  FROM price_list_entries e JOIN price_lists l ON l.id = e.price_list_id WHERE l.active = 1`;

type Row = Cols<typeof priceLists, 'id' | 'name'> &
  Cols<typeof priceListEntries, 'price'> & {
    nameZh: SqlRow<typeof priceLists>['name_zh'];
    kind: SqlRow<typeof priceLists>['target_kind'];
    targetId: SqlRow<typeof priceLists>['target_id'];
    productId: SqlRow<typeof priceListEntries>['product_id'];
    minQty: SqlRow<typeof priceListEntries>['min_qty'];
  };

function targetOf(kind: string, targetId: string | null): PriceListTarget | null {
  if (kind === 'members') return { kind: 'members' };
  if (kind === 'group' && targetId) return { kind: 'group', groupId: targetId };
  if (kind === 'store' && targetId) return { kind: 'store', storeId: targetId };
  return null;
}

export interface CompiledPriceLists {
  byProduct: Map<string, PriceEntry[]>;
  storeId: string;
}

/** The compiled entries, built on first use after a change, and the till's store when a list needs it. */
export function activePriceLists(deps: { sqlite: Sqlite; priceLists: PriceListsState }): CompiledPriceLists {
  const state = deps.priceLists;
  if (!state.byProduct) {
    const rows = cachedStatement(deps.sqlite, ACTIVE_ENTRIES_SQL).all() as Row[];
    const lists = new Map<string, PriceListInfo | null>();
    const byProduct = new Map<string, PriceEntry[]>();
    let storeLimited = false;
    for (const r of rows) {
      let list = lists.get(r.id);
      if (list === undefined) {
        const target = targetOf(r.kind, r.targetId);
        // A row that does not make sense (edited by hand) prices nothing rather than stopping sales.
        list = target ? { id: r.id, name: r.name, nameZh: r.nameZh, target } : null;
        lists.set(r.id, list);
        if (target?.kind === 'store') storeLimited = true;
      }
      if (!list || !Number.isSafeInteger(r.price) || r.price < 0) continue;
      const entry: PriceEntry = { list, minQty: r.minQty, price: r.price };
      const existing = byProduct.get(r.productId);
      if (existing) existing.push(entry);
      else byProduct.set(r.productId, [entry]);
    }
    state.byProduct = byProduct;
    state.storeLimited = storeLimited;
  }
  const storeId = state.storeLimited ? (getState(deps.sqlite, 'cloud')?.storeId ?? '') : '';
  return { byProduct: state.byProduct, storeId };
}

/** Called on every change to groups' lists or their entries (local or pulled): the next cart sees it. */
export function invalidatePriceLists(deps: { priceLists: PriceListsState }): void {
  deps.priceLists.byProduct = null;
  deps.priceLists.storeLimited = false;
}
