import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT, MAX_CART_AMOUNT, MAX_LINE_AMOUNT, MAX_QTY } from '../../src/shared/money';
import {
  allocate,
  amountLimitBreach,
  discountAmount,
  mulDivRound,
  priceCart,
  quickCashAmounts,
  settle,
  type Discount,
  type PriceInput,
  type PriceMode,
  type PricedCart,
  type TenderKind,
} from '../../src/shared/pricing';

const RUNS = { numRuns: 500 };

/** Half-up rounding of a / b in exact integer arithmetic: the oracle is independent of divRound. */
function roundDiv(a: number, b: number): number {
  const A = BigInt(a);
  const B = BigInt(b);
  return Number((2n * A + B) / (2n * B));
}
const shelf = (unitPrice: number, qty: number) => roundDiv(unitPrice * qty, 1000);

const TAX_RATES = [0, 500, 900, 1300, 2000, 2500];

const discountArb: fc.Arbitrary<Discount> = fc.oneof(
  fc.record({ kind: fc.constant('percent' as const), bp: fc.integer({ min: 0, max: 10000 }) }),
  // Amounts larger than any line, so the cap is exercised.
  fc.record({ kind: fc.constant('amount' as const), minor: fc.integer({ min: 0, max: 6_000_000 }) }),
);

const lineArb = (withDiscounts: boolean) =>
  fc.record({
    unitPrice: fc.integer({ min: 0, max: 100_000 }),
    qty: fc.integer({ min: 1, max: 50_000 }),
    taxRateBp: fc.constantFrom(...TAX_RATES),
    discount: withDiscounts ? fc.option(discountArb, { nil: null }) : fc.constant(null),
  });

const cartArb = (opts: { mode?: PriceMode; discounts: boolean }): fc.Arbitrary<PriceInput> =>
  fc.record({
    mode: opts.mode ? fc.constant(opts.mode) : fc.constantFrom<PriceMode>('inclusive', 'exclusive'),
    lines: fc.array(lineArb(opts.discounts), { minLength: 1, maxLength: 30 }).map((ls) => ls.map((l, i) => ({ id: `L${i}`, ...l }))),
    cartDiscount: opts.discounts ? fc.option(discountArb, { nil: null }) : fc.constant(null),
  });

function allAmounts(p: PricedCart): number[] {
  return [
    p.subtotal,
    p.discountTotal,
    p.taxTotal,
    p.total,
    ...p.taxes.flatMap((t) => [t.base, t.tax]),
    ...p.lines.flatMap((l) => [l.gross, l.lineDiscount, l.cartDiscount, l.net, l.tax, l.total]),
  ];
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('priceCart properties', () => {
  it('the total is the sum of the line totals, and the subtotal the sum of the shelf amounts', () => {
    fc.assert(
      fc.property(cartArb({ discounts: true }), (input) => {
        const p = priceCart(input);
        expect(p.lines).toHaveLength(input.lines.length);
        expect(p.total).toBe(sum(p.lines.map((l) => l.total)));
        expect(p.subtotal).toBe(sum(input.lines.map((l) => shelf(l.unitPrice, l.qty))));
        p.lines.forEach((l, i) => expect(l.gross).toBe(shelf(input.lines[i]!.unitPrice, input.lines[i]!.qty)));
        expect(p.discountTotal).toBe(sum(p.lines.map((l) => l.lineDiscount + l.cartDiscount)));
      }),
      RUNS,
    );
  });

  it('inclusive prices without discounts: the customer pays exactly the shelf prices', () => {
    fc.assert(
      fc.property(cartArb({ mode: 'inclusive', discounts: false }), (input) => {
        const p = priceCart(input);
        expect(p.total).toBe(sum(input.lines.map((l) => shelf(l.unitPrice, l.qty))));
        expect(p.discountTotal).toBe(0);
      }),
      RUNS,
    );
  });

  it('inclusive prices with discounts: the customer pays exactly shelf − discounts', () => {
    fc.assert(
      fc.property(cartArb({ mode: 'inclusive', discounts: true }), (input) => {
        const p = priceCart(input);
        const shelfTotal = sum(input.lines.map((l) => shelf(l.unitPrice, l.qty)));
        expect(p.total).toBe(shelfTotal - p.discountTotal);
        // Tax is inside the price: it never adds to what the customer pays.
        expect(p.taxTotal).toBeLessThanOrEqual(p.total);
      }),
      RUNS,
    );
  });

  it('exclusive prices: total = net + tax, per line and for the cart', () => {
    fc.assert(
      fc.property(cartArb({ mode: 'exclusive', discounts: true }), (input) => {
        const p = priceCart(input);
        for (const l of p.lines) expect(l.total).toBe(l.net + l.tax);
        expect(p.total).toBe(sum(p.lines.map((l) => l.net)) + p.taxTotal);
        expect(p.total).toBe(p.subtotal - p.discountTotal + p.taxTotal);
      }),
      RUNS,
    );
  });

  it('the tax breakdown per rate sums to the tax total and equals the sum of the line taxes', () => {
    fc.assert(
      fc.property(cartArb({ discounts: true }), (input) => {
        const p = priceCart(input);
        expect(sum(p.taxes.map((t) => t.tax))).toBe(p.taxTotal);
        expect(sum(p.lines.map((l) => l.tax))).toBe(p.taxTotal);
        const rates = [...new Set(input.lines.map((l) => l.taxRateBp))].sort((a, b) => a - b);
        expect(p.taxes.map((t) => t.rateBp)).toEqual(rates);
        for (const bucket of p.taxes) {
          const lines = p.lines.filter((l) => l.taxRateBp === bucket.rateBp);
          expect(bucket.tax).toBe(sum(lines.map((l) => l.tax)));
          const net = sum(lines.map((l) => l.net));
          // The bucket's tax is the rate applied once to the bucket's base (half-up).
          const expected =
            bucket.rateBp === 0
              ? 0
              : input.mode === 'inclusive'
                ? roundDiv(net * bucket.rateBp, 10000 + bucket.rateBp)
                : roundDiv(net * bucket.rateBp, 10000);
          expect(bucket.tax).toBe(expected);
          expect(bucket.base).toBe(input.mode === 'inclusive' ? net - bucket.tax : net);
          if (bucket.rateBp === 0) expect(bucket.tax).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('no amount is ever negative or fractional', () => {
    fc.assert(
      fc.property(cartArb({ discounts: true }), (input) => {
        for (const amount of allAmounts(priceCart(input))) {
          expect(Number.isSafeInteger(amount)).toBe(true);
          expect(amount).toBeGreaterThanOrEqual(0);
        }
      }),
      RUNS,
    );
  });

  it('discounts never exceed the amount they apply to', () => {
    fc.assert(
      fc.property(cartArb({ discounts: true }), (input) => {
        const p = priceCart(input);
        p.lines.forEach((l, i) => {
          expect(l.lineDiscount).toBeLessThanOrEqual(l.gross);
          expect(l.cartDiscount).toBeLessThanOrEqual(l.gross - l.lineDiscount);
          expect(l.net).toBe(l.gross - l.lineDiscount - l.cartDiscount);
          // The line's own discount is what the clerk asked for, capped at the line.
          const d = input.lines[i]!.discount;
          if (!d) expect(l.lineDiscount).toBe(0);
          else if (d.kind === 'amount') expect(l.lineDiscount).toBe(Math.min(d.minor, l.gross));
          else expect(l.lineDiscount).toBe(Math.min(l.gross, roundDiv(l.gross * d.bp, 10000)));
        });
        const afterLine = sum(p.lines.map((l) => l.gross - l.lineDiscount));
        const cartDiscount = sum(p.lines.map((l) => l.cartDiscount));
        expect(cartDiscount).toBeLessThanOrEqual(afterLine);
        const cd = input.cartDiscount;
        if (!cd) expect(cartDiscount).toBe(0);
        else if (cd.kind === 'amount') expect(cartDiscount).toBe(Math.min(cd.minor, afterLine));
        else expect(cartDiscount).toBe(Math.min(afterLine, roundDiv(afterLine * cd.bp, 10000)));
        expect(p.discountTotal).toBeLessThanOrEqual(p.subtotal);
      }),
      RUNS,
    );
  });

  it('a cart discount is spread over the lines in proportion (each within one minor unit)', () => {
    fc.assert(
      fc.property(cartArb({ discounts: true }), (input) => {
        const p = priceCart(input);
        const bases = p.lines.map((l) => l.gross - l.lineDiscount);
        const total = sum(bases);
        const cartDiscount = sum(p.lines.map((l) => l.cartDiscount));
        if (total === 0) return;
        p.lines.forEach((l, i) => {
          const exact = (cartDiscount * bases[i]!) / total;
          expect(Math.abs(l.cartDiscount - exact)).toBeLessThan(1);
        });
      }),
      RUNS,
    );
  });
});

describe('settle properties', () => {
  const tenderArb = fc.record({
    kind: fc.constantFrom<TenderKind>('cash', 'card_external', 'card_integrated'),
    amount: fc.integer({ min: 0, max: 2_000_000 }),
  });

  it('change is never negative, comes only from cash, and due + paid covers the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(tenderArb, { minLength: 0, maxLength: 6 }), (total, tenders) => {
        const s = settle(total, tenders);
        const cash = sum(tenders.filter((t) => t.kind === 'cash').map((t) => t.amount));
        const other = sum(tenders.filter((t) => t.kind !== 'cash').map((t) => t.amount));
        expect(s.change).toBeGreaterThanOrEqual(0);
        expect(s.change).toBeLessThanOrEqual(cash);
        if (cash === 0) expect(s.change).toBe(0);
        expect(s.due).toBeGreaterThanOrEqual(0);
        expect(s.paid).toBe(cash + other);
        expect(s.due + s.paid).toBeGreaterThanOrEqual(total);
        expect(s.overpaidByCard).toBe(other > total);
        // A completed sale keeps exactly the total in the till and on the cards.
        if (s.due === 0 && !s.overpaidByCard) expect(s.paid - s.change).toBe(total);
        if (s.due > 0) expect(s.change).toBe(0);
        for (const v of [s.paid, s.due, s.change]) expect(Number.isSafeInteger(v)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('allocate properties', () => {
  it('the parts add up exactly and are each within one of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          const wsum = sum(weights);
          expect(parts).toHaveLength(weights.length);
          for (const p of parts) {
            expect(Number.isSafeInteger(p)).toBe(true);
            expect(p).toBeGreaterThanOrEqual(0);
          }
          if (wsum === 0) {
            expect(parts.every((p) => p === 0)).toBe(true);
            return;
          }
          expect(sum(parts)).toBe(total);
          parts.forEach((p, i) => {
            const exact = (total * weights[i]!) / wsum;
            expect(Math.abs(p - exact)).toBeLessThan(1);
            if (weights[i] === 0) expect(p).toBe(0);
          });
        },
      ),
      RUNS,
    );
  });
});

describe('hand-checked examples', () => {
  it('20% tax inside a 1.00 price is 0.17', () => {
    const p = priceCart({ mode: 'inclusive', lines: [{ id: 'a', unitPrice: 100, qty: 1000, taxRateBp: 2000 }] });
    expect(p).toMatchObject({ subtotal: 100, total: 100, taxTotal: 17, discountTotal: 0 });
    expect(p.taxes).toEqual([{ rateBp: 2000, base: 83, tax: 17 }]);
  });

  it('20% tax on top of a 1.00 price makes 1.20', () => {
    const p = priceCart({ mode: 'exclusive', lines: [{ id: 'a', unitPrice: 100, qty: 1000, taxRateBp: 2000 }] });
    expect(p).toMatchObject({ subtotal: 100, total: 120, taxTotal: 20 });
    expect(p.taxes).toEqual([{ rateBp: 2000, base: 100, tax: 20 }]);
  });

  it('a weighed line rounds half up: 2.99/kg × 0.532 kg = 1.59, 0.01 × 1.5 = 0.02', () => {
    const p = priceCart({
      mode: 'inclusive',
      lines: [
        { id: 'a', unitPrice: 299, qty: 532, taxRateBp: 500 },
        { id: 'b', unitPrice: 1, qty: 1500, taxRateBp: 0 },
      ],
    });
    expect(p.lines.map((l) => l.gross)).toEqual([159, 2]);
    expect(p.total).toBe(161);
    // 5% inside 1.59 = 7.57… → 0.08; the 0% line carries no tax.
    expect(p.taxes).toEqual([
      { rateBp: 0, base: 2, tax: 0 },
      { rateBp: 500, base: 151, tax: 8 },
    ]);
  });

  it('a 10% cart discount on 3.00 + 1.00 takes 0.30 and 0.10', () => {
    const p = priceCart({
      mode: 'inclusive',
      lines: [
        { id: 'a', unitPrice: 300, qty: 1000, taxRateBp: 2000 },
        { id: 'b', unitPrice: 100, qty: 1000, taxRateBp: 2000 },
      ],
      cartDiscount: { kind: 'percent', bp: 1000 },
    });
    expect(p.lines.map((l) => l.cartDiscount)).toEqual([30, 10]);
    expect(p).toMatchObject({ subtotal: 400, discountTotal: 40, total: 360, taxTotal: 60 });
  });

  it('a 1.00 line discount and an amount larger than the line stay within the line', () => {
    expect(discountAmount(150, { kind: 'amount', minor: 100 })).toBe(100);
    expect(discountAmount(150, { kind: 'amount', minor: 999 })).toBe(150);
    expect(discountAmount(150, { kind: 'percent', bp: 3333 })).toBe(50); // 49.995 → 50
    expect(discountAmount(0, { kind: 'percent', bp: 5000 })).toBe(0);
  });

  it('tax is computed once per rate, not per line (three 0.10 items at 20% inclusive → 0.05)', () => {
    const line = { unitPrice: 10, qty: 1000, taxRateBp: 2000 };
    const p = priceCart({ mode: 'inclusive', lines: [0, 1, 2].map((i) => ({ id: `l${i}`, ...line })) });
    // Per line it would be 3 × round(1.67) = 6; on the summed 0.30 it is round(5.0) = 5.
    expect(p.taxTotal).toBe(5);
    expect(p.lines.map((l) => l.tax)).toEqual([2, 2, 1]);
  });

  it('settle: 6.25 paid with 10.00 cash gives 3.75 change; a card never gives change', () => {
    expect(settle(625, [{ kind: 'cash', amount: 1000 }])).toEqual({ paid: 1000, due: 0, change: 375, overpaidByCard: false });
    expect(settle(625, [{ kind: 'card_external', amount: 700 }])).toMatchObject({ change: 0, overpaidByCard: true });
    expect(
      settle(625, [
        { kind: 'card_external', amount: 400 },
        { kind: 'cash', amount: 300 },
      ]),
    ).toMatchObject({ due: 0, change: 75 });
    expect(settle(625, [{ kind: 'cash', amount: 500 }])).toMatchObject({ due: 125, change: 0 });
  });

  it('quick cash: the exact amount and the notes a customer hands over', () => {
    expect(quickCashAmounts(625, 'USD')).toEqual([625, 1000, 2000, 5000]);
    expect(quickCashAmounts(3.5 * 100, 'USD')).toEqual([350, 500, 1000, 2000]);
  });

  it('quick cash in yuan offers the ¥50 and ¥100 notes, not ¥25 and ¥30', () => {
    const amounts = quickCashAmounts(2050, 'CNY');
    expect(amounts[0]).toBe(2050);
    expect(amounts).toContain(5000);
    expect(amounts).toContain(10000);
    expect(amounts).not.toContain(2500);
    expect(amounts).not.toContain(3000);
    expect(quickCashAmounts(6800, 'CNY')).toEqual([6800, 7000, 8000, 10000]);
  });

  it('quick cash in a yen store (no minor digits) offers notes above the due, not only the exact amount', () => {
    // ¥1,200 due: a customer hands over ¥2,000, ¥5,000 or ¥10,000.
    const amounts = quickCashAmounts(1200, 'JPY');
    expect(amounts[0]).toBe(1200);
    expect(amounts.filter((a) => a > 1200).length).toBeGreaterThan(0);
  });
});

describe('amounts within the limits stay safe integers', () => {
  // Lines at the edges of the contract (a price up to 10^9, a quantity up to 10^8 thousandths),
  // kept to those within the line limit, in carts within the sale limit.
  const bigLine = fc
    .record({
      unitPrice: fc.oneof(fc.integer({ min: 0, max: MAX_AMOUNT }), fc.constantFrom(MAX_AMOUNT, 999_999_999, 1)),
      qty: fc.oneof(fc.integer({ min: 1, max: MAX_QTY }), fc.constantFrom(MAX_QTY, 1, 10_000)),
      taxRateBp: fc.constantFrom(0, 500, 2000, 10000),
      discount: fc.option(
        fc.oneof(
          fc.record({ kind: fc.constant('percent' as const), bp: fc.integer({ min: 0, max: 10000 }) }),
          fc.record({ kind: fc.constant('amount' as const), minor: fc.integer({ min: 0, max: MAX_AMOUNT }) }),
        ),
        { nil: null },
      ),
    })
    .filter((l) => shelf(l.unitPrice, l.qty) <= MAX_LINE_AMOUNT);
  const bigCart: fc.Arbitrary<PriceInput> = fc.record({
    mode: fc.constantFrom<PriceMode>('inclusive', 'exclusive'),
    lines: fc.array(bigLine, { minLength: 1, maxLength: 12 }).map((ls) => ls.map((l, i) => ({ id: `L${i}`, ...l }))),
    cartDiscount: fc.option(fc.record({ kind: fc.constant('percent' as const), bp: fc.integer({ min: 0, max: 10000 }) }), { nil: null }),
  });

  it('every amount priceCart returns is a safe integer, exact, and the limits check agrees', () => {
    fc.assert(
      fc.property(bigCart, (input) => {
        const p = priceCart(input);
        for (const a of allAmounts(p)) expect(Number.isSafeInteger(a)).toBe(true);
        p.lines.forEach((l, i) => expect(l.gross).toBe(shelf(input.lines[i]!.unitPrice, input.lines[i]!.qty)));
        expect(p.total).toBe(sum(p.lines.map((l) => l.total)));
        expect(sum(p.lines.map((l) => l.cartDiscount))).toBe(
          discountAmount(sum(p.lines.map((l) => l.gross - l.lineDiscount)), input.cartDiscount),
        );
        const within = p.subtotal <= MAX_CART_AMOUNT && p.total <= MAX_CART_AMOUNT;
        expect(amountLimitBreach(input.lines, p) === null).toBe(within);
      }),
      RUNS,
    );
  });

  it('a line past the limit is reported, with its id', () => {
    const lines = [{ id: 'gold', unitPrice: MAX_AMOUNT, qty: MAX_QTY, taxRateBp: 0 }];
    const p = priceCart({ mode: 'inclusive', lines });
    expect(p.subtotal).toBe(MAX_AMOUNT * (MAX_QTY / 1000));
    expect(amountLimitBreach(lines, p)).toEqual({ lineId: 'gold', limit: MAX_LINE_AMOUNT });
  });

  it('a product past 2^53 is rounded exactly, and allocation past it still adds up', () => {
    // 999 999 999 × 99 999 999 = 99 999 998 900 000 001: floating point would lose the last digits.
    expect(mulDivRound(999_999_999, 99_999_999, 1000)).toBe(Number((2n * 999_999_999n * 99_999_999n + 1000n) / 2000n));
    expect(mulDivRound(999_999_999, 99_999_999, 1000)).toBe(99_999_998_900_000);
    const parts = allocate(MAX_CART_AMOUNT - 1, [MAX_LINE_AMOUNT - 7, 3, MAX_LINE_AMOUNT - 1]);
    expect(sum(parts)).toBe(MAX_CART_AMOUNT - 1);
    for (const x of parts) expect(Number.isSafeInteger(x)).toBe(true);
  });
});
