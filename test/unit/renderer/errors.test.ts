import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { describeError, fieldErrors } from '../../../src/renderer/lib/errors';
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

// A VALIDATION error as the router sends it: zod's issue with its code and parameters.
const tooShort = {
  code: 'VALIDATION' as const,
  message: 'Invalid input',
  details: [
    {
      path: ['name'],
      message: 'Too small: expected string to have >=1 characters',
      code: 'too_small',
      minimum: 1,
      inclusive: true,
      origin: 'string',
    },
  ],
};

describe('errors in the UI language', () => {
  it('words a validation issue in Chinese from its code and parameters', async () => {
    const zh = describeError(await tIn('zh-CN'), tooShort, undefined, 'zh-CN');
    expect(zh).not.toMatch(/Too small|expected/);
    expect(zh).toContain('name:');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(fieldErrors(tooShort, 'zh-CN').name).toMatch(/[\u4e00-\u9fff]/);
    expect(fieldErrors(tooShort, 'en').name).toBe('Too small: expected string to have >=1 characters');
  });

  it("drops main's English specifics on a Chinese screen, keeps them in English", async () => {
    const conflict = { code: 'CONFLICT' as const, message: 'SKU DRK-0001 is already used' };
    expect(describeError(await tIn('zh-CN'), conflict, undefined, 'zh-CN')).not.toContain('SKU DRK-0001');
    expect(describeError(await tIn('en'), conflict, undefined, 'en')).toContain('SKU DRK-0001');
  });

  it('words unsafe text and too-large amounts in the screen language, from the key main sends', async () => {
    // As the router answers a name with a right-to-left override, and a sale past its limit.
    const unsafe = {
      code: 'VALIDATION' as const,
      message: 'Invalid input',
      details: [
        {
          path: ['name'],
          code: 'custom',
          message: 'must not contain control, zero-width or text-direction characters',
          messageKey: 'errors.unsafeText',
        },
      ],
    };
    expect(describeError(await tIn('en'), unsafe, undefined, 'en')).toContain(
      'name: must not contain control, zero-width or text-direction',
    );
    const zh = describeError(await tIn('zh-CN'), unsafe, undefined, 'zh-CN');
    expect(zh).toContain('name: 不能包含控制字符');
    expect(zh).not.toMatch(/must not/);
    const tooLarge = {
      code: 'VALIDATION' as const,
      message: 'This sale would be too large',
      details: { messageKey: 'errors.amountTooLarge', lineId: null },
    };
    expect(describeError(await tIn('zh-CN'), tooLarge, undefined, 'zh-CN')).toContain('金额过大');
    expect(describeError(await tIn('en'), tooLarge, undefined, 'en')).toContain('too large');
  });
});

describe('a refused restore in the UI language', () => {
  async function withData(lng: 'en' | 'zh-CN') {
    const i = i18next.createInstance();
    await i.init({
      lng,
      resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
      interpolation: { escapeValue: false },
    });
    return i.t;
  }
  // As main refuses a backup with a trigger of its own (src/main/backup/service.ts).
  const refused = {
    code: 'CONFLICT' as const,
    message: 'This backup cannot be restored: it contains a trigger "steal" that Countertop does not create',
    details: { name: 'b.db', reason: 'extra', kind: 'trigger', object: 'steal', messageKey: 'data.refused.extra' },
  };

  it('says why and that nothing changed, in English and in Chinese', async () => {
    expect(describeError(await withData('en'), refused, undefined, 'en')).toMatch(/never creates \(trigger “steal”\).*Nothing was changed/);
    const zh = describeError(await withData('zh-CN'), refused, undefined, 'zh-CN');
    expect(zh).toContain('steal');
    expect(zh).toContain('未做任何更改');
    for (const reason of ['damaged', 'foreign', 'newer', 'history', 'missing', 'changed', 'open'])
      expect(
        describeError(await withData('zh-CN'), { ...refused, details: { messageKey: `data.refused.${reason}` } }, undefined, 'zh-CN'),
      ).toMatch(/[\u4e00-\u9fff]/);
  });
});
