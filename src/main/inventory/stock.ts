import type { z } from 'zod';
import type { inventoryContract } from '../../shared/api/inventory';
import type { FlaggedRow, Location, MovementRow, StockItem, StockRow, ValuationRow } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { codePrefixRange, ftsQuery, looksLikeCode } from '../catalog/search-text';
import { productIdByCode, skuCases } from '../catalog/products';
import { backlogNameSource, searchBacklog } from '../catalog/search-backlog';
import { sortKeysReady } from '../catalog/sort-key';
import { assertAvailable, ensureLevelRow, levelAt, recordMovement } from './ledger';
import { piecesAndMass } from '../../shared/units';
import { UNSTAMPED } from '../db/write-path';
import type { CamelCols, Cols, Outer, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

type In<K extends keyof typeof inventoryContract> = z.output<(typeof inventoryContract)[K]['input']>;

// ---------------------------------------------------------------------------------------------
// Locations

type LocationRow = CamelCols<typeof schema.stockLocations, 'id' | 'name' | 'isDefault' | 'archived'>;
type LocationName = SqlRow<typeof schema.stockLocations>['name'];
type ProductCols = CamelCols<typeof schema.products, 'sku' | 'name' | 'altName' | 'unit'>;
const toLocation = (r: LocationRow): Location => ({ id: r.id, name: r.name, isDefault: r.isDefault === 1, archived: r.archived === 1 });

export function listLocations(deps: Pick<Deps, 'sqlite'>): Location[] {
  return (
    deps.sqlite
      .prepare('SELECT id, name, is_default AS isDefault, archived FROM stock_locations ORDER BY archived, is_default DESC, name')
      .all() as LocationRow[]
  ).map(toLocation);
}

export function getLocation(deps: Pick<Deps, 'sqlite'>, id: string, opts: { active?: boolean } = {}): Location {
  const row = deps.sqlite.prepare('SELECT id, name, is_default AS isDefault, archived FROM stock_locations WHERE id = ?').get(id) as
    LocationRow | undefined;
  if (!row) throw notFound('Location', { locationId: id });
  if (opts.active && row.archived === 1)
    throw new AppError('CONFLICT', `${row.name} is archived`, { locationId: id, value: row.name, messageKey: 'inv.err.locationArchived' });
  return toLocation(row);
}

function checkLocationName(deps: Pick<Deps, 'sqlite'>, name: string, selfId: string | null): void {
  const other = deps.sqlite.prepare('SELECT id FROM stock_locations WHERE name = ? COLLATE NOCASE').get(name) as
    Cols<typeof schema.stockLocations, 'id'> | undefined;
  if (other && other.id !== selfId)
    throw new AppError('CONFLICT', `A location named ${name} already exists`, {
      field: 'name',
      value: name,
      messageKey: 'inv.err.locationTaken',
    });
}

export function createLocation(deps: Deps, name: string, staffId: string | null): Location {
  checkLocationName(deps, name, null);
  const id = deps.ids();
  deps.sqlite.prepare('INSERT INTO stock_locations (id, name, is_default, archived, hlc) VALUES (?, ?, 0, 0, ?)').run(id, name, UNSTAMPED);
  recordAudit(deps, { staffId, action: 'location.create', target: id, details: { name }, success: true });
  return getLocation(deps, id);
}

export function updateLocation(deps: Deps, input: In<'stock.locationUpdate'>, staffId: string | null): Location {
  const before = getLocation(deps, input.id);
  if (input.name !== undefined) {
    checkLocationName(deps, input.name, before.id);
    deps.sqlite.prepare('UPDATE stock_locations SET name = ? WHERE id = ?').run(input.name, before.id);
  }
  if (input.archived !== undefined && input.archived !== before.archived) {
    if (input.archived) {
      if (before.isDefault)
        throw new AppError('CONFLICT', 'The default location cannot be archived', {
          locationId: before.id,
          messageKey: 'inv.err.defaultLocation',
        });
      const held = deps.sqlite
        .prepare('SELECT COUNT(*) FROM stock_levels WHERE location_id = ? AND qty <> 0')
        .pluck()
        .get(before.id) as number;
      if (held > 0)
        throw new AppError('CONFLICT', `${before.name} still holds stock of ${held} items: transfer it first`, {
          items: held,
          value: before.name,
          messageKey: 'inv.err.locationHoldsStock',
        });
    }
    deps.sqlite.prepare('UPDATE stock_locations SET archived = ? WHERE id = ?').run(input.archived ? 1 : 0, before.id);
  }
  if (input.isDefault && !before.isDefault) {
    if (input.archived ?? before.archived)
      throw new AppError('CONFLICT', 'An archived location cannot be the default', { messageKey: 'inv.err.archivedDefault' });
    deps.sqlite.prepare('UPDATE stock_locations SET is_default = 0 WHERE is_default = 1').run();
    deps.sqlite.prepare('UPDATE stock_locations SET is_default = 1 WHERE id = ?').run(before.id);
  }
  const after = getLocation(deps, before.id);
  recordAudit(deps, { staffId, action: 'location.update', target: after.id, details: { before, after }, success: true });
  return after;
}

// ---------------------------------------------------------------------------------------------
// The stock list: one location, filtered, sorted and paged in SQL.

export type StockFilter = In<'stock.count'>;
export type StockListQuery = In<'stock.list'>;

const ROW_COLUMNS = `s.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, p.category_id AS categoryId, p.price, p.cost,
  p.image, p.archived, s.qty, (SELECT SUM(t.qty) FROM stock_levels t WHERE t.product_id = s.product_id) AS total,
  s.reorder_point AS reorderPoint, s.reorder_qty AS reorderQty`;

/** A text filter lists at most this many matches (sorted among themselves); refine the words for more. */
export const TEXT_MATCHES = 200;

/** Rows per location and products in all (deps.inventory.density), refreshed at most once a minute: only used to choose a query plan. */
function locationDensity(deps: Pick<Deps, 'sqlite' | 'inventory'>, locationId: string): { rows: number; products: number; count: number } {
  const byLoc = deps.inventory.density;
  const now = Date.now();
  let d = byLoc.get(locationId);
  if (!d || now - d.at > 60_000) {
    const rows = deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE location_id = ?').pluck().get(locationId) as number;
    const products = deps.sqlite.prepare('SELECT MAX(rowid) FROM products').pluck().get() as number | null;
    const count = deps.sqlite.prepare('SELECT COUNT(*) FROM products').pluck().get() as number;
    d = { rows, products: products ?? 0, count, at: now };
    byLoc.set(locationId, d);
  }
  return d;
}

function isDense(deps: Pick<Deps, 'sqlite' | 'inventory'>, locationId: string): boolean {
  const d = locationDensity(deps, locationId);
  // Walking the name index and probing the location's levels pays off when most products are there.
  return d.rows > 5000 && d.rows * 4 > d.products;
}

/**
 * True when the list has no filter and the location holds a level row for every product (the
 * default location always does: a product gets one when it is created), judged from the counts
 * `isDense` keeps. A product added since then without a row would show at 0, which is its level.
 */
function everyProductStocked(deps: Pick<Deps, 'sqlite' | 'inventory'>, q: StockFilter): boolean {
  if (q.q?.trim() || q.categoryId || (q.status ?? 'all') !== 'all') return false;
  const d = locationDensity(deps, q.locationId);
  return d.rows >= d.count;
}

interface Plan {
  from: string;
  where: string[];
  args: Record<string, unknown>;
}

/**
 * Builds FROM/WHERE for a filter. The first table of a CROSS JOIN drives the loop in SQLite, so
 * each filter starts from the index that narrows it most: the low-stock partial index, the
 * location's quantity index, the search index, or (for a sort by name/SKU over a dense location)
 * the products index that is already in that order.
 */
function plan(deps: Pick<Deps, 'sqlite' | 'inventory'>, f: StockFilter, sort: 'name' | 'sku' | 'qty' | null): Plan {
  const where = ['s.location_id = @loc'];
  const args: Record<string, unknown> = { loc: f.locationId };
  if (!f.includeArchived) where.push('p.archived = 0');
  if (f.categoryId) {
    where.push('p.category_id = @cat');
    args.cat = f.categoryId;
  }
  const status = f.status ?? 'all';
  if (status === 'low') where.push('s.reorder_point IS NOT NULL AND s.qty <= s.reorder_point');
  if (status === 'negative') where.push('s.qty < 0');
  if (status === 'out') where.push('s.qty <= 0');
  const levelsFirst = 'stock_levels s CROSS JOIN products p ON p.id = s.product_id';
  const productsFirst = 'products p CROSS JOIN stock_levels s ON s.product_id = p.id';
  const text = f.q?.trim();
  if (text) {
    const exact = productIdByCode(deps, text);
    if (exact) {
      where.push('p.id = @exact');
      args.exact = exact;
      return { from: productsFirst, where, args };
    }
    // A common word matches a large part of a big catalog: the list shows the first matches only.
    const sources: string[] = [];
    const fts = ftsQuery(text);
    if (fts) {
      sources.push(`SELECT rowid FROM products_fts WHERE products_fts MATCH @fts LIMIT ${TEXT_MATCHES}`);
      args.fts = fts;
    }
    // A new terminal's names still waiting for their index entries are scanned meanwhile.
    const backlog = searchBacklog(deps.sqlite);
    const waiting = backlog && backlogNameSource(deps.sqlite, backlog, text, TEXT_MATCHES);
    if (waiting) {
      sources.push(waiting.sql);
      Object.assign(args, waiting.args);
    }
    // Codes are not in the search index: the start of a SKU or barcode is a range over its unique
    // index, in each case of the text as the catalog search reads it.
    if (looksLikeCode(text))
      [...new Set(skuCases(text))].forEach((c, i) => {
        [args[`from${i}`], args[`to${i}`]] = codePrefixRange(c);
        sources.push(`SELECT rowid FROM products WHERE sku >= @from${i} AND sku < @to${i} LIMIT ${TEXT_MATCHES}`);
        sources.push(
          `SELECT x.rowid FROM barcodes c CROSS JOIN products x ON x.id = c.product_id WHERE c.code >= @from${i} AND c.code < @to${i} LIMIT ${TEXT_MATCHES}`,
        );
      });
    where.push(sources.length ? `p.rowid IN (${sources.map((q) => `SELECT * FROM (${q})`).join(' UNION ALL ')})` : '0');
    return { from: productsFirst, where, args };
  }
  const lowFirst = 'stock_levels s INDEXED BY stock_levels_low_idx CROSS JOIN products p ON p.id = s.product_id';
  if (sort === 'qty' && f.categoryId && status === 'all') {
    // The category's levels at the location, already in quantity order (the level row carries
    // the product's category).
    where.push('s.category_id = @cat');
    return { from: 'stock_levels s INDEXED BY stock_levels_category_qty_idx CROSS JOIN products p ON p.id = s.product_id', where, args };
  }
  if (sort === 'qty' || sort === null) return { from: status === 'low' ? lowFirst : levelsFirst, where, args };
  if (status !== 'all') {
    // A status picks few rows (sorted after reading them all) or many (then walking the products
    // in name or SKU order and keeping those that match is cheaper): count up to the threshold.
    const probe =
      status === 'low'
        ? 'SELECT 1 FROM stock_levels INDEXED BY stock_levels_low_idx WHERE location_id = ? AND reorder_point IS NOT NULL AND qty <= reorder_point'
        : `SELECT 1 FROM stock_levels WHERE location_id = ? AND qty ${status === 'negative' ? '< 0' : '<= 0'}`;
    const many = deps.sqlite
      .prepare(`SELECT COUNT(*) FROM (${probe} LIMIT ${FEW_MATCHES + 1})`)
      .pluck()
      .get(f.locationId) as number;
    if (many <= FEW_MATCHES) return { from: status === 'low' ? lowFirst : levelsFirst, where, args };
    return { from: productsFirst, where, args };
  }
  return { from: isDense(deps, f.locationId) ? productsFirst : levelsFirst, where, args };
}

/** Up to this many matching rows are read and sorted; beyond it the sorted products are walked instead. */
const FEW_MATCHES = 20_000;

/** The statement behind one page of the stock list (the bench runs it raw as its baseline). */
export function stockListSql(deps: Pick<Deps, 'sqlite' | 'inventory'>, q: StockListQuery): { sql: string; args: Record<string, unknown> } {
  const sort = q.sort ?? 'name';
  const dir = q.dir === 'desc' ? 'DESC' : 'ASC';
  // On a Chinese screen names sort by the pinyin key of the name shown (see catalog/sort-key.ts).
  // Until a store from before keys has them all (sort-key.ts), by name: no product is left out.
  const pinyin = sort === 'name' && q.language === 'zh-CN' && sortKeysReady(deps.sqlite);
  const order =
    sort === 'qty'
      ? `s.qty ${dir}, s.rowid ${dir}`
      : sort === 'sku'
        ? `p.sku ${dir}`
        : pinyin
          ? `k.zh ${dir}, k.rowid ${dir}`
          : `p.name ${dir}, p.rowid ${dir}`;
  if (pinyin && everyProductStocked(deps, q)) {
    // As below, but the page is walked from the key index in pinyin order.
    return {
      sql: `WITH pg AS (SELECT k.rowid AS prid FROM product_sort_keys k INDEXED BY product_sort_keys_zh_idx
                          CROSS JOIN products p ON p.rowid = k.rowid
                        WHERE ${q.includeArchived ? '1' : 'p.archived = 0'} ORDER BY ${order} LIMIT @limit OFFSET @offset)
        SELECT ${ROW_COLUMNS} FROM pg CROSS JOIN product_sort_keys k ON k.rowid = pg.prid CROSS JOIN products p ON p.rowid = pg.prid
          CROSS JOIN stock_levels s ON s.product_id = p.id AND s.location_id = @loc
        ORDER BY ${order}`,
      args: { loc: q.locationId, limit: q.limit + 1, offset: q.offset },
    };
  }
  if (sort === 'name' && everyProductStocked(deps, q)) {
    // Every product has a level row here: the page is chosen from the name index alone (archived
    // is in it), and only the page's rows are joined to their levels.
    return {
      sql: `WITH pg AS (SELECT p.rowid AS prid FROM products p INDEXED BY products_name_idx
                        WHERE ${q.includeArchived ? '1' : 'p.archived = 0'} ORDER BY ${order} LIMIT @limit OFFSET @offset)
        SELECT ${ROW_COLUMNS} FROM pg CROSS JOIN products p ON p.rowid = pg.prid
          CROSS JOIN stock_levels s ON s.product_id = p.id AND s.location_id = @loc
        ORDER BY ${order}`,
      args: { loc: q.locationId, limit: q.limit + 1, offset: q.offset },
    };
  }
  const pl = plan(deps, q, sort);
  const keys = pinyin ? ' CROSS JOIN product_sort_keys k ON k.rowid = p.rowid' : '';
  // The page's level rows are chosen first (keys only, so rows skipped by OFFSET cost an index
  // step each); the columns, the total over all locations among them, are read for the page alone.
  return {
    sql: `WITH pg AS (SELECT s.rowid AS srid FROM ${pl.from}${keys} WHERE ${pl.where.join(' AND ')} ORDER BY ${order} LIMIT @limit OFFSET @offset)
      SELECT ${ROW_COLUMNS} FROM pg CROSS JOIN stock_levels s ON s.rowid = pg.srid CROSS JOIN products p ON p.id = s.product_id${keys}
      ORDER BY ${order}`,
    args: { ...pl.args, limit: q.limit + 1, offset: q.offset },
  };
}

export function listStock(deps: Pick<Deps, 'sqlite' | 'inventory'>, q: StockListQuery): { items: StockRow[]; hasMore: boolean } {
  getLocation(deps, q.locationId);
  const { sql, args } = stockListSql(deps, q);
  const rows = deps.sqlite.prepare(sql).all(args) as (CamelCols<
    typeof schema.stockLevels,
    'productId' | 'qty' | 'reorderPoint' | 'reorderQty'
  > &
    ProductCols &
    CamelCols<typeof schema.products, 'categoryId' | 'price' | 'cost' | 'image' | 'archived'> & { total: number })[];
  const hasMore = rows.length > q.limit;
  return { items: rows.slice(0, q.limit).map((r) => ({ ...r, archived: r.archived === 1 })), hasMore };
}

export function countStock(deps: Pick<Deps, 'sqlite' | 'inventory'>, f: StockFilter): { total: number; capped: boolean } {
  getLocation(deps, f.locationId);
  if (!f.q?.trim() && !f.categoryId && (f.status ?? 'all') === 'all') {
    // The whole location: its level rows (one index range), less archived products there (a partial index).
    const all = deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE location_id = ?').pluck().get(f.locationId) as number;
    const archived = f.includeArchived
      ? 0
      : (deps.sqlite
          .prepare(
            `SELECT COUNT(*) FROM products p INDEXED BY products_archived_idx CROSS JOIN stock_levels s ON s.product_id = p.id AND s.location_id = ?
             WHERE p.archived = 1`,
          )
          .pluck()
          .get(f.locationId) as number);
    return { total: all - archived, capped: false };
  }
  const pl = plan(deps, f, null);
  const total = deps.sqlite
    .prepare(`SELECT COUNT(*) FROM ${pl.from} WHERE ${pl.where.join(' AND ')}`)
    .pluck()
    .get(pl.args) as number;
  return { total, capped: !!f.q?.trim() && total >= TEXT_MATCHES };
}

// ---------------------------------------------------------------------------------------------
// One item: its level and reorder rule at every location.

export function stockItem(deps: Pick<Deps, 'sqlite'>, productId: string): StockItem {
  const p = deps.sqlite.prepare('SELECT id, sku, name, alt_name AS altName, unit, cost FROM products WHERE id = ?').get(productId) as
    (ProductCols & CamelCols<typeof schema.products, 'id' | 'cost'>) | undefined;
  if (!p) throw notFound('Product', { productId });
  const levels = deps.sqlite
    .prepare(
      `SELECT l.id AS locationId, l.name AS locationName, COALESCE(s.qty, 0) AS qty, s.reorder_point AS reorderPoint, s.reorder_qty AS reorderQty
       FROM stock_locations l LEFT JOIN stock_levels s ON s.location_id = l.id AND s.product_id = ?
       WHERE l.archived = 0 OR s.qty <> 0 ORDER BY l.is_default DESC, l.name`,
    )
    .all(productId) as ({ locationId: SqlRow<typeof schema.stockLocations>['id']; locationName: LocationName; qty: number } & Outer<
    CamelCols<typeof schema.stockLevels, 'reorderPoint' | 'reorderQty'>
  >)[];
  return {
    productId: p.id,
    sku: p.sku,
    name: p.name,
    altName: p.altName,
    unit: p.unit,
    cost: p.cost,
    levels,
    total: levels.reduce((s, l) => s + l.qty, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Movement history, newest first, paged in SQL.

export function listMovements(deps: Pick<Deps, 'sqlite'>, q: In<'stock.movements'>): { items: MovementRow[]; hasMore: boolean } {
  const where: string[] = [];
  const args: Record<string, unknown> = { limit: q.limit + 1, offset: q.offset };
  if (q.productId) {
    where.push('m.product_id = @product');
    args.product = q.productId;
  }
  if (q.locationId) {
    where.push('m.location_id = @location');
    args.location = q.locationId;
  }
  if (q.kind) {
    where.push('m.kind = @kind');
    args.kind = q.kind;
  }
  if (q.from !== undefined) {
    where.push('m.at >= @from');
    args.from = q.from;
  }
  if (q.to !== undefined) {
    where.push('m.at < @to');
    args.to = q.to;
  }
  // The most selective index leads: product, then location, then kind, else time alone.
  const index = q.productId
    ? 'stock_movements_product_at_idx'
    : q.locationId
      ? 'stock_movements_location_at_idx'
      : q.kind
        ? 'stock_movements_kind_at_idx'
        : 'stock_movements_at_idx';
  const rows = deps.sqlite
    .prepare(
      `SELECT m.id, m.at, m.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, m.location_id AS locationId, l.name AS locationName, m.kind,
              m.qty_delta AS qtyDelta, m.reason, m.ref_id AS refId, st.name AS staffName, m.unit_cost AS unitCost
       FROM stock_movements m INDEXED BY ${index}
       CROSS JOIN products p ON p.id = m.product_id
       CROSS JOIN stock_locations l ON l.id = m.location_id
       LEFT JOIN staff st ON st.id = m.staff_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY m.at DESC, m.rowid DESC LIMIT @limit OFFSET @offset`,
    )
    .all(args) as (CamelCols<
    typeof schema.stockMovements,
    'id' | 'at' | 'productId' | 'locationId' | 'kind' | 'qtyDelta' | 'reason' | 'refId' | 'unitCost'
  > &
    ProductCols & { locationName: LocationName; staffName: SqlRow<typeof schema.staff>['name'] | null })[];
  return { items: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

// ---------------------------------------------------------------------------------------------
// Adjustments, write-offs and transfers (manager only; each one is audited).

function requireProduct(deps: Pick<Deps, 'sqlite'>, productId: string): void {
  if (!deps.sqlite.prepare('SELECT 1 FROM products WHERE id = ?').get(productId)) throw notFound('Product', { productId });
}

const reasonText = (reason: string, note?: string | null) => (note ? `${reason}: ${note}` : reason);

export function adjustStock(deps: Deps, input: In<'stock.adjust'>, staffId: string | null): StockItem {
  requireProduct(deps, input.productId);
  getLocation(deps, input.locationId, { active: true });
  const before = levelAt(deps, input.productId, input.locationId);
  const delta = input.mode === 'set' ? input.qty - before : input.qty;
  if (input.mode === 'set' && input.qty < 0)
    throw new AppError('VALIDATION', 'A counted level cannot be below zero', { field: 'qty', messageKey: 'inv.err.levelBelowZero' });
  if (delta === 0) {
    if (input.mode === 'delta')
      throw new AppError('VALIDATION', 'The change must not be zero', { field: 'qty', messageKey: 'inv.err.zeroChange' });
    return stockItem(deps, input.productId);
  }
  if (delta < 0) assertAvailable(deps, input.locationId, [{ productId: input.productId, qty: -delta }]);
  const reason = reasonText(input.reason, input.note);
  recordMovement(deps, { productId: input.productId, locationId: input.locationId, qtyDelta: delta, kind: 'adjustment', staffId, reason });
  recordAudit(deps, {
    staffId,
    action: 'stock.adjust',
    target: input.productId,
    details: { locationId: input.locationId, from: before, to: before + delta, delta, reason },
    success: true,
  });
  return stockItem(deps, input.productId);
}

export function writeOff(deps: Deps, input: In<'stock.writeOff'>, staffId: string | null): StockItem {
  requireProduct(deps, input.productId);
  getLocation(deps, input.locationId, { active: true });
  assertAvailable(deps, input.locationId, [{ productId: input.productId, qty: input.qty }]);
  const reason = reasonText(input.reason, input.note);
  recordMovement(deps, {
    productId: input.productId,
    locationId: input.locationId,
    qtyDelta: -input.qty,
    kind: 'writeoff',
    staffId,
    reason,
  });
  recordAudit(deps, {
    staffId,
    action: 'stock.writeoff',
    target: input.productId,
    details: { locationId: input.locationId, qty: input.qty, reason },
    success: true,
  });
  return stockItem(deps, input.productId);
}

export function transferStock(deps: Deps, input: In<'stock.transfer'>, staffId: string | null): { transferId: string; lines: number } {
  if (input.fromId === input.toId)
    throw new AppError('VALIDATION', 'Choose two different locations', { field: 'toId', messageKey: 'inv.err.sameLocation' });
  getLocation(deps, input.fromId, { active: true });
  getLocation(deps, input.toId, { active: true });
  for (const l of input.lines) requireProduct(deps, l.productId);
  assertAvailable(deps, input.fromId, input.lines);
  const transferId = deps.ids();
  const reason = input.note ?? null;
  for (const l of input.lines) {
    recordMovement(deps, {
      productId: l.productId,
      locationId: input.fromId,
      qtyDelta: -l.qty,
      kind: 'transfer',
      refId: transferId,
      staffId,
      reason,
    });
    recordMovement(deps, {
      productId: l.productId,
      locationId: input.toId,
      qtyDelta: l.qty,
      kind: 'transfer',
      refId: transferId,
      staffId,
      reason,
    });
  }
  recordAudit(deps, {
    staffId,
    action: 'stock.transfer',
    target: transferId,
    details: { fromId: input.fromId, toId: input.toId, lines: input.lines },
    success: true,
  });
  return { transferId, lines: input.lines.length };
}

/** Reorder point and quantity for an item at a location (null removes the rule). */
export function setReorderRule(deps: Deps, input: In<'stock.setReorder'>, staffId: string | null): StockItem {
  requireProduct(deps, input.productId);
  getLocation(deps, input.locationId, { active: true });
  ensureLevelRow(deps, input.productId, input.locationId);
  deps.sqlite
    .prepare('UPDATE stock_levels SET reorder_point = ?, reorder_qty = ? WHERE product_id = ? AND location_id = ?')
    .run(input.rule?.reorderPoint ?? null, input.rule?.reorderQty ?? null, input.productId, input.locationId);
  recordAudit(deps, { staffId, action: 'stock.reorder', target: input.productId, details: input, success: true });
  return stockItem(deps, input.productId);
}

// ---------------------------------------------------------------------------------------------
// Flagged (negative) levels and the valuation.

export function flaggedLevels(deps: Pick<Deps, 'sqlite'>, q: { offset: number; limit: number }): { items: FlaggedRow[]; total: number } {
  const items = deps.sqlite
    .prepare(
      `SELECT s.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, s.location_id AS locationId, l.name AS locationName, s.qty,
              (SELECT MAX(m.at) FROM stock_movements m WHERE m.product_id = s.product_id AND m.location_id = s.location_id) AS lastMovementAt
       FROM stock_levels s INDEXED BY stock_levels_negative_idx
       CROSS JOIN products p ON p.id = s.product_id CROSS JOIN stock_locations l ON l.id = s.location_id
       WHERE s.qty < 0 ORDER BY s.qty, s.rowid LIMIT ? OFFSET ?`,
    )
    .all(q.limit, q.offset) as (CamelCols<typeof schema.stockLevels, 'productId' | 'locationId' | 'qty'> &
    ProductCols & { locationName: LocationName; lastMovementAt: SqlRow<typeof schema.stockMovements>['at'] | null })[];
  const total = deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels WHERE qty < 0').pluck().get() as number;
  return { items, total };
}

/** Quantity × average cost per category (levels below zero count as nothing). */
export function valuation(
  deps: Pick<Deps, 'sqlite'>,
  locationId: string | null,
): { rows: ValuationRow[]; totalQty: number; totalWeighed: number; totalValue: number } {
  if (locationId) getLocation(deps, locationId);
  const where = `WHERE p.archived = 0 AND s.qty > 0 ${locationId ? 'AND s.location_id = ?' : ''}`;
  const args = locationId ? [locationId] : [];
  const base = deps.sqlite
    .prepare(
      `SELECT p.category_id AS categoryId, c.name AS categoryName, c.alt_name AS categoryAltName, COUNT(DISTINCT s.product_id) AS items,
              (SUM(MAX(s.qty, 0) * p.cost) + 500) / 1000 AS value
       FROM stock_levels s CROSS JOIN products p ON p.id = s.product_id LEFT JOIN categories c ON c.id = p.category_id
       ${where} GROUP BY p.category_id ORDER BY value DESC`,
    )
    .all(...args) as (CamelCols<typeof schema.products, 'categoryId'> & {
    categoryName: SqlRow<typeof schema.categories>['name'] | null;
    categoryAltName: SqlRow<typeof schema.categories>['alt_name'];
    items: number;
    value: number;
  })[];
  // Quantities per category and unit: pieces apart from weight, each weight unit summed then brought to grams.
  const perUnit = deps.sqlite
    .prepare(
      `SELECT p.category_id AS categoryId, p.unit, SUM(MAX(s.qty, 0)) AS qty
       FROM stock_levels s CROSS JOIN products p ON p.id = s.product_id ${where} GROUP BY p.category_id, p.unit`,
    )
    .all(...args) as (CamelCols<typeof schema.products, 'categoryId' | 'unit'> & { qty: number })[];
  const rows = base.map((r): ValuationRow => {
    const q = piecesAndMass(perUnit.filter((u) => u.categoryId === r.categoryId));
    return { ...r, qty: q.pieces, weighed: q.grams };
  });
  return {
    rows,
    totalQty: rows.reduce((s, r) => s + r.qty, 0),
    totalWeighed: rows.reduce((s, r) => s + r.weighed, 0),
    totalValue: rows.reduce((s, r) => s + r.value, 0),
  };
}
