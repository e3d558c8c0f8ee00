import type { ProductHit } from '../../shared/api/types';
import type { Deps } from '../deps';
import { HIT_COLUMNS, SKU_ANY_CASE, skuCases } from './products';
import { ftsQuery } from './search-text';
import { cachedStatement } from '../db/statements';

/** How many FTS matches are ranked in JS: enough for good ordering, bounded for speed at 1M items. */
const CANDIDATES = 200;

/** The handler's statements, exported so that the bench times exactly this SQL. */
export const SEARCH_SQL = {
  byCode: `SELECT ${HIT_COLUMNS} FROM barcodes c JOIN products p ON p.id = c.product_id WHERE c.code = ? AND +p.archived = 0`,
  bySku: `SELECT ${HIT_COLUMNS} FROM products p WHERE ${SKU_ANY_CASE} AND p.archived = 0`,
  // No ORDER BY rank: bm25 over every match of a one-letter prefix is too slow at 1M items.
  fts: `SELECT ${HIT_COLUMNS} FROM products p WHERE p.rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ? LIMIT ${CANDIDATES}) AND p.archived = 0`,
} as const;

function score(hit: ProductHit, q: string): number {
  const name = hit.name.toLowerCase();
  const alt = (hit.altName ?? '').toLowerCase();
  if (name === q || alt === q) return 0;
  if (name.startsWith(q) || alt.startsWith(q)) return 1;
  if (name.includes(q) || alt.includes(q)) return 2;
  return 3;
}

/** Search as you type: exact barcode or SKU first, then name / pinyin matches. */
export function searchProducts(deps: Pick<Deps, 'sqlite'>, typed: string, limit = 20): ProductHit[] {
  const q = typed.trim();
  if (!q) return [];
  const { sqlite } = deps;
  const exact = [
    ...(cachedStatement(sqlite, SEARCH_SQL.byCode).all(q) as ProductHit[]),
    ...(cachedStatement(sqlite, SEARCH_SQL.bySku).all(...skuCases(q)) as ProductHit[]),
  ];
  const fts = ftsQuery(q);
  const matches = fts ? (cachedStatement(sqlite, SEARCH_SQL.fts).all(fts) as ProductHit[]) : [];
  const lower = q.toLowerCase();
  matches.sort((a, b) => score(a, lower) - score(b, lower) || a.name.length - b.name.length || a.name.localeCompare(b.name));
  const seen = new Set<string>();
  const out: ProductHit[] = [];
  for (const hit of [...exact, ...matches]) {
    if (seen.has(hit.id)) continue;
    seen.add(hit.id);
    out.push(hit);
    if (out.length >= limit) break;
  }
  return out;
}
