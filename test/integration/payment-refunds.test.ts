import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { ok, fail, readyStore } from '../support/app';
import { createFakeGateway, makePaymentsApp, until, type FakeGateway } from '../support/fake-gateway';
import { reconcileOnce } from '../../src/main/payments/reconciler';

type App = ReturnType<typeof makePaymentsApp>;
const ALIPAY_CODE = '281234567890123456';

const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
});

/** A sale of 2 colas and a bread (6.25) paid with Alipay through the fake. */
async function paidSale(fake: FakeGateway = createFakeGateway()) {
  const app = makePaymentsApp({ alipay: fake });
  apps.push(app);
  await readyStore(app);
  await ok(app, 'payments.saveConfig', { provider: 'alipay', enabled: true, mode: 'sandbox', fields: {}, secrets: { privateKey: 'K' } });
  await ok(app, 'cart.scan', { code: '5000112637922' });
  await ok(app, 'cart.scan', { code: '5000112637922' });
  const cart = await ok(app, 'cart.scan', { code: '4006381333931' });
  const trade = await ok(app, 'payments.payByCode', { cartId: cart.id!, amount: 625, code: ALIPAY_CODE });
  expect(trade.state).toBe('paid');
  const order = await ok(app, 'sales.complete', {
    cartId: cart.id!,
    checkoutId: uuidv7(),
    tenders: [{ kind: 'trade', tradeId: trade.id }],
  });
  return { app, fake, trade, order };
}

const refundRows = (app: App) =>
  app.deps.sqlite
    .prepare('SELECT refund_no AS refundNo, amount, state, source, refund_id AS refundId FROM trade_refunds ORDER BY rowid')
    .all() as {
    refundNo: string;
    amount: number;
    state: string;
    source: string;
    refundId: string | null;
  }[];

describe('refund documents of provider payments', () => {
  it('a return refunds through the provider, in part, once', async () => {
    const { app, fake, trade, order } = await paidSale();
    const bread = order.lines.find((l) => l.name.startsWith('Sourdough'))!;
    const doc = await ok(app, 'refunds.create', {
      orderId: order.id,
      refundId: uuidv7(),
      lines: [{ orderLineId: bread.id, qty: 1000, disposition: 'restock' }],
      method: 'original',
    });
    expect(doc.tenders).toEqual([expect.objectContaining({ method: 'alipay', amount: 325 })]);
    // Committed with the document, before any request: the number is fixed.
    await until(() => refundRows(app)[0]?.state === 'refunded', 2000, 'the provider refund');
    const [row] = refundRows(app);
    expect(row).toMatchObject({ amount: 325, source: 'document', refundId: doc.id });
    expect([...fake.refundsPaid.entries()]).toEqual([[row!.refundNo, 325]]);
    expect(fake.net()).toBe(300);
    expect((await ok(app, 'payments.trade', { id: trade.id })).refunded).toBe(325);
    // The trade is still the paid trade of its sale.
    expect((await ok(app, 'payments.trade', { id: trade.id })).state).toBe('paid');
    // The rest, by a second return.
    const colas = order.lines.find((l) => l.name.startsWith('Cola'))!;
    await ok(app, 'refunds.create', {
      orderId: order.id,
      refundId: uuidv7(),
      lines: [{ orderLineId: colas.id, qty: 2000, disposition: 'restock' }],
      method: 'original',
    });
    await until(() => refundRows(app).every((r) => r.state === 'refunded') && refundRows(app).length === 2, 2000, 'the second refund');
    expect(fake.net()).toBe(0);
    expect(fake.refundsPaid.size).toBe(2);
  });

  it('a lost answer is sent again with the same refund number and the money goes back once', async () => {
    const fake = createFakeGateway();
    const { app, order } = await paidSale(fake);
    fake.scriptRefund('lost', 'lost');
    const doc = await ok(app, 'refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' });
    expect(doc.total).toBe(625);
    await until(() => refundRows(app)[0]?.state === 'unknown', 2000, 'the lost answer');
    // The reconciler retries (twice here: one more lost answer), always with the same number.
    await reconcileOnce(app.deps);
    expect(refundRows(app)[0]?.state).toBe('unknown');
    await reconcileOnce(app.deps);
    await until(() => refundRows(app)[0]?.state === 'refunded', 2000, 'the refund');
    expect(fake.calls.refund).toBe(3);
    expect(fake.refundsPaid.size).toBe(1);
    expect(fake.net()).toBe(0);
    // Further passes do nothing.
    await reconcileOnce(app.deps);
    expect(fake.calls.refund).toBe(3);
    expect(
      app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.providerRefund' AND success = 1").get(),
    ).toEqual({ n: 1 });
  });

  it('a refund the provider is still working on is queried, not sent again', async () => {
    const fake = createFakeGateway();
    const { app, order } = await paidSale(fake);
    fake.scriptRefund('pending');
    await ok(app, 'refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' });
    await until(() => fake.calls.refund === 1, 2000, 'the refund call');
    await until(() => refundRows(app)[0]?.state === 'sent', 2000, 'pending');
    await reconcileOnce(app.deps);
    expect(refundRows(app)[0]?.state).toBe('refunded');
    expect(fake.calls.refund).toBe(1);
    expect(fake.calls.queryRefund).toBe(1);
  });

  it('a refund the provider refuses is left for a person and listed', async () => {
    const fake = createFakeGateway();
    const { app, order, trade } = await paidSale(fake);
    fake.scriptRefund('fail');
    await ok(app, 'refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' });
    await until(() => refundRows(app)[0]?.state === 'failed', 2000, 'the refusal');
    const problems = await ok(app, 'payments.reconciliation', {});
    expect(problems).toEqual([expect.objectContaining({ kind: 'refund_unresolved', trade: expect.objectContaining({ id: trade.id }) })]);
    await reconcileOnce(app.deps);
    expect(fake.calls.refund).toBe(1);
  });

  it('cash back for a mobile payment sends nothing to the provider', async () => {
    const { app, fake, order } = await paidSale();
    await ok(app, 'refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'cash' });
    await reconcileOnce(app.deps);
    expect(refundRows(app)).toEqual([]);
    expect(fake.calls.refund).toBe(0);
  });

  it('a provider payment taken on another till is refused with a clear error, nothing written', async () => {
    const { app, fake, order } = await paidSale();
    // As if the sale came from another till: its trade is not here.
    app.deps.sqlite.prepare('UPDATE trades SET payment_id = NULL').run();
    const err = await fail(app, 'refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' });
    expect(err).toMatchObject({ code: 'CONFLICT', details: { reason: 'tradeOnOtherTill' } });
    expect(app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM refunds').get()).toEqual({ n: 0 });
    expect(fake.calls.refund).toBe(0);
  });
});
