/**
 * The real WeChat Pay gateway against the loopback fake, over HTTP. The fake serves plain HTTP,
 * so the mutual TLS that /secapi endpoints use in production is not exercised here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PayRequest, PaymentGateway, TradeAnswer } from '../../../src/main/payments/gateway';
import { startFakeWechat, type FakeWechat } from '../../../src/main/payments/fakes/wechat';
import {
  createWechatGateway,
  peekWechatNoticeMerchant,
  verifyWechatNotice,
  type WechatConfig,
} from '../../../src/main/payments/wechat/gateway';
import { wechatSign } from '../../../src/main/payments/wechat/sign';
import { buildXml, parseXml } from '../../../src/main/payments/wechat/xml';

const CODE = '134567890123456789';
let fake: FakeWechat;
let gw: PaymentGateway;
let n = 0;

function cfgFor(f: FakeWechat, over: Partial<WechatConfig> = {}): WechatConfig {
  return {
    mode: 'training',
    appId: f.appId,
    mchId: f.mchId,
    apiKey: f.apiKey,
    baseUrl: f.url,
    timeoutMs: 2000,
    pollIntervalMs: 5,
    recallDelayMs: 5,
    ...over,
  };
}
const req = (over: Partial<PayRequest> = {}): PayRequest => ({
  tradeNo: `T${Date.now()}${++n}`,
  amount: 1234,
  currency: 'CNY',
  subject: 'Corner Shop order 42',
  authCode: CODE,
  terminal: 'T1',
  ...over,
});

/** Polls as the trade state machine does while the customer confirms. */
async function pollUntilFinal(
  g: PaymentGateway,
  tradeNo: string,
  first: TradeAnswer,
  max = 20,
): Promise<{ answer: TradeAnswer; waits: number }> {
  let answer = first;
  let waits = 0;
  for (let i = 0; i < max && (answer.state === 'waiting' || answer.state === 'unknown'); i++) {
    if (answer.state === 'waiting') waits++;
    await new Promise((r) => setTimeout(r, g.pollIntervalMs));
    answer = await g.query(tradeNo);
  }
  return { answer, waits };
}

beforeEach(async () => {
  fake = await startFakeWechat();
  gw = createWechatGateway(cfgFor(fake));
});
afterEach(async () => {
  await fake.close();
});

describe('code payment (micropay)', () => {
  it('pays: amount, WeChat trade number and a masked buyer; the fake holds the money', async () => {
    const r = req();
    const a = await gw.pay(r);
    expect(a).toMatchObject({ state: 'paid', amount: 1234, providerRef: fake.trades.get(r.tradeNo)!.transactionId });
    if (a.state !== 'paid') throw new Error('not paid');
    expect(a.buyer).toMatch(/^WeChat \*{4}[A-Za-z0-9_-]{4}$/);
    expect(fake.kept(r.tradeNo)).toBe(1234);
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 1234 });
  });

  it('waits through USERPAYING three times, then is paid', async () => {
    fake.script({ kind: 'userpaying', count: 3 });
    const r = req();
    const first = await gw.pay(r);
    expect(first.state).toBe('waiting');
    expect(fake.kept(r.tradeNo)).toBe(0);
    const { answer, waits } = await pollUntilFinal(gw, r.tradeNo, first);
    expect(waits).toBe(3);
    expect(answer).toMatchObject({ state: 'paid', amount: 1234 });
    expect(fake.kept(r.tradeNo)).toBe(1234);
  });

  it('a customer who never confirms: after the cashier timeout the reverse closes it and nobody is charged', async () => {
    fake.script({ kind: 'userpaying', count: 1, then: 'never' });
    const r = req();
    expect((await gw.pay(r)).state).toBe('waiting');
    expect((await gw.query(r.tradeNo)).state).toBe('waiting');
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'closed' });
    expect(fake.trades.get(r.tradeNo)!.state).toBe('REVOKED');
    expect(fake.kept(r.tradeNo)).toBe(0);
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'closed', code: 'REVOKED' });
  });

  it('SYSTEMERROR is unknown; the query finds what happened', async () => {
    fake.script({ kind: 'systemerror', process: true });
    const r = req();
    expect(await gw.pay(r)).toMatchObject({ state: 'unknown', code: 'SYSTEMERROR' });
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 1234 });

    fake.script({ kind: 'systemerror' });
    const r2 = req();
    expect(await gw.pay(r2)).toMatchObject({ state: 'unknown', code: 'SYSTEMERROR' });
    expect(await gw.query(r2.tradeNo)).toEqual({ state: 'not_found' });
    expect(fake.kept(r2.tradeNo)).toBe(0);
  });

  it('a timeout is unknown; a hung request that never arrived is not found and reversing it stops a late charge', async () => {
    const g = createWechatGateway(cfgFor(fake, { timeoutMs: 200 }));
    fake.script({ kind: 'hang', ms: 5000 });
    const r = req();
    expect(await g.pay(r)).toMatchObject({ state: 'unknown', code: 'TIMEOUT' });
    expect(await g.query(r.tradeNo)).toEqual({ state: 'not_found' });
    expect((await g.cancel(r.tradeNo)).state).toBe('closed');
    // The same trade number sent again (a retry that should never happen) charges no one.
    expect(await g.pay(r)).toMatchObject({ state: 'closed', code: 'ORDERREVERSED' });
    expect(fake.kept(r.tradeNo)).toBe(0);
  });

  it('a payment that reaches WeChat after the till reversed it charges no one', async () => {
    const g = createWechatGateway(cfgFor(fake, { timeoutMs: 150 }));
    fake.script({ kind: 'hang', ms: 600, late: true });
    const r = req();
    expect(await g.pay(r)).toMatchObject({ state: 'unknown', code: 'TIMEOUT' });
    expect(await g.query(r.tradeNo)).toEqual({ state: 'not_found' });
    expect((await g.cancel(r.tradeNo)).state).toBe('closed');
    await new Promise((res) => setTimeout(res, 800));
    expect(fake.kept(r.tradeNo)).toBe(0);
    expect(await g.query(r.tradeNo)).toMatchObject({ state: 'closed', code: 'REVOKED' });
  });

  it('a timeout after the charge is unknown; the query finds it paid', async () => {
    const g = createWechatGateway(cfgFor(fake, { timeoutMs: 200 }));
    fake.script({ kind: 'hang', ms: 5000, process: true });
    const r = req();
    expect(await g.pay(r)).toMatchObject({ state: 'unknown', code: 'TIMEOUT' });
    expect(await g.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 1234 });
  });

  it('charge then dropped connection: unknown, and the query finds it paid', async () => {
    fake.script({ kind: 'drop' });
    const r = req();
    const a = await gw.pay(r);
    expect(a.state).toBe('unknown');
    expect(fake.kept(r.tradeNo)).toBe(1234);
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 1234 });
    // A retried pay of the same number is not a second charge.
    expect(await gw.pay(r)).toMatchObject({ state: 'unknown', code: 'ORDERPAID' });
    expect(fake.kept(r.tradeNo)).toBe(1234);
  });

  it('declines are failed and move no money', async () => {
    for (const code of ['AUTHCODEEXPIRE', 'NOTENOUGH']) {
      fake.script({ kind: 'decline', code });
      const r = req();
      expect(await gw.pay(r)).toMatchObject({ state: 'failed', code });
      expect(fake.kept(r.tradeNo)).toBe(0);
      expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'failed', code: 'PAYERROR' });
    }
    // The fake itself refuses a code that is not a WeChat payment code.
    const r = req({ authCode: '284567890123456789' });
    expect(await gw.pay(r)).toMatchObject({ state: 'failed', code: 'AUTH_CODE_INVALID' });
  });

  it('an answer with a bad sign, or naming another merchant, is not trusted', async () => {
    fake.script({ kind: 'badSign' });
    const r = req();
    expect(await gw.pay(r)).toMatchObject({ state: 'unknown', code: 'BAD_SIGNATURE' });
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid' });

    fake.script({ kind: 'otherMerchant', on: 'orderquery' });
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'unknown', code: 'WRONG_MERCHANT' });
  });

  it('takes CNY only and a positive amount, before any request', async () => {
    const r = req({ currency: 'USD' });
    expect(await gw.pay(r)).toMatchObject({ state: 'failed', code: 'CURRENCY' });
    expect(await gw.pay(req({ amount: 0 }))).toMatchObject({ state: 'failed', code: 'AMOUNT' });
    expect(fake.trades.size).toBe(0);
  });
});

describe('reverse', () => {
  it('reversing a paid code payment gives the money back', async () => {
    const r = req();
    expect((await gw.pay(r)).state).toBe('paid');
    expect(fake.kept(r.tradeNo)).toBe(1234);
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'closed' });
    expect(fake.kept(r.tradeNo)).toBe(0);
    expect(fake.trades.get(r.tradeNo)!.state).toBe('REVOKED');
  });

  it('recall=Y is reversed again until WeChat says done', async () => {
    const r = req();
    await gw.pay(r);
    fake.script({ kind: 'recall', times: 2 });
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'closed' });
    expect(fake.kept(r.tradeNo)).toBe(0);
  });

  it('gives up as unknown when WeChat keeps answering recall=Y', async () => {
    const r = req();
    await gw.pay(r);
    fake.script({ kind: 'recall', times: 50 });
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'unknown', code: 'RECALL' });
    expect(fake.kept(r.tradeNo)).toBe(1234);
  });
});

describe('refund', () => {
  it('a refund retried after a dropped answer, with the same out_refund_no, is paid once', async () => {
    const r = req({ amount: 5000 });
    await gw.pay(r);
    const refund = { tradeNo: r.tradeNo, refundNo: `R${r.tradeNo}`, amount: 2000, total: 5000, currency: 'CNY', reason: 'returned item' };
    fake.script({ kind: 'drop', on: 'refund' });
    expect((await gw.refund(refund)).state).toBe('unknown');
    expect(fake.kept(r.tradeNo)).toBe(3000);
    expect(await gw.refund(refund)).toMatchObject({ state: 'refunded', amount: 2000 });
    expect(await gw.refund(refund)).toMatchObject({ state: 'refunded', amount: 2000 });
    expect(fake.kept(r.tradeNo)).toBe(3000);
    expect(fake.trades.get(r.tradeNo)!.refunds.size).toBe(1);
    expect(await gw.queryRefund(refund)).toMatchObject({ state: 'refunded', amount: 2000 });
    // The trade still reads as paid (WeChat's REFUND state): it was paid.
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 5000 });
  });

  it('SYSTEMERROR before the refund took effect: unknown, and the retry pays once', async () => {
    const r = req({ amount: 5000 });
    await gw.pay(r);
    const refund = { tradeNo: r.tradeNo, refundNo: `R${r.tradeNo}`, amount: 5000, total: 5000, currency: 'CNY', reason: '' };
    fake.script({ kind: 'systemerror', on: 'refund' });
    expect(await gw.refund(refund)).toMatchObject({ state: 'unknown', code: 'SYSTEMERROR' });
    expect(await gw.queryRefund(refund)).toMatchObject({ state: 'failed', code: 'REFUNDNOTEXIST' });
    expect(fake.kept(r.tradeNo)).toBe(5000);
    expect(await gw.refund(refund)).toMatchObject({ state: 'refunded', amount: 5000 });
    expect(fake.kept(r.tradeNo)).toBe(0);
  });

  it('a refund still PROCESSING is pending until WeChat finishes it; CHANGE and REFUNDCLOSE are failed', async () => {
    const r = req({ amount: 3000 });
    await gw.pay(r);
    const base = { tradeNo: r.tradeNo, total: 3000, currency: 'CNY', reason: '' };
    fake.script({ kind: 'refundStatus', status: 'PROCESSING', times: 3 });
    const a = { ...base, refundNo: 'RP1', amount: 1000 };
    expect(await gw.refund(a)).toEqual({ state: 'pending' });
    expect(await gw.queryRefund(a)).toEqual({ state: 'pending' });
    expect(fake.kept(r.tradeNo)).toBe(3000);
    fake.settleRefund('RP1');
    expect(await gw.queryRefund(a)).toMatchObject({ state: 'refunded', amount: 1000 });
    expect(fake.kept(r.tradeNo)).toBe(2000);

    const b = { ...base, refundNo: 'RP2', amount: 1000 };
    const c = { ...base, refundNo: 'RP3', amount: 1000 };
    await gw.refund(b);
    await gw.refund(c);
    fake.settleRefund('RP2', 'CHANGE');
    fake.settleRefund('RP3', 'REFUNDCLOSE');
    expect(await gw.queryRefund(b)).toMatchObject({ state: 'failed', code: 'CHANGE' });
    expect(await gw.queryRefund(c)).toMatchObject({ state: 'failed', code: 'REFUNDCLOSE' });
    expect(fake.kept(r.tradeNo)).toBe(2000);
  });

  it('refuses more than was paid, and other currencies', async () => {
    const r = req({ amount: 1000 });
    await gw.pay(r);
    const base = { tradeNo: r.tradeNo, total: 1000, currency: 'CNY', reason: '' };
    expect(await gw.refund({ ...base, refundNo: 'RA', amount: 800 })).toMatchObject({ state: 'refunded' });
    expect(await gw.refund({ ...base, refundNo: 'RB', amount: 800 })).toMatchObject({ state: 'failed' });
    expect(await gw.refund({ ...base, refundNo: 'RC', amount: 100, currency: 'USD' })).toMatchObject({ state: 'failed', code: 'CURRENCY' });
    expect(fake.kept(r.tradeNo)).toBe(200);
  });
});

describe('Native QR and the payment notification', () => {
  let receiver: http.Server;
  let notifyUrl: string;
  const received: { body: string; replied: string }[] = [];

  beforeEach(async () => {
    received.length = 0;
    receiver = http.createServer((rq, rs) => {
      const chunks: Buffer[] = [];
      rq.on('data', (c: Buffer) => chunks.push(c));
      rq.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ok = gw.verifyNotice(rq.headers as Record<string, string>, body) !== null;
        const reply = gw.noticeReply(ok);
        received.push({ body, replied: reply.body });
        rs.writeHead(reply.status, reply.headers).end(reply.body);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wechat/notify`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('shows a code_url, the customer pays, the signed notice verifies once per event, and the query agrees', async () => {
    const r = req({ authCode: undefined, amount: 880 });
    const qr = await gw.precreate(r, notifyUrl);
    expect(qr).toMatchObject({ qr: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) });
    expect((await gw.query(r.tradeNo)).state).toBe('waiting');

    const paid = await fake.customerPays(r.tradeNo, { times: 2 });
    expect(paid.deliveries).toHaveLength(2);
    for (const d of paid.deliveries)
      expect(d).toMatchObject({ status: 200, body: expect.stringContaining('<return_code><![CDATA[SUCCESS]]>') });
    expect(parseXml(received[0]!.replied)).toEqual({ return_code: 'SUCCESS', return_msg: 'OK' });

    const notices = received.map((x) => gw.verifyNotice({}, x.body));
    expect(notices[0]).toMatchObject({
      provider: 'wechat',
      merchant: fake.mchId,
      tradeNo: r.tradeNo,
      eventId: fake.trades.get(r.tradeNo)!.transactionId,
      answer: { state: 'paid', amount: 880 },
    });
    // The same event twice: the same eventId, so the cloud records it once.
    expect(notices[1]!.eventId).toBe(notices[0]!.eventId);
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'paid', amount: 880 });
    expect(fake.kept(r.tradeNo)).toBe(880);
  });

  it('refuses forged, altered, wrong-merchant and cross-merchant notices', async () => {
    const r = req({ authCode: undefined, amount: 880 });
    await gw.precreate(r, notifyUrl);
    const bad = await fake.customerPays(r.tradeNo, { badSign: true });
    expect(bad.deliveries[0]).toMatchObject({ status: 200, body: expect.stringContaining('FAIL') });
    expect(gw.verifyNotice({}, bad.notice!)).toBeNull();

    // A correctly signed notice, then altered by an attacker in various ways.
    const good = parseXml(bad.notice!);
    const resign = (f: Record<string, string>, key = fake.apiKey): string => {
      const copy = { ...f };
      delete copy.sign;
      copy.sign = wechatSign(copy, key);
      return buildXml(copy);
    };
    const genuine = resign(good);
    expect(gw.verifyNotice({}, genuine)).toMatchObject({ answer: { state: 'paid', amount: 880 } });

    // Amount altered without re-signing.
    expect(gw.verifyNotice({}, buildXml({ ...parseXml(genuine), total_fee: '1' }))).toBeNull();
    // Forged with a guessed key.
    expect(gw.verifyNotice({}, resign({ ...good, total_fee: '1' }, 'not-the-key'))).toBeNull();
    // Signed with our key but addressed to another merchant or app (a key shared across shops).
    expect(gw.verifyNotice({}, resign({ ...good, mch_id: '19999999' }))).toBeNull();
    expect(gw.verifyNotice({}, resign({ ...good, appid: 'wx0000000000000000' }))).toBeNull();
    expect(gw.verifyNotice({}, resign({ ...good, sub_mch_id: '1555' }))).toBeNull();
    // Replayed into another merchant: its own key and ids do not accept ours.
    expect(peekWechatNoticeMerchant(genuine)).toEqual({ appId: fake.appId, mchId: fake.mchId, subMchId: null });
    const other = { appId: 'wxotherotherother0', mchId: '10000999', apiKey: 'b'.repeat(32) };
    expect(verifyWechatNotice(other, {}, genuine)).toBeNull();
    expect(verifyWechatNotice({ ...other, apiKey: fake.apiKey }, {}, genuine)).toBeNull();
    // Not our trade number shape, unsigned, DOCTYPE, MD5.
    expect(gw.verifyNotice({}, resign({ ...good, out_trade_no: '../../x' }))).toBeNull();
    const { sign: _s, ...unsigned } = parseXml(genuine);
    expect(gw.verifyNotice({}, buildXml(unsigned))).toBeNull();
    expect(gw.verifyNotice({}, `<!DOCTYPE xml [<!ENTITY a "b">]>${genuine}`)).toBeNull();
    expect(gw.verifyNotice({}, resign({ ...good, sign_type: 'MD5' }))).toBeNull();
    expect(gw.noticeReply(false).body).toContain('<return_code><![CDATA[FAIL]]>');
  });

  it('cancelling an unpaid Native trade closes it; a paid one stays paid (for a refund)', async () => {
    const r = req({ authCode: undefined });
    await gw.precreate(r, null);
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'closed' });
    expect(fake.trades.get(r.tradeNo)!.state).toBe('CLOSED');
    await expect(fake.customerPays(r.tradeNo)).rejects.toThrow(/CLOSED/);

    const r2 = req({ authCode: undefined });
    await gw.precreate(r2, null);
    await fake.customerPays(r2.tradeNo);
    expect(await gw.cancel(r2.tradeNo)).toMatchObject({ state: 'paid', amount: 1234 });
    expect(fake.kept(r2.tradeNo)).toBe(1234);
  });
});

describe('credentials', () => {
  it('testConnection: ORDERNOTEXIST proves the key', async () => {
    expect(await gw.testConnection()).toEqual({ ok: true });
  });

  it('a request signed with the wrong key is refused by the fake and moves nothing', async () => {
    const wrong = createWechatGateway(cfgFor(fake, { apiKey: 'a'.repeat(32) }));
    expect(await wrong.testConnection()).toMatchObject({ ok: false, code: 'SIGNERROR' });
    const r = req();
    expect(await wrong.pay(r)).toMatchObject({ state: 'unknown', code: 'SIGNERROR' });
    expect(fake.trades.has(r.tradeNo)).toBe(false);
  });

  it('another merchant id is refused by the fake', async () => {
    const wrong = createWechatGateway(cfgFor(fake, { mchId: '10000999' }));
    expect(await wrong.testConnection()).toMatchObject({ ok: false });
    const r = req();
    expect((await wrong.pay(r)).state).not.toBe('paid');
    expect(fake.trades.has(r.tradeNo)).toBe(false);
  });

  it('the fake refuses a body with a DOCTYPE', async () => {
    const fields: Record<string, string> = {
      appid: fake.appId,
      mch_id: fake.mchId,
      nonce_str: 'n1',
      sign_type: 'HMAC-SHA256',
      out_trade_no: 'X1',
    };
    fields.sign = wechatSign(fields, fake.apiKey);
    const body = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/hostname">]>${buildXml(fields)}`;
    const res = await fetch(`${fake.url}/pay/orderquery`, { method: 'POST', body });
    expect(parseXml(await res.text())).toMatchObject({ return_code: 'FAIL' });
  });

  it('cannot reach WeChat: unknown at once, not a hang', async () => {
    const dead = createWechatGateway(cfgFor(fake, { baseUrl: 'http://127.0.0.1:1' }));
    const t0 = Date.now();
    expect(await dead.pay(req())).toMatchObject({ state: 'unknown', code: 'NETWORK' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('production reverse and refund without the API client certificate are refused before sending', async () => {
    const prod = createWechatGateway({ mode: 'production', appId: 'wx1', mchId: '1', apiKey: 'k', baseUrl: 'https://127.0.0.1:1' });
    expect(await prod.refund({ tradeNo: 'T', refundNo: 'R', amount: 1, total: 1, currency: 'CNY', reason: '' })).toMatchObject({
      state: 'failed',
      code: 'NO_CLIENT_CERT',
    });
  });
});

describe('modes', () => {
  it('sandbox and training without an address refuse at once, sending nothing', async () => {
    for (const mode of ['sandbox', 'training'] as const) {
      const g = createWechatGateway({ mode, appId: 'wx1', mchId: '1', apiKey: 'k' });
      expect(await g.pay(req())).toMatchObject({ state: 'failed', code: 'NOT_CONFIGURED' });
      expect(await g.testConnection()).toMatchObject({ ok: false, code: 'NOT_CONFIGURED' });
    }
  });
});

describe('service-provider mode (sub-merchant)', () => {
  it('pays for the sub-merchant; answers and notices must name it', async () => {
    const sp = await startFakeWechat({ subMchId: '1900000109', latencyMs: 5 });
    try {
      const g = createWechatGateway(cfgFor(sp, { subMchId: '1900000109' }));
      expect(g.merchant).toBe('1900000109');
      const r = req();
      expect(await g.pay(r)).toMatchObject({ state: 'paid', amount: 1234 });
      expect(sp.kept(r.tradeNo)).toBe(1234);

      // Without the sub-merchant id the fake refuses: the shop's money cannot land at the provider.
      const bare = createWechatGateway(cfgFor(sp));
      const r2 = req();
      expect((await bare.pay(r2)).state).toBe('failed');
      expect(sp.trades.has(r2.tradeNo)).toBe(false);

      const q = req({ authCode: undefined });
      await g.precreate(q, 'http://127.0.0.1:1/none');
      const { notice } = await sp.customerPays(q.tradeNo);
      expect(g.verifyNotice({}, notice!)).toMatchObject({ merchant: '1900000109', answer: { state: 'paid' } });
      // The provider's own gateway (no sub-merchant) does not take a sub-merchant's notice, nor the reverse.
      expect(bare.verifyNotice({}, notice!)).toBeNull();
      expect(verifyWechatNotice({ appId: sp.appId, mchId: sp.mchId, subMchId: '1900000110', apiKey: sp.apiKey }, {}, notice!)).toBeNull();
    } finally {
      await sp.close();
    }
  });
});
