/**
 * A store's past for the bench: `orders` sales over the last year, written as a history import
 * writes them (source 'countertop': outside this till's journal and shifts), with one to five
 * lines of seeded products and a cash or card payment each, then the dashboard rollups rebuilt from
 * them. Plain prepared INSERTs in one transaction: the point is the store's size, not the import.
 */
import { writeUncaptured } from '../src/main/db/write-path';
import type { App } from '../src/main/app';
import { inTransaction } from '../src/main/db/open';
import { rebuildRollups } from '../src/main/insight/rollups';
import { rng } from './stats';

const DAY = 86_400_000;

export interface HistoryReport {
  orders: number;
  lines: number;
  insertMs: number;
  rollupsMs: number;
}

type HistoryOptions = { orders: number; seed: number; staffId: string; log: (msg: string) => void; now?: number };

/** Past sales as the store holds them, not edits to send: written without capture. */
export function seedHistory(app: App, opts: HistoryOptions): HistoryReport {
  return writeUncaptured(app.deps.sqlite, () => writeHistory(app, opts));
}

function writeHistory(app: App, opts: HistoryOptions): HistoryReport {
  const { sqlite } = app.deps;
  const rand = rng(opts.seed);
  const now = opts.now ?? Date.now();
  const maxRow = sqlite.prepare('SELECT MAX(rowid) FROM products').pluck().get() as number;
  const product = sqlite.prepare('SELECT id, sku, name, alt_name AS altName, unit, price FROM products WHERE rowid = ?');
  type P = { id: string; sku: string; name: string; altName: string | null; unit: string; price: number };
  // A pool of products people buy (a store sells a minority of its catalog often).
  const pool: P[] = [];
  for (let i = 0; pool.length < Math.min(20_000, maxRow) && i < 200_000; i++) {
    const p = product.get(1 + Math.floor(rand() * maxRow)) as P | undefined;
    if (p && p.price > 0) pool.push(p);
  }
  if (pool.length === 0) throw new Error('no priced products to sell');
  const insO = sqlite.prepare(
    `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, customer_id, fulfilment, currency, price_mode, subtotal,
       discount_total, tax_total, total, paid, change, taxes, created_at, shift_id, source)
     VALUES (?, ?, ?, ?, 'T1', ?, NULL, 'now', 'USD', 'inclusive', ?, 0, 0, ?, ?, 0, '[]', ?, NULL, 'countertop')`,
  );
  const insL = sqlite.prepare(
    `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, alt_name, unit, qty, unit_price, original_price, gross,
       discount, net, tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, ?, 0)`,
  );
  const insP = sqlite.prepare(
    'INSERT INTO payments (id, order_id, kind, amount, tendered, brand, last4, reference, created_at) VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL, ?)',
  );
  const done = sqlite.prepare("SELECT COUNT(*) FROM orders WHERE source = 'countertop'").pluck().get() as number;
  let lines = 0;
  const t0 = performance.now();
  inTransaction(sqlite, () => {
    for (let i = 0; i < opts.orders; i++) {
      const id = app.deps.ids();
      const at = now - Math.floor(rand() * 365 * DAY);
      const n = 1 + Math.floor(rand() * 5);
      let total = 0;
      const rows: unknown[][] = [];
      for (let l = 0; l < n; l++) {
        const p = pool[Math.floor(rand() * pool.length)]!;
        const qty = p.unit === 'each' ? 1000 * (1 + Math.floor(rand() * 3)) : 250 + Math.floor(rand() * 1500);
        const gross = Math.round((p.price * qty) / 1000);
        rows.push([app.deps.ids(), id, l, p.id, p.sku, p.name, p.altName, p.unit, qty, p.price, p.price, gross, gross, gross]);
        total += gross;
      }
      const k = done + i + 1;
      insO.run(id, `H-${String(k).padStart(7, '0')}`, `import:countertop:H${k}`, app.deps.ids(), opts.staffId, total, total, total, at);
      for (const r of rows) insL.run(...r);
      insP.run(app.deps.ids(), id, rand() < 0.4 ? 'cash' : 'card_external', total, at);
      lines += n;
      if ((i + 1) % 200_000 === 0) opts.log(`  ${(i + 1).toLocaleString('en')} / ${opts.orders.toLocaleString('en')} orders`);
    }
  });
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  inTransaction(sqlite, () => rebuildRollups(app.deps, { log: (m) => opts.log(`  ${m}`) }));
  return { orders: opts.orders, lines, insertMs, rollupsMs: performance.now() - t1 };
}
