import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BATCH_CODE_SYMBOLS,
  CODE_ALPHABET,
  SHARED_CODE_SYMBOLS,
  codeFromBytes,
  formatCode,
  looksLikeCoupon,
  makeCode,
  normalizeCode,
  parseCode,
  withCheck,
} from '../../src/shared/coupons/code';
import { campaignDraftSchema, couponPromotion, priceCoupon, type CouponCampaign, type CouponLine } from '../../src/shared/coupons/rules';
import { ALL, categories, category, product, products, uid } from '../support/promotions';

const RUNS = { numRuns: 500 };
const symbolsArb = (n: number) => fc.array(fc.constantFrom(...CODE_ALPHABET), { minLength: n, maxLength: n }).map((a) => a.join(''));
const codeArb = fc.oneof(symbolsArb(BATCH_CODE_SYMBOLS), symbolsArb(SHARED_CODE_SYMBOLS)).map(withCheck);

describe('coupon codes', () => {
  it('a code reads back in any case, with or without its dashes and spaces', () => {
    fc.assert(
      fc.property(codeArb, (code) => {
        expect(parseCode(code)).toBe(code);
        expect(parseCode(formatCode(code))).toBe(code);
        expect(parseCode(` ${formatCode(code).toLowerCase()} `)).toBe(code);
      }),
      RUNS,
    );
  });

  it('a code with one symbol mistyped is refused', () => {
    fc.assert(
      fc.property(codeArb, fc.nat(), fc.integer({ min: 1, max: CODE_ALPHABET.length - 1 }), (code, at, shift) => {
        const i = at % code.length;
        const was = CODE_ALPHABET.indexOf(code[i]!);
        const typo = code.slice(0, i) + CODE_ALPHABET[(was + shift) % CODE_ALPHABET.length]! + code.slice(i + 1);
        expect(parseCode(typo)).toBeNull();
        expect(parseCode(formatCode(typo))).toBeNull();
      }),
      RUNS,
    );
  });

  it('look-alike letters read as the digits they resemble; other characters and lengths are not codes', () => {
    const code = withCheck('10ABCDEFGHJK');
    expect(parseCode(code.replace('1', 'I').replace('0', 'O'))).toBe(code);
    expect(parseCode(code.replace('1', 'l'))).toBe(code);
    expect(normalizeCode(`${code}U`)).toBeNull();
    expect(normalizeCode(code.replace('A', 'U'))).toBeNull();
    expect(normalizeCode(code.slice(1))).toBeNull();
    expect(parseCode('x'.repeat(10_000))).toBeNull();
    expect(parseCode("' OR 1=1 --")).toBeNull();
  });

  it('made codes are well formed, hold a letter (never a product barcode) and use the whole alphabet evenly', () => {
    let seed = 7;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16);
    const counts = new Map<string, number>();
    for (let k = 0; k < 5000; k++) {
      const code = makeCode(bytes, BATCH_CODE_SYMBOLS);
      expect(parseCode(code)).toBe(code);
      expect(looksLikeCoupon(code)).toBe(true);
      for (const ch of code.slice(0, -1)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(32);
    // An all-digit draw is drawn again.
    const digits = codeFromBytes(new Uint8Array(12), 12);
    expect(looksLikeCoupon(digits)).toBe(false);
    expect(looksLikeCoupon('4006381333931')).toBe(false);
  });
});

const campaign = (over: Partial<CouponCampaign> = {}): CouponCampaign => ({
  id: uid(1, 9),
  name: 'Coupon',
  nameZh: null,
  reward: { off: { kind: 'percent', bp: 1000 }, scope: { kind: 'all' } },
  conditions: {},
  mode: 'batch',
  maxUses: null,
  active: true,
  ...over,
});
const NOW = Date.UTC(2026, 10, 22, 9);
const CTX = { now: NOW, timeZone: 'Asia/Shanghai' };

const lineArb = fc.record({
  productN: fc.integer({ min: 0, max: 5 }),
  categoryN: fc.option(fc.integer({ min: 0, max: 2 })),
  amount: fc.integer({ min: 0, max: 500_000 }),
  qty: fc.integer({ min: 1, max: 20 }).map((n) => n * 1000),
});
const rewardArb = fc.record({
  off: fc.oneof(
    fc.record({ kind: fc.constant('percent' as const), bp: fc.integer({ min: 1, max: 10000 }) }),
    fc.record({ kind: fc.constant('amount' as const), minor: fc.integer({ min: 1, max: 1_000_000 }) }),
  ),
  scope: fc.oneof(
    fc.constant(ALL),
    fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }).map((ns) => products(...ns)),
    fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2 }).map((ns) => categories(...ns)),
  ),
});

describe('coupon rules', () => {
  it('the discount never exceeds what is eligible, nor any line, and adds up exactly', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        rewardArb,
        fc.option(fc.integer({ min: 0, max: 2_000_000 })),
        (raw, reward, minSpend) => {
          const lines: CouponLine[] = raw.map((l, i) => ({
            id: uid(i, 4),
            productId: product(l.productN),
            categoryId: l.categoryN === null ? null : category(l.categoryN),
            amount: l.amount,
            qty: l.qty,
            unit: 'each',
          }));
          const c = campaign({ reward, conditions: minSpend === null ? {} : { minSpend } });
          const inScope = (l: CouponLine) =>
            reward.scope.kind === 'all' ||
            (reward.scope.kind === 'products' && reward.scope.productIds.includes(l.productId)) ||
            (reward.scope.kind === 'categories' && l.categoryId !== null && reward.scope.categoryIds.includes(l.categoryId));
          const eligible = lines.filter(inScope).reduce((s, l) => s + l.amount, 0);
          const r = priceCoupon(c, lines, CTX);
          expect(r.eligible).toBe(eligible);
          if (!r.ok) {
            if (r.reason === 'minSpend') expect(eligible).toBeLessThan(minSpend!);
            return;
          }
          expect(eligible).toBeGreaterThanOrEqual(minSpend ?? 0);
          const { result } = r;
          expect(result.discountTotal).toBeGreaterThan(0);
          expect(result.discountTotal).toBeLessThanOrEqual(eligible);
          if (reward.off.kind === 'amount') expect(result.discountTotal).toBe(Math.min(eligible, reward.off.minor));
          expect(result.lines.reduce((s, l) => s + l.discount, 0)).toBe(result.discountTotal);
          result.lines.forEach((l, i) => {
            expect(l.discount).toBeLessThanOrEqual(lines[i]!.amount);
            if (!inScope(lines[i]!)) expect(l.discount).toBe(0);
          });
        },
      ),
      RUNS,
    );
  });

  it('dates are read on the store clock; a paused campaign gives nothing', () => {
    const lines: CouponLine[] = [{ id: uid(1, 4), productId: product(1), categoryId: null, amount: 1000, qty: 1000, unit: 'each' }];
    // 17:00 on the 22nd in Shanghai; still the 22nd in London.
    expect(priceCoupon(campaign({ conditions: { startDate: '2026-11-22' } }), lines, CTX).ok).toBe(true);
    expect(priceCoupon(campaign({ conditions: { startDate: '2026-11-23' } }), lines, CTX)).toMatchObject({
      ok: false,
      reason: 'notYetValid',
    });
    expect(priceCoupon(campaign({ conditions: { endDate: '2026-11-21' } }), lines, CTX)).toMatchObject({ ok: false, reason: 'expired' });
    const late = { now: Date.UTC(2026, 10, 22, 17), timeZone: 'Asia/Shanghai' }; // 01:00 on the 23rd there
    expect(priceCoupon(campaign({ conditions: { endDate: '2026-11-22' } }), lines, late)).toMatchObject({ ok: false, reason: 'expired' });
    expect(priceCoupon(campaign({ active: false }), lines, CTX)).toMatchObject({ ok: false, reason: 'inactive' });
    expect(priceCoupon(campaign(), lines, CTX)).toMatchObject({ ok: true, result: { discountTotal: 100 } });
  });

  it('the reward is a threshold promotion of the shared engine, and the draft schema refuses nonsense', () => {
    expect(couponPromotion(campaign({ conditions: { minSpend: 5000 } })).rule).toEqual({
      kind: 'threshold',
      scope: { kind: 'all' },
      tiers: [{ minSpend: 5000, off: { kind: 'percent', bp: 1000 } }],
    });
    const ok = { name: 'A', reward: campaign().reward, conditions: {}, codes: { mode: 'batch', count: 10 } };
    expect(campaignDraftSchema.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, codes: { mode: 'batch', count: 0 } },
      { ...ok, codes: { mode: 'shared', maxUses: 0 } },
      { ...ok, conditions: { usesPerCustomer: -1 } },
      { ...ok, reward: { off: { kind: 'amount', minor: 0 }, scope: { kind: 'all' } } },
      { ...ok, extra: true },
    ])
      expect(campaignDraftSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
