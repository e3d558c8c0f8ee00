import { describe, expect, it } from 'vitest';
import type { ShiftReport } from '../../../src/shared/api/shifts';
import { reportLines } from '../../../src/main/shifts/report-text';
import { shiftReportPdf } from '../../../src/main/shifts/report-pdf';
import { pdfText as readPdf } from '../../support/pdf';

function report(categories: ShiftReport['categories']): ShiftReport {
  return {
    kind: 'Z',
    shift: {
      id: 's1',
      number: 'T1-S0001',
      terminalCode: 'T1',
      currency: 'CNY',
      openedAt: Date.UTC(2026, 0, 5, 1),
      openedBy: 'Admin',
      closedAt: Date.UTC(2026, 0, 5, 9),
      closedBy: 'Admin',
      openingFloat: 25000,
      expectedCash: 25129,
      countedCash: 25000,
      overShort: -129,
    },
    storeName: '示范便利店',
    generatedAt: Date.UTC(2026, 0, 5, 9),
    openingCounts: {},
    countedCounts: {},
    cash: { float: 25000, sales: 129, refunds: 0, cashIn: 0, cashOut: 0, expected: 25129, counted: 25000, overShort: -129 },
    sales: { orders: 1, gross: 129, discounts: 0, discountedOrders: 0, tax: 11, total: 129, items: 1000 },
    tenders: [{ kind: 'cash', count: 1, amount: 129, refunds: 0 }],
    categories,
    taxRates: [{ rateBp: 900, base: 118, tax: 11 }],
    refunds: { count: 0, amount: 0 },
    voids: { count: 0, amount: 0 },
    noSales: 0,
    movements: [],
    journalSeq: 2,
  };
}

const text = (r: ShiftReport, language: 'en' | 'zh-CN') =>
  reportLines(r, 42, language, 'Asia/Shanghai')
    .map((l) => l.text)
    .join('\n');

describe('Z report text: category names', () => {
  it('shows the Chinese name in Chinese whichever field holds it (a zh-CN store keeps English as the alternate)', () => {
    const zhStore = report([{ categoryId: 'c1', name: '水果蔬菜', altName: 'Fruit & Vegetables', qty: 1000, amount: 129 }]);
    expect(text(zhStore, 'zh-CN')).toContain('水果蔬菜');
    expect(text(zhStore, 'zh-CN')).not.toContain('Fruit & Vegetables');
    expect(text(zhStore, 'en')).toContain('Fruit & Vegetables');
    const enStore = report([{ categoryId: 'c1', name: 'Fruit & Vegetables', altName: '水果蔬菜', qty: 1000, amount: 129 }]);
    expect(text(enStore, 'zh-CN')).toContain('水果蔬菜');
    expect(text(enStore, 'en')).toContain('Fruit & Vegetables');
    expect(text(enStore, 'en')).not.toContain('水果蔬菜');
  });

  it('names uncategorized sales in the report language', () => {
    const r = report([{ categoryId: null, name: null, altName: null, qty: 1000, amount: 129 }]);
    expect(text(r, 'zh-CN')).toContain('未分类');
    expect(text(r, 'en')).toContain('Uncategorized');
  });
});

describe('Z report PDF', () => {
  const pdfText = async (r: ShiftReport, language: 'en' | 'zh-CN') => {
    const bytes = await shiftReportPdf(r, { language, timezone: 'Asia/Shanghai' });
    return readPdf(bytes);
  };

  it('an English report of a Chinese store shows its name and reasons, not question marks', async () => {
    const r = report([]);
    r.movements = [{ id: 'm1', kind: 'out', amount: 3000, reason: '银行存款', at: r.generatedAt, staffName: 'Admin' }];
    const bytes = await shiftReportPdf(r, { language: 'en', timezone: 'Asia/Shanghai' });
    // Only the characters used travel with the report (no whole font file in every PDF).
    expect(bytes.length).toBeLessThan(100_000);
    const text = await pdfText(r, 'en');
    expect(text).toContain('示范便利店');
    expect(text).toContain('银行存款');
    expect(text).toContain('CN¥');
    expect(text).not.toContain('?');
  });

  it('keeps € and accents in a Latin report', async () => {
    const r = report([]);
    r.storeName = 'Café Zoë';
    r.shift.currency = 'EUR';
    const text = await pdfText(r, 'en');
    expect(text).toContain('Café Zoë');
    expect(text).toContain('€250.00');
    expect(text).not.toContain('?');
  });
});

describe('Z report text: pieces and weights apart', () => {
  const mixed = (): ShiftReport => {
    const r = report([]);
    r.sales = { ...r.sales, items: 8000, weighed: 3750 };
    return r;
  };
  const rowOf = (all: string, label: string) => all.split('\n').find((l) => l.startsWith(label)) ?? '';

  it('counts 8 pieces and 3.750 kg, never 11.750 items', () => {
    const en = text(mixed(), 'en');
    expect(rowOf(en, 'Items')).toMatch(/Items\s+8$/);
    expect(rowOf(en, 'Weighed')).toMatch(/Weighed\s+3\.750 kg$/);
    expect(en).not.toContain('11.750');
    const zh = text(mixed(), 'zh-CN');
    expect(rowOf(zh, '商品件数')).toMatch(/商品件数\s+8$/);
    expect(rowOf(zh, '称重商品')).toMatch(/称重商品\s+3\.750 千克$/);
    expect(zh).not.toContain('11.750');
  });
});
