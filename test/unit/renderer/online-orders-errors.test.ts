import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { translation } from '../../../src/renderer/i18n/messages';
import { describeOnlineError } from '../../../src/renderer/features/online-orders/errors';

async function tIn(lng: 'en' | 'zh-CN'): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const time = () => '10:15';

describe('online order errors', () => {
  it('say in both languages what went wrong at the pick-up counter', async () => {
    const en = await tIn('en');
    const zh = await tIn('zh-CN');
    const wrong = { code: 'VALIDATION' as const, message: 'x', details: { reason: 'wrongCode', attemptsLeft: 3 } };
    expect(describeOnlineError(en, wrong, time)).toBe('That is not this order’s code. Tries left: 3.');
    expect(describeOnlineError(zh, wrong, time)).toBe('自提码不正确。剩余尝试次数：3。');
    const locked = { code: 'LOCKED' as const, message: 'x', details: { reason: 'pickupLocked', lockedUntil: 1 } };
    expect(describeOnlineError(en, locked, time)).toContain('locked until 10:15');
    expect(describeOnlineError(zh, locked, time)).toContain('10:15');
    // A 10 KB code, refused by the contract.
    const tooLong = { code: 'VALIDATION' as const, message: 'x', details: [{ path: ['code'], code: 'too_big', message: 'Too big' }] };
    expect(describeOnlineError(en, tooLong, time)).toBe('Type the code the buyer shows: letters and digits, at most 32.');
    expect(describeOnlineError(zh, tooLong, time)).toContain('自提码');
    for (const reason of ['alreadyPickedUp', 'notPickup', 'noPickupCode', 'onlineCancelled', 'onlineDone', 'shippedElsewhere'])
      for (const t of [en, zh])
        expect(describeOnlineError(t, { code: 'CONFLICT', message: 'x', details: { reason } }, time)).not.toContain('online.');
  });
});
