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

export function writeSortKey(sqlite: Sqlite, rowid: number | bigint, p: { name: string; altName?: string | null }): void {
  cachedStatement(sqlite, 'INSERT OR REPLACE INTO product_sort_keys (rowid, zh) VALUES (?, ?)').run(rowid, zhSortKey(p.name, p.altName));
}

/**
 * Gives keys to products past the last key (all of them in a store from before keys existed;
 * every writer keeps them after that). Nothing to do costs two index lookups.
 */
export function fillSortKeys(sqlite: Sqlite, chunk = 5_000): number {
  const page = cachedStatement(sqlite, 'SELECT rowid AS r, name, alt_name AS altName FROM products WHERE rowid > ? ORDER BY rowid LIMIT ?');
  let last = (cachedStatement(sqlite, 'SELECT COALESCE(MAX(rowid), 0) FROM product_sort_keys', 'pluck').get() as number) ?? 0;
  let n = 0;
  for (;;) {
    const rows = page.all(last, chunk) as { r: number; name: string; altName: string | null }[];
    if (rows.length === 0) return n;
    sqlite.transaction(() => {
      for (const p of rows) writeSortKey(sqlite, p.r, p);
    })();
    n += rows.length;
    last = rows[rows.length - 1]!.r;
  }
}
