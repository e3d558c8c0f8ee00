/**
 * An in-memory cache of product buckets as column vectors, for ranking products over a range:
 * summing a handful of cached vectors in typed arrays takes well under a millisecond, where
 * SQLite's GROUP BY over the same ~35,000 rows (a year at 5,000 active products) takes ~20 ms.
 *
 * The rows in rollup_keyed stay the truth. A bucket is loaded from them on first use; every write
 * that touches a bucket drops it (`forgetBuckets`, called by applyToRollups), a rebuild drops all,
 * and a change by another connection (PRAGMA data_version) drops all. A rolled-back write only
 * causes a reload. Least recently used buckets are evicted past MAX_BUCKETS.
 */
import type { Statement } from 'better-sqlite3';
import type { Deps } from '../deps';

export interface BucketVector {
  k: Int32Array;
  /** sales − refunds */
  revenue: Float64Array;
  units: Float64Array;
  /** net − cost − (refunded net − refunded cost) */
  margin: Float64Array;
  /** orders + refunds: zero means no activity */
  activity: Float64Array;
}

const MAX_BUCKETS = 600;

interface Cache {
  buckets: Map<string, BucketVector>;
  dataVersion: number;
  load: Statement;
  upper: Statement;
  /** The week-of-month, month, quarter and year buckets were loaded (see warmUp). */
  warmed: boolean;
  version: Statement;
}

const caches = new WeakMap<object, Cache>();

function cacheOf(deps: Pick<Deps, 'sqlite'>): Cache {
  let c = caches.get(deps.sqlite);
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
      upper: deps.sqlite.prepare('SELECT DISTINCT level, bucket FROM rollup_keyed WHERE dim = ? AND level >= 1').raw(),
      warmed: false,
      version: deps.sqlite.prepare('PRAGMA data_version').pluck(),
    };
    caches.set(deps.sqlite, c);
  }
  return c;
}

const keyOf = (dim: number, level: number, bucket: number) => `${dim}:${level}:${bucket}`;

export function forgetBuckets(deps: Pick<Deps, 'sqlite'>, dim: number, levels: readonly number[]): void {
  const c = caches.get(deps.sqlite);
  if (!c) return;
  levels.forEach((bucket, level) => c.buckets.delete(keyOf(dim, level, bucket)));
}

export function forgetAll(deps: Pick<Deps, 'sqlite'>): void {
  const c = caches.get(deps.sqlite);
  if (!c) return;
  c.buckets.clear();
  c.warmed = false;
}

/**
 * Loads every week-of-month, month, quarter and year bucket of a dimension once (a few hundred at
 * most): these are the big ones (a year holds every product sold), so a range then reads at most
 * a few day buckets cold. Costs well under a second once per process at a million orders.
 */
export function warmUp(deps: Pick<Deps, 'sqlite'>, dim: number): void {
  const c = cacheOf(deps);
  checkVersion(deps, c);
  if (c.warmed || deps.sqlite.inTransaction) return;
  const upper = c.upper.all(dim) as [number, number][];
  if (upper.length <= MAX_BUCKETS / 2) for (const [level, bucket] of upper) bucketVector(deps, dim, level, bucket);
  c.warmed = true;
}

function checkVersion(deps: Pick<Deps, 'sqlite'>, c: Cache): void {
  // Another connection wrote to the file: nothing cached can be trusted.
  const dv = c.version.get() as number;
  if (dv !== c.dataVersion) {
    c.buckets.clear();
    c.warmed = false;
    c.dataVersion = dv;
  }
}

export function bucketVector(deps: Pick<Deps, 'sqlite'>, dim: number, level: number, bucket: number): BucketVector {
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
  const row = c.load.get(dim, level, bucket) as (string | null)[];
  const list = (i: number) => (row[i] ? row[i]!.split(',') : []);
  const v: BucketVector = {
    k: Int32Array.from(list(0), Number),
    revenue: Float64Array.from(list(1), Number),
    units: Float64Array.from(list(2), Number),
    margin: Float64Array.from(list(3), Number),
    activity: Float64Array.from(list(4), Number),
  };
  // Loading inside a write transaction could cache uncommitted rows: only cache outside one.
  if (!deps.sqlite.inTransaction) {
    c.buckets.set(key, v);
    if (c.buckets.size > MAX_BUCKETS) c.buckets.delete(c.buckets.keys().next().value!);
  }
  return v;
}
