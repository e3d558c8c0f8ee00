import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import type { PoSummary, PurchaseOrder, ReceiveResult, Supplier } from './inventory-types';

const page = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) };
const code = safeLine(64, { min: 1 });
const note = safeLine(200).nullable().optional();

const supplierFields = {
  name: c.name,
  contact: safeLine(120).nullable().optional(),
  email: safeLine(200).nullable().optional(),
  phone: safeLine(60).nullable().optional(),
  notes: safeText(1000).nullable().optional(),
};

const poLineInput = z.object({ productId: c.id, qty: c.qty, unitCost: c.minor.optional() }).strict();

/** Suppliers and purchase orders, from the draft to the last received scan. Managers only. */
export const purchasingContract = {
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
};
