/**
 * The cloud's front door over real sockets: bodies are bounded while they stream, the endpoints
 * that need no credentials are rate limited per address, and sign-up is closed unless the operator
 * opens it with a secret.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudStore, type CloudStore } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { RateLimiter, rateKey, sameSecret } from '../../src/cloud/guards';
import { buildCloudApp, serveCloud, type RunningCloud } from '../../src/cloud/server';
import { fail, ok, readyStore } from '../support/app';
import { TEST_SIGNUP_SECRET, startTestCloud } from '../support/cloud';
import { streamBody } from '../support/http';
import { terminal } from '../support/sync';

const SECRET = 'open-sesame-for-this-cloud';
const org = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ orgName: 'Front', storeName: 'Door', terminalName: 'Till 1', terminalCode: 'T1', ...extra });

let store: CloudStore;
const running: RunningCloud[] = [];

beforeAll(async () => {
  store = await openCloudStore({ dataDir: null });
});
afterAll(async () => {
  for (const r of running) await r.close();
  await store.close();
});

async function serve(opts: Parameters<typeof buildCloudApp>[1]) {
  const app = buildCloudApp(cloudDeps(store.db), opts) as unknown as Hono;
  const r = await serveCloud(app as never, { port: 0 });
  running.push(r);
  return r;
}

const post = (r: RunningCloud, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('request bodies', () => {
  let cloud: RunningCloud;
  beforeAll(async () => {
    cloud = await serve({ signupSecret: SECRET, rateLimit: false });
  });

  it('a declared 2 GiB body is refused with 413 before it is read', async () => {
    const res = await streamBody(cloud.port, { path: '/v1/enrol', declared: 2 * 1024 ** 3, total: 256 * 1024 });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'TOO_LARGE' } });
    expect(res.ms).toBeLessThan(5000);
  }, 15_000);

  it('a 200 MB chunked stream to enrol is cut at the limit, and the cloud does not hold it', async () => {
    // What the process still holds, not what it has yet to collect: a collection before each reading.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    const total = 200 * 1024 * 1024;
    const res = await streamBody(cloud.port, { path: '/v1/enrol', total });
    gc();
    const after = process.memoryUsage();
    expect(res.status).toBe(413);
    // The server stopped reading: the client could not hand over much more than the 32 MB limit
    // (plus what the socket buffers held when the answer came).
    expect(res.sent).toBeLessThan(64 * 1024 * 1024);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('a body within the limit still goes through', async () => {
    const res = await post(cloud, '/v1/enrol', JSON.stringify({ code: 'AAAA-BBBB-CCCC', terminalName: 'Till 9' }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_CODE' } });
  });
});

describe('rate limits on the endpoints that need no credentials', () => {
  it('answers 429 with Retry-After once an address has used its burst, on enrol, sign-up and staff sign-in', async () => {
    const cloud = await serve({ signupSecret: SECRET, rateLimit: { burst: 3, perMinute: 1 } });
    const enrol = () => post(cloud, '/v1/enrol', JSON.stringify({ code: 'AAAA-BBBB-CCCC', terminalName: 'Till 9' }));
    for (let i = 0; i < 3; i++) expect((await enrol()).status).toBe(404);
    const limited = await enrol();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // The bucket is the address's, across those endpoints; other endpoints are not counted.
    expect((await post(cloud, '/v1/orgs', org({ signupSecret: SECRET }))).status).toBe(429);
    expect((await post(cloud, '/v1/staff-sessions', '{}')).status).toBe(429);
    expect((await fetch(`${cloud.url}/v1/health`)).status).toBe(200);
  });

  it('keys a client by its IPv4 address, or by the /64 of its IPv6 address', () => {
    expect(rateKey('203.0.113.7')).toBe('203.0.113.7');
    expect(rateKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(rateKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateKey('::1')).toBe('0:0:0:0::/64');
    expect(rateKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('the bucket refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, perMinute: 6 }, () => now);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10);
    expect(limiter.take('b')).toBe(0);
    now += 10_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });
});

describe('sign-up', () => {
  it('is closed on a cloud without a secret, with a clear error', async () => {
    const cloud = await serve({ rateLimit: false });
    for (const extra of [{}, { signupSecret: 'anything' }]) {
      const res = await post(cloud, '/v1/orgs', org(extra));
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('SIGNUP_CLOSED');
      expect(body.error.message).toMatch(/CLOUD_SIGNUP_SECRET/);
    }
  });

  it('needs the secret: missing or wrong is refused, the right one (body or header) creates the organisation', async () => {
    const cloud = await serve({ signupSecret: SECRET, rateLimit: false });
    for (const extra of [{}, { signupSecret: 'wrong' }, { signupSecret: `${SECRET}x` }, { signupSecret: SECRET.slice(0, -1) }]) {
      const res = await post(cloud, '/v1/orgs', org(extra));
      expect(res.status, JSON.stringify(extra)).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'SIGNUP_SECRET' } });
    }
    expect((await post(cloud, '/v1/orgs', org(), { 'x-signup-secret': 'wrong' })).status).toBe(403);
    const made = await post(cloud, '/v1/orgs', org({ signupSecret: SECRET }));
    expect(made.status).toBe(200);
    expect(await made.json()).toMatchObject({ org: { name: 'Front' }, token: expect.any(String) });
    expect((await post(cloud, '/v1/orgs', org(), { 'x-signup-secret': SECRET })).status).toBe(200);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret('', SECRET)).toBe(false);
    expect(sameSecret('x'.repeat(10_000), SECRET)).toBe(false);
    expect(sameSecret(undefined, SECRET)).toBe(false);
  });
});

describe('sign-up from a till', () => {
  it('sends the secret the admin typed; a missing or wrong one is a clear, localized refusal', async () => {
    const cloud = await startTestCloud();
    const t = terminal(cloud.transport);
    try {
      await readyStore(t, 's1');
      const serverUrl = cloud.url;
      for (const extra of [{}, { signupSecret: 'not it' }])
        expect(await fail(t, 'sync.createOrg', { serverUrl, orgName: 'Till Org', ...extra })).toMatchObject({
          code: 'FORBIDDEN',
          details: { messageKey: 'sync.err.signupSecret' },
        });
      const status = await ok(t, 'sync.createOrg', { serverUrl, orgName: 'Till Org', signupSecret: TEST_SIGNUP_SECRET });
      expect(status.orgName).toBe('Till Org');
    } finally {
      t.close();
      await cloud.close();
    }
  });
});
