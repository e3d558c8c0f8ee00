import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRAMS_PER_THOUSANDTH, lineGrams, lineGramsSql, MASS_UNITS, qtyToGrams, UNITS, wholeGrams } from '../../src/shared/units';

describe('line masses for the rollups', () => {
  it('SQL (rebuilds) and JS (sales as they come) give the very same number for any quantity and unit', () => {
    const db = new Database(':memory:');
    const sql = db.prepare(`SELECT ${lineGramsSql('@qty', '@unit')}`).pluck();
    fc.assert(
      fc.property(fc.integer({ min: -50_000_000, max: 50_000_000 }), fc.constantFrom(...UNITS, 'bogus'), (qty, unit) => {
        expect(sql.get({ qty, unit })).toBe(lineGrams(qty, unit));
      }),
      { numRuns: 3000 },
    );
    db.close();
  });

  it('sums are exact in any order and, rounded once, equal the exact integer conversion of the total', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MASS_UNITS),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 60 }),
        (unit, qtys) => {
          const sum = (xs: number[]) => xs.reduce((s, q) => s + lineGrams(q, unit), 0);
          expect(sum([...qtys].reverse())).toBe(sum(qtys));
          const total = qtys.reduce((s, q) => s + q, 0);
          const [a, b] = GRAMS_PER_THOUSANDTH[unit];
          expect(Math.abs(sum(qtys) - (total * a) / b)).toBeLessThan(1e-6 * qtys.length);
          // Away from a half gram, rounding the sum once is the exact conversion of the total.
          const exact = qtyToGrams(total, unit);
          if (Math.abs(sum(qtys) - Math.trunc(sum(qtys)) - 0.5) > 1e-4) expect(wholeGrams(sum(qtys))).toBe(exact);
        },
      ),
    );
  });

  it('2 lb and 1 斤 are 1,407 g; pieces weigh nothing', () => {
    expect(wholeGrams(lineGrams(2000, 'lb') + lineGrams(1000, 'jin'))).toBe(1407);
    expect(lineGrams(3000, 'each')).toBe(0);
  });
});
