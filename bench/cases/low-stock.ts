/**
 * low_stock: every item at or below its reorder point at the default location, with its suggested
 * order quantity (sales velocity over four weeks, what is on order), fetched in full through the
 * router (the badge count, then the list in one call of up to 10,000 rows). 20 % of the 1M items have a rule; ~2 % of those
 * are low. Baseline: one plain SQL statement computing the same list in one go (same indexes).
 */
import { call, type BenchContext, type BenchResult } from '../context';
import { fmtMs, msSince, summarize } from '../stats';
import { ADMIN_SESSION_INV, defaultLocation, ensureReorderFixtures, signInAdmin } from './inventory-fixtures';
import type { BenchCase } from './types';

const DAY = 86_400_000;

export const lowStock: BenchCase = {
  id: 'low_stock',
  title: 'stock.lowStockCount + the whole stock.lowStock list with suggestions (router)',
  budget: 200,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const fx = ensureReorderFixtures(ctx);
    ctx.log(`  ${fx.rules.toLocaleString('en')} reorder rules, ${fx.low.toLocaleString('en')} at or below their point`);
    await signInAdmin(ctx);
    const locationId = defaultLocation(ctx);
    const raw = sqlite.prepare(
      `SELECT s.product_id, p.sku, p.name, p.unit, s.qty, s.reorder_point, s.reorder_qty, p.cost, p.supplier_id,
              COALESCE((SELECT -SUM(m.qty_delta) FROM stock_movements m INDEXED BY stock_movements_product_at_idx
                        WHERE m.product_id = s.product_id AND m.location_id = s.location_id
                        AND m.kind IN ('sale', 'return') AND m.at >= ?), 0) AS sold,
              COALESCE((SELECT SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.po_id
                        WHERE pl.product_id = s.product_id AND po.location_id = s.location_id AND po.status IN ('draft', 'sent', 'partial')), 0) AS on_order
       FROM stock_levels s INDEXED BY stock_levels_low_idx JOIN products p ON p.id = s.product_id
       WHERE s.location_id = ? AND s.reorder_point IS NOT NULL AND s.qty <= s.reorder_point AND p.archived = 0
       ORDER BY p.name`,
    );
    const iterations = ctx.quick ? 20 : 60;
    const warmup = 5;
    const routerMs: number[] = [];
    const rawMs: number[] = [];
    let items = 0;
    for (let i = 0; i < warmup + iterations; i++) {
      const t0 = process.hrtime.bigint();
      const badge = await call(app, 'stock.lowStockCount', {}, ADMIN_SESSION_INV);
      let got = 0;
      for (let offset = 0; ; offset += 10_000) {
        const page = await call(app, 'stock.lowStock', { locationId, offset, limit: 10_000 }, ADMIN_SESSION_INV);
        got += page.items.length;
        if (offset + 10_000 >= page.total) break;
      }
      const dt = msSince(t0);
      const t1 = process.hrtime.bigint();
      const rows = raw.all(Date.now() - 28 * DAY, locationId);
      const dr = msSince(t1);
      if (got !== rows.length || badge.count < got) throw new Error(`router ${got} items, raw ${rows.length}, badge ${badge.count}`);
      items = got;
      if (i >= warmup) {
        routerMs.push(dt);
        rawMs.push(dr);
      }
    }
    const r = summarize(routerMs);
    const b = summarize(rawMs);
    ctx.log(
      `  ${items.toLocaleString('en')} items with suggestions per pass; router p50 ${fmtMs(r.p50)} / p99 ${fmtMs(r.p99)} ms, raw p50 ${fmtMs(b.p50)} / p99 ${fmtMs(b.p99)} ms`,
    );
    const t2 = process.hrtime.bigint();
    await call(app, 'stock.lowStockCount', {}, ADMIN_SESSION_INV);
    ctx.log(`  diagnostic: the badge alone (stock.lowStockCount) ${fmtMs(msSince(t2))} ms`);
    return {
      id: 'low_stock',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'plain SQL: one statement listing the low items with velocity and on-order subqueries', p50: b.p50, p99: b.p99 },
    };
  },
};
