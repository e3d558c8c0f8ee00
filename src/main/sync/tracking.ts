/**
 * Per-field clock stamps, kept by SQLite itself. For every mutable entity the sync module installs
 * TEMP triggers on this connection (they live with the connection, not in the file, so they are
 * rebuilt from the registry at every start and follow schema changes):
 *
 * - UPDATE: each synced column whose value changed gets a fresh HLC stamp in `sync_clocks`; the
 *   other fields keep theirs (a record with no `sync_clocks` row first gets one with every field at
 *   the row's previous `hlc`);
 * - INSERT: a stale `sync_clocks` row is dropped (every field of a new row has the row's `hlc`);
 * - DELETE of a deletable record: a tombstone stamp;
 * - a set child (a product's barcode) added or removed: the set field gets a fresh stamp.
 *
 * Domain code therefore only has to write its rows and set `hlc`; the outbox entry comes from the
 * write path's capture triggers (src/main/db/write-path.ts).
 * The triggers exist only while this terminal is connected to the cloud, and do nothing while sync
 * itself applies pulled changes (`ct_track()`: it writes the stamps it received). Not installing
 * them on a terminal without a cloud matters: a row write that fires a trigger opens a statement
 * savepoint, which costs every INSERT and makes FTS5 write out its pending terms.
 */
import type { Deps } from '../deps';
import { connectionSlot, slotOf, type Sqlite } from '../db/open';
import { DELETED_FIELD, type SyncEntity } from '../../shared/sync/entities';
import { mutableEntities, mutableFields, quoteIdent as q } from './tables';
import { cloudLink } from './state';
import { dropCapture, installCapture } from '../db/write-path';

interface Flags {
  tracking: boolean;
  applying: number;
  /** The triggers are dropped for a bulk apply (see whileApplying). */
  suspended: boolean;
}
/** The connection's flags, read by the SQL functions its triggers call (`installTracking`). */
const FLAGS = connectionSlot('sync tracking flags', (): Flags => ({ tracking: false, applying: 0, suspended: false }));

function flagsOf(sqlite: Sqlite): Flags {
  return slotOf(sqlite, FLAGS);
}

/** Tracking on (connected to a cloud) or off; the triggers are created or dropped to match. */
export function setTracking(sqlite: Sqlite, on: boolean): void {
  flagsOf(sqlite).tracking = on;
  if (installedTriggers(sqlite).length > 0 !== on) setTriggers(sqlite, on);
}

export function isTracking(sqlite: Sqlite): boolean {
  return flagsOf(sqlite).tracking;
}

/**
 * Runs `fn` with the stamping triggers off: sync writes the stamps it received itself. For a bulk
 * apply (a first download writes 20,000 products a page) the triggers are dropped for the duration
 * and created again after, in the caller's transaction (a rollback brings them back too): even
 * doing nothing, a trigger costs every row a statement savepoint.
 */
export function whileApplying<T>(sqlite: Sqlite, fn: () => T, bulk = false): T {
  const f = flagsOf(sqlite);
  const suspend = bulk && !f.suspended && installedTriggers(sqlite).length > 0;
  f.applying += 1;
  if (suspend) {
    setTriggers(sqlite, false);
    dropCapture(sqlite);
    f.suspended = true;
  }
  try {
    return fn();
  } finally {
    f.applying -= 1;
    if (suspend) {
      f.suspended = false;
      setTriggers(sqlite, true);
      installCapture(sqlite);
    }
  }
}

/** Runs `fn` with the triggers on even during a pull (a local fix that must sync like an edit). */
export function whileLocal<T>(sqlite: Sqlite, fn: () => T): T {
  const f = flagsOf(sqlite);
  const saved = f.applying;
  const resume = f.suspended;
  f.applying = 0;
  if (resume) {
    setTriggers(sqlite, true);
    installCapture(sqlite);
  }
  try {
    return fn();
  } finally {
    f.applying = saved;
    if (resume) {
      setTriggers(sqlite, false);
      dropCapture(sqlite);
    }
  }
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

function triggersFor(spec: SyncEntity): string[] {
  const e = lit(spec.entity);
  const t = q(spec.table);
  const key = q(spec.key);
  const fields = mutableFields(spec);
  const allFields = [...fields, ...(spec.sets ?? []).map((s) => s.field), ...(spec.deletable ? [DELETED_FIELD] : [])];
  const name = (suffix: string) => q(`ct_sync_${spec.table}_${suffix}`);
  const skip = spec.localKeys?.length ? ` AND NEW.${key} NOT IN (${spec.localKeys.map(lit).join(', ')})` : '';
  const skipOld = spec.localKeys?.length ? ` AND OLD.${key} NOT IN (${spec.localKeys.map(lit).join(', ')})` : '';
  const baseline = (hlcExpr: string) => `json_object(${allFields.map((f) => `${lit(f)}, ${hlcExpr}`).join(', ')})`;
  const out: string[] = [];

  const sets = fields
    .map(
      (f) => `'$.${f}', CASE WHEN OLD.${q(f)} IS NOT NEW.${q(f)} THEN ct_hlc() ELSE COALESCE(json_extract(clocks, '$.${f}'), OLD.hlc) END`,
    )
    .join(', ');
  // The write path's stamp of a row just inserted unstamped (OLD.hlc empty) is part of the insert.
  out.push(`CREATE TEMP TRIGGER ${name('upd')} AFTER UPDATE ON main.${t} WHEN ct_track() = 1${skip} AND OLD.hlc <> '' BEGIN
    INSERT OR IGNORE INTO sync_clocks (entity, entity_id, clocks) VALUES (${e}, NEW.${key}, ${baseline('OLD.hlc')});
    UPDATE sync_clocks SET clocks = json_set(clocks, ${sets}) WHERE entity = ${e} AND entity_id = NEW.${key};
  END`);
  out.push(`CREATE TEMP TRIGGER ${name('ins')} AFTER INSERT ON main.${t} WHEN ct_track() = 1${skip} BEGIN
    DELETE FROM sync_clocks WHERE entity = ${e} AND entity_id = NEW.${key};
  END`);
  if (spec.deletable)
    out.push(`CREATE TEMP TRIGGER ${name('del')} AFTER DELETE ON main.${t} WHEN ct_track() = 1${skipOld} BEGIN
      INSERT OR REPLACE INTO sync_clocks (entity, entity_id, clocks)
        SELECT ${e}, OLD.${key}, ${baseline('s.h')} FROM (SELECT ct_hlc() AS h) s;
    END`);
  for (const s of spec.sets ?? []) {
    const touch = (ref: 'NEW' | 'OLD') => `
      INSERT OR IGNORE INTO sync_clocks (entity, entity_id, clocks)
        SELECT ${e}, p.${key}, ${baseline('p.hlc')} FROM main.${t} p WHERE p.${key} = ${ref}.${q(s.fk)};
      UPDATE sync_clocks SET clocks = json_set(clocks, '$.${s.field}', ct_hlc()) WHERE entity = ${e} AND entity_id = ${ref}.${q(s.fk)};`;
    const st = q(s.table);
    out.push(`CREATE TEMP TRIGGER ${q(`ct_sync_${s.table}_ins`)} AFTER INSERT ON main.${st} WHEN ct_track() = 1 BEGIN ${touch('NEW')} END`);
    out.push(`CREATE TEMP TRIGGER ${q(`ct_sync_${s.table}_del`)} AFTER DELETE ON main.${st} WHEN ct_track() = 1 BEGIN ${touch('OLD')} END`);
    out.push(
      `CREATE TEMP TRIGGER ${q(`ct_sync_${s.table}_upd`)} AFTER UPDATE ON main.${st} WHEN ct_track() = 1 BEGIN ${touch('OLD')} ${touch('NEW')} END`,
    );
  }
  return out;
}

function installedTriggers(sqlite: Sqlite): string[] {
  return sqlite.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'ct_sync_%'").pluck().all() as string[];
}

/** Drops the stamping triggers, and creates them afresh when `on`. */
function setTriggers(sqlite: Sqlite, on: boolean): void {
  for (const name of installedTriggers(sqlite)) sqlite.exec(`DROP TRIGGER IF EXISTS temp.${q(name)}`);
  if (on) for (const spec of mutableEntities()) for (const ddl of triggersFor(spec)) sqlite.exec(ddl);
}

/** Registers the SQL functions and (re)creates the stamping triggers on this connection when connected. */
export function installTracking(deps: Pick<Deps, 'sqlite' | 'hlc' | 'ids' | 'clock'>): void {
  const { sqlite } = deps;
  const f = flagsOf(sqlite);
  // Read deps.hlc at each call: joining an organisation gives the terminal a new code (its HLC node).
  sqlite.function('ct_hlc', { deterministic: false }, () => deps.hlc.now());
  sqlite.function('ct_track', { deterministic: false }, () => (f.tracking && f.applying === 0 ? 1 : 0));
  // The write path's capture (db/write-path.ts) queues local writes, connected or not, never pulled rows.
  sqlite.function('ct_capture', { deterministic: false }, () => (f.applying === 0 ? 1 : 0));
  sqlite.function('ct_id', { deterministic: false }, () => deps.ids());
  sqlite.function('ct_now', { deterministic: false }, () => deps.clock());
  installCapture(sqlite);
  f.tracking = cloudLink(sqlite) !== null;
  setTriggers(sqlite, f.tracking);
}
