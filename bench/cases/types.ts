import type { BenchContext, BenchResult } from '../context';

/** One benchmark: an id (as named by the issue), a p99 budget in ms and a run that returns its result(s). */
export interface BenchCase {
  id: string;
  title: string;
  /** p99 budget in milliseconds. */
  budget: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}
