/**
 * The per-product rating aggregate (lists sort by it): the one function that keeps it, for a
 * rating given here and one pulled from another till alike.
 */
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';

/** Counts a feedback entry (by id) into its product's aggregate; nothing when the entry is unknown. */
export function countRating(deps: Pick<Deps, 'sqlite'>, feedbackId: string): void {
  const f = cachedStatement(deps.sqlite, 'SELECT product_id AS p, rating AS r FROM feedback WHERE id = ?').get(feedbackId) as
    { p: string; r: number } | undefined;
  if (!f) return;
  cachedStatement(
    deps.sqlite,
    `INSERT INTO product_ratings (product_id, count, sum, avg100) VALUES (@p, 1, @r, @r * 100)
     ON CONFLICT (product_id) DO UPDATE SET count = count + 1, sum = sum + @r,
       avg100 = CAST(ROUND((sum + @r) * 100.0 / (count + 1)) AS INTEGER)`,
  ).run(f);
}
