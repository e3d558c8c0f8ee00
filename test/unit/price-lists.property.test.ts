import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { listApplies, resolvePrice, type PriceContext, type PriceEntry, type PriceListTarget } from '../../src/shared/price-lists';

const GROUPS = ['g-member', 'g-wholesale'];
const STORES = ['store-a', 'store-b'];

/** A fixed set of lists (one per target), so a list id always means the same list. */
const TARGETS: PriceListTarget[] = [
  { kind: 'members' },
  ...GROUPS.map((groupId) => ({ kind: 'group' as const, groupId })),
  ...STORES.map((storeId) => ({ kind: 'store' as const, storeId })),
];
const LISTS = TARGETS.map((target, i) => ({ id: `l${i}`, name: `list ${i}`, nameZh: null, target }));

const entry: fc.Arbitrary<PriceEntry> = fc.record({
  list: fc.constantFrom(...LISTS),
  minQty: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 50 }).map((n) => n * 1000),
  ),
  price: fc.integer({ min: 0, max: 5000 }),
});

const context: fc.Arbitrary<PriceContext> = fc.record({
  customer: fc.option(fc.record({ groupId: fc.option(fc.constantFrom(...GROUPS), { nil: null }) }), { nil: null }),
  storeId: fc.constantFrom('', ...STORES),
});

const base = fc.integer({ min: 0, max: 5000 });
const qty = fc.integer({ min: 1, max: 60_000 });

describe('price list resolution', () => {
  it('never charges more than the base price', () => {
    fc.assert(
      fc.property(base, qty, fc.array(entry, { maxLength: 12 }), context, (b, q, es, ctx) => {
        expect(resolvePrice(b, q, es, ctx).price).toBeLessThanOrEqual(b);
      }),
    );
  });

  it('is the base price or the price of an entry that applies to this sale and quantity, and names that entry’s list', () => {
    fc.assert(
      fc.property(base, qty, fc.array(entry, { maxLength: 12 }), context, (b, q, es, ctx) => {
        const r = resolvePrice(b, q, es, ctx);
        if (r.list === null) {
          expect(r.price).toBe(b);
          return;
        }
        const source = es.find((e) => e.list.id === r.list!.id && e.price === r.price && e.minQty <= q);
        expect(source).toBeDefined();
        expect(listApplies(r.list.target, ctx)).toBe(true);
        // …and it is the lowest such price.
        for (const e of es) if (e.minQty <= q && listApplies(e.list.target, ctx)) expect(r.price).toBeLessThanOrEqual(Math.min(b, e.price));
      }),
    );
  });

  it('more quantity never makes a unit dearer (quantity breaks are monotone)', () => {
    fc.assert(
      fc.property(base, qty, qty, fc.array(entry, { maxLength: 12 }), context, (b, q1, q2, es, ctx) => {
        const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
        expect(resolvePrice(b, hi, es, ctx).price).toBeLessThanOrEqual(resolvePrice(b, lo, es, ctx).price);
      }),
    );
  });

  it('lists that do not apply change nothing; without a customer only store lists count', () => {
    fc.assert(
      fc.property(base, qty, fc.array(entry, { maxLength: 12 }), context, (b, q, es, ctx) => {
        const applying = es.filter((e) => listApplies(e.list.target, ctx));
        expect(resolvePrice(b, q, es, ctx)).toEqual(resolvePrice(b, q, applying, ctx));
        const walkIn = resolvePrice(b, q, es, { ...ctx, customer: null });
        if (walkIn.list) expect(walkIn.list.target.kind).toBe('store');
      }),
    );
  });

  it('does not depend on the order of the entries (ties go to the smaller list id)', () => {
    fc.assert(
      fc.property(base, qty, fc.array(entry, { maxLength: 12 }), context, (b, q, es, ctx) => {
        expect(resolvePrice(b, q, [...es].reverse(), ctx)).toEqual(resolvePrice(b, q, es, ctx));
      }),
    );
  });

  it('examples: member price, wholesale break, a list above the shelf price is ignored', () => {
    const member = { id: 'l1', name: 'Member price', nameZh: '会员价', target: { kind: 'members' as const } };
    const wholesale = { id: 'l2', name: 'Wholesale', nameZh: '批发价', target: { kind: 'group' as const, groupId: 'g-wholesale' } };
    const es: PriceEntry[] = [
      { list: member, minQty: 0, price: 900 },
      { list: wholesale, minQty: 10_000, price: 700 },
      { list: wholesale, minQty: 0, price: 1200 },
    ];
    const walkIn = { customer: null, storeId: '' };
    expect(resolvePrice(1000, 1000, es, walkIn)).toEqual({ price: 1000, list: null });
    expect(resolvePrice(1000, 1000, es, { customer: { groupId: null }, storeId: '' })).toEqual({ price: 900, list: member });
    expect(resolvePrice(1000, 9000, es, { customer: { groupId: 'g-wholesale' }, storeId: '' })).toEqual({ price: 900, list: member });
    expect(resolvePrice(1000, 10_000, es, { customer: { groupId: 'g-wholesale' }, storeId: '' })).toEqual({ price: 700, list: wholesale });
  });
});
