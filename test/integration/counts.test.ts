import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { ledgerMismatches, levelOf, sell, stockWorld } from '../support/inventory';

describe('stock counts', () => {
  it('blind count by scanning: expected hidden while open, variance report, approval posts corrections once', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 10_000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.shop.id, mode: 'set', qty: 4000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.apple.id, locationId: w.shop.id, mode: 'set', qty: 2500, reason: 'found' }, 'mgr');
    const count = await ok(app, 'counts.create', { name: 'Year end', scope: 'full', locationId: w.shop.id, blind: true }, 'mgr');
    // A clerk counts: 8 cola (two scans, then six at once), 4 bread.
    await ok(app, 'counts.scan', { id: count.id, code: '5000112637922' }, 'clerk');
    await ok(app, 'counts.scan', { id: count.id, code: '5000112637922' }, 'clerk');
    await ok(app, 'counts.scan', { id: count.id, code: 'COLA', qty: 6000 }, 'clerk');
    let detail = await ok(app, 'counts.scan', { id: count.id, code: '4006381333931', qty: 4000 }, 'clerk');
    expect(detail.lines.map((l) => [l.sku, l.counted, l.expected])).toEqual([
      ['BREAD', 4000, null],
      ['COLA', 8000, null],
    ]);
    // A sale after cola was counted is not a variance: the line remembers the level when counted.
    await sell(app, w.cola.id, 1000);
    expect((await fail(app, 'counts.approve', { id: count.id, uncounted: 'zero' }, 'clerk')).code).toBe('FORBIDDEN');
    detail = await ok(app, 'counts.submit', { id: count.id }, 'clerk');
    expect(detail.lines.find((l) => l.sku === 'COLA')!.expected).toBe(10_000);
    const report = await ok(app, 'counts.variance', { id: count.id }, 'mgr');
    const row = (sku: string) => report.rows.find((r) => r.sku === sku)!;
    expect(row('COLA')).toMatchObject({ expected: 10_000, counted: 8000, variance: -2000, value: -150 });
    expect(row('BREAD')).toMatchObject({ variance: 0 });
    expect(row('APPLE')).toMatchObject({ counted: null, expected: 2500, variance: -2500 });
    expect(report.uncounted).toBe(1);

    const approved = await ok(app, 'counts.approve', { id: count.id, uncounted: 'zero' }, 'mgr');
    expect(approved.session.status).toBe('approved');
    expect(levelOf(app, w.cola.id, w.shop.id)).toBe(10_000 - 1000 - 2000);
    expect(levelOf(app, w.apple.id, w.shop.id)).toBe(0);
    const moves = app.deps.sqlite.prepare("SELECT COUNT(*) FROM stock_movements WHERE kind = 'count' AND ref_id = ?").pluck();
    expect(moves.get(count.id)).toBe(2);
    // Not twice.
    expect(await fail(app, 'counts.approve', { id: count.id, uncounted: 'zero' }, 'mgr')).toMatchObject({ code: 'CONFLICT' });
    expect(moves.get(count.id)).toBe(2);
    expect((await fail(app, 'counts.scan', { id: count.id, code: 'COLA' }, 'clerk')).code).toBe('CONFLICT');
    expect(ledgerMismatches(app)).toEqual([]);
    const audit = app.deps.sqlite.prepare("SELECT staff_id FROM audit WHERE action = 'count.approve' AND target = ?").all(count.id);
    expect(audit).toEqual([{ staff_id: w.managerId }]);
  });

  it('a partial count of a category leaves other items alone; items outside it are refused', async () => {
    const w = await stockWorld();
    const { app } = w;
    const drinks = await ok(app, 'catalog.categoryCreate', { name: 'Drinks' }, 'mgr');
    await ok(app, 'catalog.update', { id: w.cola.id, categoryId: drinks.id }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.back.id, mode: 'set', qty: 5000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.back.id, mode: 'set', qty: 5000, reason: 'found' }, 'mgr');
    const c = await ok(
      app,
      'counts.create',
      { name: 'Drinks', scope: 'partial', locationId: w.back.id, categoryId: drinks.id, blind: false },
      'mgr',
    );
    expect((await fail(app, 'counts.scan', { id: c.id, code: 'BREAD' }, 'clerk')).code).toBe('VALIDATION');
    const d = await ok(app, 'counts.scan', { id: c.id, code: 'COLA', qty: 7000 }, 'clerk');
    expect(d.lines[0]).toMatchObject({ counted: 7000, expected: 5000 });
    await ok(app, 'counts.approve', { id: c.id, uncounted: 'zero' }, 'mgr');
    expect(levelOf(app, w.cola.id, w.back.id)).toBe(7000);
    expect(levelOf(app, w.bread.id, w.back.id)).toBe(5000);
  });

  it('a cancelled count cannot be approved', async () => {
    const w = await stockWorld();
    const c = await ok(w.app, 'counts.create', { name: 'Oops', scope: 'partial', locationId: w.shop.id, blind: false }, 'mgr');
    await ok(w.app, 'counts.scan', { id: c.id, code: 'COLA' }, 'clerk');
    await ok(w.app, 'counts.cancel', { id: c.id }, 'mgr');
    expect((await fail(w.app, 'counts.approve', { id: c.id, uncounted: 'ignore' }, 'mgr')).code).toBe('CONFLICT');
  });
});
