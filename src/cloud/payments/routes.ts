/**
 * The payment-notification endpoints. The provider's notify endpoint is public (the provider has
 * no device token), so it is rate limited per address and its body is bounded tightly; everything
 * else speaks as a terminal, and setting the verification material needs a signed-in admin.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { CloudHttpError, type CloudDeps } from '../deps';
import { RateLimiter, boundBodies, rateLimited, type RateLimit } from '../guards';
import type { AuthDevice, AuthStaff } from '../tenancy';
import {
  listNoticeKeys,
  listNoticeRejections,
  noticeKeySchema,
  readNotices,
  receiveNotice,
  registerTrade,
  registerTradeSchema,
  setNoticeKey,
} from './notices';
import { NOTICE_VERIFIERS, type NoticeVerifiers } from './verifiers';

/** A provider's notification is a few kilobytes; WeChat's encrypted ones stay well under this. */
export const MAX_NOTICE_BYTES = 64 * 1024;
/** Providers post from a few addresses for every store they serve: a roomier bucket than sign-in's. */
export const NOTIFY_RATE_LIMIT: RateLimit = { burst: 120, perMinute: 600 };
export const MAX_NOTICE_PAGE = 500;

type DeviceEnv = { Variables: { device: AuthDevice } };

export interface PaymentRoutesOptions {
  /** The API prefix, e.g. `/v1`. */
  prefix: string;
  /** The cloud's own staff check (an admin signed in to the cloud, re-checked on every call). */
  staff: (c: Context<DeviceEnv>, least: 'manager' | 'admin') => Promise<AuthStaff>;
  verifiers?: NoticeVerifiers;
  /** `false` only for in-process tests. */
  rateLimit?: RateLimit | false;
}

async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text()) as unknown;
  } catch {
    throw new CloudHttpError(400, 'VALIDATION', 'Body is not JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new CloudHttpError(400, 'VALIDATION', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

function intQuery(v: string | undefined, dflt: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new CloudHttpError(400, 'VALIDATION', `Bad number ${v}`);
  return n;
}

/**
 * Registers the public notify endpoint on `app` and the terminal's endpoints on `authed` (mounted
 * under the prefix). Call before `app.route(prefix, authed)`, so the public endpoint answers before
 * the device-token check that guards everything mounted there.
 */
export function registerPaymentRoutes(app: Hono<DeviceEnv>, authed: Hono<DeviceEnv>, deps: CloudDeps, opts: PaymentRoutesOptions): void {
  const verifiers = opts.verifiers ?? NOTICE_VERIFIERS;
  const notify = `${opts.prefix}/payments/notify/:provider/:storeId`;
  if (opts.rateLimit !== false) app.use(notify, rateLimited(new RateLimiter(opts.rateLimit ?? NOTIFY_RATE_LIMIT)));
  app.use(notify, boundBodies(MAX_NOTICE_BYTES));
  app.post(notify, async (c) => {
    const provider = c.req.param('provider') ?? '';
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const rawBody = await c.req.text();
    const outcome = await receiveNotice(deps, verifiers, provider, c.req.param('storeId') ?? '', headers, rawBody);
    if (!outcome) throw new CloudHttpError(404, 'NOT_FOUND', 'No such notification endpoint');
    const reply = verifiers[provider as keyof NoticeVerifiers]!.reply(outcome.ok);
    return c.body(reply.body, reply.status as 200, reply.headers);
  });

  authed.post('/payments/trades', async (c) => {
    await registerTrade(deps, c.get('device'), await jsonBody(c, registerTradeSchema));
    return c.json({ ok: true });
  });
  authed.put('/payments/notice-keys', async (c) => {
    const who = await opts.staff(c, 'admin');
    return c.json(await setNoticeKey(deps, verifiers, c.get('device'), who, await jsonBody(c, noticeKeySchema)));
  });
  authed.get('/payments/notice-keys', async (c) => {
    await opts.staff(c, 'admin');
    return c.json(await listNoticeKeys(deps, c.get('device')));
  });
  authed.get('/payments/notices', async (c) => {
    const after = intQuery(c.req.query('after'), 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(c.req.query('limit'), 100, MAX_NOTICE_PAGE) || 1;
    return c.json(await readNotices(deps, c.get('device'), after, limit));
  });
  authed.get('/payments/notice-rejections', async (c) => {
    await opts.staff(c, 'manager');
    return c.json(await listNoticeRejections(deps, c.get('device')));
  });
}
