import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { CloudHttpError } from '../../deps';
import type { ShopEnv } from './env';

const COOKIE = 'shop_csrf';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Double-submit token: a random cookie that every form posts back as `_csrf` (or the
 * `x-csrf-token` header for scripts). A write from another origin carries neither the token nor
 * our Origin. Safe methods pass; every other method must match both.
 */
export function csrf(opts: { secure: boolean }): MiddlewareHandler<ShopEnv> {
  return async (c, next) => {
    let token = getCookie(c, COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
      token = randomBytes(24).toString('base64url');
      setCookie(c, COOKIE, token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: opts.secure });
    }
    c.set('csrf', token);
    const m = c.req.method;
    if (m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS') {
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin) throw new CloudHttpError(403, 'CSRF', 'Cross-site request refused');
      let sent = c.req.header('x-csrf-token') ?? '';
      if (!sent) {
        const type = c.req.header('content-type') ?? '';
        if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
          const form = await c.req.parseBody();
          sent = typeof form._csrf === 'string' ? form._csrf : '';
        }
      }
      if (!sent || !same(sent, token)) throw new CloudHttpError(403, 'CSRF', 'This form has expired; reload the page and try again');
    }
    await next();
  };
}
