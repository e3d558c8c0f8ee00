import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import { ADJUST_REASONS } from './inventory-types';
import type {
  CountDetail,
  CountSession,
  FlaggedRow,
  ImportPreview,
  ImportResult,
  Location,
  LowStockRow,
  MovementRow,
  PoSummary,
  PurchaseOrder,
  ReceiveResult,
  StockItem,
  StockRow,
  Supplier,
  ValuationRow,
  VarianceReport,
} from './inventory-types';

/** A level or count in thousandths (zero allowed). */
const level = z.number().int().min(0).max(100_000_000);
const page = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) };
const code = safeLine(64, { min: 1 });
const note = safeLine(200).nullable().optional();

export const adjustReason = z.enum(ADJUST_REASONS);

const supplierFields = {
  name: c.name,
  contact: safeLine(120).nullable().optional(),
  email: safeLine(200).nullable().optional(),
  phone: safeLine(60).nullable().optional(),
  notes: safeText(1000).nullable().optional(),
};

const stockFilter = {
  locationId: c.id,
  q: safeLine(100).optional(),
  categoryId: c.id.nullable().optional(),
  status: z.enum(['all', 'low', 'negative', 'out']).optional(),
  includeArchived: z.boolean().optional(),
};

const poLineInput = z.object({ productId: c.id, qty: c.qty, unitCost: c.minor.optional() }).strict();

/**
 * Stock, purchasing, counts, import/export and labels. Everything that changes products, prices or
 * stock needs a manager; clerks may only count (a count changes no stock until a manager approves it).
 */
export const inventoryContract = {
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

  'suppliers.list': channel<Supplier[]>()({
    input: z.object({ includeArchived: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
  'suppliers.create': channel<Supplier>()({ input: z.object(supplierFields).strict(), role: 'manager', writes: true }),
  'suppliers.update': channel<Supplier>()({
    input: z.object({ id: c.id, ...supplierFields, name: c.name.optional(), archived: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),

  'po.list': channel<{ items: PoSummary[]; total: number }>()({
    input: z
      .object({ status: z.enum(['draft', 'sent', 'partial', 'received', 'closed', 'cancelled', 'open']).optional(), ...page })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'po.get': channel<PurchaseOrder>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: false }),
  'po.create': channel<PurchaseOrder>()({
    input: z.object({ supplierId: c.id, locationId: c.id, note, lines: z.array(poLineInput).max(5000).optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Adds lines (or raises the quantity of lines already there); a draft has no item limit. */
  'po.addLines': channel<PurchaseOrder>()({
    input: z.object({ id: c.id, lines: z.array(poLineInput).min(1).max(5000) }).strict(),
    role: 'manager',
    writes: true,
  }),
  'po.updateLine': channel<PurchaseOrder>()({
    input: z
      .object({ id: c.id, lineId: c.id, qty: c.qty.optional(), unitCost: c.minor.optional(), remove: z.boolean().optional() })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'po.send': channel<PurchaseOrder>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
  'po.pdf': channel<{ base64: string; fileName: string }>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: false }),
  'po.csv': channel<{ csv: string; fileName: string }>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: false }),
  /** One scan at the back door: the item's line receives `qty` (one unit by default). */
  'po.receiveScan': channel<ReceiveResult>()({
    input: z
      .object({
        id: c.id,
        code,
        qty: c.qty.optional(),
        unitCost: c.minor.optional(),
        /** Receive an item that is not on the order (recorded as an over-delivery). */
        extra: z.boolean().optional(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'po.receive': channel<PurchaseOrder>()({
    input: z
      .object({
        id: c.id,
        lines: z
          .array(z.object({ lineId: c.id, qty: c.qty, unitCost: c.minor.optional() }).strict())
          .min(1)
          .max(5000),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  /** Ends receiving: what is still outstanding is recorded as an under-delivery. */
  'po.close': channel<PurchaseOrder>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
  'po.cancel': channel<PurchaseOrder>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
  /** Low-stock suggestions become draft orders in one step, one per supplier. */
  'po.fromSuggestions': channel<PurchaseOrder[]>()({
    input: z.object({ locationId: c.id, productIds: z.array(c.id).min(1).max(10_000).optional(), supplierId: c.id.optional() }).strict(),
    role: 'manager',
    writes: true,
  }),

  'counts.list': channel<CountSession[]>()({
    input: z.object({ status: z.enum(['open', 'submitted', 'approved', 'cancelled']).optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'counts.create': channel<CountDetail>()({
    input: z
      .object({
        name: c.name,
        scope: z.enum(['full', 'partial']),
        locationId: c.id,
        categoryId: c.id.nullable().optional(),
        blind: z.boolean(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'counts.get': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'counts.scan': channel<CountDetail>()({
    input: z.object({ id: c.id, code, qty: c.qty.optional() }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'counts.setQty': channel<CountDetail>()({
    input: z.object({ id: c.id, productId: c.id, counted: level }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'counts.submit': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: true }),
  'counts.variance': channel<VarianceReport>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: false }),
  /** Posts the corrections as count movements, once. */
  'counts.approve': channel<VarianceReport>()({
    input: z.object({ id: c.id, uncounted: z.enum(['zero', 'ignore']) }).strict(),
    role: 'manager',
    writes: true,
  }),
  'counts.cancel': channel<CountDetail>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),

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

  /**
   * The desktop window refuses downloads (hardened session): a PDF or CSV the user asked for is
   * saved by main into the data folder's exports/ instead, and the path is shown.
   */
  'files.save': channel<{ path: string }>()({
    input: z
      .object({
        fileName: z.string().regex(/^[\w\-. ]{1,100}\.(pdf|csv)$/, 'a plain .pdf or .csv file name'),
        base64: z
          .string()
          .max(300_000_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'labels.pdf': channel<{ base64: string; labels: number; fileName: string }>()({
    input: z
      .object({
        items: z
          .array(z.object({ productId: c.id, copies: z.number().int().min(1).max(500) }).strict())
          .min(1)
          .max(2000),
        layout: z.enum(['sheet', 'roll']),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
};
