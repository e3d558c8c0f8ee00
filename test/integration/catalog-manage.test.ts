import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { fail, ok } from '../support/app';
import { ledgerMismatches, sell, stockWorld } from '../support/inventory';

// The smallest valid PNG (1×1) and JPEG headers are enough: main only checks what the bytes are.
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('catalog management', () => {
  it('edits keep search in step; price and cost changes are audited with old and new value, who and when', async () => {
    const w = await stockWorld();
    const { app } = w;
    const p = await ok(
      app,
      'catalog.update',
      { id: w.cola.id, name: 'Fizzy cola 330ml', altName: '可乐', price: 175, cost: 80, barcodes: ['5000112637939'] },
      'mgr',
    );
    expect(p).toMatchObject({ name: 'Fizzy cola 330ml', price: 175, barcodes: ['5000112637939'] });
    const skus = async (q: string) => (await ok(app, 'catalog.search', { q }, 'clerk')).map((h) => h.sku);
    expect(await skus('fizzy')).toEqual(['COLA']);
    expect(await skus('kl')).toEqual(['COLA']); // pinyin of 可乐
    expect(await skus('5000112637939')).toEqual(['COLA']);
    expect(await skus('5000112637922')).toEqual([]);
    const history = await ok(app, 'catalog.priceHistory', { id: w.cola.id }, 'mgr');
    expect(history.map((h) => [h.field, h.from, h.to, h.staffName])).toEqual(
      expect.arrayContaining([
        ['price', 150, 175, 'Mona'],
        ['cost', 75, 80, 'Mona'],
      ]),
    );
    const audit = app.deps.sqlite.prepare("SELECT staff_id, at, details FROM audit WHERE action = 'product.price'").get() as {
      staff_id: string;
      at: number;
      details: string;
    };
    expect(audit.staff_id).toBe(w.managerId);
    expect(audit.at).toBe(app.clock.now);
    expect(JSON.parse(audit.details)).toMatchObject({ from: 150, to: 175 });

    // Archived: gone from search, sale and low-stock alerts (its reorder rules go), back in search when restored.
    await ok(
      app,
      'stock.setReorder',
      { productId: w.cola.id, locationId: w.shop.id, rule: { reorderPoint: 5000, reorderQty: 5000 } },
      'mgr',
    );
    expect((await ok(app, 'stock.lowStockCount', {}, 'mgr')).count).toBe(1);
    await ok(app, 'catalog.archive', { id: w.cola.id, archived: true }, 'mgr');
    expect((await ok(app, 'stock.lowStockCount', {}, 'mgr')).count).toBe(0);
    expect(await skus('fizzy')).toEqual([]);
    expect((await fail(app, 'cart.scan', { code: '5000112637939' }, 'clerk')).code).toBe('NOT_FOUND');
    await ok(app, 'catalog.archive', { id: w.cola.id, archived: false }, 'mgr');
    expect(await skus('fizzy')).toEqual(['COLA']);
  });

  it('a duplicate SKU or barcode is a clear CONFLICT, on create and on edit', async () => {
    const w = await stockWorld();
    const { app } = w;
    const base = { name: 'Thing', unit: 'each' as const, price: 100, cost: 50 };
    expect(await fail(app, 'catalog.create', { ...base, sku: 'COLA', barcodes: [] }, 'mgr')).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'sku' },
    });
    expect(await fail(app, 'catalog.create', { ...base, sku: 'NEW', barcodes: ['4006381333931'] }, 'mgr')).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'barcodes', value: '4006381333931' },
    });
    expect(await fail(app, 'catalog.update', { id: w.cola.id, sku: 'BREAD' }, 'mgr')).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'sku' },
    });
    expect(await fail(app, 'catalog.update', { id: w.cola.id, barcodes: ['4006381333931'] }, 'mgr')).toMatchObject({ code: 'CONFLICT' });
    expect((await fail(app, 'catalog.categoryCreate', { name: 'x' }, 'clerk')).code).toBe('FORBIDDEN');
  });

  it('variants: each its own product with SKU, barcodes and price, grouped with its values', async () => {
    const w = await stockWorld();
    const { app } = w;
    const g = await ok(
      app,
      'catalog.groupCreate',
      {
        name: 'Hoodie',
        altName: '连帽衫',
        attributes: ['Size', 'Colour'],
        unit: 'each',
        variants: [
          { sku: 'HD-S-GRY', values: { Size: 'S', Colour: 'Grey' }, price: 3500, cost: 1500, barcodes: ['2000000000022'] },
          { sku: 'HD-M-GRY', values: { Size: 'M', Colour: 'Grey' }, price: 3600, cost: 1500, barcodes: ['2000000000039'] },
        ],
      },
      'mgr',
    );
    expect(g.variants.map((v) => [v.sku, v.name, v.price, v.variant])).toEqual([
      ['HD-S-GRY', 'Hoodie S / Grey', 3500, { Size: 'S', Colour: 'Grey' }],
      ['HD-M-GRY', 'Hoodie M / Grey', 3600, { Size: 'M', Colour: 'Grey' }],
    ]);
    const more = await ok(
      app,
      'catalog.variantAdd',
      { groupId: g.id, sku: 'HD-L-GRY', values: { Size: 'L', Colour: 'Grey' }, price: 3700, cost: 1500, barcodes: [] },
      'mgr',
    );
    expect(more.variants).toHaveLength(3);
    expect(
      (
        await fail(
          app,
          'catalog.variantAdd',
          { groupId: g.id, sku: 'HD-X', values: { Size: 's', Colour: 'grey' }, price: 1, cost: 1, barcodes: [] },
          'mgr',
        )
      ).code,
    ).toBe('CONFLICT');
    expect(
      (
        await fail(
          app,
          'catalog.variantAdd',
          { groupId: g.id, sku: 'HD-Y', values: { Size: 'XL' }, price: 1, cost: 1, barcodes: [] },
          'mgr',
        )
      ).code,
    ).toBe('VALIDATION');
    const cart = await ok(app, 'cart.scan', { code: '2000000000039' }, 'clerk');
    expect(cart.lines[0]).toMatchObject({ sku: 'HD-M-GRY', unitPrice: 3600 });
  });

  it('pictures are kept in the data folder with a thumbnail, and replaced cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-img-'));
    try {
      const w = await stockWorld({ dataDir });
      const { app } = w;
      expect((await fail(app, 'catalog.setImage', { id: w.cola.id, image: 'aGVsbG8=', thumb: PNG_1x1 }, 'mgr')).code).toBe('VALIDATION');
      const p = await ok(app, 'catalog.setImage', { id: w.cola.id, image: PNG_1x1, thumb: PNG_1x1 }, 'mgr');
      expect(p.image).toMatch(new RegExp(`^${w.cola.id}-[0-9a-f]{12}\\.png$`));
      expect(readdirSync(join(dataDir, 'images')).sort()).toEqual([p.image, `${p.image}.thumb`]);
      const thumbs = await ok(app, 'catalog.thumbs', { images: [p.image!] }, 'clerk');
      expect(thumbs[p.image!]).toBe(`data:image/png;base64,${PNG_1x1}`);
      const again = await ok(app, 'catalog.setImage', { id: w.cola.id, image: PNG_1x1, thumb: PNG_1x1 }, 'mgr');
      expect(existsSync(join(dataDir, 'images', p.image!))).toBe(false);
      expect((await ok(app, 'catalog.image', { id: w.cola.id }, 'clerk')).dataUrl).toContain('image/png');
      await ok(app, 'catalog.clearImage', { id: w.cola.id }, 'mgr');
      expect(existsSync(join(dataDir, 'images', again.image!))).toBe(false);
      // The desktop app saves files the user asks for under exports/, never overwriting one (and
      // only a PDF under a .pdf name: a picture is refused).
      const PDF = Buffer.from('%PDF-1.7\n%%EOF\n').toString('base64');
      expect((await fail(app, 'files.save', { fileName: 'PO-T1-000001.pdf', base64: PNG_1x1 }, 'mgr')).code).toBe('VALIDATION');
      const first = await ok(app, 'files.save', { fileName: 'PO-T1-000001.pdf', base64: PDF }, 'mgr');
      const second = await ok(app, 'files.save', { fileName: 'PO-T1-000001.pdf', base64: PDF }, 'mgr');
      expect(first.path).toBe(join(dataDir, 'exports', 'PO-T1-000001.pdf'));
      expect(second.path).toBe(join(dataDir, 'exports', 'PO-T1-000001 (2).pdf'));
      expect((await fail(app, 'files.save', { fileName: '../evil.pdf', base64: PNG_1x1 }, 'mgr')).code).toBe('VALIDATION');
      app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('negative stock policy', () => {
  it('allowed by default: the sale goes through and the level shows in the flagged list', async () => {
    const w = await stockWorld();
    await sell(w.app, w.cola.id, 2000);
    const flagged = await ok(w.app, 'stock.flagged', { offset: 0, limit: 50 }, 'mgr');
    expect(flagged.items).toEqual([expect.objectContaining({ productId: w.cola.id, qty: -2000, locationName: 'Shop floor' })]);
    expect((await ok(w.app, 'stock.lowStockCount', {}, 'mgr')).negative).toBe(1);
  });

  it('blocked: checkout answers OUT_OF_STOCK naming the short items, and nothing is written', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(app, 'settings.update', { negativeStock: 'block' }, 's1');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 1000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.shop.id, mode: 'set', qty: 5000, reason: 'found' }, 'mgr');
    await ok(app, 'cart.addProduct', { productId: w.cola.id, qty: 2000 }, 'clerk');
    const cart = await ok(app, 'cart.addProduct', { productId: w.bread.id, qty: 1000 }, 'clerk');
    const err = await fail(
      app,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
      'clerk',
    );
    expect(err.code).toBe('OUT_OF_STOCK');
    expect((err.details as { items: unknown[] }).items).toEqual([
      { productId: w.cola.id, sku: 'COLA', name: 'Cola 330ml', available: 1000, requested: 2000 },
    ]);
    expect(app.deps.sqlite.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(0);
    // Transfers and write-offs are held to the same rule.
    expect(
      (await fail(app, 'stock.transfer', { fromId: w.shop.id, toId: w.back.id, lines: [{ productId: w.cola.id, qty: 3000 }] }, 'mgr')).code,
    ).toBe('OUT_OF_STOCK');
    expect(
      (await fail(app, 'stock.writeOff', { productId: w.bread.id, locationId: w.shop.id, qty: 6000, reason: 'damaged' }, 'mgr')).code,
    ).toBe('OUT_OF_STOCK');
    await ok(app, 'cart.setQty', { lineId: cart.lines[0]!.id, qty: 1000 }, 'clerk');
    await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] }, 'clerk');
    expect(ledgerMismatches(app)).toEqual([]);
  });
});

describe('stock list and history', () => {
  it('a category sorted by quantity lists exactly its products, through recategorisation, new products and levels synced before their product', async () => {
    const w = await stockWorld();
    const { app } = w;
    const drinks = await ok(app, 'catalog.categoryCreate', { name: 'Drinks' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 9000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.shop.id, mode: 'set', qty: 2000, reason: 'found' }, 'mgr');
    const byQty = async () =>
      (await ok(app, 'stock.list', { locationId: w.shop.id, categoryId: drinks.id, sort: 'qty', offset: 0, limit: 10 }, 'mgr')).items.map(
        (r) => [r.sku, r.qty],
      );
    expect(await byQty()).toEqual([]);
    await ok(app, 'catalog.update', { id: w.cola.id, categoryId: drinks.id }, 'mgr');
    await ok(app, 'catalog.update', { id: w.bread.id, categoryId: drinks.id }, 'mgr');
    expect(await byQty()).toEqual([
      ['BREAD', 2000],
      ['COLA', 9000],
    ]);
    await ok(app, 'catalog.update', { id: w.bread.id, categoryId: null }, 'mgr');
    await ok(
      app,
      'catalog.create',
      { sku: 'TEA', name: 'Green tea', unit: 'each', price: 250, cost: 100, barcodes: [], taxRateId: w.std.id, categoryId: drinks.id },
      'mgr',
    );
    expect(await byQty()).toEqual([
      ['TEA', 0],
      ['COLA', 9000],
    ]);
    // A sync page may bring a product's level before the product (foreign keys are off meanwhile).
    const { sqlite } = app.deps;
    sqlite.pragma('foreign_keys = OFF');
    sqlite.prepare("INSERT INTO stock_levels (product_id, location_id, qty) VALUES ('p-synced', ?, 4000)").run(w.shop.id);
    sqlite
      .prepare(
        `INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, category_id, created_at, updated_at, hlc)
         VALUES ('p-synced', 'JUICE', 'Juice', 'each', 300, 100, ?, ?, 0, 0, 'h')`,
      )
      .run(w.std.id, drinks.id);
    sqlite.pragma('foreign_keys = ON');
    expect(await byQty()).toEqual([
      ['TEA', 0],
      ['JUICE', 4000],
      ['COLA', 9000],
    ]);
  });

  it('filters, sorts and pages in SQL', async () => {
    const w = await stockWorld();
    const { app } = w;
    await ok(app, 'stock.adjust', { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 9000, reason: 'found' }, 'mgr');
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.shop.id, mode: 'set', qty: 2000, reason: 'found' }, 'mgr');
    await ok(
      app,
      'stock.setReorder',
      { productId: w.bread.id, locationId: w.shop.id, rule: { reorderPoint: 3000, reorderQty: 6000 } },
      'mgr',
    );
    const list = (extra: object) => ok(app, 'stock.list', { locationId: w.shop.id, offset: 0, limit: 2, ...extra }, 'mgr');
    expect((await list({})).items.map((r) => r.sku)).toEqual(['APPLE', 'COLA']);
    expect((await list({})).hasMore).toBe(true);
    expect((await list({ offset: 2 })).items.map((r) => r.sku)).toEqual(['BREAD']);
    expect((await list({ sort: 'qty', dir: 'desc' })).items.map((r) => [r.sku, r.qty])).toEqual([
      ['COLA', 9000],
      ['BREAD', 2000],
    ]);
    expect((await list({ status: 'low' })).items.map((r) => [r.sku, r.reorderPoint])).toEqual([['BREAD', 3000]]);
    expect((await list({ q: 'sourdough' })).items.map((r) => r.sku)).toEqual(['BREAD']);
    expect((await list({ q: '5000112637922' })).items.map((r) => r.sku)).toEqual(['COLA']);
    // The start of a barcode or SKU (not in the search index: read from their own indexes), any case.
    expect((await list({ q: '50001126' })).items.map((r) => r.sku)).toEqual(['COLA']);
    expect((await ok(app, 'stock.count', { locationId: w.shop.id, q: '40063813' }, 'mgr')).total).toBe(1);
    expect((await ok(app, 'stock.count', { locationId: w.shop.id }, 'mgr')).total).toBe(3);
    expect((await ok(app, 'stock.list', { locationId: w.back.id, offset: 0, limit: 10 }, 'mgr')).items).toEqual([]);
    const moves = await ok(app, 'stock.movements', { productId: w.cola.id, offset: 0, limit: 10 }, 'mgr');
    expect(moves.items[0]).toMatchObject({ kind: 'adjustment', qtyDelta: 9000, reason: 'found', staffName: 'Mona' });
    const valuation = await ok(app, 'stock.valuation', {}, 'mgr');
    // 9 × 0.75 + 2 × 1.62 (bread cost 162) = 6.75 + 3.24
    expect(valuation.totalValue).toBe(675 + 324);
    // By name either way, over every page; an archived item only when asked for.
    expect((await list({ dir: 'desc', limit: 3 })).items.map((r) => r.sku)).toEqual(['BREAD', 'COLA', 'APPLE']);
    await ok(app, 'catalog.archive', { id: w.cola.id, archived: true }, 'mgr');
    expect((await list({ limit: 3 })).items.map((r) => r.sku)).toEqual(['APPLE', 'BREAD']);
    expect((await list({ limit: 3, includeArchived: true })).items.map((r) => [r.sku, r.archived])).toEqual([
      ['APPLE', false],
      ['COLA', true],
      ['BREAD', false],
    ]);
    // A location that holds some of the products lists those alone.
    await ok(app, 'stock.adjust', { productId: w.bread.id, locationId: w.back.id, mode: 'set', qty: 1000, reason: 'found' }, 'mgr');
    expect((await ok(app, 'stock.list', { locationId: w.back.id, offset: 0, limit: 10 }, 'mgr')).items.map((r) => r.sku)).toEqual([
      'BREAD',
    ]);
    await ok(app, 'catalog.update', { id: w.bread.id, sku: 'bk-sd-800' }, 'mgr');
    for (const q of ['BK-SD', 'bk-s', 'Bk-Sd-8'])
      expect(
        (await list({ q })).items.map((r) => r.sku),
        q,
      ).toEqual(['bk-sd-800']);
  });
});
