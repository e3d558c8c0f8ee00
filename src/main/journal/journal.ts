import { createHash } from 'node:crypto';
import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level: the same document always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, payload: string): string {
  return createHash('sha256').update(prevHash).update(payload).digest('hex');
}

export type JournalKind = 'sale' | 'refund' | 'void' | 'shift_close';

/** Raw statements: every sale appends an entry, and the query builder would compile them each time. */
export const JOURNAL_SQL = {
  last: 'SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1',
  insert: 'INSERT INTO journal (seq, id, kind, ref_id, payload, prev_hash, hash, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
} as const;

export function appendJournal(
  deps: Pick<Deps, 'sqlite' | 'clock' | 'ids'>,
  kind: JournalKind,
  refId: string,
  document: unknown,
): { seq: number; hash: string } {
  const last = cachedStatement(deps.sqlite, JOURNAL_SQL.last).get() as { seq: number; hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const seq = (last?.seq ?? 0) + 1;
  const payload = canonicalJson({ kind, refId, document });
  const hash = chainHash(prevHash, payload);
  cachedStatement(deps.sqlite, JOURNAL_SQL.insert).run(seq, deps.ids(), kind, refId, payload, prevHash, hash, deps.clock());
  return { seq, hash };
}

function documentDiffers(
  row: { kind: string; refId: string; payload: string },
  current?: (kind: string, refId: string) => unknown,
): boolean {
  const doc = current?.(row.kind, row.refId);
  return doc !== undefined && canonicalJson({ kind: row.kind, refId: row.refId, document: doc }) !== row.payload;
}

export interface JournalCheck {
  ok: boolean;
  entries: number;
  firstBroken: { seq: number; refId: string; kind: string } | null;
}

/**
 * Walks the chain in order; names the first entry whose link or content does not match. With
 * `current`, each entry's document is also compared with the record as it is stored now, so an
 * edit to a completed sale's rows is caught too, not only an edit to the journal.
 */
export function verifyJournal(deps: Pick<Deps, 'sqlite'>, current?: (kind: string, refId: string) => unknown): JournalCheck {
  let prev = GENESIS_HASH;
  let count = 0;
  const rows = deps.sqlite
    .prepare('SELECT seq, ref_id AS refId, kind, payload, prev_hash AS prevHash, hash FROM journal ORDER BY seq')
    .iterate() as IterableIterator<{ seq: number; refId: string; kind: string; payload: string; prevHash: string; hash: string }>;
  for (const row of rows) {
    count += 1;
    const broken = row.prevHash !== prev || chainHash(prev, row.payload) !== row.hash || documentDiffers(row, current);
    if (broken) return { ok: false, entries: count, firstBroken: { seq: row.seq, refId: row.refId, kind: row.kind } };
    prev = row.hash;
  }
  return { ok: true, entries: count, firstBroken: null };
}
