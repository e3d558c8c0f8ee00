/**
 * A sale's promotion shares travel with the order: a sale made on one till shows its promotions on
 * another till's order detail and counts in that till's report per promotion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { dayToIso, isoToDay } from '../../src/shared/business-day';
import { ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { syncAll, twoTills, type Terminal } from '../support/sync';

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

describe('promotion shares across tills', () => {
  it('a sale with a promotion on till B shows the promotion on till A’s order detail and in A’s report', async () => {
    const { t1, t2, first } = await twoTills(cloud, track);

    const promo = await ok(
      t1,
      'promotions.create',
      {
        promotion: {
          name: 'Second at half price',
          nameZh: '第二件半价',
          rule: { kind: 'buy_x_get_y', scope: { kind: 'products', productIds: [first.cola.id] }, buyQty: 1, getQty: 1, getBp: 5000 },
          stacking: 'stackable',
          priority: 1,
        },
      },
      's1',
    );
    await syncAll([t1, t2]);

    // Till B sells two colas: the second at half price.
    await ok(t2, 'cart.scan', { code: '5000112637922' }, 's1');
    const cart = await ok(t2, 'cart.scan', { code: '5000112637922' }, 's1');
    expect(cart.lines[0]!.promotionDiscount).toBe(75);
    const order = await ok(
      t2,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
      's1',
    );
    await syncAll([t2, t1]);

    const detail = await ok(t1, 'orders.detail', { id: order.id }, 's1');
    expect(detail.order.lines[0]!.promotions).toEqual([
      expect.objectContaining({ promotionId: promo.promotion.id, name: 'Second at half price', nameZh: '第二件半价', amount: 75 }),
    ]);
    const day = isoToDay(new Date(order.createdAt).toISOString().slice(0, 10));
    const report = await ok(t1, 'promotions.report', { from: dayToIso(day - 2), to: dayToIso(day + 2) }, 's1');
    expect(report.rows).toEqual([expect.objectContaining({ promotionId: promo.promotion.id, sales: 1, units: 2000, discount: 75 })]);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
  });
  it('a sale priced by a member list on till B says so on till A’s order detail', async () => {
    const { t1, t2, first } = await twoTills(cloud, track);
    const list = await ok(t1, 'priceLists.create', { name: 'Members', nameZh: '会员价', target: { kind: 'members' } }, 's1');
    await ok(t1, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: first.cola.id, price: 120 }] }, 's1');
    await syncAll([t1, t2]);

    const jane = await ok(t2, 'customers.create', { name: 'Jane' }, 's1');
    await ok(t2, 'cart.scan', { code: '5000112637922' }, 's1');
    await ok(t2, 'cart.setCustomer', { customerId: jane.id }, 's1');
    const cart = await ok(t2, 'cart.get', {}, 's1');
    expect(cart.lines[0]).toMatchObject({ unitPrice: 120 });
    const order = await ok(
      t2,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
      's1',
    );
    await syncAll([t2, t1]);

    const detail = await ok(t1, 'orders.detail', { id: order.id }, 's1');
    expect(detail.order.lines[0]!.priceList).toMatchObject({ id: list.id, name: 'Members', nameZh: '会员价', shelfPrice: 150 });
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
  });
});
