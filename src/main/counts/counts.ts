import type { CountDetail, CountSession, VarianceReport, VarianceRow } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { productIdByCode } from '../catalog/products';
import { levelAt, recordMovement } from '../inventory/ledger';
import { getLocation } from '../inventory/stock';
import { UNSTAMPED } from '../db/write-path';
import type { CamelCols, Cols, SqlRow } from '../db/rows';
import type { countLines, countSessions, products, stockLevels, stockLocations } from '../db/schema';

/**
 * Stock counts. A line remembers the level at the moment the item was first counted, so sales
 * during the count are not mistaken for a variance: approval posts counted − expected as a
 * `count` movement, once. A full count (or a count of a category) may also zero the items in its
 * scope that nobody counted.
 */

type Status = CountSession['status'];

const SESSION = `c.id, c.name, c.scope, c.location_id AS locationId, l.name AS locationName, c.category_id AS categoryId, c.blind, c.status,
  c.created_at AS createdAt, c.approved_at AS approvedAt, (SELECT COUNT(*) FROM count_lines x WHERE x.session_id = c.id) AS counted`;

type SessionRow = CamelCols<
  typeof countSessions,
  'id' | 'name' | 'scope' | 'locationId' | 'categoryId' | 'blind' | 'status' | 'createdAt' | 'approvedAt'
> & { locationName: SqlRow<typeof stockLocations>['name']; counted: number };

type ProductCols = CamelCols<typeof products, 'sku' | 'name' | 'altName' | 'unit'>;

function getSession(deps: Pick<Deps, 'sqlite'>, id: string): CountSession {
  const row = deps.sqlite
    .prepare(`SELECT ${SESSION} FROM count_sessions c JOIN stock_locations l ON l.id = c.location_id WHERE c.id = ?`)
    .get(id) as SessionRow | undefined;
  if (!row) throw notFound('Count', { id });
  return { ...row, blind: row.blind === 1 };
}

export function listCounts(deps: Pick<Deps, 'sqlite'>, status?: Status): CountSession[] {
  const rows = deps.sqlite
    .prepare(
      `SELECT ${SESSION} FROM count_sessions c JOIN stock_locations l ON l.id = c.location_id
       ${status ? 'WHERE c.status = ?' : ''} ORDER BY c.created_at DESC LIMIT 200`,
    )
    .all(...(status ? [status] : [])) as SessionRow[];
  return rows.map((r) => ({ ...r, blind: r.blind === 1 }));
}

export function getCount(deps: Pick<Deps, 'sqlite'>, id: string): CountDetail {
  const session = getSession(deps, id);
  const hide = session.blind && session.status === 'open';
  const lines = (
    deps.sqlite
      .prepare(
        `SELECT x.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, x.counted, x.expected, x.counted_at AS countedAt
         FROM count_lines x JOIN products p ON p.id = x.product_id WHERE x.session_id = ? ORDER BY x.counted_at DESC, x.rowid DESC`,
      )
      .all(id) as (CamelCols<typeof countLines, 'productId' | 'counted' | 'expected' | 'countedAt'> & ProductCols)[]
  ).map((l) => (hide ? { ...l, expected: null } : l));
  return { ...session, lines };
}

function requireOpen(s: CountSession): void {
  if (s.status !== 'open')
    throw new AppError('CONFLICT', `This count is ${s.status}`, { status: s.status, messageKey: `inv.err.count.${s.status}` });
}

export function createCount(
  deps: Deps,
  input: { name: string; scope: 'full' | 'partial'; locationId: string; categoryId?: string | null; blind: boolean },
  staffId: string | null,
): CountDetail {
  getLocation(deps, input.locationId, { active: true });
  if (input.categoryId && !deps.sqlite.prepare('SELECT 1 FROM categories WHERE id = ?').get(input.categoryId))
    throw notFound('Category', { field: 'categoryId' });
  if (input.scope === 'full' && input.categoryId)
    throw new AppError('VALIDATION', 'A full count covers the whole location: use a partial count for a category', {
      field: 'categoryId',
      messageKey: 'inv.err.fullWithCategory',
    });
  const id = deps.ids();
  deps.sqlite
    .prepare(
      `INSERT INTO count_sessions (id, name, scope, location_id, category_id, blind, status, created_by, created_at, hlc)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
    )
    .run(id, input.name, input.scope, input.locationId, input.categoryId ?? null, input.blind ? 1 : 0, staffId, deps.clock(), UNSTAMPED);
  return getCount(deps, id);
}

function setLine(deps: Deps, s: CountSession, productId: string, counted: (prev: number) => number, staffId: string | null): void {
  const p = deps.sqlite.prepare('SELECT category_id AS categoryId, name FROM products WHERE id = ?').get(productId) as
    CamelCols<typeof products, 'categoryId' | 'name'> | undefined;
  if (!p) throw notFound('Product', { productId });
  if (s.categoryId && p.categoryId !== s.categoryId)
    throw new AppError('VALIDATION', `${p.name} is not in the category of this count`, {
      productId,
      field: 'code',
      value: p.name,
      messageKey: 'inv.err.notInCategory',
    });
  const prev = deps.sqlite
    .prepare('SELECT counted FROM count_lines WHERE session_id = ? AND product_id = ?')
    .pluck()
    .get(s.id, productId) as SqlRow<typeof countLines>['counted'] | undefined;
  const now = deps.clock();
  const value = counted(prev ?? 0);
  if (value < 0 || value > 100_000_000) throw new AppError('VALIDATION', 'Counted quantity out of range', { field: 'qty' });
  if (prev === undefined)
    deps.sqlite
      .prepare('INSERT INTO count_lines (session_id, product_id, counted, expected, counted_by, counted_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.id, productId, value, levelAt(deps, productId, s.locationId), staffId, now);
  else
    deps.sqlite
      .prepare('UPDATE count_lines SET counted = ?, counted_by = ?, counted_at = ? WHERE session_id = ? AND product_id = ?')
      .run(value, staffId, now, s.id, productId);
}

/** Scan to count: each scan adds one unit (or `qty`) to the item's count. */
export function scanCount(deps: Deps, input: { id: string; code: string; qty?: number }, staffId: string | null): CountDetail {
  const s = getSession(deps, input.id);
  requireOpen(s);
  const productId = productIdByCode(deps, input.code);
  if (!productId) throw new AppError('NOT_FOUND', `Unknown barcode ${input.code}`, { code: input.code });
  setLine(deps, s, productId, (prev) => prev + (input.qty ?? 1000), staffId);
  return getCount(deps, s.id);
}

export function setCountQty(deps: Deps, input: { id: string; productId: string; counted: number }, staffId: string | null): CountDetail {
  const s = getSession(deps, input.id);
  requireOpen(s);
  setLine(deps, s, input.productId, () => input.counted, staffId);
  return getCount(deps, s.id);
}

export function submitCount(deps: Deps, id: string): CountDetail {
  const s = getSession(deps, id);
  requireOpen(s);
  deps.sqlite.prepare("UPDATE count_sessions SET status = 'submitted', submitted_at = ? WHERE id = ?").run(deps.clock(), id);
  return getCount(deps, id);
}

export function cancelCount(deps: Deps, id: string, staffId: string | null): CountDetail {
  const s = getSession(deps, id);
  if (s.status !== 'open' && s.status !== 'submitted')
    throw new AppError('CONFLICT', `This count is ${s.status}`, { status: s.status, messageKey: `inv.err.count.${s.status}` });
  deps.sqlite.prepare("UPDATE count_sessions SET status = 'cancelled' WHERE id = ?").run(id);
  recordAudit(deps, { staffId, action: 'count.cancel', target: id, success: true });
  return getCount(deps, id);
}

/** Items in the count's scope that were never counted and hold stock now (full counts and category counts only). */
function uncountedInScope(deps: Pick<Deps, 'sqlite'>, s: CountSession): VarianceRow[] {
  if (s.scope === 'partial' && !s.categoryId) return [];
  return (
    deps.sqlite
      .prepare(
        `SELECT s.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, s.qty AS expected, p.cost
         FROM stock_levels s JOIN products p ON p.id = s.product_id
         WHERE s.location_id = @loc AND s.qty <> 0 ${s.categoryId ? 'AND p.category_id = @cat' : ''}
           AND NOT EXISTS (SELECT 1 FROM count_lines x WHERE x.session_id = @id AND x.product_id = s.product_id)
         ORDER BY p.name`,
      )
      .all({ loc: s.locationId, cat: s.categoryId, id: s.id }) as (CamelCols<typeof stockLevels, 'productId'> &
      ProductCols &
      Cols<typeof products, 'cost'> & { expected: SqlRow<typeof stockLevels>['qty'] })[]
  ).map((r) => ({ ...r, counted: null, variance: -r.expected, value: Math.round((-r.expected * r.cost) / 1000) }));
}

export function varianceReport(deps: Pick<Deps, 'sqlite'>, id: string): VarianceReport {
  const session = getSession(deps, id);
  const counted = (
    deps.sqlite
      .prepare(
        `SELECT x.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, x.expected, x.counted, p.cost
         FROM count_lines x JOIN products p ON p.id = x.product_id WHERE x.session_id = ? ORDER BY p.name`,
      )
      .all(id) as (CamelCols<typeof countLines, 'productId' | 'expected' | 'counted'> & ProductCols & Cols<typeof products, 'cost'>)[]
  ).map((r) => {
    const variance = r.counted! - r.expected;
    return { ...r, variance, value: Math.round((variance * r.cost) / 1000) };
  });
  const uncounted = session.status === 'approved' || session.status === 'cancelled' ? [] : uncountedInScope(deps, session);
  const rows = [...counted, ...uncounted];
  return {
    session,
    rows,
    uncounted: uncounted.length,
    totalVariance: rows.reduce((s, r) => s + r.variance, 0),
    totalValue: rows.reduce((s, r) => s + r.value, 0),
  };
}

/** The manager's approval: every variance becomes one `count` movement. A second approval is refused. */
export function approveCount(deps: Deps, input: { id: string; uncounted: 'zero' | 'ignore' }, staffId: string | null): VarianceReport {
  const s = getSession(deps, input.id);
  if (s.status === 'approved')
    throw new AppError('CONFLICT', 'This count was already approved', { status: s.status, messageKey: 'inv.err.count.approved' });
  if (s.status === 'cancelled')
    throw new AppError('CONFLICT', 'This count was cancelled', { status: s.status, messageKey: 'inv.err.count.cancelled' });
  const report = varianceReport(deps, s.id);
  let moved = 0;
  for (const r of report.rows) {
    if (r.variance === 0 || (r.counted === null && input.uncounted !== 'zero')) continue;
    recordMovement(deps, {
      productId: r.productId,
      locationId: s.locationId,
      qtyDelta: r.variance,
      kind: 'count',
      refId: s.id,
      staffId,
      reason: s.name,
    });
    moved++;
  }
  // Guarded by status, so a racing second approval changes nothing.
  const done = deps.sqlite
    .prepare(
      "UPDATE count_sessions SET status = 'approved', approved_by = ?, approved_at = ? WHERE id = ? AND status IN ('open', 'submitted')",
    )
    .run(staffId, deps.clock(), s.id);
  if (done.changes !== 1) throw new AppError('CONFLICT', 'This count was already approved', { messageKey: 'inv.err.count.approved' });
  recordAudit(deps, {
    staffId,
    action: 'count.approve',
    target: s.id,
    details: { movements: moved, totalVariance: report.totalVariance, totalValue: report.totalValue, uncounted: input.uncounted },
    success: true,
  });
  return { ...varianceReport(deps, s.id), rows: report.rows };
}
