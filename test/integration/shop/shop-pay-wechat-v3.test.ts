import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { settleDueRefunds } from '../../../src/cloud/shop/aftersale/ledger';
import { readShopPayments } from '../../../src/cloud/shop/checkout/config';
import { startFakeWechatV3, type FakeWechatV3, type SignedMessage } from '../../../src/main/payments/fakes/wechat-v3';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';
import { wechatV3For } from '../../support/shop-pay';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let wx: FakeWechatV3;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud({ rateLimit: false });
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
  wx = await startFakeWechatV3({ clock: () => cloud.deps.clock() });
  cloud.payments.set(shop.storeId, { wechat: wechatV3For(wx, { timeoutMs: 1500 }) });
}, 300_000);
afterAll(async () => {
  shop.till.close();
  await wx.close();
  await cloud.close();
});

const address = { a_name: 'Li Lei', a_line1: '1 Nanjing Rd', a_city: 'Shanghai', a_region: 'SH', a_postalCode: '200001', a_country: 'CN' };

async function orderOf(orderId: string) {
  const [row] = await rowsOf<{ state: string; shop_number: string; provider_ref: string | null; payer_account: string | null }>(
    cloud.deps.db,
    sql`SELECT state, shop_number, provider_ref, payer_account FROM shop_orders WHERE id = ${orderId}`,
  );
  return row!;
}

async function rejections(since: number) {
  const rows = await rowsOf<{ reason: string }>(
    cloud.deps.db,
    sql`SELECT reason FROM payment_notice_rejections WHERE provider = 'wechat' AND received_at >= ${since} ORDER BY received_at, id`,
  );
  return rows.map((r) => r.reason);
}

async function orderRecords(orderId: string) {
  const [n] = await rowsOf<{ n: string | number }>(
    cloud.deps.db,
    sql`SELECT COUNT(*) AS n FROM records WHERE entity = 'order' AND entity_id = ${orderId}`,
  );
  return Number(n!.n);
}

/** Checks out one cola (1.50 + 8.00 delivery) with WeChat Pay and opens the QR page. */
async function wechatOrder(b = new Browser(cloud)) {
  expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    provider: 'wechat',
    ...address,
  });
  expect(res.status).toBe(303);
  const m = /\/orders\/([0-9a-f-]{36})\/wechat\?key=([A-Za-z0-9_-]+)$/.exec(res.headers.get('location')!)!;
  const page = await b.get(res.headers.get('location')!);
  const html = await page.text();
  const orderId = m[1]!;
  return { b, orderId, key: m[2]!, status: page.status, html, tradeNo: (await orderOf(orderId)).shop_number };
}

const post = (storeBase: string, n: SignedMessage) => wx.deliver(`${cloud.url}${storeBase}/pay/wechat/notify`, n);

describe('WeChat Pay API v3', () => {
  it('the QR page shows v3’s code_url; the buyer pays on the phone; the encrypted notice pays the order, which reaches the till', async () => {
    const before = wx.calls.native ?? 0;
    const { b, orderId, key, html, tradeNo, status } = await wechatOrder();
    expect(status).toBe(200);
    const trade = wx.trades.get(tradeNo)!;
    // The fake accepted our signed request: the trade holds the order's amount in fen and its notify address.
    expect(trade).toMatchObject({ amount: 950, state: 'NOTPAY', notifyUrl: `${cloud.url}${base}/pay/wechat/notify` });
    expect(html).toContain(`data-code-url="${trade.codeUrl}"`);
    expect(html).toContain('<svg');
    expect(html).toContain('¥9.50');
    // A reload shows the same code without asking WeChat again.
    expect(await (await b.get(`${base}/orders/${orderId}/wechat?key=${key}`)).text()).toContain(trade.codeUrl);
    expect(wx.calls.native).toBe(before + 1);

    const scan = await fetch(`${wx.url}/phone/scan?code=${encodeURIComponent(trade.codeUrl)}`);
    expect(await scan.text()).toContain('9.50');
    const paid = await fetch(`${wx.url}/phone/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: trade.codeUrl }).toString(),
    });
    expect(await paid.text()).toContain('支付成功');
    const order = await orderOf(orderId);
    expect(order).toMatchObject({ state: 'paid', provider_ref: trade.transactionId, payer_account: trade.openid });
    const json = (await (await b.get(`${base}/orders/${orderId}/status?key=${key}`)).json()) as { state: string };
    expect(json.state).toBe('paid');

    await syncAll([shop.till]);
    const pay = shop.till.deps.sqlite.prepare('SELECT kind, amount, reference FROM payments WHERE order_id = ?').all(orderId);
    expect(pay).toEqual([{ kind: 'wechat_pay', amount: 950, reference: trade.transactionId }]);
  });

  it('refuses forged, stale, tampered, other-key, other-merchant and wrong-amount notices; the true one, replayed, pays once', async () => {
    const since = cloud.deps.clock();
    const { orderId, tradeNo } = await wechatOrder();
    wx.trades.get(tradeNo)!.state = 'SUCCESS';
    const genuine = wx.notice(tradeNo);
    const attempts: SignedMessage[] = [
      // Signed by a key that is not WeChat Pay's platform key.
      wx.notice(tradeNo, { signWith: 'other' }),
      // The genuine notice with its body changed (a byte of the ciphertext): the signature no longer holds.
      {
        headers: genuine.headers,
        body: genuine.body.replace(/"ciphertext":"(.)/, (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`),
      },
      // The genuine body under headers with another timestamp: the signature covers the time.
      {
        headers: { ...genuine.headers, 'wechatpay-timestamp': String(Number(genuine.headers['wechatpay-timestamp']) + 1) },
        body: genuine.body,
      },
      // No signature at all.
      { headers: { 'content-type': 'application/json' }, body: genuine.body },
      // Signed six minutes ago: a replay of an old notice.
      wx.notice(tradeNo, { at: cloud.deps.clock() - 6 * 60_000 }),
      // Signed by the platform, but the resource was encrypted with another APIv3 key.
      wx.notice(tradeNo, { apiV3Key: 'k'.repeat(32) }),
      // A byte of the ciphertext altered, then signed by the platform key: the AES-GCM tag does not hold.
      ((body) => ({ headers: wx.sign(body), body }))(
        genuine.body.replace(/"ciphertext":"(.)/, (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`),
      ),
      // Another merchant's payment.
      wx.notice(tradeNo, { mchId: '1900000999' }),
      // Another amount than the order's (paid 0.01 for a 9.50 order).
      wx.notice(tradeNo, { amount: 1 }),
      // Another currency.
      wx.notice(tradeNo, { currency: 'USD' }),
    ];
    for (const a of attempts) {
      const r = await post(base, a);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'FAIL' });
    }
    expect((await orderOf(orderId)).state).toBe('pending');
    expect(await rejections(since)).toEqual([
      'bad_signature',
      'bad_signature',
      'bad_signature',
      'bad_signature',
      'stale',
      'bad_notice',
      'bad_notice',
      'wrong_merchant',
      'amount_mismatch',
      'amount_mismatch',
    ]);
    // The true notice, delivered three times (and once more under another notification id), pays once.
    for (const n of [genuine, genuine, genuine, wx.notice(tradeNo)]) expect(await post(base, n)).toEqual({ status: 200, body: '' });
    expect((await orderOf(orderId)).state).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
    // The same notice replayed after the five minutes is refused as stale; the order stays paid once.
    cloud.advance(6 * 60_000);
    expect((await post(base, genuine)).status).toBe(400);
    expect((await rejections(since)).at(-1)).toBe('stale');
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('a notice for this store’s order posted to another store, and one for another store’s order, pay nothing', async () => {
    const since = cloud.deps.clock();
    const { orderId, tradeNo } = await wechatOrder();
    wx.trades.get(tradeNo)!.state = 'SUCCESS';
    const other = await tillWithShop(cloud);
    // Another organisation's store with the same merchant: it has no order of this number.
    cloud.payments.set(other.storeId, { wechat: wechatV3For(wx) });
    try {
      expect((await post(`/shop/${other.storeId}`, wx.notice(tradeNo))).status).toBe(400);
      // And a store with another merchant's keys cannot open it.
      const otherWx = await startFakeWechatV3({ clock: () => cloud.deps.clock(), mchId: '1900000888' });
      cloud.payments.set(other.storeId, { wechat: wechatV3For(otherWx) });
      const r = await post(`/shop/${other.storeId}`, wx.notice(tradeNo));
      expect(r.body).toContain('FAIL');
      expect(r.status).toBe(400);
      await otherWx.close();
    } finally {
      other.till.close();
    }
    expect((await orderOf(orderId)).state).toBe('pending');
    expect(await rejections(since)).toEqual(['unknown_trade', 'bad_signature']);
  });

  it('a lost notification: the page’s polling queries WeChat; forged, stale, wrong-amount, failed and slow answers pay nothing', async () => {
    const { b, orderId, key, tradeNo } = await wechatOrder();
    expect((await wx.customerPays(tradeNo, { times: 0 })).deliveries).toEqual([]);
    const status = async () => {
      cloud.advance(6000);
      return ((await (await b.get(`${base}/orders/${orderId}/status?key=${key}`)).json()) as { state: string }).state;
    };
    for (const step of [
      { kind: 'badSignature' },
      { kind: 'stale' },
      { kind: 'wrongAmount' },
      { kind: 'error500' },
      { kind: 'slow', ms: 3000 },
    ] as const) {
      wx.script({ on: 'query', ...step });
      expect(await status(), step.kind).toBe('pending');
    }
    expect(await status()).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
    // The notification arriving late changes nothing.
    expect((await post(base, wx.notice(tradeNo))).status).toBe(200);
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('WeChat refuses a request signed with the wrong merchant key, and a failing create: the buyer sees a clear error, and can try again', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cloud.payments.set(shop.storeId, {
      wechat: wechatV3For(wx, { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
    });
    const b = new Browser(cloud);
    await b.get(`${base}?lang=zh-CN`);
    try {
      const first = await wechatOrder(b);
      expect(first.status).toBe(502);
      expect(first.html).toMatch(/[\u4e00-\u9fff]/);
      expect(wx.trades.has(first.tradeNo)).toBe(false);
    } finally {
      cloud.payments.set(shop.storeId, { wechat: wechatV3For(wx, { timeoutMs: 1500 }) });
    }
    wx.script({ on: 'native', kind: 'error500' });
    const second = await wechatOrder(b);
    expect(second.status).toBe(502);
    const again = await b.get(`${base}/orders/${second.orderId}/wechat?key=${second.key}`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(wx.trades.get(second.tradeNo)!.codeUrl);
  });

  it('a buyer cancels a paid order: refunded through v3 once by out_refund_no, also when the first answer is lost', async () => {
    const { b, orderId, key, tradeNo } = await wechatOrder();
    await wx.customerPays(tradeNo);
    expect((await orderOf(orderId)).state).toBe('paid');
    // WeChat takes the refund but its answer is lost (a 500), and so is the answer to the query that follows.
    wx.script({ on: 'refund', kind: 'error500', process: true }, { on: 'refundquery', kind: 'error500' });
    expect((await b.post(`${base}/orders/${orderId}/cancel`, { key })).status).toBe(303);
    const rows = () =>
      rowsOf<{ state: string; amount: string | number }>(
        cloud.deps.db,
        sql`SELECT state, amount FROM shop_refunds WHERE order_id = ${orderId} ORDER BY created_at`,
      );
    expect((await rows()).map((r) => r.state)).toEqual(['requested']);
    const trade = wx.trades.get(tradeNo)!;
    expect(trade.refunds.size).toBe(1);
    cloud.advance(10 * 60_000);
    await settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);
    expect((await rows()).map((r) => [r.state, Number(r.amount)])).toEqual([['refunded', 950]]);
    expect(trade.refunds.size).toBe(1);
    expect(wx.kept(tradeNo)).toBe(0);
  });
});

describe('the payments file’s WeChat Pay v3 entry', () => {
  const write = (entry: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'pay-'));
    const path = join(dir, 'payments.json');
    writeFileSync(path, JSON.stringify({ '0190d4b4-8f5e-7000-8000-000000000001': { wechat: entry } }));
    chmodSync(path, 0o600);
    return path;
  };

  it('takes a v3 entry and, unchanged, a v2 entry; refuses broken keys and names the field', () => {
    const v3 = wechatV3For(wx);
    const store = '0190d4b4-8f5e-7000-8000-000000000001';
    expect(readShopPayments(write(v3))(store)?.wechat).toMatchObject({ api: 'v3', mchId: wx.mchId });
    const v2 = { mode: 'production', appId: 'wx2421b1c4370ec43b', mchId: '10000100', apiKey: 'a'.repeat(32) };
    expect(readShopPayments(write(v2))(store)?.wechat).toEqual(v2);
    expect(() => readShopPayments(write({ ...v3, privateKey: 'not a key' }))).toThrow(/privateKey: not a PEM private key/);
    expect(() => readShopPayments(write({ ...v3, apiV3Key: 'short' }))).toThrow(/apiV3Key/);
    const { platformSerial: _dropped, ...noSerial } = v3;
    expect(() => readShopPayments(write(noSerial))).toThrow(/platformSerial/);
    expect(() => readShopPayments(write({ ...v3, api: 'v4' }))).toThrow(/api/);
    // A key never appears in the error.
    try {
      readShopPayments(write({ ...v3, apiV3Key: 'x' }));
    } catch (e) {
      expect(String(e)).not.toContain(v3.privateKey.slice(40, 80));
    }
  });
});
