import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import { ADJUST_REASONS } from './inventory-types';
import type {
  FlaggedRow,
  ImportPreview,
  ImportResult,
  Location,
  LowStockRow,
  MovementRow,
  StockItem,
  StockRow,
  ValuationRow,
} from './inventory-types';

/** A level or count in thousandths (zero allowed). */
const level = z.number().int().min(0).max(100_000_000);
const page = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) };
const note = safeLine(200).nullable().optional();

export const adjustReason = z.enum(ADJUST_REASONS);

const stockFilter = {
  locationId: c.id,
  q: safeLine(100).optional(),
  categoryId: c.id.nullable().optional(),
  status: z.enum(['all', 'low', 'negative', 'out']).optional(),
  includeArchived: z.boolean().optional(),
};

/**
 * Stock and import/export. Everything that changes products, prices or
 * stock needs a manager; clerks may only count (a count changes no stock until a manager approves it).
 */
export const stockContract = {
  'stock.locations': channel<Location[]>()({ input: c.empty, role: 'manager', writes: false }),
  'stock.locationCreate': channel<Location>()({ input: z.object({ name: c.name }).strict(), role: 'manager', writes: true }),
  'stock.locationUpdate': channel<Location>()({
    input: z
      .object({ id: c.id, name: c.name.optional(), archived: z.boolean().optional(), isDefault: z.literal(true).optional() })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  /** One page of the stock list, filtered and sorted in SQL; `hasMore` tells whether another page follows. */
  'stock.list': channel<{ items: StockRow[]; hasMore: boolean }>()({
    input: z
      .object({
        ...stockFilter,
        sort: z.enum(['name', 'sku', 'qty']).optional(),
        dir: z.enum(['asc', 'desc']).optional(),
        /** The screen's language: a Chinese screen sorts names by pinyin of the Chinese name. */
        language: z.enum(['en', 'zh-CN']).optional(),
        ...page,
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  /** How many rows the same filter matches (asked once per filter, beside the pages). */
  /** `capped`: a text filter lists only its first matches (refine the words to see others). */
  'stock.count': channel<{ total: number; capped: boolean }>()({ input: z.object(stockFilter).strict(), role: 'manager', writes: false }),
  'stock.item': channel<StockItem>()({ input: z.object({ productId: c.id }).strict(), role: 'manager', writes: false }),
  'stock.movements': channel<{ items: MovementRow[]; hasMore: boolean }>()({
    input: z
      .object({
        productId: c.id.optional(),
        locationId: c.id.optional(),
        kind: z.enum(['sale', 'return', 'receipt', 'adjustment', 'count', 'transfer', 'writeoff', 'opening']).optional(),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        ...page,
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'stock.adjust': channel<StockItem>()({
    input: z
      .object({
        productId: c.id,
        locationId: c.id,
        /** `delta`: add or remove `qty`; `set`: the level becomes `qty`. */
        mode: z.enum(['delta', 'set']),
        qty: z.number().int().min(-100_000_000).max(100_000_000),
        reason: adjustReason,
        note,
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'stock.writeOff': channel<StockItem>()({
    input: z.object({ productId: c.id, locationId: c.id, qty: c.qty, reason: adjustReason, note }).strict(),
    role: 'manager',
    writes: true,
  }),
  'stock.transfer': channel<{ transferId: string; lines: number }>()({
    input: z
      .object({
        fromId: c.id,
        toId: c.id,
        lines: z
          .array(z.object({ productId: c.id, qty: c.qty }).strict())
          .min(1)
          .max(1000),
        note,
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'stock.flagged': channel<{ items: FlaggedRow[]; total: number }>()({
    input: z.object(page).strict(),
    role: 'manager',
    writes: false,
  }),
  'stock.setReorder': channel<StockItem>()({
    input: z
      .object({ productId: c.id, locationId: c.id, rule: z.object({ reorderPoint: level, reorderQty: c.qty }).strict().nullable() })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  /** Items at or below their reorder point with suggestions, by name; up to 10,000 at once (an alert list is read whole). */
  'stock.lowStock': channel<{ items: LowStockRow[]; total: number }>()({
    input: z.object({ locationId: c.id.optional(), offset: page.offset, limit: z.number().int().min(1).max(10_000) }).strict(),
    role: 'manager',
    writes: false,
  }),
  'stock.lowStockCount': channel<{ count: number; negative: number }>()({ input: c.empty, role: 'manager', writes: false }),
  'stock.valuation': channel<{ rows: ValuationRow[]; totalQty: number; totalWeighed: number; totalValue: number }>()({
    input: z.object({ locationId: c.id.nullable().optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
};

/** Products and stock as CSV files: import in pieces, preview, commit; export. */
export const importExportContract = {
  'imports.begin': channel<{ importId: string }>()({
    input: z.object({ kind: z.enum(['products', 'stock', 'customers', 'sales']), locationId: c.id.optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** The file in pieces (the host takes at most 1 MiB per call). */
  'imports.chunk': channel<{ received: number }>()({
    input: z.object({ importId: c.id, seq: z.number().int().min(0).max(100_000), text: z.string().max(512 * 1024) }).strict(),
    role: 'manager',
    writes: false,
  }),
  'imports.preview': channel<ImportPreview>()({ input: z.object({ importId: c.id }).strict(), role: 'manager', writes: false }),
  /** All or nothing, unless `onlyValid`: then the valid rows go in and the others are skipped. */
  // Its own transaction: a bulk write, committed without the safety-net checkpoint (db/checkpointer.ts).
  'imports.commit': channel<ImportResult>()({
    input: z.object({ importId: c.id, onlyValid: z.boolean() }).strict(),
    role: 'manager',
    writes: 'own',
  }),
  'exports.csv': channel<{ csv: string; rows: number; fileName: string }>()({
    input: z.object({ kind: z.enum(['products', 'stock']), locationId: c.id.optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
};

/** Every inventory channel, as its handlers take them. */
export const inventoryContract = { ...stockContract, ...importExportContract };
