/**
 * What the store-manager cases need beyond the seeded catalog: an admin session, and reorder
 * rules with recent sales so that some items are low and have a sales velocity. Made once per
 * store (kept when --data reuses it) with plain statements that keep the ledger balanced.
 */
import { ADMIN, call, type BenchContext } from '../context';
import { rng } from '../stats';

export const ADMIN_SESSION_INV = 'bench-inv-admin';
const DAY = 86_400_000;

export async function signInAdmin(ctx: BenchContext): Promise<void> {
  await call(ctx.app, 'staff.signIn', { staffId: ctx.meta.adminId, pin: ADMIN.pin }, ADMIN_SESSION_INV);
}

export function defaultLocation(ctx: BenchContext): string {
  return ctx.app.deps.sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;
}

/**
 * Every 5th product in stock gets a rule (20 % of the seeded catalog) with a reorder point of 20
 * units: with the seeded stock of 10–509 units about 2 % of them are at or below it. The products
 * the growth imported have no stock yet and get none: with a rule each they would all be low, and
 * the many-low list has its own case (low_stock_many). Those get three sales over
 * the last four weeks (movements + levels, so the ledger stays balanced).
 */
export function ensureReorderFixtures(ctx: BenchContext): { rules: number; low: number } {
  const { sqlite } = ctx.app.deps;
  const rules = sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE reorder_point IS NOT NULL').pluck().get() as number;
  if (rules === 0) {
    const t0 = Date.now();
    const location = defaultLocation(ctx);
    sqlite.transaction(() => {
      sqlite
        .prepare(
          `UPDATE stock_levels SET reorder_point = 20000, reorder_qty = 48000
           WHERE location_id = ? AND qty > 0 AND product_id IN (SELECT id FROM products WHERE rowid % 5 = 0)`,
        )
        .run(location);
      const low = sqlite
        .prepare('SELECT product_id AS id FROM stock_levels WHERE location_id = ? AND reorder_point IS NOT NULL AND qty <= reorder_point')
        .all(location) as { id: string }[];
      const rand = rng(4242);
      const ins = sqlite.prepare(
        "INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, 'sale', NULL, NULL, ?)",
      );
      const lvl = sqlite.prepare('UPDATE stock_levels SET qty = qty + ? WHERE product_id = ? AND location_id = ?');
      const now = Date.now();
      for (const { id } of low) {
        for (let k = 0; k < 3; k++) {
          const qty = -1000 * (1 + Math.floor(rand() * 3));
          ins.run(ctx.app.deps.ids(), id, location, qty, now - Math.floor(rand() * 27 * DAY));
          lvl.run(qty, id, location);
        }
      }
    })();
    ctx.log(`  fixtures: reorder rules on every 5th product, recent sales for the low ones (${Date.now() - t0} ms)`);
  }
  const counts = sqlite
    .prepare('SELECT COUNT(*) AS rules, SUM(qty <= reorder_point) AS low FROM stock_levels WHERE reorder_point IS NOT NULL')
    .get() as { rules: number; low: number };
  return counts;
}

export { call };
