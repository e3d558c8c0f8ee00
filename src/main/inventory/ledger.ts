import type { Deps } from '../deps';

export type MovementKind = 'sale' | 'return' | 'receipt' | 'adjustment' | 'count' | 'transfer' | 'writeoff' | 'opening';

export interface Movement {
  productId: string;
  locationId: string;
  qtyDelta: number;
  kind: MovementKind;
  refId?: string | null;
  staffId?: string | null;
}

/**
 * The only way stock changes: append a movement and adjust the level in the same transaction.
 * Prepared once per connection because a sale writes one per line.
 */
const stmts = new WeakMap<object, { ins: import('better-sqlite3').Statement; lvl: import('better-sqlite3').Statement }>();

export function recordMovement(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock'>, m: Movement): void {
  let s = stmts.get(deps.sqlite);
  if (!s) {
    s = {
      ins: deps.sqlite.prepare(
        'INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lvl: deps.sqlite.prepare(
        'INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, ?) ON CONFLICT (product_id, location_id) DO UPDATE SET qty = qty + excluded.qty',
      ),
    };
    stmts.set(deps.sqlite, s);
  }
  s.ins.run(deps.ids(), m.productId, m.locationId, m.qtyDelta, m.kind, m.refId ?? null, m.staffId ?? null, deps.clock());
  s.lvl.run(m.productId, m.locationId, m.qtyDelta);
}

export function defaultLocationId(deps: Pick<Deps, 'sqlite'>): string {
  const row = deps.sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1 LIMIT 1').get() as { id: string } | undefined;
  if (!row) throw new Error('No default stock location: run setup first');
  return row.id;
}

export function stockOnHand(deps: Pick<Deps, 'sqlite'>, productId: string): number {
  const row = deps.sqlite.prepare('SELECT COALESCE(SUM(qty), 0) AS q FROM stock_levels WHERE product_id = ?').get(productId) as {
    q: number;
  };
  return row.q;
}
