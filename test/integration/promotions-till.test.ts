import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { count } from '../support/shop';
import { uuidv7 } from '../../src/shared/ids';
import { receiptDoc } from '../../src/main/sales/receipt-doc';
import { receiptLines } from '../../src/main/receipts/receipt-text';
import { writeSettings } from '../../src/main/settings/settings';
import { verifyStoreJournal } from '../../src/main/journal/verify';
import { setState } from '../../src/main/sync/state';
import type { App } from '../../src/main/app';
import type { InputOf } from '../../src/shared/api';

const APPLE = 'APPLE-1';
const PEAR = 'PEAR-1';

/** A Shanghai store selling in yuan, with a manager on 'mgr' and a clerk on 'clerk'; the clock starts at 17:00 local. */
async function store(setup: Partial<InputOf<'setup.run'>> = {}) {
  const app = makeApp();
  await readyStore(app, 's1', { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai', ...setup });
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  const apple = await ok(
    app,
    'catalog.create',
    { sku: 'APL', name: 'Apple', altName: '苹果', unit: 'each', price: 1000, cost: 500, barcodes: [APPLE] },
    'mgr',
  );
  await ok(app, 'catalog.create', { sku: 'PER', name: 'Pear', unit: 'each', price: 800, cost: 400, barcodes: [PEAR] }, 'mgr');
  return { app, appleId: apple.id, clerkId: clerk.id };
}

function halfPriceSecond(productId: string, over: Partial<InputOf<'promotions.create'>['promotion']> = {}) {
  return {
    name: 'Second at half price',
    nameZh: '第二件半价',
    rule: {
      kind: 'buy_x_get_y' as const,
      scope: { kind: 'products' as const, productIds: [productId] },
      buyQty: 1,
      getQty: 1,
      getBp: 5000,
    },
    stacking: 'stackable' as const,
    priority: 10,
    ...over,
  };
}

async function scanAll(app: App, codes: string[]) {
  let cart = await ok(app, 'cart.get', {}, 'clerk');
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, 'clerk');
  return cart;
}

async function pay(app: App, cart: Awaited<ReturnType<typeof scanAll>>) {
  return ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    'clerk',
  );
}

describe('promotions at the till', () => {
  it('第二件半价: a manager creates it, the cart, the order, the receipt and a return all carry it', async () => {
    const { app, appleId } = await store();
    const refused = await fail(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'clerk');
    expect(refused.code).toBe('FORBIDDEN');
    expect(count(app, 'promotions')).toBe(0);

    const created = await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    expect(created).toMatchObject({ active: true, promotion: { name: 'Second at half price', nameZh: '第二件半价' } });
    const id = created.promotion.id;
    expect(count(app, 'audit', "action = 'promotion.create' AND target = ?", id)).toBe(1);
    expect((await ok(app, 'promotions.list', {}, 'clerk')).map((p) => p.promotion.id)).toEqual([id]);

    const one = await scanAll(app, [APPLE]);
    expect(one.priced.total).toBe(1000);
    expect(one.applied).toEqual([]);
    const cart = await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
    expect(cart.priced).toMatchObject({ subtotal: 2000, discountTotal: 500, total: 1500 });
    // 20% included in what is paid after the promotion, not in the list price.
    expect(cart.priced.taxTotal).toBe(250);
    expect(cart.lines[0]).toMatchObject({ qty: 2000, promotionDiscount: 500, promotions: [{ promotionId: id, amount: 500 }] });
    expect(cart.applied).toEqual([
      { promotionId: id, name: 'Second at half price', nameZh: '第二件半价', amount: 500, lineIds: [cart.lines[0]!.id] },
    ]);

    const order = await pay(app, cart);
    expect(order).toMatchObject({ subtotal: 2000, discountTotal: 500, total: 1500, taxTotal: 250 });
    expect(order.lines[0]).toMatchObject({
      discount: 500,
      total: 1500,
      promotions: [{ promotionId: id, name: 'Second at half price', nameZh: '第二件半价', amount: 500 }],
    });
    expect(count(app, 'order_line_promotions', 'order_id = ?', order.id)).toBe(1);

    // A later rename does not change what the sale showed.
    await ok(app, 'promotions.update', { promotion: { ...created.promotion, name: 'Half price', nameZh: '半价' } }, 'mgr');
    const doc = await ok(app, 'receipts.get', { orderId: order.id }, 'clerk');
    expect(doc.order.lines[0]!.promotions![0]!.nameZh).toBe('第二件半价');
    const zh = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    const zhLine = zh.find((t) => t.includes('第二件半价'));
    expect(zhLine).toMatch(/-¥5\.00$/);
    writeSettings(app.deps, { language: 'en' });
    const en = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    expect(
      en.some((t) => t.includes('Second at half price') && /-(CN)?¥5\.00$/.test(t)),
      en.join('\n'),
    ).toBe(true);
    expect(en.some((t) => t.includes('第二件半价'))).toBe(false);
    // The promotion is the whole discount of the line: no second "Discount" row.
    expect(en.filter((t) => t.trim().startsWith('Discount')).length).toBe(1); // the foot's total discount

    // Returning one of the two gives back what it was paid (half of ¥15), the other the rest: never more.
    const lineId = order.lines[0]!.id;
    const first = await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: lineId, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(first.total).toBe(750);
    const second = await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: lineId, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(first.total + second.total).toBe(1500);
    // The sale as journalled (with its promotion) still matches the stored order.
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: true, entries: 3 });
  });

  it('a paused promotion stops at once, resumes at once; the scan reuses the compiled index', async () => {
    const { app, appleId } = await store();
    const { promotion } = await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    const cart = await scanAll(app, [APPLE, APPLE]);
    expect(cart.priced.total).toBe(1500);
    const compiled = app.deps.promotions.index;
    expect(compiled?.size).toBe(1);
    await ok(app, 'cart.scan', { code: PEAR }, 'clerk');
    expect(app.deps.promotions.index).toBe(compiled);

    await ok(app, 'promotions.setActive', { id: promotion.id, active: false }, 'mgr');
    expect(count(app, 'audit', "action = 'promotion.pause'")).toBe(1);
    const paused = await ok(app, 'cart.get', {}, 'clerk');
    expect(paused.applied).toEqual([]);
    expect(paused.priced.total).toBe(2800);
    await pay(app, paused);
    const next = await scanAll(app, [APPLE, APPLE]);
    expect(next.priced).toMatchObject({ total: 2000, discountTotal: 0 });
    expect(next.lines[0]!.promotionDiscount).toBeUndefined();

    await ok(app, 'promotions.setActive', { id: promotion.id, active: true }, 'mgr');
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1500);
  });

  it('a promotion with hours applies only inside them, on the store clock', async () => {
    const { app, appleId, clerkId } = await store();
    // 08:00–10:00 in Shanghai; the test clock reads 17:00 there.
    await ok(
      app,
      'promotions.create',
      { promotion: halfPriceSecond(appleId, { conditions: { hours: [{ from: '08:00', to: '10:00' }] } }) },
      'mgr',
    );
    expect((await scanAll(app, [APPLE, APPLE])).priced.total).toBe(2000);
    app.clock.advance(16 * 3_600_000); // 09:00 the next morning
    await ok(app, 'staff.signIn', { staffId: clerkId, pin: '3333' }, 'clerk');
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1500);
  });

  it('a member-only promotion needs a customer on the sale', async () => {
    const { app, appleId } = await store();
    await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId, { conditions: { memberOnly: true } }) }, 'mgr');
    expect((await scanAll(app, [APPLE, APPLE])).priced.total).toBe(2000);
    const jane = await ok(app, 'customers.create', { name: 'Jane' }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1500);
  });

  it('a promotion limited to stores applies only once the till belongs to one of them', async () => {
    const { app, appleId } = await store();
    const storeId = uuidv7();
    await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId, { conditions: { storeIds: [storeId] } }) }, 'mgr');
    expect((await scanAll(app, [APPLE, APPLE])).priced.total).toBe(2000);
    const link = {
      serverUrl: 'https://cloud.example',
      orgId: uuidv7(),
      orgName: 'Org',
      storeName: 'Shop',
      deviceId: uuidv7(),
      terminalCode: 'T1',
      enrolledAt: 0,
    };
    setState(app.deps.sqlite, 'cloud', { ...link, storeId: uuidv7() });
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(2000);
    setState(app.deps.sqlite, 'cloud', { ...link, storeId });
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1500);
  });

  it('a tax-exclusive store taxes what the promotion leaves', async () => {
    const { app, appleId } = await store({ priceMode: 'exclusive' });
    await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    const cart = await scanAll(app, [APPLE, APPLE]);
    expect(cart.priced).toMatchObject({ subtotal: 2000, discountTotal: 500, taxTotal: 300, total: 1800 });
  });

  it('the clerk discount comes first, the promotion on what it leaves, the cart discount last', async () => {
    const { app, appleId } = await store();
    await ok(app, 'promotions.create', { promotion: halfPriceSecond(appleId) }, 'mgr');
    const cart = await scanAll(app, [APPLE, APPLE]);
    const lineId = cart.lines[0]!.id;
    // 10% off the line: ¥18 left, the second piece half of ¥9 = ¥4.50, then 10% off the cart's ¥13.50.
    await ok(app, 'cart.setLineDiscount', { lineId, discount: { kind: 'percent', bp: 1000 } }, 'mgr');
    const after = await ok(app, 'cart.setCartDiscount', { discount: { kind: 'percent', bp: 1000 } }, 'mgr');
    expect(after.priced.lines[0]).toMatchObject({ gross: 2000, lineDiscount: 200, promotionDiscount: 450, cartDiscount: 135, net: 1215 });
    expect(after.priced.total).toBe(1215);
    const order = await pay(app, after);
    expect(order.lines[0]).toMatchObject({ discount: 785, total: 1215, promotions: [{ amount: 450 }] });
    const lines = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    expect(lines.some((t) => t.includes('第二件半价') && t.endsWith('-¥4.50'))).toBe(true);
  });

  it('refuses a hostile definition with VALIDATION and writes nothing', async () => {
    const { app, appleId } = await store();
    const base = halfPriceSecond(appleId);
    const bad: unknown[] = [
      { ...base, rule: { kind: 'free_money', amount: 100 } },
      { ...base, rule: { kind: 'amount_off', scope: { kind: 'all' }, minorPerUnit: -500 } },
      { ...base, rule: { kind: 'amount_off', scope: { kind: 'all' }, minorPerUnit: 1e20 } },
      { ...base, rule: { ...base.rule, getBp: 20000 } },
      { ...base, rule: { ...base.rule, buyQty: 1e9 } },
      { ...base, priority: -1 },
      { ...base, name: '' },
      { ...base, id: appleId },
      { ...base, extra: true },
      { ...base, conditions: { hours: [{ from: '25:00', to: '26:00' }] } },
      { ...base, conditions: { startDate: '2026-12-31', endDate: '2026-01-01' } },
    ];
    for (const promotion of bad) {
      const err = await fail(app, 'promotions.create', { promotion }, 'mgr');
      expect(err.code, JSON.stringify(promotion)).toBe('VALIDATION');
    }
    const created = await ok(app, 'promotions.create', { promotion: base }, 'mgr');
    const err = await fail(app, 'promotions.update', { promotion: { ...created.promotion, rule: { ...base.rule, getBp: 0 } } }, 'mgr');
    expect(err.code).toBe('VALIDATION');
    expect((await fail(app, 'promotions.setActive', { id: uuidv7(), active: false }, 'mgr')).code).toBe('NOT_FOUND');
    expect(count(app, 'promotions')).toBe(1);
    expect((await ok(app, 'promotions.get', { id: created.promotion.id }, 'mgr')).promotion).toEqual(created.promotion);
    expect(count(app, 'audit', "action LIKE 'promotion.%'")).toBe(1);
  });
});
