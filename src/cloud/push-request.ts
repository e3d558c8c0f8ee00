/**
 * Validating a push body. zod walks every field of every record (about 20 µs per product), which
 * is a fifth of a push's budget; a push that satisfies the schema is recognised here by a plain
 * walk of the same rules and used as it is. Anything this walk is unsure of goes to zod, so the
 * answer (the accepted value, or zod's error) is the schema's in every case.
 */
import type { z } from 'zod';
import { PUSH_LIMITS, pushRequestSchema, type PushRequest } from '../shared/sync/protocol';

const MUTATION_KEYS = new Set(['m', 'e', 'i', 'noop', 'd', 'c', 'ch', 'raw']);
const REQUEST_KEYS = new Set(['mutations', 'rebase', 'epoch', 'journalHead']);

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** An object as JSON.parse makes them (zod copies those as they are) without a `__proto__` key (which zod drops). */
function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.getPrototypeOf(v) === Object.prototype && !hasOwn(v, '__proto__');
}

const isText = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

function fieldsOk(o: Record<string, unknown>, value: (v: unknown) => boolean): boolean {
  for (const k in o) if (k.length > PUSH_LIMITS.field || !value(o[k])) return false;
  return true;
}

const isStamp = (v: unknown) => isText(v, PUSH_LIMITS.stampMin, PUSH_LIMITS.stampMax);
const isRow = (v: unknown) => isRecord(v) && fieldsOk(v, () => true);

function mutationOk(m: unknown): boolean {
  if (!isRecord(m)) return false;
  for (const k in m) if (!MUTATION_KEYS.has(k) || m[k] === undefined) return false;
  if (!Number.isSafeInteger(m.m) || (m.m as number) < 1) return false;
  if (!isText(m.e, 1, PUSH_LIMITS.entity) || !isText(m.i, 1, PUSH_LIMITS.key)) return false;
  if ('noop' in m && m.noop !== true) return false;
  if ('d' in m && !isRow(m.d)) return false;
  if ('c' in m && !isStamp(m.c) && !(isRecord(m.c) && fieldsOk(m.c, isStamp))) return false;
  if ('ch' in m) {
    const ch = m.ch;
    if (!isRecord(ch)) return false;
    const rowsOk = (v: unknown) => Array.isArray(v) && v.length <= PUSH_LIMITS.childRows && v.every(isRow);
    if (!fieldsOk(ch, rowsOk)) return false;
  }
  return true;
}

function journalHeadOk(h: unknown): boolean {
  if (!isRecord(h)) return false;
  for (const k in h) if (k !== 'seq' && k !== 'hash') return false;
  return Number.isSafeInteger(h.seq) && (h.seq as number) >= 0 && typeof h.hash === 'string' && /^[0-9a-f]{64}$/.test(h.hash);
}

/** True when `raw` certainly satisfies pushRequestSchema and zod would return it unchanged. */
export function isPlainPushRequest(raw: unknown): raw is PushRequest {
  if (!isRecord(raw)) return false;
  for (const k in raw) if (!REQUEST_KEYS.has(k) || raw[k] === undefined) return false;
  if ('rebase' in raw && typeof raw.rebase !== 'boolean') return false;
  if ('epoch' in raw && !isText(raw.epoch, 1, PUSH_LIMITS.epoch)) return false;
  if ('journalHead' in raw && !journalHeadOk(raw.journalHead)) return false;
  const muts = raw.mutations;
  if (!Array.isArray(muts) || muts.length < 1 || muts.length > PUSH_LIMITS.mutations) return false;
  return muts.every(mutationOk);
}

/** pushRequestSchema.safeParse, quicker for the pushes terminals send. */
export function parsePushRequest(raw: unknown): z.ZodSafeParseResult<PushRequest> {
  if (isPlainPushRequest(raw)) return { success: true, data: raw };
  return pushRequestSchema.safeParse(raw);
}
