import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney, formatQty, formatQtyUnit } from '../../shared/money';
import type { Unit } from '../../shared/api';
import { unitSymbol } from '../../shared/units';
import { useApp } from '../stores/app';

export interface Formatters {
  locale: string;
  currency: string;
  timezone: string;
  money(minor: number, currency?: string): string;
  qty(thousandths: number, unit: Unit): string;
  /** A quantity with its unit when weighed ("0.750 lb", "1.360 斤"); a piece count alone ("3"). */
  qtyUnit(thousandths: number, unit: Unit): string;
  /** A mass in grams as kilograms with the unit ("3.750 kg"): how reports total weights of mixed units. */
  mass(grams: number): string;
  dateTime(ms: number, timezone?: string): string;
  time(ms: number): string;
  percent(bp: number): string;
}

export function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

export function makeFormatters(locale: string, currency: string, timezone: string): Formatters {
  const safeTz = (tz: string): string => {
    try {
      new Intl.DateTimeFormat(locale, { timeZone: tz });
      return tz;
    } catch {
      return 'UTC';
    }
  };
  const tz = safeTz(timezone);
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    locale,
    currency,
    timezone: tz,
    money: (minor, cur = currency) => {
      try {
        return formatMoney(minor, cur, locale);
      } catch {
        return `${cur} ${(minor / 100).toFixed(2)}`;
      }
    },
    qty: (q, unit) => formatQty(q, unit, locale),
    qtyUnit: (q, unit) => formatQtyUnit(q, unit, locale),
    mass: (grams) => `${formatQty(grams, 'kg', locale)} ${unitSymbol('kg', locale)}`,
    dateTime: (ms, zone) =>
      new Intl.DateTimeFormat(locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: zone ? safeTz(zone) : tz,
      }).format(ms),
    time: (ms) => new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: tz }).format(ms),
    percent: (bp) => pct.format(bp / 10000),
  };
}

/** Money, quantities and dates in the UI language, the store's currency and the store's timezone. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const currency = useApp((s) => s.settings?.currency ?? s.status?.currency ?? 'USD');
  const timezone = useApp((s) => s.settings?.timezone ?? localTimezone());
  const locale = i18n.language;
  return useMemo(() => makeFormatters(locale, currency, timezone), [locale, currency, timezone]);
}

/** "8.25" -> 825 basis points; null when not a plain percentage between 0 and 100. */
export function parsePercentBp(text: string): number | null {
  const cleaned = text.trim().replace(',', '.').replace(/%$/, '').trim();
  if (!/^\d{1,3}(\.\d{0,2})?$/.test(cleaned)) return null;
  const [whole = '0', frac = ''] = cleaned.split('.');
  const bp = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return bp <= 10000 ? bp : null;
}

export function bpToPercentText(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** Minor units back to a plain editable amount ("12.50"), no currency symbol or grouping. */
export function minorToInput(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const unit = 10 ** digits;
  return `${Math.floor(minor / unit)}.${String(minor % unit).padStart(digits, '0')}`;
}
