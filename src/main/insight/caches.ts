import type { Statement } from 'better-sqlite3';

/**
 * What the dashboard keeps between reads for one open store (createApp makes one per store it
 * opens): key refs, product buckets as vectors (insight/vectors.ts), and the timer that adds
 * queued sales to the rollups. A restored or another store starts with none of it.
 */
export interface InsightCaches {
  /** insight_keys never change once written: k → ref. */
  refs: Map<number, string>;
  /** Built on first use (insight/vectors.ts). */
  vectors: VectorCache | null;
  /** Set while queued sales wait to be added to the rollups (insight/rollups.ts). */
  applyTimer: ReturnType<typeof setTimeout> | null;
}

export function createInsightCaches(): InsightCaches {
  return { refs: new Map(), vectors: null, applyTimer: null };
}

/** Stops the pending rollup timer: the store is closing (its queue is kept for the next read). */
export function stopInsightCaches(caches: InsightCaches): void {
  if (caches.applyTimer) clearTimeout(caches.applyTimer);
  caches.applyTimer = null;
}

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

export interface VectorCache {
  buckets: Map<string, BucketVector>;
  dataVersion: number;
  load: Statement;
  packedGet: Statement;
  packedPut: Statement;
  upper: Statement;
  /** The week-of-month, month, quarter and year buckets were loaded (see warmUp). */
  warmed: boolean;
  /** Day vectors built from rows by this read, to be packed in one transaction (`savePacked`). */
  unsaved: { dim: number; day: number; v: BucketVector }[];
  version: Statement;
}
