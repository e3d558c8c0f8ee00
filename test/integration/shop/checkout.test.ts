import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { availableOnline } from '../../../src/cloud/shop/catalog/stock';
import { changeCart, ensureCart, findCart, pricedCart } from '../../../src/cloud/shop/checkout/cart';
import { startExpirySweep } from '../../../src/cloud/shop/checkout/config';
import type { ShopEnv } from '../../../src/cloud/shop/web/env';
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
  const res = await b.post(`${base}/checkout`, {
    idem,
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    ...address,
    ...fields,
  });
  return { res, idem };
}

async function orderRow(shopNumber: string) {
  const [row] = await rowsOf<{ id: string; state: string; total: string | number; refund_due: number }>(
    cloud.deps.db,
    sql`SELECT id, state, total, refund_due FROM shop_orders WHERE shop_number = ${shopNumber}`,
  );
  return row!;
}

const available = async (productId: string) =>
  (await availableOnline(cloud.deps.db, { orgId: shop.orgId, storeId: shop.storeId }, [productId], cloud.deps.clock())).get(productId);

const tradeNoOf = (gatewayUrl: string) =>
  (JSON.parse(new URL(gatewayUrl).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;

describe('a guest buys with Alipay', () => {
  it('pays on the verified notice, and the order reaches the till as an online sale', async () => {
    const b = new Browser(cloud);
    // The product page's own form puts it in the cart.
    const productPage = await (await b.get(`${base}/p/${shop.cola.id}`)).text();
    expect(productPage).toContain(`action="${base}/cart/add"`);
    const { res } = await checkout(
      b,
      [
        { productId: shop.cola.id, qty: '2' },
        { productId: shop.bread.id, qty: '1' },
      ],
      {},
    );
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
    const lines = shop.till.deps.sqlite
      .prepare('SELECT product_id, qty FROM order_lines WHERE order_id = ? ORDER BY position')
      .all(paid.id);
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

async function placed(b: Browser, fields: Record<string, string> = {}, items = [{ productId: shop.cola.id, qty: '1' }]) {
  const { res, idem } = await checkout(b, items, fields);
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  expect((await b.get(gateway)).status).toBe(200);
  return { gateway, tradeNo: tradeNoOf(gateway), idem };
}

async function rejections(tradeNo: string) {
  return rowsOf<{ reason: string }>(
    cloud.deps.db,
    sql`SELECT reason FROM payment_notice_rejections WHERE trade_no = ${tradeNo} OR body LIKE ${`%${tradeNo}%`} ORDER BY received_at`,
  );
}

const tillOrders = (id: string) => shop.till.deps.sqlite.prepare('SELECT COUNT(*) FROM orders WHERE id = ?').pluck().get(id) as number;

describe('notifications', () => {
  it('a replayed notice makes one order', async () => {
    const { tradeNo } = await placed(new Browser(cloud));
    const replies = await cloud.alipay.customerPays(tradeNo, { times: 3 });
    expect(replies.map((r) => r.body)).toEqual(['success', 'success', 'success']);
    // And the same notice once more, later.
    const again = cloud.alipay.noticeFor(tradeNo);
    const res = await fetch(`${cloud.url}${base}/pay/alipay/notify`, { method: 'POST', headers: again.headers, body: again.body });
    expect(await res.text()).toBe('success');
    const row = await orderRow(tradeNo);
    const [n] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM records WHERE entity = 'order' AND entity_id = ${row.id}`,
    );
    expect(Number(n!.n)).toBe(1);
    await syncAll([shop.till]);
    expect(tillOrders(row.id)).toBe(1);
  });

  it('refuses and records a wrong amount, a bad signature and another merchant, and the order stays unpaid', async () => {
    const { tradeNo } = await placed(new Browser(cloud));
    const post = (n: { headers: Record<string, string>; body: string }) =>
      fetch(`${cloud.url}${base}/pay/alipay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then((r) => r.text());
    // The trade is paid at the fake, but each notice about it is wrong in one way.
    cloud.alipay.trades.get(tradeNo)!.status = 'TRADE_SUCCESS';
    expect(await post(cloud.alipay.noticeFor(tradeNo, { amount: 1 }))).toBe('fail');
    expect(await post(cloud.alipay.noticeFor(tradeNo, { badSignature: true }))).toBe('fail');
    expect(await post(cloud.alipay.noticeFor(tradeNo, { appId: '2021000000009999' }))).toBe('fail');
    // An altered body (the amount changed after signing) does not verify either.
    const good = cloud.alipay.noticeFor(tradeNo);
    expect(await post({ headers: good.headers, body: good.body.replace(/total_amount=[^&]+/, 'total_amount=0.01') })).toBe('fail');
    expect((await orderRow(tradeNo)).state).toBe('pending');
    expect((await rejections(tradeNo)).map((r) => r.reason)).toEqual([
      'amount_mismatch',
      'bad_signature',
      'wrong_merchant',
      'bad_signature',
    ]);
    // Then the true one pays it.
    expect(await post(good)).toBe('success');
    expect((await orderRow(tradeNo)).state).toBe('paid');
  });

  it('a notice for a trade number this store never made is refused', async () => {
    const other = await placed(new Browser(cloud));
    const n = cloud.alipay.noticeFor(other.tradeNo);
    cloud.alipay.trades.get(other.tradeNo)!.status = 'TRADE_SUCCESS';
    const body = cloud.alipay.noticeFor(other.tradeNo).body;
    expect(n.body).not.toBe('');
    // Posted to another store's endpoint: that store has no such order (and no Alipay account).
    const res = await fetch(`${cloud.url}/shop/00000000-0000-4000-8000-000000000000/pay/alipay/notify`, {
      method: 'POST',
      headers: n.headers,
      body,
    });
    expect(res.status).toBe(404);
    expect((await orderRow(other.tradeNo)).state).toBe('pending');
  });

  it('the buyer back before the notice: the order page asks Alipay, and is paid on its answer', async () => {
    const b = new Browser(cloud);
    const { tradeNo } = await placed(b);
    const trade = cloud.alipay.trades.get(tradeNo)!;
    // Not paid yet: the return page says so after asking.
    let page = await (await b.get(trade.returnUrl!.replace(cloud.url, '') + `&out_trade_no=${tradeNo}`)).text();
    expect(page).toContain('Awaiting payment');
    // Paid at Alipay, the notice lost on the way.
    trade.status = 'TRADE_SUCCESS';
    trade.paid = trade.amount;
    trade.paidAt = cloud.deps.clock();
    page = await (await b.get(trade.returnUrl!.replace(cloud.url, '') + `&out_trade_no=${tradeNo}`)).text();
    expect(page).toContain('Paid');
    expect((await orderRow(tradeNo)).state).toBe('paid');
    // The notice arriving afterwards changes nothing.
    const notice = cloud.alipay.noticeFor(tradeNo);
    const res = await fetch(`${cloud.url}${base}/pay/alipay/notify`, { method: 'POST', headers: notice.headers, body: notice.body });
    expect(await res.text()).toBe('success');
    const [n] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM records WHERE entity = 'order' AND entity_id = ${(await orderRow(tradeNo)).id}`,
    );
    expect(Number(n!.n)).toBe(1);
  });
});

describe('checkout', () => {
  it('the checkout page’s total includes the chosen delivery, as the order will charge', async () => {
    const b = new Browser(cloud);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '2' })).status).toBe(303);
    expect((await b.post(`${base}/cart/add`, { productId: shop.bread.id, qty: '1' })).status).toBe(303);
    const text = await (await b.get(`${base}/checkout`)).text();
    // 6.25 goods + 8.00 standard delivery: the total the cashier will ask for.
    expect(text).toMatch(/<th class="num">[^<]*14\.25<\/th>/);
    expect(text).not.toMatch(/<th class="num">[^<]*6\.25<\/th>/);
  });

  it('a double-submitted or retried checkout makes one order', async () => {
    const b = new Browser(cloud);
    const { res, idem } = await checkout(b, [{ productId: shop.bread.id, qty: '1' }], {});
    const first = res.headers.get('location')!;
    const again = await b.post(`${base}/checkout`, { idem, name: 'Li Lei', email: 'li@example.com', method: 'standard', ...address });
    expect(again.status).toBe(303);
    expect(tradeNoOf(again.headers.get('location')!)).toBe(tradeNoOf(first));
    const [n] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM shop_orders WHERE idempotency_key = ${idem}`,
    );
    expect(Number(n!.n)).toBe(1);
    // Two at once.
    const c = new Browser(cloud);
    for (const i of [{ productId: shop.bread.id, qty: '1' }]) await c.post(`${base}/cart/add`, i);
    const key = hidden(await (await c.get(`${base}/checkout`)).text(), 'idem');
    const fields = { idem: key, name: 'Han Meimei', phone: '13800000000', method: 'pickup' };
    const both = await Promise.all([c.post(`${base}/checkout`, fields), c.post(`${base}/checkout`, fields)]);
    expect(both.map((r) => r.status)).toEqual([303, 303]);
    const [m] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM shop_orders WHERE idempotency_key = ${key}`,
    );
    expect(Number(m!.n)).toBe(1);
  });

  it('shows each field’s problem and keeps what was typed, escaped', async () => {
    const b = new Browser(cloud);
    const { res } = await checkout(b, [{ productId: shop.cola.id, qty: '1' }], {
      name: '<script>alert(1)</script>',
      email: 'not-an-email',
      a_postalCode: 'ABC',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain('<script>alert(1)');
    expect(text).toContain('This is not an email address.');
    expect(text).toContain('Not a valid postal code');
  });

  it('escapes the buyer’s name and address on the order page', async () => {
    const b = new Browser(cloud);
    const { gateway } = await placed(b, { name: 'Eve"><img src=x onerror=alert(1)>', a_line1: '<b>1</b> Road' });
    const tradeNo = tradeNoOf(gateway);
    await cloud.alipay.customerPays(tradeNo);
    const page = await (await b.get(cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, ''))).text();
    expect(page).toContain('&lt;b&gt;1&lt;/b&gt; Road');
    expect(page).not.toContain('<b>1</b>');
    expect(page).not.toContain('<img src=x');
  });

  it('refuses short items with a page naming them, and holds nothing', async () => {
    const tea = await shop.product('Tea', 500, 1);
    const b = new Browser(cloud);
    await b.post(`${base}/cart/add`, { productId: tea, qty: '3' });
    // The cart warns before checkout.
    expect(await (await b.get(`${base}/cart`)).text()).toContain('Only 1 left online');
    await b.post(`${base}/cart/remove`, { productId: tea });
    const { res } = await checkout(b, [{ productId: tea, qty: '3' }], {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Tea: only 1 left');
    expect(await available(tea)).toBe(1000);
    // The cart is still there to fix.
    expect(await (await b.get(`${base}/cart`)).text()).toContain('Tea');
  });

  it('a pick-up order shows its code once paid, and the till gets only its hash', async () => {
    const b = new Browser(cloud);
    const { tradeNo } = await placed(b, { method: 'pickup', a_line1: '', a_city: '' });
    await cloud.alipay.customerPays(tradeNo);
    const page = await (await b.get(cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, ''))).text();
    const code = /class="code">([0-9A-Z]{4}) ([0-9A-Z]{4})</.exec(page);
    expect(code).not.toBeNull();
    await syncAll([shop.till]);
    const row = await orderRow(tradeNo);
    const online = shop.till.deps.sqlite
      .prepare('SELECT fulfilment, pickup_code_hash, address FROM online_orders WHERE id = ?')
      .get(row.id) as {
      fulfilment: string;
      pickup_code_hash: string;
      address: string | null;
    };
    const { createHash } = await import('node:crypto');
    expect(online.fulfilment).toBe('pickup');
    expect(online.address).toBeNull();
    expect(online.pickup_code_hash).toBe(createHash('sha256').update(`${code![1]}${code![2]}`).digest('hex'));
    const order = shop.till.deps.sqlite.prepare('SELECT fulfilment, total FROM orders WHERE id = ?').get(row.id);
    expect(order).toEqual({ fulfilment: 'pickup', total: 150 });
  });
});

describe('expiry', () => {
  it('an unpaid order expires and frees its units; a late payment takes them again, or is marked for a refund', async () => {
    const soap = await shop.product('Soap', 300, 2);
    const b = new Browser(cloud);
    const { tradeNo } = await placed(b, {}, [{ productId: soap, qty: '2' }]);
    expect(await available(soap)).toBe(0);
    cloud.advance(16 * 60_000);
    // The next shop request expires it.
    await b.get(`${base}/cart`);
    expect((await orderRow(tradeNo)).state).toBe('expired');
    expect(await available(soap)).toBe(2000);
    // Paid late while the units are still there: taken again, paid as usual.
    await cloud.alipay.customerPays(tradeNo);
    expect(await orderRow(tradeNo)).toMatchObject({ state: 'paid', refund_due: 0 });
    expect(await available(soap)).toBe(0);

    // Another expires, its units sell at the counter, then its payment arrives: a shortage the store sees, and a refund due.
    await shop.setStock(soap, 3);
    const second = await placed(new Browser(cloud), {}, [{ productId: soap, qty: '1' }]);
    cloud.advance(16 * 60_000);
    await new Browser(cloud).get(`${base}/cart`);
    expect((await orderRow(second.tradeNo)).state).toBe('expired');
    await shop.setStock(soap, 2);
    expect(await available(soap)).toBe(0);
    expect((await cloud.alipay.customerPays(second.tradeNo))[0]!.body).toBe('success');
    const row = await orderRow(second.tradeNo);
    expect(row).toMatchObject({ state: 'paid', refund_due: 1 });
    await syncAll([shop.till]);
    const events = shop.till.deps.sqlite.prepare('SELECT kind FROM online_order_events WHERE order_id = ?').all(row.id);
    expect(events).toEqual([{ kind: 'shortage' }]);
    const page = await (
      await b.get(`${base}/orders/${row.id}?key=${new URL(cloud.alipay.trades.get(second.tradeNo)!.returnUrl!).searchParams.get('key')}`)
    ).text();
    expect(page).toContain('The store will refund you in full');
    // The till sees what the web holds: the first order's units, consumed until it ships.
    const held = shop.till.deps.sqlite
      .prepare('SELECT state, qty FROM stock_reservations WHERE order_id = ? ORDER BY created_at')
      .all((await orderRow(tradeNo)).id);
    expect(held).toContainEqual({ state: 'consumed', qty: 2000 });
  });
});

describe('who sees an order', () => {
  it('another buyer, a wrong key or a guessed id is a 404', async () => {
    const b = new Browser(cloud);
    const { tradeNo } = await placed(b);
    const row = await orderRow(tradeNo);
    const mine = cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, '');
    expect((await b.get(mine)).status).toBe(200);
    const stranger = new Browser(cloud);
    expect((await stranger.get(mine)).status).toBe(200); // the key is the link: whoever the buyer gives it to
    expect((await stranger.get(`${base}/orders/${row.id}`)).status).toBe(404);
    expect((await stranger.get(`${base}/orders/${row.id}?key=${'A'.repeat(32)}`)).status).toBe(404);
    const otherKey = new URL(mine, cloud.url).searchParams.get('key')!;
    const { tradeNo: other } = await placed(new Browser(cloud));
    const otherId = (await orderRow(other)).id;
    // One order's key does not open another.
    expect((await stranger.get(`${base}/orders/${otherId}?key=${otherKey}`)).status).toBe(404);
    // Nor does another store's path.
    expect((await stranger.get(`/shop/00000000-0000-4000-8000-000000000000/orders/${row.id}?key=${otherKey}`)).status).toBe(404);
  });
});

describe('receipt', () => {
  it('the buyer confirms receipt once delivered, once', async () => {
    const b = new Browser(cloud);
    const { tradeNo } = await placed(b);
    await cloud.alipay.customerPays(tradeNo);
    const row = await orderRow(tradeNo);
    const link = cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, '');
    const key = new URL(link, cloud.url).searchParams.get('key')!;
    expect(await (await b.get(link)).text()).not.toContain('Confirm receipt');
    // The till ships and marks it delivered.
    await syncAll([shop.till]);
    const at = shop.till.clock();
    for (const [kind, tracking] of [
      ['shipped', 'SF1234567890'],
      ['delivered', null],
    ] as const)
      shop.till.deps.sqlite
        .prepare(
          'INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)',
        )
        .run(cloud.deps.ids(), row.id, kind, tracking ? 'SF Express' : null, tracking, '', 'T1', at);
    await syncAll([shop.till]);
    const page = await (await b.get(link)).text();
    expect(page).toContain('SF Express tracking number SF1234567890');
    expect(page).toContain('Confirm receipt');
    expect((await b.post(`${base}/orders/${row.id}/received`, { key })).status).toBe(303);
    expect((await b.post(`${base}/orders/${row.id}/received`, { key })).status).toBe(303);
    const after = await (await b.get(link)).text();
    expect(after).toContain('Receipt confirmed');
    expect(after).not.toContain('>Confirm receipt<');
    await syncAll([shop.till]);
    const received = shop.till.deps.sqlite
      .prepare("SELECT COUNT(*) FROM online_order_events WHERE order_id = ? AND kind = 'received'")
      .pluck()
      .get(row.id);
    expect(received).toBe(1);
    // Without the key, nobody confirms it.
    expect((await new Browser(cloud).post(`${base}/orders/${row.id}/received`, {})).status).toBe(404);
  });
});

describe('the cart', () => {
  it('takes only listed products, in sane quantities, and prices them with the till’s module', async () => {
    const b = new Browser(cloud);
    // Apples are sold by the kilogram: 1.5 kg at 2.99.
    expect((await b.post(`${base}/cart/add`, { productId: shop.apple.id, qty: '1.5' })).status).toBe(303);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1.5' })).status).toBe(400);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1000' })).status).toBe(400);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '-1' })).status).toBe(400);
    const unknown = await b.post(`${base}/cart/add`, { productId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('This product is not sold online.');
    // Known to the store but not sold online: refused the same way.
    const backroom = await ok(
      shop.till,
      'catalog.create',
      { sku: 'BACKROOM', name: 'Back-room only', unit: 'each', price: 100, cost: 10, barcodes: [], taxRateId: shop.std.id },
      's1',
    );
    await shop.till.sync.engine.syncNow();
    expect((await b.post(`${base}/cart/add`, { productId: backroom.id })).status).toBe(400);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '3' })).status).toBe(303);
    expect((await b.post(`${base}/cart/update`, { productId: shop.cola.id, qty: '2' })).status).toBe(303);
    const text = await (await b.get(`${base}/cart`)).text();
    // The till prices the same basket.
    const t = shop.till;
    await ok(t, 'cart.addProduct', { productId: shop.apple.id, qty: 1500 }, 's1');
    await ok(t, 'cart.addProduct', { productId: shop.cola.id, qty: 2000 }, 's1');
    const till = await ok(t, 'cart.get', {}, 's1');
    const yuan = (minor: number) => `¥${(minor / 100).toFixed(2)}`;
    expect(text).toContain(yuan(till.priced.total));
    expect(text).toContain(yuan(till.priced.taxTotal));
    expect(till.priced.total).toBe(449 + 300);
    await ok(t, 'cart.clear', {}, 's1').catch(() => undefined);
    // Without the CSRF token, nothing changes.
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id }, { csrf: false })).status).toBe(403);
    expect((await b.post(`${base}/cart/remove`, { productId: shop.apple.id })).status).toBe(303);
    // Suggestions below the cart may offer apples again; the cart itself holds none.
    expect((await (await b.get(`${base}/cart`)).text()).split('<section class="recs"')[0]).not.toContain('Apples');
  });

  it('is answered in Chinese', async () => {
    const b = new Browser(cloud);
    await b.get(`${base}?lang=zh-CN`);
    await b.post(`${base}/cart/add`, { productId: shop.apple.id, qty: '1' });
    const text = await (await b.get(`${base}/cart`)).text();
    expect(text).toContain('购物车');
    expect(text).toContain('苹果');
    expect(text).toContain('去结算');
  });
});

describe('on a phone', () => {
  it('goes to Alipay’s mobile-web cashier', async () => {
    const b = new Browser(cloud, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148');
    const { res } = await checkout(b, [{ productId: shop.cola.id, qty: '1' }], {});
    const gateway = new URL(res.headers.get('location')!);
    expect(gateway.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(JSON.parse(gateway.searchParams.get('biz_content')!)).toMatchObject({ product_code: 'QUICK_WAP_WAY', total_amount: '9.50' });
    expect((await b.get(gateway.toString())).status).toBe(200);
  });

  it('a store without Alipay says so before taking an order', async () => {
    const saved = cloud.payments.get(shop.storeId)!;
    cloud.payments.delete(shop.storeId);
    try {
      const b = new Browser(cloud);
      const { res, idem } = await checkout(b, [{ productId: shop.cola.id, qty: '1' }], {});
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('does not take online payments');
      const [n] = await rowsOf<{ n: string | number }>(
        cloud.deps.db,
        sql`SELECT COUNT(*) AS n FROM shop_orders WHERE idempotency_key = ${idem}`,
      );
      expect(Number(n!.n)).toBe(0);
    } finally {
      cloud.payments.set(shop.storeId, saved);
    }
  });
});

describe('a cart and its buyer', () => {
  /** The cart functions behind a frame whose signed-in buyer a header names (the buyers room sets it from a session). */
  function appAs() {
    const app = new Hono<ShopEnv>();
    app.use('*', async (c, next) => {
      c.set('lang', 'en');
      c.set('csrf', 'x');
      c.set('store', { orgId: shop.orgId, storeId: shop.storeId, name: 'S', base });
      const who = c.req.header('x-buyer');
      c.set('buyer', who ? { id: who, orgId: shop.orgId, name: who, email: null, phone: null, verified: true } : null);
      await next();
    });
    app.post('/add/:product/:qty', async (c) => {
      const cart = await ensureCart(c, cloud.deps, false);
      await changeCart(cloud.deps, shop.orgId, cart.id, c.req.param('product'), Number(c.req.param('qty')), 'add');
      return c.json(cart);
    });
    app.get('/cart', async (c) => {
      const cart = await findCart(c, cloud.deps);
      const priced = await pricedCart(cloud.deps.db, shop.orgId, shop.storeId, cart?.id ?? null, cloud.deps.clock(), null);
      return c.json({ id: cart?.id ?? null, lines: priced.lines.map((l) => [l.product.id, l.qty]) });
    });
    return app;
  }

  it('survives sign-in: the guest cart becomes the buyer’s, merged with the one they left elsewhere', async () => {
    const app = appAs();
    const call = async (method: string, path: string, headers: Record<string, string>) => {
      const res = await app.request(path, { method, headers });
      const cookie = res.headers.getSetCookie().find((l) => l.startsWith('shop_cart='));
      return { body: (await res.json()) as { id: string | null; lines?: [string, number][] }, cookie: cookie?.split(';')[0] };
    };
    const buyer = `buyer-${cloud.deps.ids()}`;
    // On their phone, signed in: a bread.
    const phone = await call('POST', `/add/${shop.bread.id}/1000`, { 'x-buyer': buyer });
    // On a laptop, as a guest: two colas and a bread.
    const laptop = await call('POST', `/add/${shop.cola.id}/2000`, {});
    await call('POST', `/add/${shop.bread.id}/1000`, { cookie: laptop.cookie! });
    // Signing in on the laptop: one cart with everything.
    const merged = await call('GET', '/cart', { cookie: laptop.cookie!, 'x-buyer': buyer });
    expect(merged.body.id).toBe(laptop.body.id);
    expect(new Map(merged.body.lines)).toEqual(
      new Map([
        [shop.cola.id, 2000],
        [shop.bread.id, 2000],
      ]),
    );
    // The phone, still signed in, finds the same cart.
    const again = await call('GET', '/cart', { cookie: phone.cookie!, 'x-buyer': buyer });
    expect(again.body.id).toBe(laptop.body.id);
    // Signed out, or as someone else, the laptop's cookie no longer opens the buyer's cart.
    expect((await call('GET', '/cart', { cookie: laptop.cookie! })).body.id).toBeNull();
    expect((await call('GET', '/cart', { cookie: laptop.cookie!, 'x-buyer': 'someone-else' })).body.id).toBeNull();
  });
});

describe('racing for the last units', () => {
  it('twelve buyers check out at once for three units: three orders, the rest told what is short', async () => {
    const lamp = await shop.product('Lamp', 2000, 3);
    const buyers = Array.from({ length: 12 }, () => new Browser(cloud));
    const keys = await Promise.all(
      buyers.map(async (b) => {
        await b.post(`${base}/cart/add`, { productId: lamp, qty: '1' });
        return hidden(await (await b.get(`${base}/checkout`)).text(), 'idem');
      }),
    );
    const answers = await Promise.all(
      buyers.map((b, k) => b.post(`${base}/checkout`, { idem: keys[k]!, name: `Buyer ${k}`, phone: '13800000000', method: 'pickup' })),
    );
    expect(answers.filter((r) => r.status === 303)).toHaveLength(3);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await available(lamp)).toBe(0);
  });
});

describe('the background sweep', () => {
  it('expires unpaid orders with no request to the shop', async () => {
    const kettle = await shop.product('Kettle', 3000, 1);
    const { tradeNo } = await placed(new Browser(cloud), {}, [{ productId: kettle, qty: '1' }]);
    const stop = startExpirySweep(cloud.deps, cloud.stock, 20);
    try {
      cloud.advance(16 * 60_000);
      await expect.poll(async () => (await orderRow(tradeNo)).state, { timeout: 5000 }).toBe('expired');
      expect(await available(kettle)).toBe(1000);
    } finally {
      stop();
    }
  });
});
