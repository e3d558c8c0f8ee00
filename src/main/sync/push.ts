/**
 * Pushing the outbox. An outbox entry says "this record changed"; the batch carries each record as
 * it is now (read from its table), so an entry never goes stale and a record edited ten times while
 * offline travels once. Mutation ids are the outbox sequence minus a base fixed at enrolment:
 * 1, 2, 3, … for this device, never reused (the outbox key is AUTOINCREMENT).
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { allSyncEntities, DELETED_FIELD, syncEntity } from '../../shared/sync/entities';
import { compactStamps } from '../../shared/sync/merge';
import type { Mutation, PushResponse } from '../../shared/sync/protocol';
import type { Sqlite } from '../db/open';
import { isMutable, metaOf, quoteIdent as q, stmt, toWire, type FactMeta, type MutableMeta } from './tables';
import { getState, setState } from './state';
import type { Cols, SqlRow } from '../db/rows';
import type { outbox, syncClocks } from '../db/schema';

export interface Batch {
  mutations: Mutation[];
  /** Outbox seq of the last entry in the batch. */
  lastSeq: number;
  /** Highest clock stamp among the batch's entries. */
  maxHlc: string;
}

type OutboxRow = Cols<typeof outbox, 'seq' | 'entity' | 'payload' | 'hlc'> & { entityId: SqlRow<typeof outbox>['entity_id'] };

type Row = Record<string, unknown>;

/** A mutable record from its row, its `sync_clocks` entry and its set fields' values. */
function mutableRecord(meta: MutableMeta, row: Row | undefined, rawClocks: string | undefined, sets: unknown[][], fallbackStamp: string) {
  const clocks = rawClocks ? (JSON.parse(rawClocks) as Record<string, string>) : null;
  if (!row) {
    if (!meta.spec.deletable) return null;
    return { d: { [DELETED_FIELD]: true }, c: { [DELETED_FIELD]: clocks?.[DELETED_FIELD] ?? fallbackStamp } };
  }
  const d: Record<string, unknown> = {};
  for (const f of meta.fields) d[f] = toWire(meta.table.columns.get(f), row[f]);
  meta.sets.forEach((s, k) => (d[s.field] = sets[k]));
  if (meta.spec.deletable) d[DELETED_FIELD] = false;
  const c: Record<string, string> = {};
  const rowStamp = row.hlc as string;
  for (const f of Object.keys(d)) c[f] = clocks?.[f] ?? rowStamp;
  return { d, c };
}

export function readMutable(deps: Pick<Deps, 'sqlite'>, meta: MutableMeta, id: string, fallbackStamp: string) {
  const row = meta.select.get(id) as Row | undefined;
  const rawClocks = meta.selectClocks.get(meta.spec.entity, id) as SqlRow<typeof syncClocks>['clocks'] | undefined;
  return mutableRecord(
    meta,
    row,
    rawClocks,
    meta.sets.map((s) => s.select.all(id)),
    fallbackStamp,
  );
}

function factRecord(meta: FactMeta, row: Row | undefined, children: Row[][]) {
  if (!row) return null;
  const d: Record<string, unknown> = {};
  for (const c of meta.columns) d[c] = toWire(meta.table.columns.get(c), row[c]);
  let ch: Record<string, Record<string, unknown>[]> | undefined;
  meta.children.forEach((child, k) => {
    (ch ??= {})[child.table.name] = children[k]!.map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of child.columns) o[c] = toWire(child.table.columns.get(c), r[c]);
      return o;
    });
  });
  return { d, ch };
}

export function readFact(meta: FactMeta, id: string) {
  return factRecord(
    meta,
    meta.select.get(id) as Row | undefined,
    meta.children.map((child) => child.select.all(id) as Row[]),
  );
}

/** `WHERE col IN (…ids)` as one JSON parameter: one statement for a whole batch. */
const inIds = (col: string) => `${q(col)} IN (SELECT value FROM json_each(?))`;

/** Rows of `sql` (run with the ids as JSON), grouped by their `key` column, in the order read. */
function groupedBy(sqlite: Sqlite, sql: string, ids: string, key: string, ...params: unknown[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of stmt(sqlite, sql).all(...params, ids) as Row[]) {
    const k = String(r[key]);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

/** The first row per key, as `.get(id)` would have returned it. */
function firstByKey(rows: Row[], key: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const r of rows) if (!out.has(String(r[key]))) out.set(String(r[key]), r);
  return out;
}

/** readMutable for many ids of one entity, with one statement per table instead of per record. */
function readMutables(sqlite: Sqlite, meta: MutableMeta, wanted: Map<string, string>) {
  const ids = JSON.stringify([...wanted.keys()]);
  const { spec } = meta;
  const cols = [q(spec.key), 'hlc', ...meta.fields.map(q)].join(', ');
  const rows = firstByKey(stmt(sqlite, `SELECT ${cols} FROM ${q(spec.table)} WHERE ${inIds(spec.key)}`).all(ids) as Row[], spec.key);
  const clocks = new Map<string, string>();
  const clockRows = stmt(sqlite, `SELECT entity_id, clocks FROM sync_clocks WHERE entity = ? AND ${inIds('entity_id')}`).all(
    spec.entity,
    ids,
  );
  for (const r of clockRows as Cols<typeof syncClocks, 'entity_id' | 'clocks'>[]) clocks.set(r.entity_id, r.clocks);
  // Per record, ordered by value as readMutable's statement orders them.
  const sets = meta.sets.map((s) =>
    groupedBy(
      sqlite,
      `SELECT ${q(s.fk)} AS k, ${q(s.column)} AS v FROM ${q(s.table)} WHERE ${inIds(s.fk)} ORDER BY ${q(s.fk)}, ${q(s.column)}`,
      ids,
      'k',
    ),
  );
  const out = new Map<string, ReturnType<typeof mutableRecord>>();
  for (const [id, fallback] of wanted) {
    const setValues = sets.map((g) => (g.get(id) ?? []).map((r) => r.v));
    out.set(id, mutableRecord(meta, rows.get(id), clocks.get(id), setValues, fallback));
  }
  return out;
}

/** readFact for many ids of one entity. */
function readFacts(sqlite: Sqlite, meta: FactMeta, wanted: string[]) {
  const ids = JSON.stringify(wanted);
  const { spec } = meta;
  const cols = meta.columns.map(q).join(', ');
  const rows = firstByKey(stmt(sqlite, `SELECT ${cols} FROM ${q(spec.table)} WHERE ${inIds(spec.key)}`).all(ids) as Row[], spec.key);
  // Children in rowid order per parent, as readFact's statement reads them.
  const children = meta.children.map((child) =>
    groupedBy(
      sqlite,
      `SELECT ${child.columns.map(q).join(', ')}, ${q(child.fk)} AS "__parent" FROM ${q(child.table.name)} WHERE ${inIds(child.fk)} ORDER BY rowid`,
      ids,
      '__parent',
    ),
  );
  const out = new Map<string, ReturnType<typeof factRecord>>();
  for (const id of wanted)
    out.set(
      id,
      factRecord(
        meta,
        rows.get(id),
        children.map((g) => g.get(id) ?? []),
      ),
    );
  return out;
}

/** The next batch from the outbox (oldest first; after `afterSeq` when reading ahead), or null when it is empty. */
export function readBatch(deps: Pick<Deps, 'sqlite'>, maxMutations: number, afterSeq = 0): Batch | null {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  // Entries from before this enrolment were superseded by the snapshot taken when it began.
  stmt(deps.sqlite, 'DELETE FROM outbox WHERE seq <= ?').run(base);
  const rows = stmt(
    deps.sqlite,
    'SELECT seq, entity, entity_id AS entityId, payload, hlc FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  ).all(Math.max(base, afterSeq), maxMutations) as OutboxRow[];
  if (rows.length === 0) return null;
  const mutations: Mutation[] = [];
  const lastIndex = new Map<string, number>();
  // First the batch's shape; the records are read afterwards, per entity in one go.
  const reads = new Map<string, { meta: MutableMeta | FactMeta; wanted: Map<string, string> }>();
  for (const r of rows) {
    const m = r.seq - base;
    const spec = syncEntity(r.entity);
    const meta = spec ? metaOf(deps.sqlite, r.entity) : null;
    if (!spec || !meta) {
      let raw: unknown = r.payload;
      try {
        raw = JSON.parse(r.payload);
      } catch {
        // keep the text
      }
      mutations.push({ m, e: r.entity, i: r.entityId, raw });
      continue;
    }
    // Staff reach the cloud through a signed-in admin (src/main/sync/staff.ts), never by this token.
    if (spec.kind === 'local' || spec.devices === 'none' || spec.localKeys?.includes(r.entityId)) {
      mutations.push({ m, e: r.entity, i: r.entityId, noop: true });
      continue;
    }
    const key = `${r.entity}\u0000${r.entityId}`;
    const prev = lastIndex.get(key);
    if (prev !== undefined) {
      // The same record again: it travels once, with the latest id of the batch.
      const earlier = mutations[prev]!;
      mutations[prev] = { m: earlier.m, e: earlier.e, i: earlier.i, noop: true };
      mutations.push({ m, e: earlier.e, i: earlier.i });
      lastIndex.set(key, mutations.length - 1);
      continue;
    }
    let read = reads.get(r.entity);
    if (!read) reads.set(r.entity, (read = { meta, wanted: new Map() }));
    // A deleted record's tombstone falls back to the stamp of its first entry in the batch.
    read.wanted.set(r.entityId, r.hlc);
    mutations.push({ m, e: r.entity, i: r.entityId });
    lastIndex.set(key, mutations.length - 1);
  }
  const found = new Map<
    string,
    Map<string, { d: Record<string, unknown>; c?: Record<string, string>; ch?: Record<string, Row[]> } | null>
  >();
  for (const [entity, { meta, wanted }] of reads)
    found.set(entity, isMutable(meta) ? readMutables(deps.sqlite, meta, wanted) : readFacts(deps.sqlite, meta, [...wanted.keys()]));
  for (const k of lastIndex.values()) {
    const { m, e, i } = mutations[k]!;
    const rec = found.get(e)?.get(i);
    if (!rec) mutations[k] = { m, e, i, noop: true };
    else if (rec.c) mutations[k] = { m, e, i, d: rec.d, c: compactStamps(rec.c) };
    else mutations[k] = { m, e, i, d: rec.d, ...(rec.ch ? { ch: rec.ch } : {}) };
  }
  let maxHlc = '';
  for (const r of rows) if (r.hlc > maxHlc) maxHlc = r.hlc;
  return { mutations, lastSeq: rows[rows.length - 1]!.seq, maxHlc };
}

/**
 * The cloud committed up to `res.lastMutationId`: drop those outbox entries, keep its rejections
 * for a manager, and mark offline card payments whose sale arrived as sent — in one transaction.
 */
export function ackBatch(deps: Pick<Deps, 'sqlite' | 'clock'>, batch: Batch | null, res: PushResponse, deviceId: string): void {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  const now = deps.clock();
  inTransaction(deps.sqlite, () => {
    stmt(deps.sqlite, 'DELETE FROM outbox WHERE seq <= ?').run(base + res.lastMutationId);
    const insRej = stmt(
      deps.sqlite,
      'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of res.rejected) insRej.run(`${deviceId}:${r.m}`, r.m, r.e, r.i, r.code, r.message, now);
    const sent = stmt(
      deps.sqlite,
      'UPDATE offline_card_payments SET sent_at = ? WHERE sent_at IS NULL AND intent_id IN (SELECT id FROM payment_intents WHERE order_id = ?)',
    );
    for (const m of batch?.mutations ?? []) if (m.e === 'order' && m.m <= res.lastMutationId && !m.noop) sent.run(now, m.i);
    // The outbox rows go; their stamps must still bound this terminal's clock after a restart.
    if (batch && batch.maxHlc > (getState(deps.sqlite, 'hlcFloor') ?? '')) setState(deps.sqlite, 'hlcFloor', batch.maxHlc);
  });
}

/**
 * Queues every syncable record this terminal holds (one outbox entry each). Used when a terminal
 * creates an organisation (its whole store goes up) and when the cloud is missing changes this
 * terminal can no longer resend. Applying any of them twice changes nothing.
 */
export function enqueueSnapshot(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock' | 'hlc'>): number {
  const ins = stmt(
    deps.sqlite,
    "INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, 'update', '{\"snapshot\":true}', ?, ?)",
  );
  let n = 0;
  return inTransaction(deps.sqlite, () => {
    for (const spec of allSyncEntities()) {
      if (spec.kind === 'local' || spec.devices === 'none') continue;
      const keys = deps.sqlite.prepare(`SELECT "${spec.key}" FROM "${spec.table}" ORDER BY rowid`).pluck().all() as string[];
      for (const k of keys) {
        if (spec.localKeys?.includes(k)) continue;
        ins.run(deps.ids(), spec.entity, k, deps.hlc.now(), deps.clock());
        n += 1;
      }
    }
    return n;
  });
}

/** The outbox's next seq minus one: mutations made from now on start at id 1. */
export function currentOutboxSeq(deps: Pick<Deps, 'sqlite'>): number {
  const row = deps.sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number | undefined;
  const max = deps.sqlite.prepare('SELECT MAX(seq) FROM outbox').pluck().get() as SqlRow<typeof outbox>['seq'] | null;
  return Math.max(row ?? 0, max ?? 0);
}

export function pendingCount(deps: Pick<Deps, 'sqlite'>): number {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  return stmt(deps.sqlite, 'SELECT COUNT(*) FROM outbox WHERE seq > ?', 'pluck').get(base) as number;
}

export { setState };
