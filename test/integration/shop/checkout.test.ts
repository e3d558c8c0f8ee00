import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { ok } from '../../support/app';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

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

const address = {
  a_name: 'Li Lei',
  a_line1: '1 Nanjing Rd',
  a_city: 'Shanghai',
  a_region: 'SH',
  a_postalCode: '200001',
  a_country: 'CN',
};

/** Fills the cart and posts the checkout form; returns the answer to the POST and the idempotency key. */
async function checkout(b: Browser, items: { productId: string; qty: string }[], fields: Record<string, string>) {
  for (const i of items) expect((await b.post(`${base}/cart/add`, i)).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const idem = hidden(form, 'idem');
  const res = await b.post(`${base}/checkout`, { idem, name: 'Li Lei', email: 'li@example.com', method: 'standard', ...address, ...fields });
  return { res, idem };
}

async function orderRow(shopNumber: string) {
  const [row] = await rowsOf<{ id: string; state: string; total: string | number; refund_due: number }>(
    cloud.deps.db,
    sql`SELECT id, state, total, refund_due FROM shop_orders WHERE shop_number = ${shopNumber}`,
  );
  return row!;
}

const tradeNoOf = (gatewayUrl: string) =>
  (JSON.parse(new URL(gatewayUrl).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;

describe('a guest buys with Alipay', () => {
  it('pays on the verified notice, and the order reaches the till as an online sale', async () => {
    const b = new Browser(cloud);
    const { res } = await checkout(b, [{ productId: shop.cola.id, qty: '2' }, { productId: shop.bread.id, qty: '1' }], {});
    expect(res.status).toBe(303);
    const gateway = res.headers.get('location')!;
    expect(gateway.startsWith(cloud.alipay.url)).toBe(true);
    expect(new URL(gateway).searchParams.get('method')).toBe('alipay.trade.page.pay');
    // The buyer's browser opens the cashier: the fake checks our signature and shows the amount.
    const cashier = await b.get(gateway);
    expect(cashier.status).toBe(200);
    // 2 × 1.50 + 3.25 = 6.25 goods, + 8.00 standard delivery.
    expect(await cashier.text()).toContain('¥14.25');
    const tradeNo = tradeNoOf(gateway);
    expect(tradeNo).toMatch(/^W\d{8}-\d{4}$/);
    expect((await orderRow(tradeNo)).state).toBe('pending');

    const replies = await cloud.alipay.customerPays(tradeNo);
    expect(replies).toEqual([{ status: 200, body: 'success' }]);
    const paid = await orderRow(tradeNo);
    expect(paid.state).toBe('paid');
    expect(Number(paid.total)).toBe(1425);

    // The till pulls it: an order of the online channel, with its online part and the web's staff member.
    await syncAll([shop.till]);
    const order = shop.till.deps.sqlite.prepare('SELECT * FROM orders WHERE id = ?').get(paid.id) as Record<string, unknown>;
    expect(order).toMatchObject({ source: 'online', fulfilment: 'ship', terminal_code: 'WEB', total: 1425, number: tradeNo });
    const online = shop.till.deps.sqlite.prepare('SELECT * FROM online_orders WHERE id = ?').get(paid.id) as Record<string, unknown>;
    expect(online).toMatchObject({ shop_number: tradeNo, contact_name: 'Li Lei', shipping_amount: 800, fulfilment: 'ship' });
    const lines = shop.till.deps.sqlite.prepare('SELECT product_id, qty FROM order_lines WHERE order_id = ? ORDER BY position').all(paid.id);
    expect(lines).toEqual([
      { product_id: shop.cola.id, qty: 2000 },
      { product_id: shop.bread.id, qty: 1000 },
    ]);
    const pay = shop.till.deps.sqlite.prepare('SELECT kind, amount FROM payments WHERE order_id = ?').all(paid.id);
    expect(pay).toEqual([{ kind: 'alipay', amount: 1425 }]);

    // Back from the cashier, the buyer sees the order paid on its page (the return URL carries its key).
    const back = cloud.alipay.trades.get(tradeNo)!.returnUrl!;
    const page = await b.get(back.replace(cloud.url, ''));
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(tradeNo);
    expect(text).toContain('Paid');
    // The cart became the order.
    expect(await (await b.get(`${base}/cart`)).text()).toContain('Your cart is empty');
  });
});
