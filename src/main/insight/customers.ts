/**
 * Customer insight from the lifetime rollup per customer: repeat-customer rate, and RFM segments
 * (recency, frequency, monetary scored 1–5 by quintile) with the customers in each. Orders without
 * a customer (anonymous sales, or sales before customers existed) are simply not counted.
 */
import { RFM_SEGMENTS, type CustomerInsight, type CustomerRow, type RfmSegment } from '../../shared/api/insight';
import type { Deps } from '../deps';
import type { CamelCols, SqlRow } from '../db/rows';
import type { customers, rollupCustomers } from '../db/schema';

type Sql = Pick<Deps, 'sqlite'>;

interface Scored extends CustomerRow {
  segment: RfmSegment;
}

/** Quintile score 1–5 of each value (higher value → higher score); ties share a score. */
function quintiles(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return values.map((v) => {
    // Rank = count of values strictly below v (ties score alike).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(5, 1 + Math.floor((lo * 5) / Math.max(1, n)));
  });
}

export function segmentOf(r: number, f: number): RfmSegment {
  if (r >= 4 && f >= 4) return 'champions';
  if (f >= 4) return 'loyal';
  if (r >= 4 && f >= 2) return 'potential';
  if (r >= 4) return 'new';
  if (r <= 2 && f >= 3) return 'atRisk';
  if (r <= 2) return 'hibernating';
  return 'needAttention';
}

/** Customer names when the customers feature's table is there. */
function nameLookup(deps: Sql): (id: string) => string | null {
  const has = deps.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customers'").get();
  if (!has) return () => null;
  try {
    const stmt = deps.sqlite.prepare('SELECT name FROM customers WHERE id = ?').pluck();
    return (id) => (stmt.get(id) as SqlRow<typeof customers>['name'] | undefined) ?? null;
  } catch {
    return () => null;
  }
}

export function scoreCustomers(deps: Sql, now: number): Scored[] {
  const rows = deps.sqlite
    .prepare('SELECT customer_id AS customerId, orders, sales - refunds AS sales, last_at AS lastAt FROM rollup_customers WHERE orders > 0')
    .all() as CamelCols<typeof rollupCustomers, 'customerId' | 'orders' | 'sales' | 'lastAt'>[];
  // Recency: more recent = higher score, so score the negated age.
  const r = quintiles(rows.map((c) => c.lastAt));
  const f = quintiles(rows.map((c) => c.orders));
  const m = quintiles(rows.map((c) => c.sales));
  return rows.map((c, i) => ({
    customerId: c.customerId,
    name: null,
    orders: c.orders,
    sales: c.sales,
    lastAt: c.lastAt,
    recencyDays: Math.max(0, Math.floor((now - c.lastAt) / 86_400_000)),
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment: segmentOf(r[i]!, f[i]!),
  }));
}

export function customerInsight(deps: Sql, now: number): CustomerInsight {
  const scored = scoreCustomers(deps, now);
  const repeat = scored.filter((c) => c.orders >= 2).length;
  const identified = deps.sqlite.prepare('SELECT COALESCE(SUM(orders), 0) FROM rollup_customers').pluck().get() as number;
  const segments = RFM_SEGMENTS.map((segment) => {
    const members = scored.filter((c) => c.segment === segment);
    return { segment, customers: members.length, sales: members.reduce((s, c) => s + c.sales, 0) };
  });
  return {
    customers: scored.length,
    repeatCustomers: repeat,
    repeatRateBp: scored.length ? Math.round((repeat * 10000) / scored.length) : 0,
    identifiedOrders: identified,
    segments,
  };
}

export function segmentMembers(
  deps: Sql,
  now: number,
  input: { segment: RfmSegment; offset?: number; limit: number },
): { items: CustomerRow[]; total: number } {
  const members = scoreCustomers(deps, now)
    .filter((c) => c.segment === input.segment)
    .sort((a, b) => b.sales - a.sales || (a.customerId < b.customerId ? -1 : 1));
  const name = nameLookup(deps);
  const offset = input.offset ?? 0;
  const items = members.slice(offset, offset + input.limit).map(({ segment: _s, ...c }) => ({ ...c, name: name(c.customerId) }));
  return { items, total: members.length };
}
