import type { ProductHit } from '../../shared/api/types';
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { HIT_COLUMNS, SKU_ANY_CASE, skuCases, type HitRow } from './products';
import { codeFirst, codePrefixRange, ftsQuery, looksLikeCode } from './search-text';
import { cachedStatement } from '../db/statements';
import { backlogNameSource, searchBacklog } from './search-backlog';
import type { SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

/** How many FTS matches are ranked in JS: enough for good ordering, bounded for speed at 1M items. */
const CANDIDATES = 200;
/** Products per code-prefix range (one range per case of the typed text, for SKUs and for barcodes). */
const PREFIX_HITS = 20;

/** The handler's statements, exported so that the bench times exactly this SQL. */
export const SEARCH_SQL = {
  byCode: `SELECT ${HIT_COLUMNS} FROM barcodes c JOIN products p ON p.id = c.product_id WHERE c.code = ? AND +p.archived = 0`,
  bySku: `SELECT ${HIT_COLUMNS} FROM products p WHERE ${SKU_ANY_CASE} AND p.archived = 0`,
  // Codes are not in the FTS index (nearly every one is distinct, so they made it costly to build):
  // the start of a SKU or barcode is a range over its unique index, [typed, typed with the last
  // character incremented), read in code order.
  skuPrefix: `SELECT ${HIT_COLUMNS}, p.sku AS matched FROM products p
    WHERE p.sku >= ? AND p.sku < ? AND +p.archived = 0 ORDER BY p.sku LIMIT ${PREFIX_HITS}`,
  codePrefix: `SELECT ${HIT_COLUMNS}, c.code AS matched FROM barcodes c JOIN products p ON p.id = c.product_id
    WHERE c.code >= ? AND c.code < ? AND +p.archived = 0 ORDER BY c.code LIMIT ${PREFIX_HITS}`,
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

/**
 * Products with a SKU or barcode that starts with the typed text, as typed, upper- and lower-cased
 * (SKUs are stored as the user typed them; a mixed-case SKU is found only as stored). Shortest
 * code first, so the closest completion leads (AJ-1 before AJ-10), then in code order.
 */
function codePrefixHits(sqlite: Sqlite, q: string): ProductHit[] {
  const hits: (ProductHit & { matched: string })[] = [];
  for (const c of new Set(skuCases(q))) {
    const [from, to] = codePrefixRange(c);
    hits.push(
      ...(cachedStatement(sqlite, SEARCH_SQL.skuPrefix).all(from, to) as (HitRow & { matched: SqlRow<typeof schema.products>['sku'] })[]),
      ...(cachedStatement(sqlite, SEARCH_SQL.codePrefix).all(from, to) as (HitRow & { matched: SqlRow<typeof schema.barcodes>['code'] })[]),
    );
  }
  hits.sort((a, b) => a.matched.length - b.matched.length || (a.matched < b.matched ? -1 : a.matched > b.matched ? 1 : 0));
  return hits.map(({ matched: _, ...hit }) => hit);
}

/**
 * Search as you type. Order: an exact barcode or SKU; then, for text that is more likely a code
 * than a word (`codeFirst`: "AJ-", "TS-M", "50001126"), SKUs and barcodes that start with it;
 * then name / pinyin matches; then, for a plain word that could also start a code ("milk",
 * "cola"), code-prefix hits only in the places names left free, so a name search is never crowded
 * out by SKUs that happen to start the same way.
 */
export function searchProducts(deps: Pick<Deps, 'sqlite'>, typed: string, limit = 20): ProductHit[] {
  const q = typed.trim();
  if (!q) return [];
  const { sqlite } = deps;
  const seen = new Set<string>();
  const out: ProductHit[] = [];
  const take = (hits: ProductHit[]) => {
    for (const hit of hits) {
      if (out.length >= limit) return;
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      out.push(hit);
    }
  };

  take(cachedStatement(sqlite, SEARCH_SQL.byCode).all(q) as HitRow[]);
  take(cachedStatement(sqlite, SEARCH_SQL.bySku).all(...skuCases(q)) as HitRow[]);
  const codesFirst = codeFirst(q);
  if (codesFirst) take(codePrefixHits(sqlite, q));
  const fts = ftsQuery(q);
  const backlog = searchBacklog(sqlite);
  if ((fts || backlog) && out.length < limit) {
    const matches: ProductHit[] = fts ? (cachedStatement(sqlite, SEARCH_SQL.fts).all(fts) as HitRow[]) : [];
    const waiting = backlog && backlogNameSource(sqlite, backlog, q, CANDIDATES);
    if (waiting)
      matches.push(
        ...(cachedStatement(sqlite, `SELECT ${HIT_COLUMNS} FROM products p WHERE p.rowid IN (${waiting.sql}) AND p.archived = 0`).all(
          waiting.args,
        ) as HitRow[]),
      );
    const lower = q.toLowerCase();
    matches.sort((a, b) => score(a, lower) - score(b, lower) || a.name.length - b.name.length || a.name.localeCompare(b.name));
    take(matches);
  }
  if (!codesFirst && looksLikeCode(q) && out.length < limit) take(codePrefixHits(sqlite, q));
  return out;
}
