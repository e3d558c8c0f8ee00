/**
 * The shop's funnel and searches for a store's tills: a device asks for its own store over a
 * range of the store's calendar days (the days its events were filed under).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { OnlineFunnel } from '../../../shared/api/insight';
import { isoToDay, isIsoDate } from '../../../shared/business-day';
import { rowsOf, sql } from '../../db/open';
import { CloudHttpError, type CloudDeps } from '../../deps';
import type { AuthDevice } from '../../tenancy';

/** The longest range one request may read. */
export const MAX_RANGE_DAYS = 366;
const LIST = 20;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function shopFunnel(deps: CloudDeps, storeId: string, from: string, to: string): Promise<OnlineFunnel> {
  const a = isoToDay(from);
  const b = isoToDay(to);
  const steps = await rowsOf<{ kind: string; n: unknown; v: unknown }>(
    deps.db,
    sql`SELECT kind, COUNT(*) AS n, COUNT(DISTINCT day::text || ':' || visitor) AS v FROM shop_events
        WHERE store_id = ${storeId} AND day BETWEEN ${a} AND ${b} GROUP BY kind`,
  );
  const top = await rowsOf<{ query: string; n: unknown; empty: unknown }>(
    deps.db,
    sql`SELECT query, COUNT(*) AS n, COUNT(*) FILTER (WHERE results = 0) AS empty FROM shop_events
        WHERE store_id = ${storeId} AND day BETWEEN ${a} AND ${b} AND kind = 'search'
        GROUP BY query ORDER BY n DESC, query LIMIT ${LIST}`,
  );
  const none = await rowsOf<{ query: string; n: unknown; last: unknown }>(
    deps.db,
    sql`SELECT query, COUNT(*) AS n, MAX(at) AS last FROM shop_events
        WHERE store_id = ${storeId} AND day BETWEEN ${a} AND ${b} AND kind = 'search' AND results = 0
        GROUP BY query ORDER BY n DESC, last DESC, query LIMIT ${LIST}`,
  );
  const step = (kind: string) => {
    const r = steps.find((s) => s.kind === kind);
    return { events: num(r?.n), visits: num(r?.v) };
  };
  return {
    from,
    to,
    visits: step('visit').events,
    productViews: step('product_view'),
    carts: step('cart_add'),
    checkouts: step('checkout_start'),
    paid: step('paid').events,
    topSearches: top.map((r) => ({ query: r.query, searches: num(r.n), empty: num(r.empty) })),
    noResults: none.map((r) => ({ query: r.query, searches: num(r.n), lastAt: num(r.last) })),
  };
}

const query = z
  .object({ store: z.uuid(), from: z.string().refine(isIsoDate), to: z.string().refine(isIsoDate) })
  .refine((q) => isoToDay(q.from) <= isoToDay(q.to) && isoToDay(q.to) - isoToDay(q.from) < MAX_RANGE_DAYS);

type Authed = Hono<{ Variables: { device: AuthDevice } }>;

/** `GET /v1/shop-insight?store=&from=&to=`: a terminal reads its own store's shop, no other. */
export function registerShopInsightApi(authed: Authed, deps: CloudDeps): void {
  authed.get('/shop-insight', async (c: Context<{ Variables: { device: AuthDevice } }>) => {
    const q = query.safeParse({ store: c.req.query('store'), from: c.req.query('from'), to: c.req.query('to') });
    if (!q.success) throw new CloudHttpError(400, 'VALIDATION', `Give a store and a range of at most ${MAX_RANGE_DAYS} days`);
    // Another store's shop (of this organisation or any other) is not this terminal's to read.
    if (q.data.store !== c.get('device').storeId) throw new CloudHttpError(403, 'FORBIDDEN', 'A terminal reads its own store only');
    return c.json(await shopFunnel(deps, q.data.store, q.data.from, q.data.to));
  });
}
