import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieName, startHost, type Host } from '../../src/main/host/server';
import { makeApp } from '../support/app';
import { streamBody } from '../support/http';

const INDEX = '<!doctype html><title>Countertop test</title><div id="root"></div>';

let app: ReturnType<typeof makeApp>;
let host: Host;
let webDir: string;
let base: string;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'countertop-web-'));
  writeFileSync(join(webDir, 'index.html'), INDEX);
  writeFileSync(join(webDir, 'app.js'), 'console.log("hi")');
  app = makeApp();
  host = await startHost({ router: app.router, webDir, port: 0 });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  app?.close();
  rmSync(webDir, { recursive: true, force: true });
});

/** Raw HTTP, so paths reach the server exactly as written (fetch would normalize `..`). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(
      { host: opts.host ?? '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

async function signInCookie(): Promise<string> {
  const res = await fetch(`${base}/?token=${encodeURIComponent(host.token)}`, { redirect: 'manual' });
  const set = res.headers.get('set-cookie')!;
  return set.split(';')[0]!;
}

async function newSession(cookie: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessionId: string }).sessionId;
}

const invoke = (cookie: string, session: string, channel: string, input: unknown) =>
  fetch(`${base}/api/invoke`, {
    method: 'POST',
    headers: { cookie, 'x-session': session, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, input }),
  });

describe('the headless host', () => {
  it('prints a loopback URL carrying a strong per-launch token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(24);
    expect(host.port).toBeGreaterThan(0);
  });

  it('without the token every path answers 401', async () => {
    const paths: [string, string][] = [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['GET', '/app.js'],
      ['GET', '/checkout'],
      ['GET', '/api/events?session=x'],
      ['POST', '/api/session'],
      ['POST', '/api/invoke'],
      ['GET', '/?token='],
      ['GET', '/?token=wrong'],
      ['GET', `/?token=${host.token}x`],
      ['GET', `/index.html?token=${host.token}`],
    ];
    for (const [method, path] of paths) {
      const res = await raw(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{"channel":"app.status","input":{}}' : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).not.toContain('Countertop test');
    }
    // A wrong cookie or bearer does not help.
    expect((await raw('/', { headers: { cookie: 'ct_auth=nope' } })).status).toBe(401);
    expect((await raw('/', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('/?token=… sets an HttpOnly, SameSite=Strict cookie and redirects to /', async () => {
    const res = await fetch(`${base}/?token=${encodeURIComponent(host.token)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    const cookie = set.split(';')[0]!;
    const page = await fetch(`${base}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toBe(INDEX);
    // Client-side routes get the app too; files get their type.
    expect(await (await fetch(`${base}/checkout`, { headers: { cookie } })).text()).toBe(INDEX);
    const js = await fetch(`${base}/app.js`, { headers: { cookie } });
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('/api/session then /api/invoke works with the cookie', async () => {
    const cookie = await signInCookie();
    const sid = await newSession(cookie);
    const res = await invoke(cookie, sid, 'app.status', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: expect.objectContaining({ setupDone: false, terminalCode: 'T1' }) });
    // Errors come back as data, with the router's codes.
    const bad = await (await invoke(cookie, sid, 'cart.get', { nope: 1 })).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const anon = await (await invoke(cookie, sid, 'cart.get', {})).json();
    expect(anon).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('the bearer header works in place of the cookie', async () => {
    const auth = { authorization: `Bearer ${host.token}` };
    const s = await fetch(`${base}/api/session`, { method: 'POST', headers: auth });
    const { sessionId } = (await s.json()) as { sessionId: string };
    const res = await fetch(`${base}/api/invoke`, {
      method: 'POST',
      headers: { ...auth, 'x-session': sessionId },
      body: JSON.stringify({ channel: 'app.status', input: {} }),
    });
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('a wrong or missing session id answers 401 UNAUTHENTICATED', async () => {
    const cookie = await signInCookie();
    for (const sid of ['not-a-session', '00000000-0000-4000-8000-000000000000', '']) {
      const res = await invoke(cookie, sid, 'app.status', {});
      expect(res.status, sid).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    const events = await fetch(`${base}/api/events?session=nope`, { headers: { cookie } });
    expect(events.status).toBe(401);
  });

  it('sessions are separate: signing in on one does not sign in another', async () => {
    const cookie = await signInCookie();
    const a = await newSession(cookie);
    const b = await newSession(cookie);
    expect(a).not.toBe(b);
    const setup = await (
      await invoke(cookie, a, 'setup.run', {
        storeName: 'Host Shop',
        currency: 'USD',
        priceMode: 'inclusive',
        timezone: 'UTC',
        language: 'en',
        taxRates: [{ name: 'Std', rateBp: 2000, isDefault: true }],
        admin: { name: 'Hana', pin: '1234' },
        demoData: false,
      })
    ).json();
    expect(setup).toMatchObject({ ok: true });
    const staff = (await (await invoke(cookie, a, 'staff.list', {})).json()) as { value: { id: string }[] };
    expect(await (await invoke(cookie, a, 'staff.signIn', { staffId: staff.value[0]!.id, pin: '1234' })).json()).toMatchObject({
      ok: true,
    });
    expect(await (await invoke(cookie, a, 'settings.get', {})).json()).toMatchObject({ ok: true });
    expect(await (await invoke(cookie, b, 'settings.get', {})).json()).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('malformed bodies are answered as data, not crashes', async () => {
    const cookie = await signInCookie();
    const sid = await newSession(cookie);
    for (const body of ['not json', '{}', '{"channel":42}', 'null', '[]']) {
      const res = await fetch(`${base}/api/invoke`, { method: 'POST', headers: { cookie, 'x-session': sid }, body });
      expect(res.status, body).toBeLessThan(500);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });

  it('does not serve files outside the web folder', async () => {
    const cookie = await signInCookie();
    for (const path of [
      '/../../../../etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..\\..\\etc\\passwd',
    ]) {
      const res = await raw(path, { headers: { cookie } });
      expect(res.body, path).not.toMatch(/root:.*:0:0:/);
      expect([200, 400, 404], path).toContain(res.status);
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i): i is NonNullable<typeof i> => !!i && !i.internal)
      .map((i) => i.address);
    // 127.0.0.2 is loopback too: a server bound to 0.0.0.0 would answer there, one bound to 127.0.0.1 does not.
    const targets = [...others, '::1', '127.0.0.2'];
    for (const address of targets) {
      const reached = await new Promise<boolean>((resolve) => {
        const sock = connect({ host: address, port: host.port });
        sock.setTimeout(1000, () => (sock.destroy(), resolve(false)));
        sock.on('connect', () => (sock.destroy(), resolve(true)));
        sock.on('error', () => resolve(false));
      });
      expect(reached, `reachable on ${address}`).toBe(false);
    }
    const ok = await raw('/', { host: '127.0.0.1' });
    expect(ok.status).toBe(401);
  });

  it('every response carries the CSP header (also 401s and redirects)', async () => {
    const cookie = await signInCookie();
    const responses = [
      await fetch(`${base}/`),
      await fetch(`${base}/?token=${encodeURIComponent(host.token)}`, { redirect: 'manual' }),
      await fetch(`${base}/`, { headers: { cookie } }),
      await fetch(`${base}/api/session`, { method: 'POST', headers: { cookie } }),
      await fetch(`${base}/api/invoke`, { method: 'POST', headers: { cookie, 'x-session': 'nope' }, body: '{}' }),
      await fetch(`${base}/missing.js`, { headers: { cookie } }),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy');
      expect(csp, `${res.url} ${res.status}`).toBeTruthy();
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('the host’s front door', () => {
  const auth = () => ({ authorization: `Bearer ${host.token}` });

  const session = async () =>
    ((await (await fetch(`${base}/api/session`, { method: 'POST', headers: auth() })).json()) as { sessionId: string }).sessionId;

  it('refuses a declared 2 GiB body with 413 at once, without reading it', async () => {
    const res = await streamBody(host.port, {
      path: '/api/invoke',
      headers: { ...auth(), 'x-session': await session() },
      declared: 2 * 1024 ** 3,
      total: 256 * 1024,
    });
    expect(res.status).toBe(413);
    expect(res.ms).toBeLessThan(5000);
  }, 15_000);

  it('stops reading a chunked body at the limit', async () => {
    const total = 64 * 1024 * 1024;
    const res = await streamBody(host.port, { path: '/api/invoke', headers: { ...auth(), 'x-session': await session() }, total });
    expect(res.status).toBe(413);
    // The limit is 1 MB; what the socket buffers held when the answer came is the rest.
    expect(res.sent).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);

  it('does not read a chunked body sent with a GET', async () => {
    const total = 64 * 1024 * 1024;
    const res = await streamBody(host.port, { path: '/index.html', method: 'GET', headers: auth(), total });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);

  it('answers only to its own loopback Host (400) and Origin (403)', async () => {
    const cookie = await signInCookie();
    const p = host.port;
    for (const h of [`evil.example:${p}`, `127.0.0.1:${p + 1}`, 'localhost', `127.0.0.1.evil.example:${p}`]) {
      const res = await raw('/', { headers: { cookie, host: h } });
      expect(res.status, h).toBe(400);
      expect(res.body).not.toContain('Countertop test');
    }
    for (const h of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`])
      expect((await raw('/', { headers: { cookie, host: h } })).status, h).toBe(200);
    for (const o of ['http://evil.example', `http://evil.example:${p}`, `http://127.0.0.1:${p + 1}`, 'null', `https://127.0.0.1:${p}`]) {
      const res = await raw('/api/session', { method: 'POST', headers: { cookie, origin: o } });
      expect(res.status, o).toBe(403);
    }
    for (const o of [`http://127.0.0.1:${p}`, `http://localhost:${p}`])
      expect((await raw('/api/session', { method: 'POST', headers: { cookie, origin: o } })).status, o).toBe(200);
  });

  it('binds its cookie to its port', async () => {
    const cookie = await signInCookie();
    expect(cookie.startsWith(`${cookieName(host.port)}=`)).toBe(true);
    const value = cookie.split('=').slice(1).join('=');
    // The same secret under another port's name (or the old unported name) is not this host's cookie.
    expect((await raw('/', { headers: { cookie: `${cookieName(host.port + 1)}=${value}` } })).status).toBe(401);
    expect((await raw('/', { headers: { cookie: `ct_auth=${value}` } })).status).toBe(401);
  });

  it('answers 400 for malformed percent-encoding and 404 for unknown API paths', async () => {
    const cookie = await signInCookie();
    for (const path of ['/%E0%A4%A', '/%', '/checkout/%ZZ', '/api/%E0'])
      expect((await raw(path, { headers: { cookie } })).status, path).toBe(400);
    expect((await raw('/api/nope', { headers: { cookie } })).status).toBe(404);
    expect((await raw('/api/nope', { method: 'POST', headers: { cookie } })).status).toBe(404);
    expect((await raw('/missing.js', { headers: { cookie } })).status).toBe(404);
  });

  it('expires sessions when idle and after their lifetime, and keeps only the newest few', async () => {
    let now = 1_000_000;
    const limited = await startHost({
      router: app.router,
      webDir,
      port: 0,
      clock: () => now,
      sessionLimits: { idleMs: 60_000, lifetimeMs: 300_000, max: 3 },
    });
    try {
      const b = { authorization: `Bearer ${limited.token}` };
      const at = `http://127.0.0.1:${limited.port}`;
      const open = async () =>
        ((await (await fetch(`${at}/api/session`, { method: 'POST', headers: b })).json()) as { sessionId: string }).sessionId;
      const alive = async (sid: string) =>
        (
          await fetch(`${at}/api/invoke`, {
            method: 'POST',
            headers: { ...b, 'x-session': sid },
            body: JSON.stringify({ channel: 'app.status', input: {} }),
          })
        ).status === 200;

      // A cap: the fourth session forgets the first.
      const s = [await open(), await open(), await open()];
      expect(await alive(s[0]!)).toBe(true);
      const fourth = await open();
      expect(await alive(s[0]!)).toBe(false);
      expect(await alive(s[1]!)).toBe(true);
      expect(await alive(fourth)).toBe(true);

      // Idle: unused for longer than the idle time, gone.
      now += 61_000;
      expect(await alive(s[1]!)).toBe(false);

      // Lifetime: used every 50 s, still gone after 300 s.
      const kept = await open();
      for (let t = 0; t < 5; t++) {
        now += 50_000;
        expect(await alive(kept)).toBe(true);
      }
      now += 51_000;
      expect(await alive(kept)).toBe(false);
    } finally {
      await limited.close();
    }
  });
});
