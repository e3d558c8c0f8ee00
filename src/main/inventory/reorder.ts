import type { LowStockRow } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { getLocation } from './stock';
import type { Unit } from '../../shared/units';

/** Sales velocity is measured over the last four weeks… */
export const VELOCITY_DAYS = 28;
/** …and a suggestion covers two weeks of those sales on top of the reorder point. */
export const COVER_DAYS = 14;
const DAY = 86_400_000;

interface LowRaw extends Omit<LowStockRow, 'dailySales' | 'suggestedQty'> {
  sold: number;
}

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
  s.reorder_point AS reorderPoint, s.reorder_qty AS reorderQty, p.cost, p.supplier_id AS supplierId, sup.name AS supplierName,
  COALESCE((SELECT -SUM(m.qty_delta) FROM stock_movements m INDEXED BY stock_movements_product_at_idx
            WHERE m.product_id = s.product_id AND m.at >= @since AND m.location_id = s.location_id
              AND m.kind IN ('sale', 'return')), 0) AS sold,
  COALESCE((SELECT SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) FROM purchase_order_lines pl
            JOIN purchase_orders po ON po.id = pl.po_id
            WHERE pl.product_id = s.product_id AND po.location_id = s.location_id
              AND po.status IN ('draft', 'sent', 'partial')), 0) AS onOrder`;
const LOW_JOINS = 'JOIN stock_locations l ON l.id = s.location_id LEFT JOIN suppliers sup ON sup.id = p.supplier_id';

/**
 * Every item at or below its reorder point (one location or all), with the suggestion, by name.
 * The partial index holds only those rows. Read whole (the usual case: an alert list is short
 * enough) it is one statement; a page of a longer list picks its rows first, so velocity (sale
 * and return movements over VELOCITY_DAYS) and what is on order are computed for that page only.
 */
export function lowStock(
  deps: Pick<Deps, 'sqlite' | 'clock'>,
  q: { locationId?: string; productIds?: string[]; offset: number; limit: number },
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
  const total = deps.sqlite.prepare(`SELECT COUNT(*) FROM ${LOW} WHERE ${filter}`).pluck().get(args) as number;
  const whole = q.offset === 0 && q.limit >= total;
  const sql = whole
    ? `SELECT ${LOW_COLUMNS} FROM ${LOW} CROSS JOIN products p ON p.id = s.product_id ${LOW_JOINS} WHERE ${filter} ORDER BY p.name, p.rowid`
    : `WITH pg AS (SELECT s.rowid AS rid, p.rowid AS prid FROM ${LOW} CROSS JOIN products p ON p.id = s.product_id WHERE ${filter}
                   ORDER BY p.name, p.rowid LIMIT @limit OFFSET @offset)
       SELECT ${LOW_COLUMNS} FROM pg CROSS JOIN stock_levels s ON s.rowid = pg.rid CROSS JOIN products p ON p.rowid = pg.prid ${LOW_JOINS}
       ORDER BY p.name, p.rowid`;
  const rows = deps.sqlite.prepare(sql).all(args) as LowRaw[];
  const items = rows.map(({ sold, ...r }) => ({ ...r, ...suggest({ ...r, sold }) }));
  return { items, total };
}

/** The badge: items at or below their reorder point, and levels below zero. */
export function lowStockCount(deps: Pick<Deps, 'sqlite'>): { count: number; negative: number } {
  const count = deps.sqlite.prepare(`SELECT COUNT(*) FROM ${LOW} WHERE ${LOW_WHERE}`).pluck().get() as number;
  const negative = deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE qty < 0').pluck().get() as number;
  return { count, negative };
}
