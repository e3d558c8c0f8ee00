/**
 * Diagnostics for a latency tail (not results): which of the slowest samples overlapped a garbage
 * collection in this process. A case records each timed call's span; the GC pauses come from
 * perf_hooks.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

interface Span {
  start: number;
  end: number;
}

export interface TailWatch {
  /** Times `fn` and keeps its span (performance.now() clock, as GC entries use). */
  time<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }>;
  /** Stops watching; a line saying how the slowest 1% of the kept spans relate to GC pauses. */
  stop(keepFrom?: number): Promise<string>;
}

export function watchTail(): TailWatch {
  const gcs: (Span & { major: boolean })[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      gcs.push({ start: e.startTime, end: e.startTime + e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const spans: Span[] = [];
  return {
    async time(fn) {
      const start = performance.now();
      const value = await fn();
      const end = performance.now();
      spans.push({ start, end });
      return { value, ms: end - start };
    },
    async stop(keepFrom = 0) {
      await new Promise<void>((r) => setImmediate(r));
      obs.disconnect();
      const kept = spans.slice(keepFrom);
      const tail = [...kept].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, Math.max(1, Math.ceil(kept.length / 100)));
      const hit = tail.filter((s) => gcs.some((g) => g.start < s.end && g.end > s.start)).length;
      const minor = gcs.filter((g) => !g.major);
      const pause = (list: typeof gcs) => list.reduce((t, g) => t + g.end - g.start, 0);
      return (
        `GC during the run: ${minor.length} minor (${pause(minor).toFixed(1)} ms), ${gcs.length - minor.length} major ` +
        `(${pause(gcs.filter((g) => g.major)).toFixed(1)} ms); ${hit} of the ${tail.length} slowest calls overlapped one`
      );
    },
  };
}
