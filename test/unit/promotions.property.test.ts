import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT } from '../../src/shared/money';
import { discountAmount, lineGross, type Discount } from '../../src/shared/pricing';
import {
  applyPromotions,
  buildPromotionIndex,
  promotionApplies,
  refundForReturn,
  type Promotion,
  type PromotionContext,
  type PromotionLine,
  type PromotionRule,
  type PromotionResult,
} from '../../src/shared/promotions';
import { ALL, categories, category, ctx, line, product, products, promo } from '../support/promotions';

const RUNS = { numRuns: 300 };
const PRODUCTS = 6;
const CATEGORIES = 3;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const discountArb: fc.Arbitrary<Discount> = fc.oneof(
  fc.record({ kind: fc.constant('percent' as const), bp: fc.integer({ min: 0, max: 10000 }) }),
  fc.record({ kind: fc.constant('amount' as const), minor: fc.integer({ min: 0, max: 300_000 }) }),
);

const scopeArb = fc.oneof(
  fc.constant(ALL),
  fc.uniqueArray(fc.integer({ min: 0, max: PRODUCTS - 1 }), { minLength: 1, maxLength: 3 }).map((ns) => products(...ns)),
  fc.uniqueArray(fc.integer({ min: 0, max: CATEGORIES - 1 }), { minLength: 1, maxLength: 2 }).map((ns) => categories(...ns)),
);
const maxApplications = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined });

const ruleArb: fc.Arbitrary<PromotionRule> = fc.oneof(
  fc.record({ kind: fc.constant('percent_off' as const), scope: scopeArb, bp: fc.integer({ min: 1, max: 10000 }) }),
  fc.record({ kind: fc.constant('amount_off' as const), scope: scopeArb, minorPerUnit: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({
    kind: fc.constant('buy_x_get_y' as const),
    scope: scopeArb,
    buyQty: fc.integer({ min: 1, max: 3 }),
    getQty: fc.integer({ min: 1, max: 2 }),
    getBp: fc.integer({ min: 1, max: 10000 }),
    maxApplications,
  }),
  fc.record({
    kind: fc.constant('mix_match' as const),
    scope: scopeArb,
    qty: fc.integer({ min: 1, max: 4 }),
    price: fc.integer({ min: 0, max: 100_000 }),
    maxApplications,
  }),
  fc.record({
    kind: fc.constant('threshold' as const),
    scope: scopeArb,
    tiers: fc.uniqueArray(fc.record({ minSpend: fc.integer({ min: 0, max: 300_000 }), off: discountArb }), {
      minLength: 1,
      maxLength: 3,
      selector: (t) => t.minSpend,
    }),
  }),
  fc.record({
    kind: fc.constant('bundle' as const),
    items: fc.uniqueArray(
      fc.record({ productId: fc.integer({ min: 0, max: PRODUCTS - 1 }).map(product), qty: fc.integer({ min: 1, max: 3 }) }),
      { minLength: 1, maxLength: 3, selector: (i) => i.productId },
    ),
    price: fc.integer({ min: 0, max: 100_000 }),
    maxApplications,
  }),
);

const promoArb: fc.Arbitrary<Promotion> = fc
  .record({
    rule: ruleArb,
    stacking: fc.constantFrom('exclusive' as const, 'stackable' as const),
    priority: fc.integer({ min: 0, max: 3 }),
    memberOnly: fc.boolean(),
  })
  .map(({ rule, memberOnly, ...over }) => promo(rule, { ...over, ...(memberOnly ? { conditions: { memberOnly: true } } : {}) }));

const lineArb = fc
  .record({
    product: fc.integer({ min: 0, max: PRODUCTS - 1 }),
    categorised: fc.boolean(),
    unitPrice: fc.integer({ min: 0, max: 100_000 }),
    weighed: fc.boolean(),
    pieces: fc.integer({ min: 1, max: 12 }),
    thousandths: fc.integer({ min: 1, max: 50_000 }),
    manual: fc.option(discountArb, { nil: null }),
  })
  .map((l) => ({
    ...l,
    unit: l.weighed ? ('kg' as const) : ('each' as const),
    qty: l.weighed ? l.thousandths : l.pieces * 1000,
  }));

const cartArb: fc.Arbitrary<PromotionLine[]> = fc.array(lineArb, { minLength: 1, maxLength: 12 }).map((ls) =>
  ls.map((l, i) =>
    line(`L${i}`, product(l.product), l.unitPrice, l.qty, {
      unit: l.unit,
      categoryId: l.categorised ? category(l.product % CATEGORIES) : null,
      manualDiscount: l.manual,
    }),
  ),
);

const contextArb: fc.Arbitrary<PromotionContext> = fc.boolean().map((member) => ctx({ customer: { member } }));

const run = (lines: PromotionLine[], promos: Promotion[], context: PromotionContext) =>
  applyPromotions(lines, buildPromotionIndex(promos), context);

/** What a line costs before promotions: its shelf amount less the manual discount. */
const amountOf = (l: PromotionLine) => lineGross(l) - discountAmount(lineGross(l), l.manualDiscount);

function checkInvariants(lines: PromotionLine[], r: PromotionResult) {
  expect(r.lines.map((l) => l.lineId)).toEqual(lines.map((l) => l.id));
  r.lines.forEach((l, i) => {
    expect(l.amount).toBe(amountOf(lines[i]!));
    expect(l.discount).toBeGreaterThanOrEqual(0);
    expect(l.discount).toBeLessThanOrEqual(l.amount);
    for (const s of l.promotions) expect(s.amount).toBeGreaterThan(0);
    expect(sum(l.promotions.map((s) => s.amount))).toBe(l.discount);
  });
  expect(r.discountTotal).toBe(sum(r.lines.map((l) => l.discount)));
  expect(r.discountTotal).toBeLessThanOrEqual(sum(r.lines.map((l) => l.amount)));
  expect(sum(r.applied.map((a) => a.amount))).toBe(r.discountTotal);
  expect(new Set(r.applied.map((a) => a.promotionId)).size).toBe(r.applied.length);
  for (const a of r.applied) {
    const carrying = r.lines.filter((l) => l.promotions.some((s) => s.promotionId === a.promotionId));
    // The explanation names exactly the lines that carry the promotion, and its amount is their shares' sum.
    expect(a.lineIds).toEqual(carrying.map((l) => l.lineId));
    expect(a.amount).toBe(sum(carrying.flatMap((l) => l.promotions.filter((s) => s.promotionId === a.promotionId).map((s) => s.amount))));
  }
}

describe('applyPromotions properties', () => {
  it('no line is discounted below zero or past its amount, and the explanation adds up exactly', () => {
    fc.assert(
      fc.property(cartArb, fc.array(promoArb, { maxLength: 8 }), contextArb, (lines, promos, context) => {
        checkInvariants(lines, run(lines, promos, context));
      }),
      RUNS,
    );
  });

  it('without promotions nothing changes', () => {
    fc.assert(
      fc.property(cartArb, contextArb, (lines, context) => {
        const r = run(lines, [], context);
        expect(r.discountTotal).toBe(0);
        expect(r.applied).toEqual([]);
        r.lines.forEach((l, i) => expect(l).toEqual({ lineId: lines[i]!.id, amount: amountOf(lines[i]!), discount: 0, promotions: [] }));
      }),
      RUNS,
    );
  });

  it('the chosen combination gives at least what any single promotion gives alone', () => {
    fc.assert(
      fc.property(cartArb, fc.array(promoArb, { minLength: 1, maxLength: 6 }), discountArb, contextArb, (lines, drawn, off, context) => {
        // A tier the whole cart just reaches: any earlier discount that stacks under it loses it,
        // the case where stacking in priority order is worse than one promotion alone.
        const edge = promo({ kind: 'threshold', scope: ALL, tiers: [{ minSpend: Math.min(MAX_AMOUNT, sum(lines.map(amountOf))), off }] });
        const promos = [...drawn, edge];
        const best = run(lines, promos, context).discountTotal;
        for (const p of promos) expect(best).toBeGreaterThanOrEqual(run(lines, [p], context).discountTotal);
      }),
      RUNS,
    );
  });

  it('a line that carries an exclusive promotion carries nothing else', () => {
    fc.assert(
      fc.property(cartArb, fc.array(promoArb, { maxLength: 8 }), contextArb, (lines, promos, context) => {
        const exclusive = new Set(promos.filter((p) => p.stacking === 'exclusive').map((p) => p.id));
        for (const l of run(lines, promos, context).lines)
          if (l.promotions.some((s) => exclusive.has(s.promotionId))) expect(l.promotions).toHaveLength(1);
      }),
      RUNS,
    );
  });

  it('member-only promotions never apply without a member', () => {
    fc.assert(
      fc.property(cartArb, fc.array(promoArb, { maxLength: 8 }), (lines, promos) => {
        const memberOnly = new Set(promos.filter((p) => p.conditions?.memberOnly).map((p) => p.id));
        for (const a of run(lines, promos, ctx({ customer: { member: false } })).applied) expect(memberOnly.has(a.promotionId)).toBe(false);
      }),
      RUNS,
    );
  });

  it('a cart-level tier is spread over the lines in proportion to their amounts, within a minor unit, summing exactly', () => {
    fc.assert(
      fc.property(cartArb, discountArb, (lines, off) => {
        const p = promo({ kind: 'threshold', scope: ALL, tiers: [{ minSpend: 0, off }] });
        const r = run(lines, [p], ctx());
        const amounts = lines.map(amountOf);
        const spend = sum(amounts);
        const total = discountAmount(spend, off);
        expect(r.discountTotal).toBe(total);
        if (spend === 0) return;
        r.lines.forEach((l, i) => expect(Math.abs(l.discount - (total * amounts[i]!) / spend)).toBeLessThan(1));
      }),
      RUNS,
    );
  });

  it('a happy hour 17:00–19:00 follows the store time zone, not UTC', () => {
    const happy = promo({ kind: 'percent_off', scope: ALL, bp: 1000 }, { conditions: { hours: [{ from: '17:00', to: '19:00' }] } });
    const zones = [
      { tz: 'Asia/Shanghai', offsetMin: 8 * 60 },
      { tz: 'UTC', offsetMin: 0 },
      { tz: 'Asia/Kolkata', offsetMin: 5 * 60 + 30 },
    ];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), (now, zone) => {
        const localMinute = (((Math.floor(now / 60_000) + zone.offsetMin) % 1440) + 1440) % 1440;
        const expected = localMinute >= 17 * 60 && localMinute < 19 * 60;
        expect(promotionApplies(happy, ctx({ now, timeZone: zone.tz }))).toBe(expected);
        const r = run([line('A', product(0), 1000, 1000)], [happy], ctx({ now, timeZone: zone.tz }));
        expect(r.discountTotal).toBe(expected ? 100 : 0);
      }),
      RUNS,
    );
  });
});

describe('refundForReturn properties', () => {
  const soldArb = fc
    .record({
      qty: fc.integer({ min: 1, max: 100_000 }),
      amount: fc.integer({ min: 0, max: 1_000_000_000 }),
      ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ qty, amount, ratio }) => ({ lineId: 'L', qty, amount, discount: Math.floor(amount * ratio) }));

  it('a full return refunds exactly what was paid', () => {
    fc.assert(
      fc.property(soldArb, (sold) => {
        const [r] = refundForReturn([sold], [{ lineId: 'L', qty: sold.qty }]);
        expect(r).toEqual({ lineId: 'L', qty: sold.qty, refund: sold.amount - sold.discount });
      }),
      RUNS,
    );
  });

  it('partial returns, in one call or over several, are each pro rata within a minor unit and never refund more than was paid', () => {
    fc.assert(
      fc.property(soldArb, fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 8 }), (sold, asks) => {
        const paid = sold.amount - sold.discount;
        // Several returns, each its own call that knows what earlier ones took back.
        let returnedQty = 0;
        let refunded = 0;
        for (const ask of asks) {
          const [r] = refundForReturn([{ ...sold, returnedQty }], [{ lineId: 'L', qty: ask }]);
          expect(r!.qty).toBe(Math.min(ask, sold.qty - returnedQty));
          expect(r!.refund).toBeGreaterThanOrEqual(0);
          expect(Math.abs(r!.refund - (paid * r!.qty) / sold.qty)).toBeLessThanOrEqual(1);
          returnedQty += r!.qty;
          refunded += r!.refund;
        }
        expect(refunded).toBeLessThanOrEqual(paid);
        // The same returns in one call refund the same amounts.
        const once = refundForReturn(
          [sold],
          asks.map((qty) => ({ lineId: 'L', qty })),
        );
        expect(sum(once.map((r) => r.refund))).toBe(refunded);
        // Returning what is left completes the refund exactly.
        const [rest] = refundForReturn([{ ...sold, returnedQty }], [{ lineId: 'L', qty: sold.qty }]);
        expect(refunded + rest!.refund).toBe(paid);
      }),
      RUNS,
    );
  });

  it('a sale priced by the engine refunds, line by line, exactly what the customer paid', () => {
    fc.assert(
      fc.property(cartArb, fc.array(promoArb, { maxLength: 6 }), (lines, promos) => {
        const r = run(lines, promos, ctx({ customer: { member: true } }));
        const sold = r.lines.map((l, i) => ({
          lineId: l.lineId,
          qty: lines[i]!.qty,
          amount: lineGross(lines[i]!),
          discount: lineGross(lines[i]!) - l.amount + l.discount,
        }));
        const refunds = refundForReturn(
          sold,
          sold.map((s) => ({ lineId: s.lineId, qty: s.qty })),
        );
        expect(sum(refunds.map((x) => x.refund))).toBe(sum(r.lines.map((l) => l.amount)) - r.discountTotal);
      }),
      RUNS,
    );
  });
});
