import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import { MAX_QTY } from '../money';
import type { PriceListTarget } from '../price-lists/resolve';

/** A group of customers (会员, 批发) that price lists and promotions can be limited to. */
export interface CustomerGroup {
  id: string;
  name: string;
  nameZh: string | null;
  /** How many customers are in it now. */
  customers: number;
  createdAt: number;
  updatedAt: number;
}

export interface PriceList {
  id: string;
  name: string;
  nameZh: string | null;
  target: PriceListTarget;
  active: boolean;
  entries: number;
  createdAt: number;
  updatedAt: number;
}

export interface PriceListEntryRow {
  id: string;
  productId: string;
  /** The product as the catalog has it now (null when it has not arrived on this till, or is gone). */
  sku: string | null;
  name: string | null;
  /** The product's own price, for comparison. */
  basePrice: number | null;
  /** Thousandths; 0: from the first piece. */
  minQty: number;
  price: number;
}

/** Most entries one call may write or remove: a larger list is sent in several calls. */
export const MAX_ENTRIES_PER_CALL = 2000;

export const priceListTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('members') }).strict(),
  z.object({ kind: z.literal('group'), groupId: c.id }).strict(),
  z.object({ kind: z.literal('store'), storeId: c.id }).strict(),
]);

const groupFields = { name: c.name, nameZh: c.name.nullable().optional() };
const listFields = { name: c.name, nameZh: c.name.nullable().optional(), target: priceListTargetSchema };

export const priceListEntryInput = z
  .object({
    productId: c.id,
    /** Unit price in minor units; never negative (c.minor). */
    price: c.minor,
    minQty: z.number().int().min(0).max(MAX_QTY).optional(),
  })
  .strict();

/** Customer groups and price lists: managers keep them, a clerk may read them (the till shows why a price). */
export const priceListsContract = {
  'customerGroups.list': channel<CustomerGroup[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'customerGroups.create': channel<CustomerGroup>()({ input: z.object(groupFields).strict(), role: 'manager', writes: true }),
  'customerGroups.update': channel<CustomerGroup>()({
    input: z.object({ id: c.id, ...groupFields }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Only a group nobody is in and no list is for. */
  'customerGroups.delete': channel<{ id: string }>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
  /** Puts a customer in a group (or in none): a manager's decision, since it changes what the customer pays. */
  'customers.setGroup': channel<{ customerId: string; groupId: string | null }>()({
    input: z.object({ customerId: c.id, groupId: c.id.nullable() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'priceLists.list': channel<PriceList[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'priceLists.entries': channel<{ items: PriceListEntryRow[]; total: number }>()({
    input: z
      .object({
        listId: c.id,
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  'priceLists.create': channel<PriceList>()({
    input: z.object({ ...listFields, active: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'priceLists.update': channel<PriceList>()({
    input: z.object({ id: c.id, ...listFields, active: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Adds or re-prices entries: one per product and minimum quantity (sending one again changes its price). */
  'priceLists.setEntries': channel<PriceList>()({
    input: z
      .object({
        listId: c.id,
        entries: z
          .array(priceListEntryInput)
          .min(1)
          .max(MAX_ENTRIES_PER_CALL)
          .refine(
            (es) => new Set(es.map((e) => `${e.productId}/${e.minQty ?? 0}`)).size === es.length,
            'a product and minimum quantity appear once',
          ),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'priceLists.removeEntries': channel<PriceList>()({
    input: z.object({ listId: c.id, entryIds: z.array(c.id).min(1).max(MAX_ENTRIES_PER_CALL) }).strict(),
    role: 'manager',
    writes: true,
  }),
};
