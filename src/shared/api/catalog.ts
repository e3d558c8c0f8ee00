import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { Category, Product, ProductHit } from './types';

export const productInput = z
  .object({
    sku: z.string().trim().min(1).max(64),
    name: c.name,
    altName: z.string().trim().max(120).nullable().optional(),
    categoryId: c.id.nullable().optional(),
    unit: z.enum(['each', 'kg']),
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
  })
  .strict();

export const catalogContract = {
  'catalog.search': channel<ProductHit[]>()({
    input: z.object({ q: z.string().max(100), limit: z.number().int().min(1).max(100).optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'catalog.browse': channel<{ items: ProductHit[]; total: number }>()({
    input: z
      .object({
        categoryId: c.id.nullable().optional(),
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
};
