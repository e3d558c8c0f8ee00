/** The cloud writing a store's records itself: checked like a push, pulled by the store's tills. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPull } from '../../../src/cloud/pull';
import { ShopRecordRefused, writeShopRecords } from '../../../src/cloud/shop/records';
import { uuidv7 } from '../../../src/shared/ids';
import { startTestCloud, type TestCloud } from '../../support/cloud';
import { shopOrg, type ShopOrg } from '../../support/shop-cloud';

let cloud: TestCloud;
let shop: ShopOrg;
beforeAll(async () => {
  cloud = await startTestCloud();
  shop = await shopOrg(cloud.deps);
});
afterAll(() => cloud.close());

const write = (records: Parameters<typeof writeShopRecords>[4]) =>
  cloud.deps.db.transaction((tx) => writeShopRecords(tx, cloud.deps, shop.orgId, shop.storeId, records));

describe('writeShopRecords', () => {
  it('writes a store’s fact and mutable records that its tills then pull, once', async () => {
    const orderId = uuidv7();
    const eventId = uuidv7();
    const event = {
      e: 'online_order_event',
      i: eventId,
      d: {
        id: eventId,
        order_id: orderId,
        kind: 'cancelled',
        carrier: null,
        tracking: null,
        note: '',
        terminal_code: null,
        staff_id: null,
        at: 1,
      },
    };
    await write([event]);
    await write([event]);
    const res = JSON.parse(await readPull(cloud.deps, shop.device, 0, 10_000)) as { changes: { e: string; i: string; d: unknown }[] };
    expect(res.changes.filter((c) => c.i === eventId)).toHaveLength(1);
  });

  it('refuses what a till would refuse, and entities the shop never writes', async () => {
    const id = uuidv7();
    await expect(
      write([{ e: 'online_order_event', i: id, d: { id, order_id: uuidv7(), kind: 'teleported', at: 1 } }]),
    ).rejects.toBeInstanceOf(ShopRecordRefused);
    await expect(write([{ e: 'product', i: id, d: { name: 'x' } }])).rejects.toBeInstanceOf(ShopRecordRefused);
    await expect(write([{ e: 'nonsense', i: id, d: {} }])).rejects.toBeInstanceOf(ShopRecordRefused);
  });
});
