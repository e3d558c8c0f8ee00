/**
 * cold_start: the app starting on the seeded store, as a till does in the morning after an orderly
 * close the evening before — a new process opens the database (no quick check: the clean-close
 * marker says the file is as the app left it; the full check runs later in the background), runs
 * the migrations, serves the renderer, and the first screen (sign-in, with the staff to choose
 * from) is visible in Chromium through the headless host. Measured from spawning the process to the
 * screen being visible; the page cache is as the seeding left it (warm), and the host is the built
 * one (out/host/cli.mjs, bundled JavaScript as a packaged app runs). One more start after a crash (no marker: the quick
 * check runs) is logged beside it.
 * Baseline: the database work alone with raw better-sqlite3 in this process (open, read the staff
 * list, close).
 *
 * main_rss: the main process's resident memory (VmRSS) with the first screen shown, one sample per
 * start, beside a bare Node process that opened the same store and ran the same quick check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser } from '@playwright/test';
import { DB_FILE } from '../../src/main/app';
import { CLEAN_CLOSE_MARKER, writeCleanCloseMarker } from '../../src/main/backup/integrity';
import { REPO_ROOT, WEB_DIR } from '../../src/main/host/paths';
import { ADMIN, type BenchContext, type BenchResult } from '../context';
import { fmtMs, msSince, summarize } from '../stats';
import type { BenchCase } from './types';
import { chromiumOrExit } from '../../test/support/browser';

/** The built host, as `npm run web` and a packaged app run it (bundled JavaScript, no transform at start). */
const CLI = join(REPO_ROOT, 'out', 'host', 'cli.mjs');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const MAIN_RSS_BUDGET_MB = 300;

/** Resident and peak memory of a process, in MB (Linux /proc; null elsewhere). */
function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/**
 * One start: spawn → URL printed (open, migrate, listen) → sign-in screen visible. `clean`: as after
 * an orderly close (the host is killed, not stopped, so the marker that close would leave is written
 * here); otherwise as after a crash.
 */
async function startOnce(
  browser: Browser,
  dataDir: string,
  clean = true,
): Promise<{ readyMs: number; visibleMs: number; rss: number | null; peak: number | null }> {
  const file = join(dataDir, DB_FILE);
  if (clean) writeCleanCloseMarker(dataDir, file, Date.now());
  else rmSync(join(dataDir, CLEAN_CLOSE_MARKER), { force: true });
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, '--data', dataDir, '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not start in 120 s:\n${out}`)), 120_000);
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /Open: (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`host exited (${code}):\n${out}`));
      });
    });
    const readyMs = msSince(t0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(url);
      await page.getByTestId(`staff-${ADMIN.name}`).waitFor({ state: 'visible', timeout: 120_000 });
      const visibleMs = msSince(t0);
      const mem = memoryOf(child.pid!);
      return { readyMs, visibleMs, rss: mem?.rss ?? null, peak: mem?.peak ?? null };
    } finally {
      await page.close();
    }
  } finally {
    // Killed, not stopped: a clean stop would make the shutdown backup of the whole store.
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

/** The floor: the same database work with raw better-sqlite3 (and, in a bare Node process, its memory). */
function rawOpen(file: string): number {
  const t0 = process.hrtime.bigint();
  const db = new Database(file, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.prepare('SELECT id, name, role FROM staff WHERE active = 1').all();
  db.close();
  return msSince(t0);
}

function bareNodeRss(file: string): number {
  // SQLite's page cache is bounded (2 MB by default), so the check's reads do not show here: open and read only.
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)});
    db.prepare('SELECT id, name FROM staff').all(); console.log(process.memoryUsage().rss); db.close();`;
  const res = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return Number(res.stdout.trim()) / 1024 / 1024;
}

export const coldStart: BenchCase = {
  id: 'cold_start',
  title: 'new process after a clean close: open + migrate the store, first screen visible in Chromium via the host',
  // A clerk waits for this every morning. The quick check (every page read: 10 s at 1M products)
  // runs at start only after a crash; otherwise the full check runs in the background while selling.
  budget: 2_000,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    if (!existsSync(join(WEB_DIR, 'index.html'))) {
      ctx.log('  building the renderer (npm run build:web)…');
      const b = spawnSync('npm', ['run', 'build:web', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (b.status !== 0) throw new Error('npm run build:web failed');
    }
    ctx.log('  building the host from the sources (npm run build:host)…');
    const h = spawnSync('npm', ['run', 'build:host', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (h.status !== 0) throw new Error('npm run build:host failed');
    const file = join(ctx.dataDir, DB_FILE);
    // Like after a clean close: everything in the main file, the WAL empty.
    ctx.app.deps.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const runs = ctx.quick ? 3 : 5;
    const browser = await chromium.launch({ executablePath: chromiumOrExit(), args: CHROMIUM_ARGS });
    const starts: Awaited<ReturnType<typeof startOnce>>[] = [];
    const raw: number[] = [];
    const bare: number[] = [];
    try {
      await startOnce(browser, ctx.dataDir); // warm-up: the file cache, Chromium's first page
      for (let i = 0; i < runs; i++) {
        starts.push(await startOnce(browser, ctx.dataDir));
        raw.push(rawOpen(file));
        bare.push(bareNodeRss(file));
        const s = starts[starts.length - 1]!;
        ctx.log(
          `  start ${i + 1}/${runs}: ready (URL printed) ${fmtMs(s.readyMs)} ms, sign-in screen visible ${fmtMs(s.visibleMs)} ms, ` +
            `main RSS ${s.rss?.toFixed(0) ?? 'n/a'} MB (peak ${s.peak?.toFixed(0) ?? 'n/a'} MB); raw open ${fmtMs(raw[raw.length - 1])} ms`,
        );
      }
      // Logged, not counted: on a cold cache the quick check of a large store can outlast the
      // start's timeout, and that must not end the run.
      try {
        const crashed = await startOnce(browser, ctx.dataDir, false);
        ctx.log(`  after a crash (quick check at start): sign-in screen visible ${fmtMs(crashed.visibleMs)} ms (not in the result)`);
      } catch (err) {
        ctx.log(`  after a crash (quick check at start): ${(err as Error).message.split('\n')[0]} (not in the result)`);
      }
    } finally {
      await browser.close();
    }
    const visible = summarize(starts.map((s) => s.visibleMs));
    const base = summarize(raw);
    const ready = summarize(starts.map((s) => s.readyMs));
    ctx.log(`  process ready (database opened, checked, migrated; host listening): p50 ${fmtMs(ready.p50)} ms, p99 ${fmtMs(ready.p99)} ms`);
    const results: BenchResult[] = [
      {
        id: 'cold_start',
        unit: 'ms',
        n: visible.n,
        p50: visible.p50,
        p99: visible.p99,
        budget: coldStart.budget,
        baseline: { name: 'raw better-sqlite3 open + staff query', p50: base.p50, p99: base.p99 },
      },
    ];
    const rss = starts.map((s) => s.rss).filter((v): v is number => v !== null);
    if (rss.length > 0) {
      const r = summarize(rss);
      const b = summarize(bare);
      const peak = Math.max(...starts.map((s) => s.peak ?? 0));
      ctx.log(
        `  main process RSS at the first screen: p50 ${r.p50.toFixed(0)} MB, max ${r.max.toFixed(0)} MB, peak during start ${peak.toFixed(0)} MB`,
      );
      results.push({
        id: 'main_rss',
        unit: 'MB',
        n: r.n,
        p50: r.p50,
        p99: r.p99,
        budget: MAIN_RSS_BUDGET_MB,
        baseline: { name: 'bare Node + better-sqlite3 with the store open', p50: b.p50, p99: b.p99 },
      });
    } else ctx.log('  main_rss: no /proc on this system, not measured');
    return results;
  },
};
