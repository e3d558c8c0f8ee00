/**
 * low_stock_many: a store where 124,000 items are at or below their reorder point (a second
 * location whose every item has a rule and has sold down to it), read whole with suggestions
 * through the router a page of 10,000 at a time, with the badge. Made once per store with plain
 * statements that keep the ledger balanced (a receipt before the window, two sales inside it).
 */
import { call, type BenchContext, type BenchResult } from '../context';
import { fmtMs, msSince, summarize } from '../stats';
import { ADMIN_SESSION_INV, signInAdmin } from './inventory-fixtures';
import type { BenchCase } from './types';

const DAY = 86_400_000;
const LOCATION = 'Bench: many low';
const LOW_ITEMS = 124_000;
const PAGE = 10_000;

function ensureManyLow(ctx: BenchContext): { locationId: string; low: number } {
  const { sqlite } = ctx.app.deps;
  let locationId = sqlite.prepare('SELECT id FROM stock_locations WHERE name = ?').pluck().get(LOCATION) as string | undefined;
  if (!locationId) {
    const t0 = Date.now();
    const id = ctx.app.deps.ids();
    locationId = id;
    const now = Date.now();
    sqlite.transaction(() => {
      sqlite.prepare("INSERT INTO stock_locations (id, name, is_default, archived, hlc) VALUES (?, ?, 0, 0, '0')").run(id, LOCATION);
      const products = sqlite
        .prepare(`SELECT id, category_id AS categoryId FROM products WHERE archived = 0 ORDER BY rowid LIMIT ${LOW_ITEMS}`)
        .all() as { id: string; categoryId: string | null }[];
      const level = sqlite.prepare(
        `INSERT INTO stock_levels (product_id, location_id, qty, reorder_point, reorder_qty, category_id) VALUES (?, ?, 1000, 1000, 2000, ?)
         ON CONFLICT (product_id, location_id) DO UPDATE SET qty = 1000, reorder_point = 1000, reorder_qty = 2000`,
      );
      const move = sqlite.prepare(
        'INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)',
      );
      products.forEach((p, k) => {
        level.run(p.id, id, p.categoryId);
        move.run(ctx.app.deps.ids(), p.id, id, 3000, 'receipt', now - 40 * DAY);
        move.run(ctx.app.deps.ids(), p.id, id, -1000, 'sale', now - (1 + (k % 26)) * DAY);
        move.run(ctx.app.deps.ids(), p.id, id, -1000, 'sale', now - (1 + (k % 13)) * DAY);
      });
    })();
    ctx.log(`  fixtures: a location with every one of ${LOW_ITEMS.toLocaleString('en')} items low (${Date.now() - t0} ms)`);
  }
  const low = sqlite
    .prepare('SELECT COUNT(*) FROM stock_levels WHERE location_id = ? AND reorder_point IS NOT NULL AND qty <= reorder_point')
    .pluck()
    .get(locationId) as number;
  return { locationId, low };
}

export const lowStockMany: BenchCase = {
  id: 'low_stock_many',
  title: 'the whole stock.lowStock list with suggestions at 124,000 low items, in pages (router)',
  budget: 2_000,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { locationId, low } = ensureManyLow(ctx);
    await signInAdmin(ctx);
    const iterations = ctx.quick ? 3 : 5;
    const warmup = 1;
    const ms: number[] = [];
    let suggested = 0;
    for (let i = 0; i < warmup + iterations; i++) {
      const t0 = process.hrtime.bigint();
      await call(app, 'stock.lowStockCount', {}, ADMIN_SESSION_INV);
      let got = 0;
      suggested = 0;
      for (let offset = 0; ; offset += PAGE) {
        const page = await call(app, 'stock.lowStock', { locationId, offset, limit: PAGE }, ADMIN_SESSION_INV);
        got += page.items.length;
        for (const r of page.items) if (r.suggestedQty > 0) suggested++;
        if (offset + PAGE >= page.total) break;
      }
      const dt = msSince(t0);
      if (got !== low) throw new Error(`read ${got} low items of ${low}`);
      if (i >= warmup) ms.push(dt);
    }
    // Baseline, once: the single statement with two lookups per low item that the list used before.
    const t1 = process.hrtime.bigint();
    app.deps.sqlite
      .prepare(
        `SELECT s.product_id,
           COALESCE((SELECT -SUM(m.qty_delta) FROM stock_movements m INDEXED BY stock_movements_product_at_idx
                     WHERE m.product_id = s.product_id AND m.location_id = s.location_id AND m.kind IN ('sale', 'return') AND m.at >= ?), 0) AS sold,
           COALESCE((SELECT SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.po_id
                     WHERE pl.product_id = s.product_id AND po.location_id = s.location_id AND po.status IN ('draft', 'sent', 'partial')), 0) AS on_order
         FROM stock_levels s JOIN products p ON p.id = s.product_id
         WHERE s.location_id = ? AND s.reorder_point IS NOT NULL AND s.qty <= s.reorder_point ORDER BY p.name`,
      )
      .all(Date.now() - 28 * DAY, locationId);
    const base = msSince(t1);
    const r = summarize(ms);
    ctx.log(
      `  ${low.toLocaleString('en')} low items (${suggested.toLocaleString('en')} with a suggestion) per pass; p50 ${fmtMs(r.p50)} / p99 ${fmtMs(r.p99)} ms`,
    );
    return {
      id: 'low_stock_many',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'the per-item statement the list used before (one run)', p50: base, p99: base },
    };
  },
};
