import { createServer } from 'node:net';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlipayConfigError,
  CONFIG_FIELDS,
  createAlipayGateway,
  fenToYuan,
  SECRET_FIELDS,
  verifyAlipayNotice,
  yuanToFen,
} from '../../../src/main/payments/alipay';
import { issueCertificate, chainsToRoot } from '../../../src/main/payments/alipay/x509';
import { startFakeAlipay, type FakeAlipay } from '../../../src/main/payments/fakes/alipay';

describe('Alipay amounts', () => {
  it('writes fen as exact yuan strings', () => {
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(10)).toBe('0.10');
    expect(fenToYuan(100)).toBe('1.00');
    expect(fenToYuan(123456)).toBe('1234.56');
    expect(fenToYuan(10_000_000_000)).toBe('100000000.00');
    expect(() => fenToYuan(0)).toThrow();
    expect(() => fenToYuan(1.5)).toThrow();
    expect(() => fenToYuan(-1)).toThrow();
  });
  it('reads yuan strings into fen without floating point', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('1234.56')).toBe(123456);
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('-1.00')).toBeNull();
    expect(yuanToFen('1e3')).toBeNull();
    expect(yuanToFen('')).toBeNull();
    expect(yuanToFen(12)).toBeNull();
    for (let fen = 1; fen < 2000; fen += 7) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
  });
});

describe('Alipay configuration', () => {
  let fake: FakeAlipay;
  let certFake: FakeAlipay;
  let otherCertFake: FakeAlipay;
  beforeAll(async () => {
    [fake, certFake, otherCertFake] = await Promise.all([
      startFakeAlipay(),
      startFakeAlipay({ keyMode: 'cert' }),
      startFakeAlipay({ keyMode: 'cert' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fake.close(), certFake.close(), otherCertFake.close()]);
  });

  it('names its settings and secrets', () => {
    expect([...CONFIG_FIELDS]).toEqual(['appId', 'keyMode']);
    expect([...SECRET_FIELDS]).toEqual(['privateKey', 'alipayPublicKey', 'appCert', 'alipayPublicCert', 'alipayRootCert']);
  });

  it('accepts the keys as Alipay hands them out: bare base64 PKCS8 or PKCS1, or PEM', async () => {
    const { privateKey } = await import('node:crypto').then((c) => ({ privateKey: c.createPrivateKey(fake.merchantPrivateKey!) }));
    const bare = (der: Buffer) => der.toString('base64');
    const alipayBare = fake.alipayPublicKey.replace(/-----[^-]+-----|\s/g, '');
    for (const key of [
      bare(privateKey.export({ type: 'pkcs8', format: 'der' })),
      bare(privateKey.export({ type: 'pkcs1', format: 'der' })),
      privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    ]) {
      const gw = createAlipayGateway({
        mode: 'training',
        baseUrl: fake.url,
        appId: fake.appId,
        keyMode: 'publicKey',
        privateKey: key,
        alipayPublicKey: alipayBare,
      });
      expect(await gw.testConnection()).toEqual({ ok: true });
    }
  });

  it('refuses what it cannot use, naming the field and never the key', () => {
    const base = {
      mode: 'training' as const,
      baseUrl: fake.url,
      appId: fake.appId,
      keyMode: 'publicKey' as const,
      alipayPublicKey: fake.alipayPublicKey,
    };
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AlipayConfigError);
        expect(String((e as Error).message)).not.toMatch(/MII/);
        return (e as AlipayConfigError).field;
      }
      return null;
    };
    expect(fieldOf(() => createAlipayGateway({ ...base, privateKey: 'not a key' }))).toBe('privateKey');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(fieldOf(() => createAlipayGateway({ ...base, privateKey: small }))).toBe('privateKey');
    expect(fieldOf(() => createAlipayGateway({ ...base, privateKey: fake.merchantPrivateKey!, alipayPublicKey: 'MIIB' }))).toBe(
      'alipayPublicKey',
    );
    expect(fieldOf(() => createAlipayGateway({ ...base, privateKey: fake.merchantPrivateKey!, appId: '12ab' }))).toBe('appId');
    expect(fieldOf(() => createAlipayGateway({ ...base, privateKey: fake.merchantPrivateKey!, baseUrl: undefined }))).toBe('baseUrl');
    // The sandbox and production hosts need no base URL.
    expect(createAlipayGateway({ ...base, privateKey: fake.merchantPrivateKey!, baseUrl: undefined, mode: 'sandbox' }).mode).toBe(
      'sandbox',
    );
  });

  it('certificate mode: refuses an Alipay certificate that does not chain to the root, and an app certificate for another key', () => {
    const cert = {
      mode: 'training' as const,
      baseUrl: certFake.url,
      appId: certFake.appId,
      keyMode: 'cert' as const,
      privateKey: certFake.merchantPrivateKey!,
      appCert: certFake.appCert!,
      alipayPublicCert: certFake.alipayPublicCert!,
      alipayRootCert: certFake.alipayRootCert!,
    };
    expect(() => createAlipayGateway(cert)).not.toThrow();
    expect(() => createAlipayGateway({ ...cert, alipayPublicCert: otherCertFake.alipayPublicCert! })).toThrow(/chain/);
    expect(() => createAlipayGateway({ ...cert, appCert: otherCertFake.appCert! })).toThrow(/does not match/);
    expect(() => createAlipayGateway({ ...cert, alipayRootCert: undefined })).toThrow(AlipayConfigError);
    // Expired: the same certificates a year and a half later.
    expect(() => createAlipayGateway({ ...cert, now: () => Date.now() + 550 * 86_400_000 })).toThrow(/expired/);
  });

  it('a chain through an intermediate is accepted; a self-made look-alike root is not', () => {
    const k = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [root, mid, leaf, fakeRoot] = [k(), k(), k(), k()];
    const t = Date.now();
    const span = { notBefore: t - 1000, notAfter: t + 86_400_000 };
    const rootDn = { C: 'CN', O: 'Ant Financial', OU: 'Certification Authority', CN: 'Ant Financial Certification Authority R1' };
    const midDn = { C: 'CN', O: 'Ant Financial', OU: 'Certification Authority', CN: 'Ant Financial Certification Authority Class 2 R1' };
    const rootPem = issueCertificate({
      subject: rootDn,
      subjectKey: root.publicKey,
      issuer: rootDn,
      issuerKey: root.privateKey,
      ca: true,
      ...span,
    });
    const midPem = issueCertificate({
      subject: midDn,
      subjectKey: mid.publicKey,
      issuer: rootDn,
      issuerKey: root.privateKey,
      ca: true,
      ...span,
    });
    const leafPem = issueCertificate({
      subject: { CN: 'alipay' },
      subjectKey: leaf.publicKey,
      issuer: midDn,
      issuerKey: mid.privateKey,
      ca: false,
      ...span,
    });
    expect(chainsToRoot(leafPem + midPem, rootPem, t)).toBe(true);
    expect(chainsToRoot(leafPem, rootPem, t)).toBe(false);
    const lookAlike = issueCertificate({
      subject: rootDn,
      subjectKey: fakeRoot.publicKey,
      issuer: rootDn,
      issuerKey: fakeRoot.privateKey,
      ca: true,
      ...span,
    });
    expect(chainsToRoot(leafPem + midPem, lookAlike, t)).toBe(false);
  });

  it('testConnection names the problem: wrong app id, unreachable host', async () => {
    const base = {
      mode: 'training' as const,
      baseUrl: fake.url,
      appId: fake.appId,
      keyMode: 'publicKey' as const,
      privateKey: fake.merchantPrivateKey!,
      alipayPublicKey: fake.alipayPublicKey,
    };
    expect(await createAlipayGateway({ ...base, appId: '2021000000000777' }).testConnection()).toMatchObject({
      ok: false,
      code: 'isv.invalid-app-id',
    });
    // A port nobody listens on: said at once, not after the timeout.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const offline = createAlipayGateway({ ...base, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 10_000 });
    const started = Date.now();
    expect(await offline.testConnection()).toMatchObject({ ok: false, code: 'UNREACHABLE' });
    expect(
      await offline.pay({ tradeNo: 'T-off', amount: 100, currency: 'CNY', subject: 's', authCode: '287654321098765432', terminal: 'T1' }),
    ).toMatchObject({
      state: 'unknown',
      code: 'UNREACHABLE',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('verifyAlipayNotice (the cloud side: no private key)', () => {
  let fake: FakeAlipay;
  let certFake: FakeAlipay;
  beforeAll(async () => {
    [fake, certFake] = await Promise.all([startFakeAlipay(), startFakeAlipay({ keyMode: 'cert' })]);
  });
  afterAll(async () => {
    await Promise.all([fake.close(), certFake.close()]);
  });

  async function paidNotice(f: FakeAlipay) {
    const no = `T1-N-${Date.now()}`;
    const { createAlipayGateway: make } = await import('../../../src/main/payments/alipay');
    const gw = make(
      f.keyMode === 'cert'
        ? {
            mode: 'training',
            baseUrl: f.url,
            appId: f.appId,
            keyMode: 'cert',
            privateKey: f.merchantPrivateKey!,
            appCert: f.appCert!,
            alipayPublicCert: f.alipayPublicCert!,
            alipayRootCert: f.alipayRootCert!,
          }
        : {
            mode: 'training',
            baseUrl: f.url,
            appId: f.appId,
            keyMode: 'publicKey',
            privateKey: f.merchantPrivateKey!,
            alipayPublicKey: f.alipayPublicKey,
          },
    );
    expect(
      await gw.precreate({ tradeNo: no, amount: 1999, currency: 'CNY', subject: '咖啡 & 蛋糕 100%', terminal: 'T2' }, null),
    ).toHaveProperty('qr');
    await f.customerPays(no);
    return { no, ...f.noticeFor(no) };
  }

  it('verifies with the Alipay public key, or with the public key inside the Alipay certificate', async () => {
    const n = await paidNotice(fake);
    expect(verifyAlipayNotice({ appId: fake.appId, alipayPublicKey: fake.alipayPublicKey }, n.headers, n.body)).toMatchObject({
      provider: 'alipay',
      merchant: fake.appId,
      tradeNo: n.no,
      answer: { state: 'paid', amount: 1999, buyer: expect.stringMatching(/^138\*{4}\d{4}$/) },
    });
    const c = await paidNotice(certFake);
    expect(verifyAlipayNotice({ appId: certFake.appId, alipayPublicCert: certFake.alipayPublicCert! }, c.headers, c.body)).toMatchObject({
      tradeNo: c.no,
      answer: { state: 'paid', amount: 1999 },
    });
    // Another Alipay's key (another fake) does not verify it.
    expect(verifyAlipayNotice({ appId: certFake.appId, alipayPublicKey: fake.alipayPublicKey }, c.headers, c.body)).toBeNull();
    expect(verifyAlipayNotice({ appId: certFake.appId }, c.headers, c.body)).toBeNull();
  });

  it('a notice signed over a different set of fields (sign_type included) or re-signed by someone else is refused', async () => {
    const n = await paidNotice(fake);
    const p = new URLSearchParams(n.body);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const fields = [...p.entries()].filter(([k]) => k !== 'sign').sort(([a], [b]) => (a < b ? -1 : 1));
    const content = fields.map(([k, v]) => `${k}=${v}`).join('&');
    p.set('sign', createSign('RSA-SHA256').update(content).sign(stranger, 'base64'));
    expect(verifyAlipayNotice({ appId: fake.appId, alipayPublicKey: fake.alipayPublicKey }, n.headers, p.toString())).toBeNull();
  });
});

describe('the fake Alipay gateway, spoken to directly', () => {
  let fake: FakeAlipay;
  beforeAll(async () => {
    fake = await startFakeAlipay({ onPay: (code) => (code.endsWith('0') ? { kind: 'waiting', times: 2 } : null) });
  });
  afterAll(async () => {
    await fake.close();
  });

  function signedRequest(params: Record<string, string>, key: string): URLSearchParams {
    const content = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    return new URLSearchParams({ ...params, sign: createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64') });
  }
  const common = () => ({
    app_id: fake.appId,
    method: 'alipay.trade.pay',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2026-12-06 16:00:00',
    version: '1.0',
  });

  it('refuses a request altered after it was signed, and takes no money', async () => {
    const no = `T1-RAW-${Date.now()}`;
    const biz = { out_trade_no: no, scene: 'bar_code', auth_code: '287654321098765431', subject: 's', total_amount: '100.00' };
    const signed = signedRequest({ ...common(), biz_content: JSON.stringify(biz) }, fake.merchantPrivateKey!);
    signed.set('biz_content', JSON.stringify({ ...biz, total_amount: '0.01' }));
    const r = await fetch(`${fake.url}/gateway.do`, { method: 'POST', body: signed });
    const answer = (await r.json()) as { alipay_trade_pay_response: { code: string; sub_code: string }; sign: string };
    expect(answer.alipay_trade_pay_response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(typeof answer.sign).toBe('string');
    expect(fake.trades.has(no)).toBe(false);
    expect(fake.collected()).toBe(0);

    // The same request unaltered is accepted.
    const good = signedRequest({ ...common(), biz_content: JSON.stringify(biz) }, fake.merchantPrivateKey!);
    const ok = (await (await fetch(`${fake.url}/gateway.do`, { method: 'POST', body: good })).json()) as {
      alipay_trade_pay_response: { code: string; total_amount: string };
    };
    expect(ok.alipay_trade_pay_response).toMatchObject({ code: '10000', total_amount: '100.00' });
    expect(fake.trades.get(no)!.paid).toBe(10000);
  });

  it('training rules: a code ending in 0 asks the customer to confirm', async () => {
    const gw = createAlipayGateway({
      mode: 'training',
      baseUrl: fake.url,
      appId: fake.appId,
      keyMode: 'publicKey',
      privateKey: fake.merchantPrivateKey!,
      alipayPublicKey: fake.alipayPublicKey,
    });
    const no = `T1-TR-${Date.now()}`;
    expect(
      await gw.pay({ tradeNo: no, amount: 100, currency: 'CNY', subject: 's', authCode: '287654321098765430', terminal: 'T1' }),
    ).toMatchObject({
      state: 'waiting',
    });
    expect(await gw.query(no)).toMatchObject({ state: 'waiting' });
    expect(await gw.query(no)).toMatchObject({ state: 'paid', amount: 100 });
  });
});
