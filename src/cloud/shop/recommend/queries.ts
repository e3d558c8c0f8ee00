/**
 * What the recommendation sections read, from the projections (schema.ts) with indexed SQL only.
 * Every list is the organisation's, of products listed online (sold online, not archived); stock
 * in the store is checked by the caller (catalog/stock.ts), which knows the store.
 *
 * A neighbour's score is its count divided by the square root of how many orders hold it (for one
 * product, the order of cosine similarity): a best-seller found in every basket does not crowd out
 * what is bought with this product in particular. Each product's neighbours are read from the top
 * of an index (its NEIGHBOURS strongest by count) and only those are rescored, so a page costs the
 * same whether the product has ten neighbours or a hundred thousand.
 */
import { sql, type SQL } from 'drizzle-orm';
import { constant, constantWord, preparedRowsOf, rowsOf, type CloudDb } from '../../db/open';
import type { ListExtra, ProductCard } from '../catalog/queries';

/** Neighbours read per product before rescoring. */
const NEIGHBOURS = 200;
/** Latest buyers of a product read for "customers also bought", and latest products read per buyer. */
const BUYERS = 200;
const PER_BUYER = 50;
/** Cart products whose neighbours are read (the first ones added). */
export const CART_PRODUCTS = 10;

const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** A listed product as a card, with the score that placed it. */
export interface Scored extends ProductCard {
  score: number;
}

export interface Row {
  kind?: string;
  product_id: string;
  name: string;
  alt_name: string | null;
  price: string | number;
  unit: string;
  rating_sum: string | number;
  rating_count: string | number;
  score: string | number;
  n: string | number;
}

/** The card's columns of `p` (shop_products), and the candidate's score and count. */
const CARD = sql`p.product_id, p.name, p.alt_name, p.price, p.unit, p.rating_sum, p.rating_count`;

const toCard = (r: Row): Scored => ({
  id: r.product_id,
  name: r.name,
  altName: r.alt_name,
  price: Number(r.price),
  unit: r.unit,
  ratingSum: Number(r.rating_sum),
  ratingCount: Number(r.rating_count),
  score: Number(r.score),
});

/** Best first: score, then count, then id (so equal scores always show in one order). */
function ranked(rows: Row[]): Scored[] {
  return [...rows]
    .sort((a, b) => Number(b.score) - Number(a.score) || Number(b.n) - Number(a.n) || (a.product_id < b.product_id ? -1 : 1))
    .map(toCard);
}

/**
 * For one product, in one statement: the products most often in the same order ("bought
 * together"), and those its customers bought in their other orders ("customers also bought": each
 * customer counts once per product, read from the latest buyers and their latest purchases so a
 * best-seller's page stays one bounded read). Both normalised by popularity; listed products only.
 */
export async function productNeighbours<X = object>(
  db: CloudDb,
  orgId: string,
  productId: string,
  limit: number,
  extra?: ListExtra,
  fallback = 0,
): Promise<{ together: Scored[]; also: Scored[]; category: Scored[]; best: Scored[]; rows: (Row & X)[] }> {
  const more = extra ? sql`, ${extra.columns}` : sql``;
  const joins = extra ? extra.joins : sql``;
  // The best sellers a page falls back on when history is thin, of the product's category and of
  // the shop, read in the same statement: asking afterwards would cost a round trip per page.
  const best = (kind: string, where: SQL) =>
    sql`(SELECT ${constantWord(kind)} AS kind, ${CARD}, 0::float8 AS score, 0 AS n${more}
          FROM shop_products p ${joins}
          WHERE p.org_id = ${orgId} AND p.listed AND ${where}
          ORDER BY p.sold_count DESC NULLS LAST, p.product_id LIMIT ${constant(fallback)})`;
  const fallbacks =
    fallback > 0
      ? sql`UNION ALL ${best(
          'category',
          sql`p.category_id = (SELECT x.category_id FROM shop_products x
            JOIN shop_categories c ON c.org_id = x.org_id AND c.category_id = x.category_id AND NOT c.archived
            WHERE x.org_id = ${orgId} AND x.product_id = ${productId})`,
        )}
        UNION ALL ${best('best', sql`TRUE`)}`
      : sql``;
  const rows = await preparedRowsOf<Row & X>(
    db,
    sql`(SELECT 'together' AS kind, ${CARD}, pr.n::float8 / sqrt(GREATEST(rp.orders, 1)) AS score, pr.n${more}
          FROM (SELECT product_b, n FROM shop_rec_pairs WHERE org_id = ${orgId} AND product_a = ${productId}
                ORDER BY n DESC NULLS LAST, product_b LIMIT ${constant(NEIGHBOURS)}) pr
          JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = pr.product_b
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = pr.product_b AND p.listed ${joins}
          ORDER BY score DESC, pr.n DESC, pr.product_b LIMIT ${constant(limit)})
        UNION ALL
        (WITH buyers AS (
            SELECT DISTINCT customer_key FROM (
              SELECT customer_key FROM shop_rec_customer_lines WHERE org_id = ${orgId} AND product_id = ${productId}
              ORDER BY at DESC NULLS LAST LIMIT ${constant(BUYERS)}) latest
          ), counted AS (
            SELECT o.product_id, COUNT(DISTINCT b.customer_key) AS n
            FROM buyers b
            CROSS JOIN LATERAL (
              SELECT l.product_id, l.order_id FROM shop_rec_customer_lines l
              WHERE l.org_id = ${orgId} AND l.customer_key = b.customer_key ORDER BY l.at DESC NULLS LAST LIMIT ${constant(PER_BUYER)}) o
            WHERE o.product_id <> ${productId}
              AND NOT EXISTS (SELECT 1 FROM shop_rec_customer_lines x
                WHERE x.org_id = ${orgId} AND x.customer_key = b.customer_key AND x.order_id = o.order_id AND x.product_id = ${productId})
            GROUP BY o.product_id
          )
          SELECT 'also' AS kind, ${CARD}, c.n::float8 / sqrt(GREATEST(rp.orders, 1)) AS score, c.n${more}
          FROM counted c
          JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = c.product_id
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = c.product_id AND p.listed ${joins}
          ORDER BY score DESC, c.n DESC, c.product_id LIMIT ${constant(limit)})
        ${fallbacks}`,
  );
  const kind = (k: string) => rows.filter((r) => r.kind === k);
  return {
    together: ranked(kind('together')),
    also: ranked(kind('also')),
    // In the order read: best sellers first.
    category: kind('category').map(toCard),
    best: kind('best').map(toCard),
    rows,
  };
}

/** The cart's top co-purchases: each neighbour's scores summed over the cart's products, the cart's own left out. */
export async function cartNeighbours<X = object>(
  db: CloudDb,
  orgId: string,
  productIds: string[],
  limit: number,
  extra?: ListExtra,
): Promise<{ scored: Scored[]; rows: (Row & X)[] }> {
  const ids = productIds.slice(0, CART_PRODUCTS);
  if (ids.length === 0) return { scored: [], rows: [] };
  const rows = await rowsOf<Row & X>(
    db,
    sql`SELECT ${CARD}, s.score, s.n${extra ? sql`, ${extra.columns}` : sql``} FROM (
            SELECT pr.product_b, SUM(pr.n::float8 / sqrt(GREATEST(rp.orders, 1))) AS score, SUM(pr.n) AS n
            FROM unnest(${texts(ids)}) AS x(id)
            CROSS JOIN LATERAL (SELECT product_b, n FROM shop_rec_pairs WHERE org_id = ${orgId} AND product_a = x.id
                  ORDER BY n DESC NULLS LAST, product_b LIMIT ${NEIGHBOURS}) pr
            JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = pr.product_b
            WHERE pr.product_b <> ALL(${texts(productIds)})
            GROUP BY pr.product_b) s
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = s.product_b AND p.listed ${extra ? extra.joins : sql``}
          ORDER BY s.score DESC, s.product_b LIMIT ${limit}`,
  );
  return { scored: ranked(rows), rows };
}

/** The categories of `ids` (listed products with one), in the order of `ids`. */
export async function categoriesOf(db: CloudDb, orgId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await rowsOf<{ product_id: string; category_id: string }>(
    db,
    sql`SELECT product_id, category_id FROM shop_products
        WHERE org_id = ${orgId} AND product_id = ANY(${texts(ids)}) AND category_id IS NOT NULL`,
  );
  const byId = new Map(rows.map((r) => [r.product_id, r.category_id]));
  return [...new Set(ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])))];
}
