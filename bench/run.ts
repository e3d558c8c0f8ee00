/**
 * `npm run bench [-- options]`: seeds a catalog into a fresh on-disk store and runs the cases of
 * bench/registry.ts, each beside a baseline measured in the same run, so each number is compared
 * with a reference doing the same work on the same machine and database.
 *
 *   --json FILE      also write { results: [...] } to FILE
 *   --quick          20,000 products and fewer iterations: a fast sanity run
 *   --only ID[,ID]   run only these cases
 *   --products N     catalog size (default 1,000,000; 20,000 with --quick)
 *   --orders N       past orders over the last year (default: as many as products)
 *   --data DIR       use DIR for the store and keep it; a store seeded there before is reused
 *   --fresh          measure the store as seeded, without growing it (grow.ts) first
 *   --keep           keep the temporary store folder
 *   --strict         exit 1 when a case misses its budget
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DB_FILE } from '../src/main/app';
import { seedHistory } from './history';
import { GROWTH_RECIPE, growStore } from './grow';
import { fillSortKeys } from '../src/main/catalog/sort-key';
import { createBenchApp, makeContext, readMeta, setupBenchStore, writeMeta, type BenchMeta, type BenchResult } from './context';
import { CASES } from './registry';
import { seedCatalog, type SeedReport } from './seed';
import { fmtMs, formatBytes, msSince, roundMs, summarize, table } from './stats';
import type { MiniSearchFigures } from './cases/search-minisearch';

interface Args {
  json: string | null;
  quick: boolean;
  only: string[] | null;
  products: number;
  /** Past orders the store holds (default: as many as products). */
  orders: number;
  data: string | null;
  /** Measure the seeded store as it is, not grown. */
  fresh: boolean;
  keep: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: null,
    quick: false,
    only: null,
    products: 0,
    orders: -1,
    data: null,
    fresh: false,
    keep: false,
    strict: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') args.json = resolve(value());
    else if (a === '--quick') args.quick = true;
    else if (a === '--only')
      args.only = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--products') args.products = Number(value().replace(/[_,]/g, ''));
    else if (a === '--orders') args.orders = Number(value().replace(/[_,]/g, ''));
    else if (a === '--data') args.data = resolve(value());
    else if (a === '--keep') args.keep = true;
    else if (a === '--fresh') args.fresh = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'npm run bench -- [--json FILE] [--quick] [--only ID[,ID]] [--products N] [--orders N] [--data DIR] [--fresh] [--keep] [--strict]',
      );
      console.log(`cases: ${CASES.map((c) => c.id).join(', ')}`);
      process.exit(0);
    } else throw new Error(`Unknown option ${a}`);
  }
  if (!args.products) args.products = args.quick ? 20_000 : 1_000_000;
  if (!Number.isInteger(args.products) || args.products < 1000) throw new Error('--products must be an integer ≥ 1000');
  if (args.orders === -1) args.orders = args.products;
  if (!Number.isInteger(args.orders) || args.orders < 0) throw new Error('--orders must be an integer ≥ 0');
  if (args.only) {
    const unknown = args.only.filter((id) => !CASES.some((c) => c.id === id));
    if (unknown.length) throw new Error(`Unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.id).join(', ')}`);
  }
  return args;
}

/**
 * Heap figures need global.gc, and a 1M-document MiniSearch index wants more than the default heap:
 * re-run this script once under the same loader (tsx) with --expose-gc and a larger heap.
 */
function reexecWithGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function' || process.env.COUNTERTOP_BENCH_CHILD) return;
  const res = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', '--max-old-space-size=8192', process.argv[1]!, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, COUNTERTOP_BENCH_CHILD: '1' },
    },
  );
  if (res.error) throw res.error;
  if (res.signal) console.error(`the bench process was killed by ${res.signal}`);
  process.exit(res.status ?? 1);
}

/** The disk's flush latency where the store lives: every commit under synchronous=FULL pays one. */
function fsyncProbe(dir: string, count = 500): { p50: number; p99: number } {
  const file = join(dir, 'fsync-probe.tmp');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 7);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      writeSync(fd, page, 0, page.length, (i % 64) * page.length);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      samples.push(msSince(t0));
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  const s = summarize(samples);
  return { p50: s.p50, p99: s.p99 };
}

function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

const started = process.hrtime.bigint();
function log(msg: string): void {
  const s = (msSince(started) / 1000).toFixed(1).padStart(6);
  for (const line of msg.split('\n')) console.log(`[${s}s] ${line}`);
}

async function main(): Promise<number> {
  reexecWithGc();
  const args = parseArgs(process.argv.slice(2));
  const cases = args.only ? CASES.filter((c) => args.only!.includes(c.id)) : CASES;
  const temp = !args.data;
  const dataDir = args.data ?? mkdtempSync(join(tmpdir(), 'countertop-bench-'));
  mkdirSync(dataDir, { recursive: true });
  log(`Countertop bench: ${args.products.toLocaleString('en')} products, store in ${dataDir}${args.quick ? ' (quick)' : ''}`);
  log(
    `node ${process.version}, ${cpus().length} CPUs, load average ${load()}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed'}`,
  );
  if (loadavg()[0]! > 0.75 * cpus().length) log('!! the machine is busy with other work: tail latencies will be noisy');

  let meta = readMeta(dataDir);
  let seedReport: SeedReport | null = null;
  if (meta && meta.products !== args.products)
    throw new Error(`${dataDir} holds a bench store of ${meta.products} products, not ${args.products}: use another --data folder`);
  if (!meta && existsSync(join(dataDir, DB_FILE))) throw new Error(`${dataDir} already holds a store that this bench did not seed`);

  const app = createBenchApp(dataDir);
  try {
    if (!meta) {
      log('setup through the router (no demo data), then a clerk');
      const { adminId, clerkId } = await setupBenchStore(app);
      log(`seeding ${args.products.toLocaleString('en')} products…`);
      seedReport = seedCatalog(app, { products: args.products, seed: 20261122, log });
      meta = { products: args.products, seed: 20261122, adminId, clerkId } satisfies BenchMeta;
      writeMeta(dataDir, meta);
      log(
        `seeded in ${(seedReport.totalMs / 1000).toFixed(1)} s (${Math.round((seedReport.products / seedReport.totalMs) * 1000).toLocaleString('en')} products/s; ` +
          `searchDoc/pinyin ${(seedReport.searchDocMs / 1000).toFixed(1)} s; checkpoint ${(seedReport.checkpointMs / 1000).toFixed(1)} s): ` +
          `${seedReport.latin.toLocaleString('en')} Latin, ${seedReport.chinese.toLocaleString('en')} Chinese, ${seedReport.weighed.toLocaleString('en')} weighed; ` +
          `${seedReport.barcodes.toLocaleString('en')} barcodes; database ${formatBytes(seedReport.dbBytes)}`,
      );
    } else log(`reusing the store seeded earlier in ${dataDir}`);
    // A store that has lived has a past: a store kept from before without one gets it now.
    if ((meta.orders ?? 0) < args.orders) {
      const more = args.orders - (meta.orders ?? 0);
      log(`seeding ${more.toLocaleString('en')} past orders over the last year…`);
      const h = seedHistory(app, { orders: more, seed: 20261206 + (meta.orders ?? 0), staffId: meta.adminId, log });
      meta = { ...meta, orders: args.orders };
      writeMeta(dataDir, meta);
      log(
        `  ${h.orders.toLocaleString('en')} orders, ${h.lines.toLocaleString('en')} lines in ${(h.insertMs / 1000).toFixed(1)} s; ` +
          `rollups rebuilt in ${(h.rollupsMs / 1000).toFixed(1)} s; database ${formatBytes(statSync(join(dataDir, DB_FILE)).size)}`,
      );
    }

    let ctx = makeContext(app, dataDir, meta, args.quick, log);
    // A shop does not stay freshly seeded: the cases measure the store after a year of use.
    if (!args.fresh && (meta.grown ?? 0) < GROWTH_RECIPE) {
      log('growing the store as a shop does (imports, sales, returns, edits, counts, adjustments; grow.ts)…');
      const g = await growStore(ctx, args.products);
      meta = { ...meta, grown: GROWTH_RECIPE };
      writeMeta(dataDir, meta);
      ctx = makeContext(app, dataDir, meta, args.quick, log);
      log(
        `  grown in ${(g.ms / 1000).toFixed(1)} s: ${g.imported.toLocaleString('en')} products imported, ${g.sales.toLocaleString('en')} sales ` +
          `(${g.refunds.toLocaleString('en')} returned), ${g.edits.toLocaleString('en')} price edits, ${g.counted.toLocaleString('en')} counted, ` +
          `${g.adjustments.toLocaleString('en')} adjustments; database ${formatBytes(statSync(join(dataDir, DB_FILE)).size)}`,
      );
    }
    log(args.fresh || !meta.grown ? 'the store as seeded (--fresh)' : `the store grown by recipe ${meta.grown}`);
    // What a store leaves to the background once (the pinyin sort keys of products written without
    // them) is finished first: a step per turn of the event loop would run under the cases.
    const tKeys = process.hrtime.bigint();
    const keyed = fillSortKeys(app.deps.sqlite);
    if (keyed > 0)
      log(`  ${keyed.toLocaleString('en')} products given their pinyin sort key first (${(msSince(tKeys) / 1000).toFixed(1)} s)`);

    const probe = fsyncProbe(dataDir);
    log(`disk flush (4 KiB write + fdatasync) in ${dataDir}: p50 ${fmtMs(probe.p50)} ms, p99 ${fmtMs(probe.p99)} ms`);
    const results: BenchResult[] = [];
    for (const c of cases) {
      log(`── ${c.id}: ${c.title} (budget ${c.budget}; load average ${load()})`);
      const t0 = process.hrtime.bigint();
      const out = await c.run(ctx);
      results.push(...(Array.isArray(out) ? out : [out]));
      log(`   ${c.id} done in ${(msSince(t0) / 1000).toFixed(1)} s`);
    }
    // What cases kept for later ones (a shop's cloud process) stops with the run, whichever cases ran.
    for (const kept of ctx.memo.values()) {
      const stop = (kept as { stop?: unknown } | null)?.stop;
      if (typeof stop === 'function') await (stop as () => Promise<void>).call(kept);
    }

    const rows = results.map((r) => [
      r.id,
      r.unit,
      String(r.n),
      fmtMs(r.p50),
      fmtMs(r.p99),
      r.rate !== undefined ? String(Math.round(r.rate)) : '',
      r.budgetOn === 'rate' ? `rate ≥ ${r.budget}` : `${r.budgetOn ?? 'p99'} ≤ ${r.budget}`,
      withinBudget(r) ? 'pass' : 'FAIL',
      fmtMs(r.baseline.p50),
      fmtMs(r.baseline.p99),
      ratio(r),
      r.baseline.name,
    ]);
    console.log('');
    console.log(`Results (${args.products.toLocaleString('en')} products; on-disk store, WAL, synchronous=FULL)`);
    console.log(
      table(['id', 'unit', 'n', 'p50', 'p99', 'rate/s', 'budget', 'result', 'base p50', 'base p99', '×base p99', 'baseline'], rows),
    );
    console.log(
      `\ndisk flush p50 ${fmtMs(probe.p50)} ms / p99 ${fmtMs(probe.p99)} ms; load average at the end ${load()} (${cpus().length} CPUs)`,
    );
    if (seedReport)
      console.log(`seeding: ${(seedReport.totalMs / 1000).toFixed(1)} s for ${seedReport.products.toLocaleString('en')} products`);
    const mini = ctx.memo.get('minisearch.figures') as MiniSearchFigures | undefined;
    if (mini)
      console.log(
        `MiniSearch: ${mini.docs.toLocaleString('en')} docs, build ${Math.round(mini.buildMs)} ms (incl. ~${Math.round(mini.readMs)} ms reading SQLite), ` +
          `heap ${mini.heapMB === null ? 'n/a (no --expose-gc)' : `${mini.heapMB.toFixed(0)} MB`}, RSS +${mini.rssMB.toFixed(0)} MB; ` +
          'Chinese and pinyin queries mostly find nothing with its default tokenizer',
      );

    if (args.json) {
      const out = {
        results: results.map((r) => ({
          id: r.id,
          unit: r.unit,
          n: r.n,
          p50: roundMs(r.p50),
          p99: roundMs(r.p99),
          ...(r.rate !== undefined ? { rate: Math.round(r.rate * 10) / 10 } : {}),
          budget: r.budget,
          budgetOn: r.budgetOn ?? 'p99',
          ...(ratio(r) ? { overBaseline: Number(ratio(r).slice(0, -1)) } : {}),
          baseline: {
            name: r.baseline.name,
            p50: roundMs(r.baseline.p50),
            p99: roundMs(r.baseline.p99),
            ...(r.baseline.rate !== undefined ? { rate: Math.round(r.baseline.rate * 10) / 10 } : {}),
          },
        })),
      };
      writeFileSync(args.json, `${JSON.stringify(out, null, 2)}\n`);
      log(`wrote ${args.json}`);
    }
    log(`total ${(msSince(started) / 1000).toFixed(1)} s`);
    return args.strict && results.some((r) => !withinBudget(r)) ? 1 : 0;
  } finally {
    app.close();
    if (temp && !args.keep) rmSync(dataDir, { recursive: true, force: true });
    else log(`store kept in ${dataDir}`);
  }
}

/** The case beside its raw baseline at p99 (at the rate for a rate), "" where the baseline is not the same work. */
function ratio(r: BenchResult): string {
  if (r.budgetOn === 'rate') return r.rate && r.baseline.rate ? `${(r.baseline.rate / r.rate).toFixed(2)}×` : '';
  return r.baseline.p99 > 0 ? `${(r.p99 / r.baseline.p99).toFixed(2)}×` : '';
}

function withinBudget(r: BenchResult): boolean {
  if (r.minRate !== undefined && (r.rate ?? 0) < r.minRate) return false;
  if (r.budgetOn === 'rate') return (r.rate ?? 0) >= r.budget;
  return (r.budgetOn === 'p50' ? r.p50 : r.p99) <= r.budget;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
