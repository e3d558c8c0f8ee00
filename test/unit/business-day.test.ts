import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bucketsOf,
  businessBucket,
  dayToIso,
  isIsoDate,
  isoToDay,
  planRange,
  weekdayOf,
  zonedMidnight,
} from '../../src/shared/business-day';

/** The days a bucket covers: every day whose bucket at that level is the same. */
function coverage(terms: ReturnType<typeof planRange>, lo: number, hi: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let d = lo; d <= hi; d++) {
    const b = bucketsOf(d);
    let n = 0;
    for (const t of terms) if (b[t.level] === t.bucket) n += t.sign;
    if (n !== 0) out.set(d, n);
  }
  return out;
}

describe('business days', () => {
  it('ISO dates round-trip and impossible dates are refused', () => {
    expect(dayToIso(isoToDay('2026-03-31'))).toBe('2026-03-31');
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(weekdayOf(isoToDay('2026-11-23'))).toBe(0); // a Monday
    expect(weekdayOf(isoToDay('2026-11-22'))).toBe(6); // a Sunday
  });

  it('a sale at 1:30 a.m. belongs to the evening before with a 4 o’clock cutoff, in the store’s zone', () => {
    // 2026-07-11 01:30 in London (BST, UTC+1) = 00:30 UTC.
    const at = Date.UTC(2026, 6, 11, 0, 30);
    expect(dayToIso(businessBucket(at, 'Europe/London', 0).day)).toBe('2026-07-11');
    expect(dayToIso(businessBucket(at, 'Europe/London', 4).day)).toBe('2026-07-10');
    expect(businessBucket(at, 'Europe/London', 4).hour).toBe(1);
    // Shanghai is UTC+8 all year: 00:30 UTC is 08:30 local.
    expect(businessBucket(at, 'Asia/Shanghai', 4)).toEqual({ day: isoToDay('2026-07-11'), hour: 8 });
    // Kathmandu is UTC+5:45.
    expect(businessBucket(Date.UTC(2026, 0, 1, 18, 15), 'Asia/Kathmandu', 0)).toEqual({ day: isoToDay('2026-01-02'), hour: 0 });
  });

  it('any range is exactly covered by its signed bucket plan, and a one-year plan stays short', () => {
    const base = isoToDay('2023-01-01');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 800 }), (start, len) => {
        const from = base + start;
        const to = from + len;
        const terms = planRange(from, to);
        const cov = coverage(terms, from - 400, to + 400);
        for (let d = from - 400; d <= to + 400; d++) expect(cov.get(d) ?? 0, dayToIso(d)).toBe(d >= from && d <= to ? 1 : 0);
        if (len >= 300 && len <= 370) expect(terms.length).toBeLessThanOrEqual(24);
      }),
      { numRuns: 60 },
    );
  });
});

describe('zonedMidnight', () => {
  it('is the instant the date starts in the store time zone, also on a DST change', () => {
    expect(new Date(zonedMidnight('2026-01-15', 'UTC')).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(new Date(zonedMidnight('2026-01-15', 'Asia/Shanghai')).toISOString()).toBe('2026-01-14T16:00:00.000Z');
    expect(new Date(zonedMidnight('2026-07-01', 'America/New_York')).toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(new Date(zonedMidnight('2026-01-01', 'America/New_York')).toISOString()).toBe('2026-01-01T05:00:00.000Z');
    // Europe/London springs forward at 01:00 on 2026-03-29: midnight is still GMT.
    expect(new Date(zonedMidnight('2026-03-29', 'Europe/London')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(new Date(zonedMidnight('2026-03-30', 'Europe/London')).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });
});
