/**
 * checkout_commit: completing a 5-line cash sale through the router (the cart is built outside the
 * timing). Baseline: the handler's own statements (CHECKOUT_SQL, LEDGER_SQL) inserting an order, 5
 * lines, 1 payment and 5 stock movements + level updates in one BEGIN IMMEDIATE transaction,
 * measured interleaved on the same database. Between sales the event loop turns, as it does between
 * IPC requests in the app, so work deferred after a sale (rollups) runs during the case.
 */
import { uuidv7 } from '../../src/shared/ids';
import { CHECKOUT_SQL } from '../../src/main/sales/checkout';
import { LEDGER_SQL } from '../../src/main/inventory/ledger';
import { CLERK_SESSION, call, type BenchContext, type BenchResult } from '../context';
import { msSince, summarize } from '../stats';
import { logDurabilitySplit, rawTransaction, withSynchronous } from './raw';
import type { BenchCase } from './types';
import { watchTail } from '../tail-watch';

const LINES = 5;

interface RawProduct {
  id: string;
  sku: string;
  name: string;
  altName: string | null;
  unit: string;
  price: number;
  cost: number;
  rateBp: number;
}

export const checkoutCommit: BenchCase = {
  id: 'checkout_commit',
  title: 'sales.complete of a 5-line cart with cash (router, on-disk store)',
  budget: 3,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const iterations = ctx.quick ? 300 : 1000;
    const warmup = 50;
    const codes = ctx.sampleColumn('barcodes', 'code', (warmup + iterations) * LINES, 202);
    await ctx.signInClerk();
    await call(app, 'cart.clear', {}, CLERK_SESSION);

    const location = (sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').get() as { id: string }).id;
    const raw = {
      product: sqlite.prepare(
        `SELECT p.id, p.sku, p.name, p.alt_name AS altName, p.unit, p.price, p.cost, t.rate_bp AS rateBp
         FROM barcodes b JOIN products p ON p.id = b.product_id JOIN tax_rates t ON t.id = p.tax_rate_id WHERE b.code = ?`,
      ),
      order: sqlite.prepare(CHECKOUT_SQL.insertOrder),
      line: sqlite.prepare(CHECKOUT_SQL.insertLine),
      payment: sqlite.prepare(CHECKOUT_SQL.insertPayment),
      movement: sqlite.prepare(LEDGER_SQL.insertMovement),
      level: sqlite.prepare(LEDGER_SQL.addToLevel),
    };

    /** Router and raw sales, interleaved; the carts are built outside the timing. */
    const measure = async (batch: string[], warm: number) => {
      const routerMs: number[] = [];
      const rawMs: number[] = [];
      const sales = Math.floor(batch.length / LINES);
      for (let i = 0; i < sales; i++) {
        const lineCodes = batch.slice(i * LINES, (i + 1) * LINES);
        let cart = await call(app, 'cart.scan', { code: lineCodes[0]! }, CLERK_SESSION);
        for (const code of lineCodes.slice(1)) cart = await call(app, 'cart.scan', { code }, CLERK_SESSION);
        if (!cart.id) throw new Error('no open cart after scanning');
        const products = lineCodes.map((c) => raw.product.get(c) as RawProduct);

        const cartId = cart.id;
        const routerSale = async () => {
          const { value: res, ms } = await tail.time(() =>
            app.router.call(
              'sales.complete',
              { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
              CLERK_SESSION,
            ),
          );
          if (!res.ok) throw new Error(`sales.complete: ${res.error.code} ${res.error.message}`);
          return ms;
        };

        const rawSale = () => {
          const t1 = process.hrtime.bigint();
          rawTransaction(sqlite, () => {
            const now = Date.now();
            const orderId = uuidv7(now);
            const total = products.reduce((s, p) => s + p.price, 0);
            const tax = products.reduce((s, p) => s + Math.round((p.price * p.rateBp) / (10000 + p.rateBp)), 0);
            raw.order.run(
              orderId,
              `BENCH-${orderId}`,
              uuidv7(now),
              uuidv7(now),
              'BENCH',
              ctx.meta.clerkId,
              'USD',
              'inclusive',
              total - tax,
              0,
              tax,
              total,
              total,
              0,
              '[]',
              now,
              null,
            );
            products.forEach((p, k) => {
              const lineTax = Math.round((p.price * p.rateBp) / (10000 + p.rateBp));
              raw.line.run(
                uuidv7(now),
                orderId,
                k + 1,
                p.id,
                p.sku,
                p.name,
                p.altName,
                p.unit,
                1000,
                p.price,
                p.price,
                p.price,
                0,
                p.price - lineTax,
                lineTax,
                p.rateBp,
                p.price,
                p.id,
              );
              raw.movement.run(uuidv7(now), p.id, location, -1000, 'sale', orderId, ctx.meta.clerkId, now, null, null);
              raw.level.run(p.id, location, -1000);
            });
            raw.payment.run(uuidv7(now), orderId, 'cash', total, total, null, null, null, now);
          });
          return msSince(t1);
        };
        // Both sides sell the same products, and the second finds their stock rows' pages in the
        // cache the first one read: which side goes first alternates.
        let dt: number;
        let dr: number;
        if (i % 2 === 0) {
          dt = await routerSale();
          dr = rawSale();
        } else {
          dr = rawSale();
          dt = await routerSale();
        }
        // The app's event loop turns between a clerk's requests: what it does moments after a sale
        // (the dashboard rollups) runs here, in this process, outside the sale's own timing.
        await new Promise<void>((r) => setImmediate(r));
        if (i >= warm) {
          routerMs.push(dt);
          rawMs.push(dr);
        }
      }
      return { routerMs, rawMs };
    };

    const tAll = process.hrtime.bigint();
    let tail = watchTail();
    const { routerMs, rawMs } = await measure(codes, warmup);
    const wallS = msSince(tAll) / 1000;
    const gcLine = await tail.stop(warmup);
    tail = watchTail();

    const r = summarize(routerMs);
    const b = summarize(rawMs);
    ctx.log(`  router: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, mean ${r.mean.toFixed(3)}, max ${r.max.toFixed(2)} ms`);
    ctx.log(`  raw:    p50 ${b.p50.toFixed(3)} ms, p99 ${b.p99.toFixed(3)} ms, mean ${b.mean.toFixed(3)}, max ${b.max.toFixed(2)} ms`);
    ctx.log(`  (${warmup + iterations} sales each way in ${wallS.toFixed(1)} s, including building the carts)`);
    ctx.log(`  diagnostic: ${gcLine}`);
    // Diagnostic only: the same sales without an fsync per commit.
    const extra = ctx.sampleColumn('barcodes', 'code', 300 * LINES, 203);
    const normal = await withSynchronous(sqlite, 'NORMAL', () => measure(extra, 50));
    await tail.stop();
    logDurabilitySplit(ctx, normal);
    return {
      id: 'checkout_commit',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'raw better-sqlite3: order + 5 lines + payment + 5 movements/levels, one transaction', p50: b.p50, p99: b.p99 },
    };
  },
};
