import Papa from 'papaparse';
import type { ImportError, ImportPreview, ImportResult } from '../../shared/api/inventory-types';
import { currencyDigits } from '../../shared/money';
import { fromCsvCell, toCsv } from '../../shared/csv';
import { isSafeLine } from '../../shared/text';
import type { Deps } from '../deps';
import type { Staged, StagedKind } from './caches';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { readSettings } from '../settings/settings';
import { withoutNewProductTrigger } from './level-category';
import { clearReorderRules, defaultTaxRateId, updateProduct } from '../catalog/products';
import { writeNewSearchEntries, writeSearchEntry } from '../catalog/search-entry';
import { captureRecords, STAMP, UNSTAMPED, writeInBulk } from '../db/write-path';
import { defaultLocationId, ensureLevelRow, levelAt, recordMovement } from './ledger';
import { getLocation } from './stock';
import { cachedStatement } from '../db/statements';
import { isUnit, UNITS, type Unit } from '../../shared/units';
import type { CamelCols, Cols, Outer, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

/**
 * Products and stock as CSV. Money is written in the store currency's decimals ("1.50"),
 * quantities in units ("2", "0.532" kg), tax as a percentage, several barcodes joined by "|",
 * variant values as "Size=M|Colour=Red". Rows are numbered as a spreadsheet shows them: the
 * header is row 1. An import is validated as a whole first; committing is all or nothing unless
 * the caller asks for the valid rows only.
 */

export const PRODUCT_COLUMNS = [
  'sku',
  'name',
  'alt_name',
  'category',
  'unit',
  'price',
  'cost',
  'tax_rate',
  'barcodes',
  'plu',
  'supplier',
  'group',
  'variant',
  'archived',
] as const;
/** A unit as a file writes it: our own names, plus the character 斤 and "lbs" as other tills export them. */
function csvUnit(text: string): Unit | null {
  const alias: Record<string, Unit> = { 斤: 'jin', lbs: 'lb' };
  return isUnit(text) ? text : (alias[text] ?? null);
}

export const STOCK_COLUMNS = ['sku', 'name', 'unit', 'location', 'qty', 'reorder_point', 'reorder_qty', 'cost', 'value'] as const;

/** Product columns that become names and codes a person reads. */
const TEXT_COLUMNS = ['sku', 'name', 'alt_name', 'category', 'supplier', 'group', 'variant', 'plu', 'barcodes'] as const;

const REQUIRED = { products: ['sku', 'name', 'price'], stock: ['sku', 'qty'] } as const;
const MAX_ERRORS = 200;
const MAX_BYTES = 200 * 1024 * 1024;
const TTL_MS = 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Decimal text ⇄ integers

export function decimalText(value: number, digits: number): string {
  const neg = value < 0;
  const abs = Math.abs(value);
  if (digits === 0) return `${neg ? '-' : ''}${abs}`;
  const unit = 10 ** digits;
  const frac = String(abs % unit).padStart(digits, '0');
  return `${neg ? '-' : ''}${Math.floor(abs / unit)}.${frac}`;
}

/** Quantities (thousandths) as few decimals as they need: 2000 → "2", 532 → "0.532". */
export function qtyText(thousandths: number): string {
  return decimalText(thousandths, 3).replace(/\.?0+$/, '') || '0';
}

export function parseDecimal(text: string, digits: number, allowNegative = false): number | null {
  const t = text.trim().replace(/,/g, '');
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] && !allowNegative)) return null;
  const frac = m[3] ?? '';
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return null;
  const v = Number(m[2]) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
  if (!Number.isSafeInteger(v)) return null;
  return m[1] ? -v : v;
}

function percentToBp(text: string): number | null {
  return parseDecimal(text.replace(/%$/, ''), 2);
}

// ---------------------------------------------------------------------------------------------
// Staged uploads: the file arrives in pieces, is previewed, then committed.

// Kept on the open store: deps.inventory.staged (inventory/caches.ts).
export type { StagedKind };

function stagingOf(deps: Pick<Deps, 'inventory'>): Map<string, Staged> {
  return deps.inventory.staged;
}

export function beginImport(
  deps: Pick<Deps, 'sqlite' | 'ids' | 'clock' | 'inventory'>,
  kind: StagedKind,
  locationId?: string,
): { importId: string } {
  if (locationId) getLocation(deps, locationId, { active: true });
  const m = stagingOf(deps);
  const now = deps.clock();
  for (const [id, s] of m) if (now - s.at > TTL_MS) m.delete(id);
  const importId = deps.ids();
  m.set(importId, { kind, locationId: locationId ?? null, chunks: [], bytes: 0, at: now });
  return { importId };
}

function stagedOf(
  deps: Pick<Deps, 'sqlite' | 'inventory'>,
  importId: string,
  kinds: readonly StagedKind[] = ['products', 'stock'],
): Staged {
  const s = stagingOf(deps).get(importId);
  if (!s || !kinds.includes(s.kind)) throw notFound('Import', { importId });
  return s;
}

/** The whole text of a staged customers or sales file. */
export function stagedText(
  deps: Pick<Deps, 'sqlite' | 'inventory'>,
  importId: string,
  kinds: readonly StagedKind[],
): { kind: StagedKind; text: string } {
  const s = stagedOf(deps, importId, kinds);
  return { kind: s.kind, text: s.chunks.join('') };
}

/** A slot on a staged file for what its preview worked out (see `Staged.memo`). */
export function stagedMemo(deps: Pick<Deps, 'sqlite' | 'inventory'>, importId: string): { readonly kind: StagedKind; memo?: unknown } {
  return stagedOf(deps, importId, ['customers', 'sales']);
}

/** Forgets a staged file once it was committed. */
export function dropStaged(deps: Pick<Deps, 'sqlite' | 'inventory'>, importId: string): void {
  stagingOf(deps).delete(importId);
}

export function addChunk(deps: Pick<Deps, 'sqlite' | 'inventory'>, importId: string, seq: number, text: string): { received: number } {
  const s = stagedOf(deps, importId, ['products', 'stock', 'customers', 'sales']);
  if (seq !== s.chunks.length)
    throw new AppError('CONFLICT', `Expected piece ${s.chunks.length}, got ${seq}`, { expected: s.chunks.length });
  if (s.bytes + text.length > MAX_BYTES)
    throw new AppError('VALIDATION', 'The file is too large (at most 200 MB)', { messageKey: 'inv.err.fileTooLarge' });
  s.chunks.push(text);
  s.bytes += text.length;
  // A preview of the file so far no longer describes it.
  s.memo = undefined;
  return { received: s.bytes };
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

interface Parsed {
  columns: string[];
  records: { row: number; get(col: string): string }[];
  errors: ImportError[];
}

function parseCsv(text: string, kind: 'products' | 'stock'): Parsed {
  const res = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false });
  const errors: ImportError[] = [];
  const rows = res.data;
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  for (const col of REQUIRED[kind])
    if (!header.includes(col))
      errors.push({ row: 1, column: col, reason: `the column "${col}" is missing`, key: 'missingColumn', params: { column: col } });
  const index = new Map(header.map((h, i) => [h, i] as const));
  const records: Parsed['records'] = [];
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!;
    if (cells.every((c) => c.trim() === '')) continue;
    // The exports neutralise formulas with a leading ' (shared/csv.ts): read back, it comes off again.
    records.push({ row: i + 1, get: (col) => (index.has(col) ? fromCsvCell((cells[index.get(col)!] ?? '').trim()) : '') });
  }
  for (const e of res.errors) {
    if (e.code === 'UndetectableDelimiter') continue;
    errors.push({ row: (e.row ?? 0) + 1, column: null, reason: e.message, key: `parse.${e.code}` });
  }
  return { columns: header, records, errors };
}

const BARCODE = /^[0-9A-Za-z\-.]{1,64}$/;
const yes = (v: string) => /^(1|true|yes|y|archived)$/i.test(v);

export interface ProductRowIn {
  row: number;
  sku: string;
  name: string;
  altName: string | null;
  category: string | null;
  unit: Unit;
  price: number;
  cost: number | null;
  taxRateId: string | null;
  barcodes: string[];
  plu: string | null;
  supplier: string | null;
  group: string | null;
  variant: Record<string, string> | null;
  archived: boolean;
  existingId: string | null;
}

interface StockRowIn {
  row: number;
  productId: string;
  locationId: string;
  qty: number;
  reorderPoint: number | null | undefined;
  reorderQty: number | null | undefined;
}

interface Checked<T> {
  valid: T[];
  errors: ImportError[];
  rows: number;
  creates: number;
  updates: number;
  columns: string[];
  sample: Record<string, string>[];
}

function sampleOf(p: Parsed): Record<string, string>[] {
  return p.records.slice(0, 20).map((r) => Object.fromEntries(p.columns.filter(Boolean).map((c) => [c, r.get(c)])));
}

const splitCodes = (text: string) => [...new Set(text.split(/[|;\s]+/).filter(Boolean))];

/** key → owner for the keys some row already has, with one statement (`sql` reads a JSON array of keys). */
function ownersOf(deps: Pick<Deps, 'sqlite'>, sql: string, keys: Set<string>): Map<string, string> {
  if (keys.size === 0) return new Map();
  const rows = deps.sqlite
    .prepare(sql)
    .raw()
    .all(JSON.stringify([...keys])) as [string, string][];
  return new Map(rows);
}

/**
 * The products that already hold the file's SKUs, barcodes and PLUs, looked up set-wise before
 * the rows are checked: three statements instead of up to three per row.
 */
function currentOwners(deps: Pick<Deps, 'sqlite'>, p: Parsed) {
  const skus = new Set<string>();
  const codes = new Set<string>();
  const plus = new Set<string>();
  for (const r of p.records) {
    const sku = r.get('sku');
    if (sku) skus.add(sku);
    for (const code of splitCodes(r.get('barcodes'))) codes.add(code);
    const plu = r.get('plu');
    if (plu) plus.add(plu);
  }
  return {
    bySku: ownersOf(deps, 'SELECT sku, id FROM products WHERE sku IN (SELECT value FROM json_each(?))', skus),
    byCode: ownersOf(deps, 'SELECT code, product_id FROM barcodes WHERE code IN (SELECT value FROM json_each(?))', codes),
    byPlu: ownersOf(deps, 'SELECT plu, id FROM products WHERE plu IN (SELECT value FROM json_each(?))', plus),
  };
}

function checkProducts(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, p: Parsed): Checked<ProductRowIn> {
  const digits = currencyDigits(readSettings(deps).currency);
  const rates = deps.sqlite.prepare('SELECT id, rate_bp AS bp FROM tax_rates WHERE archived = 0').all() as (Cols<
    typeof schema.taxRates,
    'id'
  > & { bp: SqlRow<typeof schema.taxRates>['rate_bp'] })[];
  const { bySku, byCode, byPlu } = currentOwners(deps, p);
  const errors = [...p.errors];
  const valid: ProductRowIn[] = [];
  const skus = new Map<string, number>();
  const codes = new Map<string, string>();
  const plus = new Map<string, string>();
  let creates = 0;
  for (const r of p.records) {
    const err = (column: string | null, reason: string, key: string, params?: Record<string, string | number>) =>
      errors.push({ row: r.row, column, reason, key, ...(params ? { params } : {}) });
    const before = errors.length;
    // The same rule as the contract's text fields: nothing hidden, no control characters.
    for (const col of TEXT_COLUMNS)
      if (!isSafeLine(r.get(col))) err(col, 'contains control, zero-width or text-direction characters', 'unsafeText', { column: col });
    const sku = r.get('sku');
    if (!sku) err('sku', 'the SKU is empty', 'skuEmpty');
    else if (sku.length > 64) err('sku', 'the SKU is longer than 64 characters', 'tooLong', { max: 64 });
    else if (skus.has(sku.toLowerCase()))
      err('sku', `SKU ${sku} is already on row ${skus.get(sku.toLowerCase())}`, 'skuRepeated', {
        value: sku,
        other: skus.get(sku.toLowerCase())!,
      });
    const name = r.get('name');
    if (!name) err('name', 'the name is empty', 'nameEmpty');
    else if (name.length > 120) err('name', 'the name is longer than 120 characters', 'tooLong', { max: 120 });
    const altName = r.get('alt_name');
    if (altName.length > 120) err('alt_name', 'the other name is longer than 120 characters', 'tooLong', { max: 120 });
    const unitText = r.get('unit').toLowerCase() || 'each';
    const unit = csvUnit(unitText);
    if (!unit) err('unit', `unit must be one of ${UNITS.join(', ')}, not "${unitText}"`, 'badUnit', { value: unitText });
    const price = parseDecimal(r.get('price'), digits);
    if (price === null || price > 1_000_000_000) err('price', `"${r.get('price')}" is not a price`, 'badPrice', { value: r.get('price') });
    const costText = r.get('cost');
    const cost = costText ? parseDecimal(costText, digits) : null;
    if (costText && (cost === null || cost > 1_000_000_000)) err('cost', `"${costText}" is not a cost`, 'badCost', { value: costText });
    let taxRateId: string | null = null;
    const taxText = r.get('tax_rate');
    if (taxText) {
      const bp = percentToBp(taxText);
      taxRateId = rates.find((t) => t.bp === bp)?.id ?? null;
      if (!taxRateId) err('tax_rate', `no tax rate of ${taxText}% is set up`, 'noTaxRate', { value: taxText });
    }
    const existingId = sku ? (bySku.get(sku) ?? null) : null;
    const barcodes = splitCodes(r.get('barcodes'));
    if (barcodes.length > 20) err('barcodes', 'more than 20 barcodes', 'tooManyBarcodes');
    for (const code of barcodes) {
      if (!BARCODE.test(code)) {
        err('barcodes', `"${code}" is not a barcode`, 'badBarcode', { value: code });
        continue;
      }
      const owner = codes.get(code);
      if (owner !== undefined && owner !== sku)
        err('barcodes', `barcode ${code} is also on SKU ${owner} in this file`, 'barcodeRepeated', { value: code, sku: owner });
      const dbOwner = byCode.get(code);
      if (dbOwner && dbOwner !== existingId) err('barcodes', `barcode ${code} belongs to another product`, 'barcodeTaken', { value: code });
    }
    const plu = r.get('plu') || null;
    if (plu && !/^\d{5}$/.test(plu)) err('plu', 'a PLU has 5 digits', 'badPlu');
    else if (plu) {
      if (plus.has(plu) && plus.get(plu) !== sku)
        err('plu', `PLU ${plu} is also on SKU ${plus.get(plu)} in this file`, 'pluRepeated', { value: plu, sku: plus.get(plu)! });
      const dbOwner = byPlu.get(plu);
      if (dbOwner && dbOwner !== existingId) err('plu', `PLU ${plu} belongs to another product`, 'pluTaken', { value: plu });
    }
    const group = r.get('group') || null;
    let variant: Record<string, string> | null = null;
    const variantText = r.get('variant');
    if (variantText) {
      variant = {};
      for (const part of variantText.split('|')) {
        const [k, ...v] = part.split('=');
        if (!k?.trim() || !v.join('=').trim()) {
          err('variant', `"${part}" is not name=value`, 'badVariant', { value: part });
          break;
        }
        variant[k.trim()] = v.join('=').trim();
      }
    }
    if (variant && !group) err('group', 'a variant needs the name of its group', 'variantNoGroup');
    const category = r.get('category');
    const supplier = r.get('supplier');
    if (category.length > 120) err('category', 'the category is longer than 120 characters', 'tooLong', { max: 120 });
    if (supplier.length > 120) err('supplier', 'the supplier is longer than 120 characters', 'tooLong', { max: 120 });
    if (errors.length > before) continue;
    skus.set(sku.toLowerCase(), r.row);
    for (const code of barcodes) codes.set(code, sku);
    if (plu) plus.set(plu, sku);
    if (!existingId) creates++;
    valid.push({
      row: r.row,
      sku,
      name,
      altName: altName || null,
      category: category || null,
      unit: unit ?? 'each',
      price: price!,
      cost,
      taxRateId,
      barcodes,
      plu,
      supplier: supplier || null,
      group,
      variant,
      archived: yes(r.get('archived')),
      existingId,
    });
  }
  return { valid, errors, rows: p.records.length, creates, updates: valid.length - creates, columns: p.columns, sample: sampleOf(p) };
}

function checkStock(deps: Pick<Deps, 'sqlite'>, p: Parsed, fallbackLocation: string): Checked<StockRowIn> {
  const bySku = deps.sqlite.prepare('SELECT id, unit FROM products WHERE sku = ?');
  const locations = new Map(
    (
      deps.sqlite.prepare('SELECT id, name FROM stock_locations WHERE archived = 0').all() as Cols<
        typeof schema.stockLocations,
        'id' | 'name'
      >[]
    ).map((l) => [l.name.toLowerCase(), l.id]),
  );
  const errors = [...p.errors];
  const valid: StockRowIn[] = [];
  const seen = new Map<string, number>();
  for (const r of p.records) {
    const err = (column: string | null, reason: string, key: string, params?: Record<string, string | number>) =>
      errors.push({ row: r.row, column, reason, key, ...(params ? { params } : {}) });
    const before = errors.length;
    const sku = r.get('sku');
    const product = sku ? (bySku.get(sku) as Cols<typeof schema.products, 'id' | 'unit'> | undefined) : undefined;
    const productId = product?.id;
    if (!sku) err('sku', 'the SKU is empty', 'skuEmpty');
    else if (!productId) err('sku', `no product has SKU ${sku}`, 'unknownSku', { value: sku });
    const locName = r.get('location');
    const locationId = locName ? locations.get(locName.toLowerCase()) : fallbackLocation;
    if (!locationId) err('location', `no location is called "${locName}"`, 'unknownLocation', { value: locName });
    const qty = parseDecimal(r.get('qty'), 3, true);
    if (qty === null || Math.abs(qty) > 100_000_000) err('qty', `"${r.get('qty')}" is not a quantity`, 'badQty', { value: r.get('qty') });
    else if (product?.unit === 'each' && qty % 1000 !== 0)
      err('qty', `${sku} is counted in whole units, not ${r.get('qty')}`, 'wholeUnits', { sku, value: r.get('qty') });
    const opt = (col: string) => {
      const t = r.get(col);
      if (!t) return undefined;
      if (t === '-') return null;
      const v = parseDecimal(t, 3);
      if (v === null || v > 100_000_000) err(col, `"${t}" is not a quantity`, 'badQty', { value: t });
      return v;
    };
    const reorderPoint = opt('reorder_point');
    const reorderQty = opt('reorder_qty');
    if ((reorderPoint === null) !== (reorderQty === null) && reorderPoint !== undefined && reorderQty !== undefined)
      err('reorder_qty', 'reorder point and quantity are set or removed ("-") together', 'reorderPair');
    const key = `${productId}:${locationId}`;
    if (productId && locationId && seen.has(key))
      err('sku', `SKU ${sku} at this location is already on row ${seen.get(key)}`, 'skuRepeated', { value: sku, other: seen.get(key)! });
    if (errors.length > before) continue;
    seen.set(key, r.row);
    valid.push({ row: r.row, productId: productId!, locationId: locationId!, qty: qty!, reorderPoint, reorderQty });
  }
  return { valid, errors, rows: p.records.length, creates: 0, updates: valid.length, columns: p.columns, sample: sampleOf(p) };
}

function check(deps: Deps, s: Staged): Checked<ProductRowIn> | Checked<StockRowIn> {
  // stagedOf let only products and stock files through to here.
  const parsed = parseCsv(s.chunks.join(''), s.kind as 'products' | 'stock');
  if (s.kind === 'products') return checkProducts(deps, parsed);
  return checkStock(deps, parsed, s.locationId ?? defaultLocationId(deps));
}

export function previewImport(deps: Deps, importId: string): ImportPreview {
  const s = stagedOf(deps, importId);
  const c = check(deps, s);
  return {
    importId,
    kind: s.kind as 'products' | 'stock',
    rows: c.rows,
    valid: c.valid.length,
    creates: c.creates,
    updates: c.updates,
    columns: c.columns,
    sample: c.sample,
    errors: c.errors.slice(0, MAX_ERRORS),
    moreErrors: Math.max(0, c.errors.length - MAX_ERRORS),
  };
}

// ---------------------------------------------------------------------------------------------
// Commit

function namedIds(deps: Deps, table: 'categories' | 'suppliers', names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const find = deps.sqlite.prepare(`SELECT id FROM ${table} WHERE name = ? COLLATE NOCASE ORDER BY archived LIMIT 1`).pluck();
  const now = deps.clock();
  for (const name of names) {
    const key = name.toLowerCase();
    if (out.has(key)) continue;
    let id = find.get(name) as SqlRow<typeof schema.categories>['id'] | SqlRow<typeof schema.suppliers>['id'] | undefined;
    if (!id) {
      id = deps.ids();
      if (table === 'categories')
        deps.sqlite.prepare('INSERT INTO categories (id, name, alt_name, hlc) VALUES (?, ?, NULL, ?)').run(id, name, UNSTAMPED);
      else
        deps.sqlite
          .prepare('INSERT INTO suppliers (id, name, archived, created_at, updated_at, hlc) VALUES (?, ?, 0, ?, ?, ?)')
          .run(id, name, now, now, UNSTAMPED);
    }
    out.set(key, id);
  }
  return out;
}

function groupIds(deps: Deps, rows: ProductRowIn[], categories: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const find = deps.sqlite.prepare('SELECT id FROM product_groups WHERE name = ?').pluck();
  const now = deps.clock();
  for (const r of rows) {
    if (!r.group || out.has(r.group)) continue;
    let id = find.get(r.group) as SqlRow<typeof schema.productGroups>['id'] | undefined;
    if (!id) {
      id = deps.ids();
      const attributes = Object.keys(r.variant ?? {});
      deps.sqlite
        .prepare(
          'INSERT INTO product_groups (id, name, alt_name, category_id, attributes, archived, created_at, updated_at, hlc) VALUES (?, ?, NULL, ?, ?, 0, ?, ?, ?)',
        )
        .run(id, r.group, r.category ? categories.get(r.category.toLowerCase())! : null, JSON.stringify(attributes), now, now, UNSTAMPED);
    }
    out.set(r.group, id);
  }
  return out;
}

/** A new product of an import, with the values its rows are written with. */
interface NewProduct {
  id: string;
  r: ProductRowIn;
  row: Record<string, unknown>;
}

type SearchInput = { name: string; altName: string | null };

/**
 * Writes a run of new products table by table (products, then barcodes, level rows, outbox): a
 * bulk insert keeps each table's pages in the cache while it works on it, where row by row the
 * random name-index pages of a 1M-item catalog were evicted by the other tables' in between.
 * Search entries are only collected: the caller writes them after every other row.
 */
function insertNewProducts(
  deps: Deps,
  batch: NewProduct[],
  location: string,
  now: number,
  search: { rowid: number | bigint; p: SearchInput }[],
): void {
  const insProduct = cachedStatement(
    deps.sqlite,
    `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, group_id, variant, supplier_id,
       created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${STAMP})`,
  );
  const insBarcode = cachedStatement(deps.sqlite, 'INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
  writeInBulk(deps, 'product', () => {
    for (const { id, r, row } of batch) {
      // Positional parameters: binding by name costs more, and this runs 100,000 times in a big import.
      const info = insProduct.run(
        id,
        row.sku,
        row.name,
        row.alt_name,
        row.category_id,
        row.unit,
        row.price,
        row.cost,
        row.tax_rate_id,
        row.plu,
        row.archived,
        row.group_id,
        row.variant,
        row.supplier_id,
        now,
        now,
      );
      if (!r.archived) search.push({ rowid: info.lastInsertRowid, p: { name: r.name, altName: r.altName } });
    }
    for (const { id, r } of batch) for (const code of r.barcodes) insBarcode.run(code, id);
    captureRecords(
      deps,
      'product',
      batch.map((p) => p.id),
    );
  });
  for (const { id } of batch) ensureLevelRow(deps, id, location);
  batch.length = 0;
}

function commitProducts(deps: Deps, rows: ProductRowIn[], staffId: string | null): { created: number; updated: number } {
  const categories = namedIds(
    deps,
    'categories',
    rows.flatMap((r) => (r.category ? [r.category] : [])),
  );
  const suppliers = namedIds(
    deps,
    'suppliers',
    rows.flatMap((r) => (r.supplier ? [r.supplier] : [])),
  );
  const groups = groupIds(deps, rows, categories);
  const defaultTax = defaultTaxRateId(deps);
  const location = defaultLocationId(deps);
  const setGroup = deps.sqlite.prepare('UPDATE products SET group_id = ?, variant = ?, archived = ? WHERE id = ?');
  const now = deps.clock();
  let created = 0;
  let updated = 0;
  // New products wait here until an update (or the end) comes, so the file's order is kept.
  const batch: NewProduct[] = [];
  // Search entries of new products are written after every other row: a statement that fires a
  // trigger (the sync stamps on products and barcodes) opens a statement savepoint, and FTS5 writes
  // out its pending terms at every savepoint, so interleaved, each product became a tiny index
  // segment to merge (5x slower at 1M products).
  const search: { rowid: number | bigint; p: SearchInput }[] = [];
  for (const r of rows) {
    const categoryId = r.category ? categories.get(r.category.toLowerCase())! : null;
    const supplierId = r.supplier ? suppliers.get(r.supplier.toLowerCase())! : null;
    const groupId = r.group ? groups.get(r.group)! : null;
    if (r.existingId) {
      insertNewProducts(deps, batch, location, now, search);
      const fields = {
        sku: r.sku,
        name: r.name,
        altName: r.altName,
        categoryId,
        unit: r.unit,
        price: r.price,
        taxRateId: r.taxRateId ?? undefined,
        barcodes: r.barcodes,
        plu: r.plu,
        supplierId,
      };
      const before = deps.sqlite
        .prepare('SELECT group_id AS g, variant AS v, archived AS a FROM products WHERE id = ?')
        .get(r.existingId) as {
        g: SqlRow<typeof schema.products>['group_id'];
        v: SqlRow<typeof schema.products>['variant'];
        a: SqlRow<typeof schema.products>['archived'];
      };
      const after = updateProduct(deps, { id: r.existingId, ...fields, ...(r.cost !== null ? { cost: r.cost } : {}) }, staffId);
      const variant = r.variant ? JSON.stringify(r.variant) : null;
      if (before.g !== groupId || before.v !== variant || before.a !== (r.archived ? 1 : 0)) {
        setGroup.run(groupId, variant, r.archived ? 1 : 0, r.existingId);
        if (r.archived) clearReorderRules(deps, r.existingId);
        if (before.a !== (r.archived ? 1 : 0))
          writeSearchEntry(
            deps,
            deps.sqlite.prepare('SELECT rowid FROM products WHERE id = ?').pluck().get(r.existingId) as number,
            r.archived ? null : after,
          );
      }
      updated++;
      continue;
    }
    const id = deps.ids();
    const row: Record<string, unknown> = {
      id,
      sku: r.sku,
      name: r.name,
      alt_name: r.altName,
      category_id: categoryId,
      unit: r.unit,
      price: r.price,
      cost: r.cost ?? 0,
      tax_rate_id: r.taxRateId ?? defaultTax,
      plu: r.plu,
      archived: r.archived ? 1 : 0,
      group_id: groupId,
      variant: r.variant ? JSON.stringify(r.variant) : null,
      supplier_id: supplierId,
    };
    batch.push({ id, r, row });
    created++;
  }
  insertNewProducts(deps, batch, location, now, search);
  writeNewSearchEntries(deps, search);
  return { created, updated };
}

function commitStock(deps: Deps, rows: StockRowIn[], staffId: string | null): { updated: number } {
  const setRule = deps.sqlite.prepare(
    'UPDATE stock_levels SET reorder_point = ?, reorder_qty = ? WHERE product_id = ? AND location_id = ?',
  );
  let updated = 0;
  for (const r of rows) {
    ensureLevelRow(deps, r.productId, r.locationId);
    const delta = r.qty - levelAt(deps, r.productId, r.locationId);
    if (delta !== 0)
      recordMovement(deps, {
        productId: r.productId,
        locationId: r.locationId,
        qtyDelta: delta,
        kind: 'adjustment',
        staffId,
        reason: 'correction: CSV import',
      });
    if (r.reorderPoint !== undefined || r.reorderQty !== undefined) {
      const cur = deps.sqlite
        .prepare('SELECT reorder_point AS p, reorder_qty AS q FROM stock_levels WHERE product_id = ? AND location_id = ?')
        .get(r.productId, r.locationId) as {
        p: SqlRow<typeof schema.stockLevels>['reorder_point'];
        q: SqlRow<typeof schema.stockLevels>['reorder_qty'];
      };
      const point = r.reorderPoint === undefined ? cur.p : r.reorderPoint;
      const qty = r.reorderQty === undefined ? cur.q : r.reorderQty;
      setRule.run(point, point === null ? null : (qty ?? 0), r.productId, r.locationId);
    }
    updated++;
  }
  return { updated };
}

/** Runs inside the router's transaction: an error leaves nothing behind. */
export function commitImport(deps: Deps, importId: string, onlyValid: boolean, staffId: string | null): ImportResult {
  const s = stagedOf(deps, importId);
  const c = check(deps, s);
  if (c.errors.length > 0 && !onlyValid)
    throw new AppError('VALIDATION', `${c.errors.length} row(s) have errors: nothing was imported`, {
      errors: c.errors.slice(0, MAX_ERRORS),
      moreErrors: Math.max(0, c.errors.length - MAX_ERRORS),
    });
  if (c.valid.length === 0) throw new AppError('VALIDATION', 'No valid rows to import', { messageKey: 'inv.err.noValidRows' });
  let result: ImportResult;
  if (s.kind === 'products') {
    // New products' level rows are written after them here (foreign keys are on): the trigger for
    // levels that came first has nothing to do, and would cost every row a statement journal.
    const { created, updated } = withoutNewProductTrigger(deps.sqlite, () => commitProducts(deps, c.valid as ProductRowIn[], staffId));
    result = { kind: 'products', imported: created + updated, created, updated, skipped: c.rows - c.valid.length };
  } else {
    const { updated } = commitStock(deps, c.valid as StockRowIn[], staffId);
    result = { kind: 'stock', imported: updated, created: 0, updated, skipped: c.rows - c.valid.length };
  }
  recordAudit(deps, { staffId, action: `import.${s.kind}`, details: { ...result, onlyValid }, success: true });
  stagingOf(deps).delete(importId);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Export

export function exportProducts(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>): { csv: string; rows: number } {
  const digits = currencyDigits(readSettings(deps).currency);
  const rows = deps.sqlite
    .prepare(
      `SELECT p.sku, p.name, p.alt_name AS altName, c.name AS category, p.unit, p.price, p.cost, t.rate_bp AS bp,
              (SELECT group_concat(code, '|') FROM (SELECT code FROM barcodes b WHERE b.product_id = p.id ORDER BY code)) AS barcodes,
              p.plu, su.name AS supplier, g.name AS grp, g.attributes, p.variant, p.archived
       FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id LEFT JOIN categories c ON c.id = p.category_id
       LEFT JOIN suppliers su ON su.id = p.supplier_id LEFT JOIN product_groups g ON g.id = p.group_id
       ORDER BY p.rowid`,
    )
    .all() as (CamelCols<
    typeof schema.products,
    'sku' | 'name' | 'altName' | 'unit' | 'price' | 'cost' | 'plu' | 'variant' | 'archived'
  > & {
    category: SqlRow<typeof schema.categories>['name'] | null;
    bp: SqlRow<typeof schema.taxRates>['rate_bp'];
    barcodes: string | null;
    supplier: SqlRow<typeof schema.suppliers>['name'] | null;
    grp: SqlRow<typeof schema.productGroups>['name'] | null;
  } & Outer<Cols<typeof schema.productGroups, 'attributes'>>)[];
  const data = rows.map((r) => {
    const variant = r.variant ? (JSON.parse(r.variant) as Record<string, string>) : null;
    const order = r.attributes ? (JSON.parse(r.attributes) as string[]) : Object.keys(variant ?? {});
    return [
      r.sku,
      r.name,
      r.altName ?? '',
      r.category ?? '',
      r.unit,
      decimalText(r.price, digits),
      decimalText(r.cost, digits),
      decimalText(r.bp, 2).replace(/\.?0+$/, ''),
      r.barcodes ?? '',
      r.plu ?? '',
      r.supplier ?? '',
      r.grp ?? '',
      variant
        ? order
            .filter((k) => k in variant)
            .map((k) => `${k}=${variant[k]}`)
            .join('|')
        : '',
      r.archived ? 'yes' : '',
    ];
  });
  return { csv: toCsv(PRODUCT_COLUMNS, data), rows: data.length };
}

export function exportStock(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, locationId?: string): { csv: string; rows: number } {
  if (locationId) getLocation(deps, locationId);
  const digits = currencyDigits(readSettings(deps).currency);
  const rows = deps.sqlite
    .prepare(
      `SELECT p.sku, p.name, p.unit, l.name AS location, s.qty, s.reorder_point AS rp, s.reorder_qty AS rq, p.cost
       FROM stock_levels s JOIN products p ON p.id = s.product_id JOIN stock_locations l ON l.id = s.location_id
       ${locationId ? 'WHERE s.location_id = ?' : ''} ORDER BY l.name, p.sku`,
    )
    .all(...(locationId ? [locationId] : [])) as (Cols<typeof schema.products, 'sku' | 'name' | 'unit' | 'cost'> &
    Cols<typeof schema.stockLevels, 'qty'> & {
      location: SqlRow<typeof schema.stockLocations>['name'];
      rp: SqlRow<typeof schema.stockLevels>['reorder_point'];
      rq: SqlRow<typeof schema.stockLevels>['reorder_qty'];
    })[];
  const data = rows.map((r) => [
    r.sku,
    r.name,
    r.unit,
    r.location,
    qtyText(r.qty),
    r.rp === null ? '' : qtyText(r.rp),
    r.rq === null ? '' : qtyText(r.rq),
    decimalText(r.cost, digits),
    decimalText(Math.round((Math.max(0, r.qty) * r.cost) / 1000), digits),
  ]);
  return { csv: toCsv(STOCK_COLUMNS, data), rows: data.length };
}
