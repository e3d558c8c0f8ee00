/**
 * search_minisearch: the approach of browser-based POS systems: the whole catalog in a MiniSearch
 * in-memory index (fields name, altName, sku, barcodes; prefix search, AND), queried with the same
 * query set as `search`. Reports the index build time and heap, and, as its baseline, catalog.search
 * through the router (FTS5) on the same queries, measured interleaved in this case.
 *
 * MiniSearch's default tokenizer splits on spaces and punctuation only: a Chinese name is one
 * token, so a 1–2 character query matches only names that start with it, and there is no pinyin.
 */
import MiniSearch from 'minisearch';
import type { ProductHit } from '../../src/shared/api/types';
import { CLERK_SESSION, type BenchContext, type BenchResult } from '../context';
import { searchQueries, type QueryClass } from '../queries';
import { formatBytes, msSince, summarize } from '../stats';
import { perClassTable } from './search';
import type { BenchCase } from './types';

interface Doc {
  id: number;
  name: string;
  altName: string | null;
  sku: string;
  barcodes: string | null;
}

function gc(): boolean {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) return false;
  g();
  g();
  return true;
}

export interface MiniSearchFigures {
  docs: number;
  buildMs: number;
  readMs: number;
  heapMB: number | null;
  rssMB: number;
  gcAvailable: boolean;
}

export const searchMiniSearch: BenchCase = {
  id: 'search_minisearch',
  title: 'MiniSearch in-memory index over the same catalog (prefix, AND), same queries as search',
  budget: 10,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const { warmup, measured } = searchQueries(ctx);
    const docsSql = `SELECT p.rowid AS id, p.name, p.alt_name AS altName, p.sku,
        (SELECT group_concat(code, ' ') FROM barcodes b WHERE b.product_id = p.id) AS barcodes
      FROM products p WHERE p.archived = 0`;

    // Reading the rows alone, so the build time below can be split into SQLite read + indexing.
    const tr = process.hrtime.bigint();
    let docs = 0;
    for (const _row of sqlite.prepare(docsSql).iterate()) docs++;
    const readMs = msSince(tr);

    const gcAvailable = gc();
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    const tb = process.hrtime.bigint();
    const index = new MiniSearch<Doc>({
      fields: ['name', 'altName', 'sku', 'barcodes'],
      storeFields: [],
      searchOptions: { prefix: true, combineWith: 'AND' },
    });
    for (const row of sqlite.prepare(docsSql).iterate() as IterableIterator<Doc>) index.add(row);
    const buildMs = msSince(tb);
    gc();
    const heap1 = process.memoryUsage().heapUsed;
    const rss1 = process.memoryUsage().rss;
    const figures: MiniSearchFigures = {
      docs,
      buildMs,
      readMs,
      heapMB: gcAvailable ? (heap1 - heap0) / 1024 / 1024 : null,
      rssMB: (rss1 - rss0) / 1024 / 1024,
      gcAvailable,
    };
    ctx.memo.set('minisearch.figures', figures);
    ctx.log(
      `  built over ${docs.toLocaleString('en')} products in ${(buildMs / 1000).toFixed(1)} s (of which ~${(readMs / 1000).toFixed(1)} s reading SQLite); ` +
        `heap +${figures.heapMB === null ? '? (run with --expose-gc)' : formatBytes(heap1 - heap0)}, RSS +${formatBytes(rss1 - rss0)}`,
    );

    await ctx.signInClerk();
    // The baseline is catalog.search through the router on the same queries: reuse the samples of
    // the `search` case when it ran in this process, or measure them here, interleaved.
    const earlier = ctx.memo.get('search.routerSamples') as
      { all: number[]; by: Map<QueryClass, number[]>; hits: Map<QueryClass, number> } | undefined;
    const msAll: number[] = [];
    const ftsAll: number[] = [];
    const msBy = new Map<QueryClass, number[]>();
    const ftsBy = new Map<QueryClass, number[]>();
    const msHits = new Map<QueryClass, number>();
    const ftsHits = new Map<QueryClass, number>();
    const add = (m: Map<QueryClass, number[]>, c: QueryClass, v: number) => {
      const a = m.get(c) ?? [];
      a.push(v);
      m.set(c, a);
    };
    const all = [...warmup, ...measured];
    for (let i = 0; i < all.length; i++) {
      const { q, cls } = all[i]!;
      const t0 = process.hrtime.bigint();
      const top = index.search(q).slice(0, 20);
      const dm = msSince(t0);
      if (i >= warmup.length) {
        msAll.push(dm);
        add(msBy, cls, dm);
        if (top.length) msHits.set(cls, (msHits.get(cls) ?? 0) + 1);
      }
      if (earlier) continue;
      const t1 = process.hrtime.bigint();
      const res = await app.router.call('catalog.search', { q }, CLERK_SESSION);
      const df = msSince(t1);
      if (!res.ok) throw new Error(`catalog.search ${q}: ${res.error.code}`);
      if (i < warmup.length) continue;
      ftsAll.push(df);
      add(ftsBy, cls, df);
      if ((res.value as ProductHit[]).length) ftsHits.set(cls, (ftsHits.get(cls) ?? 0) + 1);
    }
    if (earlier) {
      ftsAll.push(...earlier.all);
      for (const [c, v] of earlier.by) ftsBy.set(c, v);
      for (const [c, v] of earlier.hits) ftsHits.set(c, v);
    }
    const m = summarize(msAll);
    const f = summarize(ftsAll);
    ctx.log(
      perClassTable(
        [
          { label: 'minisearch', samples: msBy },
          { label: 'router FTS5', samples: ftsBy },
        ],
        measured,
        msHits,
      )
        .replace('% with hits', 'minisearch % with hits')
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const pct = (h: Map<QueryClass, number>, c: QueryClass) =>
      Math.round((100 * (h.get(c) ?? 0)) / Math.max(1, measured.filter((q) => q.cls === c).length));
    ctx.log(
      `  queries with hits, MiniSearch vs FTS5: chinese ${pct(msHits, 'chinese')}% vs ${pct(ftsHits, 'chinese')}%, pinyin ${pct(msHits, 'pinyin')}% vs ${pct(ftsHits, 'pinyin')}%` +
        " (MiniSearch's default tokenizer keeps a Chinese name as one token and knows no pinyin)",
    );
    // Let the index go before the next case (the caller's gc() can then reclaim it).
    index.removeAll();
    gc();

    return {
      id: 'search_minisearch',
      unit: 'ms',
      n: m.n,
      p50: m.p50,
      p99: m.p99,
      budget: this.budget,
      baseline: {
        name: `catalog.search through the router (SQLite FTS5), same queries${earlier ? ' (samples of the search case)' : ', interleaved'}`,
        p50: f.p50,
        p99: f.p99,
      },
    };
  },
};
