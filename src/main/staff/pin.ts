import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** OWASP's scrypt recommendation: N=2^17, r=8, p=1 (about 128 MiB and half a second per hash here). */
export interface PinParams {
  N: number;
  r: number;
  p: number;
}
export const OWASP_SCRYPT: PinParams = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LEN = 32;
const maxmem = (p: PinParams) => 256 * p.N * p.r + 1024 * 1024;

function format(p: PinParams, salt: Buffer, key: Buffer): string {
  return `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { p: PinParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  return {
    p: { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) },
    salt: Buffer.from(parts[4]!, 'base64'),
    key: Buffer.from(parts[5]!, 'base64'),
  };
}

function scryptAsync(pin: string, salt: Buffer, p: PinParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LEN, { ...p, maxmem: maxmem(p) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string, params: PinParams): Promise<string> {
  const salt = randomBytes(16);
  return format(params, salt, await scryptAsync(pin, salt, params));
}

/** Async: the hash runs on the thread pool so the main process keeps answering. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scryptAsync(pin, parsed.salt, parsed.p);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Sync variant for an on-the-spot manager approval inside a write transaction. */
export function verifyPinSync(pin: string, stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = scryptSync(pin, parsed.salt, KEY_LEN, { ...parsed.p, maxmem: maxmem(parsed.p) });
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
