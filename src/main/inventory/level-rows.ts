/**
 * Every product has a level row at the store's default location, as the terminal that creates a
 * product writes one (stock 0): the stock list reads level rows, so a product without one would be
 * missing from it. Level rows are not synced (they follow from the movements), so a terminal adds
 * them for the products a pull brings: inline for an ordinary page, and after a first download in
 * the background, in small transactions, like its search entries.
 */
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { inTransaction } from '../db/open';
import { cachedStatement } from '../db/statements';
import { LEDGER_SQL } from './ledger';

/** Products per background transaction (a few ms each). */
const FILL_CHUNK = 2_000;

/** Adds the missing default-location level rows of these products (in the caller's transaction). */
export function ensureLevelRows(sqlite: Sqlite, productIds: Iterable<string>): void {
  const ids = [...productIds];
  if (ids.length === 0) return;
  cachedStatement(
    sqlite,
    `INSERT OR IGNORE INTO stock_levels (product_id, location_id, qty)
     SELECT p.id, l.id, 0 FROM products p JOIN (${LEDGER_SQL.defaultLocation}) l
     WHERE p.id IN (SELECT value FROM json_each(?))`,
  ).run(JSON.stringify(ids));
}

/** Adds missing level rows for products with rowid in (after, after + chunk]; the last rowid looked at, or null at the end. */
function fillChunk(sqlite: Sqlite, after: number, chunk: number): number | null {
  return inTransaction(sqlite, () => {
    const upto = cachedStatement(
      sqlite,
      'SELECT MAX(rowid) FROM (SELECT rowid FROM products WHERE rowid > ? ORDER BY rowid LIMIT ?)',
      'pluck',
    ).get(after, chunk) as number | null;
    if (upto === null) return null;
    cachedStatement(
      sqlite,
      `INSERT OR IGNORE INTO stock_levels (product_id, location_id, qty)
       SELECT p.id, l.id, 0 FROM products p JOIN (${LEDGER_SQL.defaultLocation}) l
       WHERE p.rowid > ? AND p.rowid <= ? AND NOT EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = p.id AND s.location_id = l.id)`,
    ).run(after, upto);
    return upto;
  });
}

const running = new WeakSet<Sqlite>();

/**
 * Walks every product in the background, one chunk per turn of the event loop, adding the level
 * rows that are missing; `onDone` runs once it has walked them all (not if the store closed or a
 * chunk failed: the caller keeps its reason to start it again).
 */
export function startLevelFill(deps: Pick<Deps, 'sqlite'>, onDone: () => void, chunk = FILL_CHUNK): void {
  const { sqlite } = deps;
  if (running.has(sqlite)) return;
  running.add(sqlite);
  let after = 0;
  const step = () => {
    let next: number | null;
    try {
      if (!sqlite.open) return running.delete(sqlite);
      next = fillChunk(sqlite, after, chunk);
    } catch (err) {
      console.error('[stock] adding level rows stopped; it goes on at the next start:', err);
      return running.delete(sqlite);
    }
    if (next === null) {
      running.delete(sqlite);
      onDone();
      return;
    }
    after = next;
    setImmediate(step);
  };
  setImmediate(step);
}
