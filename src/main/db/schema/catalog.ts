import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Catalog tables the foundation did not have. Kept free of imports from core.ts so core.ts can
 * reference them (products.group_id, products.supplier_id) without an import cycle.
 */

/** Variants of one article (size, colour…): each variant is its own product row with its own SKU, barcodes and price. */
export const productGroups = sqliteTable(
  'product_groups',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    altName: text('alt_name'),
    categoryId: text('category_id'),
    /** The variant dimensions in display order, e.g. ["Size", "Colour"]. */
    attributes: text('attributes', { mode: 'json' }).$type<string[]>().notNull(),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [uniqueIndex('product_groups_name_uq').on(t.name)],
);

export const suppliers = sqliteTable(
  'suppliers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    contact: text('contact'),
    email: text('email'),
    phone: text('phone'),
    notes: text('notes'),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [uniqueIndex('suppliers_name_uq').on(t.name), index('suppliers_archived_name_idx').on(t.archived, t.name)],
);

/**
 * Products whose search entries are still to be written: rowids in (through, upto]. A first
 * download of a big catalog leaves them to a background pass (catalog/search-backlog.ts), so the
 * terminal can sell before its name index is complete. At most one row.
 */
export const searchBacklog = sqliteTable('search_backlog', {
  id: integer('id').primaryKey(),
  through: integer('through').notNull(),
  upto: integer('upto').notNull(),
});
