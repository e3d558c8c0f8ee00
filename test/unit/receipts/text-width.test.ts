import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { displayWidth, leftRight, wrapWidth } from '../../../src/main/receipts/text-width';

describe('display width', () => {
  it('counts CJK and full-width forms as two columns, Latin and symbols as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('苹果')).toBe(4);
    expect(displayWidth('可口可乐 330ml')).toBe(14);
    expect(displayWidth('¥3.99')).toBe(5);
    expect(displayWidth('￥')).toBe(2);
    expect(displayWidth('，！')).toBe(4);
  });
});

describe('wrapping and alignment', () => {
  it('keeps Latin words whole and breaks CJK between characters', () => {
    expect(wrapWidth('Organic Free Range Eggs', 12)).toEqual(['Organic Free', 'Range Eggs']);
    expect(wrapWidth('新鲜有机散养鸡蛋十二枚装', 10)).toEqual(['新鲜有机散', '养鸡蛋十二', '枚装']);
  });

  it('right-aligns the value to the exact width, with CJK counted double', () => {
    const [row] = leftRight('合计', '¥6.50', 32);
    expect(row).toBeDefined();
    expect(displayWidth(row!)).toBe(32);
    expect(row!.endsWith('¥6.50')).toBe(true);
  });

  it('moves the value to its own line when the label fills the row', () => {
    const rows = leftRight('x'.repeat(30), '£10.00', 32);
    expect(rows).toEqual(['x'.repeat(30), ' '.repeat(26) + '£10.00']);
  });

  it('never produces a line wider than the paper, for any mix of scripts', () => {
    const piece = fc.constantFrom('苹', '果', '牛奶', 'Milk', ' ', '  ', 'é', '¥', '（', 'Super-long-product-name');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.constantFrom(32, 48), (parts, width) => {
        const text = parts.join('');
        for (const l of wrapWidth(text, width)) expect(displayWidth(l)).toBeLessThanOrEqual(width);
        for (const l of leftRight(text, '-£1,234.56', width)) expect(displayWidth(l)).toBeLessThanOrEqual(width);
        // Nothing is lost: the wrapped text has the same non-space characters.
        expect(wrapWidth(text, width).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }),
    );
  });
});
