import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat Pay v2 signature (签名算法): the non-empty fields except `sign`, sorted by name (ASCII),
 * joined as `k=v&k=v`, then `&key=<API key>`; HMAC-SHA256 keyed with the API key, upper-case hex.
 * The same rule signs our requests, WeChat's answers and its notifications.
 */
export const SIGN_TYPE = 'HMAC-SHA256';

export function signingString(fields: Record<string, string>, apiKey: string): string {
  const parts = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`);
  parts.push(`key=${apiKey}`);
  return parts.join('&');
}

export function wechatSign(fields: Record<string, string>, apiKey: string): string {
  return createHmac('sha256', apiKey).update(signingString(fields, apiKey), 'utf8').digest('hex').toUpperCase();
}

/**
 * True when `sign` is present and matches. A body naming another sign type is refused: we ask
 * for HMAC-SHA256 and accept nothing weaker (MD5) in its place.
 */
export function verifyWechatSign(fields: Record<string, string>, apiKey: string): boolean {
  const given = fields.sign;
  if (!given || !/^[0-9A-F]{64}$/.test(given)) return false;
  if (fields.sign_type !== undefined && fields.sign_type !== SIGN_TYPE) return false;
  const want = Buffer.from(wechatSign(fields, apiKey), 'ascii');
  return timingSafeEqual(want, Buffer.from(given, 'ascii'));
}

/** 32 characters, as WeChat asks (nonce_str, at most 32). */
export function nonceStr(): string {
  return randomBytes(16).toString('hex');
}
