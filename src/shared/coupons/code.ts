/**
 * Coupon codes: random symbols in Crockford's base32 (no I, L, O or U, so nothing reads as another
 * symbol), followed by one check symbol (Luhn mod 32), shown in groups of four:
 * `7KQ2-M9XD-4HZT-R` for a batch code (12 random symbols, 60 bits), `PX4M-2QJK-W` for a shared one
 * (8 random symbols). The check symbol catches every single mistyped symbol and most swaps of two
 * neighbours, so a typo is refused as "not a valid code" before any lookup.
 *
 * Pure: the random bytes come from the caller (a CSPRNG in main, a seeded one in tests).
 */

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = CODE_ALPHABET.length;

/** Random symbols in a batch code and in a shared code (the check symbol comes on top). */
export const BATCH_CODE_SYMBOLS = 12;
export const SHARED_CODE_SYMBOLS = 8;
/** The longest text that can be a code (groups and spaces included): anything longer is refused unread. */
export const MAX_CODE_INPUT = 40;

const VALUE = new Map<string, number>();
for (let i = 0; i < N; i++) VALUE.set(CODE_ALPHABET[i]!, i);
// Crockford's decoding: letters easily misread are read as the digit they look like.
VALUE.set('O', 0);
VALUE.set('I', 1);
VALUE.set('L', 1);

/** Luhn mod N over symbol values: the check value that makes the whole string sum to 0. */
function checkValue(values: readonly number[]): number {
  let factor = 2;
  let sum = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    let addend = factor * values[i]!;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return (N - (sum % N)) % N;
}

/**
 * The code in its canonical form (upper case, no spaces or dashes, look-alike letters read as
 * digits), or null when it holds anything else or is not of a code's length.
 */
export function normalizeCode(input: string): string | null {
  if (input.length > MAX_CODE_INPUT) return null;
  const bare = input.replace(/[\s-]/g, '').toUpperCase();
  if (bare.length !== BATCH_CODE_SYMBOLS + 1 && bare.length !== SHARED_CODE_SYMBOLS + 1) return null;
  let out = '';
  for (const ch of bare) {
    const v = VALUE.get(ch);
    if (v === undefined) return null;
    out += CODE_ALPHABET[v];
  }
  return out;
}

/**
 * The canonical code when `input` is a well-formed code whose check symbol matches, else null.
 * Says nothing about whether the code exists: that is a lookup.
 */
export function parseCode(input: string): string | null {
  const canonical = normalizeCode(input);
  if (canonical === null) return null;
  const values = [...canonical].map((ch) => VALUE.get(ch)!);
  const check = values.pop()!;
  return checkValue(values) === check ? canonical : null;
}

/** Appends the check symbol to random symbols of the alphabet. */
export function withCheck(symbols: string): string {
  return symbols + CODE_ALPHABET[checkValue([...symbols].map((ch) => VALUE.get(ch)!))]!;
}

/**
 * A code from random bytes, one per symbol (the low five bits: every symbol is uniform).
 * `makeCode` draws again when every random symbol is a digit.
 */
export function codeFromBytes(bytes: Uint8Array, symbols: number): string {
  if (bytes.length < symbols) throw new Error('not enough random bytes for a code');
  let s = '';
  for (let i = 0; i < symbols; i++) s += CODE_ALPHABET[bytes[i]! & 31]!;
  return withCheck(s);
}

/** A code holding at least one letter among its random symbols, so no product barcode reads as one. */
export function makeCode(randomBytes: (n: number) => Uint8Array, symbols: number): string {
  for (;;) {
    const code = codeFromBytes(randomBytes(symbols), symbols);
    if (/[A-Z]/.test(code.slice(0, symbols))) return code;
  }
}

/** True for text a clerk could have scanned as a coupon: a valid check symbol and a letter among the rest. */
export function looksLikeCoupon(input: string): boolean {
  const code = parseCode(input);
  return code !== null && /[A-Z]/.test(code.slice(0, -1));
}

/** Groups of four for people: `7KQ2M9XD4HZTR` → `7KQ2-M9XD-4HZT-R`. */
export function formatCode(canonical: string): string {
  return (canonical.match(/.{1,4}/g) ?? []).join('-');
}
