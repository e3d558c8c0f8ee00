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
import { stockList } from './cases/stock-list';
import { csvImport } from './cases/csv-import';
import { historyImport } from './cases/history-import';
import { lowStock } from './cases/low-stock';
import { lowStockMany } from './cases/low-stock-many';
import { SYNC_CASES } from './cases/sync';
import { STOREFRONT_CASES } from './cases/storefront';
import { paymentOverhead } from './cases/payment-overhead';
import { priceCart50Lines, scanToCartPromotions } from './cases/price-lists';

export const CASES: BenchCase[] = [
  scanToCart,
  checkoutCommit,
  search,
  searchMiniSearch,
  coldStart,
  stockList,
  lowStock,
  lowStockMany,
  csvImport,
  historyImport,
  ...DASHBOARD_CASES,
  ...SYNC_CASES,
  ...STOREFRONT_CASES,
  paymentOverhead,
  scanToCartPromotions,
  priceCart50Lines,
];
