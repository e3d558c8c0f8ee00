import { sortKeysReady } from './sort-key';
import type { z } from 'zod';
import type { catalogContract, productInput } from '../../shared/api/catalog';
import type { Category, Product, ProductHit } from '../../shared/api/types';
import type { CategoryInfo, PriceChange, ProductGroup } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { defaultLocationId, ensureLevelRow, recordMovement } from '../inventory/ledger';
import { writeSearchEntry } from './search-entry';
import type { Unit } from '../../shared/units';
import { UNSTAMPED } from '../db/write-path';
import type { CamelCols, Cols, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

export type ProductInput = z.output<typeof productInput>;
export type ProductPatch = z.output<(typeof catalogContract)['catalog.update']['input']>;
export type GroupInput = z.output<(typeof catalogContract)['catalog.groupCreate']['input']>;
export type VariantInput = GroupInput['variants'][number];

/** Columns of a list/search hit: stock is the sum over locations. */
export const HIT_COLUMNS = `p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.price,
  (SELECT code FROM barcodes b WHERE b.product_id = p.id LIMIT 1) AS barcode,
  COALESCE((SELECT SUM(qty) FROM stock_levels s WHERE s.product_id = p.id), 0) AS stock,
  (SELECT avg100 FROM product_ratings r WHERE r.product_id = p.id) AS ratingAvg100,
  COALESCE((SELECT count FROM product_ratings r WHERE r.product_id = p.id), 0) AS ratingCount`;

/** A row of `HIT_COLUMNS`. */
export type HitRow = CamelCols<typeof schema.products, 'id' | 'sku' | 'name' | 'altName' | 'unit' | 'price'> & {
  barcode: SqlRow<typeof schema.barcodes>['code'] | null;
  stock: number;
  ratingAvg100: SqlRow<typeof schema.productRatings>['avg100'] | null;
  ratingCount: SqlRow<typeof schema.productRatings>['count'];
};
type IdRow = { id: SqlRow<typeof schema.products>['id'] };

export function defaultTaxRateId(deps: Pick<Deps, 'sqlite'>): string {
  const row = deps.sqlite.prepare('SELECT id FROM tax_rates WHERE archived = 0 ORDER BY is_default DESC, rate_bp DESC LIMIT 1').get() as
    Cols<typeof schema.taxRates, 'id'> | undefined;
  if (!row) throw new AppError('SETUP_REQUIRED', 'No tax rate is set up');
  return row.id;
}

const exists = (deps: Pick<Deps, 'sqlite'>, table: string, id: string) =>
  deps.sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;

/** CONFLICT for a SKU, barcode or PLU another product already uses. */
function checkUnique(
  deps: Pick<Deps, 'sqlite'>,
  p: { sku?: string; barcodes?: string[]; plu?: string | null },
  selfId: string | null,
): void {
  if (p.sku !== undefined) {
    const other = deps.sqlite.prepare('SELECT id FROM products WHERE sku = ?').get(p.sku) as IdRow | undefined;
    if (other && other.id !== selfId)
      throw new AppError('CONFLICT', `SKU ${p.sku} is already used`, { field: 'sku', value: p.sku, messageKey: 'inv.err.skuTaken' });
  }
  for (const code of p.barcodes ?? []) {
    const other = deps.sqlite.prepare('SELECT product_id AS id FROM barcodes WHERE code = ?').get(code) as
      { id: SqlRow<typeof schema.barcodes>['product_id'] } | undefined;
    if (other && other.id !== selfId)
      throw new AppError('CONFLICT', `Barcode ${code} is already used`, {
        field: 'barcodes',
        value: code,
        messageKey: 'inv.err.barcodeTaken',
      });
  }
  if (p.plu) {
    const other = deps.sqlite.prepare('SELECT id FROM products WHERE plu = ?').get(p.plu) as IdRow | undefined;
    if (other && other.id !== selfId)
      throw new AppError('CONFLICT', `PLU ${p.plu} is already used`, { field: 'plu', value: p.plu, messageKey: 'inv.err.pluTaken' });
  }
}

function checkRefs(deps: Pick<Deps, 'sqlite'>, p: { taxRateId?: string; categoryId?: string | null; supplierId?: string | null }): void {
  if (p.taxRateId && !exists(deps, 'tax_rates', p.taxRateId)) throw notFound('Tax rate', { field: 'taxRateId' });
  if (p.categoryId && !exists(deps, 'categories', p.categoryId)) throw notFound('Category', { field: 'categoryId' });
  if (p.supplierId && !exists(deps, 'suppliers', p.supplierId)) throw notFound('Supplier', { field: 'supplierId' });
}

export interface CreateExtras {
  openingStock?: number;
  groupId?: string | null;
  variant?: Record<string, string> | null;
}

/** Creates a product with its barcodes and search entry; opening stock becomes a ledger movement. */
export function createProduct(deps: Deps, input: ProductInput & CreateExtras, staffId: string | null): Product {
  const codes = [...new Set(input.barcodes)];
  checkUnique(deps, { sku: input.sku, barcodes: codes, plu: input.plu ?? null }, null);
  const taxRateId = input.taxRateId ?? defaultTaxRateId(deps);
  if (!exists(deps, 'tax_rates', taxRateId)) throw notFound('Tax rate', { field: 'taxRateId' });
  checkRefs(deps, input);
  const now = deps.clock();
  const id = deps.ids();
  const row = {
    id,
    sku: input.sku,
    name: input.name,
    alt_name: input.altName ?? null,
    category_id: input.categoryId ?? null,
    unit: input.unit,
    price: input.price,
    cost: input.cost,
    tax_rate_id: taxRateId,
    plu: input.plu ?? null,
    group_id: input.groupId ?? null,
    variant: input.variant ? JSON.stringify(input.variant) : null,
    supplier_id: input.supplierId ?? null,
    created_at: now,
    updated_at: now,
    hlc: UNSTAMPED,
  };
  const info = deps.sqlite
    .prepare(
      `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, group_id, variant, supplier_id,
         created_at, updated_at, hlc)
       VALUES (@id, @sku, @name, @alt_name, @category_id, @unit, @price, @cost, @tax_rate_id, @plu, 0, @group_id, @variant, @supplier_id,
         @created_at, @updated_at, @hlc)`,
    )
    .run(row);
  const ins = deps.sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
  for (const code of codes) ins.run(code, id);
  writeSearchEntry(deps, info.lastInsertRowid, { name: input.name, altName: input.altName }, true);
  const location = defaultLocationId(deps);
  if (input.openingStock)
    recordMovement(deps, { productId: id, locationId: location, qtyDelta: input.openingStock, kind: 'opening', staffId });
  else ensureLevelRow(deps, id, location);
  return getProduct(deps, id);
}

type ProductRow = HitRow &
  CamelCols<
    typeof schema.products,
    'categoryId' | 'cost' | 'taxRateId' | 'plu' | 'archived' | 'groupId' | 'variant' | 'image' | 'supplierId'
  > & {
    taxRateBp: SqlRow<typeof schema.taxRates>['rate_bp'];
  };

export function getProduct(deps: Pick<Deps, 'sqlite'>, id: string): Product {
  const row = deps.sqlite
    .prepare(
      `SELECT ${HIT_COLUMNS}, p.category_id AS categoryId, p.cost, p.tax_rate_id AS taxRateId, t.rate_bp AS taxRateBp, p.plu, p.archived,
              p.group_id AS groupId, p.variant, p.image, p.supplier_id AS supplierId
       FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.id = ?`,
    )
    .get(id) as ProductRow | undefined;
  if (!row) throw notFound('Product');
  const barcodes = (
    deps.sqlite.prepare('SELECT code FROM barcodes WHERE product_id = ? ORDER BY code').all(id) as Cols<typeof schema.barcodes, 'code'>[]
  ).map((b) => b.code);
  return {
    ...row,
    archived: row.archived === 1,
    variant: row.variant ? (JSON.parse(row.variant) as Record<string, string>) : null,
    barcodes,
  };
}

/** Price and cost changes: who, when, old and new value (the audit log is the history). */
export function auditPriceChange(
  deps: Deps,
  staffId: string | null,
  productId: string,
  field: 'price' | 'cost',
  from: number,
  to: number,
  reason: string | null = null,
): void {
  if (from === to) return;
  recordAudit(deps, { staffId, action: `product.${field}`, target: productId, details: { from, to, reason }, success: true });
}

/** Changes the given fields of a product; its search entry, barcodes and outbox follow in the same transaction. */
export function updateProduct(deps: Deps, patch: ProductPatch, staffId: string | null): Product {
  const before = getProduct(deps, patch.id);
  const codes = patch.barcodes ? [...new Set(patch.barcodes)] : undefined;
  checkUnique(deps, { sku: patch.sku, barcodes: codes, plu: patch.plu }, before.id);
  checkRefs(deps, patch);
  const set: Record<string, unknown> = {};
  const col: Record<string, string> = {
    sku: 'sku',
    name: 'name',
    altName: 'alt_name',
    categoryId: 'category_id',
    unit: 'unit',
    price: 'price',
    cost: 'cost',
    taxRateId: 'tax_rate_id',
    plu: 'plu',
    supplierId: 'supplier_id',
  };
  for (const [key, column] of Object.entries(col)) {
    const v = (patch as Record<string, unknown>)[key];
    if (v !== undefined && v !== (before as unknown as Record<string, unknown>)[key]) set[column] = v;
  }
  const barcodesChanged = codes !== undefined && [...codes].sort().join('|') !== before.barcodes.join('|');
  if (Object.keys(set).length === 0 && !barcodesChanged) return before;
  const now = deps.clock();
  if (Object.keys(set).length > 0) {
    const cols = Object.keys(set);
    deps.sqlite
      .prepare(`UPDATE products SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @updated_at WHERE id = @id`)
      .run({ ...set, updated_at: now, id: before.id });
  }
  if (codes && barcodesChanged) {
    deps.sqlite.prepare('DELETE FROM barcodes WHERE product_id = ?').run(before.id);
    const ins = deps.sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
    for (const code of codes) ins.run(code, before.id);
  }
  const after = getProduct(deps, before.id);
  // The entry holds only the names: a new SKU or barcode is found from its own index at once.
  if (!after.archived && (set.name !== undefined || set.alt_name !== undefined)) writeSearchEntry(deps, rowidOf(deps, after.id), after);
  auditPriceChange(deps, staffId, after.id, 'price', before.price, after.price);
  auditPriceChange(deps, staffId, after.id, 'cost', before.cost, after.cost);
  return after;
}

function rowidOf(deps: Pick<Deps, 'sqlite'>, id: string): number {
  return (deps.sqlite.prepare('SELECT rowid FROM products WHERE id = ?').pluck().get(id) as number | undefined) ?? 0;
}

/** Archived products leave search and sale (the search entry goes) but keep their history. */
export function archiveProduct(deps: Deps, id: string, archived: boolean, staffId: string | null): Product {
  const before = getProduct(deps, id);
  if (before.archived === archived) return before;
  deps.sqlite.prepare('UPDATE products SET archived = ?, updated_at = ? WHERE id = ?').run(archived ? 1 : 0, deps.clock(), id);
  writeSearchEntry(deps, rowidOf(deps, id), archived ? null : before);
  if (archived) clearReorderRules(deps, id);
  recordAudit(deps, { staffId, action: archived ? 'product.archive' : 'product.unarchive', target: id, success: true });
  return getProduct(deps, id);
}

/** An archived product raises no low-stock alert: its reorder rules go with it. */
export function clearReorderRules(deps: Pick<Deps, 'sqlite'>, productId: string): void {
  deps.sqlite
    .prepare('UPDATE stock_levels SET reorder_point = NULL, reorder_qty = NULL WHERE product_id = ? AND reorder_point IS NOT NULL')
    .run(productId);
}

export function priceHistory(deps: Pick<Deps, 'sqlite'>, productId: string): PriceChange[] {
  getProduct(deps, productId);
  const rows = deps.sqlite
    .prepare(
      `SELECT a.at, s.name AS staffName, a.action, a.details FROM audit a LEFT JOIN staff s ON s.id = a.staff_id
       WHERE a.target = ? AND a.action IN ('product.price', 'product.cost') ORDER BY a.at DESC, a.rowid DESC LIMIT 500`,
    )
    .all(productId) as (Cols<typeof schema.audit, 'at' | 'action'> & {
    staffName: SqlRow<typeof schema.staff>['name'] | null;
    // Price and cost changes always carry their old and new value.
    details: NonNullable<SqlRow<typeof schema.audit>['details']>;
  })[];
  return rows.map((r) => {
    const d = JSON.parse(r.details) as { from: number; to: number; reason?: string | null };
    return {
      at: r.at,
      staffName: r.staffName,
      field: r.action === 'product.price' ? 'price' : 'cost',
      from: d.from,
      to: d.to,
      reason: d.reason ?? null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Categories

type CategoryRow = CamelCols<typeof schema.categories, 'id' | 'name' | 'altName'>;

export function listCategories(deps: Pick<Deps, 'sqlite'>): Category[] {
  return deps.sqlite
    .prepare('SELECT id, name, alt_name AS altName FROM categories WHERE archived = 0 ORDER BY name')
    .all() as CategoryRow[];
}

export function categoryInfo(deps: Pick<Deps, 'sqlite'>): CategoryInfo[] {
  const rows = deps.sqlite
    .prepare(
      `SELECT c.id, c.name, c.alt_name AS altName, c.archived,
              (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.archived = 0) AS products
       FROM categories c ORDER BY c.archived, c.name`,
    )
    .all() as (CategoryRow & Cols<typeof schema.categories, 'archived'> & { products: number })[];
  return rows.map((r) => ({ ...r, archived: r.archived === 1 }));
}

function checkCategoryName(deps: Pick<Deps, 'sqlite'>, name: string, selfId: string | null): void {
  const other = deps.sqlite.prepare('SELECT id FROM categories WHERE name = ? COLLATE NOCASE AND archived = 0').get(name) as
    Cols<typeof schema.categories, 'id'> | undefined;
  if (other && other.id !== selfId)
    throw new AppError('CONFLICT', `Category ${name} already exists`, { field: 'name', value: name, messageKey: 'inv.err.categoryTaken' });
}

export function createCategory(deps: Deps, input: { name: string; altName?: string | null }): Category {
  checkCategoryName(deps, input.name, null);
  const id = deps.ids();
  deps.sqlite
    .prepare('INSERT INTO categories (id, name, alt_name, hlc) VALUES (?, ?, ?, ?)')
    .run(id, input.name, input.altName ?? null, UNSTAMPED);
  return { id, name: input.name, altName: input.altName ?? null };
}

export function updateCategory(
  deps: Deps,
  input: { id: string; name?: string; altName?: string | null; archived?: boolean },
  staffId: string | null,
): Category {
  const before = deps.sqlite.prepare('SELECT id, name, alt_name AS altName, archived FROM categories WHERE id = ?').get(input.id) as
    (CategoryRow & Cols<typeof schema.categories, 'archived'>) | undefined;
  if (!before) throw notFound('Category');
  const name = input.name ?? before.name;
  if (input.name !== undefined || input.archived === false) checkCategoryName(deps, name, before.id);
  const altName = input.altName !== undefined ? input.altName : before.altName;
  const archived = input.archived ?? before.archived === 1;
  deps.sqlite
    .prepare('UPDATE categories SET name = ?, alt_name = ?, archived = ? WHERE id = ?')
    .run(name, altName, archived ? 1 : 0, before.id);
  if (archived !== (before.archived === 1))
    recordAudit(deps, { staffId, action: archived ? 'category.archive' : 'category.unarchive', target: before.id, success: true });
  return { id: before.id, name, altName };
}

// ---------------------------------------------------------------------------------------------
// Variants

export function getGroup(deps: Pick<Deps, 'sqlite'>, id: string): ProductGroup {
  const g = deps.sqlite
    .prepare('SELECT id, name, alt_name AS altName, category_id AS categoryId, attributes, archived FROM product_groups WHERE id = ?')
    .get(id) as CamelCols<typeof schema.productGroups, 'id' | 'name' | 'altName' | 'categoryId' | 'attributes' | 'archived'> | undefined;
  if (!g) throw notFound('Product group');
  const variants = (
    deps.sqlite
      .prepare(
        `SELECT p.id, p.sku, p.name, p.price, p.variant, p.archived,
                (SELECT group_concat(code, ' ') FROM barcodes b WHERE b.product_id = p.id) AS codes
         FROM products p WHERE p.group_id = ? ORDER BY p.rowid`,
      )
      .all(id) as (Cols<typeof schema.products, 'id' | 'sku' | 'name' | 'price' | 'variant' | 'archived'> & { codes: string | null })[]
  ).map((v) => ({
    id: v.id,
    sku: v.sku,
    name: v.name,
    price: v.price,
    barcodes: v.codes ? v.codes.split(' ').sort() : [],
    variant: v.variant ? (JSON.parse(v.variant) as Record<string, string>) : {},
    archived: v.archived === 1,
  }));
  return { ...g, attributes: JSON.parse(g.attributes) as string[], archived: g.archived === 1, variants };
}

function variantKey(attributes: string[], values: Record<string, string>): string {
  return attributes.map((a) => values[a]!.toLowerCase()).join('\u0000');
}

function addVariantTo(
  deps: Deps,
  g: { id: string; name: string; altName: string | null; categoryId: string | null; attributes: string[] },
  base: { unit: Unit; taxRateId?: string; supplierId?: string | null },
  v: VariantInput,
  taken: Set<string>,
  staffId: string | null,
): Product {
  const keys = Object.keys(v.values);
  const missing = g.attributes.filter((a) => !v.values[a]);
  const unknown = keys.filter((k) => !g.attributes.includes(k));
  if (missing.length || unknown.length)
    throw new AppError('VALIDATION', `Variant ${v.sku} needs exactly the values ${g.attributes.join(', ')}`, {
      field: 'values',
      missing,
      unknown,
      value: v.sku,
      attributes: g.attributes.join(', '),
      messageKey: 'inv.err.variantValues',
    });
  const key = variantKey(g.attributes, v.values);
  if (taken.has(key))
    throw new AppError('CONFLICT', `The variant ${g.attributes.map((a) => v.values[a]).join(' / ')} already exists`, {
      field: 'values',
      value: g.attributes.map((a) => v.values[a]).join(' / '),
      messageKey: 'inv.err.variantTaken',
    });
  taken.add(key);
  const label = g.attributes.map((a) => v.values[a]).join(' / ');
  return createProduct(
    deps,
    {
      sku: v.sku,
      name: v.name ?? `${g.name} ${label}`,
      altName: g.altName ? `${g.altName} ${label}` : null,
      categoryId: g.categoryId,
      unit: base.unit,
      price: v.price,
      cost: v.cost,
      taxRateId: base.taxRateId,
      barcodes: v.barcodes,
      plu: null,
      supplierId: base.supplierId ?? null,
      groupId: g.id,
      variant: Object.fromEntries(g.attributes.map((a) => [a, v.values[a]!])),
    },
    staffId,
  );
}

export function createGroup(deps: Deps, input: GroupInput, staffId: string | null): ProductGroup {
  const attributes = [...new Set(input.attributes)];
  if (attributes.length !== input.attributes.length)
    throw new AppError('VALIDATION', 'Variant attributes must differ', { field: 'attributes', messageKey: 'inv.err.attributesDiffer' });
  if (deps.sqlite.prepare('SELECT 1 FROM product_groups WHERE name = ?').get(input.name))
    throw new AppError('CONFLICT', `A product with variants named ${input.name} already exists`, {
      field: 'name',
      value: input.name,
      messageKey: 'inv.err.groupTaken',
    });
  checkRefs(deps, input);
  const now = deps.clock();
  const g = { id: deps.ids(), name: input.name, altName: input.altName ?? null, categoryId: input.categoryId ?? null, attributes };
  deps.sqlite
    .prepare(
      'INSERT INTO product_groups (id, name, alt_name, category_id, attributes, archived, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)',
    )
    .run(g.id, g.name, g.altName, g.categoryId, JSON.stringify(attributes), now, now, UNSTAMPED);
  const taken = new Set<string>();
  for (const v of input.variants) addVariantTo(deps, g, input, v, taken, staffId);
  return getGroup(deps, g.id);
}

export function addVariant(deps: Deps, input: VariantInput & { groupId: string }, staffId: string | null): ProductGroup {
  const g = getGroup(deps, input.groupId);
  const first = deps.sqlite
    .prepare('SELECT unit, tax_rate_id AS taxRateId, supplier_id AS supplierId FROM products WHERE group_id = ? ORDER BY rowid LIMIT 1')
    .get(g.id) as CamelCols<typeof schema.products, 'unit' | 'taxRateId' | 'supplierId'> | undefined;
  const taken = new Set(g.variants.map((v) => variantKey(g.attributes, v.variant)));
  addVariantTo(deps, g, first ?? { unit: 'each' }, input, taken, staffId);
  return getGroup(deps, g.id);
}

/**
 * A SKU as typed, in capitals or in small letters. (`sku = ? COLLATE NOCASE` cannot use the SKU
 * index, whose collation is binary: at a million products that is a full scan per lookup.)
 */
export const SKU_ANY_CASE = 'p.sku IN (?, ?, ?)';
export const skuCases = (code: string): [string, string, string] => [code, code.toUpperCase(), code.toLowerCase()];

/** A scanned or typed barcode or SKU (archived products included: stock of them still moves). */
export function productIdByCode(deps: Pick<Deps, 'sqlite'>, code: string): string | null {
  const byCode = deps.sqlite.prepare('SELECT product_id FROM barcodes WHERE code = ?').pluck().get(code) as
    SqlRow<typeof schema.barcodes>['product_id'] | undefined;
  if (byCode) return byCode;
  return (
    (deps.sqlite
      .prepare(`SELECT id FROM products p WHERE ${SKU_ANY_CASE}`)
      .pluck()
      .get(...skuCases(code)) as IdRow['id'] | undefined) ?? null
  );
}

/** Paged in SQL (the renderer never holds the whole catalog). */
export function browseProducts(
  deps: Pick<Deps, 'sqlite'>,
  q: { categoryId?: string | null; language?: 'en' | 'zh-CN'; offset: number; limit: number },
): { items: ProductHit[]; total: number } {
  const where = q.categoryId ? 'p.archived = 0 AND p.category_id = ?' : 'p.archived = 0';
  const args = q.categoryId ? [q.categoryId] : [];
  // A Chinese screen: pinyin order of the names it shows (see sort-key.ts; by name while a store
  // from before keys is still being given them); all products are
  // walked from the key index, a category's few are sorted.
  const sql =
    q.language === 'zh-CN' && sortKeysReady(deps.sqlite)
      ? `SELECT ${HIT_COLUMNS} FROM product_sort_keys k ${q.categoryId ? '' : 'INDEXED BY product_sort_keys_zh_idx'}
           CROSS JOIN products p ON p.rowid = k.rowid WHERE ${where} ORDER BY k.zh, k.rowid LIMIT ? OFFSET ?`
      : `SELECT ${HIT_COLUMNS} FROM products p WHERE ${where} ORDER BY p.name LIMIT ? OFFSET ?`;
  const items = deps.sqlite.prepare(sql).all(...args, q.limit, q.offset) as HitRow[];
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM products p WHERE ${where}`).get(...args) as { n: number }).n;
  return { items, total };
}
