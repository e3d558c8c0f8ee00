import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { normaliseQuery, sweepShopEvents, VISITOR_COOKIE } from '../../../src/cloud/shop/insight/events';
import { createOrg, createStore } from '../../../src/cloud/tenancy';
import { dayToIso } from '../../../src/shared/business-day';
import { DIM, rebuildRollups } from '../../../src/main/insight/rollups';
import { CloudCallError, NetworkError, type SyncTransport } from '../../../src/main/sync/transport';
import { fail, ok } from '../../support/app';
import { COLA, sell, shop as counterOnly } from '../../support/shop';
import { shopOrg } from '../../support/shop-cloud';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 180_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

/** A range around the cloud's today, wide enough for any store time zone. */
function around(days = 0) {
  const utc = Math.floor(cloud.deps.clock() / 86_400_000);
  return { from: dayToIso(utc - 2), to: dayToIso(utc + 2 + days) };
}

const funnel = (range = around()) => ok(shop.till, 'insight.online', range, 's1');

async function events(kind?: string) {
  return rowsOf<{ kind: string; visitor: string | null; product_id: string | null; query: string | null; results: number | null }>(
    cloud.deps.db,
    kind
      ? sql`SELECT kind, visitor, product_id, query, results FROM shop_events WHERE store_id = ${shop.storeId} AND kind = ${kind} ORDER BY id`
      : sql`SELECT kind, visitor, product_id, query, results FROM shop_events WHERE store_id = ${shop.storeId} ORDER BY id`,
  );
}

async function clearEvents() {
  await cloud.deps.db.execute(sql`DELETE FROM shop_events`);
}

const address = { a_name: 'Li Lei', a_line1: '1 Nanjing Rd', a_city: 'Shanghai', a_region: 'SH', a_postalCode: '200001', a_country: 'CN' };

/** Puts cola in the cart, checks out and pays with the fake Alipay; answers the trade number. */
async function buy(b: Browser): Promise<string> {
  expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    ...address,
  });
  expect(res.status).toBe(303);
  const tradeNo = (JSON.parse(new URL(res.headers.get('location')!).searchParams.get('biz_content')!) as { out_trade_no: string })
    .out_trade_no;
  // The buyer's browser opens the cashier, then pays there.
  expect((await b.get(res.headers.get('location')!)).status).toBe(200);
  expect(await cloud.alipay.customerPays(tradeNo)).toEqual([{ status: 200, body: 'success' }]);
  return tradeNo;
}

describe('a buyer’s journey, as the manager reads it', () => {
  it('counts each step once, de-duplicates the visit, lists the search that found nothing, and counts the payment', async () => {
    await clearEvents();
    const b = new Browser(cloud);
    // The first page sets the visitor cookie and counts nothing: a client that keeps no cookie never counts.
    expect((await b.get(base)).status).toBe(200);
    expect(b.cookies.get(VISITOR_COOKIE)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await events()).toEqual([]);

    expect((await b.get(`${base}/p/${shop.cola.id}`)).status).toBe(200);
    expect((await b.get(`${base}/search?q=${encodeURIComponent('  COLA ')}`)).status).toBe(200);
    expect((await b.get(`${base}/search?q=zzqx`)).status).toBe(200);
    // The next page of a search, its other sort, or its other language is not another search.
    await b.get(`${base}/search?q=zzqx&lang=zh-CN`);
    await b.get(`${base}/search?q=zzqx&sort=newest`);
    const tradeNo = await buy(b);
    // Alipay tells again: the order was paid once.
    await cloud.alipay.customerPays(tradeNo).catch(() => undefined);

    const rows = await events();
    expect(rows.map((r) => r.kind)).toEqual(['visit', 'product_view', 'search', 'search', 'cart_add', 'checkout_start', 'paid']);
    const visitor = b.cookies.get(VISITOR_COOKIE)!.split('.')[0]!;
    expect(rows.filter((r) => r.kind !== 'paid').every((r) => r.visitor === visitor)).toBe(true);
    expect(rows.find((r) => r.kind === 'paid')!.visitor).toBeNull();
    expect(rows.filter((r) => r.kind === 'search').map((r) => [r.query, r.results])).toEqual([
      ['cola', 1],
      ['zzqx', 0],
    ]);

    const f = await funnel();
    expect(f).toMatchObject({
      visits: 1,
      productViews: { events: 1, visits: 1 },
      carts: { events: 1, visits: 1 },
      checkouts: { events: 1, visits: 1 },
      paid: 1,
    });
    expect(f.topSearches).toEqual([
      { query: 'cola', searches: 1, empty: 0 },
      { query: 'zzqx', searches: 1, empty: 1 },
    ]);
    expect(f.noResults.map((r) => [r.query, r.searches])).toEqual([['zzqx', 1]]);

    // The same visitor comes back the same day, even replaying its first cookie: still one visit.
    await b.get(`${base}/p/${shop.bread.id}`);
    b.cookies.set(VISITOR_COOKIE, visitor);
    await b.get(`${base}/p/${shop.bread.id}`);
    const again = await funnel();
    expect(again.visits).toBe(1);
    expect(again.productViews).toEqual({ events: 3, visits: 1 });

    // The next day it is a new visit.
    cloud.advance(86_400_000);
    await b.get(base);
    expect((await funnel(around())).visits).toBe(2);
  });

  it('counts nothing for clients that keep no cookie, however often they call', async () => {
    await clearEvents();
    for (let i = 0; i < 5; i++) {
      for (const path of [`${base}/p/${shop.cola.id}`, `${base}/search?q=cola`]) {
        const bot = new Browser(cloud);
        expect((await bot.get(path)).status).toBe(200);
      }
    }
    expect(await events()).toEqual([]);
  });

  it('files events under the store’s day whatever a forged cookie says', async () => {
    await clearEvents();
    const b = new Browser(cloud);
    await b.get(base);
    const id = b.cookies.get(VISITOR_COOKIE)!;
    b.cookies.set(VISITOR_COOKIE, `${id}.12.99999999999999`);
    await b.get(`${base}/p/${shop.cola.id}`);
    const [row] = await rowsOf<{ day: number }>(cloud.deps.db, sql`SELECT day FROM shop_events WHERE kind = 'product_view'`);
    expect(Math.abs(row!.day - Math.floor(cloud.deps.clock() / 86_400_000))).toBeLessThanOrEqual(1);
  });

  it('serves the page when its event cannot be written', async () => {
    await clearEvents();
    const b = new Browser(cloud);
    await b.get(base);
    await cloud.deps.db.execute(sql`ALTER TABLE shop_events RENAME TO shop_events_away`);
    try {
      const res = await b.get(`${base}/p/${shop.cola.id}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Cola');
    } finally {
      await cloud.deps.db.execute(sql`ALTER TABLE shop_events_away RENAME TO shop_events`);
    }
  });
});

describe('searches', () => {
  it('are kept normalised and short', () => {
    expect(normaliseQuery('  Ｃｏｌａ\u200b   Zero\n')).toBe('cola zero');
    expect(normaliseQuery('可乐'.repeat(100))).toBe('可乐'.repeat(32));
  });
});

describe('whose figures a terminal may read', () => {
  it('refuses another store of the organisation and any store of another organisation', async () => {
    const client = shop.till.sync.engine.client()!;
    const device = { id: 'x', orgId: shop.orgId, storeId: shop.storeId, terminalCode: 'T1', name: 'Till' };
    const sister = await createStore(cloud.deps, device, { name: 'Second store' });
    const stranger = await createOrg(cloud.deps, {
      orgName: 'Elsewhere',
      storeName: 'Elsewhere',
      terminalName: 'Till',
      terminalCode: 'T1',
    });
    for (const storeId of [sister.id, stranger.store.id]) {
      const err = await client.shopInsight({ storeId, ...around() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudCallError);
      expect((err as CloudCallError).status).toBe(403);
    }
    // And the stranger's terminal cannot read this store's.
    const res = await fetch(`${cloud.url}/v1/shop-insight?store=${shop.storeId}&from=${around().from}&to=${around().to}`, {
      headers: { authorization: `Bearer ${stranger.token}` },
    });
    expect(res.status).toBe(403);
    // Without a device token, nothing.
    expect((await fetch(`${cloud.url}/v1/shop-insight?store=${shop.storeId}&from=${around().from}&to=${around().to}`)).status).toBe(401);
  });

  it('never counts another organisation’s shop in this store’s funnel', async () => {
    await clearEvents();
    const stranger = await shopOrg(cloud.deps, 'Elsewhere too');
    const b = new Browser(cloud);
    await b.get(`/shop/${stranger.storeId}`);
    await b.get(`/shop/${stranger.storeId}/search?q=cola`);
    expect((await rowsOf(cloud.deps.db, sql`SELECT 1 FROM shop_events WHERE store_id = ${stranger.storeId}`)).length).toBe(2);
    const f = await funnel();
    expect(f.visits).toBe(0);
    expect(f.topSearches).toEqual([]);
  });
});

describe('retention', () => {
  it('the sweep deletes events older than the period and keeps the rest', async () => {
    await clearEvents();
    const today = Math.floor(cloud.deps.clock() / 86_400_000);
    for (const day of [today - 500, today - 30])
      await cloud.deps.db.execute(
        sql`INSERT INTO shop_events (org_id, store_id, day, at, kind, visitor) VALUES (${shop.orgId}, ${shop.storeId}, ${day}, ${day * 86_400_000}, 'visit', 'v')`,
      );
    expect(await sweepShopEvents(cloud.deps, 400)).toBe(1);
    expect((await rowsOf<{ day: number }>(cloud.deps.db, sql`SELECT day FROM shop_events`)).map((r) => r.day)).toEqual([today - 30]);
  });
});

describe('no third party', () => {
  it('no shop page loads a script, picture, style or frame from another host', async () => {
    const b = new Browser(cloud);
    const pages = [
      base,
      `${base}/p/${shop.cola.id}`,
      `${base}/search?q=cola`,
      `${base}/cart`,
      `${base}/account/signin`,
      `${base}/account/signup`,
      `${base}?lang=zh-CN`,
    ];
    await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' });
    pages.push(`${base}/checkout`);
    for (const path of pages) {
      const res = await b.get(path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      // Every resource a page loads comes from the shop itself.
      const loads = [...text.matchAll(/<(script|img|iframe|link|source|embed|object)\b[^>]*>/gi)].map((m) => m[0]);
      for (const tag of loads) expect(tag, `${path}: ${tag}`).not.toMatch(/(src|href|data)\s*=\s*["']?\s*(https?:)?\/\//i);
      expect(text).not.toMatch(/<script\b[^>]*\bsrc=/i);
      expect(text).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    }
  });
});

describe('the dashboard’s channels', () => {
  it('splits a counter sale from a synced online order', async () => {
    await buy(new Browser(cloud));
    // Wide enough for the online orders the cloud's clock, moved a day on above, paid tomorrow.
    const day = Math.floor(shop.till.clock() / 86_400_000);
    const range = { from: dayToIso(day - 400), to: dayToIso(day + 3) };
    const before = await ok(shop.till, 'insight.channels', range, 's1');
    await syncAll([shop.till]);
    const synced = await ok(shop.till, 'insight.channels', range, 's1');
    const online = shop.till.deps.sqlite
      .prepare(
        "SELECT COUNT(*) AS orders, COALESCE(SUM(l.total), 0) AS sales FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.source = 'online'",
      )
      .get() as { orders: number; sales: number };
    expect(online.orders).toBeGreaterThan(0);
    expect(synced.find((c) => c.channel === 'online')).toEqual({ channel: 'online', orders: online.orders, sales: online.sales });
    const counterBefore = synced.find((c) => c.channel === 'counter')!;
    expect(before.find((c) => c.channel === 'counter')).toEqual(counterBefore);

    const sale = await sell(shop.till, [COLA], 'exact-cash', 's1');
    const after = await ok(shop.till, 'insight.channels', range, 's1');
    expect(after.find((c) => c.channel === 'counter')).toEqual({
      channel: 'counter',
      orders: counterBefore.orders + 1,
      sales: counterBefore.sales + sale.total,
    });
    expect(after.find((c) => c.channel === 'online')).toEqual(synced.find((c) => c.channel === 'online'));

    // Rollups rebuilt from the facts agree, and so do rollups of a store upgraded from before the
    // channel was kept (its online orders are added once).
    const sqlite = shop.till.deps.sqlite;
    rebuildRollups(shop.till.deps);
    expect(await ok(shop.till, 'insight.channels', range, 's1')).toEqual(after);
    sqlite.exec(`DELETE FROM rollup_keyed WHERE dim = ${DIM.channel}; DELETE FROM insight_meta WHERE key = 'channels'`);
    await sell(shop.till, [COLA], 'exact-cash', 's1');
    const upgraded = await ok(shop.till, 'insight.channels', range, 's1');
    expect(upgraded.find((c) => c.channel === 'online')).toEqual(after.find((c) => c.channel === 'online'));
    expect(upgraded.find((c) => c.channel === 'counter')!.orders).toBe(after.find((c) => c.channel === 'counter')!.orders + 1);
  });
});

describe('when the shop cannot be asked', () => {
  it('says the store has no cloud, or that the cloud cannot be reached', async () => {
    const alone = await counterOnly();
    try {
      const e = await fail(alone.app, 'insight.online', around(), 's1');
      expect(e.code).toBe('CONFLICT');
      expect(e.details).toMatchObject({ reason: 'noCloud', messageKey: 'dashboard.online.noCloud' });
    } finally {
      alone.app.close();
    }
    const engine = shop.till.sync.engine as unknown as { transport: SyncTransport };
    const kept = engine.transport;
    engine.transport = {
      request: () => Promise.reject(new NetworkError('The cloud cannot be reached')),
    };
    try {
      const e = await fail(shop.till, 'insight.online', around(), 's1');
      expect(e.code).toBe('IO');
      expect(e.details).toMatchObject({ reason: 'offline', messageKey: 'dashboard.online.offline' });
    } finally {
      engine.transport = kept;
    }
    // Reachable again, it answers.
    expect((await ok(shop.till, 'insight.online', around(), 's1')).from).toBe(around().from);
  });
});
