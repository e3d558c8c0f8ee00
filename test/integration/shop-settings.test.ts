import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { count, shop } from '../support/shop';
import { DEFAULT_ONLINE_SHIPPING, type ShippingMethod } from '../../src/shared/online-shipping';

type Shop = Awaited<ReturnType<typeof shop>>;
const open: Shop['app'][] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});

async function store() {
  const s = await shop();
  open.push(s.app);
  return s;
}

const express: ShippingMethod = {
  id: 'express',
  name: 'Express',
  nameZh: '特快',
  kind: 'weight',
  amount: 1200,
  perKg: 300,
  itemGrams: 400,
  freeAbove: 20000,
  countries: ['CN'],
  minDays: 1,
  maxDays: 2,
};
const pickup: ShippingMethod = { ...DEFAULT_ONLINE_SHIPPING.methods[1]! };

const stored = (app: Shop['app'], key: string) =>
  (app.deps.sqlite.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;

describe('the online shop’s settings at the till', () => {
  it('show the shop’s defaults until a manager saves, then read back what was saved, synced and audited', async () => {
    const s = await store();
    expect(await ok(s.app, 'onlineOrders.shopSettings', {}, 'mgr')).toEqual({ shipping: DEFAULT_ONLINE_SHIPPING, autoCompleteDays: 7 });
    const outbox = count(s.app, 'outbox', "entity = 'setting'");

    const saved = await ok(s.app, 'onlineOrders.setShopSettings', { methods: [express, pickup], autoCompleteDays: 10 }, 'mgr');
    expect(saved).toEqual({ shipping: { methods: [express, pickup] }, autoCompleteDays: 10 });
    expect(await ok(s.app, 'onlineOrders.shopSettings', {}, 'mgr')).toEqual(saved);
    expect(JSON.parse(stored(s.app, 'onlineShipping')!)).toEqual({ methods: [express, pickup] });
    expect(JSON.parse(stored(s.app, 'onlineAutoCompleteDays')!)).toBe(10);
    // Both settings go out on the next push, so the shop quotes the new methods.
    expect(count(s.app, 'outbox', "entity = 'setting'")).toBe(outbox + 2);
    expect(count(s.app, 'audit', "action = 'online.shopSettings' AND success = 1")).toBe(1);

    // A method removed and a name edited: the list is replaced as a whole.
    const edited = await ok(
      s.app,
      'onlineOrders.setShopSettings',
      { methods: [{ ...express, name: '  Express courier ', nameZh: null }], autoCompleteDays: 7 },
      'mgr',
    );
    expect(edited.shipping.methods).toEqual([{ ...express, name: 'Express courier', nameZh: null }]);
    expect(edited.autoCompleteDays).toBe(7);
  });

  it('are refused to a clerk, who can neither read nor change them', async () => {
    const s = await store();
    expect((await fail(s.app, 'onlineOrders.shopSettings', {}, 'clerk')).code).toBe('FORBIDDEN');
    const err = await fail(s.app, 'onlineOrders.setShopSettings', { methods: [pickup], autoCompleteDays: 3 }, 'clerk');
    expect(err.code).toBe('FORBIDDEN');
    expect(stored(s.app, 'onlineShipping')).toBeNull();
    expect(stored(s.app, 'onlineAutoCompleteDays')).toBeNull();
  });

  it('refuse a method list the shop could not use, and write nothing', async () => {
    const s = await store();
    await ok(s.app, 'onlineOrders.setShopSettings', { methods: [express], autoCompleteDays: 5 }, 'mgr');
    const before = { shipping: stored(s.app, 'onlineShipping'), days: stored(s.app, 'onlineAutoCompleteDays') };
    const outbox = count(s.app, 'outbox');
    const audits = count(s.app, 'audit');

    const refused: [unknown, string | null][] = [
      [{ methods: [], autoCompleteDays: 9 }, 'shippingNone'],
      [{ methods: [express, { ...pickup, id: 'express' }], autoCompleteDays: 9 }, 'shippingDuplicate'],
      [{ methods: [{ ...express, minDays: 5, maxDays: 2 }], autoCompleteDays: 9 }, 'shippingDays'],
      [{ methods: [{ ...express, amount: -1 }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, amount: 1.5 }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, name: '   ' }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, name: 'Exp\u202Eress' }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, id: 'Bad id!' }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, kind: 'drone' }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, maxDays: 61 }], autoCompleteDays: 9 }, null],
      [{ methods: [{ ...express, extra: 1 }], autoCompleteDays: 9 }, null],
      [{ methods: [express], autoCompleteDays: 0 }, null],
      [{ methods: [express], autoCompleteDays: 91 }, null],
      [{ methods: Array.from({ length: 21 }, (_, i) => ({ ...express, id: `m${i}` })), autoCompleteDays: 9 }, null],
    ];
    for (const [input, reason] of refused) {
      const err = await fail(s.app, 'onlineOrders.setShopSettings', input, 'mgr');
      expect(err.code).toBe('VALIDATION');
      if (reason) expect(err.details).toMatchObject({ reason });
    }
    expect({ shipping: stored(s.app, 'onlineShipping'), days: stored(s.app, 'onlineAutoCompleteDays') }).toEqual(before);
    expect(count(s.app, 'outbox')).toBe(outbox);
    expect(count(s.app, 'audit')).toBe(audits);
  });
});
