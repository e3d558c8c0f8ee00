/** Random bytes are drawn in batches: one getRandomValues call per 512 ids (an import makes 100,000+). */
const POOL_BYTES = 16 * 512;
let pool = new Uint8Array(0);
let poolPos = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** UUIDv7: time-ordered and unique offline, so ids made on different terminals never collide. */
export function uuidv7(nowMs: number = Date.now()): string {
  if (poolPos >= pool.length) {
    pool = new Uint8Array(POOL_BYTES);
    globalThis.crypto.getRandomValues(pool);
    poolPos = 0;
  }
  const bytes = pool.slice(poolPos, poolPos + 16);
  poolPos += 16;
  let ms = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (let i = 0; i < 16; i++) hex += HEX[bytes[i]!]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type IdSource = () => string;
export type Clock = () => number;
