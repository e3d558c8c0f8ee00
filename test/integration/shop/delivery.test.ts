/**
 * The parcel's journey as the buyer sees it: a till ships an online order with a carrier, the
 * carrier's events reach the buyer's page once each, the estimated delivery comes from the carrier
 * or from the method's days, and a delivered order completes by itself after the store's days,
 * once, however many sweeps run. A till may say only what a store says, of its own orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { completeDue } from '../../../src/cloud/shop/delivery/completion';
import { uuidv7 } from '../../../src/shared/ids';
import { ADMIN_PIN, ok } from '../../support/app';
import { fetchVia } from '../../support/cloud';
import { startFakeCarrier, CARRIER_KEY, type FakeCarrier } from '../../support/fake-carrier';
import { enrolmentCode, signIn, syncAll } from '../../support/sync';
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
  await ok(shop.till, 'shipping.setCarrierApi', { config: { name: 'FastShip', baseUrl: carrier.url, apiKey: CARRIER_KEY } }, 's1');
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await carrier.close();
  await cloud.close();
});

const ADDRESS = { a_name: 'Li Lei', a_line1: '1 Nanjing Rd', a_city: 'Shanghai', a_region: 'SH', a_postalCode: '200001', a_country: 'CN' };

/** A guest buys a cola and pays; returns the order's id and its page's address (with the guest's key). */
async function paidOrder(b = new Browser(cloud), method = 'standard') {
  expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, { idem: hidden(form, 'idem'), name: 'Li Lei', email: 'li@example.com', method, ...ADDRESS });
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  // The buyer's browser opens the cashier (the fake learns of the trade there).
  expect((await b.get(gateway)).status).toBe(200);
  const tradeNo = (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
  await cloud.alipay.customerPays(tradeNo);
  const [row] = await rowsOf<{ id: string; paid_at: string | number }>(
    cloud.deps.db,
    sql`SELECT id, paid_at FROM shop_orders WHERE shop_number = ${tradeNo} AND state = 'paid'`,
  );
  const link = cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, '');
  return { b, id: row!.id, paidAt: Number(row!.paid_at), link, key: new URL(link, cloud.url).searchParams.get('key')! };
}

/** Time passes for the cloud and the till alike (the till's manager signs in again after the idle lock). */
async function advance(ms: number) {
  cloud.advance(ms);
  (shop.till.clock as unknown as { advance(ms: number): void }).advance(ms);
  await signIn(shop.till, shop.adminId);
}

const pageOf = async (o: { b: Browser; link: string }) => (await o.b.get(`${o.link}&lang=en`)).text();
const times = (text: string, needle: string) => text.split(needle).length - 1;

/** The store's calendar day (ISO) `days` after `at`, as an independent reading of the zone. */
function dayAfter(at: number, days: number, timeZone: string): number {
  const iso = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return Date.parse(`${iso}T00:00:00Z`) + days * DAY;
}
const range = (lang: string, from: number, to: number) =>
  new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).formatRange(from, to);

const storeZone = () => shop.till.deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'timezone'").pluck().get() as string;
const zone = () => JSON.parse(storeZone()) as string;

/** The till ships the whole online order with the fake carrier. */
async function ship(orderId: string) {
  await syncAll([shop.till]);
  const lines = shop.till.deps.sqlite.prepare('SELECT id, qty FROM order_lines WHERE order_id = ?').all(orderId) as {
    id: string;
    qty: number;
  }[];
  expect(lines.length).toBeGreaterThan(0);
  const s = await ok(
    shop.till,
    'shipping.create',
    {
      orderId,
      lines: lines.map((l) => ({ orderLineId: l.id, qty: l.qty })),
      address: { name: 'Li Lei', line1: '1 Nanjing Rd', city: 'Shanghai', region: 'SH', postalCode: '200001', country: 'CN' },
      parcel: { weightG: 500, lengthMm: 200, widthMm: 100, heightMm: 100 },
      carrier: 'api',
      service: 'standard',
    },
    's1',
  );
  await syncAll([shop.till]);
  return s;
}

const cloudSteps = async (orderId: string, kind: string) =>
  rowsOf<{ body: string }>(
    cloud.deps.db,
    sql`SELECT body FROM records WHERE entity = 'online_order_event' AND (body::jsonb -> 'd' ->> 'order_id') = ${orderId}
        AND (body::jsonb -> 'd' ->> 'kind') = ${kind}`,
  );

describe('estimated delivery', () => {
  it('the checkout says when each method arrives if paid now, in both languages; pick-up promises no day', async () => {
    const b = new Browser(cloud);
    await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' });
    const now = cloud.deps.clock();
    const en = await (await b.get(`${base}/checkout`)).text();
    // The default standard delivery takes 2 to 4 days.
    expect(en).toContain(`arrives ${range('en', dayAfter(now, 2, zone()), dayAfter(now, 4, zone()))}`);
    expect(times(en, 'arrives ')).toBe(1);
    const zh = await (await b.get(`${base}/checkout?lang=zh-CN`)).text();
    expect(zh).toContain(`预计 ${range('zh-CN', dayAfter(now, 2, zone()), dayAfter(now, 4, zone()))} 送达`);
  });

  it('a paid order shows the method’s days from payment, then the carrier’s day once its label is bought', async () => {
    const o = await paidOrder();
    expect(await pageOf(o)).toContain(`Estimated delivery: ${range('en', dayAfter(o.paidAt, 2, zone()), dayAfter(o.paidAt, 4, zone()))}`);
    carrier.estimatedDelivery = '2026-11-25';
    await ship(o.id);
    const page = await pageOf(o);
    expect(page).toContain('Estimated delivery: Nov 25');
    expect(page).toContain('(estimated by FastShip)');
    expect(await (await o.b.get(`${o.link}&lang=zh-CN`)).text()).toContain('预计送达：11月25日');
  });

  it('a carrier that gives no day leaves the method’s days', async () => {
    carrier.estimatedDelivery = null;
    const o = await paidOrder();
    await ship(o.id);
    const page = await pageOf(o);
    // The page is headed by where the order has got to, not by its payment.
    expect(page).toContain('<p><strong>Shipped</strong></p>');
    expect(await (await o.b.get(`${o.link}&lang=zh-CN`)).text()).toContain('<p><strong>已发货</strong></p>');
    expect(page).toContain(`Estimated delivery: ${range('en', dayAfter(o.paidAt, 2, zone()), dayAfter(o.paidAt, 4, zone()))}`);
    carrier.estimatedDelivery = '2026-11-25';
  });
});

describe('the parcel’s journey', () => {
  it('the carrier’s events reach the buyer once each; delivery ends the estimate; the order completes by itself once', async () => {
    const o = await paidOrder();
    const s = await ship(o.id);
    carrier.events[s.trackingNumber]!.push(
      { id: 'e1', status: 'picked_up', occurredAt: '2026-11-22T15:00:00Z', description: 'Picked up', location: 'Shanghai hub' },
      {
        id: 'e2',
        status: 'out_for_delivery',
        occurredAt: '2026-11-24T07:00:00Z',
        description: 'Courier <b>Wang</b> is on the way',
        location: 'Pudong',
      },
    );
    for (let k = 0; k < 2; k++) {
      await ok(shop.till, 'shipping.refresh', { id: s.id }, 's1');
      await syncAll([shop.till]);
    }
    let page = await pageOf(o);
    expect(times(page, 'Handed to the carrier')).toBe(1);
    expect(times(page, 'Out for delivery')).toBe(1);
    expect(page).toContain('Shanghai hub');
    // The carrier's words are escaped like anything else from outside.
    expect(page).toContain('Courier &lt;b&gt;Wang&lt;/b&gt; is on the way · Pudong');
    expect(page).not.toContain('<b>Wang</b>');
    expect(await cloudSteps(o.id, 'tracking')).toHaveLength(2);
    const zh = await (await o.b.get(`${o.link}&lang=zh-CN`)).text();
    expect(zh).toContain('派送中');
    expect(zh).toContain('快递已揽收');

    carrier.events[s.trackingNumber]!.push({
      id: 'e3',
      status: 'delivered',
      occurredAt: new Date(cloud.deps.clock() - 60_000).toISOString(),
      description: 'Signed for',
      location: 'Front desk',
    });
    await ok(shop.till, 'shipping.refresh', { id: s.id }, 's1');
    await ok(shop.till, 'shipping.refresh', { id: s.id }, 's1');
    await syncAll([shop.till]);
    page = await pageOf(o);
    expect(await cloudSteps(o.id, 'delivered')).toHaveLength(1);
    expect(page).toContain('Signed for · Front desk');
    expect(page).not.toContain('Estimated delivery');
    expect(page).toContain('Confirm receipt');
    expect(page).toContain('completes automatically on');

    // Six days on, nothing yet; past seven, two sweeps at once complete it once.
    await advance(6 * DAY);
    expect(await completeDue(cloud.deps)).toBe(0);
    await advance(DAY + 60_000);
    const done = await Promise.all([completeDue(cloud.deps), completeDue(cloud.deps), completeDue(cloud.deps)]);
    expect(done.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await completeDue(cloud.deps)).toBe(0);
    // The buyer confirming now changes nothing.
    await o.b.post(`${base}/orders/${o.id}/received`, { key: o.key });
    const received = await cloudSteps(o.id, 'received');
    expect(received).toHaveLength(1);
    expect((JSON.parse(received[0]!.body) as { d: { status: string } }).d.status).toBe('automatic');
    page = await pageOf(o);
    expect(page).toContain('Completed automatically');
    expect(page).not.toContain('>Confirm receipt<');
    expect(await (await o.b.get(`${o.link}&lang=zh-CN`)).text()).toContain('已自动确认收货');
    // The till hears of it too.
    await syncAll([shop.till]);
    expect(
      shop.till.deps.sqlite.prepare("SELECT status FROM online_order_events WHERE order_id = ? AND kind = 'received'").all(o.id),
    ).toEqual([{ status: 'automatic' }]);
  });

  it('a buyer who confirmed is never completed again; the store’s own days are used', async () => {
    // The store completes after 3 days.
    shop.till.deps.sqlite.prepare("INSERT INTO settings (key, value, hlc) VALUES ('onlineAutoCompleteDays', '3', '')").run();
    const mine = await paidOrder();
    const other = await paidOrder();
    for (const o of [mine, other]) {
      const s = await ship(o.id);
      carrier.events[s.trackingNumber]!.push({
        id: `d-${o.id}`,
        status: 'delivered',
        occurredAt: new Date(cloud.deps.clock() - 60_000).toISOString(),
        description: 'Delivered',
        location: null,
      });
      await ok(shop.till, 'shipping.refresh', { id: s.id }, 's1');
    }
    await syncAll([shop.till]);
    expect((await mine.b.post(`${base}/orders/${mine.id}/received`, { key: mine.key })).status).toBe(303);
    expect(await cloudSteps(mine.id, 'received')).toHaveLength(1);
    await advance(2 * DAY);
    expect(await completeDue(cloud.deps)).toBe(0);
    await advance(DAY + 60_000);
    expect(await Promise.all([completeDue(cloud.deps), completeDue(cloud.deps)])).toSatisfy((n: number[]) => n[0]! + n[1]! === 1);
    expect(await cloudSteps(mine.id, 'received')).toHaveLength(1);
    expect(await pageOf(mine)).not.toContain('Completed automatically');
    expect(await cloudSteps(other.id, 'received')).toHaveLength(1);
    expect(await pageOf(other)).toContain('Completed automatically');
  });
});

describe('what a till may say', () => {
  it('a till of another store cannot write steps of this store’s order, and no till confirms receipt or completes an order', async () => {
    const o = await paidOrder();
    await syncAll([shop.till]);
    // A terminal enrolled in another store of the organisation, speaking with its own token.
    await ok(shop.till, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
    const stores = await ok(shop.till, 'sync.createStore', { name: 'Harbour Branch' }, 's1');
    const branch = stores.find((x) => x.name === 'Harbour Branch')!;
    const code = await enrolmentCode(shop.till, 's1', branch.id);
    const enrol = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/enrol',
      body: { code: code.code, terminalName: 'Rogue' },
      token: null,
      staffToken: null,
    })) as { status: number; body: { token: string; device: { terminalCode: string } } };
    expect(enrol.status).toBe(200);
    const step = (kind: string, over: Record<string, unknown> = {}) => ({
      e: 'online_order_event',
      i: uuidv7(),
      d: {
        id: uuidv7(),
        order_id: o.id,
        kind,
        carrier: null,
        tracking: null,
        note: '',
        terminal_code: enrol.body.device.terminalCode,
        staff_id: null,
        at: cloud.deps.clock() - 1000,
        status: null,
        location: null,
        eta: null,
        ...over,
      },
    });
    const mutations = [step('delivered'), step('tracking', { status: 'in_transit', note: 'Lost' })].map((m, k) => ({
      ...m,
      d: { ...m.d, id: m.i },
      m: k + 1,
    }));
    const res = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/push',
      body: { mutations },
      token: enrol.body.token,
      staffToken: null,
    })) as { status: number; body: { rejected: { m: number; code: string }[] } };
    expect(res.status).toBe(200);
    expect(res.body.rejected.map((r) => [r.m, r.code])).toEqual([
      [1, 'FORBIDDEN'],
      [2, 'FORBIDDEN'],
    ]);
    expect(await cloudSteps(o.id, 'delivered')).toHaveLength(0);
    expect(await cloudSteps(o.id, 'tracking')).toHaveLength(0);

    // The store's own till: receipt is the buyer's, an automatic completion the shop's.
    const insert = shop.till.deps.sqlite.prepare(
      `INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at, status, location, eta)
       VALUES (?, ?, ?, NULL, NULL, '', 'T1', NULL, ?, ?, NULL, NULL)`,
    );
    const forged = [uuidv7(), uuidv7(), uuidv7()];
    insert.run(forged[0], o.id, 'received', shop.till.clock(), null);
    insert.run(forged[1], o.id, 'delivered', shop.till.clock(), 'automatic');
    insert.run(forged[2], uuidv7(), 'delivered', shop.till.clock(), null);
    await syncAll([shop.till]);
    const refused = await rowsOf<{ entity_id: string; code: string }>(
      cloud.deps.db,
      sql`SELECT entity_id, code FROM rejections WHERE entity = 'online_order_event' AND entity_id IN (${sql.join(
        forged.map((f) => sql`${f}`),
        sql`, `,
      )})`,
    );
    expect(refused.map((r) => r.code).sort()).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(await cloudSteps(o.id, 'received')).toHaveLength(0);
    expect(await pageOf(o)).not.toContain('Confirm receipt');
  });
});
