import { createServer, type Server } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipaySdk } from 'alipay-sdk';
import { createAlipayGateway, type AlipayConfig } from '../../../src/main/payments/alipay';
import { startFakeAlipay, type FakeAlipay } from '../../../src/main/payments/fakes/alipay';
import type { PaymentGateway, PayRequest, RefundRequest, VerifiedNotice } from '../../../src/main/payments/gateway';

const CODE = '287654321098765432'; // an Alipay payment code: 18 digits beginning 28
let seq = 0;
const tradeNo = () => `T1-${Date.now()}-${++seq}`;
const payReq = (amount = 1234, over: Partial<PayRequest> = {}): PayRequest => ({
  tradeNo: tradeNo(),
  amount,
  currency: 'CNY',
  subject: '小店 Order 1001',
  authCode: CODE,
  terminal: 'T1',
  ...over,
});

function configFor(fake: FakeAlipay, over: Partial<AlipayConfig> = {}): AlipayConfig {
  const base = {
    mode: 'training' as const,
    baseUrl: fake.url,
    appId: fake.appId,
    privateKey: fake.merchantPrivateKey!,
    timeoutMs: 3000,
    pollIntervalMs: 20,
  };
  return fake.keyMode === 'cert'
    ? {
        ...base,
        keyMode: 'cert',
        appCert: fake.appCert!,
        alipayPublicCert: fake.alipayPublicCert!,
        alipayRootCert: fake.alipayRootCert!,
        ...over,
      }
    : { ...base, keyMode: 'publicKey', alipayPublicKey: fake.alipayPublicKey, ...over };
}

describe.each(['publicKey', 'cert'] as const)('Alipay gateway against the fake (%s mode)', (keyMode) => {
  let fake: FakeAlipay;
  let gw: PaymentGateway;
  let notices: { headers: Record<string, string>; body: string; verified: VerifiedNotice | null }[];
  let notifyServer: Server;
  let notifyUrl: string;

  beforeAll(async () => {
    fake = await startFakeAlipay({ keyMode });
    gw = createAlipayGateway(configFor(fake));
    notices = [];
    // Stands in for the cloud's notification endpoint: verifies and answers what Alipay expects.
    notifyServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { 'content-type': String(req.headers['content-type'] ?? '') };
        const verified = gw.verifyNotice(headers, body);
        notices.push({ headers, body, verified });
        const reply = gw.noticeReply(verified !== null);
        res.writeHead(reply.status, reply.headers).end(reply.body);
      });
    });
    await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', () => r()));
    const addr = notifyServer.address();
    notifyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/payments/alipay/notify`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise<void>((r) => notifyServer.close(() => r()));
  });

  it('pays a scanned code: paid with the exact amount and a masked buyer, and the money is at the fake', async () => {
    const req = payReq(1234);
    const before = fake.collected();
    const answer = await gw.pay(req);
    expect(answer).toMatchObject({ state: 'paid', amount: 1234, brand: null });
    if (answer.state !== 'paid') throw new Error('not paid');
    expect(answer.buyer).toMatch(/^138\*{4}\d{4}$/);
    const t = fake.trades.get(req.tradeNo)!;
    expect(t.tradeNo).toBe(answer.providerRef);
    expect(t.paid).toBe(1234);
    expect(t.status).toBe('TRADE_SUCCESS');
    expect(fake.collected() - before).toBe(1234);
    expect(gw.merchant).toBe(fake.appId);
  });

  it('amounts cross the wire as exact yuan strings', async () => {
    for (const amount of [1, 10, 99, 100, 101, 123456789]) {
      const req = payReq(amount);
      const answer = await gw.pay(req);
      expect(answer).toMatchObject({ state: 'paid', amount });
      expect(fake.trades.get(req.tradeNo)!.paid).toBe(amount);
    }
  });

  it('waits while the customer confirms (10003), then the query finds it paid', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'waiting', times: 3 });
    const req = payReq(500);
    const first = await gw.pay(req);
    expect(first.state).toBe('waiting');
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(0);
    const states: string[] = [first.state];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, gw.pollIntervalMs));
      const a = await gw.query(req.tradeNo);
      states.push(a.state);
      if (a.state === 'paid') {
        expect(a.amount).toBe(500);
        break;
      }
    }
    expect(states).toEqual(['waiting', 'waiting', 'waiting', 'paid']);
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(500);
  });

  it('a system error (20000) is unknown, and the query that follows finds no trade', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'system_error' });
    const req = payReq();
    expect(await gw.pay(req)).toMatchObject({ state: 'unknown' });
    expect(await gw.query(req.tradeNo)).toEqual({ state: 'not_found' });
    expect(fake.trades.has(req.tradeNo)).toBe(false);
  });

  it('ACQ.SYSTEM_ERROR after the charge is unknown, and the query finds it paid', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'system_error_after' });
    const req = payReq(777);
    expect(await gw.pay(req)).toMatchObject({ state: 'unknown', code: 'ACQ.SYSTEM_ERROR' });
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'paid', amount: 777 });
  });

  it('an answer later than the timeout is unknown', async () => {
    const quick = createAlipayGateway(configFor(fake, { timeoutMs: 300 }));
    fake.script({ method: 'alipay.trade.pay', kind: 'hang' });
    const req = payReq();
    const started = Date.now();
    expect(await quick.pay(req)).toMatchObject({ state: 'unknown', code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a charge whose answer is lost is resent once by the SDK (urllib) and charged once', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'drop_after' });
    const req = payReq(2400);
    expect(await gw.pay(req)).toMatchObject({ state: 'paid', amount: 2400 });
    // urllib resends a POST once after a dropped socket; alipay.trade.pay is idempotent by out_trade_no.
    expect(fake.requests.filter((r) => r.outTradeNo === req.tradeNo)).toHaveLength(2);
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(2400);
  });

  it('a charge whose answers are all lost is unknown, then the query finds it paid', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'drop_after' }, { method: 'alipay.trade.pay', kind: 'drop_after' });
    const req = payReq(2500);
    const answer = await gw.pay(req);
    expect(answer).toMatchObject({ state: 'unknown', code: 'CONNECTION_LOST' });
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(2500);
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'paid', amount: 2500 });
    // Sending the same pay again does not charge twice.
    expect(await gw.pay(req)).toMatchObject({ state: 'paid', amount: 2500 });
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(2500);
  });

  it('declines are failed and move no money', async () => {
    const before = fake.collected();
    fake.script({ method: 'alipay.trade.pay', kind: 'decline', subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    expect(await gw.pay(payReq())).toMatchObject({ state: 'failed', code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    fake.script({ method: 'alipay.trade.pay', kind: 'decline', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    expect(await gw.pay(payReq())).toMatchObject({ state: 'failed', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    // A WeChat Pay code sent to Alipay: the fake refuses it as Alipay does.
    expect(await gw.pay(payReq(100, { authCode: '134567890123456789' }))).toMatchObject({
      state: 'failed',
      code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
    });
    expect(fake.collected()).toBe(before);
  });

  it('an answer with a bad signature is unknown even though it says paid', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'bad_signature' });
    const req = payReq(300);
    expect(await gw.pay(req)).toMatchObject({ state: 'unknown', code: 'BAD_ANSWER_SIGNATURE' });
    // The money did move: only a verified query may say so.
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'paid', amount: 300 });
  });

  it('a forged query answer is unknown', async () => {
    const req = payReq(310);
    await gw.pay(req);
    fake.script({ method: 'alipay.trade.query', kind: 'bad_signature' });
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'unknown', code: 'BAD_ANSWER_SIGNATURE' });
  });

  it('refuses a currency other than CNY without calling Alipay', async () => {
    const count = fake.requests.length;
    expect(await gw.pay(payReq(100, { currency: 'USD' }))).toMatchObject({ state: 'failed', code: 'CURRENCY_NOT_SUPPORTED' });
    expect(await gw.precreate(payReq(100, { currency: 'EUR' }), notifyUrl)).toMatchObject({ state: 'failed' });
    expect(fake.requests.length).toBe(count);
  });

  it('precreates a QR; the customer pays; the signed notification is verified once per delivery and names the trade', async () => {
    const req = payReq(4200);
    const qr = await gw.precreate(req, notifyUrl);
    expect(qr).toMatchObject({ qr: expect.stringMatching(/^https:\/\/qr\.alipay\.com\//) });
    // Until the customer scans, Alipay has no such trade.
    expect(await gw.query(req.tradeNo)).toEqual({ state: 'not_found' });
    fake.customerScans(req.tradeNo);
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'waiting' });
    notices.length = 0;
    const replies = await fake.customerPays(req.tradeNo, { times: 2 });
    expect(replies).toEqual([
      { status: 200, body: 'success' },
      { status: 200, body: 'success' },
    ]);
    expect(notices).toHaveLength(2);
    const v = notices[0]!.verified!;
    expect(v).toMatchObject({ provider: 'alipay', merchant: fake.appId, tradeNo: req.tradeNo, answer: { state: 'paid', amount: 4200 } });
    expect(notices[1]!.verified!.eventId).toBe(v.eventId);
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(4200);
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'paid', amount: 4200 });

    // The SDK's own notification check agrees with ours on the same body (the fake signs as Alipay does).
    const sdk = new AlipaySdk({
      appId: fake.appId,
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      keyType: 'PKCS8',
      alipayPublicKey: fake.alipayPublicKey,
    });
    expect(sdk.checkNotifySignV2(Object.fromEntries(new URLSearchParams(notices[0]!.body)))).toBe(true);
  });

  it('refuses forged, altered, misaddressed and malformed notifications', async () => {
    const req = payReq(900);
    await gw.precreate(req, notifyUrl);
    notices.length = 0;
    const replies = await fake.customerPays(req.tradeNo, { badSignature: true });
    expect(replies).toEqual([{ status: 200, body: 'fail' }]);
    expect(notices[0]!.verified).toBeNull();

    const genuine = fake.noticeFor(req.tradeNo);
    expect(gw.verifyNotice(genuine.headers, genuine.body)).toMatchObject({ answer: { state: 'paid', amount: 900 } });
    const edit = (f: (p: URLSearchParams) => void) => {
      const p = new URLSearchParams(genuine.body);
      f(p);
      return gw.verifyNotice(genuine.headers, p.toString());
    };
    expect(edit((p) => p.set('total_amount', '0.01'))).toBeNull();
    expect(edit((p) => p.set('out_trade_no', 'T1-someone-else'))).toBeNull();
    expect(edit((p) => p.set('trade_status', 'TRADE_SUCCESS'))).not.toBeNull(); // unchanged value still verifies
    expect(edit((p) => p.set('trade_status', 'TRADE_FINISHED'))).toBeNull();
    expect(edit((p) => p.delete('sign'))).toBeNull();
    expect(edit((p) => p.append('total_amount', '0.01'))).toBeNull();
    expect(edit((p) => p.set('sign_type', 'RSA'))).toBeNull();
    expect(gw.verifyNotice({ 'content-type': 'application/json' }, genuine.body)).toBeNull();
    // Properly signed by Alipay, but for another app: not ours.
    const other = fake.noticeFor(req.tradeNo, { appId: '2021000000009999' });
    expect(gw.verifyNotice(other.headers, other.body)).toBeNull();
  });

  it('a refund retried after a lost answer, with the same request number, is paid once', async () => {
    const req = payReq(1000);
    await gw.pay(req);
    const refund: RefundRequest = {
      tradeNo: req.tradeNo,
      refundNo: `R-${req.tradeNo}`,
      amount: 400,
      total: 1000,
      currency: 'CNY',
      reason: 'returned',
    };
    fake.script({ method: 'alipay.trade.refund', kind: 'drop_after' }, { method: 'alipay.trade.refund', kind: 'drop_after' });
    expect(await gw.refund(refund)).toMatchObject({ state: 'unknown' });
    expect(fake.trades.get(req.tradeNo)!.refunded).toBe(400);
    expect(await gw.queryRefund(refund)).toMatchObject({ state: 'refunded', amount: 400 });
    expect(await gw.refund(refund)).toMatchObject({ state: 'refunded', amount: 400 });
    expect(await gw.refund(refund)).toMatchObject({ state: 'refunded', amount: 400 });
    const t = fake.trades.get(req.tradeNo)!;
    expect(t.refunded).toBe(400);
    expect(t.refunds.size).toBe(1);
    // The same number with another amount is refused, not paid.
    expect(await gw.refund({ ...refund, amount: 500 })).toMatchObject({ state: 'failed' });
    // A second refund of the rest, then nothing more can go back.
    const rest = { ...refund, refundNo: `R2-${req.tradeNo}`, amount: 600 };
    expect(await gw.refund(rest)).toMatchObject({ state: 'refunded', amount: 600 });
    expect(await gw.refund({ ...refund, refundNo: `R3-${req.tradeNo}`, amount: 1 })).toMatchObject({ state: 'failed' });
    expect(t.paid - t.refunded).toBe(0);
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'closed' });
    // A refund Alipay never received: retrying is safe.
    expect(await gw.queryRefund({ ...refund, refundNo: 'R-never-sent' })).toMatchObject({ state: 'failed', code: 'REFUND_NOT_FOUND' });
  });

  it('cancelling a paid trade gives the money back (closed, refund action)', async () => {
    const req = payReq(880);
    await gw.pay(req);
    expect(fake.trades.get(req.tradeNo)!.paid).toBe(880);
    expect(await gw.cancel(req.tradeNo)).toMatchObject({ state: 'closed', code: 'CANCELLED_REFUNDED' });
    const t = fake.trades.get(req.tradeNo)!;
    expect(t.paid - t.refunded).toBe(0);
    expect(await gw.query(req.tradeNo)).toMatchObject({ state: 'closed' });
  });

  it('cancelling a waiting trade closes it; cancelling one that never arrived stops a late pay', async () => {
    fake.script({ method: 'alipay.trade.pay', kind: 'waiting', times: Infinity });
    const waiting = payReq(120);
    expect(await gw.pay(waiting)).toMatchObject({ state: 'waiting' });
    expect(await gw.cancel(waiting.tradeNo)).toMatchObject({ state: 'closed', code: 'CANCELLED' });
    expect(fake.trades.get(waiting.tradeNo)!.paid).toBe(0);

    const lost = payReq(130);
    expect(await gw.cancel(lost.tradeNo)).toMatchObject({ state: 'closed' });
    expect(await gw.pay(lost)).toMatchObject({ state: 'failed', code: 'ACQ.TRADE_HAS_CLOSE' });
    expect(fake.trades.get(lost.tradeNo)!.paid).toBe(0);
  });

  it('testConnection: one signed query of a trade that does not exist', async () => {
    expect(await gw.testConnection()).toEqual({ ok: true });
  });

  it('the fake refuses a request signed with another merchant key, and no trade is made', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // In the certificate mode the app certificate must match the key, so the stranger signs in the public-key mode.
    const wrong = createAlipayGateway({
      ...configFor(fake),
      keyMode: 'publicKey',
      privateKey: stranger,
      alipayPublicKey: fake.alipayPublicKey,
    });
    const req = payReq();
    const answer = await wrong.pay(req);
    if (keyMode === 'publicKey') expect(answer).toMatchObject({ state: 'failed', code: 'isv.invalid-signature' });
    else expect(answer).toMatchObject({ state: 'failed', code: 'isv.invalid-app-cert-sn' });
    expect(fake.trades.has(req.tradeNo)).toBe(false);
    expect(fake.requests.at(-1)!.refused).not.toBeNull();
    expect(await wrong.testConnection()).toMatchObject({ ok: false });
  });

  it("testConnection fails when Alipay's key is not the one configured", async () => {
    const otherAlipay = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const misconfigured = createAlipayGateway({ ...configFor(fake), keyMode: 'publicKey', alipayPublicKey: otherAlipay });
    if (keyMode === 'cert') return; // the cert fake asks for certificate serials; covered by the public-key run
    expect(await misconfigured.testConnection()).toMatchObject({ ok: false, code: 'BAD_ANSWER_SIGNATURE' });
    expect(await misconfigured.pay(payReq())).toMatchObject({ state: 'unknown', code: 'BAD_ANSWER_SIGNATURE' });
  });
});
