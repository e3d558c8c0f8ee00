/**
 * Reverse and refund (/secapi/…) need the merchant's API client certificate. The fake speaks plain
 * HTTP, so here a TLS front that demands a client certificate on /secapi stands before it, as
 * api.mch.weixin.qq.com does; certificates are made with the openssl command for each run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWechat, type FakeWechat } from '../../../src/main/payments/fakes/wechat';
import { createWechatGateway, type WechatConfig } from '../../../src/main/payments/wechat/gateway';

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

describe.skipIf(!hasOpenssl)('WeChat Pay /secapi over mutual TLS', () => {
  let dir: string;
  let fake: FakeWechat;
  let front: https.Server;
  let base: string;
  const pem: Record<string, string> = {};
  let p12 = '';

  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wechat-mtls-'));
    fake = await startFakeWechat();
    const subj = (cn: string): string[] => ['-subj', `/CN=${cn}`];
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      'server.key',
      '-out',
      'server.crt',
      ...subj('127.0.0.1'),
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    );
    for (const who of ['client', 'stranger'])
      ssl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        `${who}.key`,
        '-out',
        `${who}.crt`,
        ...subj(`${fake.mchId}_${who}`),
      );
    ssl('pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.crt', '-out', 'client.p12', '-passout', `pass:${fake.mchId}`);
    for (const f of ['server.key', 'server.crt', 'client.key', 'client.crt', 'stranger.key', 'stranger.crt'])
      pem[f] = readFileSync(join(dir, f), 'utf8');
    p12 = readFileSync(join(dir, 'client.p12')).toString('base64');

    front = https.createServer(
      { key: pem['server.key'], cert: pem['server.crt'], ca: [pem['client.crt']!], requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const trusted = (req.socket as TLSSocket).authorized;
        if ((req.url ?? '').startsWith('/secapi/') && !trusted) {
          res.writeHead(403).end('client certificate required');
          return;
        }
        const inner = http.request(
          `${fake.url}${req.url}`,
          { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'text/xml' } },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(inner);
      },
    );
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    base = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    front?.closeAllConnections();
    await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cfg = (over: Partial<WechatConfig>): WechatConfig => ({
    mode: 'production',
    appId: fake.appId,
    mchId: fake.mchId,
    apiKey: fake.apiKey,
    baseUrl: base,
    serverCa: pem['server.crt'],
    timeoutMs: 3000,
    pollIntervalMs: 5,
    ...over,
  });
  const pay = async (gw: ReturnType<typeof createWechatGateway>, tradeNo: string): Promise<void> => {
    const a = await gw.pay({ tradeNo, amount: 600, currency: 'CNY', subject: 'x', authCode: '134567890123456789', terminal: 'T1' });
    expect(a.state).toBe('paid');
  };
  const refund = (tradeNo: string) => ({ tradeNo, refundNo: `R-${tradeNo}`, amount: 600, total: 600, currency: 'CNY', reason: '' });

  it('refunds and reverses with the PEM client certificate', async () => {
    const gw = createWechatGateway(cfg({ apiClientCert: pem['client.crt'], apiClientKey: pem['client.key'] }));
    expect(await gw.testConnection()).toEqual({ ok: true });
    await pay(gw, 'MT1');
    expect(await gw.refund(refund('MT1'))).toMatchObject({ state: 'refunded', amount: 600 });
    expect(fake.kept('MT1')).toBe(0);
    await pay(gw, 'MT2');
    expect(await gw.cancel('MT2')).toMatchObject({ state: 'closed' });
    expect(fake.kept('MT2')).toBe(0);
  });

  it('refunds with the PKCS#12 (password: the merchant id)', async () => {
    const gw = createWechatGateway(cfg({ apiClientP12: p12 }));
    expect(await gw.testConnection()).toEqual({ ok: true });
    await pay(gw, 'MT3');
    expect(await gw.refund(refund('MT3'))).toMatchObject({ state: 'refunded', amount: 600 });
    expect(fake.kept('MT3')).toBe(0);
  });

  it('without a certificate, or with one WeChat does not know, nothing is refunded', async () => {
    const none = createWechatGateway(cfg({}));
    await pay(none, 'MT4');
    expect(await none.refund(refund('MT4'))).toMatchObject({ state: 'failed', code: 'NO_CLIENT_CERT' });
    const stranger = createWechatGateway(cfg({ apiClientCert: pem['stranger.crt'], apiClientKey: pem['stranger.key'] }));
    expect((await stranger.refund(refund('MT4'))).state).toBe('unknown');
    expect(fake.kept('MT4')).toBe(600);
  });

  it('testConnection reports a key that does not match its certificate', async () => {
    const gw = createWechatGateway(cfg({ apiClientCert: pem['client.crt'], apiClientKey: pem['stranger.key'] }));
    expect(await gw.testConnection()).toMatchObject({ ok: false, code: 'CLIENT_CERT' });
  });

  it('does not trust a server certificate outside the public roots and serverCa', async () => {
    const gw = createWechatGateway(cfg({ serverCa: undefined }));
    expect(await gw.query('MT1')).toMatchObject({ state: 'unknown', code: 'NETWORK' });
  });
});
