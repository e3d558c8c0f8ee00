/**
 * The per-product rating aggregate (lists sort by it): the one function that keeps it, for a
 * rating given here and one pulled from another till alike.
 */
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';
import type { SqlRow } from '../db/rows';
import type { feedback, productReviews } from '../db/schema';

type ReviewCol = SqlRow<typeof productReviews>;

/** Counts a feedback entry (by id) into its product's aggregate; nothing when the entry is unknown. */
export function countRating(deps: Pick<Deps, 'sqlite'>, feedbackId: string): void {
  const f = cachedStatement(deps.sqlite, 'SELECT product_id AS p, rating AS r FROM feedback WHERE id = ?').get(feedbackId) as
    { p: SqlRow<typeof feedback>['product_id']; r: SqlRow<typeof feedback>['rating'] } | undefined;
  if (!f) return;
  cachedStatement(
    deps.sqlite,
    `INSERT INTO product_ratings (product_id, count, sum, avg100) VALUES (@p, 1, @r, @r * 100)
     ON CONFLICT (product_id) DO UPDATE SET count = count + 1, sum = sum + @r,
       avg100 = CAST(ROUND((sum + @r) * 100.0 / (count + 1)) AS INTEGER)`,
  ).run(f);
}

/**
 * Brings buyers' reviews (by id) into their products' aggregates: a visible review counts its
 * rating, a hidden one nothing. `counted_rating` (this till's own column) says what is counted now,
 * so an edit, a hide or a show moves the aggregate by the difference, whoever made it.
 */
export function countReviews(deps: Pick<Deps, 'sqlite'>, reviewIds: Iterable<string>): void {
  const read = cachedStatement(
    deps.sqlite,
    'SELECT product_id AS p, rating AS r, hidden AS h, counted_rating AS counted FROM product_reviews WHERE id = ?',
  );
  for (const id of reviewIds) {
    const row = read.get(id) as
      { p: ReviewCol['product_id']; r: ReviewCol['rating']; h: ReviewCol['hidden']; counted: ReviewCol['counted_rating'] } | undefined;
    if (!row) continue;
    const target = row.h ? 0 : row.r;
    if (target === row.counted) continue;
    const ds = target - row.counted;
    const dn = (target > 0 ? 1 : 0) - (row.counted > 0 ? 1 : 0);
    // Products arrive before their reviews (both by seq); should one not, no row is made without it.
    const moved = cachedStatement(
      deps.sqlite,
      `INSERT INTO product_ratings (product_id, count, sum, avg100)
       SELECT @p, @dn, @ds, @ds * 100 WHERE EXISTS (SELECT 1 FROM products WHERE id = @p)
       ON CONFLICT (product_id) DO UPDATE SET count = count + @dn, sum = sum + @ds,
         avg100 = CASE WHEN count + @dn > 0 THEN CAST(ROUND((sum + @ds) * 100.0 / (count + @dn)) AS INTEGER) ELSE 0 END`,
    ).run({ p: row.p, dn, ds }).changes;
    if (moved === 0) continue;
    // No rating left: the product is unrated again, as one never rated.
    cachedStatement(deps.sqlite, 'DELETE FROM product_ratings WHERE product_id = ? AND count <= 0').run(row.p);
    cachedStatement(deps.sqlite, 'UPDATE product_reviews SET counted_rating = ? WHERE id = ?').run(target, id);
  }
}
