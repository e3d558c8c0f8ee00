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
import { connectionSlot, inTransaction, slotOf, type Sqlite } from '../db/open';
import { cachedStatement } from '../db/statements';
import { searchDoc } from './search-text';
import { writeSortKey } from './sort-key';
import type { CamelCols, Cols } from '../db/rows';
import type { products, searchBacklog as searchBacklogTable } from '../db/schema';

/** Products up to `through` (a rowid) have their entries; `upto` is the last rowid still waiting. */
export type Backlog = Cols<typeof searchBacklogTable, 'through' | 'upto'>;

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
    ).all(b.through, b.upto, chunk) as ({ r: number } & CamelCols<typeof products, 'name' | 'altName' | 'archived'>)[];
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
export function startSearchFill(deps: Pick<Deps, 'sqlite' | 'background'>): void {
  if (searchBacklog(deps.sqlite)) deps.background.run('search', () => fillSearchBacklog(deps));
}

/**
 * While the backlog waits: a rowid source for products in it whose names match every word of the
 * text the way their index entry will (see `backlogMatcher`). A scan of the waiting rows, so a new
 * terminal finds its products by name, Chinese initials included, before their entries exist.
 */
export function backlogNameSource(
  sqlite: Sqlite,
  backlog: Backlog,
  text: string,
  limit: number,
): { sql: string; args: Record<string, unknown> } | null {
  const words = queryWords(text);
  if (words.length === 0) return null;
  registerBacklogMatch(sqlite);
  return {
    sql: `SELECT rowid FROM products WHERE rowid > @blFrom AND rowid <= @blTo AND ct_backlog_match(name, alt_name, @blWords) LIMIT ${limit}`,
    args: { blFrom: backlog.through, blTo: backlog.upto, blWords: words.join(' ') },
  };
}

/** Folds text as the index's tokenizer does (unicode61, remove_diacritics 2): full-width and Unicode case, accents. */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase();
}

function queryWords(text: string): string[] {
  return [...new Set(foldSearchText(text).split(/\s+/).filter(Boolean))].slice(0, 4);
}

/**
 * Whether a waiting product's names match all the words: a word is in its folded names, or (all
 * letters) starts one of the pinyin tokens its entry will have, so `pg` finds 苹果 as the index
 * does. Pinyin is worked out only for names with Chinese in them, and remembered per name.
 */
export function backlogMatcher(): (name: string, altName: string | null, words: string) => boolean {
  const py = new Map<string, string[]>();
  let lastWords = '';
  let parsed: string[] = [];
  return (name, altName, words) => {
    if (words !== lastWords) {
      lastWords = words;
      parsed = words.split(' ');
    }
    const folded = foldSearchText(`${name} ${altName ?? ''}`);
    const missing = parsed.filter((w) => !folded.includes(w));
    if (missing.length === 0) return true;
    // Pinyin (the costly part) only when every missing word could be initials or syllables.
    if (!missing.every((w) => /^[a-z]+$/.test(w)) || !/[\u3400-\u9fff\uf900-\ufaff]/u.test(folded)) return false;
    const key = `${name}\u0000${altName ?? ''}`;
    let tokens = py.get(key);
    if (!tokens) {
      tokens = searchDoc({ name, altName }).py.split(' ');
      if (py.size >= 100_000) py.clear();
      py.set(key, tokens);
    }
    const known = tokens;
    return missing.every((w) => known.some((t) => t.startsWith(w)));
  };
}

/**
 * `ct_backlog_match` on this connection, with its matcher (and the matcher's pinyin memory):
 * registered by the first scan that needs it, gone with the connection.
 */
const MATCH = connectionSlot('ct_backlog_match', (sqlite) => {
  const match = backlogMatcher();
  sqlite.function('ct_backlog_match', { deterministic: true }, (name, altName, words) =>
    match(String(name ?? ''), altName == null ? null : String(altName), String(words)) ? 1 : 0,
  );
  return { match };
});

function registerBacklogMatch(sqlite: Sqlite): void {
  slotOf(sqlite, MATCH);
}
