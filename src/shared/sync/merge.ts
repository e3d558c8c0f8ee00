/**
 * Per-field last-writer-wins merge of mutable records, shared by the terminal and the cloud.
 * A record is `{ d: { field: value }, c: { field: stamp } }`; stamps are HLC strings that sort
 * in time order, so the larger stamp wins. Equal stamps mean the same change seen twice.
 */
import type { Stamps } from './protocol';

export interface FieldRecord {
  d: Record<string, unknown>;
  c: Record<string, string>;
}

/** Expands `c` to one stamp per field of `d` (a single string stamps every field). */
export function expandStamps(c: Stamps | undefined, d: Record<string, unknown>): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const f of Object.keys(d)) {
    const s = typeof c === 'string' ? c : c?.[f];
    if (typeof s !== 'string') return null;
    out[f] = s;
  }
  return out;
}

/** One string when every field has the same stamp (a fresh record), else the map. */
export function compactStamps(c: Record<string, string>): Stamps {
  const values = Object.values(c);
  if (values.length > 0 && values.every((v) => v === values[0])) return values[0]!;
  return c;
}

export function maxStamp(c: Record<string, string>): string {
  let max = '';
  for (const v of Object.values(c)) if (v > max) max = v;
  return max;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Merges `incoming` into `base`: a field is taken when its stamp is newer than the base's (or the
 * base does not have it). Returns the merged record and whether any value or stamp moved.
 */
export function mergeRecord(base: FieldRecord | null, incoming: FieldRecord): { merged: FieldRecord; changed: boolean } {
  if (!base) return { merged: { d: { ...incoming.d }, c: { ...incoming.c } }, changed: true };
  const d = { ...base.d };
  const c = { ...base.c };
  let changed = false;
  for (const [f, value] of Object.entries(incoming.d)) {
    const stamp = incoming.c[f]!;
    const cur = c[f];
    if (cur === undefined || stamp > cur) {
      if (!sameValue(d[f], value) || cur !== stamp) changed = true;
      d[f] = value;
      c[f] = stamp;
    }
  }
  return { merged: { d, c }, changed };
}
