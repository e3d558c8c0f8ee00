/**
 * Cash-drawer sessions per terminal: open with a counted float, cash in and out with a reason,
 * no-sale drawer opens, an X report at any time, and a close with the counted cash that produces
 * the Z report (journaled). Selling needs an open shift (`requireOpenShift`).
 *
 * Expected cash = float + cash sales − cash refunds + cash in − cash out.
 */
import { shiftCardCash, shiftCardLines } from '../stored-value/reports';
import type { ShiftReport, ShiftSummary } from '../../shared/api/shifts';
import { countTotal, unknownDenominations, type DenominationCounts } from '../../shared/denominations';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { appendJournal } from '../journal/journal';
import { readSettings } from '../settings/settings';
import { loadCart } from '../sales/cart';
import type { SessionStaff } from '../sessions';
import { cachedStatement } from '../db/statements';
import { piecesAndMass } from '../../shared/units';
import type { CamelCols, Cols, Outer, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

type Sql = Pick<Deps, 'sqlite'>;

type ShiftRow = CamelCols<
  typeof schema.shifts,
  'id' | 'number' | 'terminalCode' | 'currency' | 'openedAt' | 'openingFloat' | 'openingCounts'
> & {
  openedBy: SqlRow<typeof schema.staff>['name'];
} & Outer<
    CamelCols<typeof schema.shiftCloses, 'closedAt' | 'expectedCash' | 'countedCash' | 'overShort' | 'countedCounts' | 'report'> & {
      closedBy: SqlRow<typeof schema.staff>['name'];
    }
  >;

const SHIFT_SELECT = `SELECT s.id, s.number, s.terminal_code AS terminalCode, s.currency, s.opened_at AS openedAt,
    so.name AS openedBy, s.opening_float AS openingFloat, s.opening_counts AS openingCounts,
    c.closed_at AS closedAt, sc.name AS closedBy, c.expected_cash AS expectedCash, c.counted_cash AS countedCash,
    c.over_short AS overShort, c.counted_counts AS countedCounts, c.report
  FROM shifts s
  JOIN staff so ON so.id = s.opened_by
  LEFT JOIN shift_closes c ON c.shift_id = s.id
  LEFT JOIN staff sc ON sc.id = c.closed_by`;

function summary(r: ShiftRow): ShiftSummary {
  return {
    id: r.id,
    number: r.number,
    terminalCode: r.terminalCode,
    currency: r.currency,
    openedAt: r.openedAt,
    openedBy: r.openedBy,
    closedAt: r.closedAt,
    closedBy: r.closedBy,
    openingFloat: r.openingFloat,
    expectedCash: r.expectedCash,
    countedCash: r.countedCash,
    overShort: r.overShort,
  };
}

function shiftRow(deps: Sql, id: string): ShiftRow | undefined {
  return deps.sqlite.prepare(`${SHIFT_SELECT} WHERE s.id = ?`).get(id) as ShiftRow | undefined;
}

/** The terminal's open shift, if any. */
export function openShiftOf(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): ShiftSummary | null {
  const row = deps.sqlite
    .prepare(`${SHIFT_SELECT} WHERE s.terminal_code = ? AND c.shift_id IS NULL ORDER BY s.opened_at DESC LIMIT 1`)
    .get(deps.terminalCode) as ShiftRow | undefined;
  return row ? summary(row) : null;
}

/** Selling (and refunding cash) needs an open shift on this terminal: its id, or a clear refusal. */
/** The terminal's open shift (run by every sale). */
export const OPEN_SHIFT_SQL = `SELECT s.id FROM shifts s WHERE s.terminal_code = ? AND NOT EXISTS (SELECT 1 FROM shift_closes c WHERE c.shift_id = s.id)
  ORDER BY s.opened_at DESC LIMIT 1`;

export function requireOpenShift(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): string {
  const id = cachedStatement(deps.sqlite, OPEN_SHIFT_SQL, 'pluck').get(deps.terminalCode) as SqlRow<typeof schema.shifts>['id'] | undefined;
  if (!id) throw new AppError('SHIFT_REQUIRED', 'No shift is open on this terminal: open a shift (count the float) before selling');
  return id;
}

/** The API's list of counts as a record, refusing a denomination listed twice. */
export function countsRecord(list: { value: number; pieces: number }[]): DenominationCounts {
  const out: DenominationCounts = {};
  for (const { value, pieces } of list) {
    if (String(value) in out) throw new AppError('VALIDATION', `The ${value} denomination is counted twice`, { field: 'counts' });
    out[String(value)] = pieces;
  }
  return out;
}

function checkCounts(currency: string, counts: DenominationCounts): void {
  const unknown = unknownDenominations(currency, counts);
  if (unknown.length)
    throw new AppError('VALIDATION', `Not a ${currency} note or coin: ${unknown.join(', ')}`, { field: 'counts', unknown });
  if (countTotal(counts) > 1_000_000_000) throw new AppError('VALIDATION', 'That count is too large', { field: 'counts' });
}

const cleanCounts = (counts: DenominationCounts): DenominationCounts =>
  Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => Number(b) - Number(a)),
  );

function nextShiftNumber(deps: Deps): string {
  const key = `shift:${deps.terminalCode}`;
  deps.sqlite.prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1').run(key);
  const value = deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').pluck().get(key) as SqlRow<
    typeof schema.counters
  >['value'];
  return `${deps.terminalCode}-S${String(value).padStart(4, '0')}`;
}

export function openShift(deps: Deps, staff: SessionStaff, counts: DenominationCounts): ShiftReport {
  const open = openShiftOf(deps);
  if (open)
    throw new AppError('CONFLICT', `Shift ${open.number} is already open on this terminal`, { reason: 'alreadyOpen', shiftId: open.id });
  const { currency } = readSettings(deps);
  checkCounts(currency, counts);
  const id = deps.ids();
  const now = deps.clock();
  const float = countTotal(counts);
  const number = nextShiftNumber(deps);
  const opening = cleanCounts(counts);
  deps.sqlite
    .prepare(
      `INSERT INTO shifts (id, number, terminal_code, currency, opened_by, opened_at, opening_float, opening_counts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, number, deps.terminalCode, currency, staff.id, now, float, JSON.stringify(opening));
  recordAudit(deps, { staffId: staff.id, action: 'shift.open', target: id, details: { number, float }, success: true });
  return shiftReport(deps, id);
}

/** Cash the drawer should hold now. */
export function expectedCash(deps: Sql, shiftId: string): number {
  const r = cashFigures(deps, shiftId);
  return r.float + r.sales - r.refunds + r.cashIn - r.cashOut + r.cards;
}

function cashFigures(deps: Sql, shiftId: string) {
  const db = deps.sqlite;
  const float = db.prepare('SELECT opening_float FROM shifts WHERE id = ?').pluck().get(shiftId) as SqlRow<
    typeof schema.shifts
  >['opening_float'];
  const sales = db
    .prepare(
      "SELECT COALESCE(SUM(p.amount), 0) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.shift_id = ? AND p.kind = 'cash'",
    )
    .pluck()
    .get(shiftId) as number;
  const refunds = db
    .prepare("SELECT COALESCE(SUM(amount), 0) FROM shift_tallies WHERE shift_id = ? AND kind = 'refund_tender' AND key = 'cash'")
    .pluck()
    .get(shiftId) as number;
  const moves = db
    .prepare(
      `SELECT COALESCE(SUM(CASE WHEN kind = 'in' THEN amount ELSE 0 END), 0) AS cashIn,
              COALESCE(SUM(CASE WHEN kind = 'out' THEN amount ELSE 0 END), 0) AS cashOut FROM cash_movements WHERE shift_id = ?`,
    )
    .get(shiftId) as { cashIn: number; cashOut: number };
  // Cash taken for gift and stored-value cards is in the drawer, though it is not a sale.
  return { float, sales, refunds, ...moves, cards: shiftCardCash(deps, shiftId) };
}

export function cashMove(deps: Deps, staff: SessionStaff, input: { kind: 'in' | 'out'; amount: number; reason: string }): ShiftReport {
  const shiftId = requireOpenShift(deps);
  if (input.kind === 'out') {
    const inDrawer = expectedCash(deps, shiftId);
    if (input.amount > inDrawer)
      throw new AppError('CONFLICT', `Cannot take out more than the drawer holds (${inDrawer} in minor units)`, {
        reason: 'overdraw',
        inDrawer,
        requested: input.amount,
      });
  }
  const id = deps.ids();
  const now = deps.clock();
  deps.sqlite
    .prepare('INSERT INTO cash_movements (id, shift_id, kind, amount, reason, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(id, shiftId, input.kind, input.amount, input.reason, staff.id, now);
  recordAudit(deps, {
    staffId: staff.id,
    action: input.kind === 'in' ? 'cash.in' : 'cash.out',
    target: shiftId,
    details: { amount: input.amount, reason: input.reason },
    success: true,
  });
  return shiftReport(deps, shiftId);
}

/** A no-sale drawer open: recorded against the shift and audited. */
export function recordNoSale(deps: Deps, staff: SessionStaff, reason: string): string {
  const shiftId = requireOpenShift(deps);
  const id = deps.ids();
  const now = deps.clock();
  deps.sqlite
    .prepare("INSERT INTO cash_movements (id, shift_id, kind, amount, reason, staff_id, at) VALUES (?, ?, 'no_sale', 0, ?, ?, ?)")
    .run(id, shiftId, reason, staff.id, now);
  recordAudit(deps, { staffId: staff.id, action: 'drawer.open', target: shiftId, details: { noSale: true, reason }, success: true });
  return id;
}

export function closeShift(deps: Deps, staff: SessionStaff, shiftId: string, counts: DenominationCounts): ShiftReport {
  const row = shiftRow(deps, shiftId);
  if (!row || row.terminalCode !== deps.terminalCode) throw notFound('Shift', { shiftId });
  if (row.closedAt !== null)
    throw new AppError('CONFLICT', `Shift ${row.number} is already closed`, { reason: 'alreadyClosed', shiftId, closedAt: row.closedAt });
  checkCounts(row.currency, counts);
  const now = deps.clock();
  const counted = countTotal(counts);
  const expected = expectedCash(deps, shiftId);
  const countedCounts = cleanCounts(counts);
  // The report as it will be journaled: built from the facts, with the count and the close time.
  const base = buildReport(deps, row, now, { closedAt: now, closedBy: staff.name, counted, countedCounts });
  const { seq } = appendJournal(deps, 'shift_close', shiftId, { ...base, journalSeq: null });
  const report: ShiftReport = { ...base, journalSeq: seq };
  deps.sqlite
    .prepare(
      `INSERT INTO shift_closes (shift_id, closed_by, closed_at, counted_cash, counted_counts, expected_cash, over_short, report)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(shiftId, staff.id, now, counted, JSON.stringify(countedCounts), expected, counted - expected, JSON.stringify(report));
  recordAudit(deps, {
    staffId: staff.id,
    action: 'shift.close',
    target: shiftId,
    details: { expected, counted, overShort: counted - expected },
    success: true,
  });
  return report;
}

/** X report for an open shift, the stored Z report for a closed one. Default: this terminal's open shift. */
export function shiftReport(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'promotions' | 'priceLists' | 'settingsCache'>,
  shiftId?: string,
): ShiftReport {
  const id = shiftId ?? openShiftOf(deps)?.id;
  if (!id) throw new AppError('SHIFT_REQUIRED', 'No shift is open on this terminal');
  const row = shiftRow(deps, id);
  if (!row) throw notFound('Shift', { shiftId: id });
  if (row.report) return JSON.parse(row.report) as ShiftReport;
  return buildReport(deps, row, deps.clock(), null);
}

function buildReport(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'promotions' | 'priceLists' | 'settingsCache'>,
  row: ShiftRow,
  now: number,
  close: { closedAt: number; closedBy: string; counted: number; countedCounts: DenominationCounts } | null,
): ShiftReport {
  const db = deps.sqlite;
  const id = row.id;
  const cash = cashFigures(deps, id);
  const expected = cash.float + cash.sales - cash.refunds + cash.cashIn - cash.cashOut + cash.cards;
  const sales = db
    .prepare(
      `SELECT COUNT(*) AS orders, COALESCE(SUM(subtotal), 0) AS gross, COALESCE(SUM(discount_total), 0) AS discounts,
              COALESCE(SUM(discount_total > 0), 0) AS discountedOrders, COALESCE(SUM(tax_total), 0) AS tax, COALESCE(SUM(total), 0) AS total
       FROM orders WHERE shift_id = ?`,
    )
    .get(id) as Omit<ShiftReport['sales'], 'items' | 'weighed'>;
  // Pieces and weights are different quantities (and lb is not kg): summed per unit, weights as grams.
  const sold = piecesAndMass(
    db
      .prepare(
        `SELECT l.unit, SUM(l.qty) AS qty FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.shift_id = ? GROUP BY l.unit`,
      )
      .all(id) as (Cols<typeof schema.orderLines, 'unit'> & { qty: number })[],
  );
  const paid = db
    .prepare(
      `SELECT p.kind, COUNT(DISTINCT p.order_id) AS count, SUM(p.amount) AS amount FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE o.shift_id = ? GROUP BY p.kind ORDER BY p.kind`,
    )
    .all(id) as (Cols<typeof schema.payments, 'kind'> & { count: number; amount: number })[];
  const refundTenders = db
    .prepare("SELECT key AS kind, count, amount FROM shift_tallies WHERE shift_id = ? AND kind = 'refund_tender'")
    .all(id) as ({ kind: SqlRow<typeof schema.shiftTallies>['key'] } & Cols<typeof schema.shiftTallies, 'count' | 'amount'>)[];
  const tenders = new Map<string, ShiftReport['tenders'][number]>();
  for (const p of paid) tenders.set(p.kind, { kind: p.kind, count: p.count, amount: p.amount, refunds: 0 });
  for (const r of refundTenders) {
    const t = tenders.get(r.kind) ?? { kind: r.kind, count: 0, amount: 0, refunds: 0 };
    t.refunds += r.amount;
    tenders.set(r.kind, t);
  }
  const categoryRows = db
    .prepare(
      `SELECT p.category_id AS categoryId, c.name, c.alt_name AS altName, l.unit, SUM(l.qty) AS qty, SUM(l.total) AS amount
       FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id
       LEFT JOIN categories c ON c.id = p.category_id WHERE o.shift_id = ? GROUP BY p.category_id, l.unit`,
    )
    .all(id) as (CamelCols<typeof schema.products, 'categoryId'> &
    Outer<CamelCols<typeof schema.categories, 'name' | 'altName'>> &
    Cols<typeof schema.orderLines, 'unit'> & { qty: number; amount: number })[];
  // A category's pieces apart from its weight, each unit summed first (as for the whole shift).
  const byCategory = new Map<string | null, { head: (typeof categoryRows)[number]; amount: number; rows: typeof categoryRows }>();
  for (const r of categoryRows) {
    const g = byCategory.get(r.categoryId) ?? { head: r, amount: 0, rows: [] };
    g.amount += r.amount;
    g.rows.push(r);
    byCategory.set(r.categoryId, g);
  }
  const categories: ShiftReport['categories'] = [...byCategory.values()]
    .map(({ head, amount, rows }) => {
      const q = piecesAndMass(rows);
      return { categoryId: head.categoryId, name: head.name, altName: head.altName, qty: q.pieces, weighed: q.grams, amount };
    })
    .sort((a, b) => b.amount - a.amount);
  const taxRates = db
    .prepare(
      `SELECT json_extract(j.value, '$.rateBp') AS rateBp, SUM(json_extract(j.value, '$.base')) AS base, SUM(json_extract(j.value, '$.tax')) AS tax
       FROM orders o, json_each(o.taxes) j WHERE o.shift_id = ? GROUP BY 1 ORDER BY 1`,
    )
    .all(id) as ShiftReport['taxRates'];
  const refundRow = db
    .prepare(
      "SELECT COALESCE(SUM(count), 0) AS count, COALESCE(SUM(amount), 0) AS amount FROM shift_tallies WHERE shift_id = ? AND kind = 'refund'",
    )
    .get(id) as { count: number; amount: number };
  const until = close?.closedAt ?? now;
  const voidedCarts = db
    .prepare(
      `SELECT c.id FROM carts c WHERE c.terminal_code = ? AND c.status = 'voided' AND c.updated_at >= ? AND c.updated_at <= ?
       AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.cart_id = c.id)`,
    )
    .pluck()
    .all(row.terminalCode, row.openedAt, until) as SqlRow<typeof schema.carts>['id'][];
  const voids = { count: voidedCarts.length, amount: voidedCarts.reduce((s, cid) => s + loadCart(deps, cid).priced.total, 0) };
  const movements = db
    .prepare(
      `SELECT m.id, m.kind, m.amount, m.reason, m.at, s.name AS staffName FROM cash_movements m JOIN staff s ON s.id = m.staff_id
       WHERE m.shift_id = ? ORDER BY m.at, m.rowid`,
    )
    .all(id) as (Cols<typeof schema.cashMovements, 'id' | 'kind' | 'amount' | 'reason' | 'at'> & {
    staffName: SqlRow<typeof schema.staff>['name'];
  })[];
  const shift = summary(row);
  if (close) {
    shift.closedAt = close.closedAt;
    shift.closedBy = close.closedBy;
    shift.expectedCash = expected;
    shift.countedCash = close.counted;
    shift.overShort = close.counted - expected;
  }
  return {
    kind: close ? 'Z' : 'X',
    shift,
    storeName: readSettings(deps).storeName,
    generatedAt: now,
    openingCounts: JSON.parse(row.openingCounts) as Record<string, number>,
    countedCounts: close ? close.countedCounts : null,
    cash: {
      float: cash.float,
      sales: cash.sales,
      refunds: cash.refunds,
      cashIn: cash.cashIn,
      cashOut: cash.cashOut,
      ...(cash.cards !== 0 ? { cards: cash.cards } : {}),
      expected,
      counted: close ? close.counted : null,
      overShort: close ? close.counted - expected : null,
    },
    sales: { ...sales, items: sold.pieces, weighed: sold.grams },
    tenders: [...tenders.values()],
    categories,
    taxRates,
    refunds: refundRow,
    voids,
    noSales: movements.filter((m) => m.kind === 'no_sale').length,
    movements,
    journalSeq: null,
    storedValue: shiftCardLines(
      deps,
      { id, terminalCode: row.terminalCode, openedAt: row.openedAt, closedAt: close?.closedAt ?? null },
      now,
    ),
  };
}

export function listShifts(deps: Sql, limit: number, offset = 0): ShiftSummary[] {
  return (
    deps.sqlite.prepare(`${SHIFT_SELECT} ORDER BY s.opened_at DESC, s.rowid DESC LIMIT ? OFFSET ?`).all(limit, offset) as ShiftRow[]
  ).map(summary);
}

/** Stamps a sale with its shift, in the sale's own transaction (right after the order row is written). */
export function attachShift(deps: Sql, orderId: string, shiftId: string): void {
  cachedStatement(deps.sqlite, 'UPDATE orders SET shift_id = ? WHERE id = ? AND shift_id IS NULL').run(shiftId, orderId);
}
