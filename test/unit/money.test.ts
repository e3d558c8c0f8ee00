import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currencyDigits, formatMoney, formatQty, parseMoney, parseQty } from '../../src/shared/money';

describe('currency digits', () => {
  it('USD and CNY have 2 minor digits, JPY none', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('CNY')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
  });
});

describe('parseMoney', () => {
  it('reads typed USD amounts into cents', () => {
    expect(parseMoney('12.5', 'USD')).toBe(1250);
    expect(parseMoney('12.50', 'USD')).toBe(1250);
    expect(parseMoney('12,50', 'USD')).toBe(1250);
    expect(parseMoney('12', 'USD')).toBe(1200);
    expect(parseMoney('12.', 'USD')).toBe(1200);
    expect(parseMoney('0.05', 'USD')).toBe(5);
    expect(parseMoney(' 20 ', 'USD')).toBe(2000);
    expect(parseMoney('0.1', 'USD')).toBe(10);
  });

  it('reads CNY amounts into fen', () => {
    expect(parseMoney('3.5', 'CNY')).toBe(350);
    expect(parseMoney('100', 'CNY')).toBe(10000);
    expect(parseMoney('0.01', 'CNY')).toBe(1);
  });

  it('reads JPY amounts as whole yen and refuses decimals', () => {
    expect(parseMoney('1200', 'JPY')).toBe(1200);
    expect(parseMoney('1200.5', 'JPY')).toBeNull();
  });

  it('refuses anything that is not a plain amount', () => {
    for (const bad of ['', ' ', 'abc', '-1', '+1', '1e3', '12.345', '1.2.3', '$12', '12 34', 'NaN', 'Infinity', '0x10'])
      expect(parseMoney(bad, 'USD'), bad).toBeNull();
  });

  it('round-trips every amount of cents written with two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (minor) => {
        const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
        expect(parseMoney(text, 'USD')).toBe(minor);
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatMoney', () => {
  it('USD in English', () => {
    expect(formatMoney(1234, 'USD', 'en')).toBe('$12.34');
    expect(formatMoney(123456789, 'USD', 'en')).toBe('$1,234,567.89');
    expect(formatMoney(5, 'USD', 'en')).toBe('$0.05');
    expect(formatMoney(0, 'USD', 'en')).toBe('$0.00');
  });

  it('CNY in Chinese and in English', () => {
    expect(formatMoney(123450, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(1234, 'CNY', 'en')).toBe('CN¥12.34');
  });

  it('JPY has no decimals: 1200 minor units are ¥1,200', () => {
    expect(formatMoney(1200, 'JPY', 'en')).toBe('¥1,200');
    expect(formatMoney(1200, 'JPY', 'ja-JP')).toBe('￥1,200');
  });

  it('what is formatted parses back (digits only) to the same minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.constantFrom('USD', 'CNY', 'JPY'), (minor, currency) => {
        const shown = formatMoney(minor, currency, 'en').replace(/[^\d.]/g, '');
        expect(parseMoney(shown, currency)).toBe(minor);
      }),
      { numRuns: 500 },
    );
  });
});

describe('quantities', () => {
  it('counted goods show whole numbers, weighed goods three decimals', () => {
    expect(formatQty(2000, 'each', 'en')).toBe('2');
    expect(formatQty(1000, 'each', 'en')).toBe('1');
    expect(formatQty(532, 'kg', 'en')).toBe('0.532');
    expect(formatQty(1000, 'kg', 'en')).toBe('1.000');
    expect(formatQty(12345, 'kg', 'en')).toBe('12.345');
    expect(formatQty(1234567, 'kg', 'en')).toBe('1,234.567');
    expect(formatQty(1234567, 'kg', 'de')).toBe('1.234,567');
  });

  it('parseQty reads weights to the gram and refuses fractions of a counted item', () => {
    expect(parseQty('0.532', 'kg')).toBe(532);
    expect(parseQty('1,5', 'kg')).toBe(1500);
    expect(parseQty('2', 'each')).toBe(2000);
    expect(parseQty('1.5', 'each')).toBeNull();
    expect(parseQty('0.0005', 'kg')).toBeNull();
    expect(parseQty('-1', 'kg')).toBeNull();
    expect(parseQty('abc', 'kg')).toBeNull();
  });
});
