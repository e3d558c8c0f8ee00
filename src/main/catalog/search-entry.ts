/**
 * A product's search entry and pinyin sort key: the one function that keeps them, for a product
 * written here (catalog, CSV import) and one pulled from the cloud (sync/hooks.ts) alike.
 */
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';
import { writeSortKey, writeSortKeys } from './sort-key';
import { searchDoc } from './search-text';
import { inBacklog, searchBacklog, type Backlog } from './search-backlog';

const PUT_ENTRY = 'INSERT INTO products_fts (rowid, text, py) VALUES (?, ?, ?)';

/** A product's entry, for a rowid that has none. */
function putEntry(sqlite: Deps['sqlite'], rowid: number | bigint, p: { name: string; altName?: string | null }): void {
  const doc = searchDoc(p);
  cachedStatement(sqlite, PUT_ENTRY).run(rowid, doc.text, doc.py);
}

/** The search index row of a product, rewritten whenever a searchable field changes (`null`: the product leaves the index). */
export function writeSearchEntry(
  deps: Pick<Deps, 'sqlite'>,
  rowid: number | bigint,
  p: { name: string; altName?: string | null } | null,
  /** A product inserted just now has no entry yet: nothing to delete. */
  fresh = false,
  /** Read once by a caller writing many entries. */
  backlog: Backlog | null = searchBacklog(deps.sqlite),
): void {
  // Its pinyin sort key follows the names too (kept for an archived product: lists can show it).
  if (p) writeSortKey(deps.sqlite, rowid, p);
  // A product still in the backlog is indexed by the filler, as it is when it gets there.
  if (inBacklog(backlog, rowid)) return;
  if (!fresh) cachedStatement(deps.sqlite, 'DELETE FROM products_fts WHERE rowid = ?').run(rowid);
  if (p) putEntry(deps.sqlite, rowid, p);
}

/** The entries of many products inserted just now (an import): their sort keys in key order, then their search entries. */
export function writeNewSearchEntries(
  deps: Pick<Deps, 'sqlite'>,
  entries: readonly { rowid: number | bigint; p: { name: string; altName?: string | null } }[],
): void {
  writeSortKeys(deps.sqlite, entries);
  const backlog = searchBacklog(deps.sqlite);
  for (const e of entries) if (!inBacklog(backlog, e.rowid)) putEntry(deps.sqlite, e.rowid, e.p);
}
