/**
 * The order of products on a Chinese screen: by the pinyin of the name that screen shows (the
 * Chinese one, whichever field holds it). Code point order would put 个 (U+4E2A) before 茶 and
 * scatter everything else. Lists are paged in SQL, so each product keeps its key in
 * `product_sort_keys` (under the product's rowid, indexed), written wherever its search entry is:
 * the same writers already read the names and turn them into pinyin.
 */
import type { Sqlite } from '../db/open';
import { cachedStatement } from '../db/statements';
import { localizedName } from '../../shared/names';
import { pinyinSyllables } from './search-text';
import type { BackgroundWork } from '../db/background';
import type { CamelCols, SqlRow } from '../db/rows';
import type { products, syncState } from '../db/schema';

const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

/** "富士苹果" → "fu shi ping guo\u0001富士苹果": pinyin syllables, then the name itself to break ties. */
export function zhSortKey(name: string, altName: string | null | undefined): string {
  const shown = localizedName(name, altName, 'zh-CN').primary;
  const spelled = shown
    .replace(CJK_RUN, (run) => ` ${pinyinSyllables(run).join(' ')} `)
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  return `${spelled}\u0001${shown}`;
}

const PUT_KEY = 'INSERT OR REPLACE INTO product_sort_keys (rowid, zh) VALUES (?, ?)';

export function writeSortKey(sqlite: Sqlite, rowid: number | bigint, p: { name: string; altName?: string | null }): void {
  cachedStatement(sqlite, PUT_KEY).run(rowid, zhSortKey(p.name, p.altName));
}

/**
 * Many products' keys, written in key order: each lands beside the one before in the key's index.
 * In the order they came (an import of 100,000 into a store of a million), each touched a page of
 * the index at random, and those keys took half of the import's time.
 */
export function writeSortKeys(
  sqlite: Sqlite,
  entries: readonly { rowid: number | bigint; p: { name: string; altName?: string | null } }[],
): void {
  const keyed = entries.map((e) => ({ rowid: e.rowid, key: zhSortKey(e.p.name, e.p.altName) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const put = cachedStatement(sqlite, PUT_KEY);
  for (const e of keyed) put.run(e.rowid, e.key);
}

/**
 * A store from before keys existed has products without one. Filling a million of them takes
 * tens of seconds of pinyin, so it happens in the background after the store opens, from a
 * cursor kept in the store (a close mid-way resumes where it stopped; products made meanwhile get
 * their keys from their writers). Until it is done, lists that would sort by pinyin sort by name,
 * so no product is missing from them.
 */
export interface SortKeyFill {
  /** Products up to this rowid have their key. */
  upto: number;
  /** The last product that existed when the fill began. */
  target: number;
}

const FILL_KEY = 'sortKeysFill';
const readFill = (sqlite: Sqlite) => {
  const raw = cachedStatement(sqlite, 'SELECT value FROM sync_state WHERE key = ?', 'pluck').get(FILL_KEY) as
    SqlRow<typeof syncState>['value'] | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as SortKeyFill);
};
const writeFill = (sqlite: Sqlite, fill: SortKeyFill | null) => {
  if (fill === null) cachedStatement(sqlite, 'DELETE FROM sync_state WHERE key = ?').run(FILL_KEY);
  else
    cachedStatement(sqlite, 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      FILL_KEY,
      JSON.stringify(fill),
    );
};

/** Whether every product has its key (lists may sort by pinyin). One keyed lookup. */
export function sortKeysReady(sqlite: Sqlite): boolean {
  return readFill(sqlite) === null;
}

/**
 * At open: notices products past the last key (a store from before keys existed) and records the
 * fill still to do. Nothing to do costs two index lookups. Returns whether a fill is pending.
 */
export function planSortKeyFill(sqlite: Sqlite): boolean {
  if (readFill(sqlite)) return true;
  const lastKey = (cachedStatement(sqlite, 'SELECT COALESCE(MAX(rowid), 0) FROM product_sort_keys', 'pluck').get() as number) ?? 0;
  const lastProduct = (cachedStatement(sqlite, 'SELECT COALESCE(MAX(rowid), 0) FROM products', 'pluck').get() as number) ?? 0;
  if (lastProduct <= lastKey) return false;
  writeFill(sqlite, { upto: lastKey, target: lastProduct });
  return true;
}

/**
 * One step of the fill: up to `chunk` products, in one transaction with the cursor. False when done.
 * A scan waits for a step: in a store of a million keys each key lands on a page of their index at
 * random (a tenth of a millisecond), so a step of 100 keeps that wait near 10 ms.
 */
export function fillSortKeysStep(sqlite: Sqlite, chunk = 100): boolean {
  const fill = readFill(sqlite);
  if (!fill) return false;
  const page = cachedStatement(
    sqlite,
    'SELECT rowid AS r, name, alt_name AS altName FROM products WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?',
  );
  sqlite.transaction(() => {
    const rows = page.all(fill.upto, fill.target, chunk) as ({ r: number } & CamelCols<typeof products, 'name' | 'altName'>)[];
    writeSortKeys(
      sqlite,
      rows.map((p) => ({ rowid: p.r, p })),
    );
    writeFill(sqlite, rows.length < chunk ? null : { upto: rows[rows.length - 1]!.r, target: fill.target });
  })();
  return readFill(sqlite) !== null;
}

/** The whole fill at once (tests, tools); the app runs it in turns (`startSortKeyFill`). Returns the products keyed. */
export function fillSortKeys(sqlite: Sqlite, chunk = 5_000): number {
  if (!planSortKeyFill(sqlite)) return 0;
  const before = cachedStatement(sqlite, 'SELECT COUNT(*) FROM product_sort_keys', 'pluck').get() as number;
  while (fillSortKeysStep(sqlite, chunk));
  return (cachedStatement(sqlite, 'SELECT COUNT(*) FROM product_sort_keys', 'pluck').get() as number) - before;
}

/** At open: a pending fill runs in the background, a step per turn of the event loop. */
export function startSortKeyFill(sqlite: Sqlite, background: BackgroundWork): void {
  if (planSortKeyFill(sqlite)) background.run('sort-keys', () => fillSortKeysStep(sqlite));
}
