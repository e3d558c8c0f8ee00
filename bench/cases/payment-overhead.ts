/**
 * payment_overhead: what Countertop adds to an Alipay code payment, from the scanned payment code
 * to the committed sale. The fake Alipay runs on loopback with a fixed latency and Alipay is set up
 * on the bench store in training mode through the router, as an admin would; then the clerk, once
 * per sale, scans an item (outside the timing) and the timing runs from `payments.payByCode` (the
 * fake pays at once) to `sales.complete` with the paid trade as the tender. That whole time is
 * measured as it is, nothing subtracted.
 *
 * Baseline: one signed `alipay.trade.query` of the same trade through alipay-sdk straight to the
 * same fake, measured interleaved: the fake's latency, HTTP on loopback and the RSA2 work every
 * Alipay client does (signing the request, verifying the answer's signature; the fake verifies and
 * signs too). The result is the overhead, whole − baseline, taken at p50 and at p99; the whole and
 * a plain unsigned fetch POST to the fake (HTTP and latency only) are printed beside it.
 */
import { AlipaySdk } from 'alipay-sdk';
import { startFakeAlipay } from '../../src/main/payments/fakes/alipay';
import { uuidv7 } from '../../src/shared/ids';
import { ADMIN, BENCH_TRAINING, CLERK_SESSION, call, type BenchContext, type BenchResult } from '../context';
import { fmtMs, summarize, type Summary } from '../stats';
import { watchTail, type TailWatch } from '../tail-watch';
import { withSynchronous } from './raw';
import type { BenchCase } from './types';

/** The fake's own time per request, as a network and a provider would add. */
const LATENCY_MS = 5;
const ADMIN_SESSION_PAY = 'bench-pay-admin';

interface Samples {
  wholeMs: number[];
  sdkMs: number[];
  fetchMs: number[];
  /** The whole's two calls apart (diagnostic). */
  payMs: number[];
  completeMs: number[];
}

export const paymentOverhead: BenchCase = {
  id: 'payment_overhead',
  title: `Alipay code payment to committed sale, beyond a signed round trip to the same fake (${LATENCY_MS} ms latency)`,
  budget: 5,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { app } = ctx;
    const iterations = ctx.quick ? 100 : 300;
    const warmup = 20;
    const codes = ctx.sampleColumn('barcodes', 'code', warmup + iterations + 100, 404);
    const fake = await startFakeAlipay({ latencyMs: LATENCY_MS });
    BENCH_TRAINING.set('alipay', fake.url);
    await call(app, 'staff.signIn', { staffId: ctx.meta.adminId, pin: ADMIN.pin }, ADMIN_SESSION_PAY);
    try {
      await call(
        app,
        'payments.saveConfig',
        {
          provider: 'alipay',
          enabled: true,
          mode: 'training',
          fields: { appId: fake.appId, keyMode: 'publicKey' },
          secrets: { privateKey: fake.merchantPrivateKey!, alipayPublicKey: fake.alipayPublicKey },
        },
        ADMIN_SESSION_PAY,
      );
      await ctx.signInClerk();
      await call(app, 'cart.clear', {}, CLERK_SESSION);

      // The baseline's own client, configured as the gateway configures the SDK.
      const sdk = new AlipaySdk({
        appId: fake.appId,
        privateKey: fake.merchantPrivateKey!,
        keyType: 'PKCS8',
        signType: 'RSA2',
        alipayPublicKey: fake.alipayPublicKey,
        gateway: `${fake.url}/gateway.do`,
        timeout: 15_000,
        camelcase: false,
      });
      // No app id: the fake waits its latency, then refuses without signing anything.
      const plainBody = `biz_content=${encodeURIComponent(JSON.stringify({ out_trade_no: 'X'.repeat(32) }))}&pad=${'0'.repeat(600)}`;

      let seq = 0;
      /** One sale per iteration: scan (untimed), pay by code and complete (timed), then both baselines. */
      const measure = async (batch: string[], warm: number, tail: TailWatch | null): Promise<Samples> => {
        const out: Samples = { wholeMs: [], sdkMs: [], fetchMs: [], payMs: [], completeMs: [] };
        for (let i = 0; i < batch.length; i++) {
          const cart = await call(app, 'cart.scan', { code: batch[i]! }, CLERK_SESSION);
          if (!cart.id) throw new Error('no open cart after scanning');
          const cartId = cart.id;
          // An Alipay payment code: 28, then 16 digits, new for every sale.
          const code = `28${String(Date.now() % 1e10).padStart(10, '0')}${String(++seq % 1e6).padStart(6, '0')}`;
          let paidAt = 0;
          const sale = async () => {
            const trade = await call(app, 'payments.payByCode', { cartId, amount: cart.priced.total, code }, CLERK_SESSION);
            paidAt = performance.now();
            if (trade.state !== 'paid') throw new Error(`trade ${trade.state}: ${trade.errorCode ?? ''} ${trade.message ?? ''}`);
            await call(
              app,
              'sales.complete',
              { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: trade.id }] },
              CLERK_SESSION,
            );
            return trade.tradeNo;
          };
          const t0 = performance.now();
          const tradeNo = tail ? (await tail.time(sale)).value : await sale();
          const done = performance.now();
          const whole = done - t0;

          const t1 = performance.now();
          const answer = (await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: tradeNo } }, { validateSign: true })) as {
            code?: string;
            trade_status?: string;
          };
          const sdkMs = performance.now() - t1;
          if (answer.code !== '10000' || answer.trade_status !== 'TRADE_SUCCESS')
            throw new Error(`baseline query: ${answer.code ?? '?'} ${answer.trade_status ?? ''}`);

          const t2 = performance.now();
          const res = await fetch(`${fake.url}/gateway.do`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
            body: plainBody,
          });
          await res.text();
          const fetchMs = performance.now() - t2;

          // The app's event loop turns between a clerk's requests; work deferred after a sale runs here.
          await new Promise<void>((r) => setImmediate(r));
          if (i >= warm) {
            out.wholeMs.push(whole);
            out.sdkMs.push(sdkMs);
            out.fetchMs.push(fetchMs);
            out.payMs.push(paidAt - t0);
            out.completeMs.push(done - paidAt);
          }
        }
        return out;
      };

      const tail = watchTail();
      const tAll = performance.now();
      const main = await measure(codes.slice(0, warmup + iterations), warmup, tail);
      const wallS = (performance.now() - tAll) / 1000;
      const gcLine = await tail.stop(warmup);

      const w = summarize(main.wholeMs);
      const b = summarize(main.sdkMs);
      const f = summarize(main.fetchMs);
      const line = (name: string, s: Summary) =>
        `  ${name} p50 ${fmtMs(s.p50)} ms, p99 ${fmtMs(s.p99)} ms, mean ${fmtMs(s.mean)}, max ${fmtMs(s.max)} ms`;
      ctx.log(line('whole (payByCode → sales.complete):   ', w));
      ctx.log(line('baseline (signed trade.query, SDK):   ', b));
      ctx.log(line('diagnostic (plain fetch POST, unsigned):', f));
      ctx.log(
        `  overhead = whole − baseline: p50 ${fmtMs(w.p50 - b.p50)} ms, p99 ${fmtMs(w.p99 - b.p99)} ms` +
          ` (beyond the plain fetch: p50 ${fmtMs(w.p50 - f.p50)}, p99 ${fmtMs(w.p99 - f.p99)} ms)`,
      );
      const pay = summarize(main.payMs);
      const complete = summarize(main.completeMs);
      ctx.log(
        `  diagnostic, the whole's parts: payments.payByCode p50 ${fmtMs(pay.p50)} / p99 ${fmtMs(pay.p99)} ms, ` +
          `sales.complete p50 ${fmtMs(complete.p50)} / p99 ${fmtMs(complete.p99)} ms`,
      );
      ctx.log(`  (${warmup + iterations} sales in ${wallS.toFixed(1)} s, including the scans and the baselines)`);
      ctx.log(`  diagnostic: ${gcLine}`);
      // Diagnostic only: the same sales without an fsync per commit.
      const normal = await withSynchronous(app.deps.sqlite, 'NORMAL', () => measure(codes.slice(warmup + iterations), 20, null));
      const nw = summarize(normal.wholeMs);
      const nb = summarize(normal.sdkMs);
      ctx.log(
        `  diagnostic, synchronous=NORMAL (no fsync per commit; not the result): overhead p50 ${fmtMs(nw.p50 - nb.p50)} / ` +
          `p99 ${fmtMs(nw.p99 - nb.p99)} ms (whole p50 ${fmtMs(nw.p50)} / p99 ${fmtMs(nw.p99)} ms, n ${nw.n})`,
      );

      return {
        id: 'payment_overhead',
        unit: 'ms',
        n: w.n,
        p50: w.p50 - b.p50,
        p99: w.p99 - b.p99,
        budget: this.budget,
        baseline: {
          name: `signed alipay.trade.query to the same fake (alipay-sdk; ${LATENCY_MS} ms fake latency)`,
          p50: b.p50,
          p99: b.p99,
        },
      };
    } finally {
      // A kept store (--data) should not keep Alipay pointing at a fake that is gone, nor its keys.
      await call(
        app,
        'payments.saveConfig',
        { provider: 'alipay', enabled: false, mode: 'training', fields: {}, secrets: { privateKey: '', alipayPublicKey: '' } },
        ADMIN_SESSION_PAY,
      ).catch(() => undefined);
      BENCH_TRAINING.delete('alipay');
      await fake.close();
    }
  },
};
