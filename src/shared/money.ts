/** Money is integer minor units of the store's ISO currency; these helpers only format and parse. */

/**
 * Limits that keep every amount a safe integer (below 2^53) however a sale is built. Checked by
 * the contract's schemas (unit price, quantity) and by `amountLimitBreach` in pricing (line and
 * sale), which main runs on every change to a sale; pricing itself stays exact beyond them.
 * - One amount typed or stored (a price, a tender, a discount): at most 10^9 minor units.
 * - A quantity: at most 10^8 thousandths (100 000 units or kg).
 * - A line and a whole sale: at most 10^10 minor units, what the ten tenders a sale may take can
 *   pay (ten times the largest amount). Raising it means raising the tender cap with it.
 */
export const MAX_AMOUNT = 1_000_000_000;
import { isWeighed, unitSymbol, type Unit } from './units';
export const MAX_QTY = 100_000_000;
export const MAX_LINE_AMOUNT = 10_000_000_000;
export const MAX_CART_AMOUNT = 10_000_000_000;
/** The i18n key of the refusal when a line or a sale would pass its limit. */
export const AMOUNT_TOO_LARGE_KEY = 'errors.amountTooLarge';

/*
 * Building an Intl.NumberFormat costs far more than formatting with one (a shop page prints dozens
 * of prices), so each is made once per currency and locale. They hold no data, only rules.
 */
const digitsOf = new Map<string, number>();
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function currencyDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    if (digitsOf.size < 500) digitsOf.set(currency, digits);
  }
  return digits;
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const key = `${locale}\u0000${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    if (moneyFormats.size < 500) moneyFormats.set(key, format);
  }
  return format.format(minor / 10 ** digits);
}

/** Parses a typed amount ("12.5", "12,50") into minor units; null when it is not a plain amount. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(',', '.');
  if (!/^\d+(\.\d*)?$/.test(cleaned)) return null;
  const [whole, frac = ''] = cleaned.split('.');
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** Quantities are thousandths; weighed goods show three decimals, counted goods none. */
export function formatQty(thousandths: number, unit: Unit, locale: string): string {
  if (unit === 'each' && thousandths % 1000 === 0) return String(thousandths / 1000);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(thousandths / 1000);
}

/** A quantity with its unit when weighed ("0.750 lb", "1.360 斤"); a piece count alone ("3"). */
export function formatQtyUnit(thousandths: number, unit: Unit, locale: string): string {
  const qty = formatQty(thousandths, unit, locale);
  return isWeighed(unit) ? `${qty} ${unitSymbol(unit, locale)}` : qty;
}

export function parseQty(text: string, unit: Unit): number | null {
  const cleaned = text.trim().replace(',', '.');
  if (!/^\d+(\.\d{0,3})?$/.test(cleaned)) return null;
  const value = Math.round(Number(cleaned) * 1000);
  if (unit === 'each' && value % 1000 !== 0) return null;
  return value;
}
