import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { Trade } from '../../src/shared/api/payments';
import { ADMIN_PIN, fail, ok, readyStore } from '../support/app';
import { createFakeGateway, makePaymentsApp, tempDir, until, type FakeGateway } from '../support/fake-gateway';

type App = ReturnType<typeof makePaymentsApp>;

const ALIPAY_CODE = '281234567890123456';
const WECHAT_CODE = '134567890123456789';

const apps: App[] = [];
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  for (const d of dirs.splice(0)) d.remove();
});

async function enable(app: App, provider: 'alipay' | 'wechat' | 'stripe', secrets: Record<string, string> = { privateKey: 'K' }) {
  await ok(app, 'payments.saveConfig', { provider, enabled: true, mode: 'sandbox', fields: { appId: '2021000000000001' }, secrets });
}

/** A store selling 2 colas and a bread (6.25), with the fake as Alipay (and WeChat). */
async function shop(opts: { dataDir?: string; fake?: FakeGateway; wechat?: FakeGateway; app?: App } = {}) {
  const alipay = opts.fake ?? createFakeGateway({ provider: 'alipay' });
  const wechat = opts.wechat ?? createFakeGateway({ provider: 'wechat' });
  const app = opts.app ?? makePaymentsApp({ alipay, wechat }, opts.dataDir ? { dataDir: opts.dataDir } : {});
  apps.push(app);
  const store = await readyStore(app);
  await enable(app, 'alipay');
  await enable(app, 'wechat');
  const cartId = await fillCart(app);
  return { app, alipay, wechat, cartId, ...store };
}

async function fillCart(app: App): Promise<string> {
  await ok(app, 'cart.scan', { code: '5000112637922' });
  await ok(app, 'cart.scan', { code: '5000112637922' });
  const cart = await ok(app, 'cart.scan', { code: '4006381333931' });
  expect(cart.priced.total).toBe(625);
  return cart.id!;
}

const trade = (app: App, id: string) => app.deps.sqlite.prepare('SELECT * FROM trades WHERE id = ?').get(id) as Record<string, unknown>;
const count = (app: App, sql: string, ...args: unknown[]) => (app.deps.sqlite.prepare(sql).get(...args) as { n: number }).n;
const waitState = (app: App, id: string, state: Trade['state'], ms = 3000) =>
  until(
    () => (trade(app, id)['state'] === state ? trade(app, id) : null),
    ms,
    `trade ${id} ${state} (now ${String(trade(app, id)['state'])})`,
  );

async function sell(app: App, cartId: string, tradeId: string) {
  return ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId }] });
}

describe('a code payment', () => {
  it('pays through the provider and the sale completes with it: payments row, account, reference', async () => {
    const { app, alipay, cartId } = await shop();
    const synchronous = app.deps.sqlite.pragma('synchronous', { simple: true });
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t).toMatchObject({ state: 'paid', provider: 'alipay', method: 'code', amount: 625, buyer: '138****1234' });
    // The answer is committed without a flush; the connection's own setting is back for what follows.
    expect(app.deps.sqlite.pragma('synchronous', { simple: true })).toBe(synchronous);
    expect(t.tradeNo).toMatch(/^[A-Za-z0-9]{1,32}$/);
    expect(alipay.charges()).toBe(1);
    // The payment code is never stored whole.
    expect(JSON.stringify(app.deps.sqlite.prepare('SELECT * FROM trades').all())).not.toContain(ALIPAY_CODE);
    expect(JSON.stringify(app.deps.sqlite.prepare('SELECT * FROM trade_events').all())).not.toContain(ALIPAY_CODE);
    const order = await sell(app, cartId, t.id);
    expect(order.payments).toEqual([
      expect.objectContaining({ kind: 'alipay', amount: 625, reference: t.providerRef, account: '138****1234' }),
    ]);
    expect(trade(app, t.id)['order_id']).toBe(order.id);
    const after = await ok(app, 'payments.trade', { id: t.id });
    expect(after.orderNumber).toBe(order.number);
    const events = app.deps.sqlite.prepare('SELECT to_state AS s, kind FROM trade_events WHERE trade_id = ? ORDER BY rowid').all(t.id);
    expect(events).toEqual([
      { s: 'created', kind: 'created' },
      { s: 'sent', kind: 'state' },
      { s: 'paid', kind: 'state' },
      { s: 'paid', kind: 'attached' },
    ]);
  });

  it('routes a WeChat code to WeChat Pay, splits with cash, and records wechat_pay', async () => {
    const { app, alipay, wechat, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 400, code: WECHAT_CODE });
    expect(t.provider).toBe('wechat');
    expect(wechat.charges()).toBe(1);
    expect(alipay.calls.pay).toBe(0);
    const order = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'trade', tradeId: t.id },
        { kind: 'cash', amount: 300 },
      ],
    });
    expect(order.change).toBe(75);
    expect(order.payments.map((p) => [p.kind, p.amount])).toEqual([
      ['cash', 225],
      ['wechat_pay', 400],
    ]);
  });

  it('refuses a code that is no payment code, and an amount above what is owed', async () => {
    const { app, cartId } = await shop();
    expect((await fail(app, 'payments.payByCode', { cartId, amount: 625, code: '9912345678901234' })).code).toBe('VALIDATION');
    expect((await fail(app, 'payments.payByCode', { cartId, amount: 626, code: ALIPAY_CODE })).code).toBe('VALIDATION');
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 600, code: ALIPAY_CODE });
    expect(t.state).toBe('paid');
    // 6.00 is already paid by a trade no sale used yet: only 0.25 is still owed.
    const err = await fail(app, 'payments.payByCode', { cartId, amount: 100, code: ALIPAY_CODE });
    expect(err).toMatchObject({ code: 'VALIDATION', details: { max: 25 } });
  });

  it('waits for the customer: waiting N times, then paid', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: 3 });
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t.state).toBe('waiting');
    await waitState(app, t.id, 'paid');
    expect(alipay.calls.query).toBe(4);
    expect(alipay.charges()).toBe(1);
    await sell(app, cartId, t.id);
  });

  it('a declined code fails the trade and leaves the sale open for another tender', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('decline');
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t).toMatchObject({ state: 'failed', errorCode: 'INSUFFICIENT_BALANCE' });
    expect(alipay.charges()).toBe(0);
    expect((await fail(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] })).code).toBe(
      'DECLINED',
    );
    // A new attempt is a new trade with its own number.
    const again = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(again.state).toBe('paid');
    expect(again.tradeNo).not.toBe(t.tradeNo);
  });

  it('after a system error or a lost answer it queries before anything else, and finds it paid', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('unknown');
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t.state).toBe('unknown');
    await waitState(app, t.id, 'paid');
    expect(alipay.calls.pay).toBe(1);
    expect(alipay.charges()).toBe(1);
    await ok(app, 'cart.scan', { code: '5000112637922' }); // another cola: 1.50 still owed
    alipay.scriptPay('paidThenLost');
    const t2 = await ok(app, 'payments.payByCode', { cartId, amount: 150, code: ALIPAY_CODE });
    expect(t2.state).toBe('unknown');
    await waitState(app, t2.id, 'paid');
    expect(alipay.calls.pay).toBe(2);
    expect(alipay.charges()).toBe(2);
    const order = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'trade', tradeId: t.id },
        { kind: 'trade', tradeId: t2.id },
      ],
    });
    expect(order.total).toBe(775);
  });

  it('a request lost before the provider saw it is cancelled after the query, never paid later', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('lostBefore');
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t.state).toBe('unknown');
    await waitState(app, t.id, 'cancelled');
    expect(alipay.calls.cancel).toBe(1);
    expect(alipay.trades.get(t.tradeNo)?.state).toBe('closed');
    expect(alipay.charges()).toBe(0);
  });

  it('the cashier timeout cancels an unconfirmed trade, and the provider keeps no money', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: Number.POSITIVE_INFINITY });
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(t.state).toBe('waiting');
    expect(t.deadline).toBe(app.clock.now + 60_000);
    await until(() => alipay.calls.query >= 2, 2000, 'polling');
    expect(trade(app, t.id)['state']).toBe('waiting');
    app.clock.advance(61_000);
    await waitState(app, t.id, 'cancelled');
    expect(trade(app, t.id)['error_code']).toBe('TIMEOUT');
    expect(alipay.trades.get(t.tradeNo)?.state).toBe('closed');
    expect(alipay.net()).toBe(0);
    // The customer confirms too late: nothing is charged.
    alipay.customerPays(t.tradeNo);
    expect(alipay.charges()).toBe(0);
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.cancelled' AND target = ?", t.id)).toBe(1);
  });

  it('a paid-at-the-last-second trade is reversed at the timeout: the money goes back', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: Number.POSITIVE_INFINITY });
    alipay.scriptQuery('unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown');
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    alipay.customerPays(t.tradeNo);
    app.clock.advance(61_000);
    // Lost answers past the deadline: cancel (which reverses a paid trade at the provider).
    await ok(app, 'payments.queryTrade', { id: t.id });
    await waitState(app, t.id, 'cancelled');
    expect(alipay.charges()).toBe(1);
    expect(alipay.net()).toBe(0);
  });

  it('the clerk cancels a waiting trade', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: Number.POSITIVE_INFINITY });
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    const c = await ok(app, 'payments.cancelTrade', { id: t.id });
    expect(c.state).toBe('cancelled');
    expect(alipay.net()).toBe(0);
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.cancel' AND target = ?", t.id)).toBe(1);
  });
});

describe('one trade per sale', () => {
  it('50 concurrent pay requests for one sale make one trade and one charge', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: 2 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => app.router.call('payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE }, 's1')),
    );
    const oks = results.filter((r) => r.ok);
    expect(oks).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r.ok ? null : r.error.code).toMatch(/CONFLICT|VALIDATION/);
    expect(count(app, 'SELECT COUNT(*) AS n FROM trades')).toBe(1);
    const id = (oks[0] as { value: Trade }).value.id;
    await waitState(app, id, 'paid');
    expect(alipay.calls.pay).toBe(1);
    expect(alipay.charges()).toBe(1);
  });

  it('a second trade while one is open is a CONFLICT (also across providers)', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('hang');
    const first = app.router.call('payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE }, 's1');
    await until(() => alipay.calls.pay === 1, 2000, 'the first pay call');
    expect(await fail(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE })).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'tradeOpen' },
    });
    expect((await fail(app, 'payments.payByCode', { cartId, amount: 100, code: WECHAT_CODE })).code).toBe('CONFLICT');
    expect((await fail(app, 'payments.showQr', { cartId, amount: 100, provider: 'wechat' })).code).toBe('CONFLICT');
    // The database itself refuses a second open trade for the cart.
    const row = app.deps.sqlite.prepare('SELECT * FROM trades').get() as Record<string, unknown>;
    expect(() =>
      app.deps.sqlite
        .prepare(
          `INSERT INTO trades (id, trade_no, cart_id, provider, method, mode, amount, currency, state, deadline, created_at, updated_at)
           VALUES ('x', 'X1', ?, 'alipay', 'code', 'sandbox', 1, 'USD', 'created', 0, 0, 0)`,
        )
        .run(row['cart_id']),
    ).toThrow(/UNIQUE/);
    alipay.release();
    await first;
  });

  it('a paid trade backs one sale only', async () => {
    const { app, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    // Listed twice in one sale.
    expect(
      (
        await fail(app, 'sales.complete', {
          cartId,
          checkoutId: uuidv7(),
          tenders: [
            { kind: 'trade', tradeId: t.id },
            { kind: 'trade', tradeId: t.id },
          ],
        })
      ).code,
    ).toBe('VALIDATION');
    const order = await sell(app, cartId, t.id);
    const cart2 = await fillCart(app);
    const err = await fail(app, 'sales.complete', { cartId: cart2, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
    expect(['NOT_FOUND', 'CONFLICT']).toContain(err.code);
    expect(trade(app, t.id)['order_id']).toBe(order.id);
    expect(count(app, "SELECT COUNT(*) AS n FROM payments WHERE kind = 'alipay'")).toBe(1);
    // The same checkout id answers with the first sale, not a second use.
    const again = await ok(app, 'sales.complete', { cartId, checkoutId: order.checkoutId, tenders: [{ kind: 'trade', tradeId: t.id }] });
    expect(again.id).toBe(order.id);
  });
});

describe('offline', () => {
  it('answers UNAVAILABLE at once when the provider cannot be reached, and keeps selling with cash', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('refused');
    const started = Date.now();
    const err = await fail(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'offline' } });
    // Connection refused: the provider never saw it, so the trade is failed, not left open.
    expect(app.deps.sqlite.prepare('SELECT state FROM trades').all()).toEqual([{ state: 'failed' }]);
    // The next attempt does not even try: no spinner.
    const again = await fail(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    expect(again.code).toBe('UNAVAILABLE');
    expect(alipay.calls.pay).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    const providers = await ok(app, 'payments.providers', {});
    expect(providers.find((p) => p.provider === 'alipay')?.reachable).toBe(false);
    expect(providers.find((p) => p.provider === 'wechat')?.reachable).toBe(true);
    await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] });
    // After the memo expires the provider is tried again.
    app.clock.advance(31_000);
    const cart2 = await fillCart(app);
    expect((await ok(app, 'payments.payByCode', { cartId: cart2, amount: 625, code: ALIPAY_CODE })).state).toBe('paid');
  });

  it('a gateway that throws like fetch does (the socket error as its cause) counts as not sent', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.pay = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ENOTFOUND' }) }));
    expect((await fail(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE })).code).toBe('UNAVAILABLE');
    expect(app.deps.sqlite.prepare('SELECT state, error_code AS code FROM trades').all()).toEqual([{ state: 'failed', code: 'ENOTFOUND' }]);
  });

  it('a provider that is not set up is UNAVAILABLE', async () => {
    const alipay = createFakeGateway();
    const app = makePaymentsApp({ alipay });
    apps.push(app);
    await readyStore(app);
    const cartId = await fillCart(app);
    expect(await fail(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE })).toMatchObject({
      code: 'UNAVAILABLE',
      details: { reason: 'notSetUp' },
    });
    expect(await ok(app, 'payments.providers', {})).toEqual([]);
  });
});

describe('the reconciler', () => {
  it('finishes a trade the app was closed in the middle of, after it reopens', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const alipay = createFakeGateway();
    const { app, cartId, adminId } = await shop({ dataDir: tmp.dir, fake: alipay });
    alipay.scriptPay('hang');
    void app.router.call('payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE }, 's1');
    await until(() => alipay.calls.pay === 1, 2000, 'the pay call');
    const [row] = app.deps.sqlite.prepare('SELECT id, trade_no AS tradeNo, state FROM trades').all() as {
      id: string;
      tradeNo: string;
      state: string;
    }[];
    expect(row!.state).toBe('sent');
    app.close();
    apps.splice(apps.indexOf(app), 1);
    // While the till was closed the customer confirmed on their phone.
    alipay.customerPays(row!.tradeNo);
    const again = makePaymentsApp({ alipay }, { dataDir: tmp.dir, clock: app.clock });
    apps.push(again);
    await waitState(again, row!.id, 'paid');
    alipay.release();
    await ok(again, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    const order = await sell(again, cartId, row!.id);
    expect(order.payments[0]).toMatchObject({ kind: 'alipay', amount: 625 });
    expect(alipay.charges()).toBe(1);
  });

  it('a trade recorded but never sent (closed before the call) ends failed without a call', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const alipay = createFakeGateway();
    const { app, cartId } = await shop({ dataDir: tmp.dir, fake: alipay });
    app.deps.sqlite
      .prepare(
        `INSERT INTO trades (id, trade_no, cart_id, provider, method, mode, amount, currency, state, deadline, created_at, updated_at)
         VALUES ('t-created', 'T1NEVERSENT', ?, 'alipay', 'code', 'sandbox', 625, 'USD', 'created', ?, ?, ?)`,
      )
      .run(cartId, app.clock.now + 60_000, app.clock.now, app.clock.now);
    app.close();
    apps.splice(apps.indexOf(app), 1);
    const again = makePaymentsApp({ alipay }, { dataDir: tmp.dir, clock: app.clock });
    apps.push(again);
    await waitState(again, 't-created', 'failed');
    expect(alipay.calls.query + alipay.calls.pay).toBe(0);
  });

  it('the sale cannot change under a provider payment: no scan while one waits, no removal once paid; a void gives the money back', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay({ waiting: Infinity });
    const waiting = await ok(app, 'payments.payByCode', { cartId, amount: 300, code: ALIPAY_CODE });
    expect(waiting.state).toBe('waiting');
    expect((await fail(app, 'cart.scan', { code: '4006381333931' })).details).toMatchObject({ reason: 'tradePending' });
    await ok(app, 'payments.cancelTrade', { id: waiting.id });
    await waitState(app, waiting.id, 'cancelled');
    const paid = await ok(app, 'payments.payByCode', { cartId, amount: 300, code: ALIPAY_CODE });
    expect(paid.state).toBe('paid');
    const cart = await ok(app, 'cart.get', {});
    expect((await fail(app, 'cart.removeLine', { lineId: cart.lines[0]!.id })).details).toMatchObject({ reason: 'tradePaid' });
    // Adding to a sale part-paid is fine: the rest is still owed.
    await ok(app, 'cart.scan', { code: '4006381333931' });
    await ok(app, 'cart.clear', {});
    await waitState(app, paid.id, 'refunded');
    expect(alipay.net()).toBe(0);
  });

  it('refunds a paid trade whose sale was voided, once, and audits it', async () => {
    const { app, alipay, cartId } = await shop();
    const events: string[] = [];
    app.router.subscribe('s1', (e) => events.push(e));
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    // Still open: the paid trade stays available to the sale.
    await app.deps.trades.onKick?.();
    await new Promise((r) => setTimeout(r, 30));
    expect(trade(app, t.id)['state']).toBe('paid');
    expect(alipay.net()).toBe(625);
    await ok(app, 'cart.clear', {});
    const { reconcileOnce } = await import('../../src/main/payments/reconciler');
    await reconcileOnce(app.deps);
    await waitState(app, t.id, 'refunded');
    await reconcileOnce(app.deps);
    await reconcileOnce(app.deps);
    expect(alipay.refundsPaid.size).toBe(1);
    expect(alipay.net()).toBe(0);
    expect(count(app, "SELECT COUNT(*) AS n FROM trade_refunds WHERE trade_id = ? AND source = 'auto'", t.id)).toBe(1);
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.autoRefund' AND target = ?", t.id)).toBe(1);
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.refunded' AND target = ?", t.id)).toBe(1);
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.providerRefund' AND target = ? AND success = 1", t.id)).toBe(
      1,
    );
    expect(events).toContain('payments.autoRefund');
    const refunds = await ok(app, 'payments.refunds', { tradeId: t.id });
    expect(refunds).toEqual([expect.objectContaining({ state: 'refunded', amount: 625, refundId: null })]);
    expect((await ok(app, 'payments.trade', { id: t.id })).refunded).toBe(625);
  });

  it('keeps a paid trade for an open sale, and refunds it once the sale is abandoned past the grace', async () => {
    const { app, alipay, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 300, code: ALIPAY_CODE });
    const { reconcileOnce } = await import('../../src/main/payments/reconciler');
    app.clock.advance(3_600_000);
    await reconcileOnce(app.deps);
    expect(trade(app, t.id)['state']).toBe('paid');
    app.clock.advance(24 * 3_600_000);
    await reconcileOnce(app.deps);
    await waitState(app, t.id, 'refunded');
    expect(alipay.net()).toBe(0);
  });

  it('an automatic refund whose answer is lost is sent again with the same number and paid once', async () => {
    const { app, alipay, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    await ok(app, 'cart.clear', {});
    alipay.scriptRefund('lost');
    const { reconcileOnce } = await import('../../src/main/payments/reconciler');
    await reconcileOnce(app.deps);
    expect(app.deps.sqlite.prepare('SELECT state FROM trade_refunds').get()).toEqual({ state: 'unknown' });
    await reconcileOnce(app.deps);
    await waitState(app, t.id, 'refunded');
    expect(alipay.calls.refund).toBe(2);
    expect(alipay.refundsPaid.size).toBe(1);
    expect(alipay.net()).toBe(0);
  });

  it('lists trades that need a person', async () => {
    const { app, alipay, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 300, code: ALIPAY_CODE });
    alipay.scriptPay({ waiting: Number.POSITIVE_INFINITY });
    alipay.scriptQuery(...Array<'hang'>(5).fill('hang'));
    const t2 = await ok(app, 'payments.payByCode', { cartId, amount: 100, code: ALIPAY_CODE });
    app.clock.advance(120_000);
    const problems = await ok(app, 'payments.reconciliation', {});
    expect(problems.map((p) => [p.kind, p.trade.id])).toEqual(
      expect.arrayContaining([
        ['paid_without_sale', t.id],
        ['unresolved', t2.id],
      ]),
    );
    const found = await ok(app, 'payments.findTrades', { tradeNo: t.tradeNo });
    expect(found.map((x) => x.id)).toEqual([t.id]);
    expect((await ok(app, 'payments.findTrades', { open: true })).map((x) => x.id)).toEqual([t2.id]);
    alipay.release();
    // Its lost query past the deadline: cancelled at the provider.
    await waitState(app, t2.id, 'cancelled');
  });
});

describe('settings and secrets', () => {
  it('keeps secrets out of every answer, the export and the database file', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const alipay = createFakeGateway();
    const app = makePaymentsApp({ alipay }, { dataDir: tmp.dir });
    apps.push(app);
    await readyStore(app);
    const SECRET = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7SECRETKEYMATERIAL';
    await ok(app, 'payments.saveConfig', {
      provider: 'alipay',
      enabled: true,
      mode: 'production',
      fields: { appId: '2021000000000001', keyMode: 'publicKey' },
      secrets: { privateKey: SECRET, alipayPublicKey: 'PUBKEYMATERIAL0123456789' },
      cashierTimeoutSec: 90,
    });
    const view = await ok(app, 'payments.config', {});
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.cashierTimeoutSec).toBe(90);
    expect(view.providers.find((p) => p.provider === 'alipay')).toEqual({
      provider: 'alipay',
      enabled: true,
      mode: 'production',
      fields: { appId: '2021000000000001', keyMode: 'publicKey' },
      secretsSet: ['alipayPublicKey', 'privateKey'],
    });
    // The gateway gets it (from the secret store), the renderer never does.
    expect(await ok(app, 'payments.testConnection', { provider: 'alipay' })).toEqual({ ok: true });
    expect(alipay.lastConfig?.secrets['privateKey']).toBe(SECRET);
    expect(alipay.lastConfig?.mode).toBe('production');
    const audit = JSON.stringify(app.deps.sqlite.prepare('SELECT * FROM audit').all());
    expect(audit).toContain('privateKey');
    expect(audit).not.toContain(SECRET);
    const exported = await ok(app, 'data.export', {});
    for (const f of readdirSync(exported.folder)) expect(readFileSync(join(exported.folder, f)).includes(SECRET), f).toBe(false);
    // Removing a secret: an empty value.
    await ok(app, 'payments.saveConfig', {
      provider: 'alipay',
      enabled: true,
      mode: 'production',
      fields: { appId: '2021000000000001' },
      secrets: { alipayPublicKey: '' },
    });
    expect((await ok(app, 'payments.config', {})).providers[0]!.secretsSet).toEqual(['privateKey']);
    app.close();
    apps.splice(apps.indexOf(app), 1);
    for (const f of readdirSync(tmp.dir).filter((n) => n.startsWith('countertop.db')))
      expect(readFileSync(join(tmp.dir, f)).includes(SECRET), f).toBe(false);
  });

  it('training mode builds the gateway against the training fake, with the fake’s own credentials', async () => {
    const alipay = createFakeGateway();
    let running = false;
    const app = makePaymentsApp(
      { alipay },
      {
        trainingUrl: (p) =>
          running && p === 'alipay' ? { baseUrl: 'http://127.0.0.1:4567', secrets: { privateKey: 'FAKE-MERCHANT-KEY' } } : null,
      },
    );
    apps.push(app);
    await readyStore(app);
    await ok(app, 'payments.saveConfig', {
      provider: 'alipay',
      enabled: true,
      mode: 'training',
      fields: { appId: 'X' },
      secrets: { privateKey: 'REAL' },
    });
    // No fake running: training is not available.
    expect(await ok(app, 'payments.providers', {})).toEqual([]);
    running = true;
    await ok(app, 'payments.saveConfig', { provider: 'alipay', enabled: true, mode: 'training', fields: { appId: 'X' } });
    expect((await ok(app, 'payments.providers', {})).map((p) => p.provider)).toEqual(['alipay']);
    expect(alipay.lastConfig).toMatchObject({
      mode: 'training',
      baseUrl: 'http://127.0.0.1:4567',
      secrets: { privateKey: 'FAKE-MERCHANT-KEY' },
    });
  });

  it('only an admin sees or changes payment settings', async () => {
    const { app } = await shop();
    await ok(app, 'staff.create', { name: 'Bob', role: 'clerk', pin: '5678' });
    const staff = await ok(app, 'staff.list', {});
    await ok(app, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Bob')!.id, pin: '5678' }, 's2');
    expect((await fail(app, 'payments.config', {}, 's2')).code).toBe('FORBIDDEN');
    expect((await fail(app, 'payments.saveConfig', { provider: 'alipay', enabled: false, mode: 'sandbox', fields: {} }, 's2')).code).toBe(
      'FORBIDDEN',
    );
    expect((await fail(app, 'payments.reconciliation', {}, 's2')).code).toBe('FORBIDDEN');
  });
});

describe('other methods and notices', () => {
  it('shows a QR; the customer scans and pays; the QR is gone once paid', async () => {
    const { app, wechat, cartId } = await shop();
    const t = await ok(app, 'payments.showQr', { cartId, amount: 625, provider: 'wechat' });
    expect(t).toMatchObject({ state: 'waiting', method: 'qr', qr: `https://qr.example/${t.tradeNo}` });
    await until(() => wechat.calls.query >= 2, 2000, 'polling');
    wechat.customerPays(t.tradeNo);
    await waitState(app, t.id, 'paid');
    expect((await ok(app, 'payments.trade', { id: t.id })).qr).toBeNull();
    const order = await sell(app, cartId, t.id);
    expect(order.payments[0]!.kind).toBe('wechat_pay');
  });

  it('takes a card on the terminal and records card_integrated with the brand', async () => {
    const stripe = createFakeGateway({ provider: 'stripe' });
    const app = makePaymentsApp({ stripe });
    apps.push(app);
    await readyStore(app);
    await enable(app, 'stripe');
    const cartId = await fillCart(app);
    expect((await ok(app, 'payments.providers', {})).map((p) => [p.provider, p.methods])).toEqual([['stripe', ['terminal']]]);
    const t = await ok(app, 'payments.startTerminal', { cartId, amount: 625 });
    expect(t.state).toBe('waiting');
    stripe.customerPays(t.tradeNo);
    await waitState(app, t.id, 'paid');
    const order = await sell(app, cartId, t.id);
    expect(order.payments[0]).toMatchObject({ kind: 'card_integrated', brand: 'visa', account: '****4242', reference: t.providerRef });
  });

  it('a reconciler pass leaves a trade whose first answer is still on its way alone', async () => {
    const { app, alipay, cartId } = await shop();
    alipay.scriptPay('hang');
    const pending = app.router.call('payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE }, 's1');
    await until(() => alipay.calls.pay === 1, 2000, 'the pay call');
    const { reconcileOnce } = await import('../../src/main/payments/reconciler');
    await Promise.race([reconcileOnce(app.deps), new Promise((r) => setTimeout(r, 100))]);
    expect(alipay.calls.query + alipay.calls.cancel).toBe(0);
    alipay.customerPays([...alipay.trades.keys()][0]!);
    alipay.release();
    const res = await pending;
    expect(res.ok).toBe(true);
    const id = (res as { value: Trade }).value.id;
    await waitState(app, id, 'paid');
    expect(alipay.charges()).toBe(1);
  });

  it('cancelling a paid trade no sale used refunds it', async () => {
    const { app, alipay, cartId } = await shop();
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    await ok(app, 'payments.cancelTrade', { id: t.id });
    await waitState(app, t.id, 'refunded');
    expect(alipay.net()).toBe(0);
    expect((await fail(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] })).code).toBe(
      'DECLINED',
    );
    // The sale owes the whole amount again.
    expect((await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE })).state).toBe('paid');
  });

  it('applies a verified notice for our merchant and amount; refuses and audits others, changing nothing', async () => {
    const { app, alipay, cartId } = await shop();
    const { applyNotice } = await import('../../src/main/payments/trades');
    alipay.scriptPay({ waiting: Number.POSITIVE_INFINITY });
    const t = await ok(app, 'payments.payByCode', { cartId, amount: 625, code: ALIPAY_CODE });
    const paid = { state: 'paid' as const, providerRef: 'ALI1', amount: 625, buyer: 'a***@example.com', brand: null };
    const base = { provider: 'alipay' as const, merchant: alipay.merchant, tradeNo: t.tradeNo, eventId: 'ev1', answer: paid };
    expect(applyNotice(app.deps, { ...base, merchant: 'SOMEONE-ELSE' })).toBeNull();
    expect(applyNotice(app.deps, { ...base, answer: { ...paid, amount: 1 } })).toBeNull();
    expect(applyNotice(app.deps, { ...base, provider: 'wechat' })).toBeNull();
    expect(applyNotice(app.deps, { ...base, tradeNo: 'NOSUCHTRADE' })).toBeNull();
    expect(trade(app, t.id)['state']).toBe('waiting');
    expect(count(app, "SELECT COUNT(*) AS n FROM audit WHERE action = 'payment.notice' AND success = 0")).toBe(4);
    expect(applyNotice(app.deps, base)?.state).toBe('paid');
    // Replayed: nothing changes.
    expect(applyNotice(app.deps, base)?.state).toBe('paid');
    expect((await ok(app, 'payments.reconciliation', {})).filter((p) => p.kind === 'notice_refused').map((p) => p.trade.id)).toEqual([
      t.id,
    ]);
    expect(count(app, "SELECT COUNT(*) AS n FROM trade_events WHERE trade_id = ? AND to_state = 'paid'", t.id)).toBe(1);
  });
});
