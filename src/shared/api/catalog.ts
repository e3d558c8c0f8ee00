import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { MAX_QTY } from '../money';
import { channel } from './define';
import { UNITS } from '../units';
import * as c from './common';
import type { Category, Product, ProductHit } from './types';
import type { CategoryInfo, PriceChange, ProductGroup } from './inventory-types';

export const productInput = z
  .object({
    sku: safeLine(64, { min: 1 }),
    name: c.name,
    altName: safeLine(120).nullable().optional(),
    categoryId: c.id.nullable().optional(),
    unit: z.enum(UNITS),
    price: c.minor,
    cost: c.minor,
    taxRateId: c.id.optional(),
    barcodes: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z\-.]{1,64}$/),
      )
      .max(20),
    plu: z
      .string()
      .regex(/^\d{5}$/)
      .nullable()
      .optional(),
    supplierId: c.id.nullable().optional(),
  })
  .strict();

const barcodeList = productInput.shape.barcodes;
/** Variant values: dimension → value, e.g. { Size: 'M', Colour: 'Red' }. */
const variantValues = z.record(safeLine(40, { min: 1 }), safeLine(40, { min: 1 }));
const variantInput = z
  .object({
    sku: productInput.shape.sku,
    values: variantValues,
    price: c.minor,
    cost: c.minor,
    barcodes: barcodeList,
    name: c.name.optional(),
  })
  .strict();
/** A picture as base64: the full image (JPEG, PNG or WebP, at most 1.5 MB) and its thumbnail made by the renderer. */
const imageData = z
  .string()
  .max(2_100_000)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

/** A product in the online shop: listed or not, its online description, the units kept back from the web. */
export interface OnlineListing {
  productId: string;
  soldOnline: boolean;
  description: string;
  /** Thousandths kept back for this product; null: the store's own buffer applies. */
  safetyBuffer: number | null;
  /** The store's buffer (thousandths), for every listed product without its own. */
  storeSafetyBuffer: number;
}

/** What an online description may hold (the synced record's limit). */
export const ONLINE_DESCRIPTION_MAX = 4000;
const bufferQty = z.number().int().min(0).max(MAX_QTY);

export const catalogContract = {
  'catalog.search': channel<ProductHit[]>()({
    input: z.object({ q: safeLine(100, { trim: false }), limit: z.number().int().min(1).max(100).optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'catalog.browse': channel<{ items: ProductHit[]; total: number }>()({
    input: z
      .object({
        categoryId: c.id.nullable().optional(),
        /** The screen's language: a Chinese screen sorts names by pinyin of the Chinese name. */
        language: z.enum(['en', 'zh-CN']).optional(),
        offset: z.number().int().min(0).max(10_000_000),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  'catalog.categories': channel<Category[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'catalog.get': channel<Product>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'catalog.create': channel<Product>()({ input: productInput, role: 'manager', writes: true }),
  /** Changes the given fields; a price or cost change is audited with the old and new value. */
  'catalog.update': channel<Product>()({
    input: productInput.omit({ unit: true }).partial().extend({ id: c.id, unit: productInput.shape.unit.optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.archive': channel<Product>()({
    input: z.object({ id: c.id, archived: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.priceHistory': channel<PriceChange[]>()({
    input: z.object({ id: c.id }).strict(),
    role: 'manager',
    writes: false,
  }),
  'catalog.categoryList': channel<CategoryInfo[]>()({ input: c.empty, role: 'manager', writes: false }),
  'catalog.categoryCreate': channel<Category>()({
    input: z.object({ name: c.name, altName: safeLine(120).nullable().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.categoryUpdate': channel<Category>()({
    input: z
      .object({
        id: c.id,
        name: c.name.optional(),
        altName: safeLine(120).nullable().optional(),
        archived: z.boolean().optional(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.groupCreate': channel<ProductGroup>()({
    input: z
      .object({
        name: c.name,
        altName: safeLine(120).nullable().optional(),
        categoryId: c.id.nullable().optional(),
        attributes: z
          .array(safeLine(40, { min: 1 }))
          .min(1)
          .max(4),
        unit: productInput.shape.unit,
        taxRateId: c.id.optional(),
        supplierId: c.id.nullable().optional(),
        variants: z.array(variantInput).min(1).max(500),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.groupGet': channel<ProductGroup>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'catalog.variantAdd': channel<ProductGroup>()({
    input: variantInput.extend({ groupId: c.id }).strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.setImage': channel<Product>()({
    input: z.object({ id: c.id, image: imageData, thumb: imageData.max(200_000) }).strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.clearImage': channel<Product>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: true }),
  /** Thumbnails of list rows, as data URLs (null when the file is missing). */
  'catalog.thumbs': channel<Record<string, string | null>>()({
    input: z.object({ images: z.array(z.string().regex(/^[0-9a-f-]{36}-[0-9a-f]{12}\.(jpg|png|webp)$/)).max(200) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'catalog.image': channel<{ dataUrl: string | null }>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'catalog.onlineListing': channel<OnlineListing>()({ input: z.object({ productId: c.id }).strict(), role: 'manager', writes: false }),
  'catalog.setOnlineListing': channel<OnlineListing>()({
    input: z
      .object({
        productId: c.id,
        soldOnline: z.boolean(),
        description: safeText(ONLINE_DESCRIPTION_MAX),
        safetyBuffer: bufferQty.nullable(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
  'catalog.setOnlineSafetyBuffer': channel<{ storeSafetyBuffer: number }>()({
    input: z.object({ qty: bufferQty }).strict(),
    role: 'manager',
    writes: true,
  }),
};
