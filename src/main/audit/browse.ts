import type { z } from 'zod';
import type { AuditFacets, AuditName, AuditPage, AuditRow, auditFilter } from '../../shared/api/admin';
import type { Deps } from '../deps';
import type { Cols, SqlRow } from '../db/rows';
import type { audit, staff } from '../db/schema';

export type AuditFilter = z.output<typeof auditFilter>;

const DEFAULT_LIMIT = 50;

type AuditLogRow = Cols<typeof audit, 'id' | 'at' | 'action' | 'target' | 'details' | 'success'> & {
  staffId: SqlRow<typeof audit>['staff_id'];
  staffName: SqlRow<typeof staff>['name'] | null;
  terminalCode: SqlRow<typeof audit>['terminal_code'];
  approvedBy: SqlRow<typeof audit>['approved_by'];
  approverName: SqlRow<typeof staff>['name'] | null;
};

/**
 * The audit log, newest first, filtered and paged in SQL (keyset on `at, id`, so a page never
 * skips or repeats a row while new entries arrive). `actionPrefix` picks a whole family of actions.
 */
export function listAudit(deps: Pick<Deps, 'sqlite'>, f: AuditFilter): AuditPage {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.staffId) {
    where.push('a.staff_id = ?');
    args.push(f.staffId);
  }
  if (f.approvedBy) {
    where.push('a.approved_by = ?');
    args.push(f.approvedBy);
  }
  if (f.action) {
    where.push('a.action = ?');
    args.push(f.action);
  }
  if (f.actionPrefix) {
    // A range on the action index rather than LIKE (whose wildcards a prefix could contain).
    where.push("a.action >= ? AND a.action < ? || '\uffff'");
    args.push(f.actionPrefix, f.actionPrefix);
  }
  if (f.terminal) {
    where.push('a.terminal_code = ?');
    args.push(f.terminal);
  }
  if (f.outcome) where.push(f.outcome === 'success' ? 'a.success = 1' : 'a.success = 0');
  if (f.from !== undefined) {
    where.push('a.at >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('a.at < ?');
    args.push(f.to);
  }
  if (f.before) {
    where.push('(a.at < ? OR (a.at = ? AND a.id < ?))');
    args.push(f.before.at, f.before.at, f.before.id);
  }
  const limit = f.limit ?? DEFAULT_LIMIT;
  const rows = deps.sqlite
    .prepare(
      `SELECT a.id, a.at, a.staff_id AS staffId, s.name AS staffName, a.action, a.target, a.details,
              a.terminal_code AS terminalCode, a.approved_by AS approvedBy, ap.name AS approverName, a.success
       FROM audit a LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN staff ap ON ap.id = a.approved_by
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.at DESC, a.id DESC LIMIT ?`,
    )
    .all(...args, limit + 1) as AuditLogRow[];
  const page = rows.slice(0, limit).map((r): AuditRow => ({
    ...r,
    details: parseDetails(r.details),
    success: r.success === 1,
  }));
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { at: last.at, id: last.id } : null, names: namesOf(deps, page) };
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where an id in the log may point, and the column a person knows it by. */
const NAMED: { table: string; name: string; altName?: string }[] = [
  { table: 'staff', name: 'name' },
  { table: 'products', name: 'name', altName: 'alt_name' },
  { table: 'categories', name: 'name', altName: 'alt_name' },
  { table: 'customers', name: 'name' },
  { table: 'suppliers', name: 'name' },
  { table: 'stock_locations', name: 'name' },
  { table: 'tax_rates', name: 'name' },
  { table: 'count_sessions', name: 'name' },
  { table: 'orders', name: 'number' },
  { table: 'refunds', name: 'number' },
  { table: 'shifts', name: 'number' },
  { table: 'purchase_orders', name: 'number' },
  { table: 'shipments', name: 'number' },
];

function collectIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (ID.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectIds(v, into);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collectIds(v, into);
  }
}

/** Names for the ids a page shows, so the screen says "Cola 330 ml" or "T1-S0003", not an id. */
function namesOf(deps: Pick<Deps, 'sqlite'>, rows: AuditRow[]): Record<string, AuditName> {
  const ids = new Set<string>();
  for (const r of rows) {
    if (r.target) collectIds(r.target, ids);
    collectIds(r.details, ids);
  }
  const out: Record<string, AuditName> = {};
  if (ids.size === 0) return out;
  const list = [...ids];
  for (const t of NAMED) {
    const marks = list.map(() => '?').join(',');
    const found = deps.sqlite
      .prepare(`SELECT id, ${t.name} AS name, ${t.altName ?? 'NULL'} AS altName FROM ${t.table} WHERE id IN (${marks})`)
      .all(...list) as ({ id: string } & AuditName)[];
    for (const f of found) out[f.id] ??= { name: f.name, altName: f.altName };
  }
  return out;
}

function parseDetails(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** What the filters can choose from: actions and terminals that occur, and every staff member. */
export function auditFacets(deps: Pick<Deps, 'sqlite'>): AuditFacets {
  const col = (sql: string) =>
    (deps.sqlite.prepare(sql).all() as { v: SqlRow<typeof audit>['action' | 'terminal_code'] }[]).map((r) => r.v);
  return {
    actions: col('SELECT DISTINCT action AS v FROM audit ORDER BY action'),
    terminals: col('SELECT DISTINCT terminal_code AS v FROM audit ORDER BY terminal_code'),
    staff: deps.sqlite.prepare('SELECT id, name FROM staff ORDER BY name COLLATE NOCASE').all() as Cols<typeof staff, 'id' | 'name'>[],
  };
}
