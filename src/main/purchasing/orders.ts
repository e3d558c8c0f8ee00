import type { PoStatus, PoSummary, PurchaseOrder, ReceiveResult } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { auditPriceChange, productIdByCode } from '../catalog/products';
import { recordMovement, stockOnHand } from '../inventory/ledger';
import { getLocation } from '../inventory/stock';
import { lowStock } from '../inventory/reorder';
import { getSupplier } from './suppliers';
import { AMOUNT_TOO_LARGE_KEY, MAX_CART_AMOUNT, MAX_LINE_AMOUNT, MAX_QTY } from '../../shared/money';
import { UNSTAMPED } from '../db/write-path';
import type { CamelCols, SqlRow } from '../db/rows';
import type { barcodes, counters, products, purchaseOrderLines, purchaseOrders, stockLocations, suppliers } from '../db/schema';

/** Money of a line: quantity in thousandths × cost per unit. */
export const lineTotal = (qty: number, unitCost: number) => Math.round((qty * unitCost) / 1000);

const SUMMARY = `po.id, po.number, po.supplier_id AS supplierId, su.name AS supplierName, po.location_id AS locationId, l.name AS locationName,
  po.status, po.created_at AS createdAt, po.sent_at AS sentAt,
  (SELECT COUNT(*) FROM purchase_order_lines x WHERE x.po_id = po.id) AS lines,
  COALESCE((SELECT SUM(qty_ordered) FROM purchase_order_lines x WHERE x.po_id = po.id), 0) AS qtyOrdered,
  COALESCE((SELECT SUM(qty_received) FROM purchase_order_lines x WHERE x.po_id = po.id), 0) AS qtyReceived,
  COALESCE((SELECT SUM((qty_ordered * unit_cost + 500) / 1000) FROM purchase_order_lines x WHERE x.po_id = po.id), 0) AS total`;
type SummaryRow = CamelCols<typeof purchaseOrders, 'id' | 'number' | 'supplierId' | 'locationId' | 'status' | 'createdAt' | 'sentAt'> & {
  supplierName: SqlRow<typeof suppliers>['name'];
  locationName: SqlRow<typeof stockLocations>['name'];
  lines: number;
  qtyOrdered: number;
  qtyReceived: number;
  total: number;
};
type LineRow = CamelCols<typeof purchaseOrderLines, 'id' | 'position' | 'productId' | 'qtyOrdered' | 'qtyReceived' | 'unitCost'> &
  CamelCols<typeof products, 'sku' | 'name' | 'altName' | 'unit'> & {
    barcode: SqlRow<typeof barcodes>['code'] | null;
    over: number;
    short: number;
  };
type Cost = SqlRow<typeof products>['cost'];

const FROM = 'purchase_orders po JOIN suppliers su ON su.id = po.supplier_id JOIN stock_locations l ON l.id = po.location_id';

export function listOrders(
  deps: Pick<Deps, 'sqlite'>,
  q: { status?: PoStatus | 'open'; offset: number; limit: number },
): { items: PoSummary[]; total: number } {
  const where = !q.status ? '' : q.status === 'open' ? "WHERE po.status IN ('draft', 'sent', 'partial')" : 'WHERE po.status = @status';
  const args = { status: q.status, limit: q.limit, offset: q.offset };
  const items = deps.sqlite
    .prepare(`SELECT ${SUMMARY} FROM ${FROM} ${where} ORDER BY po.created_at DESC, po.rowid DESC LIMIT @limit OFFSET @offset`)
    .all(args) as SummaryRow[];
  const total = deps.sqlite.prepare(`SELECT COUNT(*) FROM purchase_orders po ${where}`).pluck().get(args) as number;
  return { items, total };
}

export function getOrder(deps: Pick<Deps, 'sqlite'>, id: string): PurchaseOrder {
  const po = deps.sqlite.prepare(`SELECT ${SUMMARY}, po.note, po.closed_at AS closedAt FROM ${FROM} WHERE po.id = ?`).get(id) as
    (SummaryRow & CamelCols<typeof purchaseOrders, 'note' | 'closedAt'>) | undefined;
  if (!po) throw notFound('Purchase order', { id });
  const items = deps.sqlite
    .prepare(
      `SELECT x.id, x.position, x.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit,
              (SELECT code FROM barcodes b WHERE b.product_id = p.id ORDER BY code LIMIT 1) AS barcode,
              x.qty_ordered AS qtyOrdered, x.qty_received AS qtyReceived, x.unit_cost AS unitCost,
              COALESCE((SELECT SUM(over_qty) FROM po_receipts r WHERE r.line_id = x.id AND r.kind = 'receipt'), 0) AS over,
              COALESCE((SELECT SUM(qty) FROM po_receipts r WHERE r.line_id = x.id AND r.kind = 'short'), 0) AS short
       FROM purchase_order_lines x JOIN products p ON p.id = x.product_id WHERE x.po_id = ? ORDER BY x.position`,
    )
    .all(id) as LineRow[];
  return { ...po, items };
}

function requireStatus(po: { number: string; status: PoStatus }, allowed: PoStatus[], what: string): void {
  if (!allowed.includes(po.status))
    throw new AppError('CONFLICT', `${po.number} is ${po.status}: it cannot ${what}`, {
      status: po.status,
      allowed,
      number: po.number,
      messageKey: 'inv.err.poStatus',
    });
}

function nextNumber(deps: Deps): string {
  const key = `po:${deps.terminalCode}`;
  deps.sqlite.prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1').run(key);
  const value = deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').pluck().get(key) as SqlRow<typeof counters>['value'];
  return `PO-${deps.terminalCode}-${String(value).padStart(6, '0')}`;
}

function touch(deps: Deps, id: string, set: Record<string, unknown> = {}): void {
  const cols = Object.keys(set);
  deps.sqlite
    .prepare(`UPDATE purchase_orders SET ${cols.map((c) => `${c} = @${c}, `).join('')}updated_at = @now WHERE id = @id`)
    .run({ ...set, now: deps.clock(), id });
}

export interface LineInput {
  productId: string;
  qty: number;
  unitCost?: number;
}

export function createOrder(
  deps: Deps,
  input: { supplierId: string; locationId: string; note?: string | null; lines?: LineInput[] },
  staffId: string | null,
): PurchaseOrder {
  const supplier = getSupplier(deps, input.supplierId);
  if (supplier.archived)
    throw new AppError('CONFLICT', `${supplier.name} is archived`, {
      supplierId: supplier.id,
      value: supplier.name,
      messageKey: 'inv.err.supplierArchived',
    });
  getLocation(deps, input.locationId, { active: true });
  const id = deps.ids();
  const now = deps.clock();
  const number = nextNumber(deps);
  deps.sqlite
    .prepare(
      `INSERT INTO purchase_orders (id, number, supplier_id, location_id, status, note, created_by, created_at, updated_at, hlc)
       VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
    )
    .run(id, number, supplier.id, input.locationId, input.note ?? null, staffId, now, now, UNSTAMPED);
  if (input.lines?.length) insertLines(deps, id, input.lines);
  return getOrder(deps, id);
}

/** Adds lines (or raises the quantity of a product already on the order). No limit on the number of lines. */
function insertLines(deps: Deps, poId: string, lines: LineInput[]): void {
  const find = deps.sqlite.prepare('SELECT id FROM purchase_order_lines WHERE po_id = ? AND product_id = ?').pluck();
  const bump = deps.sqlite.prepare(
    'UPDATE purchase_order_lines SET qty_ordered = qty_ordered + ?, unit_cost = COALESCE(?, unit_cost) WHERE id = ?',
  );
  const cost = deps.sqlite.prepare('SELECT cost FROM products WHERE id = ?').pluck();
  const ins = deps.sqlite.prepare(
    'INSERT INTO purchase_order_lines (id, po_id, position, product_id, qty_ordered, unit_cost, qty_received) VALUES (?, ?, ?, ?, ?, ?, 0)',
  );
  let position = deps.sqlite
    .prepare('SELECT COALESCE(MAX(position), 0) FROM purchase_order_lines WHERE po_id = ?')
    .pluck()
    .get(poId) as number;
  for (const l of lines) {
    const productCost = cost.get(l.productId) as Cost | undefined;
    if (productCost === undefined) throw notFound('Product', { productId: l.productId });
    const existing = find.get(poId, l.productId) as SqlRow<typeof purchaseOrderLines>['id'] | undefined;
    if (existing) bump.run(l.qty, l.unitCost ?? null, existing);
    else ins.run(deps.ids(), poId, ++position, l.productId, l.qty, l.unitCost ?? productCost);
  }
  assertWithinLimits(deps, poId);
}

/**
 * The same limits as a sale (shared/money.ts): a line's quantity and amount and the order's total
 * stay far below 2^53, however often lines are bumped. Run inside the handler's transaction, so a
 * change past them is rolled back whole.
 */
function assertWithinLimits(deps: Pick<Deps, 'sqlite'>, poId: string): void {
  // TOTAL() sums as a float: it cannot overflow, and is precise enough to compare with a limit.
  const r = deps.sqlite
    .prepare(
      `SELECT MAX(qty_ordered) AS qty, MAX(qty_ordered * unit_cost) AS line, TOTAL(qty_ordered * unit_cost) AS total
       FROM purchase_order_lines WHERE po_id = ?`,
    )
    .get(poId) as { qty: number | null; line: number | null; total: number };
  if ((r.qty ?? 0) > MAX_QTY || (r.line ?? 0) / 1000 > MAX_LINE_AMOUNT || r.total / 1000 > MAX_CART_AMOUNT)
    throw new AppError('VALIDATION', 'This order line or order would be too large', {
      messageKey: AMOUNT_TOO_LARGE_KEY,
      maxLine: MAX_LINE_AMOUNT,
      maxOrder: MAX_CART_AMOUNT,
    });
}

export function addLines(deps: Deps, id: string, lines: LineInput[]): PurchaseOrder {
  requireStatus(getOrder(deps, id), ['draft'], 'be changed (only a draft can)');
  insertLines(deps, id, lines);
  touch(deps, id);
  return getOrder(deps, id);
}

export function updateLine(
  deps: Deps,
  input: { id: string; lineId: string; qty?: number; unitCost?: number; remove?: boolean },
): PurchaseOrder {
  requireStatus(getOrder(deps, input.id), ['draft'], 'be changed (only a draft can)');
  const line = deps.sqlite.prepare('SELECT id FROM purchase_order_lines WHERE id = ? AND po_id = ?').get(input.lineId, input.id);
  if (!line) throw notFound('Order line', { lineId: input.lineId });
  if (input.remove) deps.sqlite.prepare('DELETE FROM purchase_order_lines WHERE id = ?').run(input.lineId);
  else
    deps.sqlite
      .prepare('UPDATE purchase_order_lines SET qty_ordered = COALESCE(?, qty_ordered), unit_cost = COALESCE(?, unit_cost) WHERE id = ?')
      .run(input.qty ?? null, input.unitCost ?? null, input.lineId);
  assertWithinLimits(deps, input.id);
  touch(deps, input.id);
  return getOrder(deps, input.id);
}

export function sendOrder(deps: Deps, id: string, staffId: string | null): PurchaseOrder {
  const po = getOrder(deps, id);
  requireStatus(po, ['draft'], 'be sent');
  if (po.items.length === 0)
    throw new AppError('VALIDATION', 'Add at least one item before sending', { field: 'lines', messageKey: 'inv.err.poEmpty' });
  touch(deps, id, { status: 'sent', sent_at: deps.clock() });
  recordAudit(deps, { staffId, action: 'po.send', target: id, details: { number: po.number, total: po.total }, success: true });
  return getOrder(deps, id);
}

/**
 * Receives `qty` on one line: stock rises at the order's location, the product's average cost
 * is re-weighted, and the part beyond what was outstanding is recorded as an over-delivery.
 */
function receiveLine(
  deps: Deps,
  po: PurchaseOrder,
  lineId: string,
  qty: number,
  unitCost: number | undefined,
  staffId: string | null,
): { over: number } {
  const line = deps.sqlite
    .prepare(
      'SELECT product_id AS productId, qty_ordered AS ordered, qty_received AS received, unit_cost AS unitCost FROM purchase_order_lines WHERE id = ? AND po_id = ?',
    )
    .get(lineId, po.id) as
    | (CamelCols<typeof purchaseOrderLines, 'productId' | 'unitCost'> & {
        ordered: SqlRow<typeof purchaseOrderLines>['qty_ordered'];
        received: SqlRow<typeof purchaseOrderLines>['qty_received'];
      })
    | undefined;
  if (!line) throw notFound('Order line', { lineId });
  const cost = unitCost ?? line.unitCost;
  const over = Math.max(0, qty - Math.max(0, line.ordered - line.received));
  const now = deps.clock();
  deps.sqlite
    .prepare(
      "INSERT INTO po_receipts (id, po_id, line_id, product_id, kind, qty, over_qty, unit_cost, staff_id, at) VALUES (?, ?, ?, ?, 'receipt', ?, ?, ?, ?, ?)",
    )
    .run(deps.ids(), po.id, lineId, line.productId, qty, over, cost, staffId, now);
  deps.sqlite.prepare('UPDATE purchase_order_lines SET qty_received = qty_received + ? WHERE id = ?').run(qty, lineId);

  // Weighted average cost over everything on hand (stock below zero counts as none).
  const onHand = Math.max(0, stockOnHand(deps, line.productId));
  const oldCost = deps.sqlite.prepare('SELECT cost FROM products WHERE id = ?').pluck().get(line.productId) as Cost;
  const newCost = Math.round((onHand * oldCost + qty * cost) / (onHand + qty));
  if (newCost !== oldCost) {
    deps.sqlite.prepare('UPDATE products SET cost = ?, updated_at = ? WHERE id = ?').run(newCost, now, line.productId);
    auditPriceChange(deps, staffId, line.productId, 'cost', oldCost, newCost, `received on ${po.number}`);
  }
  recordMovement(deps, {
    productId: line.productId,
    locationId: po.locationId,
    qtyDelta: qty,
    kind: 'receipt',
    refId: po.id,
    staffId,
    unitCost: cost,
  });
  return { over };
}

function settleStatus(deps: Deps, id: string): void {
  const open = deps.sqlite
    .prepare('SELECT COUNT(*) FROM purchase_order_lines WHERE po_id = ? AND qty_received < qty_ordered')
    .pluck()
    .get(id) as number;
  touch(deps, id, { status: open === 0 ? 'received' : 'partial' });
}

const RECEIVABLE: PoStatus[] = ['sent', 'partial', 'received'];

export function receiveScan(
  deps: Deps,
  input: { id: string; code: string; qty?: number; unitCost?: number; extra?: boolean },
  staffId: string | null,
): ReceiveResult {
  const po = getOrder(deps, input.id);
  requireStatus(po, RECEIVABLE, 'receive goods (send it first)');
  const productId = productIdByCode(deps, input.code);
  if (!productId) throw new AppError('NOT_FOUND', `Unknown barcode ${input.code}`, { code: input.code });
  let line = po.items.find((l) => l.productId === productId);
  if (!line) {
    const { name, altName } = deps.sqlite
      .prepare('SELECT name, alt_name AS altName FROM products WHERE id = ?')
      .get(productId) as CamelCols<typeof products, 'name' | 'altName'>;
    if (!input.extra)
      throw new AppError('NOT_FOUND', `${name} is not on ${po.number}`, { notOnOrder: true, productId, name, altName, code: input.code });
    // Not ordered but delivered: a line with nothing ordered, so all of it is an over-delivery.
    deps.sqlite
      .prepare(
        'INSERT INTO purchase_order_lines (id, po_id, position, product_id, qty_ordered, unit_cost, qty_received) VALUES (?, ?, ?, ?, 0, (SELECT cost FROM products WHERE id = ?), 0)',
      )
      .run(deps.ids(), po.id, po.items.reduce((m, l) => Math.max(m, l.position), 0) + 1, productId, productId);
    line = getOrder(deps, po.id).items.find((l) => l.productId === productId)!;
  }
  const qty = input.qty ?? 1000;
  const { over } = receiveLine(deps, po, line.id, qty, input.unitCost, staffId);
  settleStatus(deps, po.id);
  return { order: getOrder(deps, po.id), lineId: line.id, received: qty, over };
}

export function receiveLines(
  deps: Deps,
  input: { id: string; lines: { lineId: string; qty: number; unitCost?: number }[] },
  staffId: string | null,
): PurchaseOrder {
  const po = getOrder(deps, input.id);
  requireStatus(po, RECEIVABLE, 'receive goods (send it first)');
  for (const l of input.lines) receiveLine(deps, po, l.lineId, l.qty, l.unitCost, staffId);
  settleStatus(deps, po.id);
  return getOrder(deps, po.id);
}

/** Stops receiving: every line's outstanding quantity is recorded as an under-delivery. */
export function closeOrder(deps: Deps, id: string, staffId: string | null): PurchaseOrder {
  const po = getOrder(deps, id);
  requireStatus(po, ['sent', 'partial', 'received'], 'be closed');
  const now = deps.clock();
  const ins = deps.sqlite.prepare(
    "INSERT INTO po_receipts (id, po_id, line_id, product_id, kind, qty, over_qty, unit_cost, staff_id, at) VALUES (?, ?, ?, ?, 'short', ?, 0, ?, ?, ?)",
  );
  let short = 0;
  for (const l of po.items) {
    const missing = l.qtyOrdered - l.qtyReceived;
    if (missing > 0) {
      ins.run(deps.ids(), po.id, l.id, l.productId, missing, l.unitCost, staffId, now);
      short += missing;
    }
  }
  touch(deps, id, { status: short > 0 ? 'closed' : 'received', closed_at: now });
  recordAudit(deps, { staffId, action: 'po.close', target: id, details: { number: po.number, short }, success: true });
  return getOrder(deps, id);
}

export function cancelOrder(deps: Deps, id: string, staffId: string | null): PurchaseOrder {
  const po = getOrder(deps, id);
  requireStatus(po, ['draft', 'sent'], 'be cancelled');
  if (po.qtyReceived > 0)
    throw new AppError('CONFLICT', `${po.number} has receipts: close it instead`, {
      number: po.number,
      messageKey: 'inv.err.poHasReceipts',
    });
  touch(deps, id, { status: 'cancelled', closed_at: deps.clock() });
  recordAudit(deps, { staffId, action: 'po.cancel', target: id, details: { number: po.number }, success: true });
  return getOrder(deps, id);
}

/**
 * Low-stock suggestions → draft orders in one step: one per supplier (the item's preferred
 * supplier, or `supplierId` for items that have none), at the suggested quantities and current cost.
 */
export function ordersFromSuggestions(
  deps: Deps,
  input: { locationId: string; productIds?: string[]; supplierId?: string },
  staffId: string | null,
): PurchaseOrder[] {
  getLocation(deps, input.locationId, { active: true });
  if (input.supplierId) getSupplier(deps, input.supplierId);
  const all: ReturnType<typeof lowStock>['items'] = [];
  for (let offset = 0; ; offset += 10_000) {
    const page = lowStock(deps, { locationId: input.locationId, productIds: input.productIds, offset, limit: 10_000 });
    all.push(...page.items);
    if (page.items.length < 10_000) break;
  }
  const wanted = all.filter((r) => r.suggestedQty > 0);
  if (wanted.length === 0)
    throw new AppError('VALIDATION', 'Nothing needs ordering for these items', {
      field: 'productIds',
      messageKey: 'inv.err.nothingToOrder',
    });
  const orphans = wanted.filter((r) => !r.supplierId && !input.supplierId);
  if (orphans.length > 0)
    throw new AppError('VALIDATION', `${orphans.length} item(s) have no supplier: choose one`, {
      field: 'supplierId',
      count: orphans.length,
      messageKey: 'inv.err.noSupplier',
      items: orphans.slice(0, 50).map((r) => ({ productId: r.productId, sku: r.sku, name: r.name, altName: r.altName })),
    });
  const bySupplier = new Map<string, LineInput[]>();
  for (const r of wanted) {
    const sid = r.supplierId ?? input.supplierId!;
    let list = bySupplier.get(sid);
    if (!list) bySupplier.set(sid, (list = []));
    list.push({ productId: r.productId, qty: r.suggestedQty, unitCost: r.cost });
  }
  return [...bySupplier].map(([supplierId, lines]) =>
    createOrder(deps, { supplierId, locationId: input.locationId, note: 'From low-stock suggestions', lines }, staffId),
  );
}
