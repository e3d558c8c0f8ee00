import { describe, expect, it } from 'vitest';
import { gramsToQty, piecesAndMass, qtyToGrams, unitsForStore, UNITS, unitSymbol } from '../../src/shared/units';

describe('sale units', () => {
  it('offers each and the masses a store weighs by, from its locale', () => {
    expect(unitsForStore({ language: 'zh-CN', currency: 'CNY' })).toEqual(['each', 'jin', 'kg', 'g']);
    expect(unitsForStore({ language: 'en', currency: 'CNY' })).toEqual(['each', 'jin', 'kg', 'g']);
    expect(unitsForStore({ language: 'en', currency: 'USD' })).toEqual(['each', 'lb', 'oz', 'kg', 'g']);
    expect(unitsForStore({ language: 'en', currency: 'EUR' })).toEqual(['each', 'kg', 'g']);
    expect(unitsForStore({ language: 'en', currency: 'GBP' })).toEqual(['each', 'kg', 'g']);
    for (const store of [
      { language: 'zh-CN', currency: 'CNY' },
      { language: 'en', currency: 'USD' },
      { language: 'en', currency: 'JPY' },
    ])
      for (const u of unitsForStore(store)) expect(UNITS).toContain(u);
  });

  it('converts a scale’s grams into the product’s unit, rounding half up', () => {
    expect(gramsToQty(680, 'jin')).toBe(1360);
    expect(gramsToQty(680, 'kg')).toBe(680);
    expect(gramsToQty(680, 'g')).toBe(680_000);
    expect(gramsToQty(680, 'lb')).toBe(1499); // 1.49914 lb
    expect(gramsToQty(454, 'lb')).toBe(1001); // 1.000899 lb
    expect(gramsToQty(100, 'oz')).toBe(3527); // 3.527396 oz
    expect(gramsToQty(1, 'jin')).toBe(2);
    expect(gramsToQty(99_999, 'jin')).toBe(199_998);
  });

  it('brings any weight to grams exactly (lb = 453.59237 g, oz = 28.349523125 g, 斤 = 500 g)', () => {
    expect(qtyToGrams(1000, 'lb')).toBe(454); // 453.59237
    expect(qtyToGrams(100_000_000, 'lb')).toBe(45_359_237);
    expect(qtyToGrams(16_000, 'oz')).toBe(454);
    expect(qtyToGrams(1_600_000, 'oz')).toBe(45_359); // 100 lb = 45359.237 g
    expect(qtyToGrams(1360, 'jin')).toBe(680);
    expect(qtyToGrams(1, 'jin')).toBe(1); // 0.5 g rounds up
    expect(qtyToGrams(-1, 'jin')).toBe(-1); // a refund rounds the same way
    expect(qtyToGrams(532, 'kg')).toBe(532);
    expect(qtyToGrams(250_500, 'g')).toBe(251);
    expect(qtyToGrams(3000, 'each')).toBe(0);
  });

  it('totals pieces apart from mass, each unit summed before it is converted', () => {
    // Ten lines of 0.1 lb: 45.359 g each, 453.59 g together; rounding per line would give 450.
    const lines = Array.from({ length: 10 }, () => ({ unit: 'lb', qty: 100 }));
    expect(piecesAndMass([...lines, { unit: 'each', qty: 3000 }, { unit: 'jin', qty: 1000 }])).toEqual({ pieces: 3000, grams: 954 });
  });

  it('names units in both languages', () => {
    expect(UNITS.map((u) => unitSymbol(u, 'en'))).toEqual(['each', 'kg', 'g', 'lb', 'oz', 'jin']);
    expect(UNITS.map((u) => unitSymbol(u, 'zh-CN'))).toEqual(['件', '千克', '克', '磅', '盎司', '斤']);
  });
});
