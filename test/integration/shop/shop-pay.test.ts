import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { settleDueRefunds } from '../../../src/cloud/shop/aftersale/ledger';
import { buildXml, wechatSign } from '../../../src/main/payments/wechat';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';
import { allProviders, startPayFakes, type ShopPayFakes } from '../../support/shop-pay';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let fakes: ShopPayFakes;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud({ rateLimit: false });
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
  fakes = await startPayFakes(cloud, shop.storeId);
  cloud.payments.set(shop.storeId, allProviders(cloud, fakes));
}, 300_000);
afterAll(async () => {
  shop.till.close();
  await fakes.close();
  await cloud.close();
});

const address = { a_name: 'Li Lei', a_line1: '1 Nanjing Rd', a_city: 'Shanghai', a_region: 'SH', a_postalCode: '200001', a_country: 'CN' };

/** Fills the cart with one cola (1.50 + 8.00 delivery) and checks out with `provider`. */
async function checkout(b: Browser, provider: string, items = [{ productId: shop.cola.id, qty: '1' }]) {
  for (const i of items) expect((await b.post(`${base}/cart/add`, i)).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  return b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    provider,
    ...address,
  });
}

async function orderOf(orderId: string) {
  const [row] = await rowsOf<{ id: string; state: string; shop_number: string; provider: string; provider_ref: string | null }>(
    cloud.deps.db,
    sql`SELECT id, state, shop_number, provider, provider_ref FROM shop_orders WHERE id = ${orderId}`,
  );
  return row!;
}

async function rejections(provider: string, since: number) {
  return rowsOf<{ reason: string; trade_no: string | null }>(
    cloud.deps.db,
    sql`SELECT reason, trade_no FROM payment_notice_rejections WHERE provider = ${provider} AND received_at >= ${since} ORDER BY received_at, id`,
  );
}

async function orderRecords(orderId: string) {
  const [n] = await rowsOf<{ n: string | number }>(
    cloud.deps.db,
    sql`SELECT COUNT(*) AS n FROM records WHERE entity = 'order' AND entity_id = ${orderId}`,
  );
  return Number(n!.n);
}

/** Places a WeChat Pay order and opens its QR page: the order, its key, the page and the code_url the QR holds. */
async function wechatOrder(b = new Browser(cloud)) {
  const res = await checkout(b, 'wechat');
  expect(res.status).toBe(303);
  const payUrl = res.headers.get('location')!;
  const m = /\/orders\/([0-9a-f-]{36})\/wechat\?key=([A-Za-z0-9_-]+)$/.exec(payUrl);
  expect(m).not.toBeNull();
  const page = await b.get(payUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const codeUrl = /data-code-url="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
  const order = await orderOf(m![1]!);
  return { b, orderId: m![1]!, key: m![2]!, html, codeUrl, tradeNo: order.shop_number };
}

const wechatPost = (storeBase: string, body: string) =>
  fetch(`${cloud.url}${storeBase}/pay/wechat/notify`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body }).then((r) =>
    r.text(),
  );

/** A WeChat notification about the fake's trade, signed with `key` (the store's own unless given), with fields changed. */
function wechatNotice(tradeNo: string, over: Record<string, string> = {}, key = fakes.wechat.apiKey) {
  const t = fakes.wechat.trades.get(tradeNo)!;
  const f: Record<string, string> = {
    return_code: 'SUCCESS',
    appid: fakes.wechat.appId,
    mch_id: fakes.wechat.mchId,
    nonce_str: 'abc123',
    result_code: 'SUCCESS',
    sign_type: 'HMAC-SHA256',
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    out_trade_no: tradeNo,
    transaction_id: t.transactionId,
    trade_type: 'NATIVE',
    total_fee: String(t.amount),
    fee_type: 'CNY',
    time_end: '20261207093000',
    ...over,
  };
  f.sign = wechatSign(f, key);
  return buildXml(f);
}

describe('WeChat Pay Native', () => {
  it('a buyer scans the QR with their phone, the order is paid on the verified notification and reaches the till', async () => {
    const { b, orderId, key, html, codeUrl, tradeNo } = await wechatOrder();
    // The pay page: the QR (SVG drawn on the server), the amount, the time left, and the status it polls.
    expect(html).toContain('<svg');
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(html).toContain('¥9.50');
    expect(html).toMatch(/id="left">1[45]:\d\d</);
    const status = async () => (await (await b.get(`${base}/orders/${orderId}/status?key=${key}`)).json()) as { state: string };
    expect((await status()).state).toBe('pending');
    // Reloading the page shows the same code (WeChat is asked once per order).
    const again = await (await b.get(`${base}/orders/${orderId}/wechat?key=${key}`)).text();
    expect(again).toContain(codeUrl.replaceAll('&', '&amp;'));

    // The buyer's phone: WeChat shows the merchant's amount, the buyer confirms.
    const scan = await fetch(`${fakes.wechat.url}/phone/scan?code=${encodeURIComponent(codeUrl)}`);
    expect(await scan.text()).toContain('9.50');
    const paid = await fetch(`${fakes.wechat.url}/phone/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: codeUrl }).toString(),
    });
    expect(await paid.text()).toContain('支付成功');
    expect((await status()).state).toBe('paid');
    const order = await orderOf(orderId);
    expect(order).toMatchObject({ state: 'paid', provider: 'wechat', provider_ref: fakes.wechat.trades.get(tradeNo)!.transactionId });
    // Paid: the QR page sends the buyer to the order.
    expect((await b.get(`${base}/orders/${orderId}/wechat?key=${key}`)).status).toBe(303);

    await syncAll([shop.till]);
    const pay = shop.till.deps.sqlite.prepare('SELECT kind, amount, reference FROM payments WHERE order_id = ?').all(orderId);
    expect(pay).toEqual([{ kind: 'wechat_pay', amount: 950, reference: order.provider_ref }]);
  });

  it('refuses and records forged, altered, other-merchant and wrong-amount notices; a replay pays once', async () => {
    const since = cloud.deps.clock();
    const { orderId, tradeNo } = await wechatOrder();
    fakes.wechat.trades.get(tradeNo)!.state = 'SUCCESS';
    const fail = '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[REFUSED]]></return_msg></xml>';
    // Signed with another key (a forgery).
    expect(await wechatPost(base, wechatNotice(tradeNo, {}, 'f'.repeat(32)))).toBe(fail);
    // The true notice with its amount changed after signing.
    expect(await wechatPost(base, wechatNotice(tradeNo).replace('<total_fee><![CDATA[950]]>', '<total_fee><![CDATA[1]]>'))).toBe(fail);
    // Another merchant's notice, signed with its own key.
    expect(await wechatPost(base, wechatNotice(tradeNo, { mch_id: '19999999' }, 'e'.repeat(32)))).toBe(fail);
    // Correctly signed, but for another amount than the order's.
    expect(await wechatPost(base, wechatNotice(tradeNo, { total_fee: '1' }))).toBe(fail);
    // Correctly signed, in another currency.
    expect(await wechatPost(base, wechatNotice(tradeNo, { fee_type: 'USD' }))).toBe(fail);
    expect((await orderOf(orderId)).state).toBe('pending');
    expect((await rejections('wechat', since)).map((r) => r.reason)).toEqual([
      'bad_signature',
      'bad_signature',
      'wrong_merchant',
      'amount_mismatch',
      'bad_notice',
    ]);
    // The true one, delivered three times, pays once.
    const good = wechatNotice(tradeNo);
    for (let i = 0; i < 3; i++) expect(await wechatPost(base, good)).toContain('SUCCESS');
    expect((await orderOf(orderId)).state).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('a notice posted to another store, or about an order paid another way, is refused', async () => {
    const since = cloud.deps.clock();
    const { orderId, tradeNo } = await wechatOrder();
    fakes.wechat.trades.get(tradeNo)!.state = 'SUCCESS';
    // Another store of another organisation, with the same WeChat merchant: it has no such order.
    const other = await tillWithShop(cloud);
    cloud.payments.set(other.storeId, allProviders(cloud, fakes));
    try {
      expect(await wechatPost(`/shop/${other.storeId}`, wechatNotice(tradeNo))).toContain('FAIL');
      expect((await orderOf(orderId)).state).toBe('pending');
      expect((await rejections('wechat', since)).map((r) => r.reason)).toEqual(['unknown_trade']);
    } finally {
      other.till.close();
    }
    // An Alipay order's number in a WeChat notice: not this provider's trade.
    const b = new Browser(cloud);
    const res = await checkout(b, 'alipay');
    const alipayTrade = (JSON.parse(new URL(res.headers.get('location')!).searchParams.get('biz_content')!) as { out_trade_no: string })
      .out_trade_no;
    fakes.wechat.trades.set(alipayTrade, { ...fakes.wechat.trades.get(tradeNo)!, tradeNo: alipayTrade });
    expect(await wechatPost(base, wechatNotice(alipayTrade))).toContain('FAIL');
    expect((await rejections('wechat', since)).map((r) => r.reason)).toEqual(['unknown_trade', 'unknown_trade']);
  });

  it('a lost notification: the pay page’s polling asks WeChat, and the order is paid on its answer', async () => {
    const { b, orderId, key, tradeNo } = await wechatOrder();
    const { deliveries } = await fakes.wechat.customerPays(tradeNo, { times: 0 });
    expect(deliveries).toEqual([]);
    cloud.advance(6000);
    const status = (await (await b.get(`${base}/orders/${orderId}/status?key=${key}`)).json()) as { state: string };
    expect(status.state).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
    // The notification arriving late changes nothing.
    expect(await wechatPost(base, wechatNotice(tradeNo))).toContain('SUCCESS');
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('the status endpoint shows only the buyer’s own order', async () => {
    const { orderId } = await wechatOrder();
    const stranger = new Browser(cloud);
    expect((await stranger.get(`${base}/orders/${orderId}/status`)).status).toBe(404);
    expect((await stranger.get(`${base}/orders/${orderId}/status?key=${'x'.repeat(32)}`)).status).toBe(404);
    expect((await stranger.get(`${base}/orders/${orderId}/wechat?key=${'x'.repeat(32)}`)).status).toBe(404);
  });

  it('the QR page speaks Chinese', async () => {
    const b = new Browser(cloud);
    await b.get(`${base}?lang=zh-CN`);
    const { html } = await wechatOrder(b);
    expect(html).toContain('微信支付');
    expect(html).toContain('扫一扫');
    expect(html).toContain('剩余付款时间');
  });
});

/** Places a Stripe order: the order id and the hosted page the buyer was sent to. */
async function stripeOrder(b = new Browser(cloud)) {
  const res = await checkout(b, 'stripe');
  expect(res.status).toBe(303);
  const hosted = res.headers.get('location')!;
  expect(hosted.startsWith(`${fakes.stripe.url}/checkout/pay/cs_test_`)).toBe(true);
  const sessionId = hosted.split('/').pop()!;
  const session = fakes.stripe.sessions.get(sessionId)!;
  return { b, hosted, sessionId, session, orderId: session.client_reference_id! };
}

const stripePost = (storeBase: string, payload: string, signature: string) =>
  fetch(`${cloud.url}${storeBase}/pay/stripe/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });

/** A checkout.session.completed event about the fake's session, with its fields changed. */
function sessionEvent(sessionId: string, over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: `evt_test${Math.random().toString(36).slice(2, 14)}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(cloud.deps.clock() / 1000),
    livemode: false,
    data: { object: { ...fakes.stripe.sessionJson(sessionId), ...over } },
  });
}

describe('Stripe Checkout', () => {
  it('the buyer pays on Stripe’s hosted page; the order is paid on the verified webhook and reaches the till', async () => {
    const { b, hosted, session, orderId } = await stripeOrder();
    // The session is for the order's exact total, in its currency, named by it.
    expect(session).toMatchObject({ amount_total: 950, currency: 'cny', client_reference_id: orderId, customer_email: 'li@example.com' });
    expect(session.metadata).toMatchObject({ order_id: orderId, store_id: shop.storeId });
    const page = await fetch(hosted);
    expect(await page.text()).toContain('9.50 CNY');
    const pay = await fetch(hosted, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'card=4242424242424242',
      redirect: 'manual',
    });
    expect(pay.status).toBe(303);
    await fakes.stripe.settled();
    expect(fakes.stripe.deliveries.at(-1)).toMatchObject({ type: 'checkout.session.completed', status: 200 });
    const order = await orderOf(orderId);
    expect(order).toMatchObject({ state: 'paid', provider: 'stripe', provider_ref: session.payment_intent });
    // Back on the shop's success URL: the order's page, paid.
    const back = pay.headers.get('location')!;
    expect(back.startsWith(`${cloud.url}${base}/orders/${orderId}?key=`)).toBe(true);
    expect(await (await b.get(back)).text()).toContain('Paid');
    // A second visit to pay goes nowhere new: the order is paid.
    await syncAll([shop.till]);
    const tender = shop.till.deps.sqlite.prepare('SELECT kind, amount FROM payments WHERE order_id = ?').all(orderId);
    expect(tender).toEqual([{ kind: 'card_integrated', amount: 950 }]);
  });

  it('a declined card leaves the order unpaid', async () => {
    const { hosted, orderId } = await stripeOrder();
    const res = await fetch(hosted, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'card=4000000000000002',
      redirect: 'manual',
    });
    expect(res.status).toBe(402);
    expect((await orderOf(orderId)).state).toBe('pending');
  });

  it('a webhook with a bad signature is refused; back on the shop, retrieving the session pays the order', async () => {
    const since = cloud.deps.clock();
    const { b, orderId, sessionId } = await stripeOrder();
    fakes.stripe.script({ do: 'webhook_bad_signature' });
    await fakes.stripe.completeSession(sessionId);
    await fakes.stripe.settled();
    expect(fakes.stripe.deliveries.at(-1)!.status).toBe(400);
    expect((await orderOf(orderId)).state).toBe('pending');
    expect((await rejections('stripe', since)).map((r) => r.reason)).toEqual(['bad_signature']);
    const page = await b.get(fakes.stripe.sessions.get(sessionId)!.success_url);
    expect(await page.text()).toContain('Paid');
    expect((await orderOf(orderId)).state).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('refuses an old (replayed) event, another amount or currency, another store’s or another session; a replay inside the window pays once', async () => {
    const since = cloud.deps.clock();
    const { orderId, sessionId } = await stripeOrder();
    fakes.stripe.script({ do: 'webhook_lost' });
    await fakes.stripe.completeSession(sessionId);
    const old = sessionEvent(sessionId);
    const sign = (p: string, ageSec = 0) => fakes.stripe.sign(p, Math.floor(cloud.deps.clock() / 1000) - ageSec);
    expect((await stripePost(base, old, sign(old, 600))).status).toBe(400);
    for (const over of [
      { amount_total: 1 },
      { currency: 'usd' },
      { metadata: { ...fakes.stripe.sessions.get(sessionId)!.metadata, store_id: '00000000-0000-4000-8000-000000000000' } },
      { id: 'cs_test_someoneelse' },
    ]) {
      const e = sessionEvent(sessionId, over);
      expect((await stripePost(base, e, sign(e))).status).toBe(400);
    }
    expect((await orderOf(orderId)).state).toBe('pending');
    expect((await rejections('stripe', since)).map((r) => r.reason)).toEqual([
      'stale',
      'amount_mismatch',
      'amount_mismatch',
      'wrong_store',
      'unknown_trade',
    ]);
    const good = sessionEvent(sessionId);
    for (let i = 0; i < 2; i++) expect((await stripePost(base, good, sign(good))).status).toBe(200);
    expect((await orderOf(orderId)).state).toBe('paid');
    expect(await orderRecords(orderId)).toBe(1);
  });

  it('a lost webhook: the success page retrieves the session and pays the order', async () => {
    const { b, orderId, sessionId } = await stripeOrder();
    fakes.stripe.script({ do: 'webhook_lost' });
    await fakes.stripe.completeSession(sessionId);
    expect((await orderOf(orderId)).state).toBe('pending');
    const page = await b.get(fakes.stripe.sessions.get(sessionId)!.success_url);
    expect(await page.text()).toContain('Paid');
  });
});

describe('the checkout’s payment choice', () => {
  it('offers the providers the store has, in both languages', async () => {
    const b = new Browser(cloud);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
    const en = await (await b.get(`${base}/checkout`)).text();
    for (const v of ['value="alipay"', 'value="wechat"', 'value="stripe"', 'WeChat Pay', 'Card and more (Stripe)']) expect(en).toContain(v);
    const zh = await (await b.get(`${base}/checkout?lang=zh-CN`)).text();
    for (const v of ['支付宝', '微信支付', '银行卡等（Stripe）']) expect(zh).toContain(v);
    // A choice the store does not offer is refused on the form, and nothing is ordered.
    const res = await b.post(`${base}/checkout`, {
      idem: hidden(zh, 'idem'),
      name: 'Li',
      email: 'li@example.com',
      method: 'standard',
      provider: 'paypal',
      ...address,
    });
    expect(res.status).toBe(400);
    const refused = await res.text();
    expect(refused).toContain('<legend>支付方式</legend>');
    expect(refused).toMatch(/class="field-err" role="alert">请选择支付方式/);
  });

  it('a store without configured providers says so on the checkout page, and takes no order', async () => {
    const saved = cloud.payments.get(shop.storeId)!;
    cloud.payments.delete(shop.storeId);
    try {
      const b = new Browser(cloud);
      expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
      const page = await (await b.get(`${base}/checkout`)).text();
      expect(page).toContain('does not take online payments yet, so orders cannot be placed here');
      expect(page).not.toContain('Place order and pay');
      const zh = await (await b.get(`${base}/checkout?lang=zh-CN`)).text();
      expect(zh).toContain('本店暂未开通网上支付');
      // WeChat Pay alone takes yuan only: a Stripe-only store still offers Stripe.
      cloud.payments.set(shop.storeId, { stripe: allProviders(cloud, fakes).stripe });
      const stripeOnly = await (await b.get(`${base}/checkout?lang=en`)).text();
      expect(stripeOnly).toContain('value="stripe"');
      expect(stripeOnly).not.toContain('value="wechat"');
    } finally {
      cloud.payments.set(shop.storeId, saved);
    }
  });
});

describe('refunds through WeChat Pay and Stripe', () => {
  const refundRows = (orderId: string) =>
    rowsOf<{ id: string; state: string; amount: string | number; message: string | null }>(
      cloud.deps.db,
      sql`SELECT id, state, amount, message FROM shop_refunds WHERE order_id = ${orderId} ORDER BY created_at`,
    );

  it('a buyer cancels a WeChat Pay order: refunded once by out_refund_no, however often the cancel is sent', async () => {
    const { b, orderId, key, tradeNo } = await wechatOrder();
    await fakes.wechat.customerPays(tradeNo);
    expect((await orderOf(orderId)).state).toBe('paid');
    // The refund is accepted but still processing at WeChat: in progress, then settled by the query, once.
    fakes.wechat.script({ kind: 'refundStatus', status: 'PROCESSING' });
    for (let i = 0; i < 2; i++) expect((await b.post(`${base}/orders/${orderId}/cancel`, { key })).status).toBe(303);
    let rows = await refundRows(orderId);
    expect(rows.map((r) => r.state)).toEqual(['requested']);
    const trade = fakes.wechat.trades.get(tradeNo)!;
    const [refundNo] = [...trade.refunds.keys()];
    fakes.wechat.settleRefund(refundNo!);
    cloud.advance(10 * 60_000);
    await settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);
    rows = await refundRows(orderId);
    expect(rows.map((r) => [r.state, Number(r.amount)])).toEqual([['refunded', 950]]);
    expect(trade.refunds.size).toBe(1);
    expect(fakes.wechat.kept(tradeNo)).toBe(0);
    const page = await (await b.get(`${base}/orders/${orderId}?key=${key}&lang=zh-CN`)).text();
    expect(page).toContain('微信支付');
  });

  it('a buyer cancels a Stripe order: one refund on its PaymentIntent, even when Stripe’s answer is lost', async () => {
    const { b, orderId, sessionId } = await stripeOrder();
    await fakes.stripe.completeSession(sessionId);
    await fakes.stripe.settled();
    const order = await orderOf(orderId);
    expect(order.state).toBe('paid');
    const intent = order.provider_ref!;
    // Stripe makes the refund, but the connection drops before its answer.
    const calls = fakes.stripe.calls.create_refund ?? 0;
    fakes.stripe.script({ op: 'create_refund', do: 'drop_after' });
    const link = new URL(fakes.stripe.sessions.get(sessionId)!.success_url);
    const key = link.searchParams.get('key')!;
    expect((await b.post(`${base}/orders/${orderId}/cancel`, { key })).status).toBe(303);
    cloud.advance(10 * 60_000);
    await settleDueRefunds(cloud.deps, (id) => cloud.payments.get(id) ?? null);
    const rows = await refundRows(orderId);
    expect(rows.map((r) => [r.state, Number(r.amount)])).toEqual([['refunded', 950]]);
    // Asked again after the lost answer, with the same Idempotency-Key: Stripe answers the first refund.
    expect(fakes.stripe.calls.create_refund).toBe(calls + 2);
    const made = [...fakes.stripe.refunds.values()].filter((r) => r.payment_intent === intent);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ amount: 950, metadata: { refund_no: expect.any(String) } });
    expect(await (await b.get(`${base}/orders/${orderId}?key=${key}`)).text()).toContain('to your Stripe account');
  });
});
