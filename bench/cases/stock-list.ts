/**
 * stock_list: one page (100 rows) of the stock list through the router, at the default location
 * of the 1M-item store: the mix a manager produces — the first page and scrolling (sorted by name),
 * sorted by SKU or quantity either way, a category, a status filter (low, out), a word search and a
 * scanned barcode. Baseline: the very same statements run raw on better-sqlite3, interleaved.
 */
import type { InputOf } from '../../src/shared/api';
import { stockListSql } from '../../src/main/inventory/stock';
import { call, type BenchContext, type BenchResult } from '../context';
import { msSince, pick, rng, summarize, table, fmtMs } from '../stats';
import { ADMIN_SESSION_INV, defaultLocation, ensureReorderFixtures, signInAdmin } from './inventory-fixtures';
import type { BenchCase } from './types';

type Query = Omit<InputOf<'stock.list'>, 'locationId'> & { label: string };

function queries(ctx: BenchContext, count: number, seed: number): Query[] {
  const rand = rng(seed);
  const categories = ctx.app.deps.sqlite.prepare('SELECT id FROM categories').pluck().all() as string[];
  const barcodes = ctx.sampleColumn('barcodes', 'code', count, seed + 1);
  const words = ['milk', 'tea', 'choc', 'water', 'rice', '奶', '茶', 'organic'];
  const out: Query[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    const page = { offset: 0, limit: 100 };
    if (r < 0.2) out.push({ label: 'name, first page', sort: 'name', ...page });
    else if (r < 0.35) out.push({ label: 'name, scrolling', sort: 'name', offset: 100 * (1 + Math.floor(rand() * 50)), limit: 100 });
    else if (r < 0.42) out.push({ label: 'sku', sort: 'sku', dir: rand() < 0.5 ? 'asc' : 'desc', ...page });
    else if (r < 0.52) out.push({ label: 'qty', sort: 'qty', dir: rand() < 0.5 ? 'asc' : 'desc', ...page });
    else if (r < 0.64) out.push({ label: 'category, name', categoryId: pick(rand, categories), sort: 'name', ...page });
    else if (r < 0.7) out.push({ label: 'category, qty', categoryId: pick(rand, categories), sort: 'qty', ...page });
    else if (r < 0.78) out.push({ label: 'low', status: 'low', sort: 'name', ...page });
    else if (r < 0.82) out.push({ label: 'out', status: 'out', sort: 'name', ...page });
    else if (r < 0.92) out.push({ label: 'word search', q: pick(rand, words), sort: 'name', ...page });
    else out.push({ label: 'barcode', q: barcodes[i]!, ...page });
  }
  return out;
}

export const stockList: BenchCase = {
  id: 'stock_list',
  title: 'stock.list: filter + sort + one page of 100 at a 1M-item location (router)',
  budget: 20,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    ensureReorderFixtures(ctx);
    await signInAdmin(ctx);
    const locationId = defaultLocation(ctx);
    const warm = queries(ctx, 100, 31);
    const measured = queries(ctx, ctx.quick ? 400 : 2000, 37);
    const routerMs: number[] = [];
    const rawMs: number[] = [];
    const byLabel = new Map<string, number[]>();
    const stmts = new Map<string, ReturnType<typeof sqlite.prepare>>();
    for (const [i, q] of [...warm, ...measured].entries()) {
      const { label, ...rest } = q;
      const input = { ...rest, locationId };
      const t0 = process.hrtime.bigint();
      await call(app, 'stock.list', input, ADMIN_SESSION_INV);
      const dt = msSince(t0);
      const t1 = process.hrtime.bigint();
      const { sql, args } = stockListSql(app.deps, input);
      let stmt = stmts.get(sql);
      if (!stmt) stmts.set(sql, (stmt = sqlite.prepare(sql)));
      stmt.all(args);
      const dr = msSince(t1);
      if (i >= warm.length) {
        routerMs.push(dt);
        rawMs.push(dr);
        let list = byLabel.get(label);
        if (!list) byLabel.set(label, (list = []));
        list.push(dt);
      }
    }
    const r = summarize(routerMs);
    const b = summarize(rawMs);
    ctx.log(
      `  router: p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, max ${fmtMs(r.max)} ms; raw: p50 ${fmtMs(b.p50)} ms, p99 ${fmtMs(b.p99)} ms`,
    );
    ctx.log(
      table(
        ['query', 'n', 'p50', 'p99', 'max'],
        [...byLabel].map(([k, v]) => {
          const s = summarize(v);
          return [k, String(s.n), fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max)];
        }),
      )
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
    // Diagnostic: the separate count the screen asks for once per filter (not part of a page).
    const counts: number[] = [];
    for (const f of [{}, { status: 'low' as const }, { q: 'milk' }]) {
      const t0 = process.hrtime.bigint();
      const { total } = await call(app, 'stock.count', { locationId, ...f }, ADMIN_SESSION_INV);
      counts.push(msSince(t0));
      ctx.log(`  diagnostic: stock.count ${JSON.stringify(f)} = ${total.toLocaleString('en')} in ${fmtMs(counts[counts.length - 1]!)} ms`);
    }
    return {
      id: 'stock_list',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'raw better-sqlite3: the same page statements', p50: b.p50, p99: b.p99 },
    };
  },
};
