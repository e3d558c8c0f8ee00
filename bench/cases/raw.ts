/** Helpers for raw better-sqlite3 baselines: the same transaction shape the router uses. */
import type { Sqlite } from '../../src/main/db/open';
import type { BenchContext } from '../context';
import { fmtMs, summarize } from '../stats';

/**
 * BEGIN IMMEDIATE … COMMIT, like `inTransaction` in src/main/db/open.ts; `draft` commits without
 * the flush as the handlers of draft channels (the open cart) do, so both sides keep the same
 * durability.
 */
export function rawTransaction<T>(sqlite: Sqlite, fn: () => T, durability: 'full' | 'draft' = 'full'): T {
  if (durability === 'draft') {
    sqlite.exec('PRAGMA synchronous = NORMAL');
    try {
      return rawTransaction(sqlite, fn);
    } finally {
      sqlite.exec('PRAGMA synchronous = FULL');
    }
  }
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    sqlite.exec('COMMIT');
    return out;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}

/** Runs `fn` with another `synchronous` setting on the connection, restoring it afterwards. */
export async function withSynchronous<T>(sqlite: Sqlite, mode: 'OFF' | 'NORMAL' | 'FULL', fn: () => Promise<T>): Promise<T> {
  const before = sqlite.pragma('synchronous', { simple: true }) as number;
  sqlite.pragma(`synchronous = ${mode}`);
  try {
    return await fn();
  } finally {
    sqlite.pragma(`synchronous = ${before}`);
  }
}

/** Prints the diagnostic pass run with synchronous=NORMAL (no fsync per commit in WAL mode). */
export function logDurabilitySplit(ctx: BenchContext, normal: { routerMs: number[]; rawMs: number[] }): void {
  const r = summarize(normal.routerMs);
  const b = summarize(normal.rawMs);
  ctx.log(
    `  diagnostic, synchronous=NORMAL (no fsync per commit; not the result): router p50 ${fmtMs(r.p50)} / p99 ${fmtMs(r.p99)} ms, ` +
      `raw p50 ${fmtMs(b.p50)} / p99 ${fmtMs(b.p99)} ms (n ${r.n})`,
  );
}
