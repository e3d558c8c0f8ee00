import { createHash, randomBytes } from 'node:crypto';
import { createHlc, type Hlc } from '../shared/hlc';
import { uuidv7 } from '../shared/ids';
import type { CloudDb } from './db/open';
import { OWASP_SCRYPT, type PinParams } from '../main/staff/pin';

/** Everything a request may touch. Nothing here holds state between requests but the clock. */
export interface CloudDeps {
  db: CloudDb;
  clock: () => number;
  ids: () => string;
  /** Stamps for records the cloud itself writes (a new store's settings) and for clamped stamps. */
  hlc: Hlc;
  /** How far ahead of the cloud's clock a pushed stamp may be before it is clamped. */
  maxDriftMs: number;
  /** Random bytes for tokens and codes (injectable for deterministic simulations). */
  randomBytes: (n: number) => Buffer;
  /** Lifetime of a one-time enrolment code. */
  codeTtlMs: number;
  /** Lifetime of a manager's cloud sign-in. */
  staffSessionTtlMs: number;
  /** The one scrypt cost a synced PIN hash may have: a hash with any other is refused unhashed. */
  pinParams: PinParams;
  /** The scrypt cost of shop buyers' passwords (OWASP's; tests make it cheap). */
  buyerPasswordParams: PinParams;
  /** Told how many rows a push wrote (the embedded database keeps its planner statistics from it). */
  noteWrites: (n: number) => void;
}

export function cloudDeps(db: CloudDb, over: Partial<Omit<CloudDeps, 'db'>> = {}): CloudDeps {
  const clock = over.clock ?? Date.now;
  return {
    db,
    clock,
    ids: over.ids ?? (() => uuidv7(clock())),
    hlc: over.hlc ?? createHlc(`cloud${randomBytes(3).toString('hex')}`, clock),
    maxDriftMs: over.maxDriftMs ?? 5 * 60_000,
    randomBytes: over.randomBytes ?? randomBytes,
    codeTtlMs: over.codeTtlMs ?? 24 * 3600_000,
    staffSessionTtlMs: over.staffSessionTtlMs ?? 8 * 3600_000,
    pinParams: over.pinParams ?? OWASP_SCRYPT,
    buyerPasswordParams: over.buyerPasswordParams ?? OWASP_SCRYPT,
    noteWrites: over.noteWrites ?? (() => undefined),
  };
}

/** An answer other than 200: status, a stable code and a message for people. */
export class CloudHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 423 | 429 | 500,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that go with the answer (Retry-After, Connection). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Crockford base32 without look-alikes: what people type from a screen. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 12 characters × 5 bits = 60 bits, shown as XXXX-XXXX-XXXX. */
export function newEnrolmentCode(deps: Pick<CloudDeps, 'randomBytes'>): string {
  const bytes = deps.randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i++) out += CODE_ALPHABET[bytes[i]! % 32];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

export function newToken(deps: Pick<CloudDeps, 'randomBytes'>, prefix: string): string {
  return `${prefix}_${deps.randomBytes(32).toString('base64url')}`;
}
