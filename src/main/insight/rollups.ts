/**
 * Rollups kept up to date as sales and refunds commit, so every dashboard query reads a few
 * thousand rows at most, whatever the number of orders.
 *
 * The one entry point is `applyToRollups(deps, event)`. A sale only queues its order id in its own
 * transaction (`recordSaleInsight`): the rollups touch some thirty pages per sale, which made the
 * clerk's commit slower and bigger, so `applyPendingInsight` adds queued sales in one transaction
 * moments after the sale and before any insight read. The refunds feature calls `applyToRollups`
 * with `kind: 'refund'` in the refund's transaction (positive amounts: what went back to the
 * customer). Every figure is a sum, so events may arrive in any order — a sale
 * synced late with an old timestamp lands in its own (old) business day.
 *
 * `rebuildRollups` recomputes everything from the facts with bulk SQL (GROUP BY over the lines),
 * plus the events of registered sources (refunds); a property test checks both ways agree.
 */
import { bucketsOf, businessBucket, dayParts } from '../../shared/business-day';
import type { Deps } from '../deps';
import { businessDaySettings } from './settings';
import { forgetAll, forgetBuckets, packAllDays } from './vectors';
import { cachedStatement } from '../db/statements';
import { OPEN_SHIFT_SQL } from '../shifts/shifts';
import { inTransaction } from '../db/open';
import { isUnit, isWeighed, lineGrams, lineGramsSql, MASS_UNITS } from '../../shared/units';
import type { CamelCols, Cols, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

/** SQL: the line `l` is weighed (its quantity is a mass, not pieces). */
const WEIGHED_SQL = `l.unit IN (${MASS_UNITS.map((u) => `'${u}'`).join(', ')})`;

/** `channel`: the online shop's sales only (ref 'online'); the counter's are the total minus them. */
export const DIM = { product: 1, category: 2, staff: 3, tender: 4, channel: 5 } as const;
/** The one key of DIM.channel. */
export const ONLINE = 'online';
export type Dim = (typeof DIM)[keyof typeof DIM];

export interface RollupLine {
  productId: string;
  categoryId: string | null;
  /** Thousandths. */
  qty: number;
  /** What the customer paid for the line (tax included), minor units. */
  amount: number;
  tax: number;
  discount: number;
  /** Cost of the quantity, minor units. */
  cost: number;
  /** The line's sale unit: pieces are counted in `units`, weights go to `grams`. */
  unit: string;
}

export interface RollupEvent {
  kind: 'sale' | 'refund';
  /** Order id or refund id. */
  id: string;
  /** When it happened (epoch ms); decides the business day. */
  at: number;
  staffId: string | null;
  customerId: string | null;
  /** The cash-drawer session; for a refund, null means the terminal's open shift. */
  shiftId: string | null;
  lines: RollupLine[];
  /** Tenders: for a sale what was paid, for a refund what was paid back. */
  payments: { kind: string; amount: number }[];
  /** Where a sale was made: 'online' for the shop's orders (null or absent: a till, or an import). */
  source?: string | null;
}

type Sql = Pick<Deps, 'sqlite'>;

/**
 * The measures every rollup row keeps (sales side and refund side). `units` counts pieces only
 * (thousandths of lines sold `each`), except in product rows, where it is the product's own
 * quantity (a product has one unit, so nothing is mixed); `grams` is the mass of weighed lines,
 * whatever their unit, kept exact per line (see GRAM_QUANTUM) and rounded once when read.
 */
export interface Measures {
  orders: number;
  units: number;
  sales: number;
  net: number;
  tax: number;
  discount: number;
  cost: number;
  rCount: number;
  rUnits: number;
  rAmount: number;
  rNet: number;
  rCost: number;
  grams: number;
  rGrams: number;
}

const ZERO: Measures = {
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
/** Measure columns, in the order of `mValues` and of the batch path's Float64Array rows. */
export const M_COLS = 'orders, units, sales, net, tax, discount, cost, r_count, r_units, r_amount, r_net, r_cost, grams, r_grams';
const M_COUNT = 14;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const M_UPDATE = M_COLS.split(', ')
  .map((c) => `${c} = ${c} + excluded.${c}`)
  .join(', ');
const mValues = (m: Measures) => [
  m.orders,
  m.units,
  m.sales,
  m.net,
  m.tax,
  m.discount,
  m.cost,
  m.rCount,
  m.rUnits,
  m.rAmount,
  m.rNet,
  m.rCost,
  m.grams,
  m.rGrams,
];

/** The statements a sale or refund runs (compiled once per connection by `cachedStatement`). */
const SQL = {
  keyGet: 'SELECT k FROM insight_keys WHERE dim = ? AND ref = ?',
  keyIns: 'INSERT INTO insight_keys (dim, ref) VALUES (?, ?)',
  hourly: `INSERT INTO rollup_hourly (day, hour, ${M_COLS}) VALUES (${marks(2 + M_COUNT)})
           ON CONFLICT (day, hour) DO UPDATE SET ${M_UPDATE}`,
  keyed: `INSERT INTO rollup_keyed (dim, level, bucket, k, ${M_COLS}) VALUES (${marks(4 + M_COUNT)})
          ON CONFLICT (dim, level, bucket, k) DO UPDATE SET ${M_UPDATE}`,
  customer: `INSERT INTO rollup_customers (customer_id, orders, sales, refunds, first_at, last_at) VALUES (?, 1, ?, 0, ?, ?)
             ON CONFLICT (customer_id) DO UPDATE SET sales = sales + excluded.sales,
               first_at = CASE WHEN orders = 0 THEN excluded.first_at ELSE MIN(first_at, excluded.first_at) END,
               last_at = CASE WHEN orders = 0 THEN excluded.last_at ELSE MAX(last_at, excluded.last_at) END,
               orders = orders + 1`,
  customerRefund: `INSERT INTO rollup_customers (customer_id, orders, sales, refunds, first_at, last_at) VALUES (?, 0, 0, ?, ?, ?)
                   ON CONFLICT (customer_id) DO UPDATE SET refunds = refunds + excluded.refunds`,
  item: 'INSERT INTO basket_items (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1',
  pair: 'INSERT INTO basket_pairs (a, b, n) VALUES (?, ?, 1) ON CONFLICT (a, b) DO UPDATE SET n = n + 1',
  tally: `INSERT INTO shift_tallies (shift_id, kind, key, count, amount) VALUES (?, ?, ?, 1, ?)
          ON CONFLICT (shift_id, kind, key) DO UPDATE SET count = count + 1, amount = amount + excluded.amount`,
  saleOrder:
    'SELECT id, created_at AS at, staff_id AS staffId, customer_id AS customerId, shift_id AS shiftId, source FROM orders WHERE id = ?',
  saleLines: `SELECT l.product_id AS productId, p.category_id AS categoryId, l.qty, l.total AS amount, l.tax, l.discount,
                     (l.cost * l.qty + 500) / 1000 AS cost, l.unit
              FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.position`,
  salePayments: 'SELECT kind, amount FROM payments WHERE order_id = ? ORDER BY rowid',
  queue: 'INSERT INTO insight_pending (order_id) VALUES (?)',
  pending: 'SELECT seq, order_id AS orderId FROM insight_pending ORDER BY seq LIMIT 1000',
  anyPending: 'SELECT EXISTS (SELECT 1 FROM insight_pending)',
  unqueue: 'DELETE FROM insight_pending WHERE seq <= ?',
} as const;

const prepared = (deps: Sql, sql: string) => cachedStatement(deps.sqlite, sql);

type KeyRow = SqlRow<typeof schema.insightKeys>;
type LineRow = SqlRow<typeof schema.orderLines>;

/** The compact key of a product, category, staff member or tender (created on first use). */
export function keyOf(deps: Sql, dim: Dim, ref: string): number {
  const k = cachedStatement(deps.sqlite, SQL.keyGet, 'pluck').get(dim, ref) as SqlRow<typeof schema.insightKeys>['k'] | undefined;
  if (k !== undefined) return k;
  return Number(prepared(deps, SQL.keyIns).run(dim, ref).lastInsertRowid);
}

/** Basket co-occurrence looks at the first distinct products of a sale only. */
export const BASKET_CAP = 30;

function add(into: Map<string, Measures>, key: string, m: Partial<Measures>): void {
  let cur = into.get(key);
  if (!cur) into.set(key, (cur = { ...ZERO }));
  // for…in, not Object.entries: a history import adds some three million of these.
  for (const k in m) cur[k as keyof Measures] += m[k as keyof Measures]!;
}

const weighedUnit = (unit: string) => isUnit(unit) && isWeighed(unit);

/** The measures one line contributes, for a sale or a refund; `product`: to its product's rows. */
function lineMeasures(kind: RollupEvent['kind'], l: RollupLine, product: boolean): Partial<Measures> {
  const units = product || !weighedUnit(l.unit) ? l.qty : 0;
  const grams = lineGrams(l.qty, l.unit);
  return kind === 'sale'
    ? { units, sales: l.amount, net: l.amount - l.tax, tax: l.tax, discount: l.discount, cost: l.cost, grams }
    : { rUnits: units, rAmount: l.amount, rNet: l.amount - l.tax, rCost: l.cost, rGrams: grams };
}

/** Adds one sale or refund to every rollup. Call inside the transaction that stores the event. */
export function applyToRollups(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  event: RollupEvent,
  /** A rebuild replays history: it must not count old refunds against today's shift again. */
  opts: { shiftTallies?: boolean } = {},
): void {
  const { timezone, cutoffHour } = businessDaySettings(deps);
  const { day, hour } = businessBucket(event.at, timezone, cutoffHour);
  const levels = bucketsOf(day);
  const sale = event.kind === 'sale';

  const whole: Measures = { ...ZERO };
  for (const l of event.lines)
    for (const [k, v] of Object.entries(lineMeasures(event.kind, l, false)) as [keyof Measures, number][]) whole[k] += v;
  if (sale) whole.orders = 1;
  else whole.rCount = 1;

  prepared(deps, SQL.hourly).run(day, hour, ...mValues(whole));

  const perKey = new Map<string, Measures>();
  const once: Partial<Measures> = sale ? { orders: 1 } : { rCount: 1 };
  const seen = new Set<string>();
  const keyed = (dim: Dim, ref: string, m: Partial<Measures>) => {
    const id = `${dim}:${ref}`;
    add(perKey, id, m);
    if (!seen.has(id)) {
      seen.add(id);
      add(perKey, id, once);
    }
  };
  for (const l of event.lines) {
    keyed(DIM.product, l.productId, lineMeasures(event.kind, l, true));
    keyed(DIM.category, l.categoryId ?? '', lineMeasures(event.kind, l, false));
  }
  if (event.staffId) keyed(DIM.staff, event.staffId, { ...whole, orders: 0, rCount: 0 });
  for (const p of event.payments) keyed(DIM.tender, p.kind, sale ? { sales: p.amount } : { rAmount: p.amount });
  if (sale && event.source === ONLINE) keyed(DIM.channel, ONLINE, { ...whole, orders: 0 });

  const productKeys: number[] = [];
  for (const [id, m] of perKey) {
    const colon = id.indexOf(':');
    const dim = Number(id.slice(0, colon)) as Dim;
    const k = keyOf(deps, dim, id.slice(colon + 1));
    if (dim === DIM.product) productKeys.push(k);
    const values = mValues(m);
    const keyedStmt = prepared(deps, SQL.keyed);
    for (let level = 0; level < 5; level++) keyedStmt.run(dim, level, levels[level], k, ...values);
  }
  forgetBuckets(deps, DIM.product, levels);

  if (event.customerId) {
    if (sale) prepared(deps, SQL.customer).run(event.customerId, whole.sales, event.at, event.at);
    else prepared(deps, SQL.customerRefund).run(event.customerId, whole.rAmount, event.at, event.at);
  }

  if (sale) {
    const basket = productKeys.slice(0, BASKET_CAP).sort((a, b) => a - b);
    const item = prepared(deps, SQL.item);
    const pair = prepared(deps, SQL.pair);
    for (const k of basket) item.run(k);
    for (let i = 0; i < basket.length; i++) for (let j = i + 1; j < basket.length; j++) pair.run(basket[i], basket[j]);
  } else if (opts.shiftTallies !== false) {
    const shiftId =
      event.shiftId ??
      (cachedStatement(deps.sqlite, OPEN_SHIFT_SQL, 'pluck').get(deps.terminalCode) as SqlRow<typeof schema.shifts>['id'] | undefined) ??
      null;
    if (shiftId) {
      const tally = prepared(deps, SQL.tally);
      tally.run(shiftId, 'refund', '', whole.rAmount);
      for (const p of event.payments) tally.run(shiftId, 'refund_tender', p.kind, p.amount);
    }
  }
}

/** Measures to add to the rows one past event touched (for `addToBuckets`). */
export interface BucketDelta {
  /** When the event happened: decides its business day and hour, as in `applyToRollups`. */
  at: number;
  /** For its hour's row, if any. */
  hourly: Partial<Measures> | null;
  /** For each key's rows at every level. */
  keyed: { dim: Dim; ref: string; m: Partial<Measures> }[];
}

/**
 * Adds measures to the rows past events touched, in the buckets `applyToRollups` computes, summed
 * in memory first so that each row is written once. For corrections of rows already written
 * (insight/weight-fix.ts).
 */
export function addToBuckets(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache' | 'insight'>,
  deltas: Iterable<BucketDelta>,
  settings: { timezone: string; cutoffHour: number } = businessDaySettings(deps),
): void {
  const hours = new Map<string, Measures>();
  const rows = new Map<string, Measures>();
  const days = new Map<number, readonly number[]>();
  for (const d of deltas) {
    const { day, hour } = businessBucket(d.at, settings.timezone, settings.cutoffHour);
    let levels = days.get(day);
    if (!levels) days.set(day, (levels = bucketsOf(day)));
    if (d.hourly) add(hours, `${day}:${hour}`, d.hourly);
    for (const { dim, ref, m } of d.keyed)
      for (let level = 0; level < 5; level++) add(rows, JSON.stringify([dim, level, levels[level], ref]), m);
  }
  const hourlyStmt = prepared(deps, SQL.hourly);
  for (const [key, m] of hours) {
    const [day, hour] = key.split(':').map(Number);
    hourlyStmt.run(day, hour, ...mValues(m));
  }
  const keyedStmt = prepared(deps, SQL.keyed);
  for (const [key, m] of rows) {
    const [dim, level, bucket, ref] = JSON.parse(key) as [Dim, number, number, string];
    keyedStmt.run(dim, level, bucket, keyOf(deps, dim, ref), ...mValues(m));
  }
  for (const levels of days.values()) forgetBuckets(deps, DIM.product, levels);
}

const BATCH_SQL = {
  customer: `INSERT INTO rollup_customers (customer_id, orders, sales, refunds, first_at, last_at) VALUES (?, ?, ?, 0, ?, ?)
             ON CONFLICT (customer_id) DO UPDATE SET sales = sales + excluded.sales,
               first_at = CASE WHEN orders = 0 THEN excluded.first_at ELSE MIN(first_at, excluded.first_at) END,
               last_at = CASE WHEN orders = 0 THEN excluded.last_at ELSE MAX(last_at, excluded.last_at) END,
               orders = orders + excluded.orders`,
  item: 'INSERT INTO basket_items (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n',
  pair: 'INSERT INTO basket_pairs (a, b, n) VALUES (?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET n = n + excluded.n',
} as const;

/**
 * Many sales at once (a history import): the same sums `applyToRollups` adds sale by sale, added
 * up in memory first and written once per rollup row. Sale by sale, 100,000 imported orders were
 * some five million upserts; summed, a few per product and day. Each sale lands in the business
 * day of its own timestamp. Call inside the transaction that stores the sales.
 */
export function applySalesToRollups(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  events: Iterable<RollupEvent>,
): number {
  const { timezone, cutoffHour } = businessDaySettings(deps);
  // Measures as 14 numbers in M_COLS order, in maps under small-integer keys (a rollup row's
  // group, then its insight key): a history import adds some three million line measures here,
  // and string keys, or numbers too large for a small integer, cost more than the SQL.
  const hourly = new Map<number, Float64Array>();
  const keyed = new Map<number, Map<number, Float64Array>>();
  const dayLevels = new Map<number, readonly number[]>();
  const customers = new Map<string, { orders: number; sales: number; first: number; last: number }>();
  const items = new Map<number, number>();
  const pairs = new Map<number, Map<number, number>>();
  const keysOf = new Map<Dim, Map<string, number>>();
  const kOf = (dim: Dim, ref: string) => {
    let known = keysOf.get(dim);
    if (!known) keysOf.set(dim, (known = new Map()));
    let k = known.get(ref);
    if (k === undefined) known.set(ref, (k = keyOf(deps, dim, ref)));
    return k;
  };
  const row = (map: Map<number, Float64Array>, key: number) => {
    let m = map.get(key);
    if (!m) map.set(key, (m = new Float64Array(M_COUNT)));
    return m;
  };
  const inner = <V>(map: Map<number, Map<number, V>>, key: number) => {
    let m = map.get(key);
    if (!m) map.set(key, (m = new Map()));
    return m;
  };
  const seen = new Set<Float64Array>();
  const productKeys: number[] = [];
  let n = 0;
  for (const event of events) {
    if (event.kind !== 'sale') continue;
    n++;
    const { day, hour } = businessBucket(event.at, timezone, cutoffHour);
    if (!dayLevels.has(day)) dayLevels.set(day, bucketsOf(day));
    const whole = new Float64Array(M_COUNT);
    whole[0] = 1;
    for (const l of event.lines) addLine(whole, l, false);
    addInto(row(hourly, day * 24 + hour), whole);

    seen.clear();
    productKeys.length = 0;
    // The first time a row appears in this sale it counts the order once.
    const keyedRow = (dim: Dim, ref: string) => {
      const k = kOf(dim, ref);
      const m = row(inner(keyed, groupOf(dim, 0, day)), k);
      if (!seen.has(m)) {
        seen.add(m);
        m[0]! += 1;
        if (dim === DIM.product) productKeys.push(k);
      }
      return m;
    };
    for (const l of event.lines) {
      addLine(keyedRow(DIM.product, l.productId), l, true);
      addLine(keyedRow(DIM.category, l.categoryId ?? ''), l, false);
    }
    if (event.staffId) {
      const m = keyedRow(DIM.staff, event.staffId);
      for (let i = 1; i < M_COUNT; i++) m[i]! += whole[i]!;
    }
    for (const p of event.payments) keyedRow(DIM.tender, p.kind)[2]! += p.amount;
    if (event.source === ONLINE) {
      const m = keyedRow(DIM.channel, ONLINE);
      for (let i = 1; i < M_COUNT; i++) m[i]! += whole[i]!;
    }

    if (event.customerId) {
      const c = customers.get(event.customerId);
      if (!c) customers.set(event.customerId, { orders: 1, sales: whole[2]!, first: event.at, last: event.at });
      else {
        c.orders++;
        c.sales += whole[2]!;
        c.first = Math.min(c.first, event.at);
        c.last = Math.max(c.last, event.at);
      }
    }
    const basket = productKeys.slice(0, BASKET_CAP).sort((a, b) => a - b);
    for (let i = 0; i < basket.length; i++) {
      items.set(basket[i]!, (items.get(basket[i]!) ?? 0) + 1);
      const partners = inner(pairs, basket[i]!);
      for (let j = i + 1; j < basket.length; j++) partners.set(basket[j]!, (partners.get(basket[j]!) ?? 0) + 1);
    }
  }

  // Rows are written in primary-key order (the keys sort that way): each B-tree page is visited once.
  const sorted = <V>(map: Map<number, V>) => [...map.keys()].sort((a, b) => a - b);
  const hourlyStmt = prepared(deps, SQL.hourly);
  for (const key of sorted(hourly)) hourlyStmt.run(Math.floor(key / 24), key % 24, ...hourly.get(key)!);
  const keyedStmt = prepared(deps, SQL.keyed);
  const upper = new Map<number, Map<number, Float64Array>>();
  for (const group of sorted(keyed)) {
    const { dim, bucket: day } = ungroup(group);
    const levels = dayLevels.get(day)!;
    const rows = keyed.get(group)!;
    for (const k of sorted(rows)) {
      const m = rows.get(k)!;
      keyedStmt.run(dim, 0, day, k, ...m);
      for (let level = 1; level < 5; level++) addInto(row(inner(upper, groupOf(dim, level, levels[level]!)), k), m);
    }
  }
  for (const group of sorted(upper)) {
    const { dim, level, bucket } = ungroup(group);
    const rows = upper.get(group)!;
    for (const k of sorted(rows)) keyedStmt.run(dim, level, bucket, k, ...rows.get(k)!);
  }
  for (const levels of dayLevels.values()) forgetBuckets(deps, DIM.product, levels);
  const customerStmt = prepared(deps, BATCH_SQL.customer);
  for (const [id, c] of customers) customerStmt.run(id, c.orders, c.sales, c.first, c.last);
  const itemStmt = prepared(deps, BATCH_SQL.item);
  for (const k of sorted(items)) itemStmt.run(k, items.get(k)!);
  const pairStmt = prepared(deps, BATCH_SQL.pair);
  for (const a of sorted(pairs)) {
    const partners = pairs.get(a)!;
    for (const b of sorted(partners)) pairStmt.run(a, b, partners.get(b)!);
  }
  return n;
}

/**
 * A batch row's group, (dim·5 + level, bucket) in one small integer that sorts as the primary key
 * does: buckets (days, parts, months…) stay below 2·10^5 until the year 2200.
 */
const BUCKET_SPAN = 200_000;
/** Days before 1970 (a clock at zero minus the cut-off hour) stay positive. */
const DAY_OFFSET = 10;
const groupOf = (dim: number, level: number, bucket: number) => (dim * 5 + level) * BUCKET_SPAN + bucket + DAY_OFFSET;
function ungroup(group: number): { dim: Dim; level: number; bucket: number } {
  const dimLevel = Math.floor(group / BUCKET_SPAN);
  return { dim: Math.floor(dimLevel / 5) as Dim, level: dimLevel % 5, bucket: (group % BUCKET_SPAN) - DAY_OFFSET };
}

/** A sale line into a batch row (M_COLS order); `product`: a product row keeps weights in `units` too. */
function addLine(m: Float64Array, l: RollupLine, product: boolean): void {
  if (product || !weighedUnit(l.unit)) m[1]! += l.qty;
  m[12]! += lineGrams(l.qty, l.unit);
  m[2]! += l.amount;
  m[3]! += l.amount - l.tax;
  m[4]! += l.tax;
  m[5]! += l.discount;
  m[6]! += l.cost;
}

function addInto(into: Float64Array, m: Float64Array): void {
  for (let i = 0; i < M_COUNT; i++) into[i]! += m[i]!;
}

/** The sale event of a stored order (lines, tenders, staff, customer, shift). */
export function saleEvent(deps: Sql, orderId: string): RollupEvent | null {
  const o = prepared(deps, SQL.saleOrder).get(orderId) as
    | (CamelCols<typeof schema.orders, 'id' | 'staffId' | 'customerId' | 'shiftId' | 'source'> & {
        at: SqlRow<typeof schema.orders>['created_at'];
      })
    | undefined;
  if (!o) return null;
  const lines = prepared(deps, SQL.saleLines).all(orderId) as (CamelCols<
    typeof schema.orderLines,
    'productId' | 'qty' | 'tax' | 'discount' | 'unit'
  > &
    CamelCols<typeof schema.products, 'categoryId'> & { amount: SqlRow<typeof schema.orderLines>['total']; cost: number })[];
  const payments = prepared(deps, SQL.salePayments).all(orderId) as Cols<typeof schema.payments, 'kind' | 'amount'>[];
  return { kind: 'sale', ...o, lines, payments };
}

type InsightDeps = Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>;

/** How long after a sale its rollups are added: a burst of sales (or a sync pull) goes in one transaction. */
export const APPLY_DELAY_MS = 200;

/**
 * Called by checkout (and sync, for other terminals' sales) in the sale's transaction: queues the
 * order for the rollups and schedules `applyPendingInsight`.
 */
export function recordSaleInsight(deps: InsightDeps, orderId: string): void {
  prepared(deps, SQL.queue).run(orderId);
  if (deps.insight.applyTimer) return;
  const timer = setTimeout(() => {
    deps.insight.applyTimer = null;
    // A store closed meanwhile (quit, restore) keeps its queue for the next read.
    if (!deps.sqlite.open || deps.sqlite.inTransaction) return;
    try {
      applyPendingInsight(deps);
    } catch (err) {
      console.error('[countertop] adding sales to the dashboard rollups failed; the next read retries', err);
    }
  }, APPLY_DELAY_MS);
  timer.unref?.();
  deps.insight.applyTimer = timer;
}

/**
 * Adds every queued sale to the rollups, in one transaction (or in the caller's). Every insight
 * read calls it first, so what a dashboard shows always includes the last sale. Returns how many.
 */
export function applyPendingInsight(deps: InsightDeps): number {
  if (!cachedStatement(deps.sqlite, SQL.anyPending, 'pluck').get()) return 0;
  return inTransaction(deps.sqlite, () => {
    ensureChannelRollups(deps);
    let n = 0;
    for (;;) {
      const batch = prepared(deps, SQL.pending).all() as CamelCols<typeof schema.insightPending, 'seq' | 'orderId'>[];
      if (batch.length === 0) return n;
      for (const { orderId } of batch) {
        const event = saleEvent(deps, orderId);
        if (event) applyToRollups(deps, event);
      }
      prepared(deps, SQL.unqueue).run(batch[batch.length - 1]!.seq);
      n += batch.length;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Rebuild from the facts.

/** Sources of non-sale events for a rebuild (the refunds feature registers its refunds here). */
export type RollupSource = (deps: Pick<Deps, 'sqlite' | 'db'>) => Iterable<RollupEvent>;
export const ROLLUP_SOURCES: RollupSource[] = [];

export const ROLLUP_TABLES = ['rollup_hourly', 'rollup_keyed', 'rollup_customers', 'basket_pairs', 'basket_items'] as const;

/**
 * Recomputes every rollup from orders, lines and payments with bulk SQL (the bench fills a
 * million orders this way), then replays the events of `ROLLUP_SOURCES` and `extra`.
 * Per-shift refund tallies are not touched (they belong to the shifts' own history).
 */
export function rebuildRollups(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  opts: { extra?: Iterable<RollupEvent>; log?: (msg: string) => void } = {},
): void {
  const db = deps.sqlite;
  const log = opts.log ?? (() => {});
  const { timezone, cutoffHour } = businessDaySettings(deps);
  for (const t of ROLLUP_TABLES) db.exec(`DELETE FROM ${t}`);
  // Queued sales are among the facts counted below.
  db.exec('DELETE FROM insight_pending');
  db.exec('DELETE FROM rollup_packed');
  forgetAll(deps);
  // Rebuilt from the facts: nothing written the old way is left to correct.
  db.exec('DELETE FROM rollup_weight_fix');

  // 1. Each order's business day, hour and buckets, computed once in JS (time zones).
  db.exec(`DROP TABLE IF EXISTS temp.ob;
    CREATE TEMP TABLE ob (order_id TEXT PRIMARY KEY, day INTEGER, hour INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER, b4 INTEGER) WITHOUT ROWID`);
  const insOb = db.prepare('INSERT INTO temp.ob VALUES (?, ?, ?, ?, ?, ?, ?)');
  let n = 0;
  // In pages: a connection cannot write while it iterates a query.
  const page = db.prepare('SELECT rowid, id, created_at FROM orders WHERE rowid > ? ORDER BY rowid LIMIT 50000').raw();
  for (let last = 0; ;) {
    const rows = page.all(last) as [number, SqlRow<typeof schema.orders>['id'], SqlRow<typeof schema.orders>['created_at']][];
    if (rows.length === 0) break;
    for (const row of rows) {
      const { day, hour } = businessBucket(row[2], timezone, cutoffHour);
      const b = bucketsOf(day);
      insOb.run(row[1], day, hour, b[1], b[2], b[3], b[4]);
    }
    n += rows.length;
    last = rows[rows.length - 1]![0];
  }
  log(`rollups: ${n} orders bucketed`);

  // 2. Keys for every product, category, staff member and tender in the facts.
  db.exec(`INSERT OR IGNORE INTO insight_keys (dim, ref) SELECT DISTINCT ${DIM.product}, product_id FROM order_lines;
    INSERT OR IGNORE INTO insight_keys (dim, ref) SELECT DISTINCT ${DIM.category}, COALESCE(p.category_id, '')
      FROM (SELECT DISTINCT product_id FROM order_lines) l LEFT JOIN products p ON p.id = l.product_id;
    INSERT OR IGNORE INTO insight_keys (dim, ref) SELECT DISTINCT ${DIM.staff}, staff_id FROM orders;
    INSERT OR IGNORE INTO insight_keys (dim, ref) SELECT DISTINCT ${DIM.tender}, kind FROM payments;
    INSERT OR IGNORE INTO insight_keys (dim, ref) SELECT ${DIM.channel}, '${ONLINE}' WHERE EXISTS (SELECT 1 FROM orders WHERE source = '${ONLINE}');`);

  // 3. Per order and per (order, product/category): the line sums.
  db.exec(`DROP TABLE IF EXISTS temp.ol;
    CREATE TEMP TABLE ol AS
      SELECT l.order_id, kp.k AS pk, kc.k AS ck, SUM(l.qty) AS units, SUM(CASE WHEN ${WEIGHED_SQL} THEN 0 ELSE l.qty END) AS pieces,
             SUM(${lineGramsSql('l.qty', 'l.unit')}) AS grams, SUM(l.total) AS sales, SUM(l.total - l.tax) AS net,
             SUM(l.tax) AS tax, SUM(l.discount) AS discount, SUM((l.cost * l.qty + 500) / 1000) AS cost
      FROM order_lines l
      LEFT JOIN products p ON p.id = l.product_id
      JOIN insight_keys kp ON kp.dim = ${DIM.product} AND kp.ref = l.product_id
      JOIN insight_keys kc ON kc.dim = ${DIM.category} AND kc.ref = COALESCE(p.category_id, '')
      GROUP BY l.order_id, l.product_id;
    DROP TABLE IF EXISTS temp.oo;
    -- An order's sales are its lines' totals, as each sale adds them (an online order's total also holds its shipping).
    CREATE TEMP TABLE oo AS
      SELECT o.id AS order_id, o.staff_id, o.customer_id, o.created_at, COALESCE(SUM(ol.sales), 0) AS total, COALESCE(SUM(ol.pieces), 0) AS units,
             COALESCE(SUM(ol.grams), 0.0) AS grams,
             COALESCE(SUM(ol.net), 0) AS net, COALESCE(SUM(ol.tax), 0) AS tax, COALESCE(SUM(ol.discount), 0) AS discount,
             COALESCE(SUM(ol.cost), 0) AS cost
      FROM orders o LEFT JOIN temp.ol ol ON ol.order_id = o.id GROUP BY o.id;`);
  log('rollups: line sums done');

  db.exec(`INSERT INTO rollup_hourly (day, hour, orders, units, sales, net, tax, discount, cost, grams)
    SELECT ob.day, ob.hour, COUNT(*), SUM(oo.units), SUM(oo.total), SUM(oo.net), SUM(oo.tax), SUM(oo.discount), SUM(oo.cost), SUM(oo.grams)
    FROM temp.oo oo JOIN temp.ob ob ON ob.order_id = oo.order_id GROUP BY ob.day, ob.hour`);

  // Level 0 (days) from the lines; every higher level is a sum of the level below it.
  const cols = 'orders, units, sales, net, tax, discount, cost, grams';
  db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, ${cols})
    SELECT ${DIM.product}, 0, ob.day, ol.pk, COUNT(*), SUM(ol.units), SUM(ol.sales), SUM(ol.net), SUM(ol.tax), SUM(ol.discount), SUM(ol.cost),
      SUM(ol.grams)
    FROM temp.ol ol JOIN temp.ob ob ON ob.order_id = ol.order_id GROUP BY ob.day, ol.pk`);
  db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, ${cols})
    SELECT ${DIM.category}, 0, ob.day, c.ck, COUNT(*), SUM(c.units), SUM(c.sales), SUM(c.net), SUM(c.tax), SUM(c.discount), SUM(c.cost),
      SUM(c.grams)
    FROM (SELECT order_id, ck, SUM(pieces) AS units, SUM(sales) AS sales, SUM(net) AS net, SUM(tax) AS tax, SUM(discount) AS discount,
                 SUM(cost) AS cost, SUM(grams) AS grams FROM temp.ol GROUP BY order_id, ck) c
    JOIN temp.ob ob ON ob.order_id = c.order_id GROUP BY ob.day, c.ck`);
  db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, ${cols})
    SELECT ${DIM.staff}, 0, ob.day, k.k, COUNT(*), SUM(oo.units), SUM(oo.total), SUM(oo.net), SUM(oo.tax), SUM(oo.discount), SUM(oo.cost),
      SUM(oo.grams)
    FROM temp.oo oo JOIN temp.ob ob ON ob.order_id = oo.order_id
    JOIN insight_keys k ON k.dim = ${DIM.staff} AND k.ref = oo.staff_id GROUP BY ob.day, k.k`);
  db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, orders, sales)
    SELECT ${DIM.tender}, 0, ob.day, k.k, COUNT(DISTINCT p.order_id), SUM(p.amount)
    FROM payments p JOIN temp.ob ob ON ob.order_id = p.order_id
    JOIN insight_keys k ON k.dim = ${DIM.tender} AND k.ref = p.kind GROUP BY ob.day, k.k`);
  db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, ${cols})
    SELECT ${DIM.channel}, 0, ob.day, k.k, COUNT(*), SUM(oo.units), SUM(oo.total), SUM(oo.net), SUM(oo.tax), SUM(oo.discount), SUM(oo.cost),
      SUM(oo.grams)
    FROM orders o JOIN temp.oo oo ON oo.order_id = o.id JOIN temp.ob ob ON ob.order_id = o.id
    JOIN insight_keys k ON k.dim = ${DIM.channel} AND k.ref = '${ONLINE}' WHERE o.source = '${ONLINE}' GROUP BY ob.day, k.k`);
  log('rollups: days done');
  // day → part, part → month, month → quarter, quarter → year (see bucketsOf).
  db.exec(`DROP TABLE IF EXISTS temp.dm;
    CREATE TEMP TABLE dm (day INTEGER PRIMARY KEY, part INTEGER NOT NULL);
    INSERT INTO temp.dm SELECT DISTINCT day, b1 FROM temp.ob;`);
  const up = [
    { from: 0, expr: '(SELECT part FROM temp.dm WHERE dm.day = r.bucket)' },
    { from: 1, expr: 'r.bucket / 4' },
    { from: 2, expr: '(r.bucket / 12) * 4 + (r.bucket % 12) / 3' },
    { from: 3, expr: 'r.bucket / 4' },
  ];
  const sums = M_COLS.split(', ')
    .map((c) => `SUM(${c})`)
    .join(', ');
  for (const { from, expr } of up) {
    db.exec(`INSERT INTO rollup_keyed (dim, level, bucket, k, ${M_COLS})
      SELECT r.dim, ${from + 1}, ${expr} AS b, r.k, ${sums} FROM rollup_keyed r WHERE r.level = ${from} GROUP BY r.dim, b, r.k`);
    log(`rollups: level ${from + 1} done`);
  }

  db.exec(`INSERT INTO rollup_customers (customer_id, orders, sales, refunds, first_at, last_at)
    SELECT customer_id, COUNT(*), SUM(total), 0, MIN(created_at), MAX(created_at) FROM temp.oo
    WHERE customer_id IS NOT NULL GROUP BY customer_id`);

  // Baskets: the first BASKET_CAP distinct products of each order, by line position (the lines'
  // index gives them in that order, so nothing is sorted).
  const keyOfProduct = new Map(
    db.prepare(`SELECT ref, k FROM insight_keys WHERE dim = ${DIM.product}`).raw().all() as [KeyRow['ref'], KeyRow['k']][],
  );
  // Pairs counted in memory (one pass over the baskets in order), then written once: far cheaper
  // than a self-join sorting tens of millions of pair rows.
  const items = new Map<number, number>();
  const pairs = new Map<number, number>();
  const SHIFT = 2 ** 26;
  let basket: number[] = [];
  let current: string | null = null;
  const flush = () => {
    basket = [...new Set(basket)].slice(0, BASKET_CAP);
    basket.sort((x, y) => x - y);
    for (let i = 0; i < basket.length; i++) {
      items.set(basket[i]!, (items.get(basket[i]!) ?? 0) + 1);
      for (let j = i + 1; j < basket.length; j++) {
        const key = basket[i]! * SHIFT + basket[j]!;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
    basket = [];
  };
  const lines = db.prepare('SELECT order_id, product_id FROM order_lines ORDER BY order_id, position').raw();
  for (const [orderId, productId] of lines.iterate() as IterableIterator<[LineRow['order_id'], LineRow['product_id']]>) {
    if (orderId !== current) {
      flush();
      current = orderId;
    }
    basket.push(keyOfProduct.get(productId)!);
  }
  flush();
  const insItem = db.prepare('INSERT INTO basket_items (k, n) VALUES (?, ?)');
  for (const [k, n] of items) insItem.run(k, n);
  const insPair = db.prepare('INSERT INTO basket_pairs (a, b, n) VALUES (?, ?, ?)');
  for (const [key, n] of [...pairs.entries()].sort((x, y) => x[0] - y[0])) insPair.run(Math.floor(key / SHIFT), key % SHIFT, n);
  db.exec('DROP TABLE temp.ol; DROP TABLE temp.oo; DROP TABLE temp.ob; DROP TABLE temp.dm;');
  log('rollups: baskets done');

  for (const source of ROLLUP_SOURCES) for (const e of source(deps)) applyToRollups(deps, e, { shiftTallies: false });
  for (const e of opts.extra ?? []) applyToRollups(deps, e, { shiftTallies: false });
  log(`rollups: ${packAllDays(deps, DIM.product)} product days packed`);
  markRollupSettings(deps, timezone, cutoffHour);
  markChannelRollups(deps);
}

const CHANNELS_META = 'channels';

function markChannelRollups(deps: Sql): void {
  deps.sqlite.prepare("INSERT INTO insight_meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING").run(CHANNELS_META);
}

/**
 * Rollups written before they kept the online channel lack its rows: the online orders already
 * rolled up (not those still queued, which `applyToRollups` will count) are added once, before any
 * sale is added the new way. Online orders are few, and read through their own index.
 */
export function ensureChannelRollups(deps: InsightDeps): void {
  if (cachedStatement(deps.sqlite, 'SELECT 1 FROM insight_meta WHERE key = ?', 'pluck').get(CHANNELS_META)) return;
  inTransaction(deps.sqlite, () => {
    const ids = deps.sqlite
      .prepare(
        `SELECT o.id FROM orders o WHERE o.source = '${ONLINE}' AND o.created_at >= 0
         AND NOT EXISTS (SELECT 1 FROM insight_pending q WHERE q.order_id = o.id)`,
      )
      .pluck()
      .all() as SqlRow<typeof schema.orders>['id'][];
    const deltas: BucketDelta[] = [];
    for (const id of ids) {
      const e = saleEvent(deps, id);
      if (!e) continue;
      const whole: Partial<Measures> = { orders: 1 };
      for (const l of e.lines)
        for (const [k, v] of Object.entries(lineMeasures('sale', l, false)) as [keyof Measures, number][]) whole[k] = (whole[k] ?? 0) + v;
      deltas.push({ at: e.at, hourly: null, keyed: [{ dim: DIM.channel, ref: ONLINE, m: whole }] });
    }
    if (deltas.length > 0) addToBuckets(deps, deltas);
    markChannelRollups(deps);
  });
}

export function markRollupSettings(deps: Sql, timezone: string, cutoffHour: number): void {
  deps.sqlite
    .prepare("INSERT INTO insight_meta (key, value) VALUES ('built_with', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(JSON.stringify({ timezone, cutoffHour }));
}

/** For tests and diagnostics: the year span of the stored rollups. */
export function rollupYears(deps: Sql): number[] {
  const r = deps.sqlite.prepare('SELECT MIN(day) AS lo, MAX(day) AS hi FROM rollup_hourly').get() as {
    lo: SqlRow<typeof schema.rollupHourly>['day'] | null;
    hi: SqlRow<typeof schema.rollupHourly>['day'] | null;
  };
  if (r.lo === null || r.hi === null) return [];
  const out: number[] = [];
  for (let y = dayParts(r.lo).y; y <= dayParts(r.hi).y; y++) out.push(y);
  return out;
}
