import type { MovementKind } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { readSettings } from '../settings/settings';
import { cachedStatement } from '../db/statements';
import type { Cols, SqlRow } from '../db/rows';
import type { products, stockLevels, stockLocations } from '../db/schema';

export type { MovementKind };

export interface Movement {
  /** Drawn when absent; given when the movement's id is derived from what it records (see db/stable-ids.ts). */
  id?: string;
  productId: string;
  locationId: string;
  qtyDelta: number;
  kind: MovementKind;
  refId?: string | null;
  staffId?: string | null;
  /** Adjustments and write-offs say why. */
  reason?: string | null;
  /** Receipts carry their cost per unit. */
  unitCost?: number | null;
}

/** The ledger's statements (a sale runs them once per line). Exported for the bench's raw baseline. */
export const LEDGER_SQL = {
  insertMovement:
    'INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at, reason, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  addToLevel:
    'INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, ?) ON CONFLICT (product_id, location_id) DO UPDATE SET qty = qty + excluded.qty',
  level: 'SELECT qty FROM stock_levels WHERE product_id = ? AND location_id = ?',
  zeroLevel: 'INSERT OR IGNORE INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, 0)',
  defaultLocation: 'SELECT id FROM stock_locations WHERE is_default = 1 LIMIT 1',
} as const;

/**
 * The only way stock changes: append a movement and adjust the level, in the caller's transaction
 * (the write path queues the movement for cloud sync). Terminals merge stock by adding each other's
 * movements, so every movement syncs as a fact of its own.
 */
export function recordMovement(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock'>, m: Movement): void {
  const id = m.id ?? deps.ids();
  const at = deps.clock();
  cachedStatement(deps.sqlite, LEDGER_SQL.insertMovement).run(
    id,
    m.productId,
    m.locationId,
    m.qtyDelta,
    m.kind,
    m.refId ?? null,
    m.staffId ?? null,
    at,
    m.reason ?? null,
    m.unitCost ?? null,
  );
  cachedStatement(deps.sqlite, LEDGER_SQL.addToLevel).run(m.productId, m.locationId, m.qtyDelta);
}

/**
 * A level row at 0 with no movement (0 is the sum of no movements): a product is listed at its
 * location from the moment it exists, and the stock list can be paged from the levels table.
 */
export function ensureLevelRow(deps: Pick<Deps, 'sqlite'>, productId: string, locationId: string): void {
  cachedStatement(deps.sqlite, LEDGER_SQL.zeroLevel).run(productId, locationId);
}

export function levelAt(deps: Pick<Deps, 'sqlite'>, productId: string, locationId: string): number {
  return (
    (cachedStatement(deps.sqlite, LEDGER_SQL.level, 'pluck').get(productId, locationId) as SqlRow<typeof stockLevels>['qty'] | undefined) ??
    0
  );
}

export interface Shortage {
  productId: string;
  sku: string;
  name: string;
  available: number;
  requested: number;
}

/**
 * Under the "block" policy, refuses (OUT_OF_STOCK, listing every short item) movements that would
 * take a level below zero. Under "allow" (the default) the level may go negative and shows in the
 * flagged list. `items` may repeat a product: quantities are added up first.
 */
export function assertAvailable(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>,
  locationId: string,
  items: { productId: string; qty: number }[],
): void {
  if (readSettings(deps).negativeStock !== 'block') return;
  const wanted = new Map<string, number>();
  for (const it of items) if (it.qty > 0) wanted.set(it.productId, (wanted.get(it.productId) ?? 0) + it.qty);
  const short: Shortage[] = [];
  for (const [productId, requested] of wanted) {
    const available = levelAt(deps, productId, locationId);
    if (available - requested < 0) {
      const p = deps.sqlite.prepare('SELECT sku, name FROM products WHERE id = ?').get(productId) as
        Cols<typeof products, 'sku' | 'name'> | undefined;
      short.push({ productId, sku: p?.sku ?? '', name: p?.name ?? '', available, requested });
    }
  }
  if (short.length > 0)
    throw new AppError('OUT_OF_STOCK', `Not enough stock for ${short.map((s) => s.name).join(', ')}`, { locationId, items: short });
}

export function defaultLocationId(deps: Pick<Deps, 'sqlite'>): string {
  const row = cachedStatement(deps.sqlite, LEDGER_SQL.defaultLocation).get() as Cols<typeof stockLocations, 'id'> | undefined;
  if (!row) throw new Error('No default stock location: run setup first');
  return row.id;
}

export function stockOnHand(deps: Pick<Deps, 'sqlite'>, productId: string): number {
  const row = deps.sqlite.prepare('SELECT COALESCE(SUM(qty), 0) AS q FROM stock_levels WHERE product_id = ?').get(productId) as {
    q: number;
  };
  return row.q;
}

/** Tells every open screen that stock changed (badges, lists). Sent once per command, not per line. */
export function stockChanged(deps: Pick<Deps, 'events' | 'clock'>): void {
  deps.events.emit('stock.changed', { at: deps.clock() });
}
