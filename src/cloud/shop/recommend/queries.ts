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
import { sql } from 'drizzle-orm';
import { rowsOf, type CloudDb } from '../../db/open';
import type { ProductCard } from '../catalog/queries';

/** Neighbours read per product before rescoring. */
const NEIGHBOURS = 200;
/** Latest buyers of a product read for "customers also bought", and latest products read per buyer. */
const BUYERS = 200;
const PER_BUYER = 50;
/** Cart products whose neighbours are read (the first ones added). */
export const CART_PRODUCTS = 10;

const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

export interface Scored {
  id: string;
  score: number;
}

const scored = (rows: { id: string; score: string | number }[]): Scored[] => rows.map((r) => ({ id: r.id, score: Number(r.score) }));

/** Products most often in the same order as `productId`, normalised by their popularity. */
export async function boughtTogether(db: CloudDb, orgId: string, productId: string, limit: number): Promise<Scored[]> {
  return scored(
    await rowsOf<{ id: string; score: string | number }>(
      db,
      sql`SELECT pr.product_b AS id, pr.n::float8 / sqrt(GREATEST(rp.orders, 1)) AS score
          FROM (SELECT product_b, n FROM shop_rec_pairs WHERE org_id = ${orgId} AND product_a = ${productId}
                ORDER BY n DESC NULLS LAST, product_b LIMIT ${NEIGHBOURS}) pr
          JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = pr.product_b
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = pr.product_b AND p.listed
          ORDER BY score DESC, pr.n DESC, pr.product_b LIMIT ${limit}`,
    ),
  );
}

/**
 * Products that the customers who bought `productId` bought in their other orders (a customer
 * counts once per product), normalised like boughtTogether. Read from the latest buyers and
 * their latest purchases, so a best-seller's page stays one bounded read.
 */
export async function alsoBought(db: CloudDb, orgId: string, productId: string, limit: number): Promise<Scored[]> {
  return scored(
    await rowsOf<{ id: string; score: string | number }>(
      db,
      sql`WITH buyers AS (
            SELECT DISTINCT customer_key FROM (
              SELECT customer_key FROM shop_rec_customer_lines WHERE org_id = ${orgId} AND product_id = ${productId}
              ORDER BY at DESC NULLS LAST LIMIT ${BUYERS}) latest
          ), counted AS (
            SELECT o.product_id, COUNT(DISTINCT b.customer_key) AS n
            FROM buyers b
            CROSS JOIN LATERAL (
              SELECT l.product_id, l.order_id FROM shop_rec_customer_lines l
              WHERE l.org_id = ${orgId} AND l.customer_key = b.customer_key ORDER BY l.at DESC NULLS LAST LIMIT ${PER_BUYER}) o
            WHERE o.product_id <> ${productId}
              AND NOT EXISTS (SELECT 1 FROM shop_rec_customer_lines x
                WHERE x.org_id = ${orgId} AND x.customer_key = b.customer_key AND x.order_id = o.order_id AND x.product_id = ${productId})
            GROUP BY o.product_id
          )
          SELECT c.product_id AS id, c.n::float8 / sqrt(GREATEST(rp.orders, 1)) AS score
          FROM counted c
          JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = c.product_id
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = c.product_id AND p.listed
          ORDER BY score DESC, c.n DESC, c.product_id LIMIT ${limit}`,
    ),
  );
}

/** The cart's top co-purchases: each neighbour's scores summed over the cart's products, the cart's own left out. */
export async function cartNeighbours(db: CloudDb, orgId: string, productIds: string[], limit: number): Promise<Scored[]> {
  const ids = productIds.slice(0, CART_PRODUCTS);
  if (ids.length === 0) return [];
  return scored(
    await rowsOf<{ id: string; score: string | number }>(
      db,
      sql`SELECT pr.product_b AS id, SUM(pr.n::float8 / sqrt(GREATEST(rp.orders, 1))) AS score
          FROM unnest(${texts(ids)}) AS x(id)
          CROSS JOIN LATERAL (SELECT product_b, n FROM shop_rec_pairs WHERE org_id = ${orgId} AND product_a = x.id
                ORDER BY n DESC NULLS LAST, product_b LIMIT ${NEIGHBOURS}) pr
          JOIN shop_rec_products rp ON rp.org_id = ${orgId} AND rp.product_id = pr.product_b
          JOIN shop_products p ON p.org_id = ${orgId} AND p.product_id = pr.product_b AND p.listed
          WHERE pr.product_b <> ALL(${texts(productIds)})
          GROUP BY pr.product_b
          ORDER BY score DESC, pr.product_b LIMIT ${limit}`,
    ),
  );
}

/** The listed products among `ids` as cards, in the order of `ids`. */
export async function cardsOf(db: CloudDb, orgId: string, ids: string[]): Promise<ProductCard[]> {
  if (ids.length === 0) return [];
  const rows = await rowsOf<{
    product_id: string;
    name: string;
    alt_name: string | null;
    price: string | number;
    unit: string;
    rating_sum: string | number;
    rating_count: string | number;
  }>(
    db,
    sql`SELECT p.product_id, p.name, p.alt_name, p.price, p.unit, p.rating_sum, p.rating_count FROM shop_products p
        WHERE p.org_id = ${orgId} AND p.product_id = ANY(${texts(ids)}) AND p.listed`,
  );
  const byId = new Map(
    rows.map((r) => [
      r.product_id,
      {
        id: r.product_id,
        name: r.name,
        altName: r.alt_name,
        price: Number(r.price),
        unit: r.unit,
        ratingSum: Number(r.rating_sum),
        ratingCount: Number(r.rating_count),
      },
    ]),
  );
  return ids.flatMap((id) => {
    const card = byId.get(id);
    return card ? [card] : [];
  });
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
