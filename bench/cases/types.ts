import type { BenchContext, BenchResult } from '../context';

/**
 * One benchmark: an id (as named by the issue), a p99 budget in ms and a run that returns its
 * result, or several (e.g. cold_start also reports main_rss, in MB, with its own budget).
 */
export interface BenchCase {
  id: string;
  title: string;
  /** p99 budget of the main result, in milliseconds. */
  budget: number;
  run(ctx: BenchContext): Promise<BenchResult | BenchResult[]>;
}
