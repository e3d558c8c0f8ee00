/**
 * Buyer accounts, as a buyer and as an attacker: sign-up in Chinese with the verification mail
 * read from a local SMTP sink, sign-in and out, password reset, lockout, enumeration, CSRF,
 * cookie flags, tenancy, replayed and expired links, open redirects, escaping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { createOrg } from '../../../src/cloud/tenancy';
import { backends, notePostgresSkip, startTestCloud, type TestCloud } from '../../support/cloud';
import { ShopBrowser } from '../../support/shop-browser';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';

notePostgresSkip();
const PUBLIC = 'https://shop.example.test';
let cloud: TestCloud;
let sink: SmtpSink;
let skew = 0;
let storeA: string;
let storeB: string;
let n = 0;

async function newStore(orgName: string): Promise<string> {
  n += 1;
  const e = await createOrg(cloud.deps, { orgName, storeName: `${orgName} store`, terminalName: 'Till', terminalCode: `T${n}` });
  return e.store.id;
}

const browser = (o: { lang?: string; ip?: string } = {}) => new ShopBrowser(cloud.app, cloud.url, o);
/** The page's status line for the buyer: the first `role="status"` paragraph. */
const status = (text: string) => /<p class="(?:ok|err)" role="status">([^<]*)<\/p>/.exec(text)?.[1] ?? null;

async function signUp(b: ShopBrowser, store: string, login: string, password = 'correct horse 1', name = 'Buyer') {
  return b.post(`/shop/${store}/account/signup`, { login, name, password });
}
async function signIn(b: ShopBrowser, store: string, login: string, password: string, extra: Record<string, string> = {}) {
  return b.post(`/shop/${store}/account/signin`, { login, password, ...extra });
}
/** Follows the path of a mailed link inside the test cloud (the link starts with the public URL). */
const pathOf = (link: string) => {
  const u = new URL(link);
  expect(u.origin).toBe(PUBLIC);
  return `${u.pathname}${u.search}`;
};

describe.each(backends())('buyer accounts on %s', (backend) => {
  beforeAll(async () => {
    sink = await startSmtpSink();
    const started = Date.now();
    cloud = await startTestCloud({
      backend,
      clock: () => started + (Date.now() - started) + skew,
      shop: { mail: { url: sink.url, from: 'Shop <shop@example.test>' }, publicUrl: PUBLIC },
    });
    storeA = await newStore('Org A');
    storeB = await newStore('Org B');
  });
  afterAll(async () => {
    await cloud.close();
    await sink.close();
  });

  describe('signing up and verifying the email', () => {
    it('a buyer signs up in Chinese, gets the mail in Chinese and verifies through its link, once', async () => {
      const b = browser({ lang: 'zh-CN' });
      const res = await signUp(b, storeA, '  Li.Lei@Example.TEST ', 'correct horse 1', '李雷');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/shop/${storeA}/account?notice=verifySent`);
      const account = await b.visit(res.headers.get('location')!);
      expect(account.text).toContain('李雷');
      expect(account.text).toContain('li.lei@example.test');
      expect(account.text).toContain('尚未验证');
      expect(status(account.text)).toContain('验证邮件已发送至 li.lei@example.test');

      const mail = await sink.waitFor('li.lei@example.test');
      expect(mail.subject).toBe(`请确认您在 Org A store 的邮箱`);
      expect(mail.text).toContain('李雷，您好');
      const link = sink.link(mail, `${PUBLIC}/shop/${storeA}/account/verify?token=`);
      const verified = await b.visit(pathOf(link));
      expect(verified.res.status).toBe(200);
      expect(verified.text).toContain('您的邮箱已验证');
      expect((await b.visit(`/shop/${storeA}/account`)).text).toContain('已验证');

      // The same link again, even from someone else: refused.
      const again = await browser().visit(pathOf(link));
      expect(again.res.status).toBe(400);
      expect(again.text).toContain('该链接已过期或已被使用。');
    });

    it('a resent mail replaces the earlier link', async () => {
      const b = browser();
      await signUp(b, storeA, 'resend@example.test');
      const first = sink.link(await sink.waitFor('resend@example.test'), PUBLIC);
      const res = await b.post(`/shop/${storeA}/account/verify/resend`, {});
      expect(res.headers.get('location')).toBe(`/shop/${storeA}/account?notice=verifySent`);
      const second = sink.link(await sink.waitFor('resend@example.test', (m) => !m.text.includes(first)), PUBLIC);
      expect(second).not.toBe(first);
      expect((await b.visit(pathOf(first))).res.status).toBe(400);
      expect((await b.visit(pathOf(second))).res.status).toBe(200);
    });

    it('a verification link expires after 48 hours', async () => {
      const b = browser();
      await signUp(b, storeA, 'late@example.test');
      const link = sink.link(await sink.waitFor('late@example.test'), PUBLIC);
      skew += 49 * 3600_000;
      expect((await browser().visit(pathOf(link))).res.status).toBe(400);
    });

    it('signs up with a mobile number, and signs in with it however it is spaced', async () => {
      const b = browser();
      const res = await signUp(b, storeA, '+86 138-0013-8000', 'another pass 9', 'Wang');
      expect(res.status).toBe(303);
      const page = (await b.visit(`/shop/${storeA}/account`)).text;
      expect(page).toContain('8613800138000');
      expect(page).not.toContain('Send the verification email again');
      expect((await signIn(browser(), storeA, '+86 (138) 0013 8000', 'another pass 9')).status).toBe(303);
    });

    it('refuses weak passwords, bad identifiers and a taken address, keeping what was typed', async () => {
      const b = browser();
      let res = await signUp(b, storeA, 'weak@example.test', 'password', 'Name <i>typed</i>');
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain('This password is one of the most common');
      expect(text).toContain('value="Name &lt;i&gt;typed&lt;/i&gt;"');
      expect(text).not.toContain('value="password"');
      res = await signUp(b, storeA, 'weak@example.test', 'short');
      expect(await res.text()).toContain('at least 8 characters');
      res = await signUp(b, storeA, 'not an email', 'long enough 1');
      expect(await res.text()).toContain('Enter an email address or a mobile number.');
      res = await signUp(b, storeA, 'weak@example.test', 'weak@example.test');
      expect(await res.text()).toContain('must differ from your email');
      res = await signUp(b, storeA, 'LI.LEI@example.test', 'long enough 1');
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('already exists');
    });

    it('a buyer changes their name; a blank or hidden-character name is refused, keeping what was typed', async () => {
      const b = browser({ lang: 'zh-CN' });
      await signUp(b, storeA, 'rename@example.test', 'rename pass 1', '旧名');
      let res = await b.post(`/shop/${storeA}/account/name`, { name: 'Bad\u202Ename' });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain('请输入姓名');
      expect(text).toContain('Bad\u202Ename');
      res = await b.post(`/shop/${storeA}/account/name`, { name: '  新名  ' });
      expect(res.headers.get('location')).toBe(`/shop/${storeA}/account?notice=nameSaved`);
      const page = (await b.visit(res.headers.get('location')!)).text;
      expect(page).toContain('value="新名"');
      expect(page).toContain('姓名已保存');
      expect((await browser().post(`/shop/${storeA}/account/name`, { name: 'Intruder' })).status).toBe(303);
    });

    it('accounts are per organisation: the same email signs up again at another organisation’s shop', async () => {
      expect((await signUp(browser(), storeB, 'li.lei@example.test', 'other org pass')).status).toBe(303);
    });
  });

  describe('signing in and out', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for the shop’s path, and rotates it on sign-in', async () => {
      const b = browser();
      await signUp(b, storeA, 'cookie@example.test', 'cookie pass 12');
      const line = b.lastSetCookie.shop_session!;
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/SameSite=Lax/);
      expect(line).toContain(`Path=/shop/${storeA}`);
      expect(line).toContain('Max-Age=2592000');
      expect(line).not.toMatch(/Secure/);
      const before = b.session()!;
      expect(before).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Signing in again ends the session the request carried: a planted token is worthless after.
      expect((await signIn(b, storeA, 'cookie@example.test', 'cookie pass 12')).status).toBe(303);
      expect(b.session()).not.toBe(before);
      const planted = browser();
      planted.cookies.set('shop_session', { value: before, path: `/shop/${storeA}`, attrs: '' });
      expect((await planted.get(`/shop/${storeA}/account`)).status).toBe(303);
    });

    it('signs out: the session ends on the server, not just in the browser', async () => {
      const b = browser();
      await signUp(b, storeA, 'out@example.test', 'sign out pass');
      const token = b.session()!;
      const account = await b.get(`/shop/${storeA}/account`);
      expect(account.status).toBe(200);
      expect(account.headers.get('cache-control')).toBe('no-store');
      expect(account.headers.get('x-frame-options')).toBe('DENY');
      const res = await b.post(`/shop/${storeA}/account/signout`, {});
      expect(res.status).toBe(303);
      expect(b.session()).toBeUndefined();
      const replay = browser();
      replay.cookies.set('shop_session', { value: token, path: `/shop/${storeA}`, attrs: '' });
      expect((await replay.get(`/shop/${storeA}/account`)).headers.get('location')).toContain('/account/signin');
    });

    it('one message for an unknown account and a wrong password', async () => {
      await signUp(browser(), storeA, 'known@example.test', 'known pass 12');
      const wrong = await signIn(browser(), storeA, 'known@example.test', 'not the password');
      const unknown = await signIn(browser(), storeA, 'nobody@example.test', 'not the password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const [a, b] = [status(await wrong.text()), status(await unknown.text())];
      expect(a).toBe('The email, mobile number or password is not right.');
      expect(b).toBe(a);
    });

    it('locks an identifier after 10 failures, refuses the right password while locked, and unlocks after 15 minutes', async () => {
      await signUp(browser(), storeA, 'victim@example.test', 'victim pass 12');
      const attacker = browser();
      for (let i = 1; i <= 9; i++) expect((await signIn(attacker, storeA, 'victim@example.test', `guess ${i}`)).status).toBe(401);
      const tenth = await signIn(attacker, storeA, 'victim@example.test', 'guess 10');
      expect(tenth.status).toBe(423);
      expect(status(await tenth.text())).toContain('Try again in 15 minutes');
      const owner = await signIn(browser(), storeA, 'victim@example.test', 'victim pass 12');
      expect(owner.status).toBe(423);
      // An unknown address locks the same way: the lock says nothing about who has an account.
      for (let i = 1; i <= 9; i++) await signIn(attacker, storeA, 'ghost@example.test', `guess ${i}`);
      expect((await signIn(attacker, storeA, 'ghost@example.test', 'guess 10')).status).toBe(423);
      skew += 15 * 60_000 + 1000;
      expect((await signIn(browser(), storeA, 'victim@example.test', 'victim pass 12')).status).toBe(303);
    });

    it('counts failures within an hour: a typo now and then never adds up to a lock', async () => {
      await signUp(browser(), storeA, 'typo@example.test', 'typo pass 123');
      for (let i = 1; i <= 9; i++) expect((await signIn(browser(), storeA, 'typo@example.test', `typo ${i}`)).status).toBe(401);
      skew += 61 * 60_000;
      for (let i = 1; i <= 9; i++) expect((await signIn(browser(), storeA, 'typo@example.test', `later ${i}`)).status).toBe(401);
      expect((await signIn(browser(), storeA, 'typo@example.test', 'typo pass 123')).status).toBe(303);
    });

    it('counts guesses made at the same moment: at most 10 are judged before the lock', async () => {
      await signUp(browser(), storeA, 'burst@example.test', 'burst pass 123');
      const attacker = browser();
      await attacker.get(`/shop/${storeA}`);
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => signIn(attacker, storeA, 'burst@example.test', `parallel ${i}`).then((r) => r.status)),
      );
      expect(results.filter((s) => s === 401).length).toBeLessThanOrEqual(9);
      expect(results.filter((s) => s === 423).length).toBeGreaterThanOrEqual(7);
      expect(results.every((s) => s === 401 || s === 423)).toBe(true);
      expect((await signIn(browser(), storeA, 'burst@example.test', 'burst pass 123')).status).toBe(423);
    });

    it('two sign-ups racing for one address make one account', async () => {
      const [a, b] = await Promise.all([
        signUp(browser(), storeA, 'race@example.test', 'race pass one'),
        signUp(browser(), storeA, 'race@example.test', 'race pass two'),
      ]);
      expect([a.status, b.status].sort()).toEqual([303, 409]);
      const winner = a.status === 303 ? 'race pass one' : 'race pass two';
      expect((await signIn(browser(), storeA, 'race@example.test', winner)).status).toBe(303);
    });

    it('the lock is per organisation', async () => {
      await signUp(browser(), storeB, 'victim@example.test', 'victim pass b');
      const attacker = browser();
      for (let i = 1; i <= 10; i++) await signIn(attacker, storeA, 'victim@example.test', `again ${i}`);
      expect((await signIn(browser(), storeB, 'victim@example.test', 'victim pass b')).status).toBe(303);
    });

    it('a session of organisation A is nobody on organisation B’s shop', async () => {
      const b = browser();
      await signUp(b, storeA, 'tenant@example.test', 'tenant pass 1');
      const token = b.session()!;
      const other = browser();
      other.cookies.set('shop_session', { value: token, path: `/shop/${storeB}`, attrs: '' });
      const res = await other.get(`/shop/${storeB}/account`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/shop/${storeB}/account/signin?next=${encodeURIComponent(`/shop/${storeB}/account`)}`);
    });

    it('goes back to a page of the shop after sign-in, never to another site or shop', async () => {
      const b = browser();
      await signUp(b, storeA, 'next@example.test', 'next pass 123');
      const after = async (next: string) =>
        (await signIn(browser(), storeA, 'next@example.test', 'next pass 123', { next })).headers.get('location');
      expect(await after(`/shop/${storeA}/cart?x=1`)).toBe(`/shop/${storeA}/cart?x=1`);
      for (const evil of [
        'https://evil.example',
        '//evil.example',
        '/\\evil.example',
        `/shop/${storeB}/account`,
        `/shop/${storeA}/../${storeB}`,
        'javascript:alert(1)',
        `/shop/${storeA}@evil.example`,
      ])
        expect(await after(evil)).toBe(`/shop/${storeA}/account`);
      const form = await (await browser().get(`/shop/${storeA}/account/signin?next=https%3A%2F%2Fevil.example`)).text();
      expect(form).not.toContain('name="next"');
      expect(form).not.toContain('action="https');
    });

    it('a session ends 30 days after the buyer was last seen, and slides while they come back', async () => {
      const b = browser();
      await signUp(b, storeA, 'slide@example.test', 'slide pass 12');
      skew += 20 * 24 * 3600_000;
      expect((await b.get(`/shop/${storeA}/account`)).status).toBe(200);
      skew += 20 * 24 * 3600_000;
      expect((await b.get(`/shop/${storeA}/account`)).status).toBe(200);
      skew += 31 * 24 * 3600_000;
      expect((await b.get(`/shop/${storeA}/account`)).status).toBe(303);
      // Expired sessions are swept as new ones start, and stale failure counts as buyers sign in.
      await signIn(browser(), storeA, 'slide@example.test', 'slide pass 12');
      const now = cloud.deps.clock();
      const [stale] = await rowsOf<{ n: number }>(
        cloud.deps.db,
        sql`SELECT COUNT(*)::int AS n FROM shop_buyer_sessions WHERE expires_at < ${now}`,
      );
      expect(stale!.n).toBeLessThan(5);
      const [fails] = await rowsOf<{ n: number }>(
        cloud.deps.db,
        sql`SELECT COUNT(*)::int AS n FROM shop_sign_in_failures sf JOIN stores s ON s.org_id = sf.org_id WHERE s.id = ${storeA}`,
      );
      expect(fails!.n).toBe(0);
    });
  });

  describe('resetting the password', () => {
    it('resets through the mailed link: old sessions end, the old password stops working, the link works once', async () => {
      const phone = browser();
      await signUp(phone, storeA, 'forgetful@example.test', 'first pass 12', 'Forgetful');
      const laptop = browser();
      expect((await signIn(laptop, storeA, 'forgetful@example.test', 'first pass 12')).status).toBe(303);
      await sink.waitFor('forgetful@example.test'); // the verification mail
      const asker = browser({ lang: 'zh-CN' });
      const sent = await asker.post(`/shop/${storeA}/account/forgot`, { email: 'Forgetful@example.test' });
      expect(sent.status).toBe(200);
      const mail = await sink.waitFor('forgetful@example.test', (m) => m.text.includes('/account/reset?token='));
      expect(mail.subject).toContain('重置');
      const path = pathOf(sink.link(mail, `${PUBLIC}/shop/${storeA}/account/reset?token=`));
      const form = await asker.visit(path);
      expect(form.res.status).toBe(200);
      expect(form.res.headers.get('referrer-policy')).toBe('same-origin');
      const token = new URL(path, PUBLIC).searchParams.get('token')!;
      expect((await asker.post(`/shop/${storeA}/account/reset`, { token, password: 'short' })).status).toBe(400);
      const done = await asker.post(`/shop/${storeA}/account/reset`, { token, password: 'second pass 34' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`/shop/${storeA}/account?notice=passwordChanged`);
      expect((await asker.get(`/shop/${storeA}/account`)).status).toBe(200);
      expect((await phone.get(`/shop/${storeA}/account`)).status).toBe(303);
      expect((await laptop.get(`/shop/${storeA}/account`)).status).toBe(303);
      expect((await signIn(browser(), storeA, 'forgetful@example.test', 'first pass 12')).status).toBe(401);
      expect((await signIn(browser(), storeA, 'forgetful@example.test', 'second pass 34')).status).toBe(303);
      // Replayed: refused, and the password stays.
      expect((await browser().visit(path)).res.status).toBe(400);
      expect((await browser().post(`/shop/${storeA}/account/reset`, { token, password: 'third pass 56' })).status).toBe(400);
      expect((await signIn(browser(), storeA, 'forgetful@example.test', 'second pass 34')).status).toBe(303);
    });

    it('a signed-in buyer changes the password with the current one; other sessions end', async () => {
      const b = browser();
      await signUp(b, storeA, 'changer@example.test', 'changer pass 1');
      const other = browser();
      await signIn(other, storeA, 'changer@example.test', 'changer pass 1');
      expect((await b.visit(`/shop/${storeA}/account/password`)).res.status).toBe(200);
      let res = await b.post(`/shop/${storeA}/account/password`, { current: 'wrong one 123', password: 'changer pass 2' });
      expect(res.status).toBe(401);
      expect(status(await res.text())).toBe('The current password is not right.');
      res = await b.post(`/shop/${storeA}/account/password`, { current: 'changer pass 1', password: '12345678' });
      expect(res.status).toBe(400);
      res = await b.post(`/shop/${storeA}/account/password`, { current: 'changer pass 1', password: 'changer pass 2' });
      expect(res.headers.get('location')).toBe(`/shop/${storeA}/account?notice=passwordChanged`);
      expect((await b.get(`/shop/${storeA}/account`)).status).toBe(200);
      expect((await other.get(`/shop/${storeA}/account`)).status).toBe(303);
      expect((await signIn(browser(), storeA, 'changer@example.test', 'changer pass 1')).status).toBe(401);
      expect((await signIn(browser(), storeA, 'changer@example.test', 'changer pass 2')).status).toBe(303);
      expect((await browser().post(`/shop/${storeA}/account/password`, { current: 'x', password: 'y' })).status).toBe(303);
    });

    it('a reset link expires after an hour', async () => {
      await signUp(browser(), storeA, 'slow@example.test', 'slow pass 123');
      await browser().post(`/shop/${storeA}/account/forgot`, { email: 'slow@example.test' });
      const mail = await sink.waitFor('slow@example.test', (m) => m.text.includes('/account/reset?token='));
      const path = pathOf(sink.link(mail, PUBLIC));
      skew += 61 * 60_000;
      expect((await browser().visit(path)).res.status).toBe(400);
      const token = new URL(path, PUBLIC).searchParams.get('token')!;
      expect((await browser().post(`/shop/${storeA}/account/reset`, { token, password: 'new pass 1234' })).status).toBe(400);
    });

    it('answers the same whether or not the account exists, and mails nobody for an unknown address', async () => {
      const count = sink.messages.length;
      const known = await browser().post(`/shop/${storeA}/account/forgot`, { email: 'known@example.test' });
      const unknown = await browser().post(`/shop/${storeA}/account/forgot`, { email: 'unknown@example.test' });
      expect(known.status).toBe(unknown.status);
      const norm = (t: string) => status(t)!.replace(/\S+@example\.test/, '@');
      expect(norm(await known.text())).toBe(norm(await unknown.text()));
      await sink.waitFor('known@example.test', (m) => m.text.includes('/account/reset?token='));
      await new Promise((r) => setTimeout(r, 200));
      expect(sink.messages.slice(count).some((m) => m.to.includes('unknown@example.test'))).toBe(false);
    });

    it('asks for an email on the reset form (accounts made with a mobile number reset at the store)', async () => {
      const res = await browser().post(`/shop/${storeA}/account/forgot`, { email: '13800138000' });
      expect(res.status).toBe(400);
      expect(status(await res.text())).toBe('Enter the email address of your account.');
    });

    it('a reset link of organisation A does nothing on organisation B’s shop', async () => {
      await browser().post(`/shop/${storeA}/account/forgot`, { email: 'tenant@example.test' });
      const mail = await sink.waitFor('tenant@example.test', (m) => m.text.includes('/account/reset?token='));
      const token = new URL(sink.link(mail, PUBLIC)).searchParams.get('token')!;
      expect((await browser().visit(`/shop/${storeB}/account/reset?token=${token}`)).res.status).toBe(400);
      expect((await browser().post(`/shop/${storeB}/account/reset`, { token, password: 'hijack pass 1' })).status).toBe(400);
    });
  });

  describe('forms from elsewhere', () => {
    it('refuses a post without the CSRF token, with another token, or from another origin', async () => {
      const b = browser();
      await signUp(b, storeA, 'csrf@example.test', 'csrf pass 123');
      expect((await b.post(`/shop/${storeA}/account/signout`, {}, { csrf: false })).status).toBe(403);
      expect((await b.post(`/shop/${storeA}/account/signout`, { _csrf: 'x'.repeat(32) })).status).toBe(403);
      expect((await b.post(`/shop/${storeA}/account/signout`, {}, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect((await b.get(`/shop/${storeA}/account`)).status).toBe(200);
      const stranger = browser();
      expect(
        (await stranger.post(`/shop/${storeA}/account/signin`, { login: 'csrf@example.test', password: 'csrf pass 123' }, { csrf: false }))
          .status,
      ).toBe(403);
    });
  });

  describe('every form a buyer sees', () => {
    it('carries the CSRF token', async () => {
      const b = browser();
      await signUp(b, storeA, 'forms@example.test', 'forms pass 123');
      await b.post(`/shop/${storeA}/account/addresses`, { country: 'DE', name: 'F', line1: 'L 1', city: 'Berlin', postalCode: '10115' });
      const id = /addresses\/([0-9a-f-]{36})\/edit/.exec((await b.visit(`/shop/${storeA}/account/addresses`)).text)![1]!;
      const token = b.cookies.get('shop_csrf')!.value;
      const signedIn = ['', '/password', '/addresses', '/addresses/new', `/addresses/${id}/edit`];
      const signedOut = ['/signin', '/signup', '/forgot'];
      const check = (text: string, where: string) => {
        const forms = text
          .split('<form')
          .slice(1)
          .filter((f) => /^[^>]*method="post"/.test(f));
        expect(forms.length, where).toBeGreaterThan(0);
        for (const f of forms) expect(f.slice(0, f.indexOf('</form>')), where).toContain(`name="_csrf" value="${token}"`);
      };
      for (const p of signedIn) check((await b.visit(`/shop/${storeA}/account${p}`)).text, p);
      const out = browser();
      await out.get(`/shop/${storeA}`);
      out.cookies.set('shop_csrf', { value: token, path: '/', attrs: '' });
      for (const p of signedOut) check((await out.visit(`/shop/${storeA}/account${p}`)).text, p);
    });
  });

  describe('the address book', () => {
    it('checks addresses per country, in the buyer’s language, keeping what was typed', async () => {
      const b = browser({ lang: 'zh-CN' });
      await signUp(b, storeA, 'addr@example.test', 'address pass 1', '收件人');
      const base = `/shop/${storeA}/account/addresses`;
      let res = await b.post(base, { country: 'US', name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '1234' });
      expect(res.status).toBe(400);
      let text = await res.text();
      expect(text).toContain('请修改标出的字段');
      expect(text).toContain('必填'); // the state
      expect(text).toContain('94105'); // the postal example
      expect(text).toContain('value="Springfield"');
      res = await b.post(base, { country: 'CN', name: '王芳', line1: '朝阳区建国路 1 号', city: '北京', region: '', postalCode: '10002' });
      text = await res.text();
      expect(res.status).toBe(400);
      expect(text).toContain('100000');
      expect(text).toContain('value="朝阳区建国路 1 号"');
      res = await b.post(base, { country: 'ZZ', name: 'X', line1: 'Y', city: 'Z', postalCode: '1' });
      expect(await res.text()).toContain('请选择我们配送的国家或地区');
      res = await b.post(base, { country: 'GB', name: 'A\u202Eevil', line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA' });
      expect(await res.text()).toContain('包含隐藏字符或控制字符');

      res = await b.post(base, {
        country: 'CN',
        name: '王芳',
        line1: '朝阳区建国路 1 号',
        city: '北京',
        region: '北京市',
        postalCode: '100020',
      });
      expect(res.status).toBe(303);
      res = await b.post(base, {
        country: 'us',
        name: 'Ann',
        line1: '1 Main St',
        city: 'Springfield',
        region: 'il',
        postalCode: '62701',
        makeDefault: '1',
      });
      expect(res.status).toBe(303);
      const list = (await b.visit(base)).text;
      expect(list).toContain('IL 62701');
      // The default comes first: Ann's, asked for; 王芳's was the default as the first address.
      expect(list.indexOf('Ann')).toBeLessThan(list.indexOf('王芳'));
      expect(list.match(/默认<\/strong>/g)?.length).toBe(1);
    });

    it('edits, sets the default and deletes, only the buyer’s own addresses', async () => {
      const b = browser();
      await signUp(b, storeA, 'book@example.test', 'book pass 123');
      const base = `/shop/${storeA}/account/addresses`;
      await b.post(base, { country: 'DE', name: 'Erika', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115' });
      await b.post(base, { country: 'FR', name: 'Jean', line1: '1 rue de Rivoli', city: 'Paris', postalCode: '75001' });
      const ids = [...(await b.visit(base)).text.matchAll(/addresses\/([0-9a-f-]{36})\/edit/g)].map((m) => m[1]!);
      expect(ids).toHaveLength(2);
      const [first, second] = ids as [string, string];
      const edit = (await b.visit(`${base}/${second}/edit`)).text;
      expect(edit).toMatch(/value="Jean"|value="Erika"/);
      expect(
        (await b.post(`${base}/${second}`, { country: 'FR', name: 'Jeanne', line1: '2 rue de Rivoli', city: 'Paris', postalCode: '75001' }))
          .status,
      ).toBe(303);
      expect((await b.post(`${base}/${second}/default`, {})).status).toBe(303);
      let list = (await b.visit(base)).text;
      expect(list.indexOf(`${second}/edit`)).toBeLessThan(list.indexOf(`${first}/edit`));

      // Another buyer cannot see, change, make default or delete them.
      const other = browser();
      await signUp(other, storeA, 'snoop@example.test', 'snoop pass 12');
      expect((await other.get(`${base}/${first}/edit`)).status).toBe(404);
      expect((await other.post(`${base}/${first}`, { country: 'DE', name: 'X', line1: 'Y', city: 'Z', postalCode: '10115' })).status).toBe(
        404,
      );
      expect((await other.post(`${base}/${first}/default`, {})).status).toBe(404);
      expect((await other.post(`${base}/${first}/delete`, {})).status).toBe(404);
      expect((await other.get(`${base}/not-an-id/edit`)).status).toBe(404);

      // Deleting the default makes the other one the default.
      expect((await b.post(`${base}/${second}/delete`, {})).status).toBe(303);
      list = (await b.visit(base)).text;
      expect(list).not.toContain(second);
      expect(list).toContain('Erika');
      expect(list.match(/Default<\/strong>/g)?.length).toBe(1);
    });

    it('asks a signed-out visitor to sign in, then comes back', async () => {
      const res = await browser().get(`/shop/${storeA}/account/addresses/new`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(
        `/shop/${storeA}/account/signin?next=${encodeURIComponent(`/shop/${storeA}/account/addresses/new`)}`,
      );
    });
  });

  describe('what a buyer types is escaped on every page', () => {
    it('a hostile name and address never become markup', async () => {
      const evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
      const b = browser();
      await signUp(b, storeA, 'xss@example.test', 'xss pass 1234', evil.slice(0, 60));
      const base = `/shop/${storeA}/account/addresses`;
      await b.post(base, {
        country: 'GB',
        name: evil.slice(0, 70),
        line1: evil.slice(0, 90),
        city: 'London',
        postalCode: 'SW1A 1AA',
        company: evil.slice(0, 70),
      });
      const id = /addresses\/([0-9a-f-]{36})\/edit/.exec((await b.visit(base)).text)![1]!;
      const bad = await b.post(base, {
        country: 'US',
        name: evil.slice(0, 70),
        line1: evil.slice(0, 90),
        city: evil.slice(0, 50),
        postalCode: 'x',
      });
      const pages = [
        (await b.visit(`/shop/${storeA}/account`)).text,
        (await b.visit(base)).text,
        (await b.visit(`${base}/${id}/edit`)).text,
        (await b.visit(`/shop/${storeA}`)).text,
        await bad.text(),
      ];
      for (const text of pages) {
        expect(text).not.toContain('<script>alert(1)');
        expect(text).not.toContain('<img src=x');
        expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      }
    });
  });
});
