/**
 * The link a printed receipt carries to "this receipt online". Its key is 128 random bits (16
 * bytes from the till's CSPRNG) written in Crockford's base32: 26 symbols, readable aloud, not
 * guessable, and unrelated to the order's id or number. The cloud keeps only its hash.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const RECEIPT_KEY_LENGTH = 26;
/** A key as the till writes it. */
export const RECEIPT_KEY = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/;

/** The key for 16 random bytes (the caller's CSPRNG: pure here, so tests can fix it). */
export function receiptKeyOf(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error('a receipt key takes 16 random bytes');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A typed key as the till wrote it: upper case, O read as 0, I and L as 1; null if it cannot be one. */
export function normaliseReceiptKey(typed: string): string | null {
  const k = typed.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return RECEIPT_KEY.test(k) ? k : null;
}

/** The receipt's page in the store's shop: `<public address>/shop/<store>/r/<key>`. */
export function receiptUrl(publicBase: string, storeId: string, key: string): string {
  return `${publicBase.replace(/\/+$/, '')}/shop/${storeId}/r/${key}`;
}

/** A shop's public address as a manager types it: http(s), a host, an optional port and path; nothing else. */
export const PUBLIC_ADDRESS = /^https?:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*\/?$/;
