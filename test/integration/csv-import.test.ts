import { describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { fail, ok } from '../support/app';
import { levelOf, stockWorld } from '../support/inventory';

async function upload(app: App, kind: 'products' | 'stock', csv: string, pieces = 3) {
  const { importId } = await ok(app, 'imports.begin', { kind }, 'mgr');
  const size = Math.ceil(csv.length / pieces);
  for (let i = 0; i * size < csv.length; i++)
    await ok(app, 'imports.chunk', { importId, seq: i, text: csv.slice(i * size, (i + 1) * size) }, 'mgr');
  return importId;
}

/** The catalog as the export sees it, minus the header: what a round trip must keep. */
async function catalogRows(app: App): Promise<string[]> {
  const out = await ok(app, 'exports.csv', { kind: 'products' }, 'mgr');
  return out.csv.split('\r\n').slice(1).sort();
}

describe('CSV import and export', () => {
  it('round trip: exporting a catalog and importing it into a new store gives the same catalog', async () => {
    const a = await stockWorld();
    const supplierId = a.supplier.id;
    const drinks = await ok(a.app, 'catalog.categoryCreate', { name: 'Drinks, cold', altName: '冷饮' }, 'mgr');
    await ok(
      a.app,
      'catalog.update',
      { id: a.cola.id, categoryId: drinks.id, supplierId, barcodes: ['5000112637922', '5000112637939'] },
      'mgr',
    );
    await ok(
      a.app,
      'catalog.groupCreate',
      {
        name: 'T-shirt "Classic"',
        attributes: ['Size', 'Colour'],
        unit: 'each',
        categoryId: drinks.id,
        variants: [
          { sku: 'TS-M-RED', values: { Size: 'M', Colour: 'Red' }, price: 1299, cost: 500, barcodes: ['2000000000015'] },
          { sku: 'TS-L-BLU', values: { Size: 'L', Colour: 'Blue' }, price: 1399, cost: 520, barcodes: [] },
        ],
      },
      'mgr',
    );
    await ok(a.app, 'catalog.archive', { id: a.bread.id, archived: true }, 'mgr');
    const before = await catalogRows(a.app);
    expect(before).toHaveLength(5);
    const exported = (await ok(a.app, 'exports.csv', { kind: 'products' }, 'mgr')).csv;

    const b = await stockWorld();
    // The new store already has the three test products: wipe the catalog to start from nothing.
    const fresh = b.app.deps.sqlite;
    fresh.exec(
      'DELETE FROM cart_lines; DELETE FROM stock_movements; DELETE FROM stock_levels; DELETE FROM barcodes; DELETE FROM products_fts; DELETE FROM products;',
    );
    const importId = await upload(b.app, 'products', exported);
    const preview = await ok(b.app, 'imports.preview', { importId }, 'mgr');
    expect(preview).toMatchObject({ rows: 5, valid: 5, creates: 5, updates: 0, errors: [] });
    const result = await ok(b.app, 'imports.commit', { importId, onlyValid: false }, 'mgr');
    expect(result).toMatchObject({ created: 5, updated: 0, skipped: 0 });
    expect(await catalogRows(b.app)).toEqual(before);
    // Imported products are searchable like any other (archived ones are not).
    expect((await ok(b.app, 'catalog.search', { q: 'classic' }, 'clerk')).map((h) => h.sku).sort()).toEqual(['TS-L-BLU', 'TS-M-RED']);
    expect(await ok(b.app, 'catalog.search', { q: 'sourdough' }, 'clerk')).toEqual([]);
    expect((await ok(b.app, 'catalog.search', { q: 'ts-' }, 'clerk')).map((h) => h.sku).sort()).toEqual(['TS-L-BLU', 'TS-M-RED']);
    expect(await ok(b.app, 'catalog.search', { q: 'BREA' }, 'clerk')).toEqual([]);

    // Importing the same file again changes nothing.
    const again = await upload(b.app, 'products', exported, 1);
    expect(await ok(b.app, 'imports.commit', { importId: again, onlyValid: false }, 'mgr')).toMatchObject({ created: 0, updated: 5 });
    expect(await catalogRows(b.app)).toEqual(before);
  });

  it('says which rows are wrong and why; imports nothing unless only the valid rows are asked for', async () => {
    const w = await stockWorld();
    const csv = [
      'sku,name,price,cost,unit,barcodes,tax_rate',
      'NEW-1,Oat milk 1L,1.99,0.90,each,4006381333948,20',
      'NEW-2,,2.50,,each,,',
      'NEW-3,Rye bread,abc,,each,,',
      'NEW-4,Cola copy,1.00,,each,5000112637922,',
      'NEW-1,Oat milk again,1.99,,each,,',
      'NEW-5,Loose nuts,12.5,,litre,,',
      'NEW-6,Soap,1.20,,each,,7.5',
      'NEW-7,Tea,3.456,,each,,',
    ].join('\n');
    const importId = await upload(w.app, 'products', csv);
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview).toMatchObject({ rows: 8, valid: 1, creates: 1 });
    expect(preview.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'name'],
      [4, 'price'],
      [5, 'barcodes'],
      [6, 'sku'],
      [7, 'unit'],
      [8, 'tax_rate'],
      [9, 'price'],
    ]);
    expect(preview.errors[3]!.reason).toContain('row 2');
    const before = w.app.deps.sqlite.prepare('SELECT COUNT(*) FROM products').pluck().get();
    const err = await fail(w.app, 'imports.commit', { importId, onlyValid: false }, 'mgr');
    expect(err.code).toBe('VALIDATION');
    expect((err.details as { errors: unknown[] }).errors).toHaveLength(7);
    expect(w.app.deps.sqlite.prepare('SELECT COUNT(*) FROM products').pluck().get()).toBe(before);
    const res = await ok(w.app, 'imports.commit', { importId, onlyValid: true }, 'mgr');
    expect(res).toMatchObject({ created: 1, skipped: 7 });
    const hit = (await ok(w.app, 'catalog.search', { q: '4006381333948' }, 'clerk'))[0]!;
    expect(hit).toMatchObject({ sku: 'NEW-1', price: 199 });
  });

  it('new and existing products mixed: rows land in file order (outbox too), taken PLUs are refused, all are searchable', async () => {
    const w = await stockWorld();
    const sqlite = w.app.deps.sqlite;
    const taken = ['sku,name,price,unit,plu', 'NUT-1,Loose nuts,12.50,kg,00042'].join('\n');
    const refused = await ok(w.app, 'imports.preview', { importId: await upload(w.app, 'products', taken, 1) }, 'mgr');
    expect(refused.errors.map((e) => [e.row, e.column, e.key])).toEqual([[2, 'plu', 'pluTaken']]);
    const csv = [
      'sku,name,price,unit,barcodes,plu',
      'NEW-A,Oat milk 1L,1.99,each,4006381333948,',
      'NEW-B,Rye bread,2.10,each,,',
      // An existing product keeps its own barcode and PLU: not "taken".
      'COLA,Cola 330ml can,1.60,each,5000112637922,',
      'APPLE,Apples,3.10,kg,,00042',
      'NEW-C,豆浆 Soy milk,2.20,each,4006381333955,',
    ].join('\n');
    const seqBefore = sqlite.prepare('SELECT COALESCE(MAX(seq), 0) FROM outbox').pluck().get() as number;
    const res = await ok(w.app, 'imports.commit', { importId: await upload(w.app, 'products', csv), onlyValid: false }, 'mgr');
    expect(res).toMatchObject({ created: 3, updated: 2, skipped: 0 });
    const skuOf = sqlite.prepare('SELECT sku FROM products WHERE id = ?').pluck();
    const queued = (
      sqlite.prepare("SELECT entity_id FROM outbox WHERE seq > ? AND entity = 'product' ORDER BY seq").pluck().all(seqBefore) as string[]
    ).map((id) => skuOf.get(id));
    expect(queued).toEqual(['NEW-A', 'NEW-B', 'COLA', 'APPLE', 'NEW-C']);
    const created = sqlite.prepare("SELECT sku FROM products WHERE sku LIKE 'NEW-%' ORDER BY rowid").pluck().all();
    expect(created).toEqual(['NEW-A', 'NEW-B', 'NEW-C']);
    const pairs = [
      ['4006381333948', 'NEW-A'],
      ['rye', 'NEW-B'],
      ['doujiang', 'NEW-C'],
      ['can', 'COLA'],
      // The start of a SKU or barcode, found from their own indexes (the search entry holds names only).
      ['new-b', 'NEW-B'],
      ['40063813339', 'NEW-C'],
    ] as const;
    for (const [q, sku] of pairs)
      expect(
        (await ok(w.app, 'catalog.search', { q }, 'clerk')).map((h) => h.sku),
        q,
      ).toContain(sku);
    const rowid = sqlite.prepare("SELECT rowid FROM products WHERE sku = 'NEW-C'").pluck().get();
    expect(sqlite.prepare('SELECT * FROM products_fts WHERE rowid = ?').get(rowid)).toEqual({
      text: '豆 浆 Soy milk',
      py: 'doujiang dj jiang j',
    });
  });

  it('a file without the required columns is refused as a whole', async () => {
    const w = await stockWorld();
    const importId = await upload(w.app, 'products', 'code,title\nA,B\n');
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview.errors.filter((e) => e.row === 1).map((e) => e.column)).toEqual(['sku', 'name', 'price']);
  });

  it('stock CSV: export, then import sets levels (as adjustments) and reorder rules', async () => {
    const w = await stockWorld();
    const csv = [
      'sku,location,qty,reorder_point,reorder_qty',
      'COLA,Back room,12,4,24',
      'BREAD,,3.5,,',
      'APPLE,Nowhere,1,,',
      'NOPE,,1,,',
    ].join('\n');
    const importId = await upload(w.app, 'stock', csv, 2);
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'qty'],
      [4, 'location'],
      [5, 'sku'],
    ]);
    await ok(w.app, 'imports.commit', { importId, onlyValid: true }, 'mgr');
    expect(levelOf(w.app, w.cola.id, w.back.id)).toBe(12_000);
    const out = await ok(w.app, 'exports.csv', { kind: 'stock', locationId: w.back.id }, 'mgr');
    expect(out.csv.split('\r\n')).toEqual([
      'sku,name,unit,location,qty,reorder_point,reorder_qty,cost,value',
      'COLA,Cola 330ml,each,Back room,12,4,24,0.75,9.00',
    ]);
  });
});
