import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { recordRefund, settleDueRefunds } from '../../../src/cloud/shop/aftersale/ledger';
import { refundShopPayment } from '../../../src/cloud/shop/aftersale/refunds';
import { orderInStore, pickupCode } from '../../../src/cloud/shop/checkout/orders';
import { ok, testClock } from '../../support/app';
import { enrolmentCode, joinTerminal, ledgerOf, signIn, stockOf, syncAll, terminal } from '../../support/sync';
import { paidOrder, refundRows, type PaidOrder } from '../../support/shop-aftersale';
import { Browser, hidden, SHOP_SECRET, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 180_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

const pay = (storeId: string) => cloud.payments.get(storeId) ?? null;
const lineIds = (orderId: string) =>
  shop.till.deps.sqlite.prepare('SELECT product_id AS productId, id FROM order_lines WHERE order_id = ?').all(orderId) as {
    productId: string;
    id: string;
  }[];

/** A pick-up order of 2 colas and a bread, paid, handed over at the till (its units leave the store's stock). */
async function pickedUp(b: Browser): Promise<PaidOrder & { cola: string; bread: string }> {
  const o = await paidOrder(
    cloud,
    base,
    b,
    [
      { productId: shop.cola.id, qty: '2' },
      { productId: shop.bread.id, qty: '1' },
    ],
    { method: 'pickup', a_line1: '', a_city: '', phone: '13800000000' },
  );
  await syncAll([shop.till]);
  await ok(shop.till, 'onlineOrders.handOver', { id: o.id, code: pickupCode(SHOP_SECRET, o.id) }, 's1');
  await syncAll([shop.till]);
  const lines = lineIds(o.id);
  return { ...o, cola: lines.find((l) => l.productId === shop.cola.id)!.id, bread: lines.find((l) => l.productId === shop.bread.id)!.id };
}

async function ask(b: Browser, o: PaidOrder, qty: Record<string, string>, reason: string) {
  const form = await (await b.get(`${base}/orders/${o.id}/return?key=${o.key}`)).text();
  const rid = hidden(form, 'rid');
  const fields = { key: o.key, rid, reason, ...Object.fromEntries(Object.entries(qty).map(([k, v]) => [`qty_${k}`, v])) };
  return { rid, fields, res: await b.post(`${base}/orders/${o.id}/return`, fields) };
}

describe('a buyer returns what they picked up', () => {
  it('asks, the manager approves at the till, Alipay refunds once, and both sides say refunded', async () => {
    const b = new Browser(cloud);
    const o = await pickedUp(b);
    const colaStock = stockOf(shop.till, shop.cola.id);
    const page = await (await b.get(o.link)).text();
    expect(page).toContain('Request a return');
    expect(page).not.toContain(`/orders/${o.id}/cancel`);

    // More than was bought is refused; a request without a reason too.
    expect((await ask(b, o, { [o.cola]: '3' }, 'Too sweet')).res.status).toBe(400);
    expect((await ask(b, o, { [o.cola]: '1' }, '')).res.status).toBe(400);
    const { res, fields } = await ask(b, o, { [o.cola]: '1' }, 'Too sweet <b>really</b>');
    expect(res.status).toBe(303);
    // The same form sent again (a double click) records one request.
    expect((await b.post(`${base}/orders/${o.id}/return`, fields)).status).toBe(303);
    const mine = await (await b.get(o.link)).text();
    expect(mine).toContain('Waiting for the store to approve it.');
    expect(mine).not.toContain('<b>really</b>');

    await syncAll([shop.till]);
    const pending = await ok(shop.till, 'onlineOrders.returns', { which: 'pending', limit: 50 }, 's1');
    const req = pending.find((r) => r.orderId === o.id)!;
    expect(pending.filter((r) => r.orderId === o.id)).toHaveLength(1);
    expect(req).toMatchObject({ decision: 'pending', reason: 'Too sweet <b>really</b>', refundState: 'none' });
    expect(req.lines).toEqual([expect.objectContaining({ orderLineId: o.cola, qty: 1000 })]);
    const steps = (await ok(shop.till, 'onlineOrders.get', { id: o.id }, 's1')).steps.map((s) => s.kind);
    expect(steps).toContain('return_requested');

    const decided = await ok(shop.till, 'onlineOrders.decideReturn', { id: req.id, approve: true, note: '' }, 's1');
    expect(decided.decision).toBe('approved');
    // Approving twice does not take the goods back twice.
    await ok(shop.till, 'onlineOrders.decideReturn', { id: req.id, approve: true, note: '' }, 's1');
    const doc = await ok(shop.till, 'refunds.get', { id: decided.refundId! }, 's1');
    expect(doc.total).toBe(req.amount);
    expect(doc.tenders.map((t) => t.method)).toEqual(['alipay']);
    expect(stockOf(shop.till, shop.cola.id)).toBe(colaStock + 1000);
    // No provider refund from the till, nor cash from its drawer: the shop refunds.
    expect(shop.till.deps.sqlite.prepare('SELECT COUNT(*) FROM trade_refunds').pluck().get()).toBe(0);

    await syncAll([shop.till]);
    let [refund] = await refundRows(cloud, o.id);
    expect(refund).toMatchObject({ cause: 'return', state: 'requested' });
    await settleDueRefunds(cloud.deps, pay);
    await settleDueRefunds(cloud.deps, pay);
    [refund] = await refundRows(cloud, o.id);
    expect(refund!.state).toBe('refunded');
    expect(Number(refund!.amount)).toBe(req.amount);
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(req.amount);
    expect(cloud.alipay.requests.filter((r) => r.method === 'alipay.trade.refund' && r.outTradeNo === o.tradeNo)).toHaveLength(1);

    await syncAll([shop.till]);
    const after = await ok(shop.till, 'onlineOrders.returns', { which: 'all', limit: 50 }, 's1');
    expect(after.find((r) => r.id === req.id)).toMatchObject({ decision: 'approved', refundState: 'refunded' });
    expect((await ok(shop.till, 'onlineOrders.get', { id: o.id }, 's1')).steps.map((s) => s.kind)).toContain('refunded');
    const buyerPage = await (await b.get(o.link)).text();
    expect(buyerPage).toContain('Approved by the store.');
    expect(buyerPage).toMatch(/Refunded CN¥\d+\.\d\d to your Alipay account/);
    const zh = await (await b.get(`${o.link}&lang=zh-CN`)).text();
    expect(zh).toContain('门店已同意');

    // The other cola and the bread can still be asked for; a cola more than bought cannot.
    expect((await ask(b, o, { [o.cola]: '2' }, 'again')).res.status).toBe(400);
  });

  it('a refusal carries the manager’s reason to the buyer, who may ask again', async () => {
    const b = new Browser(cloud);
    const o = await pickedUp(b);
    expect((await ask(b, o, { [o.bread]: '1' }, 'Stale')).res.status).toBe(303);
    await syncAll([shop.till]);
    const req = (await ok(shop.till, 'onlineOrders.returns', { which: 'pending', limit: 50 }, 's1')).find((r) => r.orderId === o.id)!;
    await expect(ok(shop.till, 'onlineOrders.decideReturn', { id: req.id, approve: false, note: '' }, 's1')).rejects.toThrow();
    await ok(shop.till, 'onlineOrders.decideReturn', { id: req.id, approve: false, note: 'Eaten half' }, 's1');
    await expect(ok(shop.till, 'onlineOrders.decideReturn', { id: req.id, approve: true, note: '' }, 's1')).rejects.toThrow(
      /already decided/,
    );
    await syncAll([shop.till]);
    const page = await (await b.get(o.link)).text();
    expect(page).toContain('Refused by the store: Eaten half');
    expect(await refundRows(cloud, o.id)).toHaveLength(0);
    expect((await ask(b, o, { [o.bread]: '1' }, 'Really stale')).res.status).toBe(303);
  });

  it('closes with the store’s return window, and is refused before the goods are in hand', async () => {
    const b = new Browser(cloud);
    const early = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    expect(await (await b.get(early.link)).text()).not.toContain('Request a return');
    const form = await (await b.get(`${base}/orders/${early.id}/return?key=${early.key}`)).text();
    const res = await b.post(`${base}/orders/${early.id}/return`, {
      key: early.key,
      rid: hidden(form, 'rid'),
      reason: 'x',
      [`qty_${lineIds(early.id)[0]?.id ?? ''}`]: '1',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);

    const o = await pickedUp(b);
    cloud.advance(8 * 86_400_000);
    expect(await (await b.get(o.link)).text()).not.toContain('Request a return');
    const late = await ask(b, o, { [o.cola]: '1' }, 'late');
    expect(late.res.status).toBe(409);
    expect(await late.res.text()).toContain('return period for this order has ended');
    // The manager gives buyers 30 days at the till: the shop offers the return again.
    expect(await ok(shop.till, 'onlineOrders.setReturnDays', { days: 30 }, 's1')).toEqual({ days: 30 });
    await syncAll([shop.till]);
    expect(await (await b.get(o.link)).text()).toContain('Request a return');
    await ok(shop.till, 'onlineOrders.setReturnDays', { days: 7 }, 's1');
    await syncAll([shop.till]);
    cloud.advance(-8 * 86_400_000);
  });

  it('never refunds more than was paid, in the shop or at Alipay', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    const order = (await orderInStore(cloud.deps.db, shop.storeId, o.id))!;
    const over = await cloud.deps.db.transaction((tx) =>
      recordRefund(tx, cloud.deps, order, { kind: 'return', returnId: cloud.deps.ids() }, o.total + 1),
    );
    expect(over).toMatchObject({ ok: false, reason: 'over_paid' });
    // Asked directly, Alipay refuses more than the trade paid, and moves nothing.
    const answer = await refundShopPayment(pay(shop.storeId), {
      provider: 'alipay',
      tradeNo: o.tradeNo,
      requestNo: `${o.tradeNo}-X`,
      amount: o.total + 100,
      total: o.total,
      currency: 'CNY',
      reason: 'test',
    });
    expect(answer).toMatchObject({ state: 'failed' });
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(0);
    // A provider the shop cannot refund through is a clear failure.
    expect(
      await refundShopPayment(pay(shop.storeId), {
        provider: 'cash',
        tradeNo: 'x',
        requestNo: 'y',
        amount: 1,
        total: 1,
        currency: 'CNY',
        reason: '',
      }),
    ).toMatchObject({
      state: 'failed',
    });
  });

  it('a till cannot rewrite what the buyer asked for, nor record a refund or a cancel itself', async () => {
    const b = new Browser(cloud);
    const o = await pickedUp(b);
    expect((await ask(b, o, { [o.cola]: '1' }, 'Dented')).res.status).toBe(303);
    await syncAll([shop.till]);
    const req = (await ok(shop.till, 'onlineOrders.returns', { which: 'pending', limit: 50 }, 's1')).find((r) => r.orderId === o.id)!;
    const db = shop.till.deps.sqlite;
    db.prepare("UPDATE online_returns SET amount = amount * 10, refund_state = 'refunded' WHERE id = ?").run(req.id);
    for (const kind of ['refunded', 'cancelled'])
      db.prepare(
        'INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at) VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL, ?)',
      ).run(cloud.deps.ids(), o.id, kind, '', 'T1', shop.till.clock());
    await syncAll([shop.till]);
    const [rec] = await rowsOf<{ body: string }>(
      cloud.deps.db,
      sql`SELECT body FROM records WHERE entity = 'online_return' AND entity_id = ${req.id}`,
    );
    const d = (JSON.parse(rec!.body) as { d: { amount: number; refund_state: string } }).d;
    expect(d).toMatchObject({ amount: req.amount, refund_state: 'none' });
    const kinds = await rowsOf<{ kind: string }>(
      cloud.deps.db,
      sql`SELECT body::jsonb -> 'd' ->> 'kind' AS kind FROM records WHERE entity = 'online_order_event' AND (body::jsonb -> 'd' ->> 'order_id') = ${o.id}`,
    );
    expect(kinds.map((k) => k.kind)).not.toContain('refunded');
    expect(kinds.map((k) => k.kind)).not.toContain('cancelled');
    expect(await refundRows(cloud, o.id)).toHaveLength(0);
  });

  it('two tills that approve the same request while apart take the goods back once, and the buyer is refunded once', async () => {
    const code = await enrolmentCode(shop.till);
    const other = terminal(cloud.transport, { clock: testClock(shop.till.clock() + 5) });
    try {
      await joinTerminal(other, cloud.url, code.code);
      await signIn(other, shop.adminId);
      const b = new Browser(cloud);
      const o = await pickedUp(b);
      expect((await ask(b, o, { [o.cola]: '1' }, 'Dented')).res.status).toBe(303);
      await syncAll([shop.till, other]);
      const tills = [shop.till, other];
      const before = tills.map((t) => stockOf(t, shop.cola.id));
      const rejections = (t: typeof other) => t.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get() as number;
      const refusedBefore = tills.map(rejections);
      const requests = await Promise.all(tills.map((t) => ok(t, 'onlineOrders.returns', { which: 'pending', limit: 50 }, 's1')));
      const id = requests[0]!.find((r) => r.orderId === o.id)!.id;
      expect(requests[1]!.find((r) => r.orderId === o.id)?.id).toBe(id);

      // Both managers approve before either till has synced: each takes the cola back at its own till.
      for (const t of tills) await ok(t, 'onlineOrders.decideReturn', { id, approve: true, note: '' }, 's1');
      expect(tills.map((t) => stockOf(t, shop.cola.id))).toEqual(before.map((n) => n + 1000));

      await syncAll(tills);
      await syncAll(tills);
      for (const [i, t] of tills.entries()) {
        // Once between them: one refund document, one movement back, one approval on the timeline.
        expect(stockOf(t, shop.cola.id)).toBe(before[i]! + 1000);
        expect(ledgerOf(t, shop.cola.id)).toBe(stockOf(t, shop.cola.id));
        expect(t.deps.sqlite.prepare('SELECT COUNT(*) FROM refunds WHERE order_id = ?').pluck().get(o.id)).toBe(1);
        const steps = (await ok(t, 'onlineOrders.get', { id: o.id }, 's1')).steps.map((s) => s.kind);
        expect(steps.filter((k) => k === 'return_approved')).toHaveLength(1);
        expect(rejections(t)).toBe(refusedBefore[i]);
      }
      const [moves] = await rowsOf<{ n: number }>(
        cloud.deps.db,
        sql`SELECT COUNT(*)::int AS n FROM records WHERE entity = 'stock_movement' AND (body::jsonb -> 'd' ->> 'kind') = 'return'
            AND (body::jsonb -> 'd' ->> 'product_id') = ${shop.cola.id}
            AND (body::jsonb -> 'd' ->> 'ref_id') = ${tills[0]!.deps.sqlite.prepare('SELECT id FROM refunds WHERE order_id = ?').pluck().get(o.id) as string}`,
      );
      expect(moves!.n).toBe(1);
      await settleDueRefunds(cloud.deps, pay);
      const refunds = await refundRows(cloud, o.id);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]!.state).toBe('refunded');
      expect(cloud.alipay.requests.filter((r) => r.method === 'alipay.trade.refund' && r.outTradeNo === o.tradeNo)).toHaveLength(1);
    } finally {
      other.close();
    }
  });

  it('an approval at one till stands over a refusal at another made while apart, whichever reaches the cloud first', async () => {
    const code = await enrolmentCode(shop.till);
    const otherClock = testClock(shop.till.clock() + 5);
    const other = terminal(cloud.transport, { clock: otherClock });
    try {
      await joinTerminal(other, cloud.url, code.code);
      await signIn(other, shop.adminId);
      for (const refusalFirst of [true, false]) {
        const b = new Browser(cloud);
        const o = await pickedUp(b);
        expect((await ask(b, o, { [o.cola]: '1' }, 'Dented')).res.status).toBe(303);
        await syncAll([shop.till, other]);
        const before = [shop.till, other].map((t) => stockOf(t, shop.cola.id));
        const id = (await ok(other, 'onlineOrders.returns', { which: 'pending', limit: 50 }, 's1')).find((r) => r.orderId === o.id)!.id;
        // The refusal is made after the approval by the clocks, so a plain last-writer-wins would keep it.
        await ok(shop.till, 'onlineOrders.decideReturn', { id, approve: true, note: '' }, 's1');
        otherClock.now = Math.max(otherClock.now, shop.till.clock()) + 60_000;
        await ok(other, 'onlineOrders.decideReturn', { id, approve: false, note: 'Opened' }, 's1');
        if (refusalFirst) await other.sync.engine.syncNow();
        await syncAll([shop.till, other]);
        await syncAll([shop.till, other]);
        for (const [i, t] of [shop.till, other].entries()) {
          const seen = (await ok(t, 'onlineOrders.returns', { which: 'all', limit: 50 }, 's1')).find((r) => r.id === id)!;
          expect(seen.decision, `till ${i}, refusal first: ${refusalFirst}`).toBe('approved');
          expect(stockOf(t, shop.cola.id)).toBe(before[i]! + 1000);
        }
        expect(await (await b.get(o.link)).text()).toContain('Approved by the store.');
        const refunds = await refundRows(cloud, o.id);
        expect(refunds).toHaveLength(1);
        expect(refunds[0]!.cause).toBe('return');
      }
    } finally {
      other.close();
    }
  });
});
