/**
 * A level row carries its product's category (migration 0012), kept by triggers. One of them,
 * on every product insert, only matters when the product's level rows came first (a sync page
 * may bring them before it), yet it costs every inserted product a statement journal: about a
 * sixth of a first download's insert time. Bulk writers suspend it and settle those rows in one
 * statement instead.
 */
import type { Sqlite } from '../db/open';
import { cachedStatement } from '../db/statements';

const NEW_PRODUCT_TRIGGER = 'stock_levels_category_on_new_product';

/**
 * Runs `fn` inside the caller's transaction (a rollback brings the trigger back) without the
 * new-product trigger, then gives the level rows of `products()` (those `fn` inserted whose
 * levels may predate them; none for a writer that checks foreign keys) their product's category.
 */
export function withoutNewProductTrigger<T>(sqlite: Sqlite, fn: () => T, products?: () => Iterable<string>): T {
  if (!sqlite.inTransaction) throw new Error('withoutNewProductTrigger needs a transaction');
  const sql = cachedStatement(sqlite, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", 'pluck').get(
    NEW_PRODUCT_TRIGGER,
  ) as string | undefined;
  if (!sql) return fn();
  sqlite.exec(`DROP TRIGGER "${NEW_PRODUCT_TRIGGER}"`);
  const out = fn();
  // Nothing to settle while there are no level rows at all (a first download without stock).
  const ids = products && cachedStatement(sqlite, 'SELECT 1 FROM stock_levels LIMIT 1').get() !== undefined ? [...products()] : [];
  if (ids.length > 0)
    cachedStatement(
      sqlite,
      `UPDATE stock_levels SET category_id = p.category_id FROM products p
       WHERE p.id = stock_levels.product_id AND stock_levels.category_id IS NOT p.category_id
         AND stock_levels.product_id IN (SELECT value FROM json_each(?))`,
    ).run(JSON.stringify(ids));
  sqlite.exec(sql);
  return out;
}
