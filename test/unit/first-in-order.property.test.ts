/** The dashboard's top products: keeping the best n as they come gives the head of the full sort. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder } from '../../src/main/insight/queries';

describe('firstInOrder', () => {
  it('is the first n of the sorted list, for any list, n and direction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.integer({ min: -50, max: 50 }), id: fc.string({ maxLength: 4 }) }), { maxLength: 400 }),
        fc.nat({ max: 60 }),
        fc.boolean(),
        (items, n, desc) => {
          const sign = desc ? -1 : 1;
          const order = (a: (typeof items)[number], b: (typeof items)[number]) =>
            sign * (a.v - b.v) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          const want = [...items].sort(order).slice(0, n);
          expect(firstInOrder(items, n, order).map((x) => [x.v, x.id])).toEqual(want.map((x) => [x.v, x.id]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
