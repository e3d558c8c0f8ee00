/**
 * What the catalog pages read: listed products (sold online, not archived) of one organisation,
 * from the projections, with indexed SQL only. Search matches every term: a word as a prefix of a
 * token (words, pinyin, initials, the SKU), a run of Chinese characters as a phrase of the name.
 */
import { sql, type SQL } from 'drizzle-orm';
import { foldText, searchTerms, spaceCjk } from '../../../shared/search-text';
import { constant, preparedRowsOf, rowsOf, type CloudDb } from '../../db/open';

export const PAGE_SIZE = 24;
/** Deeper pages are not served: nobody reads page 400, and an offset that far is a scan. */
export const MAX_PAGE = 200;

export const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'best', 'rating'] as const;
export type Sort = (typeof SORTS)[number];

export interface ProductCard {
  id: string;
  name: string;
  altName: string | null;
  price: number;
  unit: string;
  ratingSum: number;
  ratingCount: number;
}

export interface ProductDetail extends ProductCard {
  sku: string;
  description: string;
  taxRateBp: number;
  categoryId: string | null;
  categoryName: string | null;
  categoryAltName: string | null;
}

export interface CategoryRow {
  id: string;
  name: string;
  altName: string | null;
}

export interface CardRow {
  product_id: string;
  name: string;
  alt_name: string | null;
  price: string | number;
  unit: string;
  rating_sum: string | number;
  rating_count: string | number;
}

export const CARD_COLUMNS = sql`p.product_id, p.name, p.alt_name, p.price, p.unit, p.rating_sum, p.rating_count`;

export function card(r: CardRow): ProductCard {
  return {
    id: r.product_id,
    name: r.name,
    altName: r.alt_name,
    price: Number(r.price),
    unit: r.unit,
    ratingSum: Number(r.rating_sum),
    ratingCount: Number(r.rating_count),
  };
}

export interface ProductQuery {
  q?: string;
  categoryId?: string | null;
  /** Minor units, inclusive. */
  min?: number | null;
  max?: number | null;
  sort: Sort;
  /** 1-based. */
  page: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** Further columns a list reads of each listed product `p` in the same statement, and the joins they need. */
export interface ListExtra {
  columns: SQL;
  joins: SQL;
}

/**
 * How a search finds its products. A term matching fewer than `narrow` tokens is narrow: its
 * products are looked up by id and sorted (at most that many rows). When every term is broad (a
 * letter, a common word at a million products), sorting every match would read hundreds of
 * thousands of rows, so the listed products are walked in the page's order instead, `walk` at most,
 * each checked against the terms on its own row (`search_words`), until the page is full. A page the walk
 * cannot fill (a rare combination of common words, a deep page) falls back to the lookup.
 */
export interface SearchLimits {
  /** Tokens under which a term is narrow. */
  narrow: number;
  /** Listed products walked at most. */
  walk: number;
  /** A term's tokens read at most per rank when its products are read by rank (more: that rank is left to the walk). */
  perRank?: number;
  /** Told which way each search page was found (for tests and diagnostics). */
  trace?: (how: 'lookup' | 'walk' | 'rank') => void;
}

export const SEARCH_LIMITS: SearchLimits = { narrow: 1500, walk: 20_000, perRank: 500 };

/**
 * One term of a search: the token condition on `t` (for the token index), the pattern of the same
 * condition on a listing's own tokens (`search_words`, each with a space either side), and for a
 * Chinese run the phrase checked on the row.
 */
interface Term {
  token: SQL;
  /** The same token condition as an index range, for a statement planned once for any values. */
  range: SQL;
  pattern: string;
  phrase: SQL | null;
  /** Characters its token probe names: the longer, the fewer products it usually reads. */
  length: number;
}

/**
 * The texts of `column` that start with `prefix`, as a byte-wise index range (text_pattern_ops):
 * a plan made for any values can use it, where `LIKE 'prefix%'` needs the pattern at planning.
 * U+10FFFF is the highest code point: only a continuation that starts with it (a noncharacter) falls
 * outside, and the LIKE kept beside a range makes a match exact.
 */
const prefixRange = (column: SQL, prefix: string) => sql`${column} ~>=~ ${prefix} AND ${column} ~<~ ${`${prefix}\u{10FFFF}`}`;

/** A first page keeps one plan (`preparedRowsOf`, its LIMIT in its text); a deeper page is planned for its offset. */
function pageRows<T>(db: CloudDb, query: SQL, offset: number): Promise<T[]> {
  return offset === 0 ? preparedRowsOf<T>(db, query) : rowsOf<T>(db, sql`${query} OFFSET ${offset}`);
}

function termsOf(q: string): Term[] {
  const terms = searchTerms(q);
  const out: Term[] = terms.prefixes.slice(0, 8).map((prefix) => ({
    token: sql`t.token LIKE ${`${likeEscape(prefix)}%`}`,
    range: sql`${prefixRange(sql`t.token`, prefix)} AND t.token LIKE ${`${likeEscape(prefix)}%`}`,
    pattern: `% ${likeEscape(prefix)}%`,
    phrase: null,
    length: prefix.length,
  }));
  // A run of Chinese characters is probed by its first character's token; the phrase is checked on the row.
  for (const run of terms.cjkRuns.slice(0, 8)) {
    const first = [...run][0]!;
    out.push({
      token: sql`t.token = ${first}`,
      range: sql`t.token = ${first}`,
      pattern: `% ${likeEscape(first)} %`,
      phrase: sql`p.search_text LIKE ${`%${likeEscape(spaceCjk(run))}%`}`,
      length: 1,
    });
  }
  return out;
}

/**
 * Whether the listing `p` has a token the term matches: on its row's tokens, or, for a listing
 * whose tokens are too long to keep there (`search_words` = '', see SEARCH_WORDS_MAX), a probe of
 * its own tokens (OFFSET 0 keeps that a per-row probe, not a join of every match).
 */
const hasTerm = (term: Term) =>
  sql`(p.search_words LIKE ${term.pattern} OR (p.search_words = '' AND EXISTS (SELECT 1 FROM shop_search_tokens t WHERE t.org_id = p.org_id AND t.product_id COLLATE "C" = p.product_id AND ${term.token} OFFSET 0)))`;

/** The same, loosely, on a walked index entry `w` alone: a listing without its tokens on the row passes, to be checked by `hasTerm`. */
const mayHaveTerm = (term: Term) => sql`(w.search_words = '' OR w.search_words LIKE ${term.pattern})`;

/**
 * How many tokens each term matches and, for relevance, how many listed names start with what was
 * typed, each counted up to `narrow`, in one statement, prepared: every probe is an index range.
 */
async function breadths(
  db: CloudDb,
  orgId: string,
  terms: Term[],
  starts: { like: SQL; range: SQL } | null,
  narrow: number,
): Promise<{ terms: number[]; starts: number }> {
  const counts = terms.map(
    (term, k) =>
      sql`(SELECT count(*) FROM (SELECT 1 FROM shop_search_tokens t WHERE t.org_id = ${orgId} AND ${term.range} LIMIT ${constant(narrow)}) x) AS ${sql.raw(`n${k}`)}`,
  );
  if (starts)
    counts.push(
      sql`(SELECT count(*) FROM (SELECT 1 FROM shop_products p WHERE p.org_id = ${orgId} AND p.listed AND ${starts.range} AND ${starts.like} LIMIT ${constant(narrow)}) x) AS starts`,
    );
  const [row] = await preparedRowsOf<Record<string, string | number>>(db, sql`SELECT ${sql.join(counts, sql`, `)}`);
  return { terms: terms.map((_, k) => Number(row?.[`n${k}`] ?? 0)), starts: Number(row?.starts ?? narrow) };
}

/** One page of listed products, and whether another follows (with `extra`: each card's row too). */
export async function listProducts(db: CloudDb, orgId: string, query: ProductQuery): Promise<{ items: ProductCard[]; more: boolean }>;
export async function listProducts<X>(
  db: CloudDb,
  orgId: string,
  query: ProductQuery,
  extra: ListExtra,
): Promise<{ items: ProductCard[]; more: boolean; rows: (CardRow & X)[] }>;
export async function listProducts(
  db: CloudDb,
  orgId: string,
  query: ProductQuery,
  extra: undefined,
  limits: SearchLimits,
): Promise<{ items: ProductCard[]; more: boolean }>;
export async function listProducts<X>(
  db: CloudDb,
  orgId: string,
  query: ProductQuery,
  extra?: ListExtra,
  limits: SearchLimits = SEARCH_LIMITS,
): Promise<{ items: ProductCard[]; more: boolean; rows?: (CardRow & X)[] }> {
  const filters: SQL[] = [sql`p.org_id = ${orgId}`, sql`p.listed`];
  if (query.categoryId) filters.push(sql`p.category_id = ${query.categoryId}`);
  if (query.min != null) filters.push(sql`p.price >= ${query.min}`);
  if (query.max != null) filters.push(sql`p.price <= ${query.max}`);
  const terms = termsOf(query.q ?? '');
  const searching = terms.length > 0;
  const sort = query.sort === 'relevance' && !searching ? 'best' : query.sort;
  const typed = spaceCjk(foldText(query.q ?? '').trim());
  const starts = sql`(p.search_text LIKE ${`${likeEscape(typed)}%`})`;
  const startsRange = prefixRange(sql`p.search_text`, typed);
  const order: Record<Sort, SQL> = {
    // A name that starts with what was typed first, then what sells.
    relevance: sql`${starts} DESC, p.sold_count DESC NULLS LAST, p.product_id`,
    price_asc: sql`p.price ASC, p.product_id`,
    price_desc: sql`p.price DESC, p.product_id DESC`,
    newest: sql`p.created_at DESC, p.product_id DESC`,
    best: sql`p.sold_count DESC NULLS LAST, p.product_id`,
    rating: sql`(CASE WHEN p.rating_count > 0 THEN p.rating_sum::float8 / p.rating_count ELSE 0 END) DESC, p.rating_count DESC NULLS LAST, p.product_id`,
  };
  const page = Math.min(Math.max(1, Math.floor(query.page)), MAX_PAGE);
  const offset = (page - 1) * PAGE_SIZE;
  const columns = sql`${CARD_COLUMNS}${extra ? sql`, ${extra.columns}` : sql``}`;
  const joins = extra ? extra.joins : sql``;
  const done = (rows: (CardRow & X)[]) => {
    const shown = rows.slice(0, PAGE_SIZE);
    return { items: shown.map(card), more: rows.length > PAGE_SIZE, ...(extra ? { rows: shown } : {}) };
  };
  if (!searching) {
    // A list's plan does not depend on its values.
    const list = sql`SELECT ${columns} FROM shop_products p ${joins} WHERE ${sql.join(filters, sql` AND `)}
            ORDER BY ${order[sort]} LIMIT ${constant(PAGE_SIZE + 1)}`;
    return done(await pageRows<CardRow & X>(db, list, offset));
  }
  const { narrow } = limits;
  const widths = await breadths(db, orgId, terms, sort === 'relevance' ? { like: starts, range: startsRange } : null, narrow);
  const phrases = terms.flatMap((term) => (term.phrase ? [term.phrase] : []));
  if (widths.terms.every((n) => n >= narrow)) {
    const startsWide = widths.starts >= narrow;
    const walked = await walk<X>(db, {
      orgId,
      terms,
      phrases,
      filters,
      sort,
      order,
      starts,
      startsRange,
      startsWide,
      startsCount: widths.starts,
      offset,
      columns,
      joins,
      limits,
    });
    if (walked) {
      limits.trace?.('walk');
      return done(walked);
    }
  }
  limits.trace?.('lookup');
  // The narrowest term's products are looked up first (an array of ids, then the primary key),
  // rather than hashed against every listed product; the other terms filter them.
  const byWidth = terms.map((term, k) => ({ term, n: widths.terms[k]! })).sort((a, b) => a.n - b.n);
  const where = [...filters, ...phrases];
  byWidth.forEach(({ term }, k) => {
    where.push(
      k === 0
        ? sql`p.product_id = ANY(ARRAY(SELECT t.product_id FROM shop_search_tokens t WHERE t.org_id = ${orgId} AND ${term.range}))`
        : hasTerm(term),
    );
  });
  // The token probe is an index range, so one plan serves any terms.
  const found = sql`SELECT ${columns} FROM shop_products p ${joins} WHERE ${sql.join(where, sql` AND `)}
          ORDER BY ${order[sort]} LIMIT ${constant(PAGE_SIZE + 1)}`;
  return done(await pageRows<CardRow & X>(db, found, offset));
}

interface WalkPlan {
  orgId: string;
  terms: Term[];
  phrases: SQL[];
  filters: SQL[];
  sort: Sort;
  order: Record<Sort, SQL>;
  starts: SQL;
  /** The same as an index range of the names (`~>=~` / `~<~` with values), which a prepared plan can use. */
  startsRange: SQL;
  /** Whether many names start with what was typed (else they are few, and read whole)… */
  startsWide: boolean;
  /** …and how many, counted up to `limits.narrow`. */
  startsCount: number;
  offset: number;
  columns: SQL;
  joins: SQL;
  limits: SearchLimits;
}

/**
 * A search page found by walking the listed products in the page's order (see `SearchLimits`), or null
 * when the walk did not fill the page. Relevance walks the best sellers, names that start with what
 * was typed first.
 */
async function walk<X>(db: CloudDb, plan: WalkPlan): Promise<(CardRow & X)[] | null> {
  const { orgId, terms, phrases, filters, sort, order, starts, offset, columns, joins } = plan;
  const want = offset + PAGE_SIZE + 1;
  // Each walked row is checked on its own tokens: no index probe per product.
  const matches = sql.join([...terms.map(hasTerm), ...phrases], sql` AND `);
  const where = sql.join(filters, sql` AND `);
  const perRank = offset === 0 ? plan.limits.perRank : undefined;
  /** A page read by rank, unless a rank it reached was too wide to read (see byRank). */
  const exact = <R extends { product_id: string | null }>(rows: R[]) => {
    if (rows.some((r) => r.product_id === null)) return null;
    plan.limits.trace?.('rank');
    return rows;
  };
  if (sort === 'best' && perRank) {
    const rows = exact(
      await preparedRowsOf<CardRow & X>(
        db,
        sql`SELECT ${columns} FROM ${byRank(plan, { where, matches }, sql`true`, perRank, 0)} p ${joins} ORDER BY (p.product_id IS NULL) DESC, ${order.best}`,
      ),
    );
    if (rows) return rows;
  }
  if (sort !== 'relevance') {
    const walked = sql`(SELECT p.* FROM shop_products p WHERE ${where} ORDER BY ${order[sort]} LIMIT ${plan.limits.walk}) p`;
    // The page is picked first, then given its joins, so they cannot reorder the walk.
    const rows = await rowsOf<CardRow & X>(
      db,
      sql`SELECT ${columns} FROM (SELECT p.* FROM ${walked} WHERE ${matches} ORDER BY ${order[sort]} LIMIT ${PAGE_SIZE + 1} OFFSET ${offset}) p ${joins}
          ORDER BY ${order[sort]}`,
    );
    // Fewer rows than a page and one more: the walk may have stopped short of them.
    return rows.length > PAGE_SIZE ? rows : null;
  }
  // With `marked`, a row without a product (byRank) comes first in its group, so it is seen.
  const page = (group: SQL, marked = false) => {
    const key = marked ? sql`p.walk_group, (p.product_id IS NULL) DESC, ${order.best}` : sql`p.walk_group, ${order.best}`;
    return sql`SELECT ${columns}, p.walk_group FROM (
      SELECT p.* FROM (${group}) p ORDER BY ${key} LIMIT ${constant(PAGE_SIZE + 1)} OFFSET ${constant(offset)}
    ) p ${joins}
    ORDER BY ${key}`;
  };
  type Row = CardRow & X & { walk_group: number };
  // A first page (most searches) is a prepared statement, planned once per connection: its limits
  // are in its text and the names that start with what was typed are reached through an index range
  // given as values, so one plan serves every search of its shape. Deeper pages are planned each time.
  const run = (q: SQL) => (offset === 0 ? preparedRowsOf<Row>(db, q) : rowsOf<Row>(db, q));
  // The best sellers are walked through their index alone (it carries each listing's tokens, cloud
  // migration 0016): only the entries whose tokens may match are read from the table, and checked.
  // Joined on the walk's own order (the same row's sold_count), the walk stays in order and stops
  // once the page is full.
  const walked = sql`(SELECT p.* FROM (
      SELECT w.product_id, w.sold_count FROM (SELECT p.product_id, p.sold_count, p.search_words FROM shop_products p WHERE ${where}
        ORDER BY ${order.best} LIMIT ${constant(plan.limits.walk)}) w
      WHERE ${sql.join(terms.map(mayHaveTerm), sql` AND `)}) w
    JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = w.product_id AND p.sold_count = w.sold_count) p`;
  if (plan.startsWide) {
    if (perRank) {
      const rows = exact(await run(page(byRank(plan, { where, matches }, starts, perRank, 0), true)));
      // Fewer than a page: the others would follow them, which only the lookup orders.
      if (rows && rows.length > PAGE_SIZE) return rows;
    }
    // Names that start with what was typed, walked: the page is whole only if they fill it.
    const rows = await run(page(sql`SELECT p.*, 0 AS walk_group FROM ${walked} WHERE ${starts} AND ${matches}`));
    return rows.length > PAGE_SIZE ? rows : null;
  }
  // Few names start with what was typed: all of them are read (through the name index), and
  // when they fill the page the others are not walked at all.
  const first = sql`(SELECT p.*, 0 AS walk_group FROM shop_products p
      WHERE p.product_id = ANY(ARRAY(SELECT p.product_id FROM shop_products p
          WHERE p.org_id = ${orgId} AND p.listed AND ${plan.startsRange} AND ${starts} LIMIT ${constant(plan.limits.narrow)}))
        AND ${sql.join(filters, sql` AND `)} AND ${matches}
      ORDER BY ${order.best} LIMIT ${constant(want)})`;
  if (plan.startsCount >= want) {
    const rows = await run(page(first));
    if (rows.length > PAGE_SIZE) return rows;
  }
  if (perRank) {
    // A rank with more of the term's tokens than were read is marked by a row without a product:
    // the page may miss some of that rank's products, and is found by the walk instead.
    const rows = exact(await run(page(sql`${first} UNION ALL ${byRank(plan, { where, matches }, sql`NOT ${starts}`, perRank, 1)}`, true)));
    if (rows) return rows;
  }
  const others = sql`(SELECT p.*, 1 AS walk_group FROM ${walked} WHERE NOT ${starts} AND ${matches} ORDER BY ${order.best} LIMIT ${constant(want)})`;
  const rows = await run(page(sql`${first} UNION ALL ${others}`));
  return rows.length > PAGE_SIZE ? rows : null;
}

/**
 * The listed products that pass the walk's filters and match its terms (and `cond`), best sellers first, read through the
 * tokens of one term rank by rank (shop_search_ranks, best first): each rank's matches are read
 * whole and sorted, and the reading stops once `want` are found, so a term's best sellers cost a
 * few dozen index entries wherever they stand among all the best sellers. A rank with more than
 * `perRank` of the term's tokens is not read: it gives one row without a product instead.
 */
function byRank(plan: WalkPlan, checks: { where: SQL; matches: SQL }, cond: SQL, perRank: number, group: 0 | 1): SQL {
  const { orgId, terms, order } = plan;
  const { where, matches } = checks;
  const want = plan.offset + PAGE_SIZE + 1;
  // The terms are all broad here (counted up to the same limit): the longest probe usually reads fewest.
  const driver = terms.reduce((a, b) => (b.length > a.length ? b : a));
  // Ranks above the organisation's best are skipped by a filter (`+ 0`), not an index range: a plan
  // made for any values guesses a range of ranks to hold three rows, and would then sort every
  // rank's matches rather than stop once the page is full.
  return sql`(SELECT p.*, ${sql.raw(String(group))} AS walk_group FROM shop_search_ranks b
      CROSS JOIN LATERAL (SELECT DISTINCT CASE WHEN x.n > ${constant(perRank)} THEN NULL ELSE x.product_id END AS product_id
        FROM (SELECT t.product_id, count(*) OVER () AS n FROM (SELECT t.product_id FROM shop_search_tokens t
          WHERE t.org_id = ${orgId} AND t.rank = b.rank AND ${driver.range} LIMIT ${constant(perRank + 1)}) t) x) k
      LEFT JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = k.product_id
      WHERE b.rank >= 0 AND b.rank + 0 <= (SELECT max(m.rank) FROM shop_search_tokens m WHERE m.org_id = ${orgId})
        AND (k.product_id IS NULL OR (${where} AND ${cond} AND ${matches}))
      ORDER BY b.rank DESC, (k.product_id IS NULL) DESC, ${order.best} LIMIT ${constant(want)})`;
}

/** A product page's row: the card's columns, the detail's, and the category's names. */
export type DetailRow = CardRow & {
  sku: string;
  description: string;
  tax_rate_bp: number;
  category_id: string | null;
  cat_name: string | null;
  cat_alt: string | null;
};

/** The detail's columns of the listing `p`, with its category `c` (see `detailFrom`). */
export const DETAIL_COLUMNS = sql`${CARD_COLUMNS}, p.sku, p.description, p.tax_rate_bp, p.category_id, c.name AS cat_name, c.alt_name AS cat_alt`;

/** `DETAIL_COLUMNS`' tables: the listing `p` and its category `c`, when that category is not archived. */
export const detailFrom = sql`shop_products p
  LEFT JOIN shop_categories c ON c.org_id = p.org_id AND c.category_id = p.category_id AND NOT c.archived`;

export function detailOf(r: DetailRow): ProductDetail {
  return {
    ...card(r),
    sku: r.sku,
    description: r.description,
    taxRateBp: Number(r.tax_rate_bp),
    categoryId: r.cat_name === null ? null : r.category_id,
    categoryName: r.cat_name,
    categoryAltName: r.cat_alt,
  };
}

/** A listed product of the organisation, or null (unknown, not sold online, archived, another organisation's). */
export async function productDetail(db: CloudDb, orgId: string, productId: string): Promise<ProductDetail | null> {
  const [r] = await rowsOf<DetailRow>(
    db,
    sql`SELECT ${DETAIL_COLUMNS} FROM ${detailFrom} WHERE p.org_id = ${orgId} AND p.product_id = ${productId} AND p.listed`,
  );
  return r ? detailOf(r) : null;
}

/** Categories that have at least one listed product. */
export async function shopCategories(db: CloudDb, orgId: string): Promise<CategoryRow[]> {
  const rows = await preparedRowsOf<{ category_id: string; name: string; alt_name: string | null }>(
    db,
    sql`SELECT c.category_id, c.name, c.alt_name FROM shop_categories c
        WHERE c.org_id = ${orgId} AND NOT c.archived
          AND EXISTS (SELECT 1 FROM shop_products p WHERE p.org_id = c.org_id AND p.category_id = c.category_id AND p.listed)
        ORDER BY c.name, c.category_id LIMIT 100`,
  );
  return rows.map((r) => ({ id: r.category_id, name: r.name, altName: r.alt_name }));
}

export async function category(db: CloudDb, orgId: string, categoryId: string): Promise<CategoryRow | null> {
  const [r] = await rowsOf<{ category_id: string; name: string; alt_name: string | null }>(
    db,
    sql`SELECT category_id, name, alt_name FROM shop_categories WHERE org_id = ${orgId} AND category_id = ${categoryId} AND NOT archived`,
  );
  return r ? { id: r.category_id, name: r.name, altName: r.alt_name } : null;
}

export interface StoreFacts {
  currency: string;
  priceMode: 'inclusive' | 'exclusive';
  /** The store's IANA time zone: buyers read times as the store keeps them. */
  timeZone: string;
}

function knownZone(zone: unknown): string {
  if (typeof zone !== 'string') return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** The settings keys the store's facts and its online safety buffer are read from. */
export const FACT_KEYS = ['currency', 'priceMode', 'timezone', 'onlineSafetyBuffer'] as const;

/** The store's facts from its settings rows (each value JSON text): CNY and tax-inclusive until a till says. */
export function factsOf(settings: Partial<Record<string, string>>): StoreFacts {
  const get = (k: string): unknown => {
    const raw = settings[k];
    if (raw === undefined) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  };
  const currency = get('currency');
  const mode = get('priceMode');
  return {
    currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'CNY',
    priceMode: mode === 'exclusive' ? 'exclusive' : 'inclusive',
    timeZone: knownZone(get('timezone')),
  };
}

/** The store's currency and price mode, from its settings (CNY and tax-inclusive until a till says). */
export async function storeFacts(db: CloudDb, orgId: string, storeId: string): Promise<StoreFacts> {
  const rows = await rowsOf<{ key: string; value: string }>(
    db,
    sql`SELECT key, value FROM shop_store_settings WHERE org_id = ${orgId} AND store_id = ${storeId} AND key IN ('currency', 'priceMode', 'timezone')`,
  );
  return factsOf(Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

/** The facts read with the store when the request has them, else from the database. */
export function factsOfStore(db: CloudDb, store: { orgId: string; storeId: string; facts?: StoreFacts }): Promise<StoreFacts> | StoreFacts {
  return store.facts ?? storeFacts(db, store.orgId, store.storeId);
}
