/** A clock stamp is a clock: exactly `wall(13)-counter(4)-node`, not older than any till, not past the drift window. */
import { describe, expect, it } from 'vitest';
import { createHlc, formatHlc, HLC_MAX_DRIFT_MS, HLC_MIN_WALL, parseHlc, stampStatus } from '../../../src/shared/hlc';

const NOW = Date.UTC(2026, 10, 22, 9);

describe('stamps', () => {
  it('parse only in the exact shape a till makes', () => {
    expect(parseHlc(formatHlc(NOW, 7, 'T1'))).toEqual({ wall: NOW, counter: 7, node: 'T1' });
    for (const bad of [
      '~~~~~~~~~~~~~~~~~~~~',
      `${NOW}-0000-`,
      `${NOW}-0000-T1 `,
      `${NOW}-0000-T1/../x`,
      `${NOW}-00000-T1`,
      `0${NOW}-0000-T1`,
      `${NOW}-0000-T1\n`,
      `${NOW}-0000-${'x'.repeat(17)}`,
      `+${String(NOW).slice(1)}-0000-T1`,
    ])
      expect(parseHlc(bad), bad).toBeNull();
  });

  it('are refused when older than any till, and flagged when past the drift window', () => {
    expect(stampStatus(formatHlc(NOW, 0, 'T1'), NOW)).toBe('ok');
    expect(stampStatus(formatHlc(HLC_MIN_WALL - 1, 0, 'T1'), NOW)).toBe('bad');
    expect(stampStatus('0000000000000-0000-T1', NOW)).toBe('bad');
    expect(stampStatus('~~~~~~~~~~~~~~~~~~~~', NOW)).toBe('bad');
    expect(stampStatus(formatHlc(NOW + HLC_MAX_DRIFT_MS, 0, 'T1'), NOW)).toBe('ok');
    expect(stampStatus(formatHlc(NOW + HLC_MAX_DRIFT_MS + 1, 0, 'T1'), NOW)).toBe('ahead');
  });

  it('a clock does not follow a stamp that is not one', () => {
    const hlc = createHlc('T1', () => NOW);
    hlc.observe('~~~~~~~~~~~~~~~~~~~~');
    hlc.observe(`${NOW + 1000}-0000-T2 `);
    expect(parseHlc(hlc.now())!.wall).toBe(NOW);
  });
});
