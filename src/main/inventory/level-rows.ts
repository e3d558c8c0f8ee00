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

/** Adds the missing default-location level rows of the products `where` picks (a condition on `p`). */
function addMissingLevels(sqlite: Sqlite, where: string, ...args: unknown[]): void {
  cachedStatement(
    sqlite,
    `INSERT OR IGNORE INTO stock_levels (product_id, location_id, qty)
     SELECT p.id, l.id, 0 FROM products p JOIN (${LEDGER_SQL.defaultLocation}) l WHERE ${where}`,
  ).run(...args);
}

/** Adds the missing default-location level rows of these products (in the caller's transaction). */
export function ensureLevelRows(sqlite: Sqlite, productIds: Iterable<string>): void {
  const ids = [...productIds];
  if (ids.length > 0) addMissingLevels(sqlite, 'p.id IN (SELECT value FROM json_each(?))', JSON.stringify(ids));
}

/**
 * Walks every product in the background, a rowid range per turn of the event loop, adding the
 * level rows that are missing; `onDone` runs once it has walked them all. (Products added
 * meanwhile get theirs as they are written.)
 */
export function startLevelFill(deps: Pick<Deps, 'sqlite' | 'background'>, onDone: () => void, chunk = FILL_CHUNK): void {
  const { sqlite } = deps;
  const top = (cachedStatement(sqlite, 'SELECT MAX(rowid) FROM products', 'pluck').get() as number | null) ?? 0;
  let after = 0;
  deps.background.run(
    'stock levels',
    () => {
      if (after >= top) return false;
      inTransaction(sqlite, () => addMissingLevels(sqlite, 'p.rowid > ? AND p.rowid <= ?', after, after + chunk));
      after += chunk;
      return true;
    },
    onDone,
  );
}
