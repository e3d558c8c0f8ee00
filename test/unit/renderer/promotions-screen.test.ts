import { describe, expect, it, vi } from 'vitest';

// The screen's helpers reach the renderer's i18n set-up, which reads the browser's language.
vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.navigator ??= { language: 'en' };
  g.document ??= { documentElement: {}, getElementById: () => null };
});
import i18next, { type TFunction } from 'i18next';
import { promotionState, promotionSummary, ruleSummary } from '../../../src/renderer/features/promotions/summary';
import { draftOf, emptyForm, formOf, type FormState } from '../../../src/renderer/features/promotions/form-state';
import { promotionDraftSchema, type PromotionRecord } from '../../../src/shared/api/promotions';
import type { Promotion } from '../../../src/shared/promotions';
import { translation } from '../../../src/renderer/i18n/messages';

type Lang = 'en' | 'zh-CN';

async function tIn(lng: Lang): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e';
const P1 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60';
const P2 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61';

const promo = (rule: Promotion['rule'], over: Partial<Promotion> = {}): Promotion => ({
  id: ID,
  name: 'P',
  rule,
  stacking: 'stackable',
  priority: 0,
  ...over,
});
const record = (p: Promotion, active = true): PromotionRecord => ({ promotion: p, active, createdAt: 0, updatedAt: 0 });

describe('promotion summaries', () => {
  it('reads as a shop writes it, in both languages', async () => {
    const [tEn, tZh] = [await tIn('en'), await tIn('zh-CN')];
    const half = {
      kind: 'buy_x_get_y' as const,
      scope: { kind: 'products' as const, productIds: [P1] },
      buyQty: 1,
      getQty: 1,
      getBp: 5000,
    };
    expect(ruleSummary(tEn, half, 'USD', 'en')).toBe('Second at 50% off');
    expect(ruleSummary(tZh, half, 'CNY', 'zh-CN')).toBe('第二件半价');
    const tiers = {
      kind: 'threshold' as const,
      scope: { kind: 'all' as const },
      tiers: [
        { minSpend: 20000, off: { kind: 'amount' as const, minor: 5000 } },
        { minSpend: 10000, off: { kind: 'amount' as const, minor: 2000 } },
      ],
    };
    expect(ruleSummary(tZh, tiers, 'CNY', 'zh-CN')).toBe('满100减20，满200减50');
    expect(ruleSummary(tEn, tiers, 'USD', 'en')).toBe('Spend $100, save $20, Spend $200, save $50');
    const pct = { kind: 'percent_off' as const, scope: { kind: 'categories' as const, categoryIds: [P1, P2] }, bp: 2000 };
    expect(ruleSummary(tEn, pct, 'USD', 'en')).toBe('20% off 2 categories');
    expect(ruleSummary(tZh, pct, 'CNY', 'zh-CN')).toBe('指定2个分类8折');
    expect(ruleSummary(tEn, { kind: 'mix_match', scope: { kind: 'all' }, qty: 3, price: 1000 }, 'USD', 'en')).toBe('Any 3 for $10');
    expect(ruleSummary(tZh, { kind: 'mix_match', scope: { kind: 'all' }, qty: 3, price: 1050 }, 'CNY', 'zh-CN')).toBe('任选3件¥10.50');
    const bundle = {
      kind: 'bundle' as const,
      items: [
        { productId: P1, qty: 2 },
        { productId: P2, qty: 1 },
      ],
      price: 999,
    };
    expect(ruleSummary(tEn, bundle, 'USD', 'en')).toBe('3 items for $9.99');
    expect(promotionSummary(tEn, promo(half, { conditions: { memberOnly: true, endDate: '2026-12-31' } }), 'USD', 'en')).toBe(
      'Second at 50% off · members only · until 2026-12-31',
    );
  });
});

describe('promotion state on the store clock', () => {
  // 2026-12-04 23:30 UTC is Saturday 07:30 in Shanghai.
  const now = Date.UTC(2026, 11, 4, 23, 30);
  const all = { kind: 'percent_off' as const, scope: { kind: 'all' as const }, bp: 1000 };
  it('paused, ended, scheduled or running by the store’s day, weekday and hours', () => {
    const tz = 'Asia/Shanghai';
    expect(promotionState(record(promo(all)), now, tz)).toBe('running');
    expect(promotionState(record(promo(all), false), now, tz)).toBe('paused');
    expect(promotionState(record(promo(all, { conditions: { endDate: '2026-12-04' } })), now, tz)).toBe('ended');
    // In UTC it is still the 4th: the same promotion runs there.
    expect(promotionState(record(promo(all, { conditions: { endDate: '2026-12-04' } })), now, 'UTC')).toBe('running');
    expect(promotionState(record(promo(all, { conditions: { startDate: '2026-12-06' } })), now, tz)).toBe('scheduled');
    expect(promotionState(record(promo(all, { conditions: { daysOfWeek: [1, 2, 3, 4, 5] } })), now, tz)).toBe('scheduled');
    expect(promotionState(record(promo(all, { conditions: { hours: [{ from: '07:00', to: '09:00' }] } })), now, tz)).toBe('running');
    // A member-only promotion still runs: who buys is about the sale, not the time.
    expect(promotionState(record(promo(all, { conditions: { memberOnly: true } })), now, tz)).toBe('running');
  });
});

describe('the promotion form', () => {
  const form = (over: Partial<FormState>): FormState => ({ ...emptyForm(), name: 'X', ...over });

  it('refuses what main would refuse, by field, and sends nothing then', () => {
    expect(draftOf(form({ name: ' ' }), 'USD').errors).toMatchObject({ name: 'promotions.err.required' });
    expect(draftOf(form({ percent: '0' }), 'USD').errors).toMatchObject({ 'rule.bp': 'promotions.err.percent' });
    expect(draftOf(form({ percent: '101' }), 'USD').errors).toMatchObject({ 'rule.bp': 'promotions.err.percent' });
    expect(draftOf(form({ percent: '10', scopeKind: 'products' }), 'USD').errors).toMatchObject({
      'rule.scope': 'promotions.err.pickProducts',
    });
    expect(draftOf(form({ kind: 'buy_x_get_y', buyQty: '0' }), 'USD').errors).toMatchObject({ 'rule.buyQty': 'promotions.err.pieces' });
    expect(draftOf(form({ kind: 'amount_off', amount: '1.234' }), 'USD').errors).toMatchObject({
      'rule.minorPerUnit': 'promotions.err.amount',
    });
    expect(
      draftOf(
        form({
          kind: 'threshold',
          tiers: [
            { min: '100', offKind: 'amount', off: '20' },
            { min: '100.00', offKind: 'percent', off: '10' },
          ],
        }),
        'CNY',
      ).errors,
    ).toMatchObject({ 'rule.tiers': 'promotions.err.tiersDistinct' });
    expect(draftOf(form({ percent: '10', startDate: '2026-12-10', endDate: '2026-12-01' }), 'USD').errors).toMatchObject({
      'conditions.endDate': 'promotions.err.endBeforeStart',
    });
    expect(draftOf(form({ percent: '10', hours: [{ from: '09:00', to: '09:00' }] }), 'USD').errors).toMatchObject({
      'conditions.hours': 'promotions.err.hours',
    });
    expect(draftOf(form({ percent: '10', priority: '1001' }), 'USD').errors).toMatchObject({ priority: 'promotions.err.priority' });
    expect(draftOf(form({ name: '' }), 'USD').draft).toBeNull();
  });

  it('every rule kind and condition round-trips through the form to a definition the contract accepts', () => {
    const rules: Promotion['rule'][] = [
      { kind: 'percent_off', scope: { kind: 'categories', categoryIds: [P1] }, bp: 1250 },
      { kind: 'amount_off', scope: { kind: 'products', productIds: [P1, P2] }, minorPerUnit: 150 },
      { kind: 'buy_x_get_y', scope: { kind: 'all' }, buyQty: 2, getQty: 1, getBp: 10000, maxApplications: 3 },
      { kind: 'mix_match', scope: { kind: 'products', productIds: [P1] }, qty: 3, price: 1000 },
      {
        kind: 'threshold',
        scope: { kind: 'all' },
        tiers: [
          { minSpend: 10000, off: { kind: 'amount', minor: 2000 } },
          { minSpend: 20000, off: { kind: 'percent', bp: 1500 } },
        ],
      },
      {
        kind: 'bundle',
        items: [
          { productId: P1, qty: 2 },
          { productId: P2, qty: 1 },
        ],
        price: 1999,
      },
    ];
    const conditions = {
      startDate: '2026-12-01',
      endDate: '2026-12-31',
      daysOfWeek: [6, 7],
      hours: [{ from: '22:00', to: '02:00' }],
      memberOnly: true,
      storeIds: [P2],
    };
    for (const rule of rules) {
      const p = promo(rule, { name: 'Weekend', nameZh: '周末', stacking: 'exclusive', priority: 7, conditions });
      const { draft, errors } = draftOf(formOf(p, true, 'CNY'), 'CNY');
      expect(errors).toEqual({});
      expect(draft).toEqual(p);
      const { id: _id, ...rest } = draft!;
      expect(promotionDraftSchema.safeParse(rest).success).toBe(true);
    }
  });
});
