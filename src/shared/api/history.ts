import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { ImportError } from './inventory-types';

/**
 * A store's past brought along from the till it leaves: customers, and sales history. The file
 * goes up with `imports.begin` (kind `customers` or `sales`) and `imports.chunk`, like a product
 * import; these channels preview and commit it.
 */

export const HISTORY_FORMATS = [
  'countertop',
  'square',
  'square-items',
  'square-transactions',
  'shopify',
  'loyverse',
  'loyverse-items',
  'loyverse-receipts',
] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** A customer already in the store (same email or phone): its fields updated from the file, or the row skipped. */
export const onMatch = z.enum(['update', 'skip']);
export type OnMatch = z.infer<typeof onMatch>;

export interface HistoryPreview {
  importId: string;
  kind: 'customers' | 'sales';
  /** Null: the header is not one of the known formats (the errors say so). */
  format: HistoryFormat | null;
  /** Data rows of the file. */
  rows: number;
  /** Customers: rows; sales: orders, that would go in. */
  valid: number;
  /** Customers new to the store (customers), or orders new to the store (sales). */
  creates: number;
  /** Customers: existing ones matched by email or phone. Sales: orders of this file imported before (left alone). */
  matches: number;
  /** Sales: the lines, the products the file names that the catalog lacks (made as archived products), customers matched and made. */
  lines: number;
  newProducts: number;
  customersMatched: number;
  customersCreated: number;
  /** First and last sale of the file (epoch ms), null without sales. */
  from: number | null;
  to: number | null;
  columns: string[];
  sample: Record<string, string>[];
  errors: ImportError[];
  moreErrors: number;
}

export interface HistoryResult {
  kind: 'customers' | 'sales';
  format: HistoryFormat;
  created: number;
  updated: number;
  /** Customers matched and left as they were, or orders already imported. */
  skipped: number;
  /** Rows (customers) or orders left out for their errors. */
  invalid: number;
  lines: number;
  newProducts: number;
  customersCreated: number;
}

const target = { importId: c.id, onMatch: onMatch.optional() };

export const historyContract = {
  'history.preview': channel<HistoryPreview>()({ input: z.object(target).strict(), role: 'manager', writes: false }),
  /** All or nothing unless `onlyValid`. Its own transactions: a big history goes in in batches, each whole. */
  'history.commit': channel<HistoryResult>()({
    input: z.object({ ...target, onlyValid: z.boolean() }).strict(),
    role: 'manager',
    writes: 'own',
  }),
};
