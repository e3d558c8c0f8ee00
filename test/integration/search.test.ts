import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PIN, makeApp, ok, readyStore, setupStore } from '../support/app';
import { RESOURCES_DIR } from '../../src/main/host/paths';
import { readDemoCatalog } from '../../src/main/setup/demo';
import { createProduct } from '../../src/main/catalog/products';
import { inTransaction } from '../../src/main/db/open';
import { uuidv7 } from '../../src/shared/ids';
import { SEARCH_SQL } from '../../src/main/catalog/search';
import type { ProductHit } from '../../src/shared/api';

type App = ReturnType<typeof makeApp>;
const search = (app: App, q: string, limit?: number, session = 's1') =>
  ok(app, 'catalog.search', limit === undefined ? { q } : { q, limit }, session);
const names = (hits: ProductHit[]) => hits.map((h) => h.name);
const hasText = (h: ProductHit, s: string) => h.name.includes(s) || (h.altName ?? '').includes(s);

/** Products for a search test: name, alternative name, barcodes, and optionally stock to start with. */
const productMaker =
  (app: App, taxRateId: string) =>
  (sku: string, name: string, altName: string | null, barcodes: string[], openingStock = 0) =>
    inTransaction(app.deps.sqlite, () =>
      createProduct(app.deps, { sku, name, altName, unit: 'each', price: 199, cost: 100, barcodes, taxRateId, openingStock }, null),
    );

describe('search as you type (own catalog)', () => {
  let app: App;
  let ids: Record<string, string>;
  beforeAll(async () => {
    app = makeApp();
    const s = await readyStore(app);
    const mk = productMaker(app, s.std.id);
    const fuji = mk('FUJI', 'Fuji apples', '富士苹果', ['6901234567892'], 24_000);
    const juice = mk('AJ-1', 'Apple juice', '苹果汁', ['6901234567809'], 7000);
    const pine = mk('PINE', 'Pineapple', '菠萝', []);
    const coke = mk('COKE', '可口可乐', 'Coca-Cola', ['6901234567816']);
    ids = { cola: s.cola.id, bread: s.bread.id, apple: s.apple.id, fuji: fuji.id, juice: juice.id, pine: pine.id, coke: coke.id };
  });

  it('finds by name prefix, whatever the case', async () => {
    for (const q of ['sour', 'Sourd', 'SOURDOUGH', 'sourdough bre', 'bread'])
      expect(names(await search(app, q))[0], q).toBe('Sourdough bread');
    expect(names(await search(app, 'sourx'))).toEqual([]);
  });

  it('ranks names that start with the query before names that only contain it', async () => {
    const hits = names(await search(app, 'apple'));
    expect(hits.slice(0, 2).sort()).toEqual(['Apple juice', 'Apples']);
    expect(hits).toContain('Fuji apples');
    expect(hits.indexOf('Fuji apples')).toBeGreaterThan(1);
  });

  it('finds by SKU and by barcode (exact match first), and by the start of a barcode', async () => {
    expect((await search(app, 'COLA'))[0]!.id).toBe(ids.cola);
    expect((await search(app, 'fuji'))[0]!.id).toBe(ids.fuji);
    expect((await search(app, 'AJ-1'))[0]!.id).toBe(ids.juice);
    const byCode = await search(app, '5000112637922');
    expect(byCode[0]).toMatchObject({ id: ids.cola, barcode: '5000112637922', sku: 'COLA', price: 150 });
    expect(byCode).toHaveLength(1);
    expect((await search(app, '690123456789'))[0]!.id).toBe(ids.fuji);
  });

  it('one or two Chinese characters find names that contain them', async () => {
    const one = await search(app, '苹');
    expect(one.map((h) => h.id).sort()).toEqual([ids.apple, ids.fuji, ids.juice].sort());
    const two = await search(app, '苹果');
    expect(two.map((h) => h.id).sort()).toEqual([ids.apple, ids.fuji, ids.juice].sort());
    expect((await search(app, '果汁')).map((h) => h.id)).toEqual([ids.juice]);
    expect((await search(app, '可乐')).map((h) => h.id)).toEqual([ids.coke]);
    // Exact name first: 苹果 is the whole alternative name of "Apples".
    expect(two[0]!.id).toBe(ids.apple);
    // Characters in the wrong order are not a match.
    expect(await search(app, '果苹')).toEqual([]);
  });

  it('pinyin initials and syllables find Chinese names: pg finds 苹果 but not 菠萝', async () => {
    const pg = await search(app, 'pg');
    expect(pg.length).toBeGreaterThan(0);
    expect(pg.every((h) => hasText(h, '苹果'))).toBe(true);
    expect(pg.map((h) => h.id)).toEqual(expect.arrayContaining([ids.apple, ids.fuji, ids.juice]));
    expect(pg.map((h) => h.id)).not.toContain(ids.pine);
    expect((await search(app, 'PG')).length).toBe(pg.length);
    expect((await search(app, 'pingguo')).map((h) => h.id)).toEqual(expect.arrayContaining([ids.apple, ids.fuji, ids.juice]));
    expect((await search(app, 'fspg')).map((h) => h.id)).toEqual([ids.fuji]);
    expect((await search(app, 'kkkl')).map((h) => h.id)).toEqual([ids.coke]);
    expect((await search(app, 'bl')).map((h) => h.id)).toContain(ids.pine);
  });

  it('hits carry the stock on hand, and a sale lowers it', async () => {
    expect((await search(app, 'Fuji'))[0]).toMatchObject({ id: ids.fuji, stock: 24_000 });
    expect((await search(app, 'Apple juice'))[0]).toMatchObject({ id: ids.juice, stock: 7000 });
    const cart = await ok(app, 'cart.scan', { code: '6901234567892' });
    await ok(app, 'cart.scan', { code: '6901234567892' });
    await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] });
    expect((await search(app, 'Fuji'))[0]).toMatchObject({ id: ids.fuji, stock: 22_000 });
  });

  it('an empty or blank query gives [], and odd characters never cause an error', async () => {
    expect(await search(app, '')).toEqual([]);
    expect(await search(app, '   ')).toEqual([]);
    for (const q of ['"', '*', 'AND', 'OR NOT', 'NEAR(', 'text:', '"苹果', "'; DROP TABLE products; --", '-', '^', '(', '苹"果'])
      expect(Array.isArray(await search(app, q)), q).toBe(true);
    expect(await search(app, 'NOT')).toEqual([]);
  });

  it('respects the limit', async () => {
    expect(await search(app, 'a', 2)).toHaveLength(2);
    expect((await search(app, 'p', 1)).length).toBe(1);
  });
});

describe('the start of a SKU or barcode (B-tree ranges, not the FTS index)', () => {
  let app: App;
  let ids: Record<string, string>;
  beforeAll(async () => {
    app = makeApp();
    const s = await readyStore(app);
    const mk = productMaker(app, s.std.id);
    const hoodie = mk('HD-S-GRY', 'Hooded top small grey', null, ['2000000000022']);
    const tea = mk('tea-grn-50', '绿茶 50包', 'Green tea 50 bags', ['6920202888883']);
    const chair = mk('OLD-CHAIR-1', 'Garden chair', null, ['7310865004703']);
    const whole = mk('WM-1', 'Whole milk 1L', null, []);
    const oat = mk('OAT-1', 'Oat milk', null, []);
    // Two dozen SKUs that start like the word "milk" but whose names do not hold it.
    for (let i = 1; i <= 24; i++) mk(`MILK-${String(i).padStart(4, '0')}`, `Dairy crate ${i}`, null, []);
    await ok(app, 'catalog.archive', { id: chair.id, archived: true });
    ids = { hoodie: hoodie.id, tea: tea.id, chair: chair.id, whole: whole.id, oat: oat.id };
  });

  it('a partial SKU typed from its start finds the product, in any case', async () => {
    for (const q of ['HD-S', 'hd-s', 'Hd-S-g', 'HD-S-GR', 'hd'])
      expect(
        (await search(app, q)).map((h) => h.id),
        q,
      ).toEqual([ids.hoodie]);
    // Stored lower-case: found from upper-case typing too.
    for (const q of ['tea-g', 'TEA-GRN', 'Tea-Grn-5']) expect((await search(app, q))[0]?.id, q).toBe(ids.tea);
    expect(await search(app, 'HD-X')).toEqual([]);
  });

  it('the first 8 digits of an EAN-13 find the product, before any name match', async () => {
    expect((await search(app, '69202028')).map((h) => h.id)).toEqual([ids.tea]);
    expect((await search(app, '200000000'))[0]).toMatchObject({ id: ids.hoodie, barcode: '2000000000022' });
    expect((await search(app, '50001126'))[0]!.sku).toBe('COLA');
  });

  it("an archived product's SKU or barcode prefix finds nothing", async () => {
    for (const q of ['OLD-CH', 'old-chair', '73108650']) expect(await search(app, q), q).toEqual([]);
    // Nor its whole code or its name.
    expect(await search(app, 'OLD-CHAIR-1')).toEqual([]);
    expect(await search(app, 'Garden')).toEqual([]);
  });

  it('Chinese, pinyin and English names still find their product', async () => {
    expect((await search(app, '绿茶')).map((h) => h.id)).toEqual([ids.tea]);
    expect((await search(app, 'lc')).map((h) => h.id)).toEqual([ids.tea]);
    expect((await search(app, 'green t'))[0]!.id).toBe(ids.tea);
  });

  it('a name word is not crowded out by SKUs that start the same way; a code-like text puts them first', async () => {
    const milk = await search(app, 'milk');
    expect(
      milk
        .slice(0, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual([ids.whole, ids.oat].sort());
    expect(milk).toHaveLength(20);
    // The free places go to the SKUs, shortest and then lowest first.
    expect(milk.slice(2).map((h) => h.sku)).toEqual(Array.from({ length: 18 }, (_, i) => `MILK-${String(i + 1).padStart(4, '0')}`));
    expect(
      (await search(app, 'milk', 5))
        .map((h) => h.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([ids.whole, ids.oat].sort());
    const dashed = await search(app, 'milk-');
    expect(dashed).toHaveLength(20);
    expect(dashed.every((h) => h.sku.startsWith('MILK-'))).toBe(true);
    expect((await search(app, 'milk-0012')).map((h) => h.sku)).toEqual(['MILK-0012']);
  });

  it('each prefix statement is a range search on its unique index', () => {
    const plan = (sql: string) =>
      (app.deps.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('A', 'B') as { detail: string }[]).map((r) => r.detail);
    expect(plan(SEARCH_SQL.skuPrefix)[0]).toBe('SEARCH p USING INDEX products_sku_uq (sku>? AND sku<?)');
    expect(plan(SEARCH_SQL.codePrefix)[0]).toMatch(/^SEARCH c USING INDEX sqlite_autoindex_barcodes_1 \(code>\? AND code<\?\)$/);
    for (const sql of [SEARCH_SQL.skuPrefix, SEARCH_SQL.codePrefix]) expect(plan(sql).join(' | ')).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});

const DEMO = existsSync(join(RESOURCES_DIR, 'demo', 'catalog.json'));

describe.skipIf(!DEMO)('search in the demo catalog', () => {
  let app: App;
  let zhApp: App;
  const demo = DEMO ? readDemoCatalog(RESOURCES_DIR) : { products: [], categories: [] };

  beforeAll(async () => {
    app = makeApp();
    const { adminId } = await setupStore(app, { demoData: true });
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    zhApp = makeApp();
    const zh = await setupStore(zhApp, { demoData: true, language: 'zh-CN', admin: { name: '王芳', pin: ADMIN_PIN } });
    await ok(zhApp, 'staff.signIn', { staffId: zh.adminId, pin: ADMIN_PIN });
  }, 60_000);

  it('holds a few hundred products with barcodes', () => {
    expect(demo.products.length).toBeGreaterThanOrEqual(200);
    expect(demo.products.filter((p) => p.barcodes.length > 0).length).toBeGreaterThan(100);
    expect(demo.products.some((p) => p.zh.includes('苹果'))).toBe(true);
  });

  it('pg finds a 苹果 product, in an English and in a Chinese store', async () => {
    for (const a of [app, zhApp]) {
      const hits = await search(a, 'pg', 100);
      expect(hits.some((h) => hasText(h, '苹果'))).toBe(true);
    }
  });

  it('苹 and 苹果 find every demo product whose Chinese name contains them', async () => {
    for (const q of ['苹', '苹果']) {
      const want = demo.products
        .filter((p) => p.zh.includes(q))
        .map((p) => p.sku)
        .sort();
      expect(want.length).toBeGreaterThan(0);
      const hits = await search(app, q, 100);
      expect(hits.map((h) => h.sku).sort(), q).toEqual(want);
      expect(hits.every((h) => hasText(h, q))).toBe(true);
    }
  });

  it('a Chinese store shows Chinese names first and still finds the English ones', async () => {
    const fuji = demo.products.find((p) => p.zh.includes('苹果'))!;
    const hit = (await search(zhApp, fuji.zh, 100)).find((h) => h.sku === fuji.sku)!;
    expect(hit).toMatchObject({ name: fuji.zh, altName: fuji.en });
    const word = fuji.en.split(/\W+/).find((w) => w.length >= 4)!;
    expect((await search(zhApp, word, 100)).map((h) => h.sku)).toContain(fuji.sku);
  });

  it('a barcode, a SKU and an English name prefix each find their product, with its opening stock', async () => {
    const withCode = demo.products.find((p) => p.barcodes.length > 0)!;
    const byCode = await search(app, withCode.barcodes[0]!);
    expect(byCode[0]).toMatchObject({ sku: withCode.sku, name: withCode.en, stock: withCode.stock });
    const bySku = await search(app, withCode.sku);
    expect(bySku[0]!.sku).toBe(withCode.sku);
    const prefix = withCode.en.slice(0, 4);
    expect((await search(app, prefix, 100)).map((h) => h.sku)).toContain(withCode.sku);
  });

  it('the empty query gives []', async () => {
    expect(await search(app, '')).toEqual([]);
  });
});
