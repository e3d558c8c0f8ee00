import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { describeAfterError } from '../../../src/renderer/features/aftersale/errors';
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

describe('after-sale errors', () => {
  const error = {
    code: 'CONFLICT' as const,
    message: 'Only 1 of Coca-Cola 330ml Can can still be returned',
    details: { reason: 'tooMany', returnable: 1000 },
  };

  it('in Chinese: the localized reason, without main’s English sentence', async () => {
    const text = describeAfterError(await tIn('zh-CN'), error);
    expect(text).toBe('超过可退数量。');
  });

  it('in English: the reason with main’s sentence naming the item', async () => {
    const text = describeAfterError(await tIn('en'), error);
    expect(text).toBe('More than can still be returned. (Only 1 of Coca-Cola 330ml Can can still be returned)');
  });
});
