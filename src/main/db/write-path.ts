/**
 * The write path: what turns a write of a synced row into an outbox entry, derived from the entity
 * registry (src/shared/sync/entities.ts) rather than written by hand next to each INSERT.
 *
 * Facts (`append-only` and `ledger` entities: an order, a refund, a stock movement, a coupon code)
 * are captured by TEMP triggers on their tables: inserting the record's row queues one entry
 * (entity, key, 'insert') with a fresh clock stamp, in the writer's own statement, so the change is
 * committed and queued, or neither. The entry only says "this record changed": the push reads the
 * record (with its children: an order's lines and payments) from its tables when it sends it, so
 * children written after their parent in the same transaction travel with it and the entry carries
 * no payload of its own.
 *
 * Triggers rather than a repository layer: every INSERT into a fact table is captured whoever
 * writes it (a handler, an import, a repair), the capture costs no call from JavaScript per row
 * (it runs inside SQLite's statement), and a new fact entity is captured by being declared.
 *
 * A mutable record's own `hlc` column is stamped here too, so a writer never calls the clock: a row
 * inserted with `UNSTAMPED` (the empty stamp) gets a fresh stamp, and an update that changes a
 * column that travels without stamping the row gets one (see stampTriggers).
 *
 * Rows written by sync itself (pulled from the cloud) are neither stamped nor captured: the
 * triggers ask `ct_capture()`, which is 0 while pulled rows are applied (sync/tracking.ts); they
 * keep the stamps they came with.
 */
import type { Deps } from '../deps';
import type { Sqlite } from './open';
import { cachedStatement } from './statements';
import { allSyncEntities, type SyncEntity } from '../../shared/sync/entities';
import { mutableFields, tableInfo } from '../sync/tables';

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

const OUTBOX_SQL = "INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, ?, 'null', ?, ?)";

/** The outbox entry of a captured write; `ct_id`, `ct_hlc` and `ct_now` are this connection's id source and clocks. */
const entry = (entity: string, keyExpr: string, op: 'insert' | 'update' | 'delete', opExpr = `'${op}'`) =>
  `INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (ct_id(), ${lit(entity)}, ${keyExpr}, ${opExpr}, 'null', ct_hlc(), ct_now());`;

/**
 * What a writer puts in a synced row's `hlc` column when it inserts the row (the column is NOT
 * NULL): the write path replaces it with a fresh stamp in the same statement. A real stamp is never
 * empty, so a row inserted with its own stamp (a pulled row, a bulk writer's) keeps it.
 */
export const UNSTAMPED = '';

/**
 * The SQL of a fresh stamp, for a bulk writer whose rows are written with the triggers dropped
 * (writeInBulk): it stamps each row in its own INSERT, with the function the triggers call.
 */
export const STAMP = 'ct_hlc()';

/** Entities whose rows are captured by the triggers (local ones stay on the terminal: nothing to capture). */
export function capturedEntities(): SyncEntity[] {
  return allSyncEntities().filter((e) => e.kind !== 'local');
}

const hasStamp = (spec: SyncEntity) => (spec.kind === 'mutable' || spec.kind === 'local') && tableInfo(spec.table).columns.has('hlc');

/**
 * The row stamp of a record edited in place (`mutable`, and the local documents that keep one: a
 * purchase order, a count). An insert with `UNSTAMPED`, or an update that changes a column that
 * travels while leaving `hlc` as it was, sets `hlc` to a fresh stamp with a second UPDATE of the
 * row from inside the trigger. That UPDATE changes only `hlc`: it does not fire these triggers
 * again (recursive triggers are off, and `UPDATE OF` names only other columns), and it is the
 * change the capture trigger queues, once. A writer that stamps the row itself (sync's own
 * plumbing) is left alone.
 */
function stampTriggers(spec: SyncEntity): string[] {
  if (!hasStamp(spec)) return [];
  const t = q(spec.table);
  const key = q(spec.key);
  const fields = mutableFields(spec);
  const name = (suffix: string) => q(`ct_cap_${spec.table}_${suffix}`);
  const stamp = `UPDATE ${t} SET hlc = ct_hlc() WHERE ${key} = NEW.${key};`;
  const changed = fields.map((c) => `OLD.${q(c)} IS NOT NEW.${q(c)}`).join(' OR ');
  return [
    `CREATE TEMP TRIGGER ${name('stamp_ins')} AFTER INSERT ON main.${t} WHEN ct_capture() = 1 AND NEW.hlc = '' BEGIN ${stamp} END`,
    `CREATE TEMP TRIGGER ${name('stamp_upd')} AFTER UPDATE OF ${fields.map(q).join(', ')} ON main.${t}
      WHEN ct_capture() = 1 AND NEW.hlc IS OLD.hlc AND (${changed}) BEGIN ${stamp} END`,
  ];
}

function captureTriggers(spec: SyncEntity): string[] {
  const t = q(spec.table);
  const key = q(spec.key);
  const name = (table: string, suffix: string) => q(`ct_cap_${table}_${suffix}`);
  if (spec.kind !== 'mutable')
    return [
      `CREATE TEMP TRIGGER ${name(spec.table, 'ins')} AFTER INSERT ON main.${t} WHEN ct_capture() = 1 BEGIN
        ${entry(spec.entity, `NEW.${key}`, 'insert')}
      END`,
    ];
  const skip = (ref: 'NEW' | 'OLD') => (spec.localKeys?.length ? ` AND ${ref}.${key} NOT IN (${spec.localKeys.map(lit).join(', ')})` : '');
  // An update is a change to sync when it stamps the row: the writer's stamp, or the one
  // stampTriggers gives a change to a column that travels (so one entry per change, queued by the
  // stamping UPDATE). The stamp of a row just inserted unstamped is part of its insert. A write of
  // the terminal's own columns only (a PIN lockout counter) is not stamped, so not queued.
  const changed = hasStamp(spec)
    ? `OLD.hlc IS NOT NEW.hlc AND OLD.hlc <> ''`
    : ['hlc', ...mutableFields(spec)].map((c) => `OLD.${q(c)} IS NOT NEW.${q(c)}`).join(' OR ');
  const out = [
    ...stampTriggers(spec),
    `CREATE TEMP TRIGGER ${name(spec.table, 'ins')} AFTER INSERT ON main.${t} WHEN ct_capture() = 1${skip('NEW')} BEGIN
      ${entry(spec.entity, `NEW.${key}`, 'insert')}
    END`,
    `CREATE TEMP TRIGGER ${name(spec.table, 'upd')} AFTER UPDATE ON main.${t} WHEN ct_capture() = 1${skip('NEW')} AND (${changed}) BEGIN
      ${entry(spec.entity, `NEW.${key}`, 'update')}
    END`,
  ];
  if (spec.deletable)
    out.push(`CREATE TEMP TRIGGER ${name(spec.table, 'del')} AFTER DELETE ON main.${t} WHEN ct_capture() = 1${skip('OLD')} BEGIN
      ${entry(spec.entity, `OLD.${key}`, 'delete')}
    END`);
  // A set child (a product's barcode) added or removed changes its parent record.
  for (const set of spec.sets ?? []) {
    const st = q(set.table);
    const fk = q(set.fk);
    out.push(
      `CREATE TEMP TRIGGER ${name(set.table, 'ins')} AFTER INSERT ON main.${st} WHEN ct_capture() = 1 BEGIN
        ${entry(spec.entity, `NEW.${fk}`, 'update')}
      END`,
      `CREATE TEMP TRIGGER ${name(set.table, 'del')} AFTER DELETE ON main.${st} WHEN ct_capture() = 1 BEGIN
        ${entry(spec.entity, `OLD.${fk}`, 'update')}
      END`,
    );
  }
  return out;
}

/**
 * A local entity's entries (acknowledged, never sent), from its `capture` declaration: its
 * triggers are named for the entity too, since a local entity may live in another's table (a
 * customer attached after the sale, in `orders`).
 */
function localCaptureTriggers(spec: SyncEntity): string[] {
  if (spec.kind !== 'local' || !spec.capture) return [];
  const { capture } = spec;
  const t = q(spec.table);
  const name = (suffix: string) => q(`ct_cap_${spec.table}_${spec.entity}_${suffix}`);
  const id = spec.idColumns ? spec.idColumns.map((c) => `NEW.${q(c)}`).join(` || ':' || `) : `NEW.${q(spec.key)}`;
  const out: string[] = [];
  if (capture.insert)
    out.push(`CREATE TEMP TRIGGER ${name('ins')} AFTER INSERT ON main.${t} WHEN ct_capture() = 1 BEGIN
      ${entry(spec.entity, id, 'insert')}
    END`);
  if (capture.update === 'stamped')
    out.push(`CREATE TEMP TRIGGER ${name('upd')} AFTER UPDATE ON main.${t} WHEN ct_capture() = 1 AND OLD.hlc IS NOT NEW.hlc AND OLD.hlc <> '' BEGIN
      ${entry(spec.entity, id, 'update')}
    END`);
  else if (capture.update?.length) {
    const cols = capture.update;
    const first = q(cols[0]!);
    const to =
      capture.around !== undefined
        ? ` AND OLD.${first} IS NOT NEW.${first} AND (OLD.${first} = ${lit(capture.around)} OR NEW.${first} = ${lit(capture.around)})`
        : '';
    const op = capture.nullIsDelete
      ? `CASE WHEN ${cols.map((c) => `NEW.${q(c)} IS NULL`).join(' AND ')} THEN 'delete' ELSE 'update' END`
      : `'update'`;
    out.push(`CREATE TEMP TRIGGER ${name('upd')} AFTER UPDATE OF ${cols.map(q).join(', ')} ON main.${t} WHEN ct_capture() = 1${to} BEGIN
      ${entry(spec.entity, id, 'update', op)}
    END`);
  }
  return out;
}

/** Every trigger the write path keeps for an entity: its stamps and its capture. */
function triggersOf(spec: SyncEntity): string[] {
  return spec.kind === 'local' ? [...stampTriggers(spec), ...localCaptureTriggers(spec)] : captureTriggers(spec);
}

/** The write path's triggers by name, from the registry. */
function allTriggers(): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of allSyncEntities()) for (const ddl of triggersOf(spec)) out.set(/^CREATE TEMP TRIGGER "([^"]+)"/.exec(ddl)![1]!, ddl);
  return out;
}

function installedCaptureTriggers(sqlite: Sqlite): string[] {
  return sqlite.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'ct_cap_%'").pluck().all() as string[];
}

/**
 * (Re)creates the capture triggers on this connection. They live with the connection, not in the
 * file, so they follow the registry and the schema at every start. The SQL functions they call are
 * registered by the caller (sync/tracking.ts, with the other per-connection sync functions).
 */
export function installCapture(sqlite: Sqlite): void {
  dropCapture(sqlite);
  for (const ddl of allTriggers().values()) sqlite.exec(ddl);
}

/** Drops the capture triggers: a bulk apply of pulled rows writes without them (even idle, a trigger costs every row a statement savepoint). */
export function dropCapture(sqlite: Sqlite): void {
  for (const name of installedCaptureTriggers(sqlite)) sqlite.exec(`DROP TRIGGER IF EXISTS temp.${q(name)}`);
}

function specOf(entity: string): SyncEntity {
  const spec = capturedEntities().find((e) => e.entity === entity);
  if (!spec) throw new Error(`write path: ${entity} is not a synced entity`);
  return spec;
}

/** Queues records of `entity` written with their capture suspended (see writeInBulk), one entry each, in the order given. */
export function captureRecords(
  deps: Pick<Deps, 'sqlite' | 'ids' | 'clock' | 'hlc'>,
  entity: string,
  ids: Iterable<string>,
  op: 'insert' | 'update' = 'insert',
): void {
  const spec = specOf(entity);
  const insert = cachedStatement(deps.sqlite, OUTBOX_SQL);
  const at = deps.clock();
  for (const id of ids) insert.run(deps.ids(), spec.entity, id, op, deps.hlc.now(), at);
}

/**
 * For a bulk writer (an import of 100,000 products): `fn` writes with the capture triggers of
 * `entity` dropped (a trigger costs every row a statement savepoint), and queues what it wrote
 * with captureRecords, in the order a store expects them sent. The triggers come back after, in
 * the caller's transaction (a rollback brings them back too).
 */
export function writeInBulk<T>(deps: Pick<Deps, 'sqlite'>, entity: string, fn: () => T): T {
  const spec = specOf(entity);
  const tables = [spec.table, ...(spec.sets ?? []).map((s) => s.table)];
  const mine = installedCaptureTriggers(deps.sqlite).filter((n) => tables.some((t) => n.startsWith(`ct_cap_${t}_`)));
  if (mine.length === 0) return fn();
  for (const n of mine) deps.sqlite.exec(`DROP TRIGGER IF EXISTS temp.${q(n)}`);
  try {
    return fn();
  } finally {
    const all = allTriggers();
    for (const n of mine) deps.sqlite.exec(all.get(n)!);
  }
}

/** Rows that are not this terminal's edits (a seeded demo history, a benchmark's catalog): written without capture. */
export function writeUncaptured<T>(sqlite: Sqlite, fn: () => T): T {
  const installed = installedCaptureTriggers(sqlite).length > 0;
  if (installed) dropCapture(sqlite);
  try {
    return fn();
  } finally {
    if (installed) installCapture(sqlite);
  }
}
