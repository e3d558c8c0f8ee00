/**
 * Buyer accounts under the operator's settings: cookies marked Secure behind TLS, a shop with no
 * mail server, a mail server that fails, and the per-address rate limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { buildCloudApp } from '../../../src/cloud/server';
import { createOrg } from '../../../src/cloud/tenancy';
import { startTestCloud, type TestCloud } from '../../support/cloud';
import { ShopBrowser } from '../../support/shop-browser';

let tls: TestCloud;
/** A second app on the same database, with a mail server that fails (one database starts faster than two). */
let broken: { app: Hono; url: string };
let tlsStore: string;
let brokenStore: string;

async function store(cloud: TestCloud): Promise<string> {
  return (await createOrg(cloud.deps, { orgName: 'Org', storeName: 'Shop', terminalName: 'Till', terminalCode: 'T1' })).store.id;
}

beforeAll(async () => {
  tls = await startTestCloud({ shop: { secureCookies: true, rateLimit: { burst: 3, perMinute: 1 } } });
  const app = buildCloudApp(tls.deps, {
    rateLimit: false,
    shop: {
      rateLimit: false,
      publicUrl: 'https://shop.example.test/',
      mail: { send: () => Promise.reject(new Error('mail server down')) },
    },
  }) as unknown as Hono;
  broken = { app, url: tls.url };
  tlsStore = await store(tls);
  brokenStore = await store(tls);
});
afterAll(async () => {
  await tls.close();
});

describe('behind TLS, without mail', () => {
  it('marks the session cookie Secure', async () => {
    const b = new ShopBrowser(tls.app, tls.url, { ip: '10.0.0.1' });
    const res = await b.post(`/shop/${tlsStore}/account/signup`, { login: 'tls@example.test', name: 'T', password: 'tls pass 1234' });
    expect(res.status).toBe(303);
    expect(b.lastSetCookie.shop_session).toMatch(/; Secure/);
    expect(b.lastSetCookie.shop_session).toMatch(/HttpOnly/);
  });

  it('signs up without mail, and says the address cannot be verified or a password reset online', async () => {
    const b = new ShopBrowser(tls.app, tls.url, { ip: '10.0.0.2', lang: 'zh-CN' });
    const res = await b.post(`/shop/${tlsStore}/account/signup`, {
      login: 'nomail@example.test',
      name: '张三',
      password: 'no mail pass 1',
    });
    expect(res.headers.get('location')).toBe(`/shop/${tlsStore}/account?notice=mailUnavailable`);
    const page = (await b.visit(res.headers.get('location')!)).text;
    expect(page).toContain('本店暂时无法发送邮件');
    expect(page).not.toContain('重新发送验证邮件');
    const forgot = (await b.visit(`/shop/${tlsStore}/account/forgot`)).text;
    expect(forgot).toContain('不能在线重置密码');
  });

  it('limits sign-in attempts per client address, in the buyer’s language', async () => {
    const b = new ShopBrowser(tls.app, tls.url, { ip: '10.0.0.3', lang: 'zh-CN' });
    for (let i = 0; i < 3; i++)
      expect((await b.post(`/shop/${tlsStore}/account/signin`, { login: 'x@example.test', password: `guess ${i}` })).status).toBe(401);
    const res = await b.post(`/shop/${tlsStore}/account/signin`, { login: 'x@example.test', password: 'guess 4' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.text()).toContain('尝试次数过多');
    // Another address is not held back; forgot and sign-up have their own buckets.
    const other = new ShopBrowser(tls.app, tls.url, { ip: '10.0.0.4' });
    expect((await other.post(`/shop/${tlsStore}/account/signin`, { login: 'x@example.test', password: 'guess' })).status).toBe(401);
    for (let i = 0; i < 3; i++) await b.post(`/shop/${tlsStore}/account/signup`, { login: `s${i}@example.test`, name: 'S', password: 'p' });
    expect((await b.post(`/shop/${tlsStore}/account/signup`, { login: 's9@example.test', name: 'S', password: 'p' })).status).toBe(429);
  });
});

describe('when the mail server fails', () => {
  it('still creates the account and says the mail could not be sent; a reset request answers as usual', async () => {
    const b = new ShopBrowser(broken.app, broken.url);
    const res = await b.post(`/shop/${brokenStore}/account/signup`, { login: 'down@example.test', name: 'D', password: 'mail down pass' });
    expect(res.headers.get('location')).toBe(`/shop/${brokenStore}/account?notice=mailFailed`);
    expect((await b.visit(res.headers.get('location')!)).text).toContain('We could not send the email just now');
    const again = await b.post(`/shop/${brokenStore}/account/verify/resend`, {});
    expect(again.headers.get('location')).toBe(`/shop/${brokenStore}/account?notice=mailFailed`);
    const forgot = await new ShopBrowser(broken.app, broken.url).post(`/shop/${brokenStore}/account/forgot`, {
      email: 'down@example.test',
    });
    expect(forgot.status).toBe(200);
    expect(await forgot.text()).toContain('If an account exists for down@example.test');
  });
});
