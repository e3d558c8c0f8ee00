/**
 * The Sync screen's wording: a terminal the cloud refuses is "Removed", not "Online"; card limits
 * are written in the screen's language whatever the store's.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { connectionState } from '../../../src/renderer/features/sync/problem';
import { describeError } from '../../../src/renderer/lib/errors';
import { translation } from '../../../src/renderer/i18n/messages';

async function tIn(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

describe('the Sync screen', () => {
  it('a removed terminal reads Removed in both languages, not Online', async () => {
    // As the engine reports a terminal an admin removed: the cloud answers, refusing it.
    const removed = { online: true, lastError: { code: 'UNAUTHENTICATED', message: 'Unknown device', at: 1 } };
    expect(connectionState(removed)).toBe('removed');
    expect(connectionState({ online: true, lastError: null })).toBe('online');
    expect(connectionState({ online: false, lastError: { code: 'OFFLINE', message: 'down', at: 1 } })).toBe('offline');
    expect((await tIn('en'))(`sync.status.${connectionState(removed)}`)).toMatch(/^Removed/);
    expect((await tIn('zh-CN'))(`sync.status.${connectionState(removed)}`)).toMatch(/^已移除/);
    expect((await tIn('zh-CN'))('sync.indicator.removed')).toBe('已移除');
  });

  it('words an offline card limit in the screen’s language', async () => {
    // What main sends (see sync/offline-cards.ts): the amounts in minor units with the store's currency.
    const perSale = {
      code: 'DECLINED' as const,
      message: 'While offline a card payment can be at most $50.00',
      details: { messageKey: 'sync.err.offlinePerSale', money: { limit: 5000 }, currency: 'USD' },
    };
    expect(describeError(await tIn('en'), perSale, undefined, 'en')).toBe('While offline a card payment can be at most $50.00.');
    expect(describeError(await tIn('zh-CN'), perSale, undefined, 'zh-CN')).toBe('离线时单笔刷卡不得超过 US$50.00。');
    const total = {
      code: 'DECLINED' as const,
      message: 'held',
      details: { messageKey: 'sync.err.offlineTotal', money: { held: 4000, limit: 8000 }, currency: 'CNY' },
    };
    expect(describeError(await tIn('en'), total, undefined, 'en')).toContain('CN¥40.00');
    expect(describeError(await tIn('zh-CN'), total, undefined, 'zh-CN')).toContain('¥80.00');
  });
});
