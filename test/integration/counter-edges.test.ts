import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { sell, stockWorld } from '../support/inventory';

describe('tax rates in Settings', () => {
  it('a manager lists, adds, renames, re-rates and archives rates; past orders keep their rate; each change is audited', async () => {
    const w = await stockWorld();
    const { app } = w;
    const listed = await ok(app, 'taxRates.manage', {}, 'mgr');
    expect(listed.map((r) => [r.name, r.rateBp, r.isDefault, r.archived, r.products])).toEqual([
      ['Reduced', 500, false, false, 2],
      ['Standard', 2000, true, false, 1],
    ]);
    expect((await fail(app, 'taxRates.manage', {}, 'clerk')).code).toBe('FORBIDDEN');
    expect((await fail(app, 'taxRates.create', { name: 'Luxury', rateBp: 2500 }, 'clerk')).code).toBe('FORBIDDEN');

    // A sale at 20%, then the rate becomes 25%: the old order keeps 20%, the next sale charges 25%.
    const before = await sell(app, w.cola.id);
    await ok(app, 'taxRates.update', { id: w.std.id, rateBp: 2500, name: 'Standard VAT' }, 'mgr');
    const after = await sell(app, w.cola.id);
    const rateOf = (orderId: string) =>
      app.deps.sqlite.prepare('SELECT tax_rate_bp FROM order_lines WHERE order_id = ?').pluck().get(orderId) as number;
    expect(rateOf(before.id)).toBe(2000);
    expect(rateOf(after.id)).toBe(2500);

    // Validation and conflicts.
    expect((await fail(app, 'taxRates.create', { name: 'Bad', rateBp: 10001 }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'taxRates.create', { name: '  ', rateBp: 100 }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'taxRates.create', { name: 'reduced', rateBp: 100 }, 'mgr')).code).toBe('CONFLICT');
    const inDefault = await fail(app, 'taxRates.update', { id: w.std.id, archived: true }, 'mgr');
    expect(inDefault.code).toBe('CONFLICT');
    const inUse = await fail(app, 'taxRates.update', { id: w.red.id, archived: true }, 'mgr');
    expect(inUse).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'taxes.err.inUse', count: 2 } });

    // A new default rate; the old default is no longer one; an unused rate can be archived and leaves the till's list.
    const made = await ok(app, 'taxRates.create', { name: 'Zero', rateBp: 0, isDefault: true }, 'mgr');
    expect(made.filter((r) => r.isDefault).map((r) => r.name)).toEqual(['Zero']);
    const zero = made.find((r) => r.name === 'Zero')!;
    await ok(app, 'taxRates.update', { id: w.std.id, isDefault: true }, 'mgr');
    const archived = await ok(app, 'taxRates.update', { id: zero.id, archived: true }, 'mgr');
    expect(archived.find((r) => r.id === zero.id)).toMatchObject({ archived: true, isDefault: false });
    expect((await ok(app, 'taxRates.list', {}, 'clerk')).map((r) => r.name)).not.toContain('Zero');

    const actions = app.deps.sqlite
      .prepare("SELECT action FROM audit WHERE action LIKE 'taxRate.%' ORDER BY rowid")
      .pluck()
      .all() as string[];
    expect(actions).toEqual(['taxRate.update', 'taxRate.create', 'taxRate.update', 'taxRate.archive']);
    const change = app.deps.sqlite
      .prepare("SELECT details FROM audit WHERE action = 'taxRate.update' ORDER BY rowid LIMIT 1")
      .pluck()
      .get() as string;
    expect(JSON.parse(change)).toEqual({ name: { from: 'Standard', to: 'Standard VAT' }, rateBp: { from: 2000, to: 2500 } });
  });
});

describe('Z report: pieces and weights apart', () => {
  it('two colas and 0.750 kg of apples are 2 items and 0.750 kg, not 2.750 items', async () => {
    const w = await stockWorld();
    const { app } = w;
    await sell(app, w.cola.id, 2000);
    await sell(app, w.apple.id, 750);
    const report = await ok(app, 'shifts.report', {}, 'clerk');
    expect(report.sales.items).toBe(2000);
    expect(report.sales.weighed).toBe(750);
  });
});

describe('audit log names', () => {
  it('a page names the products, orders and people its entries point at', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(app, 'catalog.update', { id: w.cola.id, price: 175 }, 'mgr');
    const page = await ok(app, 'audit.list', { action: 'product.price' }, 'mgr');
    expect(page.rows).toHaveLength(1);
    expect(page.names[w.cola.id]).toEqual({ name: 'Cola 330ml', altName: null });
  });
});
