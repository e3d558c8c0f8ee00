/**
 * Alipay writes amounts as yuan strings with at most two decimals ("12.30"); we keep minor units
 * (fen). Both ways are done on digits, never through floating point.
 */

/** 1230 → "12.30". Throws on anything that is not a positive safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen <= 0) throw new RangeError('amount must be a positive whole number of fen');
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** "12.3" → 1230, "12" → 1200, "0.01" → 1; null for anything that is not a plain non-negative amount. */
export function yuanToFen(yuan: unknown): number | null {
  if (typeof yuan !== 'string') return null;
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}
