import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { count } from '../support/shop';
import { uuidv7 } from '../../src/shared/ids';
import { setState } from '../../src/main/sync/state';
import { receiptDoc } from '../../src/main/sales/receipt-doc';
import { receiptLines } from '../../src/main/receipts/receipt-text';
import { writeSettings } from '../../src/main/settings/settings';
import { verifyStoreJournal } from '../../src/main/journal/verify';
import type { App } from '../../src/main/app';

const APPLE = 'APPLE-1';
const PEAR = 'PEAR-1';

/** A yuan store with a manager on 'mgr' and a clerk on 'clerk'; apples at ¥10, pears at ¥8. */
async function store() {
  const app = makeApp();
  await readyStore(app, 's1', { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai' });
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  const apple = await ok(
    app,
    'catalog.create',
    { sku: 'APL', name: 'Apple', unit: 'each', price: 1000, cost: 500, barcodes: [APPLE] },
    'mgr',
  );
  const pear = await ok(app, 'catalog.create', { sku: 'PER', name: 'Pear', unit: 'each', price: 800, cost: 400, barcodes: [PEAR] }, 'mgr');
  return { app, appleId: apple.id, pearId: pear.id };
}

async function memberPrice(app: App, productId: string, price: number) {
  const list = await ok(app, 'priceLists.create', { name: 'Member price', nameZh: '会员价', target: { kind: 'members' } }, 'mgr');
  await ok(app, 'priceLists.setEntries', { listId: list.id, entries: [{ productId, price }] }, 'mgr');
  return list;
}

/** Rows a price-list write leaves behind: the tables, their outbox entries, their audit rows. */
function footprint(app: App) {
  return {
    groups: count(app, 'customer_groups'),
    memberships: count(app, 'customer_memberships'),
    lists: count(app, 'price_lists'),
    entries: count(app, 'price_list_entries'),
    outbox: count(app, 'outbox', "entity IN ('customer_group', 'customer_membership', 'price_list', 'price_list_entry')"),
    audit: count(app, 'audit', "action LIKE 'priceList.%' OR action LIKE 'customerGroup.%' OR action = 'customer.group'"),
  };
}

describe('price lists at the till', () => {
  it('a member price applies when a customer is attached, goes when removed, and is what the sale records', async () => {
    const { app, appleId } = await store();
    const list = await memberPrice(app, appleId, 900);
    expect(count(app, 'audit', "action = 'priceList.create' AND target = ?", list.id)).toBe(1);
    expect(count(app, 'outbox', "entity = 'price_list_entry'")).toBe(1);

    const walkIn = await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
    expect(walkIn.priced.total).toBe(1000);
    expect(walkIn.lines[0]!.priceList).toBeUndefined();

    const jane = await ok(app, 'customers.create', { name: 'Jane' }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const member = await ok(app, 'cart.get', {}, 'clerk');
    expect(member.lines[0]).toMatchObject({
      unitPrice: 900,
      originalPrice: 1000,
      priceList: { id: list.id, name: 'Member price', nameZh: '会员价' },
    });
    expect(member.priced.total).toBe(900);

    await ok(app, 'cart.setCustomer', { customerId: null }, 'clerk');
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1000);

    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const two = await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
    expect(two.lines).toHaveLength(1);
    expect(two.priced.total).toBe(1800);
    const order = await ok(
      app,
      'sales.complete',
      { cartId: two.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: two.priced.total }] },
      'clerk',
    );
    expect(order.total).toBe(1800);
    expect(order.lines[0]).toMatchObject({ unitPrice: 900, total: 1800 });
    // The order and its receipt say why, under the name the sale showed, after a rename too.
    expect(order.lines[0]!.priceList).toEqual({ id: list.id, name: 'Member price', nameZh: '会员价', shelfPrice: 1000 });
    await ok(
      app,
      'priceLists.update',
      { id: list.id, name: 'Club price', nameZh: '俱乐部价', target: { kind: 'members' }, active: true },
      'mgr',
    );
    const zh = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    expect(
      zh.some((t) => t.includes('会员价') && /¥10\.00 -> ¥9\.00$/.test(t)),
      zh.join('\n'),
    ).toBe(true);
    writeSettings(app.deps, { language: 'en' });
    const en = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    expect(
      en.some((t) => t.includes('Member price')),
      en.join('\n'),
    ).toBe(true);
    // The sale as journalled still matches the stored order.
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: true });
  });

  it('a wholesale group with a quantity break; group promotions see the customer’s group; promotions apply on the list price', async () => {
    const { app, appleId, pearId } = await store();
    const wholesale = await ok(app, 'customerGroups.create', { name: 'Wholesale', nameZh: '批发' }, 'mgr');
    const list = await ok(
      app,
      'priceLists.create',
      { name: 'Wholesale', nameZh: '批发价', target: { kind: 'group', groupId: wholesale.id } },
      'mgr',
    );
    await ok(
      app,
      'priceLists.setEntries',
      {
        listId: list.id,
        entries: [
          { productId: appleId, price: 950 },
          { productId: appleId, price: 700, minQty: 10_000 },
        ],
      },
      'mgr',
    );
    await memberPrice(app, appleId, 900);
    // 10% off pears, for the wholesale group only.
    await ok(
      app,
      'promotions.create',
      {
        promotion: {
          name: 'Trade pears',
          rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [pearId] }, bp: 1000 },
          stacking: 'stackable',
          priority: 1,
          conditions: { customerGroupIds: [wholesale.id] },
        },
      },
      'mgr',
    );

    const bob = await ok(app, 'customers.create', { name: 'Bob' }, 'clerk');
    await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
    await ok(app, 'cart.scan', { code: PEAR }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: bob.id }, 'clerk');
    let cart = await ok(app, 'cart.get', {}, 'clerk');
    // Not in the group yet: the member price, no trade promotion.
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([900, 800]);
    expect(cart.applied).toEqual([]);

    expect((await fail(app, 'customers.setGroup', { customerId: bob.id, groupId: wholesale.id }, 'clerk')).code).toBe('FORBIDDEN');
    await ok(app, 'customers.setGroup', { customerId: bob.id, groupId: wholesale.id }, 'mgr');
    expect((await ok(app, 'customers.get', { id: bob.id }, 'clerk')).customer.groupId).toBe(wholesale.id);
    cart = await ok(app, 'cart.get', {}, 'clerk');
    // The member list is still the lowest for one apple; the group's promotion now applies.
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([900, 800]);
    expect(cart.lines[1]!.promotionDiscount).toBe(80);

    cart = await ok(app, 'cart.setQty', { lineId: cart.lines[0]!.id, qty: 10_000 }, 'clerk');
    expect(cart.lines[0]).toMatchObject({ unitPrice: 700, priceList: { id: list.id, nameZh: '批发价' } });
    cart = await ok(app, 'cart.setQty', { lineId: cart.lines[0]!.id, qty: 9000 }, 'clerk');
    expect(cart.lines[0]!.unitPrice).toBe(900);

    // A percent promotion on apples takes 10% of the list price, not of the shelf price.
    await ok(
      app,
      'promotions.create',
      {
        promotion: {
          name: 'Apples 10%',
          rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [appleId] }, bp: 1000 },
          stacking: 'stackable',
          priority: 2,
        },
      },
      'mgr',
    );
    cart = await ok(app, 'cart.get', {}, 'clerk');
    expect(cart.lines[0]!.promotionDiscount).toBe(810);

    // A manager's price override wins over every list.
    cart = await ok(app, 'cart.overridePrice', { lineId: cart.lines[0]!.id, unitPrice: 500 }, 'mgr');
    expect(cart.lines[0]).toMatchObject({ unitPrice: 500 });
    expect(cart.lines[0]!.priceList).toBeUndefined();

    // The group is in use: it cannot be deleted.
    expect((await fail(app, 'customerGroups.delete', { id: wholesale.id }, 'mgr')).code).toBe('CONFLICT');
  });

  it('a store list applies only on a till of that store; a paused list prices nothing; the scan reuses the compiled lists', async () => {
    const { app, appleId, pearId } = await store();
    const storeId = uuidv7();
    const list = await ok(app, 'priceLists.create', { name: 'Airport store', target: { kind: 'store', storeId } }, 'mgr');
    await ok(
      app,
      'priceLists.setEntries',
      {
        listId: list.id,
        entries: [
          { productId: appleId, price: 1200 },
          { productId: pearId, price: 700 },
        ],
      },
      'mgr',
    );
    expect((await ok(app, 'cart.scan', { code: PEAR }, 'clerk')).priced.total).toBe(800);
    const link = {
      serverUrl: 'https://cloud.example',
      orgId: uuidv7(),
      orgName: 'Org',
      storeName: 'Shop',
      deviceId: uuidv7(),
      terminalCode: 'T1',
      enrolledAt: 0,
    };
    setState(app.deps.sqlite, 'cloud', { ...link, storeId });
    const cart = await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
    // Pears at the store's price; apples keep the shelf price (a list never raises one).
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([700, 1000]);
    const compiled = app.deps.priceLists.byProduct;
    expect(compiled?.size).toBe(2);
    await ok(app, 'cart.scan', { code: PEAR }, 'clerk');
    expect(app.deps.priceLists.byProduct).toBe(compiled);

    await ok(app, 'priceLists.update', { id: list.id, name: 'Airport store', target: { kind: 'store', storeId }, active: false }, 'mgr');
    expect((await ok(app, 'cart.get', {}, 'clerk')).lines.map((l) => l.unitPrice)).toEqual([800, 1000]);
  });

  it('re-sending an entry re-prices it; entries can be removed; lists and entries page', async () => {
    const { app, appleId, pearId } = await store();
    const list = await memberPrice(app, appleId, 900);
    await ok(
      app,
      'priceLists.setEntries',
      {
        listId: list.id,
        entries: [
          { productId: appleId, price: 850 },
          { productId: pearId, price: 700 },
        ],
      },
      'mgr',
    );
    const page = await ok(app, 'priceLists.entries', { listId: list.id }, 'clerk');
    expect(page.total).toBe(2);
    expect(page.items.map((e) => [e.name, e.price, e.basePrice])).toEqual([
      ['Apple', 850, 1000],
      ['Pear', 700, 800],
    ]);
    const removed = await ok(app, 'priceLists.removeEntries', { listId: list.id, entryIds: [page.items[1]!.id] }, 'mgr');
    expect(removed.entries).toBe(1);
    expect((await ok(app, 'priceLists.list', {}, 'clerk')).map((l) => [l.name, l.entries])).toEqual([['Member price', 1]]);
  });

  it('refuses hostile input with a clear error and writes nothing', async () => {
    const { app, appleId } = await store();
    const group = await ok(app, 'customerGroups.create', { name: 'Members', nameZh: '会员' }, 'mgr');
    const list = await memberPrice(app, appleId, 900);
    const before = footprint(app);

    const cases: [string, unknown, string][] = [
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: appleId, price: -100 }] }, 'VALIDATION'],
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: appleId, price: 1e20 }] }, 'VALIDATION'],
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: appleId, price: 1.5 }] }, 'VALIDATION'],
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: appleId, price: 100, minQty: -1 }] }, 'VALIDATION'],
      [
        'priceLists.setEntries',
        { listId: list.id, entries: Array.from({ length: 10_000 }, (_, i) => ({ productId: appleId, price: 100, minQty: i })) },
        'VALIDATION',
      ],
      [
        'priceLists.setEntries',
        {
          listId: list.id,
          entries: [
            { productId: appleId, price: 100 },
            { productId: appleId, price: 200 },
          ],
        },
        'VALIDATION',
      ],
      [
        'priceLists.setEntries',
        {
          listId: list.id,
          entries: [
            { productId: appleId, price: 100 },
            { productId: uuidv7(), price: 100 },
          ],
        },
        'VALIDATION',
      ],
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: 'not-an-id', price: 100 }] }, 'VALIDATION'],
      ['priceLists.setEntries', { listId: uuidv7(), entries: [{ productId: appleId, price: 100 }] }, 'NOT_FOUND'],
      ['priceLists.create', { name: 'Ghost', target: { kind: 'group', groupId: uuidv7() } }, 'VALIDATION'],
      ['priceLists.create', { name: 'Evil\u202Egnp', target: { kind: 'members' } }, 'VALIDATION'],
      ['priceLists.create', { name: 'Sneaky', target: { kind: 'everyone' } }, 'VALIDATION'],
      ['priceLists.removeEntries', { listId: list.id, entryIds: [uuidv7()] }, 'NOT_FOUND'],
      ['customerGroups.create', { name: 'members' }, 'CONFLICT'],
      ['customerGroups.create', { name: 'Zero\u200Bwidth' }, 'VALIDATION'],
      ['customers.setGroup', { customerId: uuidv7(), groupId: group.id }, 'NOT_FOUND'],
    ];
    for (const [channel, input, code] of cases) {
      const res = await app.router.call(channel as 'priceLists.create', input as never, 'mgr');
      expect(res.ok, `${channel} ${JSON.stringify(input).slice(0, 120)}`).toBe(false);
      if (!res.ok) expect(res.error.code, `${channel} ${JSON.stringify(input).slice(0, 120)}`).toBe(code);
    }
    const foreign = await fail(app, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: uuidv7(), price: 1 }] }, 'mgr');
    expect(foreign.details).toMatchObject({ messageKey: 'priceLists.err.unknownProducts', count: 1 });

    // A clerk may look, not change.
    const clerkTries: [string, unknown][] = [
      ['priceLists.create', { name: 'Mine', target: { kind: 'members' } }],
      ['priceLists.update', { id: list.id, name: 'Mine', target: { kind: 'members' }, active: true }],
      ['priceLists.setEntries', { listId: list.id, entries: [{ productId: appleId, price: 1 }] }],
      ['priceLists.removeEntries', { listId: list.id, entryIds: [uuidv7()] }],
      ['customerGroups.create', { name: 'Friends' }],
      ['customerGroups.update', { id: group.id, name: 'Friends' }],
      ['customerGroups.delete', { id: group.id }],
    ];
    for (const [channel, input] of clerkTries) {
      const res = await app.router.call(channel as 'priceLists.create', input as never, 'clerk');
      expect(res.ok ? 'ok' : res.error.code, channel).toBe('FORBIDDEN');
    }
    expect(footprint(app)).toEqual(before);
    const entries = await ok(app, 'priceLists.entries', { listId: list.id }, 'clerk');
    expect(entries.items.map((e) => e.price)).toEqual([900]);
  });
});
