import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableOnline } from '../../../src/cloud/shop/catalog/stock';
import { settleDueRefunds } from '../../../src/cloud/shop/aftersale/ledger';
import { ok } from '../../support/app';
import { syncAll } from '../../support/sync';
import { paidOrder, refundRows } from '../../support/shop-aftersale';
import { Browser, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

const available = async (productId: string) =>
  (await availableOnline(cloud.deps.db, { orgId: shop.orgId, storeId: shop.storeId }, [productId], cloud.deps.clock())).get(productId);
const refundCalls = (tradeNo: string) =>
  cloud.alipay.requests.filter((r) => r.method === 'alipay.trade.refund' && r.outTradeNo === tradeNo && r.refused === null).length;
const tillSteps = (orderId: string) =>
  shop.till.deps.sqlite.prepare('SELECT kind FROM online_order_events WHERE order_id = ? ORDER BY at, rowid').pluck().all(orderId);

describe('a buyer cancels before the store packs', () => {
  it('refunds exactly once through Alipay, however often the cancel is sent, and the till sees it cancelled', async () => {
    const b = new Browser(cloud);
    const before = await available(shop.cola.id);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '2' }]);
    expect(await available(shop.cola.id)).toBe(before! - 2000);
    const page = await (await b.get(o.link)).text();
    expect(page).toContain('Cancel or return');
    expect(page).toContain(`action="${base}/orders/${o.id}/cancel"`);
    await syncAll([shop.till]);
    await expect(ok(shop.till, 'onlineOrders.get', { id: o.id }, 's1')).resolves.toMatchObject({ state: 'toShip' });

    // A double click, a replayed request and two at once.
    const [r1, r2] = await Promise.all([
      b.post(`${base}/orders/${o.id}/cancel`, { key: o.key }),
      b.post(`${base}/orders/${o.id}/cancel`, { key: o.key }),
    ]);
    expect([r1.status, r2.status]).toEqual([303, 303]);
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key })).status).toBe(303);
    const rows = await refundRows(cloud, o.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'refunded', cause: 'cancel' });
    expect(Number(rows[0]!.amount)).toBe(o.total);
    expect(refundCalls(o.tradeNo)).toBe(1);
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(o.total);
    // The units are back online.
    expect(await available(shop.cola.id)).toBe(before);

    const after = await (await b.get(o.link)).text();
    expect(after).toContain('You cancelled this order');
    expect(after).toMatch(/Refunded CN¥\d+\.\d\d to your Alipay account on/);
    expect(after).not.toContain(`action="${base}/orders/${o.id}/cancel"`);
    // The notice sent again after the cancel does not make it paid again.
    const again = cloud.alipay.noticeFor(o.tradeNo);
    await fetch(`${cloud.url}${base}/pay/alipay/notify`, { method: 'POST', headers: again.headers, body: again.body });
    expect(await (await b.get(o.link)).text()).toContain('You cancelled this order');

    await syncAll([shop.till]);
    expect(tillSteps(o.id)).toEqual(['cancelled', 'refunded']);
    const info = await ok(shop.till, 'onlineOrders.get', { id: o.id }, 's1');
    expect(info.state).toBe('cancelled');
    await expect(ok(shop.till, 'onlineOrders.markPacked', { id: o.id }, 's1')).rejects.toThrow(/cancelled/);
    // The till's books undo the sale: one void of every line, given back to the Alipay payment.
    const voids = shop.till.deps.sqlite
      .prepare('SELECT r.kind, r.total, t.method FROM refunds r JOIN refund_tenders t ON t.refund_id = r.id WHERE r.order_id = ?')
      .all(o.id);
    expect(voids).toEqual([{ kind: 'void', total: o.total, method: 'alipay' }]);
    expect(
      shop.till.deps.sqlite
        .prepare('SELECT SUM(qty) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id WHERE r.order_id = ?')
        .pluck()
        .get(o.id),
    ).toBe(2000);

    // Chinese.
    const zh = await (await b.get(`${o.link}&lang=zh-CN`)).text();
    expect(zh).toContain('您已取消此订单');
    expect(zh).toContain('已于');
  });

  it('is refused once the till has packed the order, and the buyer is told why', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.bread.id, qty: '1' }]);
    await syncAll([shop.till]);
    await ok(shop.till, 'onlineOrders.markPacked', { id: o.id }, 's1');
    await syncAll([shop.till]);
    const page = await (await b.get(o.link)).text();
    expect(page).not.toContain(`/orders/${o.id}/cancel`);
    const res = await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('can no longer be cancelled');
    expect(await refundRows(cloud, o.id)).toHaveLength(0);
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(0);
  });

  it('a till that packed offline before the cancel arrived is told not to ship, and cannot', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.bread.id, qty: '1' }]);
    await syncAll([shop.till]);
    // The till packs while the buyer cancels; neither has heard of the other.
    const push = shop.till.sync.engine.syncNow.bind(shop.till.sync.engine);
    await ok(shop.till, 'onlineOrders.markPacked', { id: o.id }, 's1');
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key })).status).toBe(303);
    await push();
    await syncAll([shop.till]);
    const info = await ok(shop.till, 'onlineOrders.get', { id: o.id }, 's1');
    expect(info.state).toBe('cancelled');
    expect(info.steps.map((s) => s.kind)).toContain('packed');
    await expect(ok(shop.till, 'onlineOrders.markPacked', { id: o.id }, 's1')).rejects.toThrow(/cancelled/);
    // The buyer was refunded once, and the page still says cancelled.
    expect((await refundRows(cloud, o.id)).map((r) => r.state)).toEqual(['refunded']);
  });

  it('leaves a clear state when Alipay refuses, and a retry completes the refund once', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    cloud.alipay.script({ method: 'alipay.trade.refund', kind: 'decline', subCode: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' });
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key })).status).toBe(303);
    let [row] = await refundRows(cloud, o.id);
    expect(row).toMatchObject({ state: 'failed' });
    expect(row!.message).toContain('ACQ.SELLER_BALANCE_NOT_ENOUGH');
    const page = await (await b.get(o.link)).text();
    expect(page).toContain('did not go through');
    expect(page).toContain('Try the refund again');
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(0);
    // The sweep leaves a refused refund alone until someone asks again.
    await settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(0);
    expect((await b.post(`${base}/orders/${o.id}/refunds/${row!.id}/retry`, { key: o.key })).status).toBe(303);
    expect((await b.post(`${base}/orders/${o.id}/refunds/${row!.id}/retry`, { key: o.key })).status).toBe(303);
    [row] = await refundRows(cloud, o.id);
    expect(row).toMatchObject({ state: 'refunded' });
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(o.total);
  });

  it('an unclear answer is asked about later, and the money is not sent twice', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    // Alipay refunds, but the answer is lost; the query right after fails too.
    cloud.alipay.script(
      { method: 'alipay.trade.refund', kind: 'drop_after' },
      { method: 'alipay.trade.fastpay.refund.query', kind: 'system_error' },
    );
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key })).status).toBe(303);
    let [row] = await refundRows(cloud, o.id);
    expect(row!.state).toBe('requested');
    expect(await (await b.get(o.link)).text()).toContain('in progress');
    cloud.advance(10 * 60_000);
    await settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);
    [row] = await refundRows(cloud, o.id);
    expect(row!.state).toBe('refunded');
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(o.total);
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunds.size).toBe(1);
  });

  it('another buyer’s order, a missing key or a missing CSRF token are refused', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    const stranger = new Browser(cloud);
    expect((await stranger.post(`${base}/orders/${o.id}/cancel`, {})).status).toBe(404);
    expect((await stranger.post(`${base}/orders/${o.id}/cancel`, { key: 'x'.repeat(32) })).status).toBe(404);
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key }, { csrf: false })).status).toBe(403);
    expect(await refundRows(cloud, o.id)).toHaveLength(0);
    expect((await b.get(o.link)).status).toBe(200);
  });
});
