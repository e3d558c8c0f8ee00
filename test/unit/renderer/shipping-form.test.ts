import { describe, expect, it, vi } from 'vitest';

// The form's helpers reach the renderer's i18n set-up, which reads the browser's language.
vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.navigator ??= { language: 'en' };
  g.document ??= { documentElement: {}, getElementById: () => null };
});
import i18next, { type TFunction } from 'i18next';
import { blank, readDrafts, toDraft, type Draft } from '../../../src/renderer/features/online-orders/shipping-form';
import { describeOnlineError } from '../../../src/renderer/features/online-orders/errors';
import { translation } from '../../../src/renderer/i18n/messages';
import { DEFAULT_ONLINE_SHIPPING, onlineShippingSchema } from '../../../src/shared/online-shipping';

async function tIn(lng: 'en' | 'zh-CN'): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const draft = (patch: Partial<Draft>): Draft => ({ ...blank(), ...patch });

describe('the delivery methods form', () => {
  it('reads back the stored methods unchanged, in a two-digit and a no-digit currency', async () => {
    const t = await tIn('en');
    for (const [currency, digits] of [
      ['CNY', 2],
      ['JPY', 0],
    ] as const) {
      const drafts = DEFAULT_ONLINE_SHIPPING.methods.map((m) => toDraft(m, digits));
      const read = readDrafts(drafts, currency, t);
      expect(read.problems).toEqual({});
      expect(read.methods).toEqual(DEFAULT_ONLINE_SHIPPING.methods);
    }
    expect(toDraft(DEFAULT_ONLINE_SHIPPING.methods[0]!, 2)).toMatchObject({
      amount: '8.00',
      freeAbove: '99.00',
      minDays: '2',
      maxDays: '4',
    });
  });

  it('turns a new method into one the shop reads, with an id of its own', async () => {
    const t = await tIn('en');
    const read = readDrafts(
      [
        ...DEFAULT_ONLINE_SHIPPING.methods.map((m) => toDraft(m, 2)),
        draft({
          kind: 'weight',
          name: ' Standard! ',
          nameZh: '按重',
          amount: '12,5',
          perKg: '3',
          itemGrams: '400',
          countries: 'cn, hk',
          minDays: '1',
          maxDays: '3',
        }),
      ],
      'CNY',
      t,
    );
    expect(read.problems).toEqual({});
    expect(read.methods[2]).toEqual({
      id: 'standard-2',
      name: 'Standard!',
      nameZh: '按重',
      kind: 'weight',
      amount: 1250,
      perKg: 300,
      itemGrams: 400,
      freeAbove: null,
      countries: ['CN', 'HK'],
      minDays: 1,
      maxDays: 3,
    });
    expect(onlineShippingSchema.safeParse({ methods: read.methods }).success).toBe(true);
    // A name with no letter of the id's alphabet still gets one.
    expect(readDrafts([draft({ name: '快递', amount: '5' })], 'CNY', t).methods[0]?.id).toBe('method');
  });

  it('says what is wrong with each field, in English and Chinese, and keeps the wrong method out', async () => {
    for (const lng of ['en', 'zh-CN'] as const) {
      const t = await tIn(lng);
      const bad = draft({ name: '', amount: '8.005', freeAbove: 'lots', countries: 'China', minDays: '5', maxDays: '2' });
      const read = readDrafts([bad, draft({ kind: 'weight', name: 'Heavy', amount: '1', perKg: '-1', itemGrams: '1.5' })], 'CNY', t);
      expect(read.methods).toEqual([]);
      const [first, second] = Object.values(read.problems);
      expect(Object.keys(first!).sort()).toEqual(['amount', 'countries', 'days', 'freeAbove', 'name']);
      expect(Object.keys(second!).sort()).toEqual(['itemGrams', 'perKg']);
      for (const text of [...Object.values(first!), ...Object.values(second!)]) {
        expect(text).not.toContain('online.');
        if (lng === 'zh-CN') expect(text).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(readDrafts([draft({ name: 'x', amount: '1', minDays: '61' })], 'CNY', t).problems).not.toEqual({});
    }
  });

  it('words the till’s refusals in both languages', async () => {
    const en = await tIn('en');
    const zh = await tIn('zh-CN');
    const days = { code: 'VALIDATION' as const, message: 'x', details: { reason: 'shippingDays', method: 'Express' } };
    expect(describeOnlineError(en, days, () => '')).toBe(
      '“Express”: the fewest days in transit cannot be more than the most: nothing was saved.',
    );
    expect(describeOnlineError(zh, days, () => '')).toContain('“Express”');
    for (const reason of ['shippingNone', 'shippingDuplicate', 'shippingInvalid'])
      for (const t of [en, zh])
        expect(describeOnlineError(t, { code: 'VALIDATION', message: 'x', details: { reason } }, () => '')).not.toContain('online.');
  });
});
