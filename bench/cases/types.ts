import type { BenchContext, BenchResult } from '../context';

/**
 * One benchmark: an id (as named by the issue), a budget (p99 in ms unless its result says
 * otherwise) and a run that returns its result, or several (e.g. cold_start also reports
 * main_rss, in MB, with its own budget).
 */
export interface BenchCase {
  id: string;
  title: string;
  /** Budget of the main result: p99 in ms, unless the result names another figure (`budgetOn`). */
  budget: number;
  run(ctx: BenchContext): Promise<BenchResult | BenchResult[]>;
}
