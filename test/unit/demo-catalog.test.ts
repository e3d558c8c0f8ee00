import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalog, CATALOG_PATH, renderCatalog, type DemoCatalog } from '../../scripts/make-demo-catalog';
import { DEFAULT_SCALE_CONFIG, isValidEan13 } from '../../src/shared/scale-barcode';

const text = readFileSync(CATALOG_PATH, 'utf8');
const catalog = JSON.parse(text) as DemoCatalog;
const { products, categories } = catalog;
const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

describe('demo catalog', () => {
  it('is what the generator produces (regenerate with `npx tsx scripts/make-demo-catalog.ts`)', () => {
    expect(text).toBe(renderCatalog(buildCatalog()));
  });

  it('is a store-sized catalog over a dozen categories', () => {
    expect(products.length).toBeGreaterThanOrEqual(250);
    expect(categories.length).toBeGreaterThanOrEqual(12);
    for (const c of categories) expect(products.filter((p) => p.category === c.key).length).toBeGreaterThanOrEqual(10);
  });

  it('names every product and category in English and Chinese', () => {
    for (const x of [...categories, ...products]) {
      expect(x.en.trim(), JSON.stringify(x)).not.toBe('');
      expect(hasHan(x.en), x.en).toBe(false);
      expect(hasHan(x.zh), `${x.en}: ${x.zh}`).toBe(true);
    }
    // Pinyin initials "pg" must find 苹果 (apple).
    expect(products.some((p) => p.zh.includes('苹果'))).toBe(true);
  });

  it('has unique SKUs and category keys, and every product is in a known category', () => {
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    const keys = categories.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of products) expect(keys, p.sku).toContain(p.category);
  });

  it('has only valid, unique EAN-13 barcodes, none in the in-store (scale) ranges', () => {
    const all = products.flatMap((p) => p.barcodes);
    for (const code of all) {
      expect(isValidEan13(code), code).toBe(true);
      const prefix = code.slice(0, 2);
      expect([...DEFAULT_SCALE_CONFIG.weightPrefixes, ...DEFAULT_SCALE_CONFIG.pricePrefixes], code).not.toContain(prefix);
    }
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('4006381333931');
    expect(products.filter((p) => p.barcodes.length === 2).length).toBeGreaterThanOrEqual(3);
  });

  it('gives counted goods a barcode and weighed goods a unique 5-digit PLU', () => {
    const weighed = products.filter((p) => p.unit === 'kg');
    expect(weighed.length).toBeGreaterThanOrEqual(15);
    for (const p of weighed) expect(p.plu, p.sku).toMatch(/^\d{5}$/);
    expect(new Set(weighed.map((p) => p.plu)).size).toBe(weighed.length);
    for (const p of products.filter((x) => x.unit === 'each')) {
      expect(p.barcodes.length, p.sku).toBeGreaterThanOrEqual(1);
      expect(p.plu, p.sku).toBeNull();
    }
  });

  it('prices in whole minor units with cost below price, and stock in thousandths', () => {
    for (const p of products) {
      expect(Number.isInteger(p.price) && p.price > 0, p.sku).toBe(true);
      expect(Number.isInteger(p.cost) && p.cost > 0, p.sku).toBe(true);
      expect(p.cost, p.sku).toBeLessThanOrEqual(p.price);
      expect(['reduced', 'standard']).toContain(p.tax);
      expect(Number.isInteger(p.stock) && p.stock > 0, p.sku).toBe(true);
      if (p.unit === 'each') {
        expect(p.stock % 1000, p.sku).toBe(0);
        expect(p.stock).toBeGreaterThanOrEqual(10_000);
        expect(p.stock).toBeLessThanOrEqual(200_000);
      }
    }
  });

  it('keeps the products the end-to-end test scans', () => {
    const byCode = (code: string) => products.find((p) => p.barcodes.includes(code));
    expect(byCode('6954321000017')).toMatchObject({ en: 'Still Mineral Water 550ml', price: 69, unit: 'each' });
    expect(byCode('6954321000048')).toMatchObject({ en: 'Coca-Cola 330ml Can', price: 99, unit: 'each' });
    expect(byCode('4006381333931')).toMatchObject({ en: 'Highlighter (Yellow)', price: 149, unit: 'each' });
  });
});
