/**
 * search: catalog.search through the router with the as-you-type mix of bench/queries.ts.
 * Baseline: the same FTS5 MATCH statement the handler runs (ftsQuery(q), LIMIT 200 candidates,
 * hit columns), executed raw. Also prints a per-class breakdown, the time of each statement the
 * handler runs, and their query plans, to point at what is slow.
 */
import type { Statement } from 'better-sqlite3';
import type { ProductHit } from '../../src/shared/api/types';
import { skuCases } from '../../src/main/catalog/products';
import { SEARCH_SQL } from '../../src/main/catalog/search';
import { codePrefixRange, ftsQuery, looksLikeCode } from '../../src/main/catalog/search-text';
import { CLERK_SESSION, type BenchContext, type BenchResult } from '../context';
import { QUERY_CLASSES, searchQueries, type QueryClass, type SearchQuery } from '../queries';
import { fmtMs, msSince, summarize, table } from '../stats';
import type { BenchCase } from './types';

/** The handler's statements (its own SQL, from src/main/catalog/search.ts), prepared apart so each can be timed alone. */
export function handlerStatements(ctx: BenchContext): Record<keyof typeof SEARCH_SQL, Statement> {
  const { sqlite } = ctx.app.deps;
  const out = {} as Record<keyof typeof SEARCH_SQL, Statement>;
  for (const k of Object.keys(SEARCH_SQL) as (keyof typeof SEARCH_SQL)[]) out[k] = sqlite.prepare(SEARCH_SQL[k]);
  return out;
}

export function perClassTable(
  rows: { label: string; samples: Map<QueryClass, number[]> }[],
  queries: SearchQuery[],
  hits?: Map<QueryClass, number>,
): string {
  const headers = ['class', 'n', ...rows.flatMap((r) => [`${r.label} p50`, `${r.label} p99`]), ...(hits ? ['% with hits'] : [])];
  const body = QUERY_CLASSES.map((cls) => {
    const n = queries.filter((q) => q.cls === cls).length;
    const cells = rows.flatMap((r) => {
      const s = summarize(r.samples.get(cls) ?? []);
      return [fmtMs(s.p50), fmtMs(s.p99)];
    });
    return [cls, String(n), ...cells, ...(hits ? [`${Math.round((100 * (hits.get(cls) ?? 0)) / Math.max(1, n))}%`] : [])];
  });
  return table(headers, body);
}

function push(map: Map<QueryClass, number[]>, cls: QueryClass, v: number): void {
  let a = map.get(cls);
  if (!a) map.set(cls, (a = []));
  a.push(v);
}

export const search: BenchCase = {
  id: 'search',
  title: 'catalog.search as you type: Latin prefixes, multi-word, Chinese, pinyin, barcodes, SKUs (router, FTS5)',
  budget: 10,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { warmup, measured } = searchQueries(ctx);
    await ctx.signInClerk();
    const s = handlerStatements(ctx);

    const routerAll: number[] = [];
    const rawAll: number[] = [];
    const routerBy = new Map<QueryClass, number[]>();
    const rawBy = new Map<QueryClass, number[]>();
    const hitsBy = new Map<QueryClass, number>();
    let wrongExact = 0;
    const all = [...warmup, ...measured];
    const tAll = process.hrtime.bigint();
    for (let i = 0; i < all.length; i++) {
      const { q, cls } = all[i]!;
      const t0 = process.hrtime.bigint();
      const res = await app.router.call('catalog.search', { q }, CLERK_SESSION);
      const dt = msSince(t0);
      if (!res.ok) throw new Error(`catalog.search ${q}: ${res.error.code} ${res.error.message}`);

      const expr = ftsQuery(q.trim());
      const t1 = process.hrtime.bigint();
      if (expr) s.fts.all(expr);
      const dr = msSince(t1);
      if (i < warmup.length) continue;
      routerAll.push(dt);
      rawAll.push(dr);
      push(routerBy, cls, dt);
      push(rawBy, cls, dr);
      const hits = res.value as ProductHit[];
      if (hits.length > 0) hitsBy.set(cls, (hitsBy.get(cls) ?? 0) + 1);
      if (cls === 'barcode' && hits[0]?.id !== (s.byCode.get(q) as ProductHit | undefined)?.id) wrongExact++;
      if (cls === 'sku' && hits[0]?.sku !== q) wrongExact++;
    }
    const wallS = msSince(tAll) / 1000;

    const r = summarize(routerAll);
    const b = summarize(rawAll);
    ctx.log(`  ${all.length} queries each way in ${wallS.toFixed(1)} s; router mean ${r.mean.toFixed(3)} ms, max ${r.max.toFixed(1)} ms`);
    ctx.log(
      perClassTable(
        [
          { label: 'router', samples: routerBy },
          { label: 'raw FTS', samples: rawBy },
        ],
        measured,
        hitsBy,
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const slowest = measured
      .map((q, i) => ({ ...q, router: routerAll[i]!, raw: rawAll[i]! }))
      .sort((x, y) => y.router - x.router)
      .slice(0, 8);
    ctx.log(
      `  slowest queries (router ms / raw FTS ms): ${slowest.map((x) => `${JSON.stringify(x.q)} ${fmtMs(x.router)}/${fmtMs(x.raw)}`).join(', ')}`,
    );
    if (wrongExact) ctx.log(`  !! ${wrongExact} barcode/SKU queries did not return their product first`);

    // Where does the handler's time go? Each of its statements alone, over a slice of the queries.
    // A statement stops being timed after ~3 s in total, so a pathological one cannot stall the run.
    const slice = measured.slice(0, 150);
    const parts = {
      byCode: [] as number[],
      bySku: [] as number[],
      skuPrefix: [] as number[],
      codePrefix: [] as number[],
      fts: [] as number[],
    };
    const spent = { byCode: 0, bySku: 0, skuPrefix: 0, codePrefix: 0, fts: 0 };
    const timeIt = (k: keyof typeof parts, fn: () => unknown) => {
      if (spent[k] > 3000) return;
      const t0 = process.hrtime.bigint();
      fn();
      const d = msSince(t0);
      parts[k].push(d);
      spent[k] += d;
    };
    for (const { q } of slice) {
      const t = q.trim();
      timeIt('byCode', () => s.byCode.all(t));
      timeIt('bySku', () => s.bySku.all(...skuCases(t)));
      // The prefix ranges as the handler runs them for code-like text (once per distinct case).
      if (looksLikeCode(t)) {
        const ranges = [...new Set(skuCases(t))].map(codePrefixRange);
        timeIt('skuPrefix', () => ranges.forEach(([from, to]) => s.skuPrefix.all(from, to)));
        timeIt('codePrefix', () => ranges.forEach(([from, to]) => s.codePrefix.all(from, to)));
      }
      const expr = ftsQuery(t);
      if (expr) timeIt('fts', () => s.fts.all(expr));
    }
    ctx.log(`  the handler's statements alone, raw (ms):`);
    ctx.log(
      table(
        ['statement', 'n', 'p50', 'p99', 'mean'],
        Object.entries(parts).map(([k, v]) => {
          const x = summarize(v);
          return [k, String(x.n), fmtMs(x.p50), fmtMs(x.p99), fmtMs(x.mean)];
        }),
      )
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
    const plan = (sql: string, ...args: string[]) =>
      (ctx.app.deps.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((x) => x.detail).join(' | ');
    ctx.log(`  plan bySku: ${plan(SEARCH_SQL.bySku, ...skuCases('X'))}`);
    ctx.log(`  plan byCode: ${plan(SEARCH_SQL.byCode, 'X')}`);
    ctx.log(`  plan skuPrefix: ${plan(SEARCH_SQL.skuPrefix, ...codePrefixRange('AB-1'))}`);
    ctx.log(`  plan codePrefix: ${plan(SEARCH_SQL.codePrefix, ...codePrefixRange('4006381'))}`);
    ctx.log(`  plan fts: ${plan(SEARCH_SQL.fts, '"m"*')}`);
    ctx.log(`  plan fts, two words: ${plan(SEARCH_SQL.fts, '"m"* AND "c"*')}`);
    ctx.memo.set('search.routerSamples', { all: routerAll, by: routerBy, hits: hitsBy });

    return {
      id: 'search',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'raw better-sqlite3: the same FTS5 MATCH statement (LIMIT 200 + hit columns)', p50: b.p50, p99: b.p99 },
    };
  },
};
