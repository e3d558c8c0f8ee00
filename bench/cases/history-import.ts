/**
 * history_import_100k: 100,000 past orders (about 300,000 lines, one customer email in two orders)
 * as a Countertop sales-history CSV through the router — uploaded in 512 kB pieces, previewed,
 * then committed: rows checked, products matched by SKU against the seeded catalog, customers
 * matched or made, orders, lines, payments and outbox entries written, and the dashboard rollups
 * summed per batch, in one transaction.
 * Baseline: the same orders, lines and payments written by prepared INSERTs in one transaction,
 * with no parsing, validation, outbox or rollups.
 */
import { call, type BenchContext, type BenchResult } from '../context';
import { fmtMs, msSince, rng, summarize } from '../stats';
import { rawTransaction } from './raw';
import { ADMIN_SESSION_INV, signInAdmin } from './inventory-fixtures';
import type { BenchCase } from './types';

const PIECE = 512 * 1024;
const DAY = 86_400_000;

function historyCsv(prefix: string, orders: number, skus: string[], seed: number, now: number): string {
  const rand = rng(seed);
  const out = ['order_id,date,customer_email,sku,qty,unit_price,payments'];
  for (let i = 0; i < orders; i++) {
    const at = new Date(now - Math.floor(rand() * 730 * DAY)).toISOString();
    const email = rand() < 0.5 ? `c${Math.floor(rand() * (orders / 4))}@example.com` : '';
    const tender = rand() < 0.4 ? 'cash' : 'card';
    const lines = 1 + Math.floor(rand() * 5);
    for (let l = 0; l < lines; l++) {
      const sku = skus[Math.floor(rand() * skus.length)]!;
      const qty = 1 + Math.floor(rand() * 3);
      const price = (1 + Math.floor(rand() * 2000)) / 100;
      out.push(`${prefix}${i},${at},${email},${sku},${qty},${price.toFixed(2)},${tender}`);
    }
  }
  return out.join('\n');
}

export const historyImport: BenchCase = {
  id: 'history_import_100k',
  title: 'imports.begin/chunk + history.preview/commit of 100,000 past orders (router)',
  budget: 30_000,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const orders = 100_000;
    const runs = ctx.quick ? 1 : 2;
    const skus = ctx
      .sampleColumn('products', 'sku', 5000, 77)
      .map((s) => (/[",\n]/.test(s) ? null : s))
      .filter((s): s is string => !!s);
    // Order ids new on every run of the bench on a kept store.
    const done = sqlite.prepare("SELECT COUNT(*) FROM orders WHERE source = 'countertop'").pluck().get() as number;
    const routerMs: number[] = [];
    const rawMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const text = historyCsv(`H${done + run}-`, orders, skus, 300 + run, Date.now());
      await signInAdmin(ctx);
      const t0 = process.hrtime.bigint();
      const { importId } = await call(app, 'imports.begin', { kind: 'sales' }, ADMIN_SESSION_INV);
      for (let i = 0; i * PIECE < text.length; i++)
        await call(app, 'imports.chunk', { importId, seq: i, text: text.slice(i * PIECE, (i + 1) * PIECE) }, ADMIN_SESSION_INV);
      const preview = await call(app, 'history.preview', { importId }, ADMIN_SESSION_INV);
      const tPreview = msSince(t0);
      const res = await call(app, 'history.commit', { importId, onlyValid: false }, ADMIN_SESSION_INV);
      const dt = msSince(t0);
      if (res.created !== orders) throw new Error(`imported ${res.created} of ${orders} orders (${preview.errors[0]?.reason ?? ''})`);
      routerMs.push(dt);
      ctx.log(
        `  run ${run + 1}: ${orders.toLocaleString('en')} orders, ${res.lines.toLocaleString('en')} lines (${(text.length / 1e6).toFixed(1)} MB) in ${fmtMs(dt)} ms (preview done at ${fmtMs(tPreview)} ms)`,
      );

      // Baseline: the same number of orders with their lines and a payment, inserted plainly.
      const rand = rng(900 + run);
      const staff = ctx.meta.adminId;
      const product = sqlite.prepare('SELECT id, sku, name, unit FROM products WHERE sku = ?');
      const picks = skus.slice(0, 500).map((s) => product.get(s) as { id: string; sku: string; name: string; unit: string });
      const insO = sqlite.prepare(
        `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
           tax_total, total, paid, change, taxes, created_at, source) VALUES (?, ?, ?, ?, 'RAW', ?, 'USD', 'inclusive', ?, 0, 0, ?, ?, 0, '[]', ?, 'raw')`,
      );
      const insL = sqlite.prepare(
        `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, unit, qty, unit_price, original_price, gross, discount, net,
           tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, ?, 0)`,
      );
      const insP = sqlite.prepare("INSERT INTO payments (id, order_id, kind, amount, created_at) VALUES (?, ?, 'cash', ?, ?)");
      const t1 = process.hrtime.bigint();
      rawTransaction(sqlite, () => {
        const now = Date.now();
        for (let i = 0; i < orders; i++) {
          const id = app.deps.ids();
          const lines = 1 + Math.floor(rand() * 5);
          let total = 0;
          const rows: unknown[][] = [];
          for (let l = 0; l < lines; l++) {
            const p = picks[Math.floor(rand() * picks.length)]!;
            const price = 100 + Math.floor(rand() * 2000);
            rows.push([app.deps.ids(), id, l + 1, p.id, p.sku, p.name, p.unit, 1000, price, price, price, price, price]);
            total += price;
          }
          insO.run(id, `RAW-${done + run}-${i}`, `raw:${id}`, id, staff, total, total, total, now);
          for (const r of rows) insL.run(...r);
          insP.run(app.deps.ids(), id, total, now);
        }
      });
      rawMs.push(msSince(t1));
      ctx.log(`         baseline ${fmtMs(rawMs[rawMs.length - 1]!)} ms`);
    }
    const r = summarize(routerMs);
    const b = summarize(rawMs);
    return {
      id: 'history_import_100k',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      rate: (orders / r.p50) * 1000,
      budget: this.budget,
      baseline: {
        name: 'plain SQL: prepared INSERTs of orders, lines and a payment, one transaction, no parsing, validation, outbox or rollups',
        p50: b.p50,
        p99: b.p99,
        rate: (orders / b.p50) * 1000,
      },
    };
  },
};
