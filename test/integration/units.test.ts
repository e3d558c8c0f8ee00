import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore, setupStore, ADMIN_PIN } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';
import { receiptText } from '../../src/main/receipts/receipt-text';
import { reportLines } from '../../src/main/shifts/report-text';
import type { App } from '../../src/main/app';
import { stockWorld } from '../support/inventory';

async function pay(app: App, total: number) {
  const cart = await ok(app, 'cart.get', {});
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: total }] });
}

describe('sale units beyond each and kg', () => {
  it('prices 0.750 lb at $3.99/lb as $2.99, and the receipt names the pound in both languages', async () => {
    const app = makeApp();
    const { std } = await readyStore(app);
    const cherries = await ok(app, 'catalog.create', {
      sku: 'CHERRY',
      name: 'Cherries',
      unit: 'lb',
      price: 399,
      cost: 150,
      barcodes: [],
      taxRateId: std.id,
    });
    expect(cherries.unit).toBe('lb');
    const cart = await ok(app, 'cart.addProduct', { productId: cherries.id, qty: 750 });
    expect(cart.lines[0]).toMatchObject({ qty: 750, unit: 'lb', unitPrice: 399 });
    expect(cart.priced.lines[0]!.gross).toBe(299); // 3.99 × 0.75 = 2.9925
    const order = await pay(app, 299);
    expect(order.total).toBe(299);

    const doc = await ok(app, 'receipts.get', { orderId: order.id });
    expect(receiptText(doc, 42).join('\n')).toContain('0.750 lb x $3.99/lb');
    expect(receiptText({ ...doc, language: 'zh-CN' }, 42).join('\n')).toContain('0.750 磅 x US$3.99/磅');
  });

  it('a weight label on a per-斤 product sells the label’s grams in 斤 (680 g = 1.360 斤)', async () => {
    const app = makeApp();
    const { adminId } = await setupStore(app, { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai' });
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    await ok(app, 'shifts.open', { counts: [{ value: 10000, pieces: 1 }] });
    const rate = (await ok(app, 'taxRates.list', {}))[0]!;
    await ok(app, 'catalog.create', {
      sku: 'PORK',
      name: '五花肉',
      unit: 'jin',
      price: 1800,
      cost: 900,
      barcodes: [],
      plu: '00077',
      taxRateId: rate.id,
    });
    let cart = await ok(app, 'cart.scan', { code: encodeScaleBarcode('21', '00077', 680) });
    expect(cart.lines[0]).toMatchObject({ qty: 1360, unit: 'jin' });
    expect(cart.priced.lines[0]!.gross).toBe(2448); // ¥18.00/斤 × 1.36 斤
    // A price label still carries the amount: the weight follows from the price per 斤.
    cart = await ok(app, 'cart.scan', { code: encodeScaleBarcode('26', '00077', 900) });
    expect(cart.lines[1]).toMatchObject({ qty: 500, fixedAmount: 900 });
    const order = await pay(app, cart.priced.total);
    const doc = await ok(app, 'receipts.get', { orderId: order.id });
    const zh = receiptText(doc, 42).join('\n');
    expect(zh).toContain('1.360 斤 x ¥18.00/斤');
    expect(receiptText({ ...doc, language: 'en' }, 42).join('\n')).toContain('1.360 jin x CN¥18.00/jin');
  });

  it('accepts every unit through the contract, whatever the store offers, and refuses others', async () => {
    const app = makeApp();
    const { std } = await readyStore(app);
    for (const unit of ['g', 'oz', 'jin'] as const) {
      const p = await ok(app, 'catalog.create', {
        sku: `U-${unit}`,
        name: unit,
        unit,
        price: 100,
        cost: 0,
        barcodes: [],
        taxRateId: std.id,
      });
      expect(p.unit).toBe(unit);
    }
    const bad = await fail(app, 'catalog.create', {
      sku: 'U-X',
      name: 'x',
      unit: 'stone' as 'kg',
      price: 100,
      cost: 0,
      barcodes: [],
      taxRateId: std.id,
    });
    expect(bad.code).toBe('VALIDATION');
  });

  it('the Z report counts pieces apart from weights of mixed units (all weights in kg)', async () => {
    const app = makeApp();
    const { std, cola } = await readyStore(app);
    const mk = (sku: string, unit: 'lb' | 'jin' | 'g' | 'kg', price: number) =>
      ok(app, 'catalog.create', { sku, name: sku, unit, price, cost: 0, barcodes: [], taxRateId: std.id });
    const lb = await mk('LB', 'lb', 399);
    const jin = await mk('JIN', 'jin', 1000);
    const g = await mk('G', 'g', 2);
    const kg = await mk('KG', 'kg', 500);
    await ok(app, 'cart.addProduct', { productId: cola.id, qty: 2000 });
    await ok(app, 'cart.addProduct', { productId: lb.id, qty: 750 }); // 340.194 g
    await ok(app, 'cart.addProduct', { productId: jin.id, qty: 1360 }); // 680 g
    await ok(app, 'cart.addProduct', { productId: g.id, qty: 250_000 }); // 250 g
    const cart = await ok(app, 'cart.addProduct', { productId: kg.id, qty: 1250 }); // 1250 g
    await pay(app, cart.priced.total);
    await ok(app, 'cart.addProduct', { productId: lb.id, qty: 750 }); // with the first: 1.5 lb = 680.389 g
    const second = await ok(app, 'cart.get', {});
    await pay(app, second.priced.total);

    const report = await ok(app, 'shifts.report', {});
    expect(report.sales.items).toBe(2000);
    // 1.5 lb = 680.388555 g → 680; 680 + 680 + 250 + 1250 = 2860 g
    expect(report.sales.weighed).toBe(2860);
    const en = reportLines(report, 42, 'en', 'Europe/London').map((l) => l.text);
    expect(en.find((l) => l.startsWith('Items'))).toMatch(/Items\s+2$/);
    expect(en.find((l) => l.startsWith('Weighed'))).toMatch(/Weighed\s+2\.860 kg$/);
    const zh = reportLines(report, 42, 'zh-CN', 'Asia/Shanghai').map((l) => l.text);
    expect(zh.find((l) => l.startsWith('称重商品'))).toMatch(/2\.860 千克$/);
    const uncategorized = report.categories.find((c) => c.categoryId === null)!;
    expect(uncategorized).toMatchObject({ qty: 2000, weighed: 2860 });
  });

  it('a product CSV takes every unit (and 斤, lbs as other tills write them), exports them by name, and refuses others', async () => {
    const w = await stockWorld();
    const csv = [
      'sku,name,price,cost,unit,barcodes,tax_rate',
      'U-1,Pork belly,18.00,,斤,,',
      'U-2,Cherries,3.99,,lbs,,',
      'U-3,Saffron,0.50,,g,,',
      'U-4,Tea,1.20,,OZ,,',
      'U-5,Stone fruit,1.00,,stone,,',
    ].join('\n');
    const { importId } = await ok(w.app, 'imports.begin', { kind: 'products' }, 'mgr');
    await ok(w.app, 'imports.chunk', { importId, seq: 0, text: csv }, 'mgr');
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview).toMatchObject({ rows: 5, valid: 4 });
    expect(preview.errors.map((e) => [e.row, e.column, e.reason])).toEqual([[6, 'unit', expect.stringContaining('jin')]]);
    await ok(w.app, 'imports.commit', { importId, onlyValid: true }, 'mgr');
    const units = w.app.deps.sqlite.prepare("SELECT sku, unit FROM products WHERE sku LIKE 'U-%' ORDER BY sku").raw().all();
    expect(units).toEqual([
      ['U-1', 'jin'],
      ['U-2', 'lb'],
      ['U-3', 'g'],
      ['U-4', 'oz'],
    ]);
    const out = (await ok(w.app, 'exports.csv', { kind: 'products' }, 'mgr')).csv;
    expect(out).toMatch(/U-1,Pork belly,[^\r]*\bjin\b/);
  });

  it('stock valuation counts pieces on hand apart from weight, every weight unit in grams', async () => {
    const w = await stockWorld();
    const mk = (sku: string, unit: 'lb' | 'jin', cost: number) =>
      ok(w.app, 'catalog.create', { sku, name: sku, unit, price: cost * 2, cost, barcodes: [], taxRateId: w.std.id }, 'mgr');
    const lb = await mk('V-LB', 'lb', 200);
    const jin = await mk('V-JIN', 'jin', 600);
    const set = (productId: string, qty: number) =>
      ok(w.app, 'stock.adjust', { productId, locationId: w.shop.id, mode: 'set', qty, reason: 'correction' }, 'mgr');
    await set(w.cola.id, 12_000);
    await set(w.apple.id, 2500); // 2.5 kg
    await set(lb.id, 2000); // 907.18474 g
    await set(jin.id, 3000); // 1500 g
    const v = await ok(w.app, 'stock.valuation', { locationId: null }, 'mgr');
    expect(v.totalQty).toBe(12_000);
    // One category (none): 2500 + 907 + 1500
    expect(v.totalWeighed).toBe(4907);
    expect(v.rows).toEqual([expect.objectContaining({ categoryId: null, qty: 12_000, weighed: 4907 })]);
  });
});
