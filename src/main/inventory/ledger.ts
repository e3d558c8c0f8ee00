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
 * The only way stock changes: append a movement, adjust the level and queue the movement for cloud
 * sync (outbox), all in the caller's transaction. Terminals merge stock by adding each other's
 * movements, so every movement syncs as a fact of its own.
 * Prepared once per connection because a sale writes one per line.
 */
const stmts = new WeakMap<
  object,
  { ins: import('better-sqlite3').Statement; lvl: import('better-sqlite3').Statement; out: import('better-sqlite3').Statement }
>();

export function recordMovement(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock'> & Partial<Pick<Deps, 'hlc'>>, m: Movement): void {
  let s = stmts.get(deps.sqlite);
  if (!s) {
    s = {
      ins: deps.sqlite.prepare(
        'INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lvl: deps.sqlite.prepare(
        'INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, ?) ON CONFLICT (product_id, location_id) DO UPDATE SET qty = qty + excluded.qty',
      ),
      out: deps.sqlite.prepare(
        "INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, 'stock_movement', ?, 'insert', ?, ?, ?)",
      ),
    };
    stmts.set(deps.sqlite, s);
  }
  const id = deps.ids();
  const at = deps.clock();
  s.ins.run(id, m.productId, m.locationId, m.qtyDelta, m.kind, m.refId ?? null, m.staffId ?? null, at);
  s.lvl.run(m.productId, m.locationId, m.qtyDelta);
  // A fact has no fields to merge: its stamp only orders it among this terminal's changes.
  const stamp = deps.hlc ? deps.hlc.now() : `${String(at).padStart(13, '0')}-0000-ledger`;
  s.out.run(
    deps.ids(),
    id,
    JSON.stringify({ productId: m.productId, locationId: m.locationId, qtyDelta: m.qtyDelta, kind: m.kind }),
    stamp,
    at,
  );
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
