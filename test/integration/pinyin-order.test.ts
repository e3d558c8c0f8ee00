import { describe, expect, it } from 'vitest';
import { ok } from '../support/app';
import { stockWorld } from '../support/inventory';
import { zhSortKey } from '../../src/main/catalog/sort-key';

// Code point order: 桃 U+6843, 苹 U+82F9, 菠 U+83E0, 香 U+9999. Pinyin: bo luo, ping guo, tao zi, xiang jiao.
const FRUIT = [
  { sku: 'PEACH', name: 'Peach', altName: '桃子' },
  { sku: 'APPLE-CN', name: 'Apple (Fuji)', altName: '苹果' },
  { sku: 'PINE', name: 'Pineapple', altName: '菠萝' },
  { sku: 'BANANA', name: '香蕉', altName: 'Banana' },
];
const PINYIN = ['PINE', 'APPLE-CN', 'PEACH', 'BANANA'];

describe('Chinese screens list products in pinyin order of the names they show', () => {
  it('the key spells the Chinese name shown, whichever field holds it', () => {
    expect(zhSortKey('Apple (Fuji)', '富士苹果')).toBe('fu shi ping guo\u0001富士苹果');
    expect(zhSortKey('香蕉', 'Banana')).toBe('xiang jiao\u0001香蕉');
    expect(zhSortKey('Cola 330ml', null)).toBe('cola 330ml\u0001Cola 330ml');
  });

  it('stock list and browse: pinyin on a Chinese screen (paged, filtered or not), names as before on an English one', async () => {
    const w = await stockWorld();
    const { app } = w;
    const fruit = await ok(app, 'catalog.categoryCreate', { name: 'Fruit', altName: '水果' }, 'mgr');
    for (const f of FRUIT)
      await ok(
        app,
        'catalog.create',
        { ...f, unit: 'each', price: 100, cost: 50, barcodes: [], taxRateId: w.std.id, categoryId: fruit.id },
        'mgr',
      );
    const skus = (items: { sku: string }[]) => items.map((r) => r.sku).filter((s) => FRUIT.some((f) => f.sku === s));
    const stock = async (extra: object) =>
      (await ok(app, 'stock.list', { locationId: w.shop.id, offset: 0, limit: 50, ...extra }, 'mgr')).items;

    expect(skus(await stock({ language: 'zh-CN' }))).toEqual(PINYIN);
    expect(skus(await stock({ language: 'zh-CN', dir: 'desc' }))).toEqual([...PINYIN].reverse());
    expect(skus(await stock({ language: 'zh-CN', categoryId: fruit.id }))).toEqual(PINYIN);
    // Paged: the second page continues the order.
    const first = await ok(
      app,
      'stock.list',
      { locationId: w.shop.id, categoryId: fruit.id, language: 'zh-CN', offset: 0, limit: 2 },
      'mgr',
    );
    const second = await ok(
      app,
      'stock.list',
      { locationId: w.shop.id, categoryId: fruit.id, language: 'zh-CN', offset: 2, limit: 2 },
      'mgr',
    );
    expect([...skus(first.items), ...skus(second.items)]).toEqual(PINYIN);
    // English screens keep the name order they had.
    expect(skus(await stock({ language: 'en' }))).toEqual(['APPLE-CN', 'PEACH', 'PINE', 'BANANA']);
    expect(skus(await stock({}))).toEqual(['APPLE-CN', 'PEACH', 'PINE', 'BANANA']);

    const browse = async (extra: object) => (await ok(app, 'catalog.browse', { offset: 0, limit: 50, ...extra }, 'clerk')).items;
    expect(skus(await browse({ language: 'zh-CN' }))).toEqual(PINYIN);
    expect(skus(await browse({ language: 'zh-CN', categoryId: fruit.id }))).toEqual(PINYIN);
    expect(skus(await browse({}))).toEqual(['APPLE-CN', 'PEACH', 'PINE', 'BANANA']);

    // A rename moves the product to its new place.
    const peach = (await ok(app, 'catalog.search', { q: 'PEACH' }, 'mgr'))[0]!;
    await ok(app, 'catalog.update', { id: peach.id, altName: '阿月浑子' }, 'mgr');
    expect(skus(await stock({ language: 'zh-CN', categoryId: fruit.id }))[0]).toBe('PEACH');
  });
});
