/**
 * What inventory keeps between calls for one open store (createApp makes one per store it opens):
 * uploaded files waiting for their commit, the order and figures of a long reorder list, and how
 * stock levels spread over locations. A restored or another store starts with none of it.
 */

/** Customers and sales history are staged here too; src/main/history reads and checks them. */
export type StagedKind = 'products' | 'stock' | 'customers' | 'sales';

export interface Staged {
  kind: StagedKind;
  locationId: string | null;
  chunks: string[];
  bytes: number;
  at: number;
  /** What a preview worked out, for the commit to reuse while the store has not changed (history imports). */
  memo?: unknown;
}

/** Sales and open orders per `product@location`. */
export type Figures = Map<string, { sold: number; onOrder: number }>;

export interface LongList {
  key: string;
  /** [level rowid, product rowid] in list order. */
  order: [number, number][];
  figures: Figures;
}

export interface InventoryCaches {
  /** Import id → the file uploaded for it, until it is committed or dropped. */
  staged: Map<string, Staged>;
  /** The last long reorder list read (inventory/reorder.ts). */
  longList: LongList | null;
  /** Rows per location and products in all, refreshed at most once a minute: only used to choose a query plan. */
  density: Map<string, { rows: number; products: number; count: number; at: number }>;
}

export function createInventoryCaches(): InventoryCaches {
  return { staged: new Map(), longList: null, density: new Map() };
}
