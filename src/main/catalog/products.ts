import type { z } from 'zod';
import type { productInput } from '../../shared/api/catalog';
import type { Category, Product, ProductHit } from '../../shared/api/types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { appendOutbox } from '../outbox/outbox';
import { defaultLocationId, recordMovement } from '../inventory/ledger';
import { searchDoc } from './search-text';

export type ProductInput = z.output<typeof productInput>;

/** Columns of a list/search hit: stock is the sum over locations. */
export const HIT_COLUMNS = `p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.price,
  (SELECT code FROM barcodes b WHERE b.product_id = p.id LIMIT 1) AS barcode,
  COALESCE((SELECT SUM(qty) FROM stock_levels s WHERE s.product_id = p.id), 0) AS stock`;

export function defaultTaxRateId(deps: Pick<Deps, 'sqlite'>): string {
  const row = deps.sqlite.prepare('SELECT id FROM tax_rates WHERE archived = 0 ORDER BY is_default DESC, rate_bp DESC LIMIT 1').get() as
    { id: string } | undefined;
  if (!row) throw new AppError('SETUP_REQUIRED', 'No tax rate is set up');
  return row.id;
}

/** Creates a product with its barcodes and search entry; opening stock becomes a ledger movement. */
export function createProduct(deps: Deps, input: ProductInput & { openingStock?: number }, staffId: string | null): Product {
  const conflictSku = deps.sqlite.prepare('SELECT id FROM products WHERE sku = ?').get(input.sku);
  if (conflictSku) throw new AppError('CONFLICT', `SKU ${input.sku} is already used`, { field: 'sku', value: input.sku });
  const codes = [...new Set(input.barcodes)];
  for (const code of codes) {
    if (deps.sqlite.prepare('SELECT 1 FROM barcodes WHERE code = ?').get(code))
      throw new AppError('CONFLICT', `Barcode ${code} is already used`, { field: 'barcodes', value: code });
  }
  if (input.plu && deps.sqlite.prepare('SELECT 1 FROM products WHERE plu = ?').get(input.plu))
    throw new AppError('CONFLICT', `PLU ${input.plu} is already used`, { field: 'plu', value: input.plu });
  const taxRateId = input.taxRateId ?? defaultTaxRateId(deps);
  if (!deps.sqlite.prepare('SELECT 1 FROM tax_rates WHERE id = ?').get(taxRateId)) throw notFound('Tax rate', { field: 'taxRateId' });
  if (input.categoryId && !deps.sqlite.prepare('SELECT 1 FROM categories WHERE id = ?').get(input.categoryId))
    throw notFound('Category', { field: 'categoryId' });
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
    created_at: now,
    updated_at: now,
    hlc: deps.hlc.now(),
  };
  const info = deps.sqlite
    .prepare(
      `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc)
       VALUES (@id, @sku, @name, @alt_name, @category_id, @unit, @price, @cost, @tax_rate_id, @plu, 0, @created_at, @updated_at, @hlc)`,
    )
    .run(row);
  const ins = deps.sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
  for (const code of codes) ins.run(code, id);
  const doc = searchDoc({ name: input.name, altName: input.altName, sku: input.sku, barcodes: codes });
  deps.sqlite
    .prepare('INSERT INTO products_fts (rowid, text, codes, py) VALUES (?, ?, ?, ?)')
    .run(info.lastInsertRowid, doc.text, doc.codes, doc.py);
  appendOutbox(deps, { entity: 'product', entityId: id, op: 'insert', payload: { ...row, barcodes: codes } });
  if (input.openingStock)
    recordMovement(deps, { productId: id, locationId: defaultLocationId(deps), qtyDelta: input.openingStock, kind: 'opening', staffId });
  return getProduct(deps, id);
}

export function getProduct(deps: Pick<Deps, 'sqlite'>, id: string): Product {
  const row = deps.sqlite
    .prepare(
      `SELECT ${HIT_COLUMNS}, p.category_id AS categoryId, p.cost, p.tax_rate_id AS taxRateId, t.rate_bp AS taxRateBp, p.plu, p.archived
       FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.id = ?`,
    )
    .get(id) as (Omit<Product, 'barcodes' | 'archived'> & { archived: number }) | undefined;
  if (!row) throw notFound('Product');
  const barcodes = (deps.sqlite.prepare('SELECT code FROM barcodes WHERE product_id = ? ORDER BY code').all(id) as { code: string }[]).map(
    (b) => b.code,
  );
  return { ...row, archived: row.archived === 1, barcodes };
}

export function listCategories(deps: Pick<Deps, 'sqlite'>): Category[] {
  return deps.sqlite.prepare('SELECT id, name, alt_name AS altName FROM categories ORDER BY name').all() as Category[];
}

export function createCategory(deps: Deps, input: { name: string; altName?: string | null }): Category {
  const id = deps.ids();
  const hlc = deps.hlc.now();
  deps.sqlite
    .prepare('INSERT INTO categories (id, name, alt_name, hlc) VALUES (?, ?, ?, ?)')
    .run(id, input.name, input.altName ?? null, hlc);
  appendOutbox(deps, { entity: 'category', entityId: id, op: 'insert', payload: { id, ...input } });
  return { id, name: input.name, altName: input.altName ?? null };
}

/** Paged in SQL (the renderer never holds the whole catalog). */
export function browseProducts(
  deps: Pick<Deps, 'sqlite'>,
  q: { categoryId?: string | null; offset: number; limit: number },
): { items: ProductHit[]; total: number } {
  const where = q.categoryId ? 'p.archived = 0 AND p.category_id = ?' : 'p.archived = 0';
  const args = q.categoryId ? [q.categoryId] : [];
  const items = deps.sqlite
    .prepare(`SELECT ${HIT_COLUMNS} FROM products p WHERE ${where} ORDER BY p.name LIMIT ? OFFSET ?`)
    .all(...args, q.limit, q.offset) as ProductHit[];
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM products p WHERE ${where}`).get(...args) as { n: number }).n;
  return { items, total };
}
