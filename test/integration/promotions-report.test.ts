import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { count } from '../support/shop';
import { uuidv7 } from '../../src/shared/ids';
import type { App } from '../../src/main/app';
import type { Cart, InputOf } from '../../src/shared/api';

const APPLE = 'APPLE-1';
const PEAR = 'PEAR-1';
const DAY = 86_400_000;

/** A Shanghai store selling in yuan (prices include tax), a manager on 'mgr' and a clerk on 'clerk'; 17:00 local on 2026-11-22. */
async function store() {
  const app = makeApp({ quiet: true });
  await readyStore(app, 's1', { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai', priceMode: 'inclusive' });
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  const signIn = async () => {
    await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  };
  await signIn();
  const apple = await ok(
    app,
    'catalog.create',
    { sku: 'APL', name: 'Apple', altName: '苹果', unit: 'each', price: 1000, cost: 500, barcodes: [APPLE] },
    'mgr',
  );
  const pear = await ok(app, 'catalog.create', { sku: 'PER', name: 'Pear', unit: 'each', price: 800, cost: 400, barcodes: [PEAR] }, 'mgr');
  return { app, appleId: apple.id, pearId: pear.id, signIn };
}

type Draft = InputOf<'promotions.create'>['promotion'];

function halfPriceSecond(productId: string, over: Partial<Draft> = {}): Draft {
  return {
    name: 'Second at half price',
    nameZh: '第二件半价',
    rule: { kind: 'buy_x_get_y', scope: { kind: 'products', productIds: [productId] }, buyQty: 1, getQty: 1, getBp: 5000 },
    stacking: 'stackable',
    priority: 10,
    ...over,
  };
}

/** Rows of every table a trial or a report could write by mistake (a refused role is audited, by the router). */
function written(app: App): number[] {
  return [
    count(app, 'promotions'),
    count(app, 'audit', "action <> 'forbidden'"),
    ...['outbox', 'carts', 'cart_lines', 'orders', 'order_line_promotions'].map((t) => count(app, t)),
  ];
}

async function sell(app: App, codes: string[], customerId?: string): Promise<Cart> {
  let cart = await ok(app, 'cart.get', {}, 'clerk');
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, 'clerk');
  if (customerId) {
    await ok(app, 'cart.setCustomer', { customerId }, 'clerk');
    cart = await ok(app, 'cart.get', {}, 'clerk');
  }
  await ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    'clerk',
  );
  return cart;
}

describe('promotions: try a cart', () => {
  it('prices a hypothetical cart with the unsaved draft exactly as the till then prices it, and writes nothing', async () => {
    const { app, appleId, pearId } = await store();
    const before = written(app);
    const tried = await ok(
      app,
      'promotions.try',
      {
        lines: [
          { productId: appleId, qty: 2000 },
          { productId: pearId, qty: 1000 },
        ],
        draft: halfPriceSecond(appleId),
      },
      'mgr',
    );
    expect(written(app)).toEqual(before);
    expect(tried.currency).toBe('CNY');
    expect(tried.priced.subtotal).toBe(2800);
    expect(tried.priced.total).toBe(2300);
    expect(tried.lines[0]).toMatchObject({ productId: appleId, promotionDiscount: 500 });
    expect(tried.lines[0]!.promotions).toHaveLength(1);
    expect(tried.lines[1]!.promotionDiscount).toBeUndefined();
    expect(tried.applied).toEqual([expect.objectContaining({ name: 'Second at half price', nameZh: '第二件半价', amount: 500 })]);

    // Saved, the till gives the same lines and total.
    await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    const cart = await sell(app, [APPLE, APPLE, PEAR]);
    expect(cart.priced.total).toBe(tried.priced.total);
    expect(cart.priced.taxTotal).toBe(tried.priced.taxTotal);
    expect(cart.lines.map((l) => l.promotionDiscount)).toEqual(tried.lines.map((l) => l.promotionDiscount));
  });

  it('the draft of a stored promotion stands in for it (paused or not); a member-only draft needs a member', async () => {
    const { app, appleId } = await store();
    const tenOff = await ok(
      app,
      'promotions.create',
      {
        promotion: {
          name: '10% off apples',
          rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 1000 },
          stacking: 'stackable',
          priority: 1,
        },
      },
      'mgr',
    );
    const lines = [{ productId: appleId, qty: 1000 }];
    expect((await ok(app, 'promotions.try', { lines }, 'mgr')).priced.total).toBe(900);
    const draft = { ...tenOff.promotion, rule: { kind: 'percent_off' as const, scope: { kind: 'all' as const }, bp: 2000 } };
    // 20% in place of the stored 10%, not both.
    expect((await ok(app, 'promotions.try', { lines, draft }, 'mgr')).priced.total).toBe(800);
    await ok(app, 'promotions.setActive', { id: tenOff.promotion.id, active: false }, 'mgr');
    expect((await ok(app, 'promotions.try', { lines }, 'mgr')).priced.total).toBe(1000);
    expect((await ok(app, 'promotions.try', { lines, draft }, 'mgr')).priced.total).toBe(800);

    const memberOnly = { ...draft, conditions: { memberOnly: true } };
    expect((await ok(app, 'promotions.try', { lines, draft: memberOnly }, 'mgr')).priced.total).toBe(1000);
    expect((await ok(app, 'promotions.try', { lines, draft: memberOnly, member: true }, 'mgr')).priced.total).toBe(800);
  });

  it('refuses a clerk, an oversize or malformed cart, an unknown product and an invalid draft, with nothing written', async () => {
    const { app, appleId } = await store();
    const before = written(app);
    const line = { productId: appleId, qty: 1000 };
    expect((await fail(app, 'promotions.try', { lines: [line] }, 'clerk')).code).toBe('FORBIDDEN');
    expect(count(app, 'audit', "action = 'forbidden' AND target = 'promotions.try'")).toBe(1);
    expect((await fail(app, 'promotions.try', { lines: Array.from({ length: 501 }, () => line) }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.try', { lines: [] }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.try', { lines: [{ productId: appleId, qty: -1000 }] }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.try', { lines: [{ productId: appleId, qty: 1500 }] }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.try', { lines: [{ productId: appleId, qty: 1e12 }] }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.try', { lines: [{ productId: uuidv7(), qty: 1000 }] }, 'mgr')).code).toBe('NOT_FOUND');
    const bad = { ...halfPriceSecond(appleId), rule: { ...halfPriceSecond(appleId).rule, getBp: 0 } } as Draft;
    expect((await fail(app, 'promotions.try', { lines: [line], draft: bad }, 'mgr')).code).toBe('VALIDATION');
    const extra = { lines: [line], storeId: uuidv7() } as unknown as InputOf<'promotions.try'>;
    expect((await fail(app, 'promotions.try', extra, 'mgr')).code).toBe('VALIDATION');
    // 500 lines is the cap of a sale, and a cart that size is priced.
    const big = await ok(app, 'promotions.try', { lines: Array.from({ length: 500 }, () => line) }, 'mgr');
    expect(big.priced.total).toBe(500 * 1000);
    expect(written(app)).toEqual(before);
  });
});

describe('promotions: report per promotion', () => {
  it('counts sales, units, discount, customers and revenue of real sales by business day', async () => {
    const { app, appleId, signIn } = await store();
    const half = await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    const jane = await ok(app, 'customers.create', { name: 'Jane' }, 'clerk');

    const s1 = await sell(app, [APPLE, APPLE]); // 1500, no customer
    const s2 = await sell(app, [APPLE, APPLE, PEAR], jane.id); // 2300
    await sell(app, [PEAR]); // no promotion
    expect([s1.priced.total, s2.priced.total]).toEqual([1500, 2300]);

    app.clock.advance(2 * DAY); // 2026-11-24
    await signIn();
    const s3 = await sell(app, [APPLE, APPLE, APPLE, APPLE], jane.id); // 3000, two pairs
    expect(s3.priced.total).toBe(3000);

    const before = written(app);
    const firstDay = await ok(app, 'promotions.report', { from: '2026-11-22', to: '2026-11-22' }, 'mgr');
    expect(firstDay).toEqual({
      from: '2026-11-22',
      to: '2026-11-22',
      currency: 'CNY',
      rows: [
        {
          promotionId: half.promotion.id,
          name: 'Second at half price',
          nameZh: '第二件半价',
          sales: 2,
          units: 4000,
          discount: 1000,
          customers: 1,
          revenue: 3800,
        },
      ],
    });
    const both = await ok(app, 'promotions.report', { from: '2026-11-22', to: '2026-11-24' }, 'mgr');
    expect(both.rows[0]).toMatchObject({ sales: 3, units: 8000, discount: 2000, customers: 1, revenue: 6800 });
    expect((await ok(app, 'promotions.report', { from: '2026-11-23', to: '2026-11-23' }, 'mgr')).rows).toEqual([]);

    // A rename shows the promotion's current name; the sale keeps what it printed.
    await ok(app, 'promotions.update', { promotion: { ...half.promotion, name: 'BOGO half', nameZh: '买一送一半价' } }, 'mgr');
    expect((await ok(app, 'promotions.report', { from: '2026-11-22', to: '2026-11-24' }, 'mgr')).rows[0]).toMatchObject({
      name: 'BOGO half',
      nameZh: '买一送一半价',
      discount: 2000,
    });
    expect(written(app).slice(3)).toEqual(before.slice(3));
  });

  it('refuses a clerk and malformed ranges', async () => {
    const { app } = await store();
    const before = written(app);
    expect((await fail(app, 'promotions.report', { from: '2026-11-01', to: '2026-11-30' }, 'clerk')).code).toBe('FORBIDDEN');
    expect(count(app, 'audit', "action = 'forbidden' AND target = 'promotions.report'")).toBe(1);
    for (const range of [
      { from: '2026-13-01', to: '2026-12-31' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-11-30', to: '2026-11-01' },
      { from: '1900-01-01', to: '2099-12-31' },
      { from: "2026-11-01' OR 1=1", to: '2026-11-30' },
      { from: 20261101, to: '2026-11-30' },
    ]) {
      const error = await fail(app, 'promotions.report', range as unknown as InputOf<'promotions.report'>, 'mgr');
      expect(error.code, JSON.stringify(range)).toBe('VALIDATION');
    }
    expect(written(app)).toEqual(before);
  });
});
