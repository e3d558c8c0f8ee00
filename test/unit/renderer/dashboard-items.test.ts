import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { dashboardMessages } from '../../../src/renderer/i18n/dashboard';
import { itemsText } from '../../../src/renderer/features/dashboard/items-text';
import { formatQty } from '../../../src/shared/money';
import { unitSymbol } from '../../../src/shared/units';

/** What the renderer's `fmt.mass` gives (lib/format.ts needs a browser). */
const massIn = (locale: string) => ({ mass: (grams: number) => `${formatQty(grams, 'kg', locale)} ${unitSymbol('kg', locale)}` });

async function tIn(lng: 'en' | 'zh-CN') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: {
      en: { translation: { dashboard: dashboardMessages.en } },
      'zh-CN': { translation: { dashboard: dashboardMessages.zhCN } },
    },
    lng,
    interpolation: { escapeValue: false },
  });
  return i18n.t;
}

describe('the dashboard’s items sold', () => {
  it('shows pieces and weight apart, in both languages', async () => {
    const en = await tIn('en');
    const fmtEn = massIn('en');
    expect(itemsText(en, fmtEn, 12_000, 3_500)).toBe('12 items · 3.500 kg');
    expect(itemsText(en, fmtEn, 1_000, 0)).toBe('1 item');
    expect(itemsText(en, fmtEn, 0, 1_407)).toBe('1.407 kg');
    expect(itemsText(en, fmtEn, 0, 0)).toBe('0 items');
    const zh = await tIn('zh-CN');
    expect(itemsText(zh, massIn('zh-CN'), 12_000, 3_500)).toBe('12 件 · 3.500 千克');
  });
});
