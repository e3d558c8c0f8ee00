import { describe, expect, it } from 'vitest';
import { etaDay, storeDay, transitWindow } from '../../../src/shared/delivery-estimate';
import { onlineShippingSchema, readOnlineShipping } from '../../../src/shared/online-shipping';

describe('estimated delivery days', () => {
  it('counts a method’s days from the day of payment in the store’s calendar', () => {
    // 23:30 in Shanghai on Dec 6 is still Dec 6 there, though it is 15:30 UTC.
    const paid = Date.parse('2026-12-06T15:30:00Z');
    expect(transitWindow(paid, 'Asia/Shanghai', 2, 4)).toEqual({ from: '2026-12-08', to: '2026-12-10' });
    // Half an hour later it is Dec 7 in Shanghai, still Dec 6 in New York.
    const later = paid + 60 * 60_000;
    expect(transitWindow(later, 'Asia/Shanghai', 2, 4)).toEqual({ from: '2026-12-09', to: '2026-12-11' });
    expect(transitWindow(later, 'America/New_York', 2, 4)).toEqual({ from: '2026-12-08', to: '2026-12-10' });
    expect(transitWindow(paid, 'UTC', 3, null)).toEqual({ from: '2026-12-09', to: '2026-12-09' });
    expect(transitWindow(paid, 'UTC', null, null)).toBeNull();
    expect(storeDay(Date.parse('1970-01-02T00:00:00Z'), 'UTC')).toBe(1);
  });

  it('a carrier’s bare date is that day anywhere; a time is the store’s day at that moment', () => {
    expect(etaDay(Date.parse('2026-11-25'), 'America/Los_Angeles')).toBe('2026-11-25');
    expect(etaDay(Date.parse('2026-11-25T20:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-26');
    expect(etaDay(Date.parse('2026-11-25T20:00:00Z'), 'UTC')).toBe('2026-11-25');
  });

  it('methods carry their days; fewer days than more is refused, and a stored setting without days reads as none', () => {
    const method = { id: 'x', name: 'X', kind: 'flat', amount: 100 };
    expect(onlineShippingSchema.safeParse({ methods: [{ ...method, minDays: 5, maxDays: 2 }] }).success).toBe(false);
    expect(onlineShippingSchema.parse({ methods: [method] }).methods[0]).toMatchObject({ minDays: null, maxDays: null });
    expect(readOnlineShipping({ methods: [{ ...method, minDays: 1, maxDays: 2 }] }).methods[0]).toMatchObject({ minDays: 1, maxDays: 2 });
  });
});
