/**
 * An in-memory cache of product buckets as column vectors, for ranking products over a range:
 * summing a handful of cached vectors in typed arrays takes well under a millisecond, where
 * SQLite's GROUP BY over the same ~35,000 rows (a year at 5,000 active products) takes ~20 ms.
 *
 * The rows in rollup_keyed stay the truth. A bucket is loaded from them on first use; every write
 * that touches a bucket drops it (`forgetBuckets`, called by applyToRollups), a rebuild drops all,
 * and a change by another connection (PRAGMA data_version) drops all. A rolled-back write only
 * causes a reload. Least recently used buckets are evicted past MAX_BUCKETS.
 *
 * Day buckets are also kept packed in rollup_packed, one blob per day: a range's edges read a few
 * days, and building a day from its ~3,000 rows took 3–7 ms, which made a one-year ranking's p99
 * (several cold days) about 50 ms. A blob reads in well under a millisecond, survives restarts, and
 * is deleted in the same transaction as any write to its day (`forgetBuckets`) or by a rebuild.
 */
import type { Deps } from '../deps';
import type { BucketVector, VectorCache } from './caches';

export type { BucketVector };
import { cachedStatement } from '../db/statements';
import { inTransaction } from '../db/open';
import type { SqlRow } from '../db/rows';
import type { rollupKeyed, rollupPacked } from '../db/schema';

type Keyed = SqlRow<typeof rollupKeyed>;

const MAX_BUCKETS = 600;

function cacheOf(deps: Pick<Deps, 'sqlite' | 'insight'>): VectorCache {
  let c = deps.insight.vectors;
  if (!c) {
    c = {
      buckets: new Map(),
      dataVersion: -1,
      // One row per bucket, columns as comma lists: far cheaper to read than thousands of rows.
      load: deps.sqlite
        .prepare(
          `SELECT group_concat(k), group_concat(sales - r_amount), group_concat(units), group_concat(net - cost - r_net + r_cost),
                  group_concat(orders + r_count)
           FROM (SELECT * FROM rollup_keyed WHERE dim = ? AND level = ? AND bucket = ? ORDER BY k)`,
        )
        .raw(),
      packedGet: deps.sqlite.prepare('SELECT data FROM rollup_packed WHERE dim = ? AND day = ?').pluck(),
      packedPut: deps.sqlite.prepare('INSERT OR REPLACE INTO rollup_packed (dim, day, data) VALUES (?, ?, ?)'),
      upper: deps.sqlite.prepare('SELECT DISTINCT level, bucket FROM rollup_keyed WHERE dim = ? AND level >= 1').raw(),
      warmed: false,
      unsaved: [],
      version: deps.sqlite.prepare('PRAGMA data_version').pluck(),
    };
    deps.insight.vectors = c;
  }
  return c;
}

const keyOf = (dim: number, level: number, bucket: number) => `${dim}:${level}:${bucket}`;

/** Call inside the transaction that writes the buckets' rows: drops their packed and cached copies. */
export function forgetBuckets(deps: Pick<Deps, 'sqlite' | 'insight'>, dim: number, levels: readonly number[]): void {
  cachedStatement(deps.sqlite, 'DELETE FROM rollup_packed WHERE dim = ? AND day = ?').run(dim, levels[0]);
  const c = deps.insight.vectors;
  if (!c) return;
  levels.forEach((bucket, level) => c.buckets.delete(keyOf(dim, level, bucket)));
  c.unsaved = c.unsaved.filter((u) => u.dim !== dim || u.day !== levels[0]);
}

export function forgetAll(deps: Pick<Deps, 'insight'>): void {
  const c = deps.insight.vectors;
  if (!c) return;
  c.buckets.clear();
  c.unsaved = [];
  c.warmed = false;
}

/**
 * Loads every week-of-month, month, quarter and year bucket of a dimension once (a few hundred at
 * most): these are the big ones (a year holds every product sold), so a range then reads at most
 * a few day buckets cold. Costs well under a second once per process at a million orders.
 */
export function warmUp(deps: Pick<Deps, 'sqlite' | 'insight'>, dim: number): void {
  const c = cacheOf(deps);
  checkVersion(deps, c);
  if (c.warmed || deps.sqlite.inTransaction) return;
  const upper = c.upper.all(dim) as [Keyed['level'], Keyed['bucket']][];
  if (upper.length <= MAX_BUCKETS / 2) for (const [level, bucket] of upper) bucketVector(deps, dim, level, bucket);
  c.warmed = true;
}

function checkVersion(deps: Pick<Deps, 'sqlite'>, c: VectorCache): void {
  // Another connection wrote to the file: nothing cached can be trusted.
  const dv = c.version.get() as number;
  if (dv !== c.dataVersion) {
    c.buckets.clear();
    c.unsaved = [];
    c.warmed = false;
    c.dataVersion = dv;
  }
}

export function bucketVector(deps: Pick<Deps, 'sqlite' | 'insight'>, dim: number, level: number, bucket: number): BucketVector {
  const c = cacheOf(deps);
  checkVersion(deps, c);
  const key = keyOf(dim, level, bucket);
  const hit = c.buckets.get(key);
  if (hit) {
    // Most recently used last.
    c.buckets.delete(key);
    c.buckets.set(key, hit);
    return hit;
  }
  const packed = level === 0 ? (c.packedGet.get(dim, bucket) as SqlRow<typeof rollupPacked>['data'] | undefined) : undefined;
  const v = packed ? unpack(packed) : loadRows(c, dim, level, bucket);
  // Loading inside a write transaction could cache uncommitted rows: only cache outside one.
  if (!deps.sqlite.inTransaction) {
    c.buckets.set(key, v);
    if (c.buckets.size > MAX_BUCKETS) c.buckets.delete(c.buckets.keys().next().value!);
    if (level === 0 && !packed) c.unsaved.push({ dim, day: bucket, v });
  }
  return v;
}

/**
 * Packs the day vectors the last reads built from rows, in one transaction (one flush, not one per
 * day). Call after the read, outside a transaction.
 */
export function savePacked(deps: Pick<Deps, 'sqlite' | 'insight'>): void {
  const c = deps.insight.vectors;
  if (!c || c.unsaved.length === 0 || deps.sqlite.inTransaction) return;
  const list = c.unsaved.splice(0);
  try {
    inTransaction(deps.sqlite, () => {
      for (const { dim, day, v } of list) c.packedPut.run(dim, day, pack(v));
    });
  } catch {
    // Only a cache: a busy or full disk must not fail the read that wanted it.
  }
}

/**
 * Packs every day of a dimension from its rows: a rebuild ends with it, so the first rankings after
 * one (or on a freshly seeded store) read no day from rows. Runs inside the rebuild's transaction.
 */
export function packAllDays(deps: Pick<Deps, 'sqlite' | 'insight'>, dim: number): number {
  const c = cacheOf(deps);
  const days = deps.sqlite
    .prepare('SELECT DISTINCT bucket FROM rollup_keyed WHERE dim = ? AND level = 0')
    .pluck()
    .all(dim) as Keyed['bucket'][];
  for (const day of days) c.packedPut.run(dim, day, pack(loadRows(c, dim, 0, day)));
  return days.length;
}

function loadRows(c: VectorCache, dim: number, level: number, bucket: number): BucketVector {
  const row = c.load.get(dim, level, bucket) as (string | null)[];
  const list = (i: number) => (row[i] ? row[i]!.split(',') : []);
  return {
    k: Int32Array.from(list(0), Number),
    revenue: Float64Array.from(list(1), Number),
    units: Float64Array.from(list(2), Number),
    margin: Float64Array.from(list(3), Number),
    activity: Float64Array.from(list(4), Number),
  };
}

const MEASURES = ['revenue', 'units', 'margin', 'activity'] as const;

/** Four Float64 columns, then the Int32 keys (8-byte columns first keep every view aligned). */
function pack(v: BucketVector): Buffer {
  const n = v.k.length;
  const out = Buffer.alloc(n * (4 * 8 + 4));
  MEASURES.forEach((m, i) => out.set(new Uint8Array(v[m].buffer, v[m].byteOffset, n * 8), i * n * 8));
  out.set(new Uint8Array(v.k.buffer, v.k.byteOffset, n * 4), 4 * n * 8);
  return out;
}

function unpack(blob: Buffer): BucketVector {
  const n = blob.length / 36;
  // A copy into a fresh ArrayBuffer: a Buffer may sit at any offset of a shared pool.
  const ab = new ArrayBuffer(blob.length);
  new Uint8Array(ab).set(blob);
  const col = (i: number) => new Float64Array(ab, i * n * 8, n);
  return { revenue: col(0), units: col(1), margin: col(2), activity: col(3), k: new Int32Array(ab, 4 * n * 8, n) };
}
