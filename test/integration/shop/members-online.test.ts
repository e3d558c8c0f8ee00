/**
 * Member and group prices online: a signed-in buyer whose verified email is a till customer's pays
 * what that customer pays at the counter (the members' list, their group's list, members-only
 * promotions), on product pages, in the cart and in the paid order, which the till files under
 * the customer. Anyone else — a guest, an account whose email is not verified, an account with
 * the same address at another organisation — pays what a walk-in pays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import type { Cart } from '../../../src/shared/api/types';
import { ok } from '../../support/app';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;
let mei: { id: string };
const EMAIL = 'Mei.Lin@example.com';
const OTHER_CUSTOMER = 'li.wei@example.com';

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud, 'inclusive');
  base = `/shop/${shop.storeId}`;
  const t = shop.till;
  mei = await ok(t, 'customers.create', { name: 'Mei Lin', email: EMAIL }, 's1');
  await ok(t, 'customers.create', { name: 'Li Wei', email: OTHER_CUSTOMER }, 's1');
  const trade = await ok(t, 'customerGroups.create', { name: 'Trade', nameZh: '批发' }, 's1');
  await ok(t, 'customers.setGroup', { customerId: mei.id, groupId: trade.id }, 's1');
  const members = await ok(t, 'priceLists.create', { name: 'Members', nameZh: '会员价', target: { kind: 'members' } }, 's1');
  await ok(t, 'priceLists.setEntries', { listId: members.id, entries: [{ productId: shop.bread.id, price: 250 }] }, 's1');
  const group = await ok(t, 'priceLists.create', { name: 'Trade price', target: { kind: 'group', groupId: trade.id } }, 's1');
  await ok(t, 'priceLists.setEntries', { listId: group.id, entries: [{ productId: shop.cola.id, price: 120 }] }, 's1');
  await ok(
    t,
    'promotions.create',
    {
      promotion: {
        name: 'Members 10% off apples',
        rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [shop.apple.id] }, bp: 1000 },
        stacking: 'stackable',
        priority: 1,
        conditions: { memberOnly: true },
      } as never,
    },
    's1',
  );
  await syncAll([t]);
}, 240_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

const basket = [
  { productId: () => shop.cola.id, qty: '2' },
  { productId: () => shop.bread.id, qty: '1' },
  { productId: () => shop.apple.id, qty: '1' },
];

/** The till's cart for the basket, with `customerId` attached (or none), then cleared. */
async function tillCart(customerId: string | null): Promise<Cart> {
  for (const b of basket) await ok(shop.till, 'cart.addProduct', { productId: b.productId(), qty: Number(b.qty) * 1000 }, 's1');
  if (customerId) await ok(shop.till, 'cart.setCustomer', { customerId }, 's1');
  const cart = await ok(shop.till, 'cart.get', {}, 's1');
  await ok(shop.till, 'cart.clear', {}, 's1');
  return cart;
}

/** A buyer signed up at the shop with `login`; verified when asked (as the mailed link does). */
async function buyer(login: string, verified: boolean): Promise<Browser> {
  const b = new Browser(cloud);
  const res = await b.post(`${base}/account/signup`, { login, name: 'Mei', password: 'correct horse 1' });
  expect(res.status).toBe(303);
  if (verified)
    await cloud.deps.db.execute(sql`UPDATE shop_buyers SET email_verified_at = ${cloud.deps.clock()} WHERE email = ${login.toLowerCase()}`);
  for (const i of basket) expect((await b.post(`${base}/cart/add`, { productId: i.productId(), qty: i.qty })).status).toBe(303);
  return b;
}

const seenTotal = async (b: Browser) => Number(hidden(await (await b.get(`${base}/checkout?lang=en`)).text(), 'seen'));

describe('a till customer’s prices online', () => {
  it('a verified buyer with the customer’s email pays the member and group prices the till gives; the paid order is filed under the customer', async () => {
    const member = await tillCart(mei.id);
    const walkIn = await tillCart(null);
    expect(member.priced.total).toBeLessThan(walkIn.priced.total);

    const b = await buyer(EMAIL.toUpperCase(), true);
    const cart = await (await b.get(`${base}/cart?lang=en`)).text();
    expect(cart).toContain('Price: Members');
    expect(cart).toContain('Price: Trade price');
    expect(cart).toContain('Members 10% off apples');
    expect(await seenTotal(b)).toBe(member.priced.total);
    const zh = await (await b.get(`${base}/cart?lang=zh-CN`)).text();
    expect(zh).toContain('会员价');
    // The product page shows the member's price of one unit.
    expect(await (await b.get(`${base}/p/${shop.bread.id}?lang=en`)).text()).toContain('Now CN¥2.50 with Members');

    const form = await (await b.get(`${base}/checkout?lang=en`)).text();
    const idem = hidden(form, 'idem');
    const res = await b.post(`${base}/checkout`, {
      idem,
      seen: hidden(form, 'seen'),
      name: 'Mei Lin',
      phone: '13800000000',
      method: 'pickup',
    });
    expect(res.status).toBe(303);
    const [order] = await rowsOf<{ id: string; shop_number: string; total: number; customer_id: string | null }>(
      cloud.deps.db,
      sql`SELECT id, shop_number, total::int AS total, customer_id FROM shop_orders WHERE idempotency_key = ${idem}`,
    );
    expect(order).toMatchObject({ total: member.priced.total, customer_id: mei.id });
    expect((await b.get(res.headers.get('location')!)).status).toBe(200);
    expect(await cloud.alipay.customerPays(order!.shop_number)).toEqual([{ status: 200, body: 'success' }]);
    await syncAll([shop.till]);
    const atTill = shop.till.deps.sqlite.prepare('SELECT customer_id AS customerId, total FROM orders WHERE id = ?').get(order!.id);
    expect(atTill).toEqual({ customerId: mei.id, total: member.priced.total });
    // The clerk sees it in the customer's history.
    const history = await ok(shop.till, 'customers.get', { id: mei.id }, 's1');
    expect(history.orders.map((o) => o.id)).toContain(order!.id);
    expect(shop.till.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
  }, 120_000);

  it('an unverified email, another address and a guest pay the walk-in price', async () => {
    const walkIn = await tillCart(null);
    // Someone signs up with the customer's address without reading its mail: no member price.
    const claimant = await buyer(OTHER_CUSTOMER, false);
    expect(await seenTotal(claimant)).toBe(walkIn.priced.total);
    expect(await (await claimant.get(`${base}/cart?lang=en`)).text()).not.toContain('Price: Members');
    const other = await buyer('someone.else@example.com', true);
    expect(await seenTotal(other)).toBe(walkIn.priced.total);
    const guest = new Browser(cloud);
    for (const i of basket) await guest.post(`${base}/cart/add`, { productId: i.productId(), qty: i.qty });
    expect(await seenTotal(guest)).toBe(walkIn.priced.total);
    expect(await (await guest.get(`${base}/p/${shop.bread.id}?lang=en`)).text()).not.toContain('CN¥2.50');
  }, 120_000);
});
