import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { ledgerMismatches, levelOf, sell, stockWorld } from '../support/inventory';
import { pdfPageCount, pdfText, pdfToPng } from '../support/pdf';

describe('purchase orders', () => {
  it('a draft line can be edited (quantity, unit cost) and removed; once sent, its lines cannot', async () => {
    const w = await stockWorld();
    const { app } = w;
    const lines = [
      { productId: w.cola.id, qty: 6000, unitCost: 100 },
      { productId: w.bread.id, qty: 2000, unitCost: 150 },
    ];
    const po = await ok(app, 'po.create', { supplierId: w.supplier.id, locationId: w.shop.id, lines }, 'mgr');
    const cola = po.items.find((l) => l.productId === w.cola.id)!;
    const bread = po.items.find((l) => l.productId === w.bread.id)!;
    await ok(app, 'po.updateLine', { id: po.id, lineId: cola.id, qty: 4000 }, 'mgr');
    let r = await ok(app, 'po.updateLine', { id: po.id, lineId: cola.id, unitCost: 120 }, 'mgr');
    expect(r.items.find((l) => l.id === cola.id)).toMatchObject({ qtyOrdered: 4000, unitCost: 120 });
    expect(r.total).toBe(4 * 120 + 2 * 150);
    r = await ok(app, 'po.updateLine', { id: po.id, lineId: bread.id, remove: true }, 'mgr');
    expect(r.items.map((l) => l.id)).toEqual([cola.id]);
    expect(r.total).toBe(480);
    // The list shows the same total as the order.
    const list = await ok(app, 'po.list', { offset: 0, limit: 10 }, 'mgr');
    expect(list.items.find((x) => x.id === po.id)).toMatchObject({ total: 480, lines: 1 });
    // A clerk cannot; a line of another order is not found; a sent order is fixed.
    expect((await fail(app, 'po.updateLine', { id: po.id, lineId: cola.id, qty: 1000 }, 'clerk')).code).toBe('FORBIDDEN');
    const other = await ok(app, 'po.create', { supplierId: w.supplier.id, locationId: w.shop.id, lines: [lines[1]!] }, 'mgr');
    expect((await fail(app, 'po.updateLine', { id: other.id, lineId: cola.id, remove: true }, 'mgr')).code).toBe('NOT_FOUND');
    await ok(app, 'po.send', { id: po.id }, 'mgr');
    expect((await fail(app, 'po.updateLine', { id: po.id, lineId: cola.id, qty: 1000 }, 'mgr')).code).toBe('CONFLICT');
    expect((await fail(app, 'po.updateLine', { id: po.id, lineId: cola.id, remove: true }, 'mgr')).code).toBe('CONFLICT');
    expect((await ok(app, 'po.get', { id: po.id }, 'mgr')).items).toHaveLength(1);
  });

  it('draft → sent → received in part by scanning, then in full: stock rises and the average cost is re-weighted', async () => {
    const w = await stockWorld();
    const { app } = w;
    // Cola: cost 75, 10 on hand at the shop.
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 10_000, reason: 'found' }, 'mgr');
    const po = await ok(
      app,
      'po.create',
      {
        supplierId: w.supplier.id,
        locationId: w.shop.id,
        lines: [
          { productId: w.cola.id, qty: 6000, unitCost: 100 },
          { productId: w.bread.id, qty: 2000 },
        ],
      },
      'mgr',
    );
    expect(po.status).toBe('draft');
    expect(po.number).toMatch(/^PO-T1-\d{6}$/);
    expect((await fail(app, 'po.receiveScan', { id: po.id, code: 'COLA' }, 'mgr')).code).toBe('CONFLICT');
    await ok(app, 'po.send', { id: po.id }, 'mgr');
    expect((await fail(app, 'po.addLines', { id: po.id, lines: [{ productId: w.apple.id, qty: 1000 }] }, 'mgr')).code).toBe('CONFLICT');

    // Two cans scanned one by one, then four at once.
    await ok(app, 'po.receiveScan', { id: po.id, code: '5000112637922' }, 'mgr');
    let r = await ok(app, 'po.receiveScan', { id: po.id, code: '5000112637922' }, 'mgr');
    expect(r.order.status).toBe('partial');
    expect(levelOf(app, w.cola.id, w.shop.id)).toBe(12_000);
    // (10 × 75 + 1 × 100) / 11 = 77.27 → 77; then (11 × 77 + 1 × 100) / 12 = 78.9 → 79
    expect((await ok(app, 'catalog.get', { id: w.cola.id }, 'mgr')).cost).toBe(79);
    r = await ok(app, 'po.receiveScan', { id: po.id, code: 'COLA', qty: 4000, unitCost: 90 }, 'mgr');
    expect(r.over).toBe(0);
    // (12 × 79 + 4 × 90) / 16 = 81.75 → 82
    expect((await ok(app, 'catalog.get', { id: w.cola.id }, 'mgr')).cost).toBe(82);
    const history = await ok(app, 'catalog.priceHistory', { id: w.cola.id }, 'mgr');
    expect(history[0]).toMatchObject({ field: 'cost', from: 79, to: 82, staffName: 'Mona' });
    expect(history[0]!.reason).toContain(po.number);

    const bread = r.order.items.find((l) => l.productId === w.bread.id)!;
    const done = await ok(app, 'po.receive', { id: po.id, lines: [{ lineId: bread.id, qty: 2000 }] }, 'mgr');
    expect(done.status).toBe('received');
    expect(levelOf(app, w.bread.id, w.shop.id)).toBe(2000);
    const receipts = app.deps.sqlite
      .prepare("SELECT COUNT(*) FROM stock_movements WHERE kind = 'receipt' AND ref_id = ?")
      .pluck()
      .get(po.id);
    expect(receipts).toBe(4);
    expect(ledgerMismatches(app)).toEqual([]);
  });

  it('records over- and under-deliveries; receiving against a fully received line is an over-delivery, never lost', async () => {
    const w = await stockWorld();
    const { app } = w;
    const po = await ok(
      app,
      'po.create',
      {
        supplierId: w.supplier.id,
        locationId: w.back.id,
        lines: [
          { productId: w.cola.id, qty: 2000 },
          { productId: w.bread.id, qty: 5000 },
        ],
      },
      'mgr',
    );
    await ok(app, 'po.send', { id: po.id }, 'mgr');
    await ok(app, 'po.receiveScan', { id: po.id, code: 'COLA', qty: 2000 }, 'mgr');
    // The cola line is complete: one more case is an over-delivery, and still raises stock.
    const again = await ok(app, 'po.receiveScan', { id: po.id, code: 'COLA', qty: 3000 }, 'mgr');
    expect(again.over).toBe(3000);
    expect(levelOf(app, w.cola.id, w.back.id)).toBe(5000);
    // An item that was never ordered needs a confirmation, then is recorded in full as over-delivered.
    const notOnOrder = await fail(app, 'po.receiveScan', { id: po.id, code: 'APPLE' }, 'mgr');
    expect(notOnOrder).toMatchObject({ code: 'NOT_FOUND', details: { notOnOrder: true } });
    const extra = await ok(app, 'po.receiveScan', { id: po.id, code: 'APPLE', qty: 1500, extra: true }, 'mgr');
    expect(extra.over).toBe(1500);
    await ok(app, 'po.receiveScan', { id: po.id, code: '4006381333931', qty: 3000 }, 'mgr');
    const closed = await ok(app, 'po.close', { id: po.id }, 'mgr');
    expect(closed.status).toBe('closed');
    const line = (id: string) => closed.items.find((l) => l.productId === id)!;
    expect(line(w.cola.id)).toMatchObject({ qtyOrdered: 2000, qtyReceived: 5000, over: 3000, short: 0 });
    expect(line(w.bread.id)).toMatchObject({ qtyOrdered: 5000, qtyReceived: 3000, over: 0, short: 2000 });
    expect(line(w.apple.id)).toMatchObject({ qtyOrdered: 0, qtyReceived: 1500, over: 1500 });
    expect((await fail(app, 'po.receiveScan', { id: po.id, code: 'COLA' }, 'mgr')).code).toBe('CONFLICT');
    expect((await fail(app, 'po.receiveScan', { id: po.id, code: '0000000000000' }, 'mgr')).code).toBe('CONFLICT');
  });

  it('has no item limit: a 6,000-line order is built in batches, sent as a multi-page PDF and as CSV', async () => {
    const w = await stockWorld();
    const { app } = w;
    const ids: string[] = [];
    const insert = app.deps.sqlite.prepare(
      "INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, archived, created_at, updated_at, hlc) VALUES (?, ?, ?, 'each', 100, 50, ?, 0, 0, 0, 'x')",
    );
    app.deps.sqlite.transaction(() => {
      for (let i = 0; i < 6000; i++) {
        const id = `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`;
        insert.run(id, `BULK-${i}`, i % 2 ? `Bulk item ${i}` : `散装商品 ${i}`, w.std.id);
        ids.push(id);
      }
    })();
    const po = await ok(
      app,
      'po.create',
      { supplierId: w.supplier.id, locationId: w.shop.id, lines: ids.slice(0, 5000).map((productId) => ({ productId, qty: 1000 })) },
      'mgr',
    );
    const full = await ok(app, 'po.addLines', { id: po.id, lines: ids.slice(5000).map((productId) => ({ productId, qty: 2000 })) }, 'mgr');
    expect(full.items).toHaveLength(6000);
    await ok(app, 'po.send', { id: po.id }, 'mgr');
    const csv = await ok(app, 'po.csv', { id: po.id }, 'mgr');
    const parsed = Papa.parse<string[]>(csv.csv.trim(), { header: false }).data;
    expect(parsed[0]).toEqual(['order', 'sku', 'barcode', 'name', 'unit', 'qty', 'unit_cost', 'line_total']);
    expect(parsed).toHaveLength(6001);
    expect(parsed[1]).toEqual([po.number, 'BULK-0', '', '散装商品 0', 'each', '1', '0.50', '0.50']);
    const pdf = await ok(app, 'po.pdf', { id: po.id }, 'mgr');
    const bytes = Buffer.from(pdf.base64, 'base64');
    expect(pdfPageCount(bytes)).toBeGreaterThan(100);
    // Page 1 renders: a PNG signature.
    expect(
      Buffer.from(pdfToPng(bytes, 1, 40))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const text = pdfText(bytes, { first: 1, last: 1 });
    expect(text).toContain(po.number);
    expect(text).toContain('Acme Wholesale');
    expect(text).toContain('BULK-1');
    expect(bytes.length).toBeLessThan(5_000_000);
  });
});

describe('low-stock alerts and suggestions', () => {
  it('lists items at or below their reorder point with a suggestion from sales velocity, then makes a draft order in one step', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(app, 'catalog.update', { id: w.cola.id, supplierId: w.supplier.id }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 30_000, reason: 'found' }, 'mgr');
    await ok(
      app,
      'stock.setReorder',
      { productId: w.cola.id, locationId: w.shop.id, rule: { reorderPoint: 10_000, reorderQty: 12_000 } },
      'mgr',
    );
    expect((await ok(app, 'stock.lowStockCount', {}, 'mgr')).count).toBe(0);
    // 28 sold within the last four weeks: 1 a day. (A sale before the window does not count.)
    await sell(app, w.cola.id, 5000);
    app.clock.advance(29 * 86_400_000);
    await ok(app, 'staff.signIn', { staffId: w.managerId, pin: '2222' }, 'mgr');
    await ok(app, 'staff.signIn', { staffId: w.clerkId, pin: '3333' }, 'clerk');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 30_000, reason: 'found' }, 'mgr');
    for (let i = 0; i < 4; i++) await sell(app, w.cola.id, 7000);
    const low = await ok(app, 'stock.lowStock', { offset: 0, limit: 50 }, 'mgr');
    expect(low.total).toBe(1);
    // qty 2, reorder point 10, 14 days × 1/day → 10 + 14 − 2 = 22 (more than the reorder qty of 12).
    expect(low.items[0]).toMatchObject({
      productId: w.cola.id,
      qty: 2000,
      dailySales: 1000,
      onOrder: 0,
      suggestedQty: 22_000,
      supplierName: 'Acme Wholesale',
    });
    expect((await ok(app, 'stock.lowStockCount', {}, 'mgr')).count).toBe(1);

    const [draft] = await ok(app, 'po.fromSuggestions', { locationId: w.shop.id }, 'mgr');
    expect(draft).toMatchObject({ status: 'draft', supplierId: w.supplier.id });
    expect(draft!.items).toEqual([expect.objectContaining({ productId: w.cola.id, qtyOrdered: 22_000, unitCost: 75 })]);
    // What is on order is taken into account: nothing more is suggested.
    expect((await ok(app, 'stock.lowStock', { offset: 0, limit: 50 }, 'mgr')).items[0]).toMatchObject({ onOrder: 22_000, suggestedQty: 0 });
    expect((await fail(app, 'po.fromSuggestions', { locationId: w.shop.id }, 'mgr')).code).toBe('VALIDATION');

    await ok(app, 'po.send', { id: draft!.id }, 'mgr');
    await ok(app, 'po.receiveScan', { id: draft!.id, code: 'COLA', qty: 22_000 }, 'mgr');
    expect((await ok(app, 'stock.lowStockCount', {}, 'mgr')).count).toBe(0);
  });

  it('items without a supplier need one named before a draft is made', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(
      app,
      'stock.setReorder',
      { productId: w.bread.id, locationId: w.shop.id, rule: { reorderPoint: 5000, reorderQty: 10_000 } },
      'mgr',
    );
    const err = await fail(app, 'po.fromSuggestions', { locationId: w.shop.id }, 'mgr');
    expect(err).toMatchObject({ code: 'VALIDATION', details: { field: 'supplierId' } });
    const [po] = await ok(app, 'po.fromSuggestions', { locationId: w.shop.id, supplierId: w.supplier.id }, 'mgr');
    expect(po!.items[0]).toMatchObject({ productId: w.bread.id, qtyOrdered: 10_000 });
  });
});

describe('second-language names', () => {
  it('every store-manager row carries the other name, so a Chinese screen (and a Chinese PO PDF) can name the item in Chinese', async () => {
    const w = await stockWorld();
    const { app } = w;
    const fruit = await ok(app, 'catalog.categoryCreate', { name: 'Fruit', altName: '水果' }, 'mgr');
    await ok(app, 'catalog.update', { id: w.apple.id, categoryId: fruit.id, supplierId: w.supplier.id }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.apple.id, locationId: w.shop.id, mode: 'set', qty: 2000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 4000, reason: 'found' }, 'mgr');
    await ok(
      app,
      'stock.setReorder',
      { productId: w.apple.id, locationId: w.shop.id, rule: { reorderPoint: 5000, reorderQty: 10_000 } },
      'mgr',
    );
    const apple = { productId: w.apple.id, name: 'Apples', altName: '苹果' };
    const cola = { productId: w.cola.id, name: 'Cola 330ml', altName: null };

    expect((await ok(app, 'stock.lowStock', { offset: 0, limit: 50 }, 'mgr')).items).toEqual([expect.objectContaining(apple)]);
    // The paged form of the same query (a page smaller than the list) picks its columns separately.
    await ok(
      app,
      'stock.setReorder',
      { productId: w.cola.id, locationId: w.shop.id, rule: { reorderPoint: 5000, reorderQty: 1000 } },
      'mgr',
    );
    expect((await ok(app, 'stock.lowStock', { offset: 0, limit: 1 }, 'mgr')).items).toEqual([expect.objectContaining(apple)]);
    expect((await ok(app, 'stock.lowStock', { offset: 1, limit: 1 }, 'mgr')).items).toEqual([expect.objectContaining(cola)]);

    const [po] = await ok(app, 'po.fromSuggestions', { locationId: w.shop.id, productIds: [w.apple.id] }, 'mgr');
    expect(po!.items).toEqual([expect.objectContaining(apple)]);
    await ok(app, 'po.send', { id: po!.id }, 'mgr');
    const notOn = await fail(app, 'po.receiveScan', { id: po!.id, code: 'COLA' }, 'mgr');
    expect(notOn.details).toMatchObject({ notOnOrder: true, name: 'Cola 330ml', altName: null });

    // The PDF names items in the store's language; an English store keeps the English name.
    const poText = async () => pdfText(Buffer.from((await ok(app, 'po.pdf', { id: po!.id }, 'mgr')).base64, 'base64'));
    expect(await poText()).toContain('Apples');
    await ok(app, 'settings.update', { language: 'zh-CN' }, 's1');
    // (The embedded CJK font has no Unicode map, so its glyphs do not read back as text: the row is
    // there, by SKU, without the English name.)
    const zh = await poText();
    expect(zh).toContain('APPLE');
    expect(zh).not.toContain('Apples');

    // Sold below zero: the flagged list and the movement history.
    await sell(app, w.apple.id, 3000);
    expect((await ok(app, 'stock.flagged', { offset: 0, limit: 50 }, 'mgr')).items).toEqual([expect.objectContaining(apple)]);
    const moves = await ok(app, 'stock.movements', { productId: w.apple.id, offset: 0, limit: 50 }, 'mgr');
    expect(moves.items.length).toBeGreaterThan(1);
    for (const m of moves.items) expect(m).toMatchObject(apple);
    expect((await ok(app, 'stock.movements', { productId: w.cola.id, offset: 0, limit: 1 }, 'mgr')).items[0]).toMatchObject(cola);

    await ok(app, 'stock.adjust', { productId: w.apple.id, locationId: w.shop.id, mode: 'set', qty: 1500, reason: 'found' }, 'mgr');
    const value = await ok(app, 'stock.valuation', { locationId: w.shop.id }, 'mgr');
    expect(value.rows).toContainEqual(expect.objectContaining({ categoryId: fruit.id, categoryName: 'Fruit', categoryAltName: '水果' }));
    expect(value.rows).toContainEqual(expect.objectContaining({ categoryId: null, categoryName: null, categoryAltName: null }));

    // A count of the fruit: its lines, then the variance report (counted and never-counted rows).
    const c = await ok(
      app,
      'counts.create',
      { name: 'Fruit', scope: 'partial', locationId: w.shop.id, categoryId: fruit.id, blind: false },
      'mgr',
    );
    expect((await ok(app, 'counts.scan', { id: c.id, code: 'APPLE', qty: 1000 }, 'clerk')).lines).toEqual([expect.objectContaining(apple)]);
    expect((await ok(app, 'counts.variance', { id: c.id }, 'mgr')).rows).toEqual([expect.objectContaining(apple)]);
    const all = await ok(app, 'counts.create', { name: 'All', scope: 'full', locationId: w.shop.id, blind: true }, 'mgr');
    await ok(app, 'counts.scan', { id: all.id, code: 'COLA' }, 'clerk');
    const report = await ok(app, 'counts.variance', { id: all.id }, 'mgr');
    expect(report.rows).toContainEqual(expect.objectContaining({ ...cola, counted: 1000 }));
    expect(report.rows).toContainEqual(expect.objectContaining({ ...apple, counted: null }));
  });
});
