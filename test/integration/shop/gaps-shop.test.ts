/**
 * Gaps of the shop's after-sale closed: an order delivered before the completion sweep existed
 * still completes by itself (its delivered time is backfilled), the buyer reads the carrier's name
 * in their language, and a visitor's first page counts in the funnel, once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { CLOUD_MIGRATIONS_DIR, rowsOf } from '../../../src/cloud/db/open';
import { completeDue } from '../../../src/cloud/shop/delivery/completion';
import { carrierName } from '../../../src/cloud/shop/delivery/carriers';
import { FIRST_PAGE_COOKIE, readFirstPage, VISITOR_COOKIE } from '../../../src/cloud/shop/insight/events';
import { dayToIso } from '../../../src/shared/business-day';
import { ok } from '../../support/app';
import { startFakeCarrier, CARRIER_KEY, type FakeCarrier } from '../../support/fake-carrier';
import { signIn, syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

const DAY = 86_400_000;
let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let carrier: FakeCarrier;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
  carrier = await startFakeCarrier();
  // The manager names the carrier's API as the till's carriers screen lets them.
  await ok(shop.till, 'shipping.setCarrierApi', { config: { name: 'SF Express', baseUrl: carrier.url, apiKey: CARRIER_KEY } }, 's1');
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await carrier.close();
  await cloud.close();
});

const ADDRESS = { a_name: 'Li Lei', a_line1: '1 Nanjing Rd', a_city: 'Shanghai', a_region: 'SH', a_postalCode: '200001', a_country: 'CN' };

async function paidOrder(b = new Browser(cloud)) {
  expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    ...ADDRESS,
  });
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  expect((await b.get(gateway)).status).toBe(200);
  const tradeNo = (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
  await cloud.alipay.customerPays(tradeNo);
  const [row] = await rowsOf<{ id: string }>(
    cloud.deps.db,
    sql`SELECT id FROM shop_orders WHERE shop_number = ${tradeNo} AND state = 'paid'`,
  );
  const link = cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, '');
  return { b, id: row!.id, link };
}

async function advance(ms: number) {
  cloud.advance(ms);
  (shop.till.clock as unknown as { advance(ms: number): void }).advance(ms);
  await signIn(shop.till, shop.adminId);
}

/** The till ships the order with `carrierId` (the own courier or the API's) and marks it delivered. */
async function shipAndDeliver(orderId: string, carrierId: 'own' | 'api') {
  await syncAll([shop.till]);
  const lines = shop.till.deps.sqlite.prepare('SELECT id, qty FROM order_lines WHERE order_id = ?').all(orderId) as {
    id: string;
    qty: number;
  }[];
  const s = await ok(
    shop.till,
    'shipping.create',
    {
      orderId,
      lines: lines.map((l) => ({ orderLineId: l.id, qty: l.qty })),
      address: { name: 'Li Lei', line1: '1 Nanjing Rd', city: 'Shanghai', region: 'SH', postalCode: '200001', country: 'CN' },
      parcel: { weightG: 500, lengthMm: 200, widthMm: 100, heightMm: 100 },
      carrier: carrierId,
      service: carrierId === 'own' ? 'next_day' : 'standard',
    },
    's1',
  );
  await ok(shop.till, 'shipping.setStatus', { id: s.id, status: 'handed_over' }, 's1');
  await ok(shop.till, 'shipping.setStatus', { id: s.id, status: 'delivered' }, 's1');
  await syncAll([shop.till]);
  return s;
}

describe('orders delivered before the completion sweep', () => {
  it('complete by themselves once the migration has read their delivery from their steps', async () => {
    const o = await paidOrder();
    await shipAndDeliver(o.id, 'own');
    // As before the sweep existed: the order's steps are stored, its progress row is not.
    await cloud.deps.db.execute(sql`DELETE FROM shop_order_progress WHERE order_id = ${o.id}`);
    // A hostile step a till once sent (no order id, a time that is text) is passed over.
    await cloud.deps.db.execute(sql`
      INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, seq, updated_at)
      VALUES (${shop.orgId}, 'online_order_event', ${shop.storeId}, 'x-bad-1', 'append-only',
        '{"d":{"order_id":"not-a-uuid","kind":"delivered","at":5}}', 0, 0),
             (${shop.orgId}, 'online_order_event', ${shop.storeId}, 'x-bad-2', 'append-only',
        ${JSON.stringify({ d: { order_id: '01a2027b-0000-7000-8000-000000000000', kind: 'delivered', at: '1; DROP TABLE x' } })}, 0, 0)`);
    await advance(8 * DAY);
    expect(await completeDue(cloud.deps)).toBe(0);

    const migration = readFileSync(join(CLOUD_MIGRATIONS_DIR, '0010_gaps_delivered_backfill.sql'), 'utf8');
    await cloud.deps.db.execute(sql.raw(migration));
    // Run twice (a re-run changes nothing): the order completes once.
    await cloud.deps.db.execute(sql.raw(migration));
    expect(await completeDue(cloud.deps)).toBe(1);
    expect(await completeDue(cloud.deps)).toBe(0);
    const page = await (await o.b.get(`${o.link}&lang=en`)).text();
    expect(page).toContain('Completed automatically');
    const progress = await rowsOf<{ n: number }>(cloud.deps.db, sql`SELECT COUNT(*)::int AS n FROM shop_order_progress`);
    // Only real orders got a row: the hostile steps made none.
    const [bad] = await rowsOf<{ n: number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*)::int AS n FROM shop_order_progress WHERE order_id = '01a2027b-0000-7000-8000-000000000000'`,
    );
    expect(bad!.n).toBe(0);
    expect(progress[0]!.n).toBeGreaterThan(0);
  });
});

describe('carriers in the buyer’s language', () => {
  it('names the till’s own courier and a known carrier in English and in Chinese; an unknown name stays as written', async () => {
    const own = await paidOrder();
    await shipAndDeliver(own.id, 'own');
    const en = await (await own.b.get(`${own.link}&lang=en`)).text();
    const zh = await (await own.b.get(`${own.link}&lang=zh-CN`)).text();
    expect(en).toContain('Own courier');
    expect(zh).toContain('商家自送');
    expect(zh).not.toContain('Own courier');

    const sf = await paidOrder();
    await shipAndDeliver(sf.id, 'api');
    expect(await (await sf.b.get(`${sf.link}&lang=zh-CN`)).text()).toContain('顺丰速运');
    expect(await (await sf.b.get(`${sf.link}&lang=en`)).text()).toContain('SF Express');

    expect(carrierName('顺丰', 'en')).toBe('SF Express');
    expect(carrierName('  sf express. ', 'zh-CN')).toBe('顺丰速运');
    expect(carrierName('Bob’s Bikes', 'zh-CN')).toBe('Bob’s Bikes');
    // A name that looks like markup is still only text: the page escapes it.
    expect(carrierName('<script>', 'zh-CN')).toBe('<script>');
  });
});

describe('the first page of a visit', () => {
  const around = () => {
    const utc = Math.floor(cloud.deps.clock() / DAY);
    return { from: dayToIso(utc - 2), to: dayToIso(utc + 2) };
  };
  const funnel = () => ok(shop.till, 'insight.online', around(), 's1');
  const kinds = async () =>
    (
      await rowsOf<{ kind: string; product_id: string | null }>(
        cloud.deps.db,
        sql`SELECT kind, product_id FROM shop_events WHERE store_id = ${shop.storeId} AND kind <> 'paid' ORDER BY id`,
      )
    ).map((r) => [r.kind, r.product_id]);

  it('counts a one-page visit and its product view once, by the page’s pixel; refreshes count no new visit', async () => {
    await cloud.deps.db.execute(sql`DELETE FROM shop_events`);
    const b = new Browser(cloud);
    const landing = await (await b.get(`${base}/p/${shop.cola.id}`)).text();
    expect(b.cookies.get(VISITOR_COOKIE)).toBeTruthy();
    expect(await kinds()).toEqual([]);
    // The page asks for the shop's pixel (same host, no script); a browser loads it with the cookies.
    const pixel = /<img src="([^"]+\/seen)"/.exec(landing)![1]!;
    expect(pixel).toBe(`${base}/seen`);
    const seen = await b.get(pixel);
    expect(seen.status).toBe(200);
    expect(seen.headers.get('content-type')).toBe('image/gif');
    expect(await kinds()).toEqual([
      ['visit', null],
      ['product_view', shop.cola.id],
    ]);
    // Refreshing the page, and its pixel again: one visit, and the refresh is one more view.
    await b.get(`${base}/p/${shop.cola.id}`);
    await b.get(pixel);
    expect((await funnel()).visits).toBe(1);
    expect(await kinds()).toEqual([
      ['visit', null],
      ['product_view', shop.cola.id],
      ['product_view', shop.cola.id],
    ]);
  });

  it('a browser that loads no pictures has its first page counted with its next page', async () => {
    await cloud.deps.db.execute(sql`DELETE FROM shop_events`);
    const b = new Browser(cloud);
    await b.get(`${base}/p/${shop.bread.id}`);
    await b.get(`${base}/p/${shop.cola.id}`);
    expect(await kinds()).toEqual([
      ['visit', null],
      ['product_view', shop.bread.id],
      ['product_view', shop.cola.id],
    ]);
  });

  it('a client that keeps no cookies counts nothing, however many pages and pixels it asks for', async () => {
    await cloud.deps.db.execute(sql`DELETE FROM shop_events`);
    for (let k = 0; k < 3; k++) {
      const bot = new Browser(cloud);
      await bot.get(`${base}/p/${shop.cola.id}`);
      bot.cookies.clear();
      await bot.get(`${base}/seen`);
    }
    expect(await kinds()).toEqual([]);
  });

  it('a forged first-page cookie adds no more than a first page could: a few views of real-looking ids, searches normalised', async () => {
    await cloud.deps.db.execute(sql`DELETE FROM shop_events`);
    const now = cloud.deps.clock();
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(readFirstPage('%%%', now)).toBeNull();
    expect(readFirstPage(forged('x'), now)).toBeNull();
    expect(readFirstPage('a'.repeat(5000), now)).toBeNull();
    const many = readFirstPage(
      forged({
        at: now - 365 * DAY,
        e: [
          ['paid', null, null, null],
          ['visit', null, null, null],
          ['product_view', "'; DROP TABLE shop_events; --", null, null],
          ['search', null, '  COLA\u0000 ', 9999],
          ...Array.from({ length: 10 }, () => ['product_view', shop.cola.id, null, null]),
        ],
      }),
      now,
    )!;
    // An old time is not believed; only what a first page can note survives, and only four entries are read.
    expect(many.at).toBe(now);
    expect(many.events).toEqual([{ kind: 'search', query: 'cola', results: 25 }]);

    const b = new Browser(cloud);
    await b.get(`${base}/p/${shop.cola.id}`);
    b.cookies.set(FIRST_PAGE_COOKIE, forged({ at: now, e: Array.from({ length: 40 }, () => ['product_view', shop.bread.id, null, null]) }));
    await b.get(`${base}/seen`);
    const rows = await kinds();
    expect(rows.filter(([k]) => k === 'visit')).toHaveLength(1);
    expect(rows.filter(([k]) => k === 'product_view').length).toBeLessThanOrEqual(4);
  });
});
