/**
 * The store manager's refusals and CSV row errors as a manager reads them, in English and in
 * Chinese: main sends a message key with each, and both languages have it (no English prose, no
 * field codes and no "this changed in the meantime" for a duplicate SKU on a Chinese screen).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/shared/errors';
import { fail, ok } from '../support/app';
import { stockWorld } from '../support/inventory';

// The renderer's modules are outside this project's type program: loaded at run time, as the screen does.
const renderer = (path: string): Promise<unknown> => import(/* @vite-ignore */ `../../src/renderer/${path}`);
let describeError: (t: TFunction, error: ApiError) => string;
let tEn: TFunction;
let tZh: TFunction;
beforeAll(async () => {
  describeError = ((await renderer('lib/errors')) as { describeError: typeof describeError }).describeError;
  const { translation } = (await renderer('i18n/messages')) as { translation: (lang: string) => object };
  const make = async (lng: string, translation: object) => {
    const i = i18next.createInstance();
    await i.init({ lng, resources: { [lng]: { translation } }, interpolation: { escapeValue: false } });
    return i.t.bind(i) as TFunction;
  };
  tEn = await make('en', translation('en'));
  tZh = await make('zh-CN', translation('zh-CN'));
});

const CJK = /[\u4e00-\u9fff]/;
/** Words of three or more Latin letters that are not a value the test put in itself. */
const englishWords = (text: string, values: string[]) => values.reduce((s, v) => s.split(v).join(''), text).match(/[A-Za-z]{3,}/g) ?? [];

function expectBoth(error: ApiError, key: string, values: string[] = []) {
  expect((error.details as { messageKey?: string }).messageKey).toBe(key);
  const zh = describeError(tZh, error);
  const english = describeError(tEn, error);
  expect(zh).not.toBe(key);
  expect(zh).toMatch(CJK);
  expect(englishWords(zh, values)).toEqual([]);
  expect(english).not.toBe(key);
  for (const v of values) {
    expect(zh).toContain(v);
    expect(english).toContain(v);
  }
  return { zh, english };
}

describe('store manager messages in both languages', () => {
  it('a duplicate SKU or barcode is named as such, not as a concurrent change', async () => {
    const w = await stockWorld();
    const base = { name: 'Cola twin', unit: 'each', price: 100, cost: 0, barcodes: [] } as const;
    const dupSku = await fail(w.app, 'catalog.create', { ...base, sku: 'COLA' }, 'mgr');
    expect(dupSku.code).toBe('CONFLICT');
    const { zh, english } = expectBoth(dupSku, 'inv.err.skuTaken', ['COLA']);
    expect(zh).not.toContain(tZh('errors.CONFLICT'));
    expect(english).toBe('SKU COLA is already used by another product.');
    const dupCode = await fail(w.app, 'catalog.create', { ...base, sku: 'COLA-2', barcodes: ['5000112637922'] }, 'mgr');
    expectBoth(dupCode, 'inv.err.barcodeTaken', ['5000112637922']);
    expectBoth(await fail(w.app, 'stock.locationCreate', { name: 'Back room' }, 'mgr'), 'inv.err.locationTaken', ['Back room']);
    expectBoth(await fail(w.app, 'suppliers.create', { name: 'Acme Wholesale' }, 'mgr'), 'inv.err.supplierTaken', ['Acme Wholesale']);
  });

  it('a count approved twice, and a purchase order in the wrong state, say why', async () => {
    const w = await stockWorld();
    const count = await ok(w.app, 'counts.create', { name: 'Q1', scope: 'full', locationId: w.shop.id, blind: true }, 'mgr');
    await ok(w.app, 'counts.approve', { id: count.id, uncounted: 'ignore' }, 'mgr');
    const again = await fail(w.app, 'counts.approve', { id: count.id, uncounted: 'ignore' }, 'mgr');
    expect(again.code).toBe('CONFLICT');
    expectBoth(again, 'inv.err.count.approved');
    expectBoth(await fail(w.app, 'counts.scan', { id: count.id, code: 'COLA' }, 'clerk'), 'inv.err.count.approved');

    const po = await ok(w.app, 'po.create', { supplierId: w.supplier.id, locationId: w.shop.id }, 'mgr');
    // VALIDATION without field issues used to show only "Please check the input."
    expectBoth(await fail(w.app, 'po.send', { id: po.id }, 'mgr'), 'inv.err.poEmpty');
    await ok(w.app, 'po.cancel', { id: po.id }, 'mgr');
    const { zh } = expectBoth(await fail(w.app, 'po.send', { id: po.id }, 'mgr'), 'inv.err.poStatus', [po.number]);
    expect(zh).toContain(tZh('inv.purchasing.statuses.cancelled'));
  });

  it('low-stock suggestions for items without a supplier ask for one', async () => {
    const w = await stockWorld();
    await ok(
      w.app,
      'stock.setReorder',
      { productId: w.bread.id, locationId: w.shop.id, rule: { reorderPoint: 50_000, reorderQty: 12_000 } },
      'mgr',
    );
    const err = await fail(w.app, 'po.fromSuggestions', { locationId: w.shop.id }, 'mgr');
    expect(err.code).toBe('VALIDATION');
    expectBoth(err, 'inv.err.noSupplier', ['1']);
  });

  it('every message key main sends for the store manager exists in both languages', () => {
    const dirs = ['src/main/catalog/products.ts', 'src/main/inventory', 'src/main/purchasing'];
    const files = dirs.flatMap((d) =>
      d.endsWith('.ts') ? [d] : ['counts.ts', 'csv.ts', 'stock.ts', 'orders.ts', 'suppliers.ts'].map((f) => join(d, f)),
    );
    const keys = new Set<string>();
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const m of text.matchAll(/messageKey: '(inv\.[\w.]+)'/g)) keys.add(m[1]!);
      if (text.includes('messageKey: `inv.err.count.${s.status}`'))
        for (const s of ['open', 'submitted', 'approved', 'cancelled']) keys.add(`inv.err.count.${s}`);
    }
    expect(keys.size).toBeGreaterThan(20);
    for (const key of keys) {
      expect(tEn(key), key).not.toBe(key);
      expect(tZh(key), key).toMatch(CJK);
    }
  });

  it('CSV row errors carry a reason key that reads in Chinese, with the row and the values from the file', async () => {
    const w = await stockWorld();
    const csv = [
      'sku,name,price,unit,barcodes,plu,variant',
      'NEW-1,One,1.50,each,,,',
      'NEW-2,,2.00,each,,,',
      'NEW-3,Three,abc,each,,,',
      'NEW-4,Four,3,litre,,,',
      'NEW-1,Again,1,each,,,',
      'NEW-5,Five,1,each,5000112637922,,',
      'NEW-6,Six,1,each,,12,',
      'NEW-7,Seven,1,each,,,Size',
      '"NEW-8,Eight,1',
    ].join('\n');
    const { importId } = await ok(w.app, 'imports.begin', { kind: 'products' }, 'mgr');
    await ok(w.app, 'imports.chunk', { importId, seq: 0, text: csv }, 'mgr');
    const preview = await ok(w.app, 'imports.preview', { importId }, 'mgr');
    expect(preview.errors.map((e) => [e.row, e.column, e.key])).toEqual(
      expect.arrayContaining([
        [3, 'name', 'nameEmpty'],
        [4, 'price', 'badPrice'],
        [5, 'unit', 'badUnit'],
        [6, 'sku', 'skuRepeated'],
        [7, 'barcodes', 'barcodeTaken'],
        [8, 'plu', 'badPlu'],
        [9, 'variant', 'badVariant'],
      ]),
    );
    for (const e of preview.errors) {
      const key = `inv.import.reasons.${e.key}`;
      const zh = tZh(key, e.params ?? {});
      expect(zh, key).not.toBe(key);
      expect(zh, key).toMatch(CJK);
      const values = Object.values(e.params ?? {}).map(String);
      // Unit codes are what the file must hold, so the message names them as typed.
      expect(englishWords(zh, [...values, 'each', 'PLU', 'group', 'kg', 'lb', 'oz', 'jin']), key).toEqual([]);
      for (const v of values) expect(zh).toContain(v);
    }
    expect(tZh('inv.import.reasons.skuRepeated', preview.errors.find((e) => e.row === 6)!.params)).toBe('货号 NEW-1 已在第 2 行出现');
  });
});
