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
import { isMutable, metaOf, stmt, toWire, type FactMeta, type MutableMeta } from './tables';
import { getState, setState } from './state';

export interface Batch {
  mutations: Mutation[];
  /** Outbox seq of the last entry in the batch. */
  lastSeq: number;
  /** Highest clock stamp among the batch's entries. */
  maxHlc: string;
}

interface OutboxRow {
  seq: number;
  entity: string;
  entityId: string;
  payload: string;
  hlc: string;
}

export function readMutable(deps: Pick<Deps, 'sqlite'>, meta: MutableMeta, id: string, fallbackStamp: string) {
  const row = meta.select.get(id) as Record<string, unknown> | undefined;
  const rawClocks = meta.selectClocks.get(meta.spec.entity, id) as string | undefined;
  const clocks = rawClocks ? (JSON.parse(rawClocks) as Record<string, string>) : null;
  if (!row) {
    if (!meta.spec.deletable) return null;
    return { d: { [DELETED_FIELD]: true }, c: { [DELETED_FIELD]: clocks?.[DELETED_FIELD] ?? fallbackStamp } };
  }
  const d: Record<string, unknown> = {};
  for (const f of meta.fields) d[f] = toWire(meta.table.columns.get(f), row[f]);
  for (const s of meta.sets) d[s.field] = s.select.all(id);
  if (meta.spec.deletable) d[DELETED_FIELD] = false;
  const c: Record<string, string> = {};
  const rowStamp = row.hlc as string;
  for (const f of Object.keys(d)) c[f] = clocks?.[f] ?? rowStamp;
  return { d, c };
}

export function readFact(meta: FactMeta, id: string) {
  const row = meta.select.get(id) as Record<string, unknown> | undefined;
  if (!row) return null;
  const d: Record<string, unknown> = {};
  for (const c of meta.columns) d[c] = toWire(meta.table.columns.get(c), row[c]);
  let ch: Record<string, Record<string, unknown>[]> | undefined;
  for (const child of meta.children) {
    const rows = child.select.all(id) as Record<string, unknown>[];
    (ch ??= {})[child.table.name] = rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of child.columns) o[c] = toWire(child.table.columns.get(c), r[c]);
      return o;
    });
  }
  return { d, ch };
}

/** The next batch from the outbox (oldest first), or null when it is empty. */
export function readBatch(deps: Pick<Deps, 'sqlite'>, maxMutations: number): Batch | null {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  // Entries from before this enrolment were superseded by the snapshot taken when it began.
  stmt(deps.sqlite, 'DELETE FROM outbox WHERE seq <= ?').run(base);
  const rows = stmt(
    deps.sqlite,
    'SELECT seq, entity, entity_id AS entityId, payload, hlc FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  ).all(base, maxMutations) as OutboxRow[];
  if (rows.length === 0) return null;
  const mutations: Mutation[] = [];
  const lastIndex = new Map<string, number>();
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
    if (spec.kind === 'local' || spec.localKeys?.includes(r.entityId)) {
      mutations.push({ m, e: r.entity, i: r.entityId, noop: true });
      continue;
    }
    const key = `${r.entity}\u0000${r.entityId}`;
    const prev = lastIndex.get(key);
    if (prev !== undefined) {
      // The same record again: it travels once, with the latest id of the batch.
      const earlier = mutations[prev]!;
      mutations[prev] = { m: earlier.m, e: earlier.e, i: earlier.i, noop: true };
      mutations.push({ ...earlier, m });
      lastIndex.set(key, mutations.length - 1);
      continue;
    }
    if (isMutable(meta)) {
      const rec = readMutable(deps, meta, r.entityId, r.hlc);
      mutations.push(
        rec ? { m, e: r.entity, i: r.entityId, d: rec.d, c: compactStamps(rec.c) } : { m, e: r.entity, i: r.entityId, noop: true },
      );
    } else {
      const fact = readFact(meta, r.entityId);
      mutations.push(
        fact
          ? { m, e: r.entity, i: r.entityId, d: fact.d, ...(fact.ch ? { ch: fact.ch } : {}) }
          : { m, e: r.entity, i: r.entityId, noop: true },
      );
    }
    lastIndex.set(key, mutations.length - 1);
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
      if (spec.kind === 'local') continue;
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
  const max = deps.sqlite.prepare('SELECT MAX(seq) FROM outbox').pluck().get() as number | null;
  return Math.max(row ?? 0, max ?? 0);
}

export function pendingCount(deps: Pick<Deps, 'sqlite'>): number {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  return stmt(deps.sqlite, 'SELECT COUNT(*) FROM outbox WHERE seq > ?', 'pluck').get(base) as number;
}

export { setState };
