/**
 * Buyers' sessions: a random 32-byte token in the `shop_session` cookie (HttpOnly, SameSite=Lax,
 * Secure behind TLS, path of the shop), only its sha256 in the database. Sessions slide: 30 days
 * after the buyer was last seen. A session is good only on the shops of the organisation that owns
 * the account.
 */
import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isSafeLine } from '../../../shared/text';
import { sha256, type CloudDeps } from '../../deps';
import type { ShopBuyer, ShopContext, ShopEnv } from '../web/env';
import { shopBuyerSessions, shopBuyers } from './schema';

export const SESSION_COOKIE = 'shop_session';
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** How stale `last_seen` may get before a request slides the expiry (not one write per page). */
const TOUCH_AFTER_MS = 3600_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const SWEEP_BATCH = 100;

function cookieOptions(c: ShopContext, maxAgeSeconds: number) {
  return {
    path: c.get('store').base,
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: c.get('secureCookies'),
    maxAge: maxAgeSeconds,
  };
}

function sessionToken(c: ShopContext): string | null {
  const token = getCookie(c, SESSION_COOKIE);
  return token && TOKEN_SHAPE.test(token) ? token : null;
}

/** Sets `buyer` from the session cookie (null when signed out, expired, or of another organisation). */
export function loadBuyer(deps: CloudDeps, opts: { secureCookies?: boolean } = {}): MiddlewareHandler<ShopEnv> {
  return async (c, next) => {
    c.set('secureCookies', opts.secureCookies ?? false);
    c.set('buyer', null);
    const token = sessionToken(c);
    if (token) {
      const now = deps.clock();
      const [row] = await deps.db
        .select({
          tokenHash: shopBuyerSessions.tokenHash,
          lastSeen: shopBuyerSessions.lastSeen,
          id: shopBuyers.id,
          orgId: shopBuyers.orgId,
          name: shopBuyers.name,
          email: shopBuyers.email,
          phone: shopBuyers.phone,
          verifiedAt: shopBuyers.emailVerifiedAt,
        })
        .from(shopBuyerSessions)
        .innerJoin(shopBuyers, eq(shopBuyers.id, shopBuyerSessions.buyerId))
        .where(
          and(
            eq(shopBuyerSessions.tokenHash, sha256(token)),
            eq(shopBuyers.orgId, c.get('store').orgId),
            gt(shopBuyerSessions.expiresAt, now),
          ),
        )
        .limit(1);
      if (row) {
        c.set('buyer', {
          id: row.id,
          orgId: row.orgId,
          name: row.name,
          email: row.email,
          phone: row.phone,
          verified: row.verifiedAt !== null,
        });
        if (now - row.lastSeen > TOUCH_AFTER_MS) {
          await deps.db
            .update(shopBuyerSessions)
            .set({ lastSeen: now, expiresAt: now + SESSION_TTL_MS })
            .where(eq(shopBuyerSessions.tokenHash, row.tokenHash));
          setCookie(c, SESSION_COOKIE, token, cookieOptions(c, SESSION_TTL_MS / 1000));
        }
      } else {
        deleteCookie(c, SESSION_COOKIE, { path: c.get('store').base, secure: c.get('secureCookies') });
      }
    }
    await next();
  };
}

/**
 * Signs `buyerId` in on this shop: a fresh token (any session the request carried ends, so a
 * token planted before sign-in is worthless after it) in the cookie, its hash in the database.
 */
export async function startSession(c: ShopContext, deps: CloudDeps, buyerId: string): Promise<void> {
  const now = deps.clock();
  const old = sessionToken(c);
  if (old) await deps.db.delete(shopBuyerSessions).where(eq(shopBuyerSessions.tokenHash, sha256(old)));
  // Abandoned sessions are swept a batch at a time as others start (the expiry index finds them);
  // rows another sign-in is sweeping are skipped, so two sweeps never wait on (or deadlock) each other.
  await deps.db
    .delete(shopBuyerSessions)
    .where(
      inArray(
        shopBuyerSessions.tokenHash,
        deps.db
          .select({ h: shopBuyerSessions.tokenHash })
          .from(shopBuyerSessions)
          .where(lt(shopBuyerSessions.expiresAt, now))
          .limit(SWEEP_BATCH)
          .for('update', { skipLocked: true }),
      ),
    );
  const token = deps.randomBytes(32).toString('base64url');
  await deps.db.insert(shopBuyerSessions).values({
    tokenHash: sha256(token),
    buyerId,
    storeId: c.get('store').storeId,
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
    lastSeen: now,
  });
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, SESSION_TTL_MS / 1000));
}

/** Signs out: the session row is deleted, the cookie cleared. */
export async function endSession(c: ShopContext, deps: CloudDeps): Promise<void> {
  const token = sessionToken(c);
  if (token) await deps.db.delete(shopBuyerSessions).where(eq(shopBuyerSessions.tokenHash, sha256(token)));
  deleteCookie(c, SESSION_COOKIE, { path: c.get('store').base, secure: c.get('secureCookies') });
  c.set('buyer', null);
}

/**
 * Where to go after signing in: only a path of this shop (`/shop/<store>/…`), rebuilt from its
 * parsed form, so `https://evil`, `//evil`, `/\evil` or another store's path fall back to null.
 */
export function safeNext(c: ShopContext, raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw === '' || raw.length > 2000) return null;
  const base = c.get('store').base;
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\s]/.test(raw) || !isSafeLine(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, 'http://shop.invalid');
  } catch {
    return null;
  }
  if (url.origin !== 'http://shop.invalid') return null;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  return `${url.pathname}${url.search}`;
}

/** The sign-in page's address that comes back to `next` afterwards. */
export function signInPath(c: ShopContext, next: string | null): string {
  const base = c.get('store').base;
  const safe = safeNext(c, next);
  return safe ? `${base}/account/signin?next=${encodeURIComponent(safe)}` : `${base}/account/signin`;
}

/**
 * The signed-in buyer, or a redirect to sign in that comes back to this page. Use as
 * `const buyer = requireBuyer(c); if (buyer instanceof Response) return buyer;`.
 */
export function requireBuyer(c: ShopContext): ShopBuyer | Response {
  const buyer = c.get('buyer');
  if (buyer) return buyer;
  const url = new URL(c.req.url);
  const here = c.req.method === 'GET' ? `${url.pathname}${url.search}` : null;
  return c.redirect(signInPath(c, here), 303);
}
