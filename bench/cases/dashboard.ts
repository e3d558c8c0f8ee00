/**
 * dashboard_*: the sales dashboard's queries at scale. Seeds 1,000,000 orders with ~5,000,000 lines
 * over two years straight into the store (prepared statements in big transactions, synchronous=OFF
 * during the seed only) and fills the rollups in bulk; a store seeded before (`--data`) is reused.
 * Each query runs through the router for random one-year ranges; the baseline computes the same
 * figures by GROUP BY over the raw orders and lines in the same run (and the two are compared).
 */
import { dayToIso } from '../../src/shared/business-day';
import {
  categoryPerf,
  heatmap,
  parseRange,
  paymentMix,
  productList,
  rawCategoryTotals,
  rawHeatmap,
  rawPaymentMix,
  rawSeries,
  rawStaffTotals,
  rawTopProducts,
  rawTotals,
  instantsOf,
  series,
  staffPerf,
  summary,
} from '../../src/main/insight/queries';
import { seedHistory } from '../../src/main/setup/history';
import { channelSales } from '../../src/main/insight/online';
import { DIM, ensureChannelRollups } from '../../src/main/insight/rollups';
import type { Channel, InputOf } from '../../src/shared/api';
import { ADMIN, ADMIN_SESSION, call, type BenchContext, type BenchResult } from '../context';
import { msSince, rng, summarize } from '../stats';
import type { BenchCase } from './types';

const DAYS = 730;

interface Seeded {
  orders: number;
  lines: number;
  lastDay: number;
}

/** Seeds the order history once per store (kept with --data). */
async function ensureHistory(ctx: BenchContext): Promise<Seeded> {
  const hit = ctx.memo.get('dashboard.seeded') as Seeded | undefined;
  if (hit) return hit;
  const { sqlite } = ctx.app.deps;
  const target = ctx.quick ? 20_000 : 1_000_000;
  const have = sqlite.prepare("SELECT COUNT(*) FROM orders WHERE terminal_code = 'H1'").pluck().get() as number;
  if (have < target) {
    if (have > 0) throw new Error(`this store holds ${have} history orders, not ${target}: use another --data folder`);
    ctx.log(`  seeding ${target.toLocaleString('en')} orders (~${(target * 5).toLocaleString('en')} lines) over ${DAYS} days…`);
    const t0 = process.hrtime.bigint();
    const r = seedHistory(ctx.app.deps, {
      orders: target,
      avgLines: 5,
      days: DAYS,
      endAt: Date.UTC(2026, 10, 1),
      seed: 20261122,
      productPool: 5000,
      customers: Math.round(target / 25),
      batch: 50_000,
      log: (m) => ctx.log(`  ${m}`),
    });
    ctx.log(
      `  seeded ${r.orders.toLocaleString('en')} orders, ${r.lines.toLocaleString('en')} lines: inserts ${(r.insertMs / 1000).toFixed(1)} s, ` +
        `rollups ${(r.rollupMs / 1000).toFixed(1)} s, total ${(msSince(t0) / 1000).toFixed(1)} s`,
    );
  } else ctx.log(`  reusing ${have.toLocaleString('en')} history orders seeded earlier`);
  const lines = sqlite
    .prepare("SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.terminal_code = 'H1'")
    .pluck()
    .get() as number;
  const lastDay = sqlite.prepare('SELECT MAX(day) FROM rollup_hourly').pluck().get() as number;
  const seeded = { orders: Math.max(have, target), lines, lastDay };
  ctx.memo.set('dashboard.seeded', seeded);
  return seeded;
}

/** One-year ranges at random offsets inside the seeded two years. */
function yearRanges(lastDay: number, count: number, seed: number): { from: string; to: string }[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => {
    const end = lastDay - Math.floor(rand() * (DAYS - 366));
    return { from: dayToIso(end - 364), to: dayToIso(end) };
  });
}

function dashboardCase<K extends Channel>(def: {
  id: string;
  title: string;
  channel: K;
  input(range: { from: string; to: string }): InputOf<K>;
  baselineName: string;
  /** Shapes the seeded store for this case before it is measured. */
  prepare?(ctx: BenchContext): void;
  /** The same figures by GROUP BY over the raw lines. */
  raw(ctx: BenchContext, range: { from: string; to: string }): unknown;
  /** Rollup figures and raw figures, shaped alike for the check. */
  check(ctx: BenchContext, range: { from: string; to: string }, raw: unknown): void;
}): BenchCase {
  return {
    id: def.id,
    title: def.title,
    budget: 50,
    async run(ctx: BenchContext): Promise<BenchResult> {
      const seeded = await ensureHistory(ctx);
      def.prepare?.(ctx);
      await call(ctx.app, 'staff.signIn', { staffId: ctx.meta.adminId, pin: ADMIN.pin }, ADMIN_SESSION);
      const n = ctx.quick ? 60 : 300;
      const rawN = ctx.quick ? 3 : 5;
      const ranges = yearRanges(seeded.lastDay, n + 20, def.id.length * 7919);
      const samples: number[] = [];
      // CPU time per call too: on a machine shared with other work, wall time includes waiting for a core.
      const cpu: number[] = [];
      for (const [i, range] of ranges.entries()) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const res = await ctx.app.router.call(def.channel, def.input(range), ADMIN_SESSION);
        const dt = msSince(t0);
        const c = process.cpuUsage(c0);
        if (!res.ok) throw new Error(`${def.channel}: ${res.error.code} ${res.error.message}`);
        if (i >= 20) {
          samples.push(dt);
          cpu.push((c.user + c.system) / 1000);
        }
      }
      const rawSamples: number[] = [];
      for (const range of ranges.slice(0, rawN)) {
        const t0 = process.hrtime.bigint();
        const raw = def.raw(ctx, range);
        rawSamples.push(msSince(t0));
        def.check(ctx, range, raw);
      }
      const r = summarize(samples);
      const b = summarize(rawSamples);
      ctx.log(
        `  rollups via router: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms (${r.n} one-year ranges)`,
      );
      const rc = summarize(cpu);
      ctx.log(`  CPU time per call:  p50 ${rc.p50.toFixed(2)} ms, p99 ${rc.p99.toFixed(2)} ms`);
      ctx.log(`  raw GROUP BY:       p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms (${b.n} ranges; figures checked equal)`);
      return {
        id: def.id,
        unit: 'ms',
        n: r.n,
        p50: r.p50,
        p99: r.p99,
        budget: 50,
        baseline: { name: def.baselineName, p50: b.p50, p99: b.p99 },
      };
    },
  };
}

const eq = (id: string, a: unknown, b: unknown) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  if (x !== y) throw new Error(`${id}: rollup figures differ from the raw GROUP BY:\n${x.slice(0, 400)}\n${y.slice(0, 400)}`);
};

export const dashboardRevenueByDay = dashboardCase({
  id: 'dashboard_revenue_by_day',
  title: 'revenue, orders, average basket and margin per day for a one-year range (insight.series)',
  channel: 'insight.series',
  input: (r) => ({ ...r, granularity: 'day' }),
  baselineName: 'GROUP BY business day over orders ⋈ order_lines',
  raw: (ctx, r) => rawSeries(ctx.app.deps, { ...r, granularity: 'day' }),
  check: (ctx, r, raw) => eq('revenue_by_day', series(ctx.app.deps, { ...r, granularity: 'day' }).points, raw),
});

export const dashboardHeatmap = dashboardCase({
  id: 'dashboard_heatmap',
  title: 'orders and sales by weekday × hour for a one-year range (insight.heatmap)',
  channel: 'insight.heatmap',
  input: (r) => r,
  baselineName: 'GROUP BY weekday, hour over orders',
  raw: (ctx, r) => rawHeatmap(ctx.app.deps, r),
  check: (ctx, r, raw) => eq('heatmap', heatmap(ctx.app.deps, r), raw),
});

export const dashboardTopProducts = dashboardCase({
  id: 'dashboard_top_products',
  title: 'top 10 products by revenue for a one-year range (insight.products)',
  channel: 'insight.products',
  input: (r) => ({ ...r, sort: 'revenue', dir: 'desc', limit: 10 }),
  baselineName: 'GROUP BY product over order_lines ⋈ orders, ORDER BY revenue LIMIT 10',
  raw: (ctx, r) => rawTopProducts(ctx.app.deps, { ...r, limit: 10 }),
  check: (ctx, r, raw) =>
    eq(
      'top_products',
      productList(ctx.app.deps, { ...r, sort: 'revenue', dir: 'desc', limit: 10 }).items.map((p) => ({
        productId: p.productId,
        revenue: p.revenue,
        units: p.units,
      })),
      raw,
    ),
});

export const dashboardPaymentMix = dashboardCase({
  id: 'dashboard_payment_mix',
  title: 'payment-method mix for a one-year range (insight.payments)',
  channel: 'insight.payments',
  input: (r) => r,
  baselineName: 'GROUP BY kind over payments ⋈ orders',
  raw: (ctx, r) => rawPaymentMix(ctx.app.deps, r),
  check: (ctx, r, raw) => eq('payment_mix', paymentMix(ctx.app.deps, r), raw),
});

export const dashboardSummary = dashboardCase({
  id: 'dashboard_summary',
  title: 'KPIs with the previous period for comparison, one-year range (insight.summary)',
  channel: 'insight.summary',
  input: (r) => ({ ...r, compare: true }),
  baselineName: 'SUM over orders ⋈ order_lines, this year and the one before',
  raw: (ctx, r) => {
    const d = parseRange(r);
    const len = d.to - d.from + 1;
    return [rawTotals(ctx.app.deps, d), rawTotals(ctx.app.deps, { from: d.from - len, to: d.from - 1 })];
  },
  check: (ctx, r, raw) => {
    const s = summary(ctx.app.deps, { ...r, compare: true });
    const [cur, prev] = raw as { orders: number; sales: number }[];
    eq(
      'summary',
      [s.current.orders, s.current.sales, s.previous?.kpis.orders, s.previous?.kpis.sales],
      [cur!.orders, cur!.sales, prev!.orders, prev!.sales],
    );
  },
});

export const dashboardCategories = dashboardCase({
  id: 'dashboard_categories',
  title: 'sales per category (top and bottom) for a one-year range (insight.categories)',
  channel: 'insight.categories',
  input: (r) => r,
  baselineName: 'GROUP BY category over order_lines ⋈ orders ⋈ products',
  raw: (ctx, r) => rawCategoryTotals(ctx.app.deps, parseRange(r)),
  check: (ctx, r, raw) => {
    const rows = categoryPerf(ctx.app.deps, r).map((c) => [c.categoryId ?? '', c.sales, c.units]);
    const want = [...(raw as Map<string, { sales: number; units: number }>)].map(([k, v]) => [k, v.sales, v.units]);
    const sort = (x: unknown[][]) => x.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    eq('categories', sort(rows), sort(want));
  },
});

export const dashboardStaff = dashboardCase({
  id: 'dashboard_staff',
  title: 'sales per staff member for a one-year range (insight.staff)',
  channel: 'insight.staff',
  input: (r) => r,
  baselineName: 'GROUP BY staff over orders',
  raw: (ctx, r) => rawStaffTotals(ctx.app.deps, parseRange(r)),
  check: (ctx, r, raw) => {
    const rows = staffPerf(ctx.app.deps, r).map((s) => [s.staffId, s.orders, s.sales]);
    const want = [...(raw as Map<string, { orders: number; sales: number }>)].map(([k, v]) => [k, v.orders, v.sales]);
    const sort = (x: unknown[][]) => x.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    eq('staff', sort(rows), sort(want));
  },
});

/** One order in ten of the seeded history marked as the online shop's (kept with --data). */
function markOnline(ctx: BenchContext): void {
  if (ctx.memo.get('dashboard.online')) return;
  const { sqlite } = ctx.app.deps;
  sqlite.exec("UPDATE orders SET source = 'online' WHERE terminal_code = 'H1' AND source IS NULL AND rowid % 10 = 0");
  // The rollups were built before: their online rows are added as for a store upgraded to them.
  sqlite.exec(`DELETE FROM rollup_keyed WHERE dim = ${DIM.channel}; DELETE FROM insight_meta WHERE key = 'channels'`);
  const t0 = process.hrtime.bigint();
  ensureChannelRollups(ctx.app.deps);
  ctx.log(`  online rollups added for the orders marked online in ${(msSince(t0) / 1000).toFixed(1)} s`);
  ctx.memo.set('dashboard.online', true);
}

export const dashboardChannels = dashboardCase({
  id: 'dashboard_channels',
  title: 'counter against online sales (one order in ten online), one-year range (insight.channels)',
  channel: 'insight.channels',
  input: (r) => r,
  baselineName: 'GROUP BY channel over orders ⋈ order_lines',
  prepare: markOnline,
  raw: (ctx, r) => {
    const { start, end } = instantsOf(ctx.app.deps, parseRange(r));
    return ctx.app.deps.sqlite
      .prepare(
        `SELECT CASE WHEN o.source = 'online' THEN 'online' ELSE 'counter' END AS channel, COUNT(DISTINCT o.id) AS orders, SUM(l.total) AS sales
         FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= ? AND o.created_at < ? GROUP BY 1 ORDER BY 1`,
      )
      .all(start, end);
  },
  check: (ctx, r, raw) => eq('channels', channelSales(ctx.app.deps, r), raw),
});

export const DASHBOARD_CASES = [
  dashboardRevenueByDay,
  dashboardHeatmap,
  dashboardTopProducts,
  dashboardPaymentMix,
  dashboardSummary,
  dashboardCategories,
  dashboardStaff,
  dashboardChannels,
];
