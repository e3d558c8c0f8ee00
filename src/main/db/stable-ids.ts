/**
 * Ids derived from what they name rather than drawn at random: the same seed gives the same ids on
 * every till, so two tills that write the same fact apart (an imported sale, an approved online
 * return) write it once between them when they sync (append-only records insert by id).
 */
import { createHash } from 'node:crypto';

/**
 * UUIDv7-shaped ids (time first, so they sort by when the sale was) with the rest from a hash of
 * `seed`: the same seed, the same ids. Member `i` of the family differs from the base (i = 0) in
 * its last two bytes: an order's lines and payments without a hash each.
 */
export function stableIds(at: number, seed: string): (i: number) => string {
  const h = createHash('sha256').update(seed).digest();
  let ms = Math.max(0, Math.floor(at));
  for (let i = 5; i >= 0; i--) {
    h[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  h[6] = (h[6]! & 0x0f) | 0x70;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 14).toString('hex');
  const head = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const tail = (h[14]! << 8) | h[15]!;
  return (i) => head + ((tail ^ i) & 0xffff).toString(16).padStart(4, '0');
}

export function stableId(at: number, seed: string): string {
  return stableIds(at, seed)(0);
}
