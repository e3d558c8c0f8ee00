/**
 * Recording what buyers do, on the server, in the request that does it: the page a buyer asked
 * for notes its event (`noteShopEvent`) and one INSERT after the page is built writes the request's
 * rows. A failure is logged and swallowed: a page never fails because of its event.
 *
 * Visitors: a random id in a first-party cookie (HttpOnly, SameSite=Lax, the shop's path). A
 * request counts only when it brings the cookie back, so a client that keeps no cookies (most
 * bots) counts nothing, however often it calls. The first page of a visitor sets the cookie and
 * keeps what it would have counted in a second, short-lived cookie (`shop_first`); the page asks
 * for a 1-pixel picture of the shop (`<shop>/seen`), and that request, or the visitor's next page,
 * brings the cookies back: the visit and the first page's events are counted then, once. A visit
 * counts once per visitor per store day: the cookie carries the day it was counted and when that
 * day ends (so other requests need no lookup, and a refresh counts no new visit), and a unique
 * index refuses a second visit of a visitor on a day whatever the cookie says.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { serialize } from 'hono/utils/cookie';
import { answerHeader } from '../../guards';
import { businessBucket, dayToIso, zonedMidnight } from '../../../shared/business-day';
import { rowsOf, sql, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { storeFacts } from '../catalog/queries';
import { pruneRecommendationPairs } from '../recommend/projection';
import type { ShopContext, ShopEnv } from '../web/env';
import { SEEN_PATH } from '../web/page';
import { shopEvents, type ShopEventKind } from './schema';

export const VISITOR_COOKIE = 'shop_visitor';
const VISITOR_MAX_AGE_S = 180 * 86400;
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const DAY_MS = 86_400_000;
/** A search's text is kept to this many characters. */
export const QUERY_MAX = 64;
/** Search results are counted up to a page and one more. */
const RESULTS_CAP = 25;

export interface NotedEvent {
  kind: Exclude<ShopEventKind, 'visit' | 'paid'>;
  productId?: string;
  query?: string;
  results?: number;
}

interface Visitor {
  id: string;
  day: number;
}

/** The cookie that keeps a first page's events until the visitor's cookie comes back. */
export const FIRST_PAGE_COOKIE = 'shop_first';
const FIRST_PAGE_MAX_AGE_S = 1800;
/** A first page notes a view or a search: a few events at most, whatever a forged cookie claims. */
const FIRST_PAGE_MAX_EVENTS = 4;
const FIRST_PAGE_KINDS: ReadonlySet<string> = new Set(['product_view', 'search']);
const PRODUCT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

declare module 'hono' {
  interface ContextVariableMap {
    /** The counted visitor of this request (null: no cookie came back, nothing is recorded). */
    shopVisitor: Visitor | null;
    /** A visitor's first page: its events are noted for later, in FIRST_PAGE_COOKIE. */
    shopFirstPage: boolean;
    /** Events this request noted, written when its page is built. */
    shopEvents: NotedEvent[];
  }
}

/** `id`, or `id.day.end` once a visit was counted on `day` (a store day ending at `end`). */
function readCookie(value: string | undefined, now: number): { id: string; day: number | null } | null {
  if (!value) return null;
  const [id, dayText, endText] = value.split('.');
  if (!id || !ID_SHAPE.test(id)) return null;
  const day = Number(dayText);
  const end = Number(endText);
  const utcDay = Math.floor(now / DAY_MS);
  // A day the cookie claims must be today's, near the UTC day, and end within a day: a forged
  // cookie cannot file events under another date.
  const current =
    Number.isSafeInteger(day) && Number.isSafeInteger(end) && Math.abs(day - utcDay) <= 1 && end > now && end <= now + DAY_MS + 3600_000;
  return { id, day: current ? day : null };
}

/** The store's day now, and when it ends (epoch ms). */
export async function storeDay(db: CloudDb, orgId: string, storeId: string, now: number): Promise<{ day: number; end: number }> {
  const { timeZone } = await storeFacts(db, orgId, storeId);
  const { day } = businessBucket(now, timeZone, 0);
  return { day, end: zonedMidnight(dayToIso(day + 1), timeZone) };
}

/** Lower case, compatibility forms folded, spaces collapsed, controls dropped, capped. */
export function normaliseQuery(text: string): string {
  const folded = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return Array.from(folded).slice(0, QUERY_MAX).join('').trim();
}

/** Notes an event of this request (nothing when the request has no counted visitor). */
export function noteShopEvent(c: ShopContext, e: NotedEvent): void {
  const noted = c.get('shopEvents') as NotedEvent[] | undefined;
  if (!noted || (!c.get('shopVisitor') && !c.get('shopFirstPage'))) return;
  if (e.kind === 'search') {
    const query = normaliseQuery(e.query ?? '');
    if (!query) return;
    noted.push({ kind: 'search', query, results: Math.min(Math.max(0, e.results ?? 0), RESULTS_CAP) });
    return;
  }
  noted.push(e);
}

/** The shop's middleware: reads (or sets) the visitor cookie, and writes the request's events. */
export function recordShopEvents(deps: CloudDeps): MiddlewareHandler<ShopEnv> {
  return async (c, next) => {
    const store = c.get('store');
    const now = deps.clock();
    const cookieOpts = {
      path: store.base,
      httpOnly: true,
      sameSite: 'Lax' as const,
      secure: c.get('secureCookies'),
      maxAge: VISITOR_MAX_AGE_S,
    };
    const kept = readCookie(getCookie(c, VISITOR_COOKIE), now);
    const seen = c.req.method === 'GET' && c.req.path === `${store.base}${SEEN_PATH}`;
    let visitor: Visitor | null = null;
    let newVisit = false;
    let firstPage = false;
    if (!kept) {
      setCookie(c, VISITOR_COOKIE, deps.randomBytes(16).toString('base64url'), cookieOpts);
      firstPage = !seen;
    } else if (kept.day !== null) {
      visitor = { id: kept.id, day: kept.day };
    } else {
      try {
        const today = await storeDay(deps.db, store.orgId, store.storeId, now);
        visitor = { id: kept.id, day: today.day };
        newVisit = true;
        setCookie(c, VISITOR_COOKIE, `${kept.id}.${today.day}.${today.end}`, cookieOpts);
      } catch (err) {
        console.error('[shop] visit not counted', err instanceof Error ? err.message : err);
      }
    }
    c.set('shopVisitor', visitor);
    c.set('shopFirstPage', firstPage);
    c.set('shopEvents', []);
    if (seen) {
      // The first page's picture: nothing to show, never cached, so it is asked for on each first page.
      c.header('Cache-Control', 'no-store');
      c.res = c.body(PIXEL, 200, { 'Content-Type': 'image/gif' });
    } else await next();
    if (firstPage) {
      keepFirstPage(c, now, cookieOpts.secure);
      return;
    }
    if (!visitor) return;
    const base = { orgId: store.orgId, storeId: store.storeId, day: visitor.day, at: now, visitor: visitor.id };
    const rows: (typeof shopEvents.$inferInsert)[] = c.get('shopEvents').map((e) => ({
      ...base,
      kind: e.kind,
      productId: e.productId ?? null,
      query: e.query ?? null,
      results: e.results ?? null,
    }));
    if (newVisit) {
      // The first page is counted with the visit, before what this request did.
      const first = readFirstPage(getCookie(c, FIRST_PAGE_COOKIE), now);
      if (getCookie(c, FIRST_PAGE_COOKIE) !== undefined)
        answerHeader(c, 'Set-Cookie', serialize(FIRST_PAGE_COOKIE, '', { path: store.base, maxAge: 0 }), { append: true });
      rows.unshift(
        { ...base, kind: 'visit', at: first?.at ?? now },
        ...(first?.events ?? []).map((e) => ({
          ...base,
          at: first!.at,
          kind: e.kind,
          productId: e.productId ?? null,
          query: e.query ?? null,
          results: e.results ?? null,
        })),
      );
    }
    if (rows.length === 0) return;
    try {
      await deps.db.insert(shopEvents).values(rows).onConflictDoNothing();
    } catch (err) {
      console.error('[shop] events not recorded', err instanceof Error ? err.message : err);
    }
  };
}

/**
 * On a visitor's first page: its events go into FIRST_PAGE_COOKIE, and the page (drawn by
 * `web/page.ts`) asks for the shop's pixel, whose request brings the new cookies back and so
 * counts the visit. The cookie goes on the made answer as it is (`answerHeader`).
 */
function keepFirstPage(c: ShopContext, now: number, secure: boolean): void {
  const store = c.get('store');
  const events = c
    .get('shopEvents')
    .filter((e) => FIRST_PAGE_KINDS.has(e.kind))
    .slice(0, FIRST_PAGE_MAX_EVENTS)
    .map((e) => [e.kind, e.productId ?? null, e.query ?? null, e.results ?? null]);
  const value = Buffer.from(JSON.stringify({ at: now, e: events })).toString('base64url');
  const cookie = serialize(FIRST_PAGE_COOKIE, value, {
    path: store.base,
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    maxAge: FIRST_PAGE_MAX_AGE_S,
  });
  answerHeader(c, 'Set-Cookie', cookie, { append: true });
}

/**
 * A first page's events from its cookie, or null. The cookie is the client's: anything but a
 * view of a product or a search, more than a few events, or a time not within the cookie's life
 * is dropped, and a search's text is normalised again.
 */
export function readFirstPage(value: string | undefined, now: number): { at: number; events: NotedEvent[] } | null {
  if (!value || value.length > 2048) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { at, e } = parsed as { at?: unknown; e?: unknown };
  const when = typeof at === 'number' && Number.isSafeInteger(at) && at <= now && at >= now - FIRST_PAGE_MAX_AGE_S * 1000 ? at : now;
  const events: NotedEvent[] = [];
  for (const raw of Array.isArray(e) ? e.slice(0, FIRST_PAGE_MAX_EVENTS) : []) {
    if (!Array.isArray(raw)) continue;
    const [kind, productId, query, results] = raw as unknown[];
    if (kind === 'product_view' && typeof productId === 'string' && PRODUCT_ID.test(productId))
      events.push({ kind: 'product_view', productId });
    else if (kind === 'search' && typeof query === 'string') {
      const q = normaliseQuery(query);
      const n = typeof results === 'number' && Number.isSafeInteger(results) ? Math.min(Math.max(0, results), RESULTS_CAP) : 0;
      if (q) events.push({ kind: 'search', query: q, results: n });
    }
  }
  return { at: when, events };
}

/**
 * Records an order's payment inside the transaction that marks it paid, in a savepoint of its own:
 * counted exactly when the order became paid, and a failure here rolls back only itself.
 */
export async function recordPaid(
  deps: CloudDeps,
  tx: CloudDb,
  order: { orgId: string; storeId: string; orderId: string; at: number },
): Promise<void> {
  try {
    await tx.transaction(async (sp) => {
      const { day } = await storeDay(sp, order.orgId, order.storeId, order.at);
      await sp
        .insert(shopEvents)
        .values({ orgId: order.orgId, storeId: order.storeId, day, at: order.at, kind: 'paid', orderId: order.orderId })
        .onConflictDoNothing();
    });
  } catch (err) {
    console.error('[shop] payment event not recorded', err instanceof Error ? err.message : err);
  }
}

/** Events are kept this many days by default (SHOP_EVENTS_DAYS). */
export const DEFAULT_RETENTION_DAYS = 400;
const SWEEP_BATCH = 5000;

/**
 * Deletes events older than `days` (by their store day), a batch at a time; answers how many.
 * Any process may run it: a batch another process deleted first is simply gone.
 */
export async function sweepShopEvents(deps: CloudDeps, days: number = DEFAULT_RETENTION_DAYS): Promise<number> {
  // The store day is within a day of the UTC day; one more day of margin keeps nothing short.
  const before = Math.floor(deps.clock() / DAY_MS) - days - 1;
  let total = 0;
  for (;;) {
    // Store by store, so each probe reads the (store, day) index.
    const gone = await rowsOf<{ id: unknown }>(
      deps.db,
      sql`DELETE FROM shop_events WHERE id IN (
            SELECT e.id FROM stores s CROSS JOIN LATERAL (
              SELECT id FROM shop_events WHERE store_id = s.id AND day < ${before} LIMIT ${SWEEP_BATCH}) e
            LIMIT ${SWEEP_BATCH})
          RETURNING id`,
    );
    total += gone.length;
    if (gone.length < SWEEP_BATCH) return total;
  }
}

/**
 * The hourly housekeeping every `everyMs` (only the timer lives in memory): old events are
 * deleted, and the recommendations' pairs are pruned (recommend/projection.ts).
 */
export function startShopEventsSweep(deps: CloudDeps, days: number = DEFAULT_RETENTION_DAYS, everyMs = 3600_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepShopEvents(deps, days)
      .catch((err: unknown) => console.error('[shop] deleting old storefront events failed', err instanceof Error ? err.message : err))
      .then(() => pruneRecommendationPairs(deps))
      .catch((err: unknown) => console.error('[shop] pruning recommendation pairs failed', err instanceof Error ? err.message : err))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
