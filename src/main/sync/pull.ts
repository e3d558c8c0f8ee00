/**
 * Applying a pulled page: every change of the page and the new cursor in ONE local transaction, so
 * a crash leaves either the whole page applied with its cursor, or neither (and the page comes
 * again).
 *
 * - mutable records: when this terminal has no unsent change to the record, the cloud's merged
 *   state is taken as it is (the cloud is where merges happen); when it has one, fields merge by
 *   stamp, so the local edit survives until the cloud has seen it;
 * - append-only facts: inserted if absent (a second copy is ignored);
 * - ledger facts: inserted if absent, and only then the running level moves.
 *
 * Foreign keys are off while a page applies: the log is ordered by each record's LATEST change, so
 * a product edited after a sale arrives after the sale's lines that point at it.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { withoutCommitCheckpoint, withoutCommitFlush } from '../db/checkpointer';
import { DELETED_FIELD, syncEntity } from '../../shared/sync/entities';
import { HLC_MAX_DRIFT_MS } from '../../shared/hlc';
import { checkRecord, type StampRule } from '../../shared/sync/validate';
import { expandStamps, maxStamp, mergeRecord, type FieldRecord } from '../../shared/sync/merge';
import type { Change, FactChange, MutableChange, PullResponse } from '../../shared/sync/protocol';
import { isMutable, metaOf, quoteIdent as q, stmt, toSqlite, type FactMeta, type MutableMeta } from './tables';
import { readMutable } from './push';
import { whileApplying, whileLocal } from './tracking';
import { getState, setState, type ParkedValue } from './state';
import { runAfterApply, runFactHook } from './hooks';
import { captureRecords } from '../db/write-path';
import { withoutNewProductTrigger } from '../inventory/level-category';
import type { Cols, SqlRow } from '../db/rows';
import type { outbox, syncClocks, syncRejections } from '../db/schema';

export interface ApplyStats {
  changes: number;
  written: number;
  /** Records refused: not of the shape a till writes (see refuse). */
  refused: number;
  /** Records touched per entity (for after-apply hooks and tests). */
  touched: Map<string, Set<string>>;
}

/** From this many changes a page is a bulk apply: the stamping triggers are dropped meanwhile. */
const BULK_PAGE = 500;

type ApplyDeps = Pick<
  Deps,
  'sqlite' | 'db' | 'clock' | 'ids' | 'hlc' | 'terminalCode' | 'promotions' | 'priceLists' | 'settingsCache' | 'insight' | 'checkpointer'
>;

function pendingKeys(deps: ApplyDeps): Set<string> {
  const rows = stmt(deps.sqlite, 'SELECT DISTINCT entity, entity_id AS id FROM outbox').all() as (Cols<typeof outbox, 'entity'> & {
    id: SqlRow<typeof outbox>['entity_id'];
  })[];
  return new Set(rows.map((r) => `${r.entity}\u0000${r.id}`));
}

function sameRecord(a: FieldRecord, b: FieldRecord): boolean {
  const keys = new Set([...Object.keys(a.d), ...Object.keys(b.d)]);
  for (const k of keys) {
    if (a.c[k] !== b.c[k]) return false;
    if (JSON.stringify(a.d[k]) !== JSON.stringify(b.d[k])) return false;
  }
  return true;
}

interface Ctx {
  deps: ApplyDeps;
  pending: Set<string>;
  stats: ApplyStats;
  disputed: Set<string>;
  parked: ParkedValue[];
  maxStamp: string;
  /** Per entity: could a missing record have a `sync_clocks` row (see mayHaveClocks). */
  clocked: Map<string, boolean>;
  /** How pulled stamps are judged: exact, not implausibly old, not past the drift window. */
  stamps: StampRule;
}

/** The values of a unique field (a set field's members) in a record, as strings. */
function uniqueValues(meta: MutableMeta, field: string, d: Record<string, unknown>): string[] {
  const set = meta.sets.find((s) => s.field === field);
  if (set) return ((d[field] as unknown[] | null) ?? []).map(String);
  return d[field] == null ? [] : [String(d[field])];
}

/** A write refused because another row holds one of its unique values (SKU, PLU, barcode). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function touch(ctx: Ctx, entity: string, id: string) {
  let set = ctx.stats.touched.get(entity);
  if (!set) ctx.stats.touched.set(entity, (set = new Set()));
  set.add(id);
}

/**
 * Whether a record this terminal does not have could still have a stale `sync_clocks` row. Asked
 * once per entity and page: a first download has none, so its 100,000 products skip the delete.
 */
function mayHaveClocks(ctx: Ctx, entity: string): boolean {
  let v = ctx.clocked.get(entity);
  if (v === undefined) {
    v = stmt(ctx.deps.sqlite, 'SELECT 1 FROM sync_clocks WHERE entity = ? LIMIT 1', 'pluck').get(entity) !== undefined;
    ctx.clocked.set(entity, v);
  }
  return v;
}

/** The per-field stamps: none kept when they are all one (the row's `hlc` says it), else a row. */
function writeClocks(ctx: Ctx, entity: string, id: string, c: Record<string, string>, uniform: boolean, local: LocalRecord | null) {
  if (!uniform) {
    stmt(ctx.deps.sqlite, 'INSERT OR REPLACE INTO sync_clocks (entity, entity_id, clocks) VALUES (?, ?, ?)').run(
      entity,
      id,
      JSON.stringify(c),
    );
    ctx.clocked.set(entity, true);
  } else if (local !== null || mayHaveClocks(ctx, entity))
    stmt(ctx.deps.sqlite, 'DELETE FROM sync_clocks WHERE entity = ? AND entity_id = ?').run(entity, id);
}

/** INSERT statements per entity and column list: a first download inserts 100,000 records through one. */
const insertSql = new WeakMap<MutableMeta, Map<string, string>>();

function insertStatementSql(meta: MutableMeta, cols: string[]): string {
  let byCols = insertSql.get(meta);
  if (!byCols) insertSql.set(meta, (byCols = new Map()));
  const key = cols.length === meta.fields.length ? '' : cols.join('\u0000');
  let sql = byCols.get(key);
  if (sql === undefined) {
    const names = [meta.spec.key, ...cols, 'hlc'].map(q).join(', ');
    sql = `INSERT INTO ${q(meta.spec.table)} (${names}) VALUES (${new Array(cols.length + 2).fill('?').join(', ')})`;
    byCols.set(key, sql);
  }
  return sql;
}

/** Whether every field has the same stamp, and the newest stamp (the row's `hlc`), in one pass. */
function stampsOf(c: Record<string, string>): { uniform: boolean; hlc: string } {
  let first: string | undefined;
  let uniform = true;
  let hlc = '';
  for (const k in c) {
    const v = c[k]!;
    if (first === undefined) first = v;
    else if (v !== first) uniform = false;
    if (v > hlc) hlc = v;
  }
  return { uniform, hlc };
}

/**
 * Writes a merged record over the local one (`local`: what localRecord found; null when this
 * terminal never had it, as for every record of a first download: nothing to read or delete).
 */
function writeMutable(ctx: Ctx, meta: MutableMeta, id: string, rec: FieldRecord, local: LocalRecord | null): void {
  const { deps } = ctx;
  const { spec, table } = meta;
  const exists = local?.exists ?? false;
  const { uniform, hlc } = stampsOf(rec.c);
  if (rec.d[DELETED_FIELD] === true) {
    if (exists) {
      for (const s of meta.sets) stmt(deps.sqlite, `DELETE FROM ${q(s.table)} WHERE ${q(s.fk)} = ?`).run(id);
      stmt(deps.sqlite, `DELETE FROM ${q(spec.table)} WHERE ${q(spec.key)} = ?`).run(id);
    }
    writeClocks(ctx, spec.entity, id, rec.c, false, local);
    return;
  }
  const cols = meta.fields.filter((f) => f in rec.d);
  const values = cols.map((f) => toSqlite(table.columns.get(f), rec.d[f]));
  if (exists) {
    const sets = [...cols.map((c) => `${q(c)} = ?`), 'hlc = ?'].join(', ');
    stmt(deps.sqlite, `UPDATE ${q(spec.table)} SET ${sets} WHERE ${q(spec.key)} = ?`).run(...values, hlc, id);
  } else stmt(deps.sqlite, insertStatementSql(meta, cols)).run(id, ...values, hlc);
  for (const s of meta.sets) {
    if (!(s.field in rec.d)) continue;
    const want = new Set(((rec.d[s.field] as unknown[] | null) ?? []).map(String));
    // A new row has no members yet (a deleted one lost them with its row).
    const have = exists ? new Set(s.select.all(id) as string[]) : new Set<string>();
    for (const v of have) if (!want.has(v)) s.del.run(id, v);
    for (const v of want) if (!have.has(v)) s.ins.run(id, v);
  }
  writeClocks(ctx, spec.entity, id, rec.c, uniform, local);
}

interface LocalRecord {
  rec: FieldRecord;
  /** The row is there (else only its tombstone's stamps are, in sync_clocks). */
  exists: boolean;
}

/** The local record (row, or tombstone kept in sync_clocks) as a field record, or null. */
function localRecord(deps: ApplyDeps, meta: MutableMeta, id: string): LocalRecord | null {
  const exists = meta.select.get(id) !== undefined;
  if (exists) {
    const r = readMutable(deps, meta, id, '')!;
    return { rec: r, exists };
  }
  if (!meta.spec.deletable) return null;
  const raw = meta.selectClocks.get(meta.spec.entity, id) as SqlRow<typeof syncClocks>['clocks'] | undefined;
  if (!raw) return null;
  const c = JSON.parse(raw) as Record<string, string>;
  return { rec: { d: { [DELETED_FIELD]: true }, c: { [DELETED_FIELD]: c[DELETED_FIELD] ?? '' } }, exists: false };
}

/**
 * A pulled record takes a unique value (SKU, PLU, barcode) another local record holds. When the
 * holder is this terminal's own unsent record — or one the cloud refused for that reason — it
 * loses the value for good: renamed (SKU), cleared (PLU) or dropped (barcode), stamped now and
 * queued, so every terminal ends up with both records; a manager sees a notice. Otherwise the
 * holder's newer state is still on its way in this pull: the value is moved aside without a stamp
 * and the cloud's state replaces it when it arrives.
 */
function resolveUnique(ctx: Ctx, meta: MutableMeta, id: string, rec: FieldRecord): void {
  const { deps } = ctx;
  const { spec } = meta;
  for (const field of spec.unique ?? []) {
    const set = meta.sets.find((s) => s.field === field);
    for (const value of uniqueValues(meta, field, rec.d)) {
      const holder = set
        ? (stmt(deps.sqlite, `SELECT ${q(set.fk)} FROM ${q(set.table)} WHERE ${q(set.column)} = ? AND ${q(set.fk)} <> ?`, 'pluck').get(
            value,
            id,
          ) as string | undefined)
        : (stmt(deps.sqlite, `SELECT ${q(spec.key)} FROM ${q(spec.table)} WHERE ${q(field)} = ? AND ${q(spec.key)} <> ?`, 'pluck').get(
            value,
            id,
          ) as string | undefined);
      if (holder === undefined) continue;
      const key = `${spec.entity}\u0000${holder}`;
      const loser = ctx.pending.has(key) || ctx.disputed.has(key);
      const apply = () => {
        if (set) set.del.run(holder, value);
        else {
          const nullable =
            (stmt(deps.sqlite, `SELECT "notnull" FROM pragma_table_info(?) WHERE name = ?`, 'pluck').get(spec.table, field) as number) ===
            0;
          let next: string | null = null;
          if (!nullable) {
            for (let n = 2; n < 1000; n++) {
              const candidate = `${value}~${n}`;
              if (!stmt(deps.sqlite, `SELECT 1 FROM ${q(spec.table)} WHERE ${q(field)} = ?`).get(candidate)) {
                next = candidate;
                break;
              }
            }
          }
          stmt(deps.sqlite, `UPDATE ${q(spec.table)} SET ${q(field)} = ? WHERE ${q(spec.key)} = ?`).run(next, holder);
        }
      };
      if (!loser) {
        apply();
        const now = readMutable(deps, meta, holder, '');
        ctx.parked.push({ e: spec.entity, i: holder, field, value: now?.d[field] ?? null, clock: now?.c[field] ?? null });
      } else {
        // Written as a local edit: the write path queues it.
        whileLocal(deps.sqlite, apply);
        ctx.pending.add(key);
        stmt(
          deps.sqlite,
          'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
        ).run(
          deps.ids(),
          spec.entity,
          holder,
          'DUPLICATE_RESOLVED',
          `${field} ${value} was already used in the cloud; this terminal's ${spec.entity} gave it up`,
          deps.clock(),
        );
      }
      touch(ctx, spec.entity, holder);
    }
  }
}

function applyMutable(ctx: Ctx, meta: MutableMeta, ch: MutableChange): void {
  const { deps } = ctx;
  const c = expandStamps(ch.c, ch.d);
  if (!c) return;
  const incoming: FieldRecord = { d: ch.d, c };
  const local = localRecord(deps, meta, ch.i);
  let merged: FieldRecord;
  if (!local) merged = incoming;
  else if (!ctx.pending.has(`${ch.e}\u0000${ch.i}`))
    // Nothing unsent here: the cloud's state is the truth (fields it lacks keep ours).
    merged = { d: { ...local.rec.d, ...incoming.d }, c: { ...local.rec.c, ...incoming.c } };
  else merged = mergeRecord(local.rec, incoming).merged;
  if (local && sameRecord(local.rec, merged)) return;
  try {
    writeMutable(ctx, meta, ch.i, merged, local);
  } catch (err) {
    // Rare: a unique value is held by another local record. Only the failed statement was undone;
    // the holder gives the value up, and the write runs again over what it left.
    if (!meta.spec.unique || !isUniqueViolation(err)) throw err;
    resolveUnique(ctx, meta, ch.i, merged);
    writeMutable(ctx, meta, ch.i, merged, localRecord(deps, meta, ch.i));
  }
  const top = typeof ch.c === 'string' ? ch.c : maxStamp(incoming.c);
  // Observing a stamp below one already observed changes nothing: compare first (strings order as clocks).
  if (top > ctx.maxStamp) {
    deps.hlc.observe(top);
    ctx.maxStamp = top;
  }
  ctx.stats.written += 1;
  touch(ctx, ch.e, ch.i);
}

function insertRow(
  deps: ApplyDeps,
  table: string,
  columns: Map<string, unknown>,
  row: Record<string, unknown>,
  kinds: FactMeta['table']['columns'],
): number {
  const cols = [...columns.keys()].filter((c) => c in row);
  const sql = `INSERT OR IGNORE INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  return stmt(deps.sqlite, sql).run(...cols.map((c) => toSqlite(kinds.get(c), row[c]))).changes;
}

function applyFact(ctx: Ctx, meta: FactMeta, ch: FactChange): void {
  const { deps } = ctx;
  const inserted = insertRow(deps, meta.spec.table, meta.table.columns, ch.d, meta.table.columns);
  if (inserted === 0) return;
  for (const child of meta.children)
    for (const row of ch.ch?.[child.table.name] ?? []) insertRow(deps, child.table.name, child.table.columns, row, child.table.columns);
  const ledger = meta.spec.ledger;
  if (ledger) {
    const keys = ledger.groupBy.map((g) => ch.d[g]);
    const cols = [...ledger.groupBy, ledger.level].map(q).join(', ');
    stmt(
      deps.sqlite,
      `INSERT INTO ${q(ledger.levels)} (${cols}) VALUES (${[...ledger.groupBy, ledger.level].map(() => '?').join(', ')})
       ON CONFLICT (${ledger.groupBy.map(q).join(', ')}) DO UPDATE SET ${q(ledger.level)} = ${q(ledger.level)} + excluded.${q(ledger.level)}`,
    ).run(...keys, ch.d[ledger.delta]);
  }
  runFactHook(deps, ch.e, ch.i);
  ctx.stats.written += 1;
  touch(ctx, ch.e, ch.i);
}

/** Storage failures abort a page (it comes again); anything else is a bad record, skipped with a notice. */
function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|CORRUPT|NOMEM|INTERRUPT)/.test(code);
}

/**
 * A pulled record that is not exactly what a till writes (a picture name that is a path, a stamp
 * that is not a clock, an amount out of range): skipped, counted and kept for a manager. The cloud
 * checks the same on push; this holds even when the cloud is wrong or is not the cloud.
 */
function refuse(ctx: Ctx, change: Change, code: string, message: string): void {
  ctx.stats.refused += 1;
  stmt(
    ctx.deps.sqlite,
    'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
  ).run(ctx.deps.ids(), String(change.e).slice(0, 64), String(change.i).slice(0, 200), code, message, ctx.deps.clock());
}

function applyChange(ctx: Ctx, change: Change): void {
  if (typeof change !== 'object' || change === null || typeof change.e !== 'string' || typeof change.i !== 'string') {
    ctx.stats.refused += 1;
    return;
  }
  const spec = syncEntity(change.e);
  if (!spec || spec.kind === 'local' || spec.localKeys?.includes(change.i)) return;
  const refusal = checkRecord(spec, change, ctx.stamps);
  if (refusal) {
    refuse(ctx, change, `PULL_${refusal.code}`, `Refused a change from the cloud: ${refusal.message}`);
    return;
  }
  const meta = metaOf(ctx.deps.sqlite, change.e)!;
  if (isMutable(meta)) applyMutable(ctx, meta, change as MutableChange);
  else applyFact(ctx, meta, change as FactChange);
}

type Page = Pick<PullResponse, 'changes' | 'cursor'> & { serverTime?: number };

function runPage(deps: ApplyDeps, page: Page, stats: ApplyStats, isolate: boolean): void {
  inTransaction(deps.sqlite, () =>
    whileApplying(
      deps.sqlite,
      () => {
        const disputed = new Set(
          (
            stmt(
              deps.sqlite,
              "SELECT entity, entity_id AS id FROM sync_rejections WHERE code = 'DUPLICATE' AND resolved_at IS NULL",
            ).all() as (Cols<typeof syncRejections, 'entity'> & { id: SqlRow<typeof syncRejections>['entity_id'] })[]
          ).map((r) => `${r.entity}\u0000${r.id}`),
        );
        const bulk = page.changes.length >= BULK_PAGE;
        // The cloud's clock counts too: a till whose clock is behind still takes the cloud's recent edits.
        const stamps: StampRule = { now: Math.max(deps.clock(), page.serverTime ?? 0), maxDriftMs: HLC_MAX_DRIFT_MS, ahead: 'refuse' };
        const ctx: Ctx = { deps, pending: pendingKeys(deps), stats, disputed, parked: [], maxStamp: '', clocked: new Map(), stamps };
        const applyAll = () => {
          for (const change of page.changes as Change[]) {
            if (!isolate) {
              applyChange(ctx, change);
              continue;
            }
            // Second pass after a failure: each change in a savepoint, so one bad record cannot hold
            // the whole log back (it is skipped and a manager is told).
            deps.sqlite.exec('SAVEPOINT ct_change');
            try {
              applyChange(ctx, change);
              deps.sqlite.exec('RELEASE ct_change');
            } catch (err) {
              deps.sqlite.exec('ROLLBACK TO ct_change');
              deps.sqlite.exec('RELEASE ct_change');
              if (isStorageError(err)) throw err;
              stmt(
                deps.sqlite,
                'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
              ).run(
                deps.ids(),
                String(change.e),
                String(change.i),
                'APPLY_FAILED',
                `Could not apply a change from the cloud: ${err instanceof Error ? err.message : String(err)}`,
                deps.clock(),
              );
            }
          }
        };
        // A big page inserts its products without the per-row level-category trigger.
        if (bulk) withoutNewProductTrigger(deps.sqlite, applyAll, () => stats.touched.get('product') ?? []);
        else applyAll();
        runAfterApply(deps, stats.touched, { deferDerived: bulk && getState(deps.sqlite, 'joining') === true });
        setState(deps.sqlite, 'cursor', page.cursor);
        if (ctx.parked.length > 0) setState(deps.sqlite, 'parked', [...(getState(deps.sqlite, 'parked') ?? []), ...ctx.parked]);
        if (ctx.maxStamp && ctx.maxStamp > (getState(deps.sqlite, 'hlcFloor') ?? '')) setState(deps.sqlite, 'hlcFloor', ctx.maxStamp);
      },
      page.changes.length >= BULK_PAGE,
    ),
  );
}

/**
 * Once a pull has caught up, a value still parked is not a stale state waiting for its update:
 * the holder is this terminal's own record the cloud never took (its refusal answer was lost). It
 * loses the value for good — stamped now and queued — like any loser.
 */
export function settleParked(deps: ApplyDeps): number {
  const list = getState(deps.sqlite, 'parked') ?? [];
  if (list.length === 0) return 0;
  let fixed = 0;
  inTransaction(deps.sqlite, () => {
    for (const p of list) {
      const meta = metaOf(deps.sqlite, p.e);
      if (!meta || !isMutable(meta)) continue;
      const rec = readMutable(deps, meta, p.i, '');
      if (!rec || JSON.stringify(rec.d[p.field] ?? null) !== JSON.stringify(p.value) || (rec.c[p.field] ?? null) !== p.clock) continue;
      rec.c[p.field] = deps.hlc.now();
      stmt(deps.sqlite, 'INSERT OR REPLACE INTO sync_clocks (entity, entity_id, clocks) VALUES (?, ?, ?)').run(
        p.e,
        p.i,
        JSON.stringify(rec.c),
      );
      // Only its stamp changed (no row was written): queued by the write path's own hand.
      captureRecords(deps, p.e, [p.i], 'update');
      stmt(
        deps.sqlite,
        'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
      ).run(
        deps.ids(),
        p.e,
        p.i,
        'DUPLICATE_RESOLVED',
        `${p.field} was already used in the cloud; this terminal's ${p.e} gave it up`,
        deps.clock(),
      );
      fixed += 1;
    }
    setState(deps.sqlite, 'parked', null);
  });
  return fixed;
}

/** Applies one page and moves the cursor, in one transaction. */
export function applyPage(deps: ApplyDeps, page: Page): ApplyStats {
  const fresh = (): ApplyStats => ({ changes: page.changes.length, written: 0, refused: 0, touched: new Map() });
  let stats = fresh();
  const fk = deps.sqlite.pragma('foreign_keys', { simple: true }) as number;
  if (!deps.sqlite.inTransaction) deps.sqlite.pragma('foreign_keys = OFF');
  // A bulk page (a first download) commits without the safety-net checkpoint, like an import.
  const run = (isolate: boolean) =>
    page.changes.length >= BULK_PAGE
      ? withoutCommitCheckpoint(deps.sqlite, deps.checkpointer, () =>
          withoutCommitFlush(deps.sqlite, () => runPage(deps, page, stats, isolate)),
        )
      : runPage(deps, page, stats, isolate);
  try {
    try {
      run(false);
    } catch (err) {
      if (isStorageError(err)) throw err;
      stats = fresh();
      run(true);
    }
  } finally {
    if (fk) deps.sqlite.pragma('foreign_keys = ON');
  }
  return stats;
}
