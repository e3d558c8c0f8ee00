/**
 * Alipay and WeChat Pay notifications through a real cloud: the customer scans the shop's QR and
 * pays at the fake provider, which posts its signed notification to the store's notify URL; the
 * cloud verifies it with the material an admin set (a small JSON object per provider), records it
 * once and the till pulls it. Forged, wrong-merchant and altered notices are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCloud, type RunningCloud } from '../../src/cloud/server';
import { startFakeAlipay, type FakeAlipay } from '../../src/main/payments/fakes/alipay';
import { startFakeWechat, type FakeWechat } from '../../src/main/payments/fakes/wechat';
import { createAlipayGateway } from '../../src/main/payments/alipay';
import { createWechatGateway } from '../../src/main/payments/wechat';
import { fetchNotices, notifyUrl, registerTrade } from '../../src/main/payments/cloud-notices';
import type { PaymentGateway } from '../../src/main/payments/gateway';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { cloudApi, newCloudStore, type CloudStore } from '../support/payment-cloud';

let cloud: TestCloud;
let served: RunningCloud;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ clock: () => Date.now() });
  served = await serveCloud(cloud.app as never, { port: 0 });
});
afterAll(async () => {
  for (const c of closers) await c.close();
  await served.close();
  await cloud.close();
});

let seq = 0;
const tradeNo = () => `T1${Date.now()}${++seq}`;

async function setKey(s: CloudStore, provider: 'alipay' | 'wechat', merchant: string, material: object) {
  const res = await cloudApi(
    served.url,
    'PUT',
    '/v1/payments/notice-keys',
    { provider, merchant, material: JSON.stringify(material) },
    s.e.token,
    s.staffToken,
  );
  expect(res.status).toBe(200);
}

async function reasons(s: CloudStore): Promise<string[]> {
  const res = await cloudApi(served.url, 'GET', '/v1/payments/notice-rejections', undefined, s.e.token, s.staffToken);
  return (res.body as { reason: string }[]).map((r) => r.reason);
}

const req = (no: string, amount: number) => ({ tradeNo: no, amount, currency: 'CNY', subject: 'Test shop', terminal: 'T1' });

describe('Alipay notices through the cloud', () => {
  let s: CloudStore;
  let fake: FakeAlipay;
  let gw: PaymentGateway;

  beforeAll(async () => {
    s = await newCloudStore(cloud, served.url, 'Alipay shop');
    fake = await startFakeAlipay();
    closers.push(fake);
    gw = createAlipayGateway({
      mode: 'training',
      baseUrl: fake.url,
      appId: fake.appId,
      keyMode: 'publicKey',
      privateKey: fake.merchantPrivateKey!,
      alipayPublicKey: fake.alipayPublicKey,
      timeoutMs: 3000,
    });
    await setKey(s, 'alipay', fake.appId, { appId: fake.appId, alipayPublicKey: fake.alipayPublicKey });
  });

  it('a paid QR trade is notified once though sent twice, and reaches the till', async () => {
    const no = tradeNo();
    await registerTrade(s.cx, { provider: 'alipay', tradeNo: no, amount: 1250, currency: 'CNY' });
    const qr = await gw.precreate(req(no, 1250), notifyUrl(s.cx.link, 'alipay'));
    expect('qr' in qr && qr.qr).toBeTruthy();
    fake.customerScans(no);
    const replies = await fake.customerPays(no, { times: 2 });
    expect(replies.map((r) => r.body)).toEqual(['success', 'success']);
    const mine = (await fetchNotices(s.cx, 0)).notices.filter((n) => n.tradeNo === no);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ provider: 'alipay', tradeNo: no, answer: { state: 'paid', amount: 1250 } });
  });

  it('a forged signature, another app and an unregistered trade are refused and never reach the till', async () => {
    const before = (await fetchNotices(s.cx, 0)).notices.length;
    const forged = tradeNo();
    await registerTrade(s.cx, { provider: 'alipay', tradeNo: forged, amount: 500, currency: 'CNY' });
    await gw.precreate(req(forged, 500), notifyUrl(s.cx.link, 'alipay'));
    fake.customerScans(forged);
    expect((await fake.customerPays(forged, { badSignature: true }))[0]!.body).toBe('fail');

    const other = tradeNo();
    await registerTrade(s.cx, { provider: 'alipay', tradeNo: other, amount: 500, currency: 'CNY' });
    await gw.precreate(req(other, 500), notifyUrl(s.cx.link, 'alipay'));
    fake.customerScans(other);
    expect((await fake.customerPays(other, { appId: '2021999999999999' }))[0]!.body).toBe('fail');

    const unregistered = tradeNo();
    await gw.precreate(req(unregistered, 700), notifyUrl(s.cx.link, 'alipay'));
    fake.customerScans(unregistered);
    expect((await fake.customerPays(unregistered))[0]!.body).toBe('fail');

    expect((await fetchNotices(s.cx, 0)).notices).toHaveLength(before);
    expect(await reasons(s)).toEqual(expect.arrayContaining(['bad_signature', 'unknown_trade']));
  });
});

describe('WeChat Pay notices through the cloud', () => {
  let s: CloudStore;
  let fake: FakeWechat;
  let gw: PaymentGateway;

  beforeAll(async () => {
    s = await newCloudStore(cloud, served.url, 'WeChat shop');
    fake = await startFakeWechat();
    closers.push(fake);
    gw = createWechatGateway({
      mode: 'training',
      baseUrl: fake.url,
      appId: fake.appId,
      mchId: fake.mchId,
      apiKey: fake.apiKey,
      timeoutMs: 3000,
    });
    await setKey(s, 'wechat', fake.mchId, { appId: fake.appId, mchId: fake.mchId, apiKey: fake.apiKey });
  });

  it('a paid Native trade is notified once though sent twice, and reaches the till', async () => {
    const no = tradeNo();
    await registerTrade(s.cx, { provider: 'wechat', tradeNo: no, amount: 880, currency: 'CNY' });
    const qr = await gw.precreate(req(no, 880), notifyUrl(s.cx.link, 'wechat'));
    expect('qr' in qr && qr.qr).toBeTruthy();
    const paid = await fake.customerPays(no, { times: 2 });
    expect(paid.deliveries).toHaveLength(2);
    const mine = (await fetchNotices(s.cx, 0)).notices.filter((n) => n.tradeNo === no);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ provider: 'wechat', tradeNo: no, answer: { state: 'paid', amount: 880 } });
  });

  it('a notice signed with another key, or for a trade registered at another amount, is refused', async () => {
    const before = (await fetchNotices(s.cx, 0)).notices.length;
    const forged = tradeNo();
    await registerTrade(s.cx, { provider: 'wechat', tradeNo: forged, amount: 300, currency: 'CNY' });
    await gw.precreate(req(forged, 300), notifyUrl(s.cx.link, 'wechat'));
    await fake.customerPays(forged, { badSign: true });

    const altered = tradeNo();
    // The till registered 100; the provider says 990 was paid: not this sale's money.
    await registerTrade(s.cx, { provider: 'wechat', tradeNo: altered, amount: 100, currency: 'CNY' });
    await gw.precreate(req(altered, 990), notifyUrl(s.cx.link, 'wechat'));
    await fake.customerPays(altered);

    expect((await fetchNotices(s.cx, 0)).notices).toHaveLength(before);
    expect(await reasons(s)).toEqual(expect.arrayContaining(['bad_signature', 'amount_mismatch']));
  });
});
