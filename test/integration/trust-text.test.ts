/**
 * What crosses from a person into the store and out into a file is safe to show, add up and open:
 * spreadsheet-safe CSV from every writer, files.save checks the bytes match the name, hostile
 * characters in names are refused with a localized message, and amounts stay below 2^53.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { MAX_CART_AMOUNT } from '../../src/shared/money';
import { fail, ok } from '../support/app';
import { snapshotDb } from '../support/db-snapshot';
import { sell, stockWorld } from '../support/inventory';

const FORMULA = '=HYPERLINK("http://x","y")';
const cells = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: true }).data;
/** Every cell a spreadsheet would run as a formula (a plain decimal like -5 is a number, not one). */
const formulas = (csv: string) =>
  cells(csv)
    .flat()
    .filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function hostileWorld() {
  const w = await stockWorld();
  const evil = await ok(
    w.app,
    'catalog.create',
    { sku: '@SUM(A1)', name: FORMULA, altName: '+cmd|/C calc', unit: 'each', price: 150, cost: 75, barcodes: [] },
    'mgr',
  );
  await ok(w.app, 'stock.adjust', { productId: evil.id, locationId: w.shop.id, mode: 'set', qty: 5000, reason: 'found' }, 'mgr');
  return { ...w, evil };
}

describe('every CSV the app writes is spreadsheet-safe', () => {
  it('exports.csv (products and stock) neutralises formulas, keeps numbers numeric, and imports back to the same names', async () => {
    const w = await hostileWorld();
    const products = await ok(w.app, 'exports.csv', { kind: 'products' }, 'mgr');
    expect(formulas(products.csv)).toEqual([]);
    const row = cells(products.csv).find((r) => r[1]?.includes('HYPERLINK'))!;
    expect(row.slice(0, 3)).toEqual([`'@SUM(A1)`, `'${FORMULA}`, `'+cmd|/C calc`]);
    expect(row[5]).toBe('1.50');

    // A negative stock level stays a number a spreadsheet can add up.
    await sell(w.app, w.cola.id, 5000);
    const stock = await ok(w.app, 'exports.csv', { kind: 'stock' }, 'mgr');
    expect(formulas(stock.csv)).toEqual([]);
    expect(cells(stock.csv).find((r) => r[0] === 'COLA' && r[4] === '-5')).toBeTruthy();
    expect(cells(stock.csv).find((r) => r[1] === `'${FORMULA}`)).toBeTruthy();

    // The neutralising quote comes off again on import: the round trip keeps the names.
    const { importId } = await ok(w.app, 'imports.begin', { kind: 'products' }, 'mgr');
    await ok(w.app, 'imports.chunk', { importId, seq: 0, text: products.csv }, 'mgr');
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview.errors).toEqual([]);
    await ok(w.app, 'imports.commit', { importId, onlyValid: false }, 'mgr');
    const back = await ok(w.app, 'catalog.get', { id: w.evil.id }, 'mgr');
    expect([back.sku, back.name, back.altName]).toEqual(['@SUM(A1)', FORMULA, '+cmd|/C calc']);
  });

  it('the purchase-order CSV neutralises formulas', async () => {
    const w = await hostileWorld();
    const po = await ok(
      w.app,
      'po.create',
      { supplierId: w.supplier.id, locationId: w.shop.id, lines: [{ productId: w.evil.id, qty: 2000, unitCost: 75 }] },
      'mgr',
    );
    const out = await ok(w.app, 'po.csv', { id: po.id }, 'mgr');
    expect(formulas(out.csv)).toEqual([]);
    expect(cells(out.csv)[1]).toEqual([po.number, `'@SUM(A1)`, '', `'${FORMULA}`, 'each', '2', '0.75', '1.50']);
  });

  it('an import refuses names with hidden characters, row by row', async () => {
    const w = await stockWorld();
    const csv = ['sku,name,price', 'OK1,Fine,1.00', 'BAD1,Bad\u202Ename,1.00', 'BAD\u200B2,Zero width,1.00', 'BAD3,Nul\u0000,1.00'].join(
      '\r\n',
    );
    const { importId } = await ok(w.app, 'imports.begin', { kind: 'products' }, 'mgr');
    await ok(w.app, 'imports.chunk', { importId, seq: 0, text: csv }, 'mgr');
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview.errors.map((e) => [e.row, e.column, e.key])).toEqual([
      [3, 'name', 'unsafeText'],
      [4, 'sku', 'unsafeText'],
      [5, 'name', 'unsafeText'],
    ]);
    expect(preview.valid).toBe(1);
  });
});

describe('files.save writes only what the name says', () => {
  function dataFolder() {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-save-'));
    dirs.push(dataDir);
    return dataDir;
  }
  const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');

  it('refuses non-PDF bytes under .pdf, and non-text or formula CSV, with nothing written', async () => {
    const dataDir = dataFolder();
    const w = await stockWorld({ dataDir });
    const refused = [
      { fileName: 'order.pdf', base64: b64('#!/bin/sh\nrm -rf ~\n') },
      { fileName: 'order.pdf', base64: b64('<html><script>alert(1)</script>') },
      { fileName: 'list.csv', base64: b64(`name\r\n${FORMULA}\r\n`) },
      { fileName: 'list.csv', base64: b64('name\r\n"-2+3"\r\n') },
      { fileName: 'list.csv', base64: b64('name\r\nok\u0000\r\n') },
      { fileName: 'list.csv', base64: b64(new Uint8Array([0x6e, 0xff, 0xfe, 0x0a])) },
    ];
    for (const input of refused) {
      const err = await fail(w.app, 'files.save', input, 'mgr');
      expect(err.code, input.base64).toBe('VALIDATION');
      expect((err.details as { messageKey?: string }).messageKey).toMatch(/^inv\.err\.(notPdf|notCsv|unsafeCsv)$/);
    }
    expect(existsSync(join(dataDir, 'exports')) ? readdirSync(join(dataDir, 'exports')) : []).toEqual([]);

    // What the app itself makes is saved.
    const pdf = await ok(w.app, 'files.save', { fileName: 'order.pdf', base64: b64('%PDF-1.7\n%…') }, 'mgr');
    expect(pdf.path).toMatch(/order\.pdf$/);
    const csv = (await ok(w.app, 'exports.csv', { kind: 'products' }, 'mgr')).csv;
    const saved = await ok(w.app, 'files.save', { fileName: 'products.csv', base64: b64(`\uFEFF${csv}`) }, 'mgr');
    expect(saved.path).toMatch(/products\.csv$/);
  });

  it('a clerk saves a packing slip and a ZPL label; a .zpl that is not a label is refused', async () => {
    const dataDir = dataFolder();
    const w = await stockWorld({ dataDir });
    for (const base64 of [b64('#!/bin/sh\nrm -rf ~\n'), b64('^XA\u0000\u0001^XZ'), b64('<html>^XA</html>')]) {
      const err = await fail(w.app, 'files.save', { fileName: 'label.zpl', base64 }, 'clerk');
      expect(err.code).toBe('VALIDATION');
      expect((err.details as { messageKey?: string }).messageKey).toBe('inv.err.notZpl');
    }
    expect(existsSync(join(dataDir, 'exports')) ? readdirSync(join(dataDir, 'exports')) : []).toEqual([]);
    const label = await ok(w.app, 'files.save', { fileName: 'label.zpl', base64: b64('^XA\n^FO50,50^FDHello^FS\n^XZ\n') }, 'clerk');
    expect(readFileSync(label.path, 'utf8')).toContain('^FDHello');
    const slip = await ok(w.app, 'files.save', { fileName: 'slip.pdf', base64: b64('%PDF-1.7\n%…') }, 'clerk');
    expect(slip.path).toMatch(/slip\.pdf$/);
    expect((await fail(w.app, 'files.save', { fileName: 'run.sh', base64: b64('echo') }, 'clerk')).code).toBe('VALIDATION');
  });
});

describe('names and free text refuse hidden characters, with a localized message', () => {
  const HOSTILE = ['\u202E', '\u200B', '\u0000', '\u2066', '\uFEFF', '\u200D', '\u061C', '\u0007'];

  it('through the router: product, staff, supplier and customer names; nothing is stored', async () => {
    const w = await stockWorld();
    const before = snapshotDb(w.app.deps.sqlite);
    for (const ch of HOSTILE) {
      const name = `Cola${ch}exe.txt`;
      const calls = [
        fail(w.app, 'catalog.create', { sku: 'X1', name, unit: 'each', price: 1, cost: 1, barcodes: [] }, 'mgr'),
        fail(w.app, 'catalog.create', { sku: `X${ch}1`, name: 'Fine', unit: 'each', price: 1, cost: 1, barcodes: [] }, 'mgr'),
        fail(w.app, 'staff.create', { name, role: 'clerk', pin: '5555' }, 's1'),
        fail(w.app, 'suppliers.create', { name }, 'mgr'),
        fail(w.app, 'customers.create', { name }, 'mgr'),
        fail(
          w.app,
          'stock.adjust',
          { productId: w.cola.id, locationId: w.shop.id, mode: 'set', qty: 1000, reason: 'found', note: `o${ch}k` },
          'mgr',
        ),
      ];
      for (const err of await Promise.all(calls)) {
        expect(err.code).toBe('VALIDATION');
        expect(
          (err.details as { messageKey?: string }[]).some((d) => d.messageKey === 'errors.unsafeText'),
          JSON.stringify(err),
        ).toBe(true);
      }
    }
    expect(snapshotDb(w.app.deps.sqlite).hashes).toEqual(before.hashes);

    // The refusal names its message key, which the renderer words in the screen's language
    // (test/unit/renderer/errors.test.ts).
    const err = await fail(w.app, 'suppliers.create', { name: 'Acme\u202E' }, 'mgr');
    expect(err.details).toEqual([expect.objectContaining({ path: ['name'], code: 'custom', messageKey: 'errors.unsafeText' })]);

    // Plain names in any script, tabs and line breaks in notes stay welcome.
    await ok(w.app, 'suppliers.create', { name: '上海批发 Ünïcode', notes: 'line one\n\tline two' }, 'mgr');
  });
});

describe('amounts stay within safe integers', () => {
  it('a purchase order past the limits is refused whole', async () => {
    const w = await stockWorld();
    const before = snapshotDb(w.app.deps.sqlite);
    const huge = {
      supplierId: w.supplier.id,
      locationId: w.shop.id,
      lines: [{ productId: w.cola.id, qty: 100_000_000, unitCost: 1_000_000_000 }],
    };
    expect((await fail(w.app, 'po.create', huge, 'mgr')).details).toMatchObject({ messageKey: 'errors.amountTooLarge' });
    expect(snapshotDb(w.app.deps.sqlite).hashes).toEqual(before.hashes);
    // Bumping the same line again and again stops at the limit instead of growing past 2^53.
    const po = await ok(
      w.app,
      'po.create',
      { supplierId: w.supplier.id, locationId: w.shop.id, lines: [{ productId: w.cola.id, qty: 10_000, unitCost: 1_000_000_000 }] },
      'mgr',
    );
    expect(po.total).toBe(10_000_000_000);
    const err = await fail(w.app, 'po.addLines', { id: po.id, lines: [{ productId: w.cola.id, qty: 1000 }] }, 'mgr');
    expect(err.details).toMatchObject({ messageKey: 'errors.amountTooLarge' });
    expect((await ok(w.app, 'po.get', { id: po.id }, 'mgr')).items[0]!.qtyOrdered).toBe(10_000);
  });

  it('a line or a sale past its limit is refused with a clear error and nothing half-written', async () => {
    const w = await stockWorld();
    const big = await ok(
      w.app,
      'catalog.create',
      { sku: 'GOLD', name: 'Gold bar', unit: 'each', price: 1_000_000_000, cost: 0, barcodes: [] },
      'mgr',
    );
    await ok(w.app, 'cart.clear', {}, 'mgr');
    const before = snapshotDb(w.app.deps.sqlite);
    // 100 000 bars at the largest price: 10^14 a line; a hundred of them would pass 2^53.
    for (let i = 0; i < 100; i++) {
      const err = await fail(w.app, 'cart.addProduct', { productId: big.id, qty: 100_000_000 }, 'mgr');
      expect(err.code).toBe('VALIDATION');
      expect(err.details).toMatchObject({ messageKey: 'errors.amountTooLarge' });
    }
    expect(snapshotDb(w.app.deps.sqlite).hashes).toEqual(before.hashes);
    const cart = await ok(w.app, 'cart.get', {}, 'mgr');
    expect(Number.isSafeInteger(cart.priced.total)).toBe(true);
    expect(cart.lines).toHaveLength(0);

    // Ten bars make a line at the limit; one more line of them passes the sale's limit.
    const ten = await ok(w.app, 'cart.addProduct', { productId: big.id, qty: 10_000 }, 'mgr');
    expect(ten.priced.subtotal).toBe(MAX_CART_AMOUNT);
    const err = await fail(w.app, 'cart.addProduct', { productId: w.cola.id, qty: 1000 }, 'mgr');
    expect(err.details).toMatchObject({ messageKey: 'errors.amountTooLarge', lineId: null });
    expect((await ok(w.app, 'cart.get', {}, 'mgr')).lines).toHaveLength(1);

    // Raising a quantity or a price past the line limit is refused too.
    await ok(w.app, 'cart.clear', {}, 'mgr');
    const one = await ok(w.app, 'cart.addProduct', { productId: w.cola.id, qty: 100_000_000 }, 'mgr');
    const lineId = one.lines[0]!.id;
    expect((await fail(w.app, 'cart.overridePrice', { lineId, unitPrice: 1_000_000_000 }, 'mgr')).details).toMatchObject({
      messageKey: 'errors.amountTooLarge',
      lineId,
    });
    expect((await ok(w.app, 'cart.get', {}, 'mgr')).lines[0]!.unitPrice).toBe(150);

    // A sale stored past the limits (written behind the cart channels) is not completed.
    w.app.deps.sqlite.prepare('UPDATE cart_lines SET unit_price = 1000000000 WHERE id = ?').run(lineId);
    const orders = w.app.deps.sqlite.prepare('SELECT count(*) FROM orders').pluck().get();
    const complete = await fail(
      w.app,
      'sales.complete',
      { cartId: one.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1_000_000_000 }] },
      'mgr',
    );
    expect(complete.details).toMatchObject({ messageKey: 'errors.amountTooLarge' });
    expect(w.app.deps.sqlite.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(orders);
  });
});
