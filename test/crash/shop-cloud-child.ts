/**
 * The cloud process of the checkout crash test (test/integration/shop/checkout-crash.test.ts):
 * started as `npm run cloud` starts it (src/cloud/cli.ts: PGlite in a data folder, the shop's
 * checkout from SHOP_SECRET and SHOP_PAYMENTS_FILE, the background sweep), with one difference:
 * it kills itself with SIGKILL at the point SHOP_CRASH_AT names, the first time it gets there.
 *
 * - `hold`: inside a checkout's transaction, after the units are held, before it commits;
 * - `placed`: after a checkout committed its order, before the buyer's browser hears back;
 * - `consume`: inside a payment's transaction, after the notice is recorded, before it commits;
 * - `paid`: after a payment committed, before the provider hears "success".
 *
 * Usage: tsx shop-cloud-child.ts <dataDir> <port> <crashAt|none> <holdMs>
 */
import { openCloudStore } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { buildCloudApp, serveCloud } from '../../src/cloud/server';
import { checkoutFromEnv, startExpirySweep } from '../../src/cloud/shop/checkout/config';
import type { OrderStock } from '../../src/cloud/shop/checkout/stock';

const [dataDir, portText, crashAt, holdText] = process.argv.slice(2) as [string, string, string, string];

const die = () => process.kill(process.pid, 'SIGKILL');

async function main(): Promise<void> {
  const store = await openCloudStore({ databaseUrl: null, dataDir });
  const deps = cloudDeps(store.db, { noteWrites: store.noteWrites });
  const checkout = checkoutFromEnv(process.env, false);
  if (!checkout.options) throw new Error(checkout.note);
  const real = checkout.options.stock;
  const stock: OrderStock = {
    async hold(tx, d, at, lines) {
      const held = await real.hold(tx, d, at, lines);
      if (crashAt === 'hold' && held.ok) die();
      return held;
    },
    async consume(tx, d, at) {
      const out = await real.consume(tx, d, at);
      if (crashAt === 'consume') die();
      return out;
    },
    release: (tx, d, at) => real.release(tx, d, at),
  };
  const app = buildCloudApp(deps, {
    signupSecret: process.env.CLOUD_SIGNUP_SECRET ?? null,
    rateLimit: false,
    shop: { checkout: { ...checkout.options, stock, holdMs: Number(holdText), rateLimit: false } },
  });
  const fetchApp = app.fetch.bind(app);
  // The answer is made (the transaction committed) but the process dies before it leaves.
  app.fetch = (async (req: Request, ...rest: unknown[]) => {
    const res = await (fetchApp as (r: Request, ...x: unknown[]) => Promise<Response>)(req, ...rest);
    const path = new URL(req.url).pathname;
    if (
      req.method === 'POST' &&
      ((crashAt === 'placed' && path.endsWith('/checkout')) || (crashAt === 'paid' && path.endsWith('/pay/alipay/notify')))
    )
      die();
    return res;
  }) as typeof app.fetch;
  const stopSweep = startExpirySweep(deps, stock, 250);
  const running = await serveCloud(app, { port: Number(portText) });
  console.log(`listening ${running.url}`);
  const stop = () => {
    stopSweep();
    void running
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
