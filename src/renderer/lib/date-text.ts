/**
 * A date typed and shown in the screen's language (2026/12/06 on a Chinese screen, 12/06/2026 on
 * an English one). A native date input follows the browser's own locale instead, whatever the
 * page's language, so a Chinese screen in an English browser showed mm/dd/yyyy.
 */
type Part = 'year' | 'month' | 'day';

const numeric = (locale: string) => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });

/** The order of year, month and day in this locale's short dates. */
export function dateOrder(locale: string): Part[] {
  return numeric(locale)
    .formatToParts(Date.UTC(2000, 0, 2))
    .map((p) => p.type)
    .filter((t): t is Part => t === 'year' || t === 'month' || t === 'day');
}

/** yyyy-mm-dd as this locale writes it; '' for ''. */
export function formatIsoDate(iso: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return '';
  return numeric(locale).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** Text typed in this locale's order (any separators; yyyy-mm-dd always works) as yyyy-mm-dd, or null. */
export function parseLocalDate(text: string, locale: string): string | null {
  const nums = text.trim().split(/\D+/).filter(Boolean);
  if (nums.length !== 3) return null;
  const order: Part[] = nums[0]!.length === 4 ? ['year', 'month', 'day'] : dateOrder(locale);
  const v: Record<Part, number> = { year: 0, month: 0, day: 0 };
  order.forEach((p, i) => (v[p] = Number(nums[i])));
  if (v.year < 1000 || v.year > 9999 || v.month < 1 || v.month > 12 || v.day < 1) return null;
  const d = new Date(Date.UTC(v.year, v.month - 1, v.day));
  if (d.getUTCMonth() !== v.month - 1) return null;
  return `${String(v.year).padStart(4, '0')}-${String(v.month).padStart(2, '0')}-${String(v.day).padStart(2, '0')}`;
}

/** "mm/dd/yyyy" or "年/月/日": the locale's order, with its words for the parts. */
export function datePattern(locale: string, words: Record<Part, string>): string {
  const sep =
    numeric(locale)
      .formatToParts(Date.UTC(2000, 0, 2))
      .find((p) => p.type === 'literal')?.value ?? '/';
  return dateOrder(locale)
    .map((p) => words[p])
    .join(sep);
}
