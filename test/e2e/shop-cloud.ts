/**
 * The cloud for the shop's end-to-end test: `npm run cloud`'s app on embedded PGlite in DIR, taking
 * orders, with every store paying through one fake Alipay (started here, so its keys need no file).
 * With --pay-fakes, every store also takes WeChat Pay (a fake v3 merchant) and Stripe Checkout (a
 * fake Stripe), whose addresses are written to DIR/pay-fakes.json for the test's "phone".
 * Run: node --import tsx test/e2e/shop-cloud.ts DIR [--pay-fakes] → prints "listening on <url>" when ready.
 */
import { openCloudStore } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { buildCloudApp, serveCloud } from '../../src/cloud/server';
import { startExpirySweep } from '../../src/cloud/shop/checkout/config';
import { catalogStock } from '../../src/cloud/shop/checkout/stock';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShopPaymentConfig } from '../../src/cloud/shop/checkout/payment';
import { startFakeAlipay } from '../../src/main/payments/fakes/alipay';
import { startFakeStripe } from '../../src/main/payments/fakes/stripe';
import { startFakeWechatV3 } from '../../src/main/payments/fakes/wechat-v3';
import { E2E_SIGNUP_SECRET } from './host';

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: shop-cloud.ts DIR');
  const store = await openCloudStore({ dataDir: dir });
  const deps = cloudDeps(store.db, { noteWrites: store.noteWrites });
  const alipay = await startFakeAlipay({ now: () => deps.clock() });
  const payment: ShopPaymentConfig = {
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
  const closing: (() => Promise<void>)[] = [];
  if (process.argv.includes('--pay-fakes')) {
    const wechat = await startFakeWechatV3({ clock: () => deps.clock() });
    // Each store's webhook endpoint, named by the session's metadata (one fake account for every store).
    const stripe = await startFakeStripe({
      clock: () => deps.clock(),
      webhookUrl: (o) => {
        const store = (o as { metadata?: { store_id?: string } } | null)?.metadata?.store_id;
        return store && /^[0-9a-f-]{36}$/.test(store) ? `${running.url}/shop/${store}/pay/stripe/notify` : null;
      },
    });
    payment.wechat = {
      api: 'v3',
      mode: 'training',
      baseUrl: wechat.url,
      appId: wechat.appId,
      mchId: wechat.mchId,
      serialNo: wechat.merchantSerial,
      privateKey: wechat.merchantPrivateKey,
      apiV3Key: wechat.apiV3Key,
      platformPublicKey: wechat.platformPublicKey,
      platformSerial: wechat.platformSerial,
    };
    payment.stripe = { mode: 'training', baseUrl: stripe.url, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret };
    writeFileSync(join(dir, 'pay-fakes.json'), JSON.stringify({ wechat: wechat.url, stripe: stripe.url }));
    closing.push(
      () => wechat.close(),
      () => stripe.close(),
    );
  }
  console.log(`Countertop shop cloud is listening on ${running.url}`);
  const stop = () => {
    stopSweep();
    void Promise.all([running.close(), alipay.close(), ...closing.map((c) => c())])
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
