/**
 * A refused provider refund is asked again by the cloud's own sweep (with backoff, the same request
 * number, never paid twice) and the manager sees at the till which refunds are failing and why; a
 * receipt claimed online reaches the till's order with the buyer's masked contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { settleDueRefunds } from '../../../src/cloud/shop/aftersale/ledger';
import { maskedContact } from '../../../src/cloud/shop/receipts/receipts';
import { fail, ok } from '../../support/app';
import { sell, syncAll } from '../../support/sync';
import { paidOrder, refundRows } from '../../support/shop-aftersale';
import { Browser, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

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

const sweep = () => settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);

describe('a refused refund', () => {
  it('is retried by the sweep with backoff until it goes through once; the till shows it failing, why, then done', async () => {
    const b = new Browser(cloud);
    const o = await paidOrder(cloud, base, b, [{ productId: shop.cola.id, qty: '1' }]);
    // Alipay refuses twice (the merchant's balance is short), then pays.
    cloud.alipay.script(
      { method: 'alipay.trade.refund', kind: 'decline', subCode: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' },
      { method: 'alipay.trade.refund', kind: 'decline', subCode: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' },
    );
    expect((await b.post(`${base}/orders/${o.id}/cancel`, { key: o.key })).status).toBe(303);
    let [row] = await refundRows(cloud, o.id);
    expect(row).toMatchObject({ state: 'failed' });

    // The manager sees it failing, with the provider's reason and when the cloud tries again.
    await syncAll([shop.till]);
    let open = await ok(shop.till, 'onlineOrders.refunds', { which: 'open', limit: 50 }, 's1');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ orderId: o.id, cause: 'cancel', state: 'failed', amount: o.total, returnId: null });
    expect(open[0]!.message).toContain('ACQ.SELLER_BALANCE_NOT_ENOUGH');
    expect(open[0]!.shopNumber).toBe(o.tradeNo);
    expect(open[0]!.nextRetryAt).toBeGreaterThan(cloud.deps.clock());

    // Not before its time: a sweep now asks nothing.
    const calls = () => cloud.alipay.requests.filter((r) => r.outTradeNo === o.tradeNo && r.method.includes('refund')).length;
    const before = calls();
    await sweep();
    expect(calls()).toBe(before);
    // Past the first wait, the sweep asks again (refused again), and the next wait is longer.
    cloud.advance(5 * 60_000 + 1000);
    await sweep();
    [row] = await refundRows(cloud, o.id);
    expect(row).toMatchObject({ state: 'failed' });
    const [due] = await rowsOf<{ next_at: string | number }>(cloud.deps.db, sql`SELECT next_at FROM shop_refunds WHERE id = ${row!.id}`);
    const secondWait = Number(due!.next_at) - cloud.deps.clock();
    expect(secondWait).toBeGreaterThan(5 * 60_000);
    cloud.advance(secondWait + 1000);
    // Two sweeps at once (two cloud processes): the buyer is refunded once.
    await Promise.all([sweep(), sweep()]);
    [row] = await refundRows(cloud, o.id);
    expect(row).toMatchObject({ state: 'refunded' });
    const trade = cloud.alipay.trades.get(o.tradeNo)!;
    expect(trade.refunded).toBe(o.total);
    expect(trade.refunds.size).toBe(1);
    await sweep();
    expect(cloud.alipay.trades.get(o.tradeNo)!.refunded).toBe(o.total);

    await syncAll([shop.till]);
    open = await ok(shop.till, 'onlineOrders.refunds', { which: 'open', limit: 50 }, 's1');
    expect(open).toEqual([]);
    const all = await ok(shop.till, 'onlineOrders.refunds', { which: 'all', limit: 50 }, 's1');
    expect(all.find((r) => r.orderId === o.id)).toMatchObject({ state: 'refunded', nextRetryAt: null, message: '' });
    // The list is a manager's; hostile limits are refused.
    expect((await fail(shop.till, 'onlineOrders.refunds', { which: 'open', limit: 100_000 }, 's1')).code).toBe('VALIDATION');
    expect((await fail(shop.till, 'onlineOrders.refunds', { which: 'failing; DROP', limit: 5 }, 's1')).code).toBe('VALIDATION');
  });
});

let buyers = 0;
async function signedIn(login: string) {
  const b = new Browser(cloud);
  await b.get(`${base}/account/signup`);
  const res = await b.post(`${base}/account/signup`, { login, name: 'Li Lei', password: 'a long pass 1234' });
  expect(res.status).toBe(303);
  buyers += 1;
  return b;
}

describe('a receipt claimed online', () => {
  it('shows on the till’s order, with the buyer’s masked contact, once, whoever tries to claim it after', async () => {
    const order = await sell(shop.till, [{ productId: shop.cola.id }]);
    await syncAll([shop.till]);
    expect((await ok(shop.till, 'orders.detail', { id: order.id }, 's1')).claim).toBeNull();
    const doc = await ok(shop.till, 'receipts.get', { orderId: order.id });
    const path = new URL(doc.onlineUrl!).pathname;
    const a = await signedIn(`claimer${buyers}@example.test`);
    expect((await a.post(`${path}/claim`, {})).status).toBe(303);
    // Another buyer cannot take it over, and the till still names the first.
    const other = await signedIn(`other${buyers}@example.test`);
    await other.post(`${path}/claim`, {});
    await syncAll([shop.till]);
    const detail = await ok(shop.till, 'orders.detail', { id: order.id }, 's1');
    expect(detail.claim).toMatchObject({ contact: 'c***@example.test' });
    expect(detail.claim!.claimedAt).toBeGreaterThan(0);
    expect(await ok(shop.till, 'onlineOrders.receiptClaim', { orderId: order.id }, 's1')).toEqual(detail.claim);
    expect(shop.till.deps.sqlite.prepare('SELECT COUNT(*) FROM receipt_claims WHERE order_id = ?').pluck().get(order.id)).toBe(1);
    // The full address never reaches the till.
    expect(JSON.stringify(detail)).not.toContain(`claimer${buyers - 2}@`);
    expect((await fail(shop.till, 'onlineOrders.receiptClaim', { orderId: 'not-an-id' }, 's1')).code).toBe('VALIDATION');
  });

  it('masks emails and mobile numbers so that a clerk recognises, not contacts, the buyer', () => {
    expect(maskedContact({ email: 'lilei@example.com', phone: null })).toBe('l***@example.com');
    expect(maskedContact({ email: null, phone: '+86 138 0013 5678' })).toBe('+86****5678');
    expect(maskedContact({ email: null, phone: '13800135678' })).toBe('138****5678');
    expect(maskedContact({ email: null, phone: null })).toBe('***');
    expect(maskedContact({ email: '<script>@x.y', phone: null })).toBe('<***@x.y');
  });
});
