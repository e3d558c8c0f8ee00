/**
 * The cloud's HTTP API (hono). Stateless: every request authenticates against the database and
 * nothing is kept in memory between requests (but each process's rate limiter), so several
 * instances can serve one database.
 */
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { trimTrailingSlash } from 'hono/trailing-slash';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import {
  API_VERSION,
  createCodeSchema,
  createOrgSchema,
  createStoreSchema,
  enrolSchema,
  staffChangesSchema,
  staffSessionSchema,
} from '../shared/sync/protocol';
import { checkStaffChanges, writeStaffRecords } from './staff';
import { CloudHttpError, type CloudDeps } from './deps';
import {
  answerHeader,
  DEFAULT_RATE_LIMIT,
  MAX_BODY_BYTES,
  RateLimiter,
  boundBodies,
  rateLimited,
  sameSecret,
  type RateLimit,
} from './guards';
import { applyPush } from './push';
import { parsePushRequest } from './push-request';
import { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, readPull } from './pull';
import { listRejections, overview, resolveRejection, storeStock } from './reports';
import { registerPaymentRoutes } from './payments/routes';
import { buildShopApp, type ShopOptions } from './shop/routes';
import { registerShopInsightApi } from './shop/insight/report';
import { registerPictureUploads } from './shop/pictures/routes';
import type { NoticeVerifiers } from './payments/verifiers';
import {
  authDevice,
  authStaff,
  createEnrolmentCode,
  createOrg,
  createStore,
  enrol,
  listStores,
  revokeDevice,
  staffSignIn,
  type AuthDevice,
} from './tenancy';

export interface CloudAppOptions {
  /**
   * Creating an organisation needs this secret (`signupSecret` in the body, or the
   * `x-signup-secret` header). Without one, sign-up is closed: the operator opens it.
   */
  signupSecret?: string | null;
  /** Per client address, on the endpoints that need no credentials; `false` only for in-process tests. */
  rateLimit?: RateLimit | false;
  maxBodyBytes?: number;
  /** Payment-notification verifiers (the built-in registry unless given: tests add their own). */
  noticeVerifiers?: NoticeVerifiers;
  /** The online shops (`/shop/<store id>/`). */
  shop?: ShopOptions;
  /** Each answer says how long the server worked on it (`Server-Timing: app;dur=…`), for the bench. */
  serverTiming?: boolean;
}

async function json(c: Context): Promise<unknown> {
  // The body was bounded while it streamed (boundBodies), so reading it whole is safe here.
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CloudHttpError(400, 'VALIDATION', 'Body is not JSON');
  }
}

function valid<T>(parsed: z.ZodSafeParseResult<T>): T {
  if (!parsed.success)
    throw new CloudHttpError(400, 'VALIDATION', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  return valid(schema.safeParse(await json(c)));
}

const intParam = (v: string | undefined, dflt: number, min: number, max: number) => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CloudHttpError(400, 'VALIDATION', `Bad number ${v}`);
  return n;
};

export function buildCloudApp(deps: CloudDeps, opts: CloudAppOptions = {}): Hono<{ Variables: { device: AuthDevice } }> {
  const app = new Hono<{ Variables: { device: AuthDevice } }>();
  const v = `/${API_VERSION}`;

  app.onError((err, c) => {
    if (err instanceof CloudHttpError)
      return c.json({ error: { code: err.code, message: err.message }, ...err.extra }, err.status, err.headers);
    console.error('[cloud] request failed', err);
    return c.json({ error: { code: 'INTERNAL', message: 'Unexpected error' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'No such endpoint' } }, 404));

  app.use('*', async (c, next) => {
    await next();
    // An answer that says how it may be cached (a versioned product picture) keeps that.
    if (!c.res.headers.has('Cache-Control')) answerHeader(c, 'Cache-Control', 'no-store');
    answerHeader(c, 'X-Content-Type-Options', 'nosniff');
  });

  if (opts.serverTiming)
    app.use('*', async (c, next) => {
      const t0 = performance.now();
      await next();
      answerHeader(c, 'Server-Timing', `app;dur=${(performance.now() - t0).toFixed(3)}`, { append: true });
    });
  app.use('*', boundBodies(opts.maxBodyBytes ?? MAX_BODY_BYTES));
  const limit = opts.rateLimit === false ? null : rateLimited(new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT));
  if (limit) {
    // Before any credential: sign-up, enrolment (codes are guessable only by volume), staff sign-in.
    app.use(`${v}/orgs`, limit);
    app.use(`${v}/enrol`, limit);
    app.use(`${v}/staff-sessions`, limit);
  }

  app.get(`${v}/health`, (c) => c.json({ ok: true, serverTime: deps.clock() }));

  app.post(`${v}/orgs`, async (c) => {
    const expected = opts.signupSecret;
    if (!expected)
      throw new CloudHttpError(403, 'SIGNUP_CLOSED', 'Sign-up is closed on this cloud: its operator opens it with CLOUD_SIGNUP_SECRET');
    const { signupSecret, ...input } = await body(c, createOrgSchema);
    if (!sameSecret(c.req.header('x-signup-secret') ?? signupSecret, expected))
      throw new CloudHttpError(403, 'SIGNUP_SECRET', 'Creating an organisation needs the sign-up secret of this cloud');
    return c.json(await createOrg(deps, input));
  });
  app.post(`${v}/enrol`, async (c) => c.json(await enrol(deps, await body(c, enrolSchema))));

  // Everything below: a device token.
  const authed = new Hono<{ Variables: { device: AuthDevice } }>();
  authed.use('*', async (c, next) => {
    c.set('device', await authDevice(deps, c.req.header('authorization')));
    await next();
  });
  const staff = (c: Context<{ Variables: { device: AuthDevice } }>, least: 'manager' | 'admin') =>
    authStaff(deps, c.get('device'), c.req.header('x-staff-token'), least);

  authed.get('/me', async (c) => {
    const d = c.get('device');
    const stores = await listStores(deps, d.orgId);
    return c.json({ device: d, store: stores.find((s) => s.id === d.storeId) ?? null, serverTime: deps.clock() });
  });
  authed.post('/push', async (c) => {
    const req = valid(parsePushRequest(await json(c)));
    const res = await applyPush(deps, c.get('device'), req);
    deps.noteWrites(req.mutations.length);
    return c.json(res);
  });
  authed.get('/pull', async (c) => {
    const cursor = intParam(c.req.query('cursor'), 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c.req.query('limit'), DEFAULT_PULL_LIMIT, 1, MAX_PULL_LIMIT);
    const own = c.req.query('own') === '1';
    return c.body(await readPull(deps, c.get('device'), cursor, limit, own), 200, { 'Content-Type': 'application/json' });
  });
  authed.post('/leave', async (c) => {
    await revokeDevice(deps, c.get('device'), c.get('device').id);
    return c.json({ ok: true });
  });
  authed.post('/staff-sessions', async (c) => c.json(await staffSignIn(deps, c.get('device'), await body(c, staffSessionSchema))));

  // Staff change only by a signed-in admin (never by a device push): the till sends what its admin decided.
  authed.post('/staff', async (c) => {
    await staff(c, 'admin');
    const { changes } = await body(c, staffChangesSchema);
    checkStaffChanges(deps, changes);
    const device = c.get('device');
    await deps.db.transaction((tx) => writeStaffRecords(deps, tx, device.orgId, device.id, changes));
    return c.json({ ok: true, serverTime: deps.clock() });
  });
  authed.get('/stores', async (c) => {
    await staff(c, 'admin');
    return c.json(await listStores(deps, c.get('device').orgId));
  });
  authed.post('/stores', async (c) => {
    await staff(c, 'admin');
    return c.json(await createStore(deps, c.get('device'), await body(c, createStoreSchema)));
  });
  authed.post('/enrolment-codes', async (c) => {
    const who = await staff(c, 'admin');
    return c.json(await createEnrolmentCode(deps, c.get('device'), who, await body(c, createCodeSchema)));
  });
  authed.post('/devices/:id/revoke', async (c) => {
    await staff(c, 'admin');
    const id = z.uuid().safeParse(c.req.param('id'));
    if (!id.success) throw new CloudHttpError(400, 'VALIDATION', 'Bad terminal id');
    await revokeDevice(deps, c.get('device'), id.data);
    return c.json({ ok: true });
  });
  authed.get('/overview', async (c) => {
    await staff(c, 'manager');
    return c.json(await overview(deps, c.get('device')));
  });
  authed.get('/stores/:id/stock', async (c) => {
    await staff(c, 'manager');
    const id = z.uuid().safeParse(c.req.param('id'));
    if (!id.success) throw new CloudHttpError(400, 'VALIDATION', 'Bad store id');
    return c.json(
      await storeStock(deps, c.get('device'), {
        storeId: id.data,
        search: (c.req.query('q') ?? '').slice(0, 100),
        offset: intParam(c.req.query('offset'), 0, 0, 10_000_000),
        limit: intParam(c.req.query('limit'), 50, 1, 500),
      }),
    );
  });
  authed.get('/rejections', async (c) => {
    await staff(c, 'manager');
    return c.json(await listRejections(deps, c.get('device')));
  });
  authed.post('/rejections/:id/resolve', async (c) => {
    const who = await staff(c, 'manager');
    const id = z.uuid().safeParse(c.req.param('id'));
    if (!id.success) throw new CloudHttpError(400, 'VALIDATION', 'Bad id');
    await resolveRejection(deps, c.get('device'), who, id.data);
    return c.json({ ok: true });
  });
  registerPaymentRoutes(app, authed, deps, {
    prefix: v,
    staff,
    verifiers: opts.noticeVerifiers,
    rateLimit: opts.rateLimit === false ? false : undefined,
  });
  registerShopInsightApi(authed, deps);
  registerPictureUploads(authed, deps);
  app.route(v, authed);
  // `/shop/<store>/` and `/shop/<store>` are one page: a trailing slash that matches nothing redirects.
  app.use('/shop/*', trimTrailingSlash());
  app.route('/shop/:store', buildShopApp(deps, opts.shop));
  return app;
}

export interface RunningCloud {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the cloud app on `host:port` (loopback unless told otherwise). */
export function serveCloud(app: Hono<{ Variables: { device: AuthDevice } }>, opts: { port: number; host?: string }): Promise<RunningCloud> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: opts.port, hostname: host }, (info: AddressInfo) => {
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((r) => {
              if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
              server.close(() => r());
            }),
        });
      });
      server.on('error', reject);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
