/**
 * The delivery methods a manager saves at the till are the ones the shop offers once the till has
 * synced: in both languages, at the price typed, and the old ones gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { ok } from '../../support/app';
import { syncAll } from '../../support/sync';
import { Browser, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

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

describe('shop settings saved at the till', () => {
  it('reach the shop’s checkout on the next sync', async () => {
    const b = new Browser(cloud);
    expect((await b.post(`${base}/cart/add`, { productId: shop.cola.id, qty: '1' })).status).toBe(303);
    expect(await (await b.get(`${base}/checkout?lang=en`)).text()).toContain('Standard delivery');

    await ok(
      shop.till,
      'onlineOrders.setShopSettings',
      {
        methods: [
          {
            id: 'same-day',
            name: 'Same-day courier',
            nameZh: '当日达',
            kind: 'flat',
            amount: 1500,
            perKg: 0,
            itemGrams: 500,
            freeAbove: null,
            countries: null,
            minDays: 0,
            maxDays: 1,
          },
        ],
        autoCompleteDays: 14,
      },
      's1',
    );
    await syncAll([shop.till]);

    const en = await (await b.get(`${base}/checkout?lang=en`)).text();
    expect(en).toContain('Same-day courier');
    expect(en).not.toContain('Standard delivery');
    expect(en).not.toContain('Pick up in store');
    const zh = await (await b.get(`${base}/checkout?lang=zh-CN`)).text();
    expect(zh).toContain('当日达');
    expect(zh).not.toContain('标准快递');
    // The days after delivery when an unconfirmed order completes: what the shop's sweep reads.
    const [days] = await rowsOf<{ value: unknown }>(
      cloud.deps.db,
      sql`SELECT value FROM shop_store_settings WHERE store_id = ${shop.storeId} AND key = 'onlineAutoCompleteDays'`,
    );
    expect(Number(typeof days?.value === 'string' ? JSON.parse(days.value) : days?.value)).toBe(14);
  });
});
