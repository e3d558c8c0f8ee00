/**
 * The cloud for the shop's end-to-end test: `npm run cloud`'s app on embedded PGlite in DIR, taking
 * orders, with every store paying through one fake Alipay (started here, so its keys need no file).
 * Run: node --import tsx test/e2e/shop-cloud.ts DIR  → prints "listening on <url>" when ready.
 */
import { openCloudStore } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { buildCloudApp, serveCloud } from '../../src/cloud/server';
import { startExpirySweep } from '../../src/cloud/shop/checkout/config';
import { catalogStock } from '../../src/cloud/shop/checkout/stock';
import { startFakeAlipay } from '../../src/main/payments/fakes/alipay';
import { E2E_SIGNUP_SECRET } from './host';

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: shop-cloud.ts DIR');
  const store = await openCloudStore({ dataDir: dir });
  const deps = cloudDeps(store.db, { noteWrites: store.noteWrites });
  const alipay = await startFakeAlipay({ now: () => deps.clock() });
  const payment = {
    alipay: {
      mode: 'training' as const,
      baseUrl: alipay.url,
      appId: alipay.appId,
      keyMode: 'publicKey' as const,
      privateKey: alipay.merchantPrivateKey!,
      alipayPublicKey: alipay.alipayPublicKey,
    },
  };
  const app = buildCloudApp(deps, {
    signupSecret: E2E_SIGNUP_SECRET,
    shop: { checkout: { payments: () => payment, stock: catalogStock, secret: 'e2e-shop-secret-0123456789abcdef-0123' } },
  });
  const stopSweep = startExpirySweep(deps, catalogStock);
  const running = await serveCloud(app, { port: 0 });
  console.log(`Countertop shop cloud is listening on ${running.url}`);
  const stop = () => {
    stopSweep();
    void Promise.all([running.close(), alipay.close()])
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
