import type { LowStockRow } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import type { Figures, LongList } from './caches';
import { getLocation } from './stock';
import type { Unit } from '../../shared/units';
import type { CamelCols, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

/** Sales velocity is measured over the last four weeks… */
export const VELOCITY_DAYS = 28;
/** …and a suggestion covers two weeks of those sales on top of the reorder point. */
export const COVER_DAYS = 14;
const DAY = 86_400_000;

/** A row of `LOW_COLUMNS`. Only levels with a rule are low, and a rule sets its point and quantity together. */
type LowRow = CamelCols<typeof schema.stockLevels, 'productId' | 'locationId' | 'qty'> &
  CamelCols<typeof schema.products, 'sku' | 'name' | 'altName' | 'unit' | 'cost' | 'supplierId'> & {
    locationName: SqlRow<typeof schema.stockLocations>['name'];
    reorderPoint: NonNullable<SqlRow<typeof schema.stockLevels>['reorder_point']>;
    reorderQty: NonNullable<SqlRow<typeof schema.stockLevels>['reorder_qty']>;
    supplierName: SqlRow<typeof schema.suppliers>['name'] | null;
  };
type Pid = SqlRow<typeof schema.stockMovements>['product_id'];
type Lid = SqlRow<typeof schema.stockMovements>['location_id'];

/**
 * Suggested order quantity: enough to get back to the reorder point plus two weeks of the item's
 * recent sales, after what is already on order, and at least the reorder quantity. Nothing is
 * suggested when stock plus what is on order is already above the reorder point. Counted items
 * ("each") are rounded up to whole units.
 */
export function suggest(r: { qty: number; reorderPoint: number; reorderQty: number; onOrder: number; sold: number; unit: Unit }): {
  dailySales: number;
  suggestedQty: number;
} {
  const dailySales = Math.max(0, Math.round(r.sold / VELOCITY_DAYS));
  if (r.qty + r.onOrder > r.reorderPoint) return { dailySales, suggestedQty: 0 };
  const need = r.reorderPoint + Math.ceil((Math.max(0, r.sold) * COVER_DAYS) / VELOCITY_DAYS) - r.qty - r.onOrder;
  let qty = Math.max(r.reorderQty, need);
  if (r.unit === 'each') qty = Math.ceil(qty / 1000) * 1000;
  return { dailySales, suggestedQty: qty };
}

/**
 * Only the level rows at or below their point are in the partial index, so the alert list and the
 * badge never look at the others. Archiving a product removes its reorder rules (see
 * archiveProduct), so archived items never show here.
 */
const LOW = 'stock_levels s INDEXED BY stock_levels_low_idx';
const LOW_WHERE = 's.reorder_point IS NOT NULL AND s.qty <= s.reorder_point';

const LOW_COLUMNS = `s.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, s.location_id AS locationId, l.name AS locationName, s.qty,
  s.reorder_point AS reorderPoint, s.reorder_qty AS reorderQty, p.cost, p.supplier_id AS supplierId, sup.name AS supplierName`;
const LOW_JOINS = 'JOIN stock_locations l ON l.id = s.location_id LEFT JOIN suppliers sup ON sup.id = p.supplier_id';
/** Products through (id, archived, name, category_id): a list is put in order by name from the index alone. */
const PRODUCT_KEYS = 'products p INDEXED BY products_id_cover_idx';

/**
 * Sales velocity and what is on order, per item and location, each one grouped pass (over the
 * sales window, over the open orders) rather than two lookups per low item, which took minutes on
 * a store with a hundred thousand low items.
 */
function windowSql(byLocation: boolean): { sold: string; onOrder: string } {
  return {
    sold: `SELECT m.product_id AS pid, m.location_id AS lid, -SUM(m.qty_delta) AS sold
      FROM stock_movements m
      WHERE m.kind IN ('sale', 'return') AND m.at >= @since${byLocation ? ' AND m.location_id = @loc' : ''}
      GROUP BY m.product_id, m.location_id`,
    onOrder: `SELECT pl.product_id AS pid, po.location_id AS lid, SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) AS onOrder
      FROM purchase_orders po JOIN purchase_order_lines pl ON pl.po_id = po.id
      WHERE po.status IN ('draft', 'sent', 'partial')${byLocation ? ' AND po.location_id = @loc' : ''}
      GROUP BY pl.product_id, po.location_id`,
  };
}

/** The same two figures of one low item `s`, for a short list. */
const ITEM_FIGURES = `COALESCE((SELECT -SUM(m.qty_delta) FROM stock_movements m INDEXED BY stock_movements_product_at_idx
    WHERE m.product_id = s.product_id AND m.at >= @since AND m.location_id = s.location_id AND m.kind IN ('sale', 'return')), 0) AS sold,
  COALESCE((SELECT SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.po_id
    WHERE pl.product_id = s.product_id AND po.location_id = s.location_id AND po.status IN ('draft', 'sent', 'partial')), 0) AS onOrder`;

function readFigures(sqlite: Deps['sqlite'], sql: { sold: string; onOrder: string }, args: Record<string, unknown>): Figures {
  const out: Figures = new Map();
  const at = (pid: string, lid: string) => {
    const k = `${pid}@${lid}`;
    let f = out.get(k);
    if (!f) out.set(k, (f = { sold: 0, onOrder: 0 }));
    return f;
  };
  for (const r of sqlite.prepare(sql.sold).all(args) as { pid: Pid; lid: Lid; sold: number }[]) at(r.pid, r.lid).sold = r.sold;
  for (const r of sqlite.prepare(sql.onOrder).all(args) as {
    pid: SqlRow<typeof schema.purchaseOrderLines>['product_id'];
    lid: SqlRow<typeof schema.purchaseOrders>['location_id'];
    onOrder: number;
  }[])
    at(r.pid, r.lid).onOrder = r.onOrder;
  return out;
}

/**
 * A long list is read page by page: its order (by name) and every item's figures are worked out
 * once and kept until anything is written (this connection's change count, another's data
 * version) or the window moves on by a minute, so each later page costs only its own rows.
 */
export const WHOLE_FROM = 10_000;
function longListKey(sqlite: Deps['sqlite'], args: Record<string, unknown>): string {
  const stamp = `${sqlite.prepare('SELECT total_changes()').pluck().get() as number}:${sqlite.pragma('data_version', { simple: true }) as number}`;
  return `${stamp}:${String(args.loc ?? '')}:${String(args.ids ?? '')}:${Math.floor((args.since as number) / 60_000)}`;
}
function longList(deps: Pick<Deps, 'sqlite' | 'inventory'>, filter: string, byLocation: boolean, args: Record<string, unknown>): LongList {
  const sqlite = deps.sqlite;
  const key = longListKey(sqlite, args);
  const hit = deps.inventory.longList;
  if (hit?.key === key) return hit;
  // The product's name and rowid come from its covering index, so ordering reads no product row.
  const order = sqlite
    .prepare(
      `SELECT s.rowid, p.rowid FROM ${LOW} CROSS JOIN ${PRODUCT_KEYS} ON p.id = s.product_id WHERE ${filter} ORDER BY p.name, p.rowid`,
    )
    .raw(true)
    .all(args) as [number, number][];
  const list = { key, order, figures: readFigures(sqlite, windowSql(byLocation), args) };
  deps.inventory.longList = list;
  return list;
}

/**
 * Every item at or below its reorder point (one location or all), with the suggestion, by name,
 * a page at a time. The partial index holds only those rows; the page is picked first, then given
 * its sales (sale and return movements over VELOCITY_DAYS) and open orders.
 */
export function lowStock(
  deps: Pick<Deps, 'sqlite' | 'clock' | 'inventory'>,
  q: { locationId?: string; productIds?: string[]; offset: number; limit: number },
  opts: { wholeFrom?: number } = {},
): { items: LowStockRow[]; total: number } {
  if (q.locationId) getLocation(deps, q.locationId);
  const filter = `${LOW_WHERE}${q.locationId ? ' AND s.location_id = @loc' : ''}${
    q.productIds ? ' AND s.product_id IN (SELECT value FROM json_each(@ids))' : ''
  }`;
  const args: Record<string, unknown> = {
    since: deps.clock() - VELOCITY_DAYS * DAY,
    limit: q.limit,
    offset: q.offset,
    ...(q.locationId ? { loc: q.locationId } : {}),
    ...(q.productIds ? { ids: JSON.stringify(q.productIds) } : {}),
  };
  // A later page of a long list already read: its length is the count.
  const kept = deps.inventory.longList;
  const total =
    kept && kept.key === longListKey(deps.sqlite, args)
      ? kept.order.length
      : (deps.sqlite.prepare(`SELECT COUNT(*) FROM ${LOW} WHERE ${filter}`).pluck().get(args) as number);
  if (total === 0 || q.offset >= total) return { items: [], total };
  let items: LowStockRow[];
  if (total >= (opts.wholeFrom ?? WHOLE_FROM)) {
    const list = longList(deps, filter, Boolean(q.locationId), args);
    // The page's rows by their rowids, in the list's order.
    const page = deps.sqlite
      .prepare(
        `SELECT ${LOW_COLUMNS} FROM json_each(@page) j CROSS JOIN stock_levels s ON s.rowid = j.value ->> 0
         CROSS JOIN products p ON p.rowid = j.value ->> 1 ${LOW_JOINS} ORDER BY j.key`,
      )
      .all({ page: JSON.stringify(list.order.slice(q.offset, q.offset + q.limit)) }) as LowRow[];
    items = page.map((r) => {
      const f = list.figures.get(`${r.productId}@${r.locationId}`);
      return lowItem(r, f?.sold ?? 0, f?.onOrder ?? 0);
    });
  } else {
    // A short list (the usual alert list) in one statement, read in the index's order (each
    // item's sales beside its neighbours'), then sorted by name; only the page's items are given
    // their figures.
    const rows = deps.sqlite
      .prepare(
        `SELECT ${LOW_COLUMNS}, ${ITEM_FIGURES} FROM ${LOW} CROSS JOIN products p ON p.id = s.product_id ${LOW_JOINS}
         WHERE ${filter} ORDER BY p.name, p.rowid LIMIT @limit OFFSET @offset`,
      )
      .all(args) as (LowRow & { sold: number; onOrder: number })[];
    items = rows.map((r) => lowItem(r, r.sold, r.onOrder));
  }
  return { items, total };
}

/**
 * The item as the screen gets it, built field by field: spreading and rest-picking the rows of a
 * long list took half of each page's time, much of it collecting the garbage.
 */
function lowItem(r: LowRow, sold: number, onOrder: number): LowStockRow {
  const { dailySales, suggestedQty } = suggest({
    qty: r.qty,
    reorderPoint: r.reorderPoint,
    reorderQty: r.reorderQty,
    onOrder,
    sold,
    unit: r.unit,
  });
  return {
    productId: r.productId,
    sku: r.sku,
    name: r.name,
    altName: r.altName,
    unit: r.unit,
    locationId: r.locationId,
    locationName: r.locationName,
    qty: r.qty,
    reorderPoint: r.reorderPoint,
    reorderQty: r.reorderQty,
    onOrder,
    dailySales,
    suggestedQty,
    supplierId: r.supplierId,
    supplierName: r.supplierName,
    cost: r.cost,
  };
}

/** The badge: items at or below their reorder point, and levels below zero. */
export function lowStockCount(deps: Pick<Deps, 'sqlite'>): { count: number; negative: number } {
  const count = deps.sqlite.prepare(`SELECT COUNT(*) FROM ${LOW} WHERE ${LOW_WHERE}`).pluck().get() as number;
  const negative = deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE qty < 0').pluck().get() as number;
  return { count, negative };
}
