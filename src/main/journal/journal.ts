import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';
import type { SecretStore } from '../secrets/secrets';
import type { JournalProblem } from '../../shared/api/admin';
import type { CamelCols, Cols } from '../db/rows';
import type { journal } from '../db/schema';

export type { JournalProblem };

export const GENESIS_HASH = '0'.repeat(64);

/** Names in the secret store (outside the database file, so a copy of the file cannot re-sign the chain). */
export const JOURNAL_SECRETS = {
  /** The HMAC key, 32 random bytes in base64. */
  key: 'journal.key',
  /** The first entry this till chained with its key: an unkeyed entry from there on is a forgery. */
  keyedFrom: 'journal.keyedFrom',
  /** The newest entry the cloud has seen from this till (JSON `{ seq, hash, at }`). */
  cloudHead: 'journal.cloudHead',
} as const;

/** JSON with keys sorted at every level: the same document always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The unkeyed link of entries written before the journal was keyed: anyone can recompute it. */
export function chainHash(prevHash: string, payload: string): string {
  return createHash('sha256').update(prevHash).update(payload).digest('hex');
}

/** The keyed link: only a holder of the key can make one that verifies. */
export function keyedHash(key: Buffer, prevHash: string, payload: string): string {
  return createHmac('sha256', key).update(prevHash).update(payload).digest('hex');
}

export interface JournalKey {
  id: string;
  key: Buffer;
}

/** A short name for a key that reveals nothing about it (so an entry can say which key made it). */
export function journalKeyId(key: Buffer): string {
  return createHash('sha256').update('countertop-journal-key-id\0').update(key).digest('hex').slice(0, 16);
}

/** The journal key in the secret store; made on first use when `create` (a new till, or a till just upgraded). */
export function journalKey(secrets: SecretStore, create: false): JournalKey | null;
export function journalKey(secrets: SecretStore, create: true, nextSeq: number): JournalKey;
export function journalKey(secrets: SecretStore, create: boolean, nextSeq = 1): JournalKey | null {
  const stored = secrets.get(JOURNAL_SECRETS.key);
  if (stored) {
    const key = Buffer.from(stored, 'base64');
    if (key.length >= 32) {
      // A till stopped between writing the key and its start: the start is this entry at the latest.
      if (create && secrets.get(JOURNAL_SECRETS.keyedFrom) === null) secrets.set(JOURNAL_SECRETS.keyedFrom, String(nextSeq));
      return { id: journalKeyId(key), key };
    }
  }
  if (!create) return null;
  const key = randomBytes(32);
  secrets.set(JOURNAL_SECRETS.key, key.toString('base64'));
  secrets.set(JOURNAL_SECRETS.keyedFrom, String(nextSeq));
  return { id: journalKeyId(key), key };
}

export type JournalKind = 'sale' | 'refund' | 'void' | 'shift_close';

/** Raw statements: every sale appends an entry, and the query builder would compile them each time. */
export const JOURNAL_SQL = {
  last: 'SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1',
  insert: 'INSERT INTO journal (seq, id, kind, ref_id, payload, prev_hash, hash, at, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
} as const;

type JournalHeadRow = Cols<typeof journal, 'seq' | 'hash'>;

export function appendJournal(
  deps: Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'secrets'>,
  kind: JournalKind,
  refId: string,
  document: unknown,
): { seq: number; hash: string } {
  const last = cachedStatement(deps.sqlite, JOURNAL_SQL.last).get() as JournalHeadRow | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const seq = (last?.seq ?? 0) + 1;
  const payload = canonicalJson({ kind, refId, document });
  const key = journalKey(deps.secrets, true, seq);
  const hash = keyedHash(key.key, prevHash, payload);
  cachedStatement(deps.sqlite, JOURNAL_SQL.insert).run(seq, deps.ids(), kind, refId, payload, prevHash, hash, deps.clock(), key.id);
  return { seq, hash };
}

/** This till's newest entry, as it goes to the cloud with each push. */
export function journalHead(sqlite: Deps['sqlite']): { seq: number; hash: string } | null {
  return (cachedStatement(sqlite, JOURNAL_SQL.last).get() as JournalHeadRow | undefined) ?? null;
}

export interface CloudHead {
  seq: number;
  hash: string;
  at: number;
}

export function readCloudHead(secrets: SecretStore): CloudHead | null {
  const raw = secrets.get(JOURNAL_SECRETS.cloudHead);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<CloudHead>;
    return Number.isSafeInteger(v.seq) && typeof v.hash === 'string' ? { seq: v.seq!, hash: v.hash, at: Number(v.at) || 0 } : null;
  } catch {
    return null;
  }
}

/** Keeps what the cloud says it saw (outside the file, so deleting entries cannot also erase it). */
export function noteCloudHead(secrets: SecretStore, head: CloudHead | null | undefined): void {
  if (!head || !Number.isSafeInteger(head.seq) || !/^[0-9a-f]{64}$/.test(head.hash)) return;
  // Never lowered, like the cloud's own record: a till enrolled again cannot wash away what was seen.
  const known = readCloudHead(secrets);
  if (known && known.seq >= head.seq) return;
  secrets.set(JOURNAL_SECRETS.cloudHead, JSON.stringify({ seq: head.seq, hash: head.hash, at: head.at }));
}

export interface JournalCheck {
  ok: boolean;
  entries: number;
  firstBroken: { seq: number; refId: string; kind: string } | null;
  problem: JournalProblem | null;
  /** Entries from before the journal was keyed: checked with plain SHA-256 only. */
  legacy: number;
  /** The first keyed entry, if any. */
  keyedFrom: number | null;
  /**
   * Keyed entries whose key this machine does not have (the store came from another machine, or
   * the key file was lost): their links are checked, their hashes cannot be.
   */
  unverified: { from: number; to: number; count: number } | null;
  /** The newest entry the cloud saw from this till, when it has synced. */
  cloudHead: { seq: number; hash: string } | null;
  /** The newest entry in the file. */
  lastSeq: number;
}

export interface VerifyOptions {
  /** The record as stored now, as it was journaled; undefined: a kind not checked against rows. */
  current?: (kind: string, refId: string) => unknown;
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Walks the chain in order; names the first entry whose link, hash or content does not match,
 * and what is wrong with it. With `current`, each entry's document is also compared with the
 * record as it is stored now, so an edit to a completed sale's rows is caught too, not only an
 * edit to the journal. Keyed entries are checked with the key from `deps.secrets`; the cloud's
 * record of this till's newest entry (kept there by sync) catches entries deleted from the end.
 */
export function verifyJournal(deps: Pick<Deps, 'sqlite' | 'secrets'>, opts: VerifyOptions = {}): JournalCheck {
  const key = journalKey(deps.secrets, false);
  const keyedFromRaw = deps.secrets.get(JOURNAL_SECRETS.keyedFrom);
  const keyedFrom = key && keyedFromRaw !== null && /^\d+$/.test(keyedFromRaw) ? Number(keyedFromRaw) : null;
  const cloud = readCloudHead(deps.secrets);
  const out: JournalCheck = {
    ok: true,
    entries: 0,
    firstBroken: null,
    problem: null,
    legacy: 0,
    keyedFrom: null,
    unverified: null,
    cloudHead: cloud ? { seq: cloud.seq, hash: cloud.hash } : null,
    lastSeq: 0,
  };
  let prev = GENESIS_HASH;
  let sawKeyed = false;
  const rows = deps.sqlite
    .prepare('SELECT seq, ref_id AS refId, kind, payload, prev_hash AS prevHash, hash, key_id AS keyId FROM journal ORDER BY seq')
    .iterate() as IterableIterator<CamelCols<typeof journal, 'seq' | 'refId' | 'kind' | 'payload' | 'prevHash' | 'hash' | 'keyId'>>;
  const broken = (row: { seq: number; refId: string; kind: string }, problem: JournalProblem): JournalCheck => ({
    ...out,
    ok: false,
    firstBroken: { seq: row.seq, refId: row.refId, kind: row.kind },
    problem,
  });
  for (const row of rows) {
    out.entries += 1;
    out.lastSeq = row.seq;
    if (row.prevHash !== prev) return broken(row, 'link');
    if (row.keyId === null) {
      // Once keyed, always keyed: an unkeyed entry after a keyed one, or where this till keys, is forged.
      if (sawKeyed || (keyedFrom !== null && row.seq >= keyedFrom)) return broken(row, 'unkeyed');
      if (!sameHex(chainHash(prev, row.payload), row.hash)) return broken(row, 'legacy');
      out.legacy += 1;
    } else {
      sawKeyed = true;
      out.keyedFrom ??= row.seq;
      if (key && row.keyId === key.id) {
        if (!sameHex(keyedHash(key.key, prev, row.payload), row.hash)) return broken(row, 'hash');
      } else {
        const u = out.unverified;
        out.unverified = u ? { from: u.from, to: row.seq, count: u.count + 1 } : { from: row.seq, to: row.seq, count: 1 };
      }
    }
    if (cloud && row.seq === cloud.seq && row.hash !== cloud.hash) return broken(row, 'diverged');
    if (documentDiffers(row, opts.current)) return broken(row, 'content');
    prev = row.hash;
  }
  if (cloud && out.lastSeq < cloud.seq) return { ...out, ok: false, problem: 'truncated' };
  // Nothing found wrong, but not everything could be checked: say so rather than call it intact.
  if (out.unverified) return { ...out, ok: false, problem: 'nokey' };
  return out;
}

function documentDiffers(
  row: { kind: string; refId: string; payload: string },
  current?: (kind: string, refId: string) => unknown,
): boolean {
  const doc = current?.(row.kind, row.refId);
  return doc !== undefined && canonicalJson({ kind: row.kind, refId: row.refId, document: doc }) !== row.payload;
}
