import { buildPromotionIndex, type PromotionIndex } from '../../shared/promotions/engine';
import { promotionSchema, type Promotion } from '../../shared/promotions/schema';
import type { Sqlite } from '../db/open';
import { cachedStatement } from '../db/statements';
import { getState } from '../sync/state';
import type { Cols } from '../db/rows';
import type { promotions } from '../db/schema';

/**
 * The active promotions compiled for the till, owned by the open store (createApp makes one per
 * store it opens, so a restored or another store never sees this one's). A scan reads it; only a
 * change to the promotions drops it, and the next cart builds it again from the table.
 */
export interface PromotionsState {
  index: PromotionIndex | null;
  /** Some active promotion is limited to stores: only then is the till's store looked up per cart. */
  storeLimited: boolean;
}

export function createPromotionsState(): PromotionsState {
  return { index: null, storeLimited: false };
}

const ACTIVE_SQL = 'SELECT id, definition FROM promotions WHERE active = 1';

/** The cached index of active promotions, built on first use after a change. */
export function activePromotions(deps: { sqlite: Sqlite; promotions: PromotionsState }): { index: PromotionIndex; storeId: string } {
  const state = deps.promotions;
  if (!state.index) {
    const rows = cachedStatement(deps.sqlite, ACTIVE_SQL).all() as Cols<typeof promotions, 'id' | 'definition'>[];
    const list: Promotion[] = [];
    for (const r of rows) {
      // Written through the schema, but a row that no longer parses (edited by hand, an older
      // engine's shape) is left out rather than stopping every sale.
      const parsed = promotionSchema.safeParse(JSON.parse(r.definition));
      if (parsed.success) list.push(parsed.data);
    }
    state.index = buildPromotionIndex(list);
    state.storeLimited = list.some((p) => p.conditions?.storeIds !== undefined);
  }
  // Read when needed, not cached: the till may join a store after the index was built. Before it
  // joins one, the store is '' and store-limited promotions do not apply.
  const storeId = state.storeLimited ? (getState(deps.sqlite, 'cloud')?.storeId ?? '') : '';
  return { index: state.index, storeId };
}

/** Called on every change to the promotions: the next cart sees it. */
export function invalidatePromotions(deps: { promotions: PromotionsState }): void {
  deps.promotions.index = null;
  deps.promotions.storeLimited = false;
}
