/**
 * Dashboard queries over the rollups (milliseconds at a million orders), and the same figures
 * computed the naive way — GROUP BY over the raw orders and lines — for the bench baseline and
 * the tests that prove both agree.
 */
import type {
  CategoryPerf,
  HeatCell,
  Kpis,
  ProductPerf,
  SeriesPoint,
  SeriesResult,
  StaffPerf,
  SummaryResult,
  TenderMix,
} from '../../shared/api/insight';
import { businessBucket, dayParts, dayToIso, isIsoDate, isoToDay, monthStart, planRange, weekStart } from '../../shared/business-day';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { DIM, M_COLS, type Dim, type Measures } from './rollups';
import { bucketVector, savePacked, warmUp } from './vectors';
import { businessDaySettings } from './settings';
import { lineGramsSql, MASS_UNITS, wholeGrams } from '../../shared/units';
import type { CamelCols, Cols, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

/** Raw SQL over lines `l`: pieces only, and the mass of weighed lines (as the rollups keep them). */
const RAW_PIECES = `CASE WHEN l.unit IN (${MASS_UNITS.map((u) => `'${u}'`).join(', ')}) THEN 0 ELSE l.qty END`;
const RAW_GRAMS = lineGramsSql('l.qty', 'l.unit');

type Sql = Pick<Deps, 'sqlite' | 'db' | 'settingsCache' | 'insight'>;

export interface DayRange {
  from: number;
  to: number;
}

export const MAX_RANGE_DAYS = 3660;

/** Validates a date range: real dates, not ending before it starts, at most ten years. */
export function parseRange(input: { from: string; to: string }): DayRange {
  if (!isIsoDate(input.from)) throw new AppError('VALIDATION', `${input.from} is not a date`, { field: 'from' });
  if (!isIsoDate(input.to)) throw new AppError('VALIDATION', `${input.to} is not a date`, { field: 'to' });
  const from = isoToDay(input.from);
  const to = isoToDay(input.to);
  if (to < from)
    throw new AppError('VALIDATION', `The date range ends (${input.to}) before it starts (${input.from})`, {
      field: 'to',
      reason: 'endsBeforeStart',
    });
  if (to - from + 1 > MAX_RANGE_DAYS)
    throw new AppError('VALIDATION', 'The date range is longer than ten years', { field: 'to', reason: 'tooLong' });
  return { from, to };
}

/** The period of the same length just before. */
export function previousRange(r: DayRange): DayRange {
  const len = r.to - r.from + 1;
  return { from: r.from - len, to: r.from - 1 };
}

export type M = Measures;

/** The measures summed over rollup rows (`M_SUM`), each under its column's property name. */
type Sums = CamelCols<typeof schema.rollupHourly, keyof M>;
type KeyRef = Cols<typeof schema.insightKeys, 'ref' | 'k'>;

const M_SUM = (sign = '') =>
  M_COLS.split(', ')
    .map((c) => `COALESCE(SUM(${sign}${c}), 0) AS ${c.replace(/_(\w)/, (_, x: string) => x.toUpperCase())}`)
    .join(', ');

export function kpisOf(m: M): Kpis {
  const margin = m.net - m.cost - (m.rNet - m.rCost);
  const netSales = m.net - m.rNet;
  return {
    revenue: m.sales - m.rAmount,
    sales: m.sales,
    orders: m.orders,
    avgBasket: m.orders > 0 ? Math.round(m.sales / m.orders) : 0,
    margin,
    marginBp: netSales > 0 ? Math.round((margin * 10000) / netSales) : 0,
    items: m.units,
    weightGrams: wholeGrams(m.grams),
    discount: m.discount,
    tax: m.tax,
    refunds: m.rCount,
    refundAmount: m.rAmount,
    returnsRateBp: m.sales > 0 ? Math.round((m.rAmount * 10000) / m.sales) : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Rollup queries

export function totalsOf(deps: Sql, r: DayRange): M {
  return deps.sqlite.prepare(`SELECT ${M_SUM()} FROM rollup_hourly WHERE day BETWEEN ? AND ?`).get(r.from, r.to) as Sums;
}

export function summary(deps: Sql, input: { from: string; to: string; compare?: boolean }): SummaryResult {
  const r = parseRange(input);
  const prev = input.compare ? previousRange(r) : null;
  return {
    from: input.from,
    to: input.to,
    current: kpisOf(totalsOf(deps, r)),
    previous: prev ? { from: dayToIso(prev.from), to: dayToIso(prev.to), kpis: kpisOf(totalsOf(deps, prev)) } : null,
  };
}

function bucketStart(day: number, g: SeriesResult['granularity']): number {
  return g === 'day' ? day : g === 'week' ? weekStart(day) : monthStart(day);
}

function nextBucket(start: number, g: SeriesResult['granularity']): number {
  if (g === 'day') return start + 1;
  if (g === 'week') return start + 7;
  const { y, m } = dayParts(start);
  return Math.floor(Date.UTC(y, m, 1) / 86_400_000);
}

/** Buckets of the range (the first and last clipped to the range). */
function seriesBuckets(r: DayRange, g: SeriesResult['granularity']): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let s = bucketStart(r.from, g); s <= r.to; s = nextBucket(s, g)) {
    out.push({ start: Math.max(s, r.from), end: Math.min(nextBucket(s, g) - 1, r.to) });
  }
  return out;
}

function pointsFrom(days: Map<number, M>, r: DayRange, g: SeriesResult['granularity']): SeriesPoint[] {
  return seriesBuckets(r, g).map(({ start, end }) => {
    const m: M = {
      orders: 0,
      units: 0,
      sales: 0,
      net: 0,
      tax: 0,
      discount: 0,
      cost: 0,
      rCount: 0,
      rUnits: 0,
      rAmount: 0,
      rNet: 0,
      rCost: 0,
      grams: 0,
      rGrams: 0,
    };
    for (let d = start; d <= end; d++) {
      const x = days.get(d);
      if (x) for (const k of Object.keys(m) as (keyof M)[]) m[k] += x[k];
    }
    const k = kpisOf(m);
    return {
      start: dayToIso(start),
      end: dayToIso(end),
      revenue: k.revenue,
      sales: k.sales,
      orders: k.orders,
      avgBasket: k.avgBasket,
      margin: k.margin,
      refundAmount: k.refundAmount,
    };
  });
}

function dailyFromRollups(deps: Sql, r: DayRange): Map<number, M> {
  const rows = deps.sqlite
    .prepare(`SELECT day, ${M_SUM()} FROM rollup_hourly WHERE day BETWEEN ? AND ? GROUP BY day`)
    .all(r.from, r.to) as (Sums & Cols<typeof schema.rollupHourly, 'day'>)[];
  return new Map(rows.map((row) => [row.day, row]));
}

export function series(
  deps: Sql,
  input: { from: string; to: string; granularity: SeriesResult['granularity']; compare?: boolean },
): SeriesResult {
  const r = parseRange(input);
  const points = pointsFrom(dailyFromRollups(deps, r), r, input.granularity);
  let previous: SeriesPoint[] | null = null;
  if (input.compare) {
    const p = previousRange(r);
    previous = pointsFrom(dailyFromRollups(deps, p), p, input.granularity);
  }
  return { granularity: input.granularity, points, previous };
}

export function heatmap(deps: Sql, input: { from: string; to: string }): HeatCell[] {
  const r = parseRange(input);
  const rows = deps.sqlite
    .prepare(
      'SELECT (day + 3) % 7 AS weekday, hour, SUM(orders) AS orders, SUM(sales) AS sales FROM rollup_hourly WHERE day BETWEEN ? AND ? GROUP BY 1, 2',
    )
    .all(r.from, r.to) as ({ weekday: number; orders: number; sales: number } & Cols<typeof schema.rollupHourly, 'hour'>)[];
  return rows.filter((c) => c.orders !== 0 || c.sales !== 0).sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
}

/** The range's plan as a materialized table t(level, bucket, sign) for the keyed queries. */
const PLAN_CTE = 'WITH t(level, bucket, sign) AS MATERIALIZED (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))';
const planJson = (r: DayRange) => JSON.stringify(planRange(r.from, r.to).map((t) => [t.level, t.bucket, t.sign]));

/** Per key of a dimension, the exact sums over the range: a short signed list of nested buckets. */
export function keyedTotals(deps: Sql, dim: Dim, r: DayRange, only?: number[]): (M & { ref: string; k: number })[] {
  // CROSS JOIN keeps the plan: for each bucket of the plan, a range of the primary key.
  const filter = only ? `AND r.k IN (SELECT value FROM json_each(?))` : '';
  const stmt = deps.sqlite.prepare(
    `${PLAN_CTE}
     SELECT k.ref, s.* FROM (
       SELECT r.k, ${M_SUM('t.sign * ')}
       FROM t CROSS JOIN rollup_keyed r ON r.dim = ? AND r.level = t.level AND r.bucket = t.bucket ${filter}
       GROUP BY r.k) s
     JOIN insight_keys k ON k.k = s.k`,
  );
  const args: unknown[] = [planJson(r), dim];
  if (only) args.push(JSON.stringify(only));
  return (stmt.all(...args) as (Sums & KeyRef)[]).filter(
    (m) => m.orders !== 0 || m.sales !== 0 || m.rCount !== 0 || m.rAmount !== 0 || m.units !== 0,
  );
}

/** insight_keys never change once written: k → ref is cached on the open store. */
function refsOf(deps: Sql, ks: number[]): Map<number, string> {
  const cache = deps.insight.refs;
  const missing = ks.filter((k) => !cache.has(k));
  if (missing.length) {
    const rows = deps.sqlite
      .prepare('SELECT k, ref FROM insight_keys WHERE k IN (SELECT value FROM json_each(?))')
      .raw()
      .all(JSON.stringify(missing)) as [KeyRef['k'], KeyRef['ref']][];
    for (const [k, ref] of rows) cache.set(k, ref);
  }
  return cache;
}

/**
 * Products ranked by one measure over the range, one page: the plan's buckets as cached column
 * vectors (vectors.ts) summed in typed arrays, then sorted; the full figures for the page only.
 */
function rankedProducts(
  deps: Sql,
  r: DayRange,
  sort: 'units' | 'revenue' | 'margin' | 'price',
  dir: 'asc' | 'desc',
  offset: number,
  limit: number,
): { keys: number[]; total: number } {
  warmUp(deps, DIM.product);
  const vectors = planRange(r.from, r.to).map((t) => ({ sign: t.sign, v: bucketVector(deps, DIM.product, t.level, t.bucket) }));
  savePacked(deps);
  let maxK = 0;
  for (const { v } of vectors) for (const k of v.k) if (k > maxK) maxK = k;
  const metric = new Float64Array(maxK + 1);
  const activity = new Float64Array(maxK + 1);
  for (const { sign, v } of vectors) {
    const m = sort === 'units' ? v.units : sort === 'margin' ? v.margin : v.revenue;
    for (let i = 0; i < v.k.length; i++) {
      const k = v.k[i]!;
      metric[k]! += sign * m[i]!;
      activity[k]! += sign * v.activity[i]!;
    }
  }
  const active: number[] = [];
  for (let k = 0; k <= maxK; k++) if (activity[k] !== 0) active.push(k);
  const refs = refsOf(deps, active);
  let value: (k: number) => number = (k) => metric[k]!;
  if (sort === 'price') {
    const price = deps.sqlite.prepare('SELECT price FROM products WHERE id = ?').pluck();
    const prices = new Map(active.map((k) => [k, (price.get(refs.get(k)) as SqlRow<typeof schema.products>['price'] | undefined) ?? 0]));
    value = (k) => prices.get(k)!;
  }
  const sign = dir === 'asc' ? 1 : -1;
  const order = (a: number, b: number) => sign * (value(a) - value(b)) || (refs.get(a)! < refs.get(b)! ? -1 : 1);
  return { keys: firstInOrder(active, offset + limit, order).slice(offset), total: active.length };
}

/**
 * The first `n` of `items` in `order`, in order. A dashboard asks for the top ten of tens of
 * thousands of products: keeping the best n as they come costs a comparison or two per item,
 * where sorting them all costs a dozen and a half.
 */
export function firstInOrder<T>(items: readonly T[], n: number, order: (a: T, b: T) => number): T[] {
  if (n <= 0) return [];
  if (n * 8 >= items.length) return [...items].sort(order).slice(0, n);
  const best: T[] = [];
  for (const x of items) {
    if (best.length === n && order(x, best[n - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(best[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, x);
    if (best.length > n) best.pop();
  }
  return best;
}

/** Average product ratings when customer feedback exists (the feedback feature's `product_feedback` table). */
export function productRatings(deps: Sql): Map<string, number> | null {
  const has = deps.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'product_feedback'").get();
  if (!has) return null;
  try {
    const rows = deps.sqlite.prepare('SELECT product_id AS id, AVG(rating) AS avg FROM product_feedback GROUP BY product_id').all() as {
      id: string;
      avg: number;
    }[];
    return new Map(rows.map((r) => [r.id, Math.round(r.avg * 10) / 10]));
  } catch {
    return null;
  }
}

type ProductSort = 'units' | 'revenue' | 'margin' | 'price' | 'rating';

export function productList(
  deps: Sql,
  input: { from: string; to: string; sort: ProductSort; dir: 'asc' | 'desc'; offset?: number; limit: number },
): { items: ProductPerf[]; total: number; ratingAvailable: boolean } {
  const r = parseRange(input);
  const ratings = productRatings(deps);
  if (input.sort === 'rating' && !ratings)
    throw new AppError('VALIDATION', 'No product ratings yet: sorting by rating needs customer feedback', {
      field: 'sort',
      reason: 'noRatings',
    });
  const offset = input.offset ?? 0;
  let page: { id: string; m: M; k: Kpis; rating: number | null }[];
  let total: number;
  const asRow = (m: M & { ref: string }) => ({ id: m.ref, m, k: kpisOf(m), rating: ratings?.get(m.ref) ?? null });
  if (input.sort === 'rating') {
    // Ratings live outside the rollups: rank in memory.
    const rows = keyedTotals(deps, DIM.product, r).map(asRow);
    const dir = input.dir === 'asc' ? 1 : -1;
    rows.sort((a, b) => dir * ((a.rating ?? -1) - (b.rating ?? -1)) || (a.id < b.id ? -1 : 1));
    total = rows.length;
    page = rows.slice(offset, offset + input.limit);
  } else {
    const ranked = rankedProducts(deps, r, input.sort, input.dir, offset, input.limit);
    total = ranked.total;
    const figures = new Map(keyedTotals(deps, DIM.product, r, ranked.keys).map((m) => [m.k, asRow(m)]));
    page = ranked.keys.flatMap((k) => figures.get(k) ?? []);
  }
  const info = deps.sqlite.prepare('SELECT id, sku, name, alt_name AS altName, price, unit FROM products WHERE id = ?');
  const items = page.map((x): ProductPerf => {
    const p = (info.get(x.id) as CamelCols<typeof schema.products, 'sku' | 'name' | 'altName' | 'price' | 'unit'> | undefined) ?? {
      sku: '?',
      name: x.id,
      altName: null,
      price: 0,
      unit: 'each' as const,
    };
    return {
      productId: x.id,
      sku: p.sku,
      name: p.name,
      altName: p.altName,
      price: p.price,
      unit: p.unit,
      units: x.m.units,
      orders: x.m.orders,
      sales: x.m.sales,
      revenue: x.k.revenue,
      margin: x.k.margin,
      marginBp: x.k.marginBp,
      refundAmount: x.m.rAmount,
      rating: x.rating,
    };
  });
  return { items, total, ratingAvailable: ratings !== null };
}

export function categoryPerf(deps: Sql, input: { from: string; to: string }): CategoryPerf[] {
  const r = parseRange(input);
  const info = deps.sqlite.prepare('SELECT name, alt_name AS altName FROM categories WHERE id = ?');
  return keyedTotals(deps, DIM.category, r)
    .map((m): CategoryPerf => {
      const k = kpisOf(m);
      const c = m.ref ? (info.get(m.ref) as CamelCols<typeof schema.categories, 'name' | 'altName'> | undefined) : undefined;
      return {
        categoryId: m.ref || null,
        name: c?.name ?? null,
        altName: c?.altName ?? null,
        units: m.units,
        weightGrams: wholeGrams(m.grams),
        orders: m.orders,
        sales: m.sales,
        revenue: k.revenue,
        margin: k.margin,
        refundAmount: m.rAmount,
      };
    })
    .sort((a, b) => b.revenue - a.revenue || ((a.categoryId ?? '') < (b.categoryId ?? '') ? -1 : 1));
}

export function paymentMix(deps: Sql, input: { from: string; to: string }): TenderMix[] {
  const r = parseRange(input);
  return keyedTotals(deps, DIM.tender, r)
    .map((m) => ({ kind: m.ref, orders: m.orders, amount: m.sales, refunds: m.rAmount }))
    .sort((a, b) => b.amount - a.amount || (a.kind < b.kind ? -1 : 1));
}

export function staffPerf(deps: Sql, input: { from: string; to: string }): StaffPerf[] {
  const r = parseRange(input);
  const name = deps.sqlite.prepare('SELECT name FROM staff WHERE id = ?').pluck();
  return keyedTotals(deps, DIM.staff, r)
    .map((m) => ({
      staffId: m.ref,
      name: (name.get(m.ref) as SqlRow<typeof schema.staff>['name'] | undefined) ?? '?',
      orders: m.orders,
      sales: m.sales,
      avgBasket: m.orders > 0 ? Math.round(m.sales / m.orders) : 0,
      refundAmount: m.rAmount,
    }))
    .sort((a, b) => b.sales - a.sales || (a.staffId < b.staffId ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Raw: the same figures by GROUP BY over orders, lines and payments (sales only: refunds are
// facts of the refunds feature). The bench's baseline and the tests' reference.

function ensureFunctions(deps: Sql): { tz: string; cutoff: number } {
  const { timezone, cutoffHour } = businessDaySettings(deps);
  const db = deps.sqlite as typeof deps.sqlite & { __ctInsightFns?: boolean };
  if (!db.__ctInsightFns) {
    db.function('ct_bday', { deterministic: true }, (ms, tz, cutoff) => businessBucket(Number(ms), String(tz), Number(cutoff)).day);
    db.function('ct_bhour', { deterministic: true }, (ms, tz, cutoff) => businessBucket(Number(ms), String(tz), Number(cutoff)).hour);
    db.__ctInsightFns = true;
  }
  return { tz: timezone, cutoff: cutoffHour };
}

/** The instants bounding the business days [from, to]: orders with created_at in [start, end). */
export function instantsOf(deps: Sql, r: DayRange): { start: number; end: number } {
  const { timezone, cutoffHour } = businessDaySettings(deps);
  // The first instant whose business day is `day` (or later): business days never go backwards.
  const firstOf = (day: number) => {
    let lo = day * 86_400_000 + cutoffHour * 3_600_000 - 16 * 3_600_000;
    let hi = lo + 32 * 3_600_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (businessBucket(mid, timezone, cutoffHour).day >= day) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return { start: firstOf(r.from), end: firstOf(r.to + 1) };
}

export function rawTotals(deps: Sql, r: DayRange): M {
  const { start, end } = instantsOf(deps, r);
  return deps.sqlite
    .prepare(
      `SELECT COUNT(*) AS orders, COALESCE(SUM(units), 0) AS units, COALESCE(SUM(total), 0) AS sales, COALESCE(SUM(net), 0) AS net,
              COALESCE(SUM(tax), 0) AS tax, COALESCE(SUM(discount), 0) AS discount, COALESCE(SUM(cost), 0) AS cost,
              0 AS rCount, 0 AS rUnits, 0 AS rAmount, 0 AS rNet, 0 AS rCost, COALESCE(SUM(grams), 0) AS grams, 0 AS rGrams
       FROM (SELECT o.total, SUM(${RAW_PIECES}) AS units, SUM(${RAW_GRAMS}) AS grams, SUM(l.total - l.tax) AS net, SUM(l.tax) AS tax, SUM(l.discount) AS discount,
                    SUM((l.cost * l.qty + 500) / 1000) AS cost
             FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= ? AND o.created_at < ? GROUP BY o.id)`,
    )
    .get(start, end) as M;
}

/** Revenue, orders and margin per business day, straight from the lines. */
export function rawDaily(deps: Sql, r: DayRange): Map<number, M> {
  const { tz, cutoff } = ensureFunctions(deps);
  const { start, end } = instantsOf(deps, r);
  const rows = deps.sqlite
    .prepare(
      `SELECT ct_bday(o.created_at, ?, ?) AS day, COUNT(DISTINCT o.id) AS orders, SUM(${RAW_PIECES}) AS units, SUM(l.total) AS sales,
              SUM(l.total - l.tax) AS net, SUM(l.tax) AS tax, SUM(l.discount) AS discount, SUM((l.cost * l.qty + 500) / 1000) AS cost,
              0 AS rCount, 0 AS rUnits, 0 AS rAmount, 0 AS rNet, 0 AS rCost, SUM(${RAW_GRAMS}) AS grams, 0 AS rGrams
       FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= ? AND o.created_at < ? GROUP BY 1`,
    )
    .all(tz, cutoff, start, end) as (M & { day: number })[];
  return new Map(rows.map((x) => [x.day, x]));
}

export function rawSeries(deps: Sql, input: { from: string; to: string; granularity: SeriesResult['granularity'] }): SeriesPoint[] {
  const r = parseRange(input);
  return pointsFrom(rawDaily(deps, r), r, input.granularity);
}

export function rawHeatmap(deps: Sql, input: { from: string; to: string }): HeatCell[] {
  const r = parseRange(input);
  const { tz, cutoff } = ensureFunctions(deps);
  const { start, end } = instantsOf(deps, r);
  const rows = deps.sqlite
    .prepare(
      `SELECT (ct_bday(created_at, ?, ?) + 3) % 7 AS weekday, ct_bhour(created_at, ?, ?) AS hour, COUNT(*) AS orders, SUM(total) AS sales
       FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2`,
    )
    .all(tz, cutoff, tz, cutoff, start, end) as HeatCell[];
  return rows.filter((c) => c.orders !== 0 || c.sales !== 0).sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
}

/** Top products by revenue straight from the lines. */
export function rawProductTotals(
  deps: Sql,
  r: DayRange,
): Map<string, { units: number; sales: number; orders: number; cost: number; net: number }> {
  const { start, end } = instantsOf(deps, r);
  const rows = deps.sqlite
    .prepare(
      `SELECT l.product_id AS id, SUM(l.qty) AS units, SUM(l.total) AS sales, COUNT(DISTINCT l.order_id) AS orders,
              SUM((l.cost * l.qty + 500) / 1000) AS cost, SUM(l.total - l.tax) AS net
       FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.created_at >= ? AND o.created_at < ? GROUP BY l.product_id`,
    )
    .all(start, end) as ({ id: SqlRow<typeof schema.orderLines>['product_id'] } & {
    units: number;
    sales: number;
    orders: number;
    cost: number;
    net: number;
  })[];
  return new Map(rows.map((x) => [x.id, x]));
}

export function rawTopProducts(
  deps: Sql,
  input: { from: string; to: string; limit: number },
): { productId: string; revenue: number; units: number }[] {
  const r = parseRange(input);
  const { start, end } = instantsOf(deps, r);
  return deps.sqlite
    .prepare(
      `SELECT l.product_id AS productId, SUM(l.total) AS revenue, SUM(l.qty) AS units
       FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.created_at >= ? AND o.created_at < ?
       GROUP BY l.product_id ORDER BY revenue DESC, l.product_id LIMIT ?`,
    )
    .all(start, end, input.limit) as (CamelCols<typeof schema.orderLines, 'productId'> & { revenue: number; units: number })[];
}

export function rawPaymentMix(deps: Sql, input: { from: string; to: string }): TenderMix[] {
  const r = parseRange(input);
  const { start, end } = instantsOf(deps, r);
  return deps.sqlite
    .prepare(
      `SELECT p.kind, COUNT(DISTINCT p.order_id) AS orders, SUM(p.amount) AS amount, 0 AS refunds
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.created_at >= ? AND o.created_at < ? GROUP BY p.kind
       ORDER BY amount DESC, p.kind`,
    )
    .all(start, end) as (Cols<typeof schema.payments, 'kind'> & { orders: number; amount: number; refunds: number })[];
}

export function rawCategoryTotals(deps: Sql, r: DayRange): Map<string, { units: number; grams: number; sales: number; orders: number }> {
  const { start, end } = instantsOf(deps, r);
  const rows = deps.sqlite
    .prepare(
      `SELECT COALESCE(p.category_id, '') AS id, SUM(${RAW_PIECES}) AS units, SUM(${RAW_GRAMS}) AS grams, SUM(l.total) AS sales,
              COUNT(DISTINCT l.order_id) AS orders
       FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id
       WHERE o.created_at >= ? AND o.created_at < ? GROUP BY 1`,
    )
    .all(start, end) as ({ id: NonNullable<SqlRow<typeof schema.products>['category_id']> } & {
    units: number;
    grams: number;
    sales: number;
    orders: number;
  })[];
  return new Map(rows.map((x) => [x.id, x]));
}

export function rawStaffTotals(deps: Sql, r: DayRange): Map<string, { orders: number; sales: number }> {
  const { start, end } = instantsOf(deps, r);
  const rows = deps.sqlite
    .prepare(
      'SELECT staff_id AS id, COUNT(*) AS orders, SUM(total) AS sales FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY staff_id',
    )
    .all(start, end) as ({ id: SqlRow<typeof schema.orders>['staff_id'] } & { orders: number; sales: number })[];
  return new Map(rows.map((x) => [x.id, x]));
}
