/** One basket priced at the counter and in the shop: the same money, line by line, in a tax-exclusive store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { ok } from '../../support/app';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud, 'exclusive');
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

describe('the same basket at the counter and online', () => {
  it('costs the same, line by line, with tax added on top', async () => {
    // At the counter: three colas and a bread scanned, 0.733 kg of apples weighed.
    const t = shop.till;
    for (const code of ['5000112637922', '5000112637922', '5000112637922', '4006381333931']) await ok(t, 'cart.scan', { code }, 's1');
    await ok(t, 'cart.addProduct', { productId: shop.apple.id, qty: 733 }, 's1');
    const till = await ok(t, 'cart.get', {}, 's1');

    // Online: the same basket, picked up in store (no shipping).
    const base = `/shop/${shop.storeId}`;
    const b = new Browser(cloud);
    await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '3' });
    await b.post(`${base}/cart/add`, { productId: shop.bread.id, qty: '1' });
    await b.post(`${base}/cart/add`, { productId: shop.apple.id, qty: '0.733' });
    const idem = hidden(await (await b.get(`${base}/checkout`)).text(), 'idem');
    const res = await b.post(`${base}/checkout`, { idem, name: 'Li Lei', phone: '13800000000', method: 'pickup' });
    expect(res.status).toBe(303);
    const [order] = await rowsOf<{ id: string; subtotal: number; tax_total: number; total: number }>(
      cloud.deps.db,
      sql`SELECT id, subtotal::int AS subtotal, tax_total::int AS tax_total, total::int AS total FROM shop_orders WHERE idempotency_key = ${idem}`,
    );
    expect(order).toMatchObject({ subtotal: till.priced.subtotal, tax_total: till.priced.taxTotal, total: till.priced.total });
    // Exclusive: the tax is on top of the shelf prices.
    expect(till.priced.total).toBe(till.priced.subtotal + till.priced.taxTotal);
    const lines = await rowsOf<{ product_id: string; net: number; tax: number; total: number }>(
      cloud.deps.db,
      sql`SELECT product_id, net::int AS net, tax::int AS tax, total::int AS total FROM shop_order_lines WHERE order_id = ${order!.id} ORDER BY position`,
    );
    const tillLines = till.priced.lines.map((l, i) => ({ product_id: till.lines[i]!.productId, net: l.net, tax: l.tax, total: l.total }));
    expect(lines.map((l) => ({ ...l }))).toEqual(
      [shop.cola.id, shop.bread.id, shop.apple.id].map((id) => tillLines.find((l) => l.product_id === id)),
    );
  });
});
