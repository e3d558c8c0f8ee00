/**
 * Training mode as a new clerk would use it: an admin sets Alipay, WeChat Pay and the card terminal
 * to "training" with no credentials at all; the app starts the fake gateways on loopback and the
 * real gateway code talks to them (signed requests, verified answers). The stand-in customer pays a
 * code at once, declines one ending in 1, confirms one ending in 2 after a wait, pays a shown QR,
 * and presents a card at the terminal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { Trade } from '../../src/shared/api/payments';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { until } from '../support/fake-gateway';

type App = ReturnType<typeof makeApp>;
const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
});

async function trainingShop(providers: ('alipay' | 'wechat' | 'stripe')[]) {
  const app = makeApp();
  apps.push(app);
  // Alipay and WeChat Pay take yuan; the card terminal the store's currency.
  await readyStore(app, 's1', providers.includes('stripe') ? {} : { currency: 'CNY' });
  for (const provider of providers) {
    await ok(app, 'payments.saveConfig', { provider, enabled: true, mode: 'training', fields: {}, secrets: {} });
    await until(() => app.deps.gateways(provider), 15_000, `the ${provider} training gateway`);
  }
  return app;
}

async function cart(app: App): Promise<{ id: string; total: number }> {
  const c = await ok(app, 'cart.scan', { code: '5000112637922' });
  return { id: c.id!, total: c.priced.total };
}

async function settle(app: App, id: string, ms = 15_000): Promise<Trade> {
  const state = () => (app.deps.sqlite.prepare('SELECT state FROM trades WHERE id = ?').get(id) as { state: string }).state;
  await until(() => ['paid', 'failed', 'cancelled'].includes(state()), ms, `trade ${id} settled (now ${state()})`);
  return ok(app, 'payments.trade', { id });
}

describe('training mode', () => {
  it('Alipay: a code pays, the sale completes with it and the receipt data names Alipay and the masked buyer', async () => {
    const app = await trainingShop(['alipay']);
    const c = await cart(app);
    const t = await ok(app, 'payments.payByCode', { cartId: c.id, amount: c.total, code: '281234567890123450' });
    expect(t).toMatchObject({ state: 'paid', provider: 'alipay', mode: 'training', amount: c.total });
    expect(t.buyer).toMatch(/\*/);
    const order = await ok(app, 'sales.complete', { cartId: c.id, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
    expect(order.payments).toEqual([
      expect.objectContaining({ kind: 'alipay', amount: c.total, reference: t.providerRef, account: t.buyer }),
    ]);
  });

  it('Alipay: a code ending in 1 is declined and nothing is owed to the provider; ending in 2 waits for the customer, then pays', async () => {
    const app = await trainingShop(['alipay']);
    const c = await cart(app);
    const declined = await ok(app, 'payments.payByCode', { cartId: c.id, amount: c.total, code: '281234567890123451' });
    expect(declined.state).toBe('failed');
    await fail(app, 'sales.complete', { cartId: c.id, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: declined.id }] });
    const waiting = await ok(app, 'payments.payByCode', { cartId: c.id, amount: c.total, code: '281234567890123452' });
    expect(waiting.state).toBe('waiting');
    expect((await settle(app, waiting.id)).state).toBe('paid');
  });

  it('WeChat Pay: a shown QR is paid by the stand-in customer', async () => {
    const app = await trainingShop(['wechat']);
    const c = await cart(app);
    const t = await ok(app, 'payments.showQr', { cartId: c.id, amount: c.total, provider: 'wechat' });
    expect(t.qr).toMatch(/^weixin:\/\//);
    expect((await settle(app, t.id)).state).toBe('paid');
  }, 30_000);

  it('the card terminal reads a card and the sale takes it as an integrated card payment', async () => {
    const app = await trainingShop(['stripe']);
    const c = await cart(app);
    const t = await ok(app, 'payments.startTerminal', { cartId: c.id, amount: c.total });
    const paid = await settle(app, t.id);
    expect(paid).toMatchObject({ state: 'paid', provider: 'stripe' });
    const order = await ok(app, 'sales.complete', { cartId: c.id, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
    expect(order.payments[0]).toMatchObject({ kind: 'card_integrated', amount: c.total });
  }, 30_000);

  it('a provider in sandbox mode without credentials is not set up: the clerk is told at once', async () => {
    const app = makeApp();
    apps.push(app);
    await readyStore(app);
    await ok(app, 'payments.saveConfig', { provider: 'alipay', enabled: true, mode: 'sandbox', fields: {}, secrets: {} });
    const c = await cart(app);
    const err = await fail(app, 'payments.payByCode', { cartId: c.id, amount: c.total, code: '281234567890123450' });
    expect(err.code).toBe('UNAVAILABLE');
  });
});
