import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../../src/shared/money';
import { receiptLines, receiptText } from '../../../src/main/receipts/receipt-text';
import { displayWidth } from '../../../src/main/receipts/text-width';
import { sampleDoc, sampleOrder } from './sample-order';

const row = (lines: string[], label: string) => lines.find((l) => l.startsWith(label));
const amountOf = (line: string | undefined) =>
  line
    ?.trim()
    .split(/ {2,}| (?=\S+$)/)
    .pop();

describe('receipt text (en)', () => {
  const order = sampleOrder({ priceMode: 'inclusive', currency: 'GBP' });
  const lines = receiptText(sampleDoc('en', order), 32);
  const money = (minor: number) => formatMoney(minor, 'GBP', 'en');

  it('has the header: store, local date and time, order number, staff and terminal', () => {
    expect(lines[0]!.trim()).toBe('Corner Shop');
    // 23:30 UTC is 07:30 the next day in the store's timezone (Asia/Shanghai).
    expect(lines[1]).toMatch(/Jan 16, 2025, 7:30\sAM/);
    expect(row(lines, 'Order')).toMatch(/^Order +S-000123$/);
    expect(row(lines, 'Staff')).toMatch(/^Staff Alice +Terminal T1$/);
  });

  it('lists each line with quantity, unit price, amount and discount', () => {
    expect(lines).toContain('Apple (Fuji)');
    expect(lines.find((l) => l.includes('0.532 kg'))).toMatch(/^ {2}0\.532 kg x £3\.99\/kg +£2\.12$/);
    expect(lines.find((l) => l.includes('2 x £1.50'))).toMatch(/ £3\.00$/);
    expect(lines.find((l) => l.trim().startsWith('Discount') && l.startsWith(' '))).toMatch(/ -£0\.30$/);
    // A single counted item shows its amount on the name line.
    expect(lines.find((l) => l.startsWith('Coca-Cola'))).toMatch(/^Coca-Cola 330ml +£1\.20$/);
  });

  it('shows the totals the order carries: subtotal, discount, VAT per rate (incl.), TOTAL, cash and change', () => {
    expect(amountOf(row(lines, 'Subtotal'))).toBe(money(order.subtotal));
    expect(amountOf(row(lines, 'Discount'))).toBe(money(-order.discountTotal));
    const t5 = order.taxes.find((t) => t.rateBp === 500)!;
    const t20 = order.taxes.find((t) => t.rateBp === 2000)!;
    expect(amountOf(row(lines, 'VAT 5% incl.'))).toBe(money(t5.tax));
    expect(amountOf(row(lines, 'VAT 20% incl.'))).toBe(money(t20.tax));
    expect(amountOf(row(lines, 'TOTAL'))).toBe(money(order.total));
    expect(order.total).toBe(602);
    expect(amountOf(row(lines, 'Cash tendered'))).toBe('£20.00');
    expect(amountOf(row(lines, 'Change'))).toBe(money(2000 - 602));
    expect(lines[lines.length - 1]!.trim()).toBe('Thank you for shopping with us!');
  });

  it('marks the store name and TOTAL as strong', () => {
    const strong = receiptLines(sampleDoc('en', order), 32)
      .filter((l) => l.strong)
      .map((l) => l.text.trim());
    expect(strong).toEqual(['Corner Shop', 'TOTAL                      £6.02']);
  });

  it('prints exclusive tax without "incl." and card payments by brand and last 4 only', () => {
    const ex = sampleOrder({ priceMode: 'exclusive', pay: 'card' });
    const l = receiptText(sampleDoc('en', ex), 48);
    expect(row(l, 'VAT 20%')).toMatch(/^VAT 20% +£0\.24$/);
    expect(l.some((x) => x.includes('incl.'))).toBe(false);
    // A terminal's 'VISA' prints as the brand's name.
    expect(row(l, 'Card')).toMatch(/^Card Visa \*\*\*\*1234 +£6\.50$/);
    expect(row(l, 'Change')).toBeUndefined();
    expect(amountOf(row(l, 'TOTAL'))).toBe('£6.50');
  });

  it('fits 32 and 48 columns, with the amounts ending at the right edge', () => {
    for (const width of [32, 48]) {
      const l = receiptText(sampleDoc('en', order), width);
      for (const line of l) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(row(l, 'TOTAL')!.length).toBe(width);
      expect(row(l, '-')).toBe('-'.repeat(width));
    }
  });
});

describe('receipt text (zh-CN)', () => {
  const order = sampleOrder({ priceMode: 'inclusive', currency: 'CNY', pay: 'split' });
  const doc = sampleDoc('zh-CN', order);
  const money = (minor: number) => formatMoney(minor, 'CNY', 'zh-CN');

  it('uses Chinese labels, Chinese product names and the Chinese date format', () => {
    const lines = receiptText(doc, 32);
    expect(lines[0]!.trim()).toBe('街角便利店');
    expect(lines[1]!.trim()).toBe('2025年1月16日 07:30');
    expect(row(lines, '订单号')).toMatch(/S-000123$/);
    expect(row(lines, '收银员 Alice')).toMatch(/终端 T1$/);
    expect(lines).toContain('富士苹果');
    expect(lines.some((l) => l.startsWith('可口可乐 330毫升'))).toBe(true);
    expect(lines.some((l) => l.includes('Apple'))).toBe(false);
    expect(amountOf(row(lines, '小计'))).toBe(money(order.subtotal));
    expect(amountOf(row(lines, '折扣'))).toBe(money(-order.discountTotal));
    expect(amountOf(row(lines, '增值税 20% (含)'))).toBe(money(order.taxes.find((t) => t.rateBp === 2000)!.tax));
    expect(amountOf(row(lines, '合计'))).toBe('¥6.02');
    expect(amountOf(row(lines, '银行卡 Visa ****1234'))).toBe('¥2.00');
    expect(amountOf(row(lines, '现金实收'))).toBe('¥10.00');
    expect(amountOf(row(lines, '找零'))).toBe(money(1000 - (602 - 200)));
  });

  it('fits the paper with CJK counted as two columns, right edges aligned', () => {
    for (const width of [32, 48]) {
      const lines = receiptText(doc, width);
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      for (const label of ['小计', '合计', '找零', '订单号']) expect(displayWidth(row(lines, label)!)).toBe(width);
    }
  });

  it('wraps a long Chinese name instead of overflowing', () => {
    const long = sampleOrder({
      currency: 'CNY',
      lines: [
        {
          name: 'Hand cream',
          altName: '进口天然植物精华保湿滋润护手霜特大家庭装',
          unit: 'each',
          qty: 3000,
          unitPrice: 12990,
          taxRateBp: 1300,
        },
      ],
    });
    const lines = receiptText(sampleDoc('zh-CN', long), 32);
    const start = lines.findIndex((l) => l.startsWith('进口'));
    expect(lines[start]).toBe('进口天然植物精华保湿滋润护手霜特');
    expect(lines[start + 1]).toBe('大家庭装');
    expect(lines[start + 2]).toMatch(/^ {2}3 x ¥129\.90 +¥389\.70$/);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(32);
  });

  it('still prints when the store timezone is invalid', () => {
    const lines = receiptText({ ...doc, timezone: 'Not/AZone' }, 32);
    expect(lines[1]!.trim()).toBe('2025年1月15日 23:30 UTC');
  });
});
