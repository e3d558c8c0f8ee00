/**
 * Price lists, customer groups and promotions travel between tills: made by a manager on one till,
 * they price a cart on another after a sync, and the other till drops its compiled forms when the
 * pulled rows change them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, testClock } from '../support/app';
import { fetchVia, startTestCloud, type TestCloud } from '../support/cloud';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import type { Enrolment, PushResponse } from '../../src/shared/sync/protocol';
import { enrolmentCode, firstTerminal, syncAll, terminal, twoTills, type Terminal } from '../support/sync';

let cloud: TestCloud;
const open: Terminal[] = [];
const track = (t: Terminal) => (open.push(t), t);

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  for (const t of open) t.close();
  await cloud.close();
});

describe('price lists and promotions across tills', () => {
  it('a promotion and a price list made on till A price a cart on till B; later edits reach B’s compiled lists', async () => {
    const { t1, t2, first } = await twoTills(cloud, track);

    // Till B prices a cart first, so it has compiled (empty) lists and promotions to drop.
    const jane = await ok(t2, 'customers.create', { name: 'Jane' }, 's1');
    await ok(t2, 'cart.scan', { code: '5000112637922' }, 's1');
    await ok(t2, 'cart.scan', { code: '4006381333931' }, 's1');
    await ok(t2, 'cart.setCustomer', { customerId: jane.id }, 's1');
    expect((await ok(t2, 'cart.get', {}, 's1')).lines.map((l) => l.unitPrice)).toEqual([150, 325]);

    // On till A a manager makes a wholesale group with a price list, and a promotion on bread.
    await syncAll([t1, t2]);
    const group = await ok(t1, 'customerGroups.create', { name: 'Wholesale', nameZh: '批发' }, 's1');
    await ok(t1, 'customers.setGroup', { customerId: jane.id, groupId: group.id }, 's1');
    const list = await ok(
      t1,
      'priceLists.create',
      { name: 'Wholesale', nameZh: '批发价', target: { kind: 'group', groupId: group.id } },
      's1',
    );
    await ok(t1, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: first.cola.id, price: 120 }] }, 's1');
    const promo = await ok(
      t1,
      'promotions.create',
      {
        promotion: {
          name: 'Bread 20% for the trade',
          rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [first.bread.id] }, bp: 2000 },
          stacking: 'stackable',
          priority: 1,
          conditions: { customerGroupIds: [group.id] },
        },
      },
      's1',
    );
    await syncAll([t1, t2]);

    expect((await ok(t2, 'priceLists.list', {}, 's1')).map((l) => [l.name, l.entries])).toEqual([['Wholesale', 1]]);
    expect((await ok(t2, 'promotions.list', {}, 's1')).map((p) => p.promotion.id)).toEqual([promo.promotion.id]);
    const cart = await ok(t2, 'cart.get', {}, 's1');
    expect(cart.lines[0]).toMatchObject({ unitPrice: 120, priceList: { id: list.id, nameZh: '批发价' } });
    expect(cart.lines[1]).toMatchObject({ unitPrice: 325, promotionDiscount: 65 });

    // A change on A (a new price, the promotion paused) reaches B's next cart.
    await ok(t1, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: first.cola.id, price: 110 }] }, 's1');
    await ok(t1, 'promotions.setActive', { id: promo.promotion.id, active: false }, 's1');
    await syncAll([t1, t2]);
    const after = await ok(t2, 'cart.get', {}, 's1');
    expect(after.lines.map((l) => l.unitPrice)).toEqual([110, 325]);
    expect(after.lines[1]!.promotionDiscount).toBeUndefined();

    // Removing the entry on A removes it on B.
    const entries = await ok(t1, 'priceLists.entries', { listId: list.id }, 's1');
    await ok(t1, 'priceLists.removeEntries', { listId: list.id, entryIds: entries.items.map((e) => e.id) }, 's1');
    await syncAll([t1, t2]);
    expect((await ok(t2, 'cart.get', {}, 's1')).lines.map((l) => l.unitPrice)).toEqual([150, 325]);
    expect(t2.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
  });

  it('a device pushing a negative price, a list for no one or a promotion the engine would misread is refused; the tills keep theirs', async () => {
    const clock1 = testClock();
    const t1 = track(terminal(cloud.transport, { clock: clock1 }));
    const first = await firstTerminal(t1, cloud.url, 'Rogue Watch');
    const list = await ok(t1, 'priceLists.create', { name: 'Member price', target: { kind: 'members' } }, 's1');
    await ok(t1, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: first.cola.id, price: 120 }] }, 's1');
    await syncAll([t1]);
    const entryId = t1.deps.sqlite.prepare('SELECT id FROM price_list_entries').pluck().get() as string;

    // A second device, enrolled with a real code: its token is valid, its records are not.
    const code = await enrolmentCode(t1);
    const enrolled = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/enrol',
      body: { code: code.code, terminalName: 'Rogue' },
      token: null,
      staffToken: null,
    })) as { status: number; body: Enrolment };
    expect(enrolled.status).toBe(200);
    const stamp = formatHlc(clock1.now + 60_000, 0, enrolled.body.device.terminalCode);
    const mutations = [
      { m: 1, e: 'price_list_entry', i: entryId, d: { price: -100 }, c: stamp },
      {
        m: 2,
        e: 'price_list_entry',
        i: uuidv7(),
        d: { price_list_id: list.id, product_id: first.cola.id, min_qty: 0, price: 1e15, updated_at: 1 },
        c: stamp,
      },
      { m: 3, e: 'price_list', i: list.id, d: { target_kind: 'everyone' }, c: stamp },
      {
        m: 4,
        e: 'promotion',
        i: uuidv7(),
        d: {
          definition: { id: uuidv7(), name: 'Free', rule: { kind: 'free_money' }, stacking: 'stackable', priority: 1 },
          active: true,
          created_at: 1,
          updated_at: 1,
        },
        c: stamp,
      },
      { m: 5, e: 'customer_membership', i: uuidv7(), d: { group_id: 'not-an-id' }, c: stamp },
    ];
    const res = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/push',
      body: { mutations },
      token: enrolled.body.token,
      staffToken: null,
    })) as {
      status: number;
      body: PushResponse;
    };
    expect(res.status).toBe(200);
    expect(res.body.rejected.map((r) => r.m).sort()).toEqual([1, 2, 3, 4, 5]);

    await syncAll([t1]);
    expect(t1.deps.sqlite.prepare('SELECT price FROM price_list_entries').pluck().all()).toEqual([120]);
    expect(t1.deps.sqlite.prepare('SELECT target_kind FROM price_lists').pluck().all()).toEqual(['members']);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM promotions').pluck().get()).toBe(0);
  });
});
