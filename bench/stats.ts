/** Timing and summary helpers for the benchmarks: samples are milliseconds, measured with hrtime. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Nearest-rank percentile of ascending `sorted` samples (q in 0..1). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[] | Float64Array): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Collects latency samples; `time` measures one synchronous or asynchronous call. */
export class Recorder {
  readonly samples: number[] = [];

  async time<T>(fn: () => T | Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    const out = await fn();
    this.samples.push(msSince(t0));
    return out;
  }

  timeSync<T>(fn: () => T): T {
    const t0 = process.hrtime.bigint();
    const out = fn();
    this.samples.push(msSince(t0));
    return out;
  }

  summary(): Summary {
    return summarize(this.samples);
  }
}

/** Rounds a latency for display and JSON: 3 significant decimals below 10 ms, fewer above. */
export function roundMs(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (v < 10) return Math.round(v * 1000) / 1000;
  if (v < 1000) return Math.round(v * 100) / 100;
  return Math.round(v);
}

export function fmtMs(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return roundMs(v).toString();
}

/** A fixed-width text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Deterministic PRNG (mulberry32), so a seed gives the same catalog and query mix every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
