/**
 * Online orders against the store's stock: the units paid online orders still need (a shortage is
 * fewer at the store's location than that: the counter sold them meanwhile, offline perhaps), and
 * the units unpaid web orders hold.
 */
import type { Deps } from '../deps';
import type { OnlineShortage, ReservedUnits, ShortageRow } from '../../shared/api/online-orders';
import { defaultLocationId } from '../inventory/ledger';

/**
 * Online orders still open at this till (`@me`: its terminal code): neither cancelled nor handed
 * over, nor shipped by another till (shipments stay on the till that made them; its steps travel).
 */
export const OPEN_ONLINE = `NOT EXISTS (SELECT 1 FROM online_order_events e WHERE e.order_id = o.id
  AND (e.kind IN ('cancelled', 'picked_up') OR (e.kind = 'shipped' AND COALESCE(e.terminal_code, '') <> @me)))`;

/** What a line still needs: its units, less those refunded and (ship orders) those already shipped. */
const LINE_NEEDS = `MAX(0, l.qty
  - COALESCE((SELECT SUM(rl.qty) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0)
  - CASE WHEN o.fulfilment = 'ship' THEN COALESCE((SELECT SUM(sl.qty) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
      WHERE sl.order_line_id = l.id AND s.status NOT IN ('cancelled', 'returned')), 0) ELSE 0 END)`;

/** Every product the open online orders need more of than the store has, by product id. */
export function shortProducts(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): Map<string, OnlineShortage> {
  const rows = deps.sqlite
    .prepare(
      `SELECT * FROM (
         SELECT l.product_id AS productId, MIN(l.name) AS name, SUM(${LINE_NEEDS}) AS needed,
                COALESCE((SELECT qty FROM stock_levels v WHERE v.product_id = l.product_id AND v.location_id = @location), 0) AS inStock
         FROM online_orders oo JOIN orders o ON o.id = oo.id JOIN order_lines l ON l.order_id = o.id
         WHERE o.fulfilment IN ('ship', 'pickup') AND ${OPEN_ONLINE}
         GROUP BY l.product_id)
       WHERE needed > 0 AND inStock < needed`,
    )
    .all({ location: defaultLocationId(deps), me: deps.terminalCode }) as OnlineShortage[];
  return new Map(rows.map((r) => [r.productId, r]));
}

/** The products of one open online order the store is short of. */
export function shortagesOf(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, orderId: string, short = shortProducts(deps)): OnlineShortage[] {
  if (short.size === 0) return [];
  const products = deps.sqlite
    .prepare(
      `SELECT DISTINCT l.product_id AS id FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE l.order_id = @id AND ${LINE_NEEDS} > 0 AND ${OPEN_ONLINE}`,
    )
    .pluck()
    .all({ id: orderId, me: deps.terminalCode }) as string[];
  return products.flatMap((p) => {
    const s = short.get(p);
    return s ? [s] : [];
  });
}

/** The manager's list: each open online order with each product it is short of, oldest order first. */
export function shortageList(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, limit: number): ShortageRow[] {
  const short = shortProducts(deps);
  if (short.size === 0) return [];
  const rows = deps.sqlite
    .prepare(
      `SELECT o.id AS orderId, o.number, oo.shop_number AS shopNumber, o.fulfilment, oo.created_at AS createdAt, l.product_id AS productId
       FROM online_orders oo JOIN orders o ON o.id = oo.id JOIN order_lines l ON l.order_id = o.id
       WHERE o.fulfilment IN ('ship', 'pickup') AND ${OPEN_ONLINE} AND ${LINE_NEEDS} > 0
         AND l.product_id IN (SELECT value FROM json_each(@products))
       GROUP BY o.id, l.product_id ORDER BY oo.created_at, o.rowid LIMIT @limit`,
    )
    .all({ products: JSON.stringify([...short.keys()]), limit, me: deps.terminalCode }) as Omit<
    ShortageRow,
    'name' | 'needed' | 'inStock'
  >[];
  return rows.map((r) => ({ ...r, ...short.get(r.productId)! }));
}

/** Units held by unpaid web orders (held and not yet expired), per product asked for. */
export function reservedUnits(deps: Pick<Deps, 'sqlite' | 'clock'>, productIds: string[]): ReservedUnits {
  if (productIds.length === 0) return {};
  const rows = deps.sqlite
    .prepare(
      `SELECT product_id AS productId, SUM(qty) AS qty FROM stock_reservations
       WHERE state = 'held' AND expires_at > ? AND product_id IN (SELECT value FROM json_each(?)) GROUP BY product_id`,
    )
    .all(deps.clock(), JSON.stringify(productIds)) as { productId: string; qty: number }[];
  return Object.fromEntries(rows.map((r) => [r.productId, r.qty]));
}
