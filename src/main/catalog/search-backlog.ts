/**
 * Search entries written after the fact. A new terminal's first download brings its whole catalog
 * (100,000 products in seconds); writing their name index inline would double that wait. Instead
 * the download records a backlog, products with rowid in (through, upto], and the terminal is set
 * up at once; this module then fills the index in small transactions on the main thread, between
 * other work, and search meanwhile also scans the names of the products still waiting.
 *
 * Rule for every writer of `products_fts`: a product in the backlog gets its entry from the filler
 * only, which reads the product as it is when it gets there (so edits made meanwhile count).
 */
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { inTransaction } from '../db/open';
import { cachedStatement } from '../db/statements';
import { runInTurns } from '../db/background';
import { searchDoc } from './search-text';
import { writeSortKey } from './sort-key';

export interface Backlog {
  /** Products up to this rowid have their entries. */
  through: number;
  /** The last rowid still waiting. */
  upto: number;
}

/** Products indexed per transaction: about 25 ms of work, so a scan or a sale waits at most that. */
const FILL_CHUNK = 1_000;

export function searchBacklog(sqlite: Sqlite): Backlog | null {
  return (cachedStatement(sqlite, 'SELECT through, upto FROM search_backlog WHERE id = 1').get() as Backlog | undefined) ?? null;
}

/** Whether the product with this rowid waits for the filler (and must not be indexed by anyone else). */
export function inBacklog(backlog: Backlog | null, rowid: number | bigint): boolean {
  return backlog !== null && rowid > backlog.through && rowid <= backlog.upto;
}

/**
 * Leaves the entries of products from `fromRowid` through `uptoRowid` to the filler (in the
 * caller's transaction); entries some of them already have are rewritten by it.
 */
export function deferSearchEntries(sqlite: Sqlite, fromRowid: number, uptoRowid: number): void {
  const now = searchBacklog(sqlite);
  const through = now ? Math.min(now.through, fromRowid - 1) : fromRowid - 1;
  const upto = now ? Math.max(now.upto, uptoRowid) : uptoRowid;
  cachedStatement(
    sqlite,
    'INSERT INTO search_backlog (id, through, upto) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET through = excluded.through, upto = excluded.upto',
  ).run(through, upto);
}

/** Writes the next chunk of waiting entries in one transaction; false once nothing waits. */
export function fillSearchBacklog(deps: Pick<Deps, 'sqlite'>, chunk = FILL_CHUNK): boolean {
  const { sqlite } = deps;
  return inTransaction(sqlite, () => {
    const b = searchBacklog(sqlite);
    if (!b) return false;
    const rows = cachedStatement(
      sqlite,
      'SELECT rowid AS r, name, alt_name AS altName, archived FROM products WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?',
    ).all(b.through, b.upto, chunk) as { r: number; name: string; altName: string | null; archived: number }[];
    // A product may have an entry from before it joined the backlog: OR REPLACE rewrites it
    // (never doubles it), and an archived product loses it, as catalog/products.ts keeps them.
    const ins = cachedStatement(sqlite, 'INSERT OR REPLACE INTO products_fts (rowid, text, py) VALUES (?, ?, ?)');
    const del = cachedStatement(sqlite, 'DELETE FROM products_fts WHERE rowid = ?');
    for (const p of rows) {
      writeSortKey(sqlite, p.r, p);
      if (p.archived) {
        del.run(p.r);
        continue;
      }
      const doc = searchDoc(p);
      ins.run(p.r, doc.text, doc.py);
    }
    const through = rows.length === chunk ? rows[rows.length - 1]!.r : b.upto;
    if (through >= b.upto) cachedStatement(sqlite, 'DELETE FROM search_backlog WHERE id = 1').run();
    else cachedStatement(sqlite, 'UPDATE search_backlog SET through = ? WHERE id = 1').run(through);
    return through < b.upto;
  });
}

/**
 * Fills the backlog in the background, a chunk per turn of the event loop, until it is empty.
 * Safe to call at any time. A failed chunk (disk full) is left for the next start: search keeps
 * scanning the waiting names.
 */
export function startSearchFill(deps: Pick<Deps, 'sqlite'>): void {
  if (searchBacklog(deps.sqlite)) runInTurns(deps.sqlite, 'search', () => fillSearchBacklog(deps));
}

/**
 * While the backlog waits: a rowid source for products in it whose name or alternative name
 * contains every word of the text. A scan of the waiting rows (at 100,000 names, tens of ms),
 * so a new terminal finds its products by name before their entries exist; pinyin initials
 * find them once indexed.
 */
export function backlogNameSource(backlog: Backlog, text: string, limit: number): { sql: string; args: Record<string, unknown> } | null {
  const words = [...new Set(text.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, 4);
  if (words.length === 0) return null;
  const args: Record<string, unknown> = { blFrom: backlog.through, blTo: backlog.upto };
  const conds = words.map((w, i) => {
    args[`blWord${i}`] = w;
    return `(instr(lower(name), @blWord${i}) > 0 OR instr(lower(alt_name), @blWord${i}) > 0)`;
  });
  return { sql: `SELECT rowid FROM products WHERE rowid > @blFrom AND rowid <= @blTo AND ${conds.join(' AND ')} LIMIT ${limit}`, args };
}
