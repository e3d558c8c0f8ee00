/**
 * Every bench case, in run order. A later issue adds its cases here: an id (as the issue names it),
 * a p99 budget and a run function returning one result (see cases/types.ts).
 */
import { checkoutCommit } from './cases/checkout-commit';
import { coldStart } from './cases/cold-start';
import { scanToCart } from './cases/scan-to-cart';
import { search } from './cases/search';
import { searchMiniSearch } from './cases/search-minisearch';
import type { BenchCase } from './cases/types';
import { DASHBOARD_CASES } from './cases/dashboard';

export const CASES: BenchCase[] = [scanToCart, checkoutCommit, search, searchMiniSearch, coldStart, ...DASHBOARD_CASES];
