import { describe, expect, it } from 'vitest';
import { sortByShownName } from '../../../src/renderer/lib/collate';
import { browserLanguage } from '../../../src/renderer/i18n/browser';
import { datePattern, formatIsoDate, parseLocalDate } from '../../../src/renderer/lib/date-text';
import { pickForEnter } from '../../../src/renderer/lib/enter-pick';
import { receiptLineAmount } from '../../../src/shared/pricing';

const cat = (name: string, altName: string | null) => ({ name, altName });

describe('lists in the screen language', () => {
  it('a Chinese screen sorts categories by pinyin of the Chinese name shown, an English one by the English name', () => {
    const cats = [cat('Fruit', '水果'), cat('Bakery', '面包'), cat('Drinks', '饮料'), cat('Snacks', '零食'), cat('Frozen', '冷冻')];
    // Code point order would give 冷 零 水 面 饮.
    expect(sortByShownName(cats, 'zh-CN').map((c) => c.altName)).toEqual(['冷冻', '零食', '面包', '水果', '饮料']);
    expect(sortByShownName(cats, 'en').map((c) => c.name)).toEqual(['Bakery', 'Drinks', 'Frozen', 'Fruit', 'Snacks']);
    // A Chinese store (Chinese name first, English second) reads the same way.
    const zhStore = cats.map((c) => cat(c.altName!, c.name));
    expect(sortByShownName(zhStore, 'zh-CN').map((c) => c.name)).toEqual(['冷冻', '零食', '面包', '水果', '饮料']);
    expect(sortByShownName(zhStore, 'en').map((c) => c.altName)).toEqual(['Bakery', 'Drinks', 'Frozen', 'Fruit', 'Snacks']);
  });
});

describe('first-day helpers', () => {
  it("setup's first language comes from the browser's preferences", () => {
    expect(browserLanguage(['zh-CN', 'en-US'])).toBe('zh-CN');
    expect(browserLanguage(['zh-TW'])).toBe('zh-CN');
    expect(browserLanguage(['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(browserLanguage(['de-DE'])).toBe('en');
  });

  it('dates are written and read in the order of the screen language', () => {
    expect(formatIsoDate('2026-12-06', 'zh-CN')).toBe('2026/12/06');
    expect(formatIsoDate('2026-12-06', 'en')).toBe('12/06/2026');
    expect(parseLocalDate('2026/12/6', 'zh-CN')).toBe('2026-12-06');
    expect(parseLocalDate('12/6/2026', 'en')).toBe('2026-12-06');
    expect(parseLocalDate('2026-12-06', 'en')).toBe('2026-12-06');
    expect(parseLocalDate('2/30/2026', 'en')).toBeNull();
    expect(parseLocalDate('12/06', 'en')).toBeNull();
    expect(datePattern('zh-CN', { year: '年', month: '月', day: '日' })).toBe('年/月/日');
    expect(datePattern('en', { year: 'yyyy', month: 'mm', day: 'dd' })).toBe('mm/dd/yyyy');
  });

  it('Enter on results not shown yet takes the exact SKU or barcode, else the first hit', () => {
    const hit = (id: string, sku: string, barcode: string | null) => ({
      id,
      sku,
      barcode,
      name: id,
      altName: null,
      unit: 'each' as const,
      price: 1,
      stock: 0,
      ratingAvg100: null,
      ratingCount: 0,
    });
    const hits = [hit('a', 'DRK-0040', null), hit('b', 'DRK-0004', '6954321000048')];
    expect(pickForEnter('drk-0004', hits)?.id).toBe('b');
    expect(pickForEnter('6954321000048', hits)?.id).toBe('b');
    expect(pickForEnter('cola', hits)?.id).toBe('a');
    expect(pickForEnter('cola', [])).toBeUndefined();
  });

  it('a line reads as on the receipt: before tax in a tax-exclusive store, before its discount', () => {
    expect(receiptLineAmount({ total: 229, tax: 17, discount: 0 }, 'exclusive')).toBe(212);
    expect(receiptLineAmount({ total: 229, tax: 17, discount: 0 }, 'inclusive')).toBe(229);
    expect(receiptLineAmount({ total: 180, tax: 13, discount: 20 }, 'exclusive')).toBe(187);
  });
});
