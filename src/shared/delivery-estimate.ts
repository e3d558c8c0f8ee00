/**
 * When a parcel should arrive, as calendar days of the store: a carrier's estimated delivery day,
 * or a shipping method's days in transit counted from the day of payment. Pure, shared by the
 * till (which sends the carrier's day with the shipped step) and the shop (which shows both).
 */
import { dayToIso, tzOffsetMs } from './business-day';

const DAY_MS = 86_400_000;

/** The store's calendar day (days since 1970-01-01) at `at`. */
export function storeDay(at: number, tz: string): number {
  return Math.floor((at + tzOffsetMs(at, tz)) / DAY_MS);
}

/**
 * A carrier's estimate as a day of the store: a carrier answering with a bare date
 * ("2026-11-25", read as midnight UTC) means that calendar day wherever the store is; a time
 * means the store's day at that moment.
 */
export function etaDay(eta: number, tz: string): string {
  return eta % DAY_MS === 0 ? dayToIso(eta / DAY_MS) : dayToIso(storeDay(eta, tz));
}

export interface DeliveryWindow {
  /** YYYY-MM-DD, the store's calendar. */
  from: string;
  to: string;
}

/** A method's days in transit from a payment at `paidAt`, or null when the method promises none. */
export function transitWindow(paidAt: number, tz: string, minDays: number | null, maxDays: number | null): DeliveryWindow | null {
  if (minDays === null && maxDays === null) return null;
  const lo = minDays ?? maxDays!;
  const hi = Math.max(lo, maxDays ?? lo);
  const day = storeDay(paidAt, tz);
  return { from: dayToIso(day + lo), to: dayToIso(day + hi) };
}
