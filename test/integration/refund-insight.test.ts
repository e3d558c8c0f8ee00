/** Refunds made by the after-sale feature reach the shift's Z report and the dashboard's rollups. */
import { describe, expect, it } from 'vitest';
import { makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { inTransaction } from '../../src/main/db/open';
import { rebuildRollups, ROLLUP_TABLES } from '../../src/main/insight/rollups';

describe('refunds in the shift and the dashboard', () => {
  it('a cash refund lowers the expected cash and shows on the Z report; rollups and a rebuild agree, without counting it twice', async () => {
    const app = makeApp();
    const { cola } = await readyStore(app); // $100 float
    await ok(app, 'cart.scan', { code: '5000112637922' });
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 300 }] });
    const line = order.lines[0]!;
    const refund = await ok(app, 'refunds.create', {
      orderId: order.id,
      refundId: uuidv7(),
      lines: [{ orderLineId: line.id, qty: 1000, disposition: 'restock' }],
      method: 'cash',
    });
    expect(refund.total).toBe(150);

    const x = await ok(app, 'shifts.report', {});
    expect(x.cash).toMatchObject({ float: 10_000, sales: 300, refunds: 150, expected: 10_150 });
    expect(x.refunds).toEqual({ count: 1, amount: 150 });
    expect(x.tenders).toEqual([{ kind: 'cash', count: 1, amount: 300, refunds: 150 }]);

    const today = (await ok(app, 'insight.businessDay', {})).today;
    const s = await ok(app, 'insight.summary', { from: today, to: today });
    expect(s.current).toMatchObject({ orders: 1, sales: 300, refunds: 1, refundAmount: 150, revenue: 150, returnsRateBp: 5000 });
    const top = await ok(app, 'insight.products', { from: today, to: today, sort: 'revenue', dir: 'desc', limit: 5 });
    expect(top.items).toEqual([expect.objectContaining({ productId: cola.id, revenue: 150, refundAmount: 150 })]);

    const snap = () =>
      Object.fromEntries(ROLLUP_TABLES.map((t) => [t, app.deps.sqlite.prepare(`SELECT * FROM ${t}`).raw().all().map(String).sort()]));
    const before = snap();
    inTransaction(app.deps.sqlite, () => rebuildRollups(app.deps));
    expect(snap()).toEqual(before);
    // The rebuild replayed the refund for the dashboard but did not charge the drawer twice.
    expect((await ok(app, 'shifts.report', {})).cash.refunds).toBe(150);
  });
});
