import { describe, expect, it } from 'vitest';
import {
  applyPromotions,
  buildPromotionIndex,
  MAX_EXCLUSIVE_TRIALS,
  promotionApplies,
  promotionSchema,
  refundForReturn,
  type Promotion,
  type PromotionContext,
  type PromotionLine,
} from '../../src/shared/promotions';
import { ALL, categories, category, ctx, line, product, products, promo, SHANGHAI, uid } from '../support/promotions';

const run = (lines: PromotionLine[], promos: Promotion[], context: PromotionContext = ctx()) =>
  applyPromotions(lines, buildPromotionIndex(promos), context);
const discounts = (r: ReturnType<typeof run>) => r.lines.map((l) => l.discount);

const halfOffSecond = (over: Partial<Promotion> = {}) =>
  promo({ kind: 'buy_x_get_y', scope: products(1), buyQty: 1, getQty: 1, getBp: 5000 }, { name: '第二件半价', ...over });
const tiers = (over: Partial<Promotion> = {}) =>
  promo(
    {
      kind: 'threshold',
      scope: ALL,
      tiers: [
        { minSpend: 10000, off: { kind: 'amount', minor: 2000 } },
        { minSpend: 20000, off: { kind: 'amount', minor: 5000 } },
      ],
    },
    { name: '满100减20，满200减50', ...over },
  );

describe('classic promotions', () => {
  it('第二件半价 on 2 × ¥10 takes ¥5.00 off and explains it on the line', () => {
    const p = halfOffSecond();
    const r = run([line('L1', product(1), 1000, 2000)], [p]);
    expect(r.discountTotal).toBe(500);
    expect(r.lines[0]).toEqual({ lineId: 'L1', amount: 2000, discount: 500, promotions: [{ promotionId: p.id, amount: 500 }] });
    expect(r.applied).toEqual([{ promotionId: p.id, name: '第二件半价', amount: 500, lineIds: ['L1'] }]);
  });

  it('第二件半价 halves the cheaper item and spreads the discount over both by value; an odd third item gets nothing', () => {
    const r = run(
      [line('A', product(1), 1000, 1000), line('B', product(1), 800, 1000), line('C', product(2), 900, 1000)],
      [halfOffSecond()],
    );
    // Half of the ¥8 item, shared 10 : 8 between the two items that made the pair.
    expect(r.discountTotal).toBe(400);
    expect(discounts(r)).toEqual([222, 178, 0]);
    const three = run([line('A', product(1), 1000, 3000)], [halfOffSecond()]);
    expect(three.discountTotal).toBe(500);
  });

  it('满100减20 / 满200减50: the highest tier reached applies once, spread by amount', () => {
    const p = tiers();
    expect(run([line('A', product(1), 9999, 1000)], [p]).discountTotal).toBe(0);
    const r = run([line('A', product(1), 10000, 1000), line('B', product(2), 5000, 1000)], [p]);
    expect(r.discountTotal).toBe(2000);
    expect(discounts(r)).toEqual([1333, 667]);
    expect(run([line('A', product(1), 10000, 2000)], [p]).discountTotal).toBe(5000);
    expect(run([line('A', product(1), 10000, 9000)], [p]).discountTotal).toBe(5000);
  });

  it('a percent tier on a category: only the spend in scope counts and carries the discount', () => {
    const p = promo({ kind: 'threshold', scope: categories(1), tiers: [{ minSpend: 5000, off: { kind: 'percent', bp: 1000 } }] });
    const r = run(
      [line('A', product(1), 4000, 1000, { categoryId: category(1) }), line('B', product(2), 9000, 1000, { categoryId: category(2) })],
      [p],
    );
    expect(r.discountTotal).toBe(0);
    const r2 = run(
      [line('A', product(1), 6000, 1000, { categoryId: category(1) }), line('B', product(2), 9000, 1000, { categoryId: category(2) })],
      [p],
    );
    expect(discounts(r2)).toEqual([600, 0]);
  });

  it('three for the price of two: buy 2 get 1 free, the cheapest free, per complete group', () => {
    const p = promo({ kind: 'buy_x_get_y', scope: products(1, 2), buyQty: 2, getQty: 1, getBp: 10000 });
    expect(run([line('A', product(1), 500, 3000)], [p]).discountTotal).toBe(500);
    expect(run([line('A', product(1), 500, 7000)], [p]).discountTotal).toBe(1000);
    expect(run([line('A', product(1), 500, 2000), line('B', product(2), 300, 1000)], [p]).discountTotal).toBe(300);
    expect(run([line('A', product(1), 500, 2000)], [p]).discountTotal).toBe(0);
  });

  it('buy X get Y stops at maxApplications', () => {
    const p = promo({ kind: 'buy_x_get_y', scope: products(1), buyQty: 1, getQty: 1, getBp: 10000, maxApplications: 1 });
    expect(run([line('A', product(1), 500, 6000)], [p]).discountTotal).toBe(500);
  });

  it('mix and match: any 3 for ¥10 uses the dearest pieces, never a set worth less than the price', () => {
    const p = promo({ kind: 'mix_match', scope: categories(1), qty: 3, price: 1000 });
    const c1 = { categoryId: category(1) };
    const r = run([line('A', product(1), 400, 1000, c1), line('B', product(2), 500, 1000, c1), line('C', product(3), 600, 1000, c1)], [p]);
    expect(r.discountTotal).toBe(500);
    expect(r.lines.map((l) => l.amount - l.discount)).toEqual([267, 333, 400]);
    // The ¥1 item is left out of the set; the second set (¥1 + …) cannot form.
    const r4 = run([line('A', product(1), 600, 2000, c1), line('B', product(2), 500, 1000, c1), line('D', product(4), 100, 1000, c1)], [p]);
    expect(r4.discountTotal).toBe(700);
    expect(r4.lines[2]!.discount).toBe(0);
    // Three pieces worth ¥9 cost less than the offer: nothing.
    expect(run([line('A', product(1), 300, 3000, c1)], [p]).discountTotal).toBe(0);
    // Two sets of ¥4 pieces: 6 × ¥4 = ¥24 for ¥20.
    expect(run([line('A', product(1), 400, 6000, c1)], [p]).discountTotal).toBe(400);
  });

  it('bundle: burger + fries + 2 drinks for ¥35, as many complete bundles as the cart holds', () => {
    const p = promo({
      kind: 'bundle',
      items: [
        { productId: product(1), qty: 1 },
        { productId: product(2), qty: 1 },
        { productId: product(3), qty: 2 },
      ],
      price: 3500,
    });
    const cart = [line('B', product(1), 2500, 2000), line('F', product(2), 1000, 1000), line('D', product(3), 800, 2000)];
    const r = run(cart, [p]);
    expect(r.discountTotal).toBe(2500 + 1000 + 1600 - 3500);
    // Spread by the value of the bundled pieces (one of the two burgers): 2500 : 1000 : 1600.
    expect(r.lines.map((l) => l.discount)).toEqual([784, 314, 502]);
    expect(
      run([line('B', product(1), 2500, 1000), line('F', product(2), 1000, 1000), line('D', product(3), 800, 1000)], [p]).discountTotal,
    ).toBe(0);
    expect(
      run([...cart, line('B2', product(1), 2500, 1000), line('F2', product(2), 1000, 1000), line('D2', product(3), 800, 2000)], [p])
        .discountTotal,
    ).toBe(3200);
  });

  it('a weighed item with percent off: 0.750 kg at ¥39.80/kg, 10% off rounds half-up', () => {
    const p = promo({ kind: 'percent_off', scope: products(1), bp: 1000 });
    const r = run([line('W', product(1), 3980, 750, { unit: 'kg' })], [p]);
    expect(r.lines[0]!.amount).toBe(2985);
    expect(r.discountTotal).toBe(299);
  });

  it('weighed lines do not count as pieces in piece rules; amount off is per kg', () => {
    const bogo = promo({ kind: 'buy_x_get_y', scope: ALL, buyQty: 1, getQty: 1, getBp: 10000 });
    expect(run([line('W', product(1), 1000, 2000, { unit: 'kg' })], [bogo]).discountTotal).toBe(0);
    const off = promo({ kind: 'amount_off', scope: ALL, minorPerUnit: 200 });
    expect(run([line('W', product(1), 1000, 1500, { unit: 'kg' })], [off]).discountTotal).toBe(300);
  });

  it('promotions apply to what the manual discount leaves, and never past it', () => {
    const p = promo({ kind: 'amount_off', scope: ALL, minorPerUnit: 600 });
    const r = run([line('A', product(1), 1000, 1000, { manualDiscount: { kind: 'percent', bp: 5000 } })], [p]);
    expect(r.lines[0]).toMatchObject({ amount: 500, discount: 500 });
  });
});

describe('stacking and the best choice for the customer', () => {
  const cart = () => [line('A', product(1), 10000, 1000), line('B', product(2), 10000, 1000)];

  it('an exclusive promotion that beats the stackable ones takes its lines; the others keep theirs', () => {
    const tenAll = promo({ kind: 'percent_off', scope: ALL, bp: 1000 }, { priority: 5 });
    const thirtyA = promo({ kind: 'percent_off', scope: products(1), bp: 3000 }, { stacking: 'exclusive' });
    const r = run(cart(), [tenAll, thirtyA]);
    expect(discounts(r)).toEqual([3000, 1000]);
    expect(r.lines[0]!.promotions).toEqual([{ promotionId: thirtyA.id, amount: 3000 }]);
    expect(r.lines[1]!.promotions).toEqual([{ promotionId: tenAll.id, amount: 1000 }]);
  });

  it('an exclusive promotion worth less than what stacks on its lines is not used', () => {
    const tenAll = promo({ kind: 'percent_off', scope: ALL, bp: 1000 });
    const fiveOff = promo({ kind: 'amount_off', scope: products(1), minorPerUnit: 500 });
    const twelveA = promo({ kind: 'percent_off', scope: products(1), bp: 1200 }, { stacking: 'exclusive' });
    const r = run(cart(), [tenAll, fiveOff, twelveA]);
    // Stacked on A: 10% = 1000, then ¥5 = 500 → 1500 > 1200.
    expect(discounts(r)).toEqual([1500, 1000]);
    expect(r.applied.map((a) => a.promotionId)).not.toContain(twelveA.id);
  });

  it('stackable promotions apply in priority order, each on what the earlier ones left', () => {
    const tenAll = promo({ kind: 'percent_off', scope: ALL, bp: 1000 }, { priority: 9 });
    const p = tiers({ priority: 1 });
    const r = run([line('A', product(1), 10000, 1000), line('B', product(2), 5000, 1000)], [p, tenAll]);
    // 10% of ¥150 = ¥15, then ¥135 reaches 满100减20.
    expect(r.discountTotal).toBe(1500 + 2000);
    expect(r.applied.map((a) => a.promotionId)).toEqual([tenAll.id, p.id]);
  });

  it('an exclusive claim re-prices the stackable promotions it ripples into', () => {
    const t = tiers({ priority: 9 });
    const ninetyOffB = promo({ kind: 'amount_off', scope: products(2), minorPerUnit: 9000 }, { priority: 1 });
    const sixtyA = promo({ kind: 'percent_off', scope: products(1), bp: 6000 }, { stacking: 'exclusive' });
    const r = run(cart(), [t, ninetyOffB, sixtyA]);
    // Stacked only: ¥50 over both lines, then ¥75 left on B → 125. With ¥60 off A exclusively,
    // B alone reaches only 满100减20, which leaves ¥80 for the ¥90 off: 60 + 20 + 80 = 160.
    expect(discounts(r)).toEqual([6000, 10000]);
    expect(r.lines[1]!.promotions).toEqual([
      { promotionId: t.id, amount: 2000 },
      { promotionId: ninetyOffB.id, amount: 8000 },
    ]);
  });

  it('the result is never worse than the best promotion alone (stacking lost a tier)', () => {
    const onePercent = promo({ kind: 'percent_off', scope: ALL, bp: 100 }, { priority: 9 });
    const p = promo({ kind: 'threshold', scope: ALL, tiers: [{ minSpend: 20000, off: { kind: 'amount', minor: 5000 } }] });
    const r = run(cart(), [onePercent, p]);
    expect(r.discountTotal).toBe(5000);
    expect(r.applied.map((a) => a.promotionId)).toEqual([p.id]);
  });

  it('of two competing exclusive promotions the better one wins, whatever their priority', () => {
    const low = promo({ kind: 'percent_off', scope: products(1), bp: 2000 }, { stacking: 'exclusive', priority: 900 });
    const high = promo({ kind: 'percent_off', scope: products(1), bp: 2500 }, { stacking: 'exclusive', priority: 1 });
    expect(run(cart(), [low, high]).applied.map((a) => a.promotionId)).toEqual([high.id]);
  });

  it('equal results: the higher priority wins', () => {
    const a = promo({ kind: 'percent_off', scope: products(1), bp: 2000 }, { stacking: 'exclusive', priority: 1 });
    const b = promo({ kind: 'amount_off', scope: products(1), minorPerUnit: 2000 }, { stacking: 'exclusive', priority: 2 });
    expect(run(cart(), [a, b]).applied.map((x) => x.promotionId)).toEqual([b.id]);
  });

  it('two exclusive promotions on different lines both apply', () => {
    const a = promo({ kind: 'percent_off', scope: products(1), bp: 2000 }, { stacking: 'exclusive' });
    const b = promo({ kind: 'percent_off', scope: products(2), bp: 3000 }, { stacking: 'exclusive' });
    expect(discounts(run(cart(), [a, b]))).toEqual([2000, 3000]);
  });

  it(`tries at most ${MAX_EXCLUSIVE_TRIALS} exclusive promotions on top of the others, the best first`, () => {
    const lines = Array.from({ length: 12 }, (_, i) => line(`L${i}`, product(i), 1000, 1000));
    const ex = lines.map((_, i) => promo({ kind: 'amount_off', scope: products(i), minorPerUnit: 100 + i }, { stacking: 'exclusive' }));
    const r = run(lines, ex);
    expect(r.applied).toHaveLength(MAX_EXCLUSIVE_TRIALS);
    expect(r.discountTotal).toBe([11, 10, 9, 8, 7, 6, 5, 4].reduce((s, i) => s + 100 + i, 0));
  });
});

describe('conditions', () => {
  const tenAll = (conditions: Promotion['conditions']) => promo({ kind: 'percent_off', scope: ALL, bp: 1000 }, { conditions });
  const cart = [line('A', product(1), 1000, 1000)];

  it('member-only is skipped without a member and applies to one', () => {
    const p = tenAll({ memberOnly: true });
    expect(run(cart, [p]).discountTotal).toBe(0);
    expect(run(cart, [p], ctx({ customer: { member: false } })).discountTotal).toBe(0);
    expect(run(cart, [p], ctx({ customer: { member: true } })).discountTotal).toBe(100);
  });

  it('customer groups and stores', () => {
    const g = uid(7, 4);
    const p = tenAll({ customerGroupIds: [g], storeIds: [ctx().storeId] });
    expect(run(cart, [p], ctx({ customer: { member: true, groupId: uid(8, 4) } })).discountTotal).toBe(0);
    expect(run(cart, [p], ctx({ customer: { member: true, groupId: g } })).discountTotal).toBe(100);
    expect(run(cart, [p], ctx({ customer: { member: true, groupId: g }, storeId: uid(2, 15) })).discountTotal).toBe(0);
  });

  it('happy hour 17:00–19:00 is read on the store clock', () => {
    const p = tenAll({ hours: [{ from: '17:00', to: '19:00' }] });
    const at = (h: number, m = 0) => Date.UTC(2026, 11, 4, h, m);
    // 09:30 UTC is 17:30 in Shanghai.
    expect(run(cart, [p], ctx({ now: at(9, 30) })).discountTotal).toBe(100);
    expect(run(cart, [p], ctx({ now: at(17, 30) })).discountTotal).toBe(0);
    expect(run(cart, [p], ctx({ now: at(17, 30), timeZone: 'UTC' })).discountTotal).toBe(100);
    expect(run(cart, [p], ctx({ now: at(11, 0) })).discountTotal).toBe(0);
    expect(run(cart, [p], ctx({ now: at(10, 59) })).discountTotal).toBe(100);
  });

  it('a window past midnight, weekdays and dates (inclusive) on the local calendar', () => {
    const late = tenAll({ hours: [{ from: '22:00', to: '02:00' }] });
    expect(promotionApplies(late, ctx({ now: Date.UTC(2026, 11, 4, 17, 0) }))).toBe(true); // 01:00 local
    expect(promotionApplies(late, ctx({ now: Date.UTC(2026, 11, 4, 19, 0) }))).toBe(false); // 03:00 local
    // Friday 2026-12-04 23:30 UTC is Saturday 07:30 in Shanghai.
    const weekend = tenAll({ daysOfWeek: [6, 7] });
    expect(promotionApplies(weekend, ctx({ now: Date.UTC(2026, 11, 4, 23, 30) }))).toBe(true);
    expect(promotionApplies(weekend, ctx({ now: Date.UTC(2026, 11, 4, 23, 30), timeZone: 'UTC' }))).toBe(false);
    const december = tenAll({ startDate: '2026-12-01', endDate: '2026-12-04' });
    expect(promotionApplies(december, ctx({ now: Date.UTC(2026, 11, 4, 15, 59) }))).toBe(true); // 23:59 on the 4th
    expect(promotionApplies(december, ctx({ now: Date.UTC(2026, 11, 4, 16, 0) }))).toBe(false); // midnight, the 5th
    expect(promotionApplies(december, ctx({ now: Date.UTC(2026, 10, 30, 16, 0) }))).toBe(true); // midnight, the 1st
    expect(promotionApplies(december, ctx({ now: Date.UTC(2026, 10, 30, 15, 59), timeZone: SHANGHAI }))).toBe(false);
  });
});

describe('the definition', () => {
  const base = { id: uid(1, 1), name: 'x', stacking: 'stackable', priority: 0 };
  const ok = (v: unknown) => promotionSchema.safeParse(v).success;

  it('accepts the classic shapes and refuses inconsistent ones', () => {
    expect(ok({ ...base, nameZh: '全场九折', rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 1000 } })).toBe(true);
    expect(ok({ ...base, rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 0 } })).toBe(false);
    expect(ok({ ...base, rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 10001 } })).toBe(false);
    expect(ok({ ...base, rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [] }, bp: 100 } })).toBe(false);
    const tier = (minSpend: number) => ({ minSpend, off: { kind: 'amount', minor: 100 } });
    expect(ok({ ...base, rule: { kind: 'threshold', scope: { kind: 'all' }, tiers: [tier(100), tier(100)] } })).toBe(false);
    const item = { productId: uid(1, 2), qty: 1 };
    expect(ok({ ...base, rule: { kind: 'bundle', items: [item, item], price: 10 } })).toBe(false);
    const rule = { kind: 'percent_off', scope: { kind: 'all' }, bp: 1000 };
    expect(ok({ ...base, rule, conditions: { startDate: '2026-12-05', endDate: '2026-12-04' } })).toBe(false);
    expect(ok({ ...base, rule, conditions: { startDate: '2026-02-30' } })).toBe(false);
    expect(ok({ ...base, rule, conditions: { hours: [{ from: '17:00', to: '17:00' }] } })).toBe(false);
    expect(ok({ ...base, rule, conditions: { hours: [{ from: '17:00', to: '24:00' }] } })).toBe(true);
    expect(ok({ ...base, rule, conditions: { hours: [{ from: '7:00', to: '09:00' }] } })).toBe(false);
    expect(ok({ ...base, rule, conditions: { daysOfWeek: [0] } })).toBe(false);
    expect(ok({ ...base, rule, stacking: 'sometimes' })).toBe(false);
    expect(ok({ ...base, rule, extra: 1 })).toBe(false);
  });
});

describe('returns', () => {
  it('a partial return refunds what was paid for the units, pro rata; the rest refunds the remainder exactly', () => {
    // 第二件半价 on 2 × ¥10: ¥15 paid for the line.
    const sold = [{ lineId: 'L1', qty: 2000, amount: 2000, discount: 500 }];
    const [first] = refundForReturn(sold, [{ lineId: 'L1', qty: 1000 }]);
    expect(first).toEqual({ lineId: 'L1', qty: 1000, refund: 750 });
    const [second] = refundForReturn([{ ...sold[0]!, returnedQty: 1000 }], [{ lineId: 'L1', qty: 5000 }]);
    expect(second).toEqual({ lineId: 'L1', qty: 1000, refund: 750 });
  });

  it('thirds of ¥10.00 refund 3.33, 3.34, 3.33 and add up to 10.00', () => {
    const sold = [{ lineId: 'L', qty: 3000, amount: 1000, discount: 0 }];
    const r = refundForReturn(sold, [
      { lineId: 'L', qty: 1000 },
      { lineId: 'L', qty: 1000 },
      { lineId: 'L', qty: 1000 },
    ]);
    expect(r.map((x) => x.refund)).toEqual([333, 334, 333]);
  });

  it('breaking a promotion does not re-price what is kept: the returned item takes only its share', () => {
    const p = halfOffSecond();
    const r = run([line('A', product(1), 1000, 1000), line('B', product(1), 1000, 1000)], [p]);
    const sold = r.lines.map((l) => ({ lineId: l.lineId, qty: 1000, amount: l.amount, discount: l.discount }));
    expect(refundForReturn(sold, [{ lineId: 'A', qty: 1000 }])).toEqual([{ lineId: 'A', qty: 1000, refund: 750 }]);
  });

  it('an unknown line refunds nothing', () => {
    expect(refundForReturn([], [{ lineId: 'X', qty: 1000 }])).toEqual([{ lineId: 'X', qty: 0, refund: 0 }]);
  });
});

describe('scale', () => {
  it('1,000 active promotions and 50 lines: only the ones the cart can trigger apply, correctly', () => {
    // 400 product promotions (10% off product i), 300 category ones (¥1 off per piece of category j)
    // that are closed today, 299 all-scope thresholds far out of reach, one reachable exclusive.
    const promos: Promotion[] = [];
    for (let i = 0; i < 400; i++) promos.push(promo({ kind: 'percent_off', scope: products(i), bp: 1000 }));
    for (let j = 0; j < 300; j++)
      promos.push(promo({ kind: 'amount_off', scope: categories(j), minorPerUnit: 100 }, { conditions: { daysOfWeek: [1, 2, 3, 4] } }));
    for (let k = 0; k < 299; k++)
      promos.push(promo({ kind: 'threshold', scope: ALL, tiers: [{ minSpend: 900_000_000, off: { kind: 'amount', minor: 1 } }] }));
    const exclusive = promo({ kind: 'buy_x_get_y', scope: products(1000), buyQty: 1, getQty: 1, getBp: 10000 }, { stacking: 'exclusive' });
    promos.push(exclusive);
    expect(promos).toHaveLength(1000);
    const index = buildPromotionIndex(promos);
    expect(index.size).toBe(1000);

    // Lines 0–48 are products 0, 10, 20 … (with a promotion when < 400), line 49 is two of product 1000.
    const lines = Array.from({ length: 49 }, (_, i) => line(`L${i}`, product(i * 10), 1000 + i, 1000, { categoryId: category(i) }));
    lines.push(line('L49', product(1000), 5000, 2000, { categoryId: category(49) }));
    const r = applyPromotions(lines, index, ctx());
    const expected = lines.map((l, i) => (i === 49 ? 5000 : i * 10 < 400 ? Math.floor((l.unitPrice + 5) / 10) : 0));
    expect(discounts(r)).toEqual(expected);
    expect(r.applied).toHaveLength(41);
    expect(r.applied.find((a) => a.promotionId === exclusive.id)).toMatchObject({ amount: 5000, lineIds: ['L49'] });
    // On a Monday the category promotions open.
    const monday = applyPromotions(lines, index, ctx({ now: Date.UTC(2026, 11, 7, 4) }));
    expect(monday.discountTotal).toBe(r.discountTotal + 49 * 100);
  });
});
