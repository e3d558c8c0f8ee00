/**
 * A sales history written straight into the store with bulk statements: a demo store's past (the
 * dashboard has something to show) and the bench's million orders. Orders, lines and payments are
 * shaped as checkout writes them (same columns, same pricing rules for tax), spread over the days
 * with a weekly rhythm, lunch and evening peaks, some growth, and about a third of the sales with
 * a returning customer. Rollups are then filled in bulk (`rebuildRollups`).
 */
import type { Deps } from '../deps';
import { divRound } from '../../shared/pricing';
import { rebuildRollups } from '../insight/rollups';
import { writeUncaptured } from '../db/write-path';
import type { CamelCols, SqlRow } from '../db/rows';
import type * as schema from '../db/schema';

export interface HistoryOptions {
  orders: number;
  /** Lines per order on average (1…2×avg−1). */
  avgLines: number;
  days: number;
  /** The history ends just before this instant. */
  endAt: number;
  seed: number;
  /** Sell from at most this many products (the most popular get most sales). */
  productPool?: number;
  customers?: number;
  /** Rows per transaction. */
  batch?: number;
  log?: (msg: string) => void;
}

export interface HistoryReport {
  orders: number;
  lines: number;
  insertMs: number;
  rollupMs: number;
}

/** Small fast PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** UUIDv7-shaped ids from a PRNG: time-ordered like the app's, without crypto per row. */
function idMaker(rand: () => number): (at: number) => string {
  return (at) => {
    let ms = Math.floor(at);
    const b = new Array<number>(16);
    for (let i = 5; i >= 0; i--) {
      b[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    for (let i = 6; i < 16; i++) b[i] = Math.floor(rand() * 256);
    b[6] = (b[6]! & 0x0f) | 0x70;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.map((x) => HEX[x]!);
    return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
  };
}

// Sales by hour of the day (store open 7–22), and by weekday (Mon…Sun).
const HOURS = [0, 0, 0, 0, 0, 0, 0, 2, 5, 6, 6, 8, 12, 10, 6, 5, 7, 11, 12, 9, 6, 4, 2, 0];
const WEEKDAYS = [0.85, 0.85, 0.9, 0.95, 1.2, 1.4, 1.0];

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

function pick(cum: number[], r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Seeded history is not this till's sales: it is not queued for sync. */
export function seedHistory(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  opts: HistoryOptions,
): HistoryReport {
  return writeUncaptured(deps.sqlite, () => writeHistory(deps, opts));
}

type SettingValue = SqlRow<typeof schema.settings>['value'];

function writeHistory(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  opts: HistoryOptions,
): HistoryReport {
  const db = deps.sqlite;
  const log = opts.log ?? (() => {});
  const rand = prng(opts.seed);
  const newId = idMaker(rand);
  const priceMode = JSON.parse(
    (db.prepare("SELECT value FROM settings WHERE key = 'priceMode'").pluck().get() as SettingValue | undefined) ?? '"inclusive"',
  ) as string as 'inclusive' | 'exclusive';
  const currency = JSON.parse(
    (db.prepare("SELECT value FROM settings WHERE key = 'currency'").pluck().get() as SettingValue | undefined) ?? '"USD"',
  ) as string;
  const products = db
    .prepare(
      `SELECT p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.price, p.cost, t.rate_bp AS rateBp FROM products p
       JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.archived = 0 AND p.price > 0 ORDER BY p.rowid LIMIT ?`,
    )
    .all(opts.productPool ?? 5000) as (CamelCols<typeof schema.products, 'id' | 'sku' | 'name' | 'altName' | 'unit' | 'price' | 'cost'> &
    CamelCols<typeof schema.taxRates, 'rateBp'>)[];
  if (products.length === 0) throw new Error('No products to sell: load a catalog first');
  const staff = db.prepare('SELECT id FROM staff ORDER BY rowid').pluck().all() as SqlRow<typeof schema.staff>['id'][];
  const customers = Array.from(
    { length: opts.customers ?? Math.max(10, Math.round(opts.orders / 40)) },
    (_, i) => `cust-${String(i + 1).padStart(6, '0')}`,
  );

  // Popularity: a few products sell a lot (power law over a shuffled pool).
  const order = products.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const productAt = (r: number) => products[order[Math.min(order.length - 1, Math.floor(order.length * r ** 2.2))]!]!;

  // Days: weekly rhythm and 30% growth over the period.
  const hourCum = cumulative(HOURS);
  const startDay = Math.floor(opts.endAt / 86_400_000) - opts.days;
  const dayWeights = Array.from(
    { length: opts.days },
    (_, d) => WEEKDAYS[(((startDay + d + 3) % 7) + 7) % 7]! * (1 + (0.3 * d) / opts.days),
  );
  const dayCum = cumulative(dayWeights);
  // The store's zone offset is ignored here on purpose: the rollups bucket by the real zone.
  const times = new Float64Array(opts.orders);
  for (let i = 0; i < opts.orders; i++) {
    const d = pick(dayCum, rand());
    const h = pick(hourCum, rand());
    times[i] = (startDay + d) * 86_400_000 + h * 3_600_000 + Math.floor(rand() * 3_600_000);
  }
  times.sort();

  const insOrder = db.prepare(
    `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
       tax_total, total, paid, change, taxes, created_at, shift_id, customer_id) VALUES (?, ?, ?, ?, 'H1', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, NULL, ?)`,
  );
  const insLine = db.prepare(
    `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, alt_name, unit, qty, unit_price, original_price, gross,
       discount, net, tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, ?, ?, ?, 'each', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
  );
  const insPay = db.prepare(
    'INSERT INTO payments (id, order_id, kind, amount, tendered, brand, last4, reference, created_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)',
  );

  const syncBefore = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = OFF');
  const t0 = performance.now();
  let lines = 0;
  const batch = opts.batch ?? 20_000;
  try {
    for (let start = 0; start < opts.orders; start += batch) {
      db.exec('BEGIN');
      const end = Math.min(opts.orders, start + batch);
      for (let i = start; i < end; i++) {
        const at = times[i]!;
        const id = newId(at);
        const n = 1 + Math.floor(rand() * (2 * opts.avgLines - 1));
        const taxes = new Map<number, { base: number; tax: number }>();
        let subtotal = 0;
        let taxTotal = 0;
        let total = 0;
        const rows: unknown[][] = [];
        for (let k = 0; k < n; k++) {
          const p = productAt(rand());
          const qty = (rand() < 0.8 ? 1 : 2 + Math.floor(rand() * 2)) * 1000;
          const gross = divRound(p.price * qty, 1000);
          const tax = priceMode === 'inclusive' ? divRound(gross * p.rateBp, 10000 + p.rateBp) : divRound(gross * p.rateBp, 10000);
          const lineTotal = priceMode === 'inclusive' ? gross : gross + tax;
          subtotal += gross;
          taxTotal += tax;
          total += lineTotal;
          const b = taxes.get(p.rateBp) ?? { base: 0, tax: 0 };
          b.base += priceMode === 'inclusive' ? gross - tax : gross;
          b.tax += tax;
          taxes.set(p.rateBp, b);
          rows.push([
            newId(at),
            id,
            k + 1,
            p.id,
            p.sku,
            p.name,
            p.altName,
            qty,
            p.price,
            p.price,
            gross,
            gross,
            tax,
            p.rateBp,
            lineTotal,
            p.cost,
          ]);
        }
        const taxList = [...taxes.entries()].sort((a, b) => a[0] - b[0]).map(([rateBp, v]) => ({ rateBp, base: v.base, tax: v.tax }));
        const r = rand();
        const kind = r < 0.55 ? 'cash' : r < 0.9 ? 'card_external' : 'card_integrated';
        const tendered = kind === 'cash' ? Math.ceil(total / 500) * 500 : null;
        const customer = rand() < 0.35 ? customers[Math.floor(customers.length * rand() ** 1.6)]! : null;
        insOrder.run(
          id,
          `H1-${String(i + 1).padStart(7, '0')}`,
          newId(at),
          newId(at),
          staff[Math.floor(rand() * staff.length)]!,
          currency,
          priceMode,
          subtotal,
          taxTotal,
          total,
          tendered ?? total,
          tendered !== null ? tendered - total : 0,
          JSON.stringify(taxList),
          at,
          customer,
        );
        for (const row of rows) insLine.run(...row);
        insPay.run(newId(at), id, kind, total, tendered, at);
        lines += n;
      }
      db.exec('COMMIT');
      if ((start / batch) % 10 === 9) log(`history: ${end.toLocaleString('en')} orders`);
    }
    const insertMs = performance.now() - t0;
    log(
      `history: ${opts.orders.toLocaleString('en')} orders, ${lines.toLocaleString('en')} lines inserted in ${(insertMs / 1000).toFixed(1)} s; filling rollups…`,
    );
    const t1 = performance.now();
    db.exec('BEGIN');
    rebuildRollups(deps, { log });
    db.exec('COMMIT');
    return { orders: opts.orders, lines, insertMs, rollupMs: performance.now() - t1 };
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    db.pragma(`synchronous = ${syncBefore}`);
  }
}
