/**
 * The Alipay gateway parses its keys once, when it is built, and keeps them: a save in Settings →
 * Payments must rebuild it, so the next payment signs and verifies with what was just saved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { startFakeAlipay, type FakeAlipay } from '../../src/main/payments/fakes/alipay';
import { makeApp, ok, readyStore } from '../support/app';

type App = ReturnType<typeof makeApp>;
const apps: App[] = [];
const fakes: FakeAlipay[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) a.close();
  for (const f of fakes.splice(0)) await f.close();
});

describe('Alipay keys after a save in Settings', () => {
  it('a payment signs with the private key saved last, and verifies answers with the Alipay key saved last', async () => {
    const fake = await startFakeAlipay();
    // Another merchant and another Alipay: keys the fake does not accept, nor signs with.
    const stranger = await startFakeAlipay();
    fakes.push(fake, stranger);
    const app = makeApp({ trainingUrl: (p) => (p === 'alipay' ? fake.url : null) });
    apps.push(app);
    await readyStore(app, 's1', { currency: 'CNY' });
    const save = (privateKey: string, alipayPublicKey: string) =>
      ok(app, 'payments.saveConfig', {
        provider: 'alipay',
        enabled: true,
        mode: 'training',
        fields: { appId: fake.appId, keyMode: 'publicKey' },
        secrets: { privateKey, alipayPublicKey },
      });
    const pay = async (code: string) => {
      const c = await ok(app, 'cart.scan', { code: '5000112637922' });
      const t = await ok(app, 'payments.payByCode', { cartId: c.id!, amount: c.priced.total, code });
      return { cartId: c.id!, trade: t };
    };

    await save(fake.merchantPrivateKey!, fake.alipayPublicKey);
    const first = await pay('281234567890123450');
    expect(first.trade.state).toBe('paid');
    await ok(app, 'sales.complete', { cartId: first.cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: first.trade.id }] });

    // The wrong private key: the fake refuses the signature, so the new key was the one used.
    await save(stranger.merchantPrivateKey!, fake.alipayPublicKey);
    const refused = await pay('281234567890123460');
    expect(refused.trade).toMatchObject({ state: 'failed', errorCode: 'isv.invalid-signature' });

    // The right private key but the wrong Alipay key: the fake's signed answers no longer verify.
    await save(fake.merchantPrivateKey!, stranger.alipayPublicKey);
    expect(await ok(app, 'payments.testConnection', { provider: 'alipay' })).toMatchObject({ ok: false, code: 'BAD_ANSWER_SIGNATURE' });

    await save(fake.merchantPrivateKey!, fake.alipayPublicKey);
    expect(await ok(app, 'payments.testConnection', { provider: 'alipay' })).toEqual({ ok: true });
    const again = await pay('281234567890123480');
    expect(again.trade.state).toBe('paid');
  }, 30_000);
});
