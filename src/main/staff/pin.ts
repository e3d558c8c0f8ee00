import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's scrypt recommendation: N=2^17, r=8, p=1 (about 128 MiB and half a second per hash here). */
export interface PinParams {
  N: number;
  r: number;
  p: number;
}
export const OWASP_SCRYPT: PinParams = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LEN = 32;
const SALT_LEN = 16;
const maxmem = (p: PinParams) => 256 * p.N * p.r + 1024 * 1024;

function format(p: PinParams, salt: Buffer, key: Buffer): string {
  return `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * A stored hash, accepted only when made with exactly the configured cost: hashes arrive by sync,
 * so cost parameters read from the data would let whoever wrote the record choose how long (and
 * how much memory) a PIN check takes.
 */
function parse(stored: string, params: PinParams): { salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  if (parts[1] !== String(params.N) || parts[2] !== String(params.r) || parts[3] !== String(params.p)) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length !== SALT_LEN || key.length !== KEY_LEN) return null;
  return { salt, key };
}

/** Whether a stored hash has the configured shape and cost (what a verify would compute at all). */
export function isPinHash(stored: string, params: PinParams): boolean {
  return parse(stored, params) !== null;
}

/** On the libuv thread pool: the main process keeps answering while a PIN is hashed. */
function scryptAsync(pin: string, salt: Buffer, p: PinParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LEN, { ...p, maxmem: maxmem(p) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string, params: PinParams): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  return format(params, salt, await scryptAsync(pin, salt, params));
}

/** False at once, without hashing, for a hash made with any other parameters. */
export async function verifyPin(pin: string, stored: string, params: PinParams): Promise<boolean> {
  const parsed = parse(stored, params);
  if (!parsed) return false;
  const key = await scryptAsync(pin, parsed.salt, params);
  return timingSafeEqual(key, parsed.key);
}
