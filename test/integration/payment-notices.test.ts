/**
 * Provider notifications through a real cloud (HTTP over a socket, PGlite): the fake Stripe posts
 * signed webhooks to the store's notify URL; the cloud verifies them with the material an admin
 * set, checks the merchant, that the trade is this store's and its amount, records each once, and
 * the store's till pulls them through its own client. Forged, replayed, altered and unregistered
 * notices are refused, recorded as rejections, and never reach a till.
 */
import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCloudApp, serveCloud, type RunningCloud } from '../../src/cloud/server';
import { NOTICE_VERIFIERS, type NoticeVerifiers } from '../../src/cloud/payments/verifiers';
import { startFakeStripe, type FakeStripe } from '../../src/main/payments/fakes/stripe';
import { createStripeGateway } from '../../src/main/payments/stripe';
import { fetchNotices, notifyUrl, registerTrade, type CloudAccess } from '../../src/main/payments/cloud-notices';
import type { PaymentGateway } from '../../src/main/payments/gateway';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { cloudApi, newCloudStore, type CloudStore } from '../support/payment-cloud';

let cloud: TestCloud;
let served: RunningCloud;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  // The wall clock: Stripe signs with the sender's time, and the cloud judges a replay by its own.
  cloud = await startTestCloud({ clock: () => Date.now() });
  served = await serveCloud(cloud.app as never, { port: 0 });
});
afterAll(async () => {
  for (const c of closers) await c.close();
  await served.close();
  await cloud.close();
});

const api = (method: string, path: string, body?: unknown, token?: string, staffToken?: string) =>
  cloudApi(served.url, method, path, body, token, staffToken);
const newStore = (name: string) => newCloudStore(cloud, served.url, name);

type Store = CloudStore;

async function setKey(s: Store, material: string, merchant = '') {
  return api('PUT', '/v1/payments/notice-keys', { provider: 'stripe', merchant, material }, s.e.token, s.staffToken);
}

async function stripeFor(s: Store, opts: { account?: string } = {}): Promise<{ fake: FakeStripe; gw: PaymentGateway }> {
  const fake = await startFakeStripe({ webhookUrl: notifyUrl(s.cx.link, 'stripe'), ...opts });
  closers.push(fake);
  const gw = createStripeGateway({
    mode: 'training',
    baseUrl: fake.url,
    readerId: fake.readerId,
    secretKey: fake.secretKey,
    webhookSecret: fake.webhookSecret,
    timeoutMs: 3000,
  });
  return { fake, gw };
}

let seq = 0;
const tradeNo = () => `T1-${Date.now()}-${++seq}`;

async function rejections(s: Store) {
  const res = await api('GET', '/v1/payments/notice-rejections', undefined, s.e.token, s.staffToken);
  expect(res.status).toBe(200);
  return res.body as { reason: string; tradeNo: string | null }[];
}

/** A Stripe event as Stripe would send it, signed by `fake` (or with `secret`). */
function event(fake: FakeStripe, tradeNo: string, amount: number, over: { account?: string; secret?: string; t?: number } = {}) {
  const payload = JSON.stringify({
    id: `evt_${tradeNo.replace(/-/g, '')}${Math.random().toString(36).slice(2, 8)}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    ...(over.account ? { account: over.account } : {}),
    data: {
      object: {
        id: 'pi_crafted',
        object: 'payment_intent',
        amount,
        amount_received: amount,
        currency: 'usd',
        status: 'succeeded',
        metadata: { trade_no: tradeNo },
        latest_charge: 'ch_crafted',
        last_payment_error: null,
      },
    },
  });
  return { payload, signature: fake.sign(payload, over.t, over.secret) };
}

async function post(s: Store, ev: { payload: string; signature: string }, storeId = s.e.store.id) {
  const res = await fetch(`${served.url}/v1/payments/notify/stripe/${storeId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': ev.signature },
    body: ev.payload,
  });
  return { status: res.status, text: await res.text() };
}

describe('Stripe notices through the cloud', () => {
  let a: Store;
  let b: Store;
  let stripeA: { fake: FakeStripe; gw: PaymentGateway };

  beforeAll(async () => {
    a = await newStore('Alpha');
    b = await newStore('Beta');
    stripeA = await stripeFor(a);
  });

  it('notify without an admin-set key is refused and recorded', async () => {
    const no = tradeNo();
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: no, amount: 1234, currency: 'usd' });
    const res = await post(a, event(stripeA.fake, no, 1234));
    expect(res.status).toBe(400);
    expect((await rejections(a)).map((r) => r.reason)).toContain('no_key');
    expect((await fetchNotices(a.cx, 0)).notices).toEqual([]);
  });

  it('only a signed-in admin sets the material, and no answer ever contains it', async () => {
    const secret = stripeA.fake.webhookSecret;
    expect((await api('PUT', '/v1/payments/notice-keys', { provider: 'stripe', merchant: '', material: secret }, a.e.token)).status).toBe(
      401,
    );
    expect((await api('PUT', '/v1/payments/notice-keys', { provider: 'stripe', merchant: '', material: secret })).status).toBe(401);
    const set = await setKey(a, secret);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ provider: 'stripe', merchant: '' });
    const list = await api('GET', '/v1/payments/notice-keys', undefined, a.e.token, a.staffToken);
    expect(list.body).toEqual([{ provider: 'stripe', merchant: '', updatedAt: expect.any(Number) }]);
    for (const r of [set, list]) expect(r.text).not.toContain(secret);
    // Stored only for the admin's own store: Beta has none.
    expect((await api('GET', '/v1/payments/notice-keys', undefined, b.e.token, b.staffToken)).body).toEqual([]);
  });

  it('a valid webhook for a registered trade is recorded once though sent twice, and reaches the till once', async () => {
    const { fake, gw } = stripeA;
    const no = tradeNo();
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: no, amount: 1234, currency: 'usd' });
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: no, amount: 1234, currency: 'USD' });
    expect(await gw.startTerminal!({ tradeNo: no, amount: 1234, currency: 'USD', subject: 'Alpha 1-0001', terminal: 'T1' })).toMatchObject({
      state: 'waiting',
    });
    const before = await fetchNotices(a.cx, 0);
    fake.script({ do: 'webhook_twice' });
    await fake.customerPays(no);
    await fake.settled();
    expect(fake.deliveries.map((d) => d.status)).toEqual([200, 200]);
    const page = await fetchNotices(a.cx, before.cursor);
    expect(page.notices).toHaveLength(1);
    expect(page.notices[0]).toMatchObject({
      provider: 'stripe',
      tradeNo: no,
      answer: { state: 'paid', amount: 1234, providerRef: fake.trades.get(no)!.id },
    });
    expect(page.more).toBe(false);
    // Read again after the cursor: nothing new.
    expect((await fetchNotices(a.cx, page.cursor)).notices).toEqual([]);
    // The other store's till sees none of it.
    expect((await fetchNotices(b.cx, 0)).notices).toEqual([]);
  });

  it('forged, altered, replayed-to-another-store, wrong-merchant and unregistered notices are refused, recorded and never reach a till', async () => {
    const { fake, gw } = stripeA;
    const start = (await fetchNotices(a.cx, 0)).cursor;
    const before = (await rejections(a)).length;

    // Forged: signed with another secret (by the fake's script, and by hand).
    const forgedNo = tradeNo();
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: forgedNo, amount: 1234, currency: 'USD' });
    await gw.startTerminal!({ tradeNo: forgedNo, amount: 1234, currency: 'USD', subject: 'x', terminal: 'T1' });
    fake.script({ do: 'webhook_bad_signature' });
    await fake.customerPays(forgedNo);
    await fake.settled();
    expect(fake.deliveries[fake.deliveries.length - 1]!.status).toBe(400);
    expect((await post(a, event(fake, forgedNo, 1234, { secret: 'whsec_attacker' }))).status).toBe(400);

    // Altered after signing: the amount changed in a genuinely signed payload.
    const altNo = tradeNo();
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: altNo, amount: 5000, currency: 'USD' });
    const genuine = event(fake, altNo, 5000);
    expect((await post(a, { ...genuine, payload: genuine.payload.replace(/5000/g, '50') })).status).toBe(400);
    // A correctly signed notice whose paid amount is not the registered one (a mis-sent or tampered-at-source charge).
    expect((await post(a, event(fake, altNo, 50))).status).toBe(400);

    // Replayed old: the genuine payload, re-signed an hour ago.
    expect((await post(a, event(fake, altNo, 5000, { t: Math.floor(Date.now() / 1000) - 3600 }))).status).toBe(400);

    // Unregistered trade.
    const strangerNo = tradeNo();
    expect((await post(a, event(fake, strangerNo, 1234))).status).toBe(400);

    // Wrong merchant: Alpha's key names its Connect account; a notice for another account is refused.
    expect((await setKey(a, fake.webhookSecret, 'acct_alpha')).status).toBe(200);
    expect((await post(a, event(fake, altNo, 5000, { account: 'acct_other' }))).status).toBe(400);
    expect((await setKey(a, fake.webhookSecret, '')).status).toBe(200);

    // Replayed to another store: Beta verifies with its own secret (refused); even when Beta shares
    // Alpha's Stripe secret, the trade is not Beta's (refused).
    const good = event(fake, altNo, 5000);
    expect((await setKey(b, 'whsec_beta_own_secret')).status).toBe(200);
    expect((await post(b, good)).status).toBe(400);
    expect((await setKey(b, fake.webhookSecret)).status).toBe(200);
    expect((await post(b, good)).status).toBe(400);

    const reasonsA = (await rejections(a)).slice(0, (await rejections(a)).length - before).map((r) => r.reason);
    expect(reasonsA.sort()).toEqual(
      ['amount_mismatch', 'bad_signature', 'bad_signature', 'bad_signature', 'bad_signature', 'unknown_trade', 'wrong_merchant'].sort(),
    );
    expect((await rejections(b)).map((r) => r.reason).sort()).toEqual(['bad_signature', 'unknown_trade']);
    // Nothing reached either till.
    expect((await fetchNotices(a.cx, start)).notices).toEqual([]);
    expect((await fetchNotices(b.cx, 0)).notices).toEqual([]);
    // And the genuine notice still goes through for Alpha afterwards, once.
    expect((await post(a, good)).status).toBe(200);
    expect((await post(a, good)).status).toBe(200);
    expect((await fetchNotices(a.cx, start)).notices.map((n) => n.tradeNo)).toEqual([altNo]);
    // No answer of the rejections list carries the secret.
    const raw = await api('GET', '/v1/payments/notice-rejections', undefined, a.e.token, a.staffToken);
    expect(raw.text).not.toContain(fake.webhookSecret);
  });

  it('a trade number cannot be registered again with another amount; unknown stores and providers are 404', async () => {
    const no = tradeNo();
    await registerTrade(a.cx, { provider: 'stripe', tradeNo: no, amount: 100, currency: 'USD' });
    await expect(registerTrade(a.cx, { provider: 'stripe', tradeNo: no, amount: 1, currency: 'USD' })).rejects.toMatchObject({
      status: 409,
    });
    expect((await api('POST', '/v1/payments/trades', { provider: 'stripe', tradeNo: no, amount: 100, currency: 'USD' })).status).toBe(401);
    const ev = event(stripeA.fake, no, 100);
    expect((await post(a, ev, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await post(a, ev, 'not-a-store')).status).toBe(404);
    const other = await fetch(`${served.url}/v1/payments/notify/paypal/${a.e.store.id}`, { method: 'POST', body: ev.payload });
    expect(other.status).toBe(404);
  });

  it('a notify body over the limit is refused before it is read', async () => {
    const res = await fetch(`${served.url}/v1/payments/notify/stripe/${a.e.store.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: 'x'.repeat(100 * 1024),
    });
    expect(res.status).toBe(413);
  });
});

describe('the till checks what the cloud answers', () => {
  const access = (body: unknown): CloudAccess => ({
    transport: { request: async () => ({ status: 200, body }) },
    token: 'ctd_x',
    link: {
      serverUrl: 'http://cloud.test',
      orgId: 'o',
      orgName: 'O',
      storeId: 's',
      storeName: 'S',
      deviceId: 'd',
      terminalCode: 'T1',
      enrolledAt: 0,
    },
  });
  const notice = (seq: number, over: Record<string, unknown> = {}) => ({
    seq,
    provider: 'stripe',
    tradeNo: 'T1-1',
    eventId: `evt_${seq}`,
    answer: { state: 'paid', providerRef: 'pi_1', amount: 100, buyer: '****4242', brand: 'visa' },
    receivedAt: 1,
    ...over,
  });

  it('takes a well-formed page, and refuses odd shapes, extra fields and notices at or before the cursor', async () => {
    expect((await fetchNotices(access({ notices: [notice(3)], cursor: 3, more: false }), 2)).notices).toHaveLength(1);
    const bad = [
      { notices: [notice(3, { answer: { state: 'paid', amount: 100 } })], cursor: 3, more: false },
      { notices: [notice(3, { tradeNo: '../../etc' })], cursor: 3, more: false },
      { notices: [notice(3, { extra: 1 })], cursor: 3, more: false },
      { notices: [notice(2)], cursor: 2, more: false },
      { notices: [notice(4), notice(3)], cursor: 4, more: false },
      { notices: [], cursor: 1, more: false },
      'not json',
    ];
    for (const body of bad) await expect(fetchNotices(access(body), 2)).rejects.toMatchObject({ code: 'BAD_ANSWER' });
  });
});

describe('the verifier registry', () => {
  /** A test-only provider: HMAC-SHA256 of the body with the material, in `x-test-sig`; replies "success"/"fail". */
  const tiny: NoticeVerifiers['alipay'] = {
    verify(material, headers, rawBody) {
      const sig = createHmac('sha256', material).update(rawBody).digest('hex');
      if (headers['x-test-sig'] !== sig) return null;
      const b = JSON.parse(rawBody) as { merchant: string; tradeNo: string; eventId: string; amount: number };
      return {
        provider: 'alipay',
        merchant: b.merchant,
        tradeNo: b.tradeNo,
        eventId: b.eventId,
        answer: { state: 'paid', providerRef: `2026${b.eventId}`, amount: b.amount, buyer: '138****1234', brand: null },
      };
    },
    reply: (ok) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: ok ? 'success' : 'fail' }),
  };

  it('a provider added in one line is verified, checked for merchant and amount, and recorded once', async () => {
    const app = buildCloudApp(cloud.deps, { rateLimit: false, noticeVerifiers: { ...NOTICE_VERIFIERS, alipay: tiny } }) as unknown as Hono;
    const s = await newStore('Gamma');
    const send = async (body: object, key = 'alipay-public-key-material') => {
      const raw = JSON.stringify(body);
      const res = await app.fetch(
        new Request(`http://cloud.test/v1/payments/notify/alipay/${s.e.store.id}`, {
          method: 'POST',
          headers: { 'x-test-sig': createHmac('sha256', key).update(raw).digest('hex') },
          body: raw,
        }),
      );
      return res.text();
    };
    const put = (path: string) =>
      app.fetch(
        new Request(`http://cloud.test${path}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${s.e.token}`, 'x-staff-token': s.staffToken, 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'alipay', merchant: '2088000000000001', material: 'alipay-public-key-material' }),
        }),
      );
    expect((await put('/v1/payments/notice-keys')).status).toBe(200);
    const no = tradeNo();
    await registerTrade(s.cx, { provider: 'alipay', tradeNo: no, amount: 880, currency: 'CNY' });
    const ok = { merchant: '2088000000000001', tradeNo: no, eventId: 'n1', amount: 880 };
    expect(await send(ok)).toBe('success');
    expect(await send(ok)).toBe('success');
    expect(await send({ ...ok, eventId: 'n2' }, 'forged-key')).toBe('fail');
    expect(await send({ ...ok, eventId: 'n3', merchant: '2088000000000999' })).toBe('fail');
    expect(await send({ ...ok, eventId: 'n4', amount: 1 })).toBe('fail');
    const page = await fetchNotices(s.cx, 0);
    expect(page.notices.map((n) => [n.provider, n.tradeNo, n.eventId])).toEqual([['alipay', no, 'n1']]);
    expect((await rejections(s)).map((r) => r.reason).sort()).toEqual(['amount_mismatch', 'bad_signature', 'wrong_merchant']);
  });

  it('the notify endpoint is rate limited per address', async () => {
    const app = buildCloudApp(cloud.deps, {}) as unknown as Hono;
    let last = 0;
    for (let i = 0; i < 130 && last !== 429; i++) {
      const res = await app.fetch(new Request('http://cloud.test/v1/payments/notify/stripe/nowhere', { method: 'POST', body: '{}' }));
      last = res.status;
    }
    expect(last).toBe(429);
  });
});
