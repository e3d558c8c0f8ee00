import Papa from 'papaparse';
import type { HistoryFormat } from '../../shared/api/history';
import type { ImportError } from '../../shared/api/inventory-types';
import { parseDecimal } from '../inventory/csv';
import { tzOffsetMs } from '../../shared/business-day';

/**
 * What other tills export, read into one shape. Each format is recognised by its header; a row is
 * turned into what Countertop keeps (customer fields, or order head / line / tenders), and any
 * value that cannot be trusted becomes a row error. The column mapping is documented in
 * docs/import-formats.md.
 */

export type HistoryKind = 'customers' | 'sales';

/** One data row: its cells, read by column name through the table's index. */
export class Row {
  constructor(
    readonly row: number,
    private readonly cells: string[],
    private readonly index: Map<string, number>,
  ) {}
  get(col: string): string {
    const at = this.index.get(col);
    return at === undefined ? '' : (this.cells[at] ?? '').trim();
  }
  has(col: string): boolean {
    return this.index.has(col);
  }
}

export interface Table {
  columns: string[];
  records: Row[];
  errors: ImportError[];
}

/** Longest cell kept; a longer one is an error, never a truncation. */
const MAX_CELL = 4000;

export function parseTable(text: string): Table {
  const res = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false });
  const rows = res.data;
  const header = (rows[0] ?? []).map(normalizeHeader);
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (h && !index.has(h)) index.set(h, i);
  });
  const errors: ImportError[] = [];
  const records: Row[] = [];
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!;
    let blank = true;
    let long = -1;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      if (blank && cell.trim() !== '') blank = false;
      if (cell.length > MAX_CELL) long = c;
    }
    if (blank) continue;
    if (long >= 0) {
      errors.push({
        row: i + 1,
        column: header[long] ?? null,
        reason: `a cell is longer than ${MAX_CELL} characters`,
        key: 'cellTooLong',
        params: { max: MAX_CELL },
      });
      continue;
    }
    records.push(new Row(i + 1, cells, index));
  }
  for (const e of res.errors) {
    if (e.code === 'UndetectableDelimiter' || e.code === 'TooFewFields' || e.code === 'TooManyFields') continue;
    errors.push({ row: (e.row ?? 0) + 1, column: null, reason: e.message, key: `parse.${e.code}` });
  }
  return { columns: header, records, errors };
}

/** "Lineitem SKU", "lineitem_sku" and " LineItem  sku " are one column. */
export function normalizeHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Detection

const hasAll = (cols: Set<string>, ...names: string[]) => names.every((n) => cols.has(n));

export function detectFormat(kind: HistoryKind, columns: string[]): HistoryFormat | null {
  const c = new Set(columns);
  if (kind === 'customers') {
    if (c.has('square customer id') || hasAll(c, 'first name', 'email address', 'phone number')) return 'square';
    if (
      hasAll(c, 'first name', 'last name', 'email') &&
      (c.has('total spent') || c.has('accepts email marketing') || c.has('accepts marketing'))
    )
      return 'shopify';
    if (c.has('customer name') && (c.has('points balance') || c.has('customer code') || c.has('total visits'))) return 'loyverse';
    if (c.has('name') && (c.has('email') || c.has('phone'))) return 'countertop';
    return null;
  }
  if (hasAll(c, 'transaction id', 'item', 'qty')) return 'square-items';
  if (hasAll(c, 'transaction id', 'total collected')) return 'square-transactions';
  if (hasAll(c, 'name', 'lineitem name', 'lineitem quantity', 'created at')) return 'shopify';
  if (hasAll(c, 'receipt number', 'item', 'quantity')) return 'loyverse-items';
  if (hasAll(c, 'receipt number', 'total collected')) return 'loyverse-receipts';
  if (hasAll(c, 'order id', 'date', 'qty')) return 'countertop';
  return null;
}

/** The system a format comes from, as stored in `orders.source`. */
export function sourceOf(format: HistoryFormat): string {
  return format.split('-')[0]!;
}

// ---------------------------------------------------------------------------------------------
// Values

export class RowError extends Error {
  constructor(
    readonly column: string | null,
    readonly key: string,
    reason: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(reason);
  }
}

// Control characters (NUL included), bidirectional overrides and isolates: they hide or reorder
// what a name shows on a receipt or a screen.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/;
// What a spreadsheet would run as a formula when the file is opened again.
const FORMULA = /^[=+@\t\r]|^-[^\d\s.]/;

/** Text a person typed (names, notes): refused when it could hide, reorder or run something. */
export function safeText(value: string, column: string, max: number): string {
  if (UNSAFE.test(value)) throw new RowError(column, 'unsafeText', `"${column}" holds control or direction characters`);
  if (FORMULA.test(value)) throw new RowError(column, 'formula', `"${column}" starts like a spreadsheet formula`);
  if (value.length > max) throw new RowError(column, 'tooLong', `"${column}" is longer than ${max} characters`, { max });
  return value;
}

/**
 * A number written either way, "1,234.50" or "1.234,50" (and "12,50"), in the dotted form: the
 * separator written last is the decimal one. null: it cannot be told ("1,500" as a quantity could
 * be 1.5 or 1500), refused rather than guessed.
 */
function dotted(t: string, thousandsAmbiguous: boolean): string | null {
  const comma = t.lastIndexOf(',');
  const dot = t.lastIndexOf('.');
  if (comma < 0) return t;
  if (dot > comma) return t.replace(/,/g, '');
  if (dot >= 0) return t.replace(/\./g, '').replace(',', '.');
  if (/^\d{1,3}(,\d{3})+$/.test(t)) return thousandsAmbiguous && !/,\d{3},/.test(t) ? null : t.replace(/,/g, '');
  if (/^\d+,\d+$/.test(t)) return t.replace(',', '.');
  return t;
}

/** A number as most files write it ("12", "3.50"): nothing to strip or reinterpret, so read directly. */
const PLAIN = /^\d{1,15}(?:\.\d{1,6})?$/;

/** "$1,234.50", "1.234,50 €", "(3.00)", "-3.00", "¥12", "" → minor units, or null when empty. */
export function money(value: string, column: string, digits: number, opts: { negative?: boolean } = {}): number | null {
  if (PLAIN.test(value)) {
    const v = parseDecimal(value, digits);
    if (v !== null && v <= 100_000_000_000) return v;
  }
  let t = value.replace(/[\s\u00A0]/g, '');
  if (t === '') return null;
  let neg = false;
  if (/^\(.*\)$/.test(t)) {
    neg = true;
    t = t.slice(1, -1);
  }
  t = t.replace(/^[^\d\-.(]+|[^\d.]+$/g, '').replace(/^-[^\d.]+/, '-');
  if (t.startsWith('-')) {
    neg = !neg;
    t = t.slice(1);
  }
  // Money has at most two decimals (three for a few currencies): "1,234" is thousands.
  const d = dotted(t, false);
  const v = d === null ? null : parseDecimal(d, digits);
  if (v === null || v > 100_000_000_000)
    throw new RowError(column, 'badMoney', `"${value}" is not an amount`, { value: value.slice(0, 40) });
  if (neg && !opts.negative && v !== 0)
    throw new RowError(column, 'negativeMoney', `"${value}" is below zero`, { value: value.slice(0, 40) });
  return neg ? -v : v;
}

/** A quantity in thousandths, above zero. */
export function quantity(value: string, column: string): number {
  if (PLAIN.test(value)) {
    const v = parseDecimal(value, 3);
    if (v !== null && v > 0 && v <= 100_000_000) return v;
  }
  const t = value.replace(/\s/g, '');
  const d = dotted(t.replace(/^-/, ''), true);
  if (d === null)
    throw new RowError(column, 'ambiguousNumber', `"${value}" could be read two ways: write it with a decimal point`, {
      value: value.slice(0, 40),
    });
  const v = parseDecimal(d, 3);
  if (v === null || v > 100_000_000) throw new RowError(column, 'badQty', `"${value}" is not a quantity`, { value: value.slice(0, 40) });
  if (t.startsWith('-') || v === 0)
    throw new RowError(column, 'qtyNotPositive', `the quantity "${value}" is not above zero`, { value: value.slice(0, 40) });
  return v;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Wall-clock time in the time zone `tz` → epoch ms (the offset at the guess, then at the corrected instant). */
function zoned(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = utc - tzOffsetMs(utc, tz);
  return utc - tzOffsetMs(first, tz);
}

function validDate(y: number, mo: number, d: number): boolean {
  if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function badDate(column: string, text: string): RowError {
  return new RowError(column, 'badDate', `"${text.slice(0, 40)}" is not a date and time`, { value: text.slice(0, 40) });
}

/**
 * A date and time as the exports write them: ISO ("2024-03-05 14:07:09 -0500", "2024-03-05T14:07Z"),
 * US ("3/5/24 2:07 PM", month first unless the first number is above 12), dotted ("05.03.2024 14:07",
 * day first) or "Mar 5, 2024". Without an offset, the time is the store's wall clock.
 */
export function when(dateText: string, timeText: string, column: string, tz: string): number {
  const text = `${dateText} ${timeText}`.trim().replace(/\s+/g, ' ');
  const bad = badDate.bind(null, column, text);
  let y: number, mo: number, d: number, rest: string;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](.*))?$/.exec(text);
  if (m) {
    [y, mo, d, rest] = [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''];
  } else if ((m = /^(\d{1,2})([/.])(\d{1,2})\2(\d{2}|\d{4}),?(?: (.*))?$/.exec(text))) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    y = Number(m[4]!.length === 2 ? `20${m[4]}` : m[4]);
    // Dots are day first (Europe); slashes month first (US) unless that cannot be.
    const dayFirst = m[2] === '.' || a > 12;
    [mo, d] = dayFirst ? [b, a] : [a, b];
    rest = m[5] ?? '';
  } else if ((m = /^([A-Za-z]{3})[a-z]* (\d{1,2}),? (\d{4})(?: (.*))?$/.exec(text)) && MONTHS[m[1]!.toLowerCase()]) {
    [y, mo, d, rest] = [Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]), m[4] ?? ''];
  } else throw bad();
  if (!validDate(y, mo, d)) throw bad();
  let h = 0;
  let mi = 0;
  let s = 0;
  let offset: number | null = null;
  rest = rest.trim();
  if (rest) {
    const t = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?(?:\s+\S.*)?$/.exec(rest);
    if (!t) throw bad();
    h = Number(t[1]);
    mi = Number(t[2]);
    s = Number(t[3] ?? 0);
    if (t[4]) {
      if (h < 1 || h > 12) throw bad();
      h = (h % 12) + (/p/i.test(t[4]) ? 12 : 0);
    }
    if (h > 23 || mi > 59 || s > 59) throw bad();
    if (t[5]) {
      const z = t[5].toUpperCase();
      if (z === 'Z' || z === 'UTC' || z === 'GMT') offset = 0;
      else {
        const sign = z.startsWith('-') ? -1 : 1;
        const digits = z.slice(1).replace(':', '');
        const oh = Number(digits.slice(0, 2));
        const om = Number(digits.slice(2));
        if (oh > 14 || om > 59) throw bad();
        offset = sign * (oh * 60 + om) * 60_000;
      }
    }
  }
  return offset === null ? zoned(y, mo, d, h, mi, s, tz) : Date.UTC(y, mo - 1, d, h, mi, s) - offset;
}

/** Cash is cash; everything else is a card or other tender paid outside this till, named as the file names it. */
export function tender(label: string): { kind: 'cash' | 'card_external'; brand: string | null } {
  const l = label.trim();
  if (/^(cash|现金|現金|efectivo|bargeld|espèces)$/i.test(l)) return { kind: 'cash', brand: null };
  return { kind: 'card_external', brand: l ? l.slice(0, 40) : null };
}

export const digitsOf = (phone: string) => phone.replace(/\D/g, '');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function email(value: string, column: string): string | null {
  if (!value) return null;
  safeText(value, column, 200);
  if (!EMAIL.test(value)) throw new RowError(column, 'badEmail', `"${value}" is not an email address`, { value: value.slice(0, 60) });
  return value;
}

export function phone(value: string, column: string): string | null {
  // Spreadsheets export phone numbers as '+1 555…; the leading quote is theirs, not the number's.
  const v = value.replace(/^'/, '');
  if (!v) return null;
  if (UNSAFE.test(v) || v.length > 60 || !/^[\d\s()+\-./x#*ext]+$/i.test(v) || digitsOf(v).length < 3)
    throw new RowError(column, 'badPhone', `"${value.slice(0, 40)}" is not a phone number`, { value: value.slice(0, 40) });
  return v;
}
