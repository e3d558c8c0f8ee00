/**
 * scan_to_cart: a barcode scan through the router to a priced, stored cart line.
 * Baseline: the handler's own statements (CART_SQL) doing the core work (barcode → product, insert
 * the line, read the cart back) in one BEGIN IMMEDIATE transaction, measured interleaved on the
 * same database. The cart is a draft (`draft: true` on the channel): both sides commit it without
 * waiting for the disk's flush; the sale that closes the cart is flushed (checkout_commit).
 */
import { uuidv7 } from '../../src/shared/ids';
import { CART_SQL } from '../../src/main/sales/cart';
import { CLERK_SESSION, call, type BenchContext, type BenchResult } from '../context';
import { msSince, summarize } from '../stats';
import { rawTransaction } from './raw';
import type { BenchCase } from './types';
import { watchTail } from '../tail-watch';

const CLEAR_EVERY = 50;

export const scanToCart: BenchCase = {
  id: 'scan_to_cart',
  title: 'cart.scan of a random existing barcode (router, on-disk store, WAL; a draft write: no flush per scan)',
  budget: 1,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const { sqlite } = app.deps;
    const iterations = ctx.quick ? 1000 : 3000;
    const warmup = 200;
    const codes = ctx.sampleColumn('barcodes', 'code', warmup + iterations, 101);
    await ctx.signInClerk();
    await call(app, 'cart.clear', {}, CLERK_SESSION);

    const raw = {
      lookup: sqlite.prepare(CART_SQL.byBarcode),
      newCart: sqlite.prepare(CART_SQL.newCart),
      voidCart: sqlite.prepare("UPDATE carts SET status = 'voided' WHERE id = ?"),
      insLine: sqlite.prepare(CART_SQL.insertLine),
      readCart: sqlite.prepare(CART_SQL.lines),
    };
    let rawCartId = '';
    let rawPos = 0;

    /** Router and raw scans, interleaved; the cart is cleared outside the timing. */
    const measure = async (batch: string[], warm: number) => {
      const routerMs: number[] = [];
      const rawMs: number[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (i % CLEAR_EVERY === 0) {
          await call(app, 'cart.clear', {}, CLERK_SESSION);
          if (rawCartId) raw.voidCart.run(rawCartId);
          rawCartId = uuidv7();
          rawPos = 0;
          raw.newCart.run(rawCartId, 'BENCH', ctx.meta.clerkId, Date.now(), Date.now());
        }
        const code = batch[i]!;

        const routerScan = async () => {
          const { value: res, ms } = await tail.time(() => app.router.call('cart.scan', { code }, CLERK_SESSION));
          if (!res.ok) throw new Error(`cart.scan ${code}: ${res.error.code} ${res.error.message}`);
          return ms;
        };
        const rawScan = () => {
          const t1 = process.hrtime.bigint();
          rawTransaction(
            sqlite,
            () => {
              const p = raw.lookup.get(code) as Record<string, unknown> | undefined;
              if (!p) throw new Error(`unknown barcode ${code}`);
              raw.insLine.run({ ...p, lineId: uuidv7(), cartId: rawCartId, position: ++rawPos, qty: 1000, fixedAmount: null, code });
              return raw.readCart.all(rawCartId);
            },
            'draft',
          );
          return msSince(t1);
        };
        // Which side goes first alternates: the commit that follows the previous turn's work (the
        // log copied back after an answer) would otherwise always be the router's.
        let dt: number;
        let dr: number;
        if (i % 2 === 0) {
          dt = await routerScan();
          dr = rawScan();
        } else {
          dr = rawScan();
          dt = await routerScan();
        }
        // Each scan reaches the app as its own message: its event loop turns between them (and
        // runs what was left for after an answer), as in the checkout case.
        await new Promise<void>((r) => setImmediate(r));
        if (i >= warm) {
          routerMs.push(dt);
          rawMs.push(dr);
        }
      }
      await call(app, 'cart.clear', {}, CLERK_SESSION);
      if (rawCartId) raw.voidCart.run(rawCartId);
      rawCartId = '';
      return { routerMs, rawMs };
    };

    const tAll = process.hrtime.bigint();
    const tail = watchTail();
    const { routerMs, rawMs } = await measure(codes.slice(0, warmup + iterations), warmup);
    const wallS = msSince(tAll) / 1000;
    const gcLine = await tail.stop(warmup);

    const r = summarize(routerMs);
    const b = summarize(rawMs);
    ctx.log(`  router: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, mean ${r.mean.toFixed(3)}, max ${r.max.toFixed(2)} ms`);
    ctx.log(`  raw:    p50 ${b.p50.toFixed(3)} ms, p99 ${b.p99.toFixed(3)} ms, mean ${b.mean.toFixed(3)}, max ${b.max.toFixed(2)} ms`);
    ctx.log(`  (${warmup + iterations} scans each way in ${wallS.toFixed(1)} s, cart cleared every ${CLEAR_EVERY})`);
    ctx.log(`  diagnostic: ${gcLine}`);
    return {
      id: 'scan_to_cart',
      unit: 'ms',
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      budget: this.budget,
      baseline: { name: 'raw better-sqlite3: barcode lookup + insert line + read cart, one transaction', p50: b.p50, p99: b.p99 },
    };
  },
};
