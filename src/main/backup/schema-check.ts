/**
 * Whether a backup is a Countertop database and nothing else: its schema must be exactly what the
 * app's own migrations produce for the migration level the backup records. Anything more (a
 * trigger that copies every sale elsewhere, a view), anything less, or any definition changed is
 * refused before the store is touched. An older backup is fine when it matches its own version
 * exactly: the app migrates it on opening.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';

export type SchemaProblem =
  | { reason: 'foreign' }
  | { reason: 'newer' }
  | { reason: 'history'; at: number }
  | { reason: 'extra'; kind: string; object: string }
  | { reason: 'missing'; kind: string; object: string }
  | { reason: 'changed'; kind: string; object: string };

export type SchemaCheck = { ok: true; level: number } | { ok: false; problem: string; detail: SchemaProblem };

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** SQLite's own bookkeeping tables that ANALYZE may add to any database; they hold no code. */
const SQLITE_STATS = /^sqlite_stat\d$/;

/** Whitespace is the only difference two identical definitions may have. */
export function normalizeSql(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, ' ').trim();
}

function schemaOf(db: Database.Database): Map<string, { type: string; tbl: string; sql: string | null; columns: string }> {
  const out = new Map<string, { type: string; tbl: string; sql: string | null; columns: string }>();
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as MasterRow[];
  for (const r of rows) {
    if (SQLITE_STATS.test(r.name)) continue;
    // Columns as SQLite understands them (type, null-ness, default, key), not only as written.
    const columns =
      r.type === 'table' || r.type === 'view' ? JSON.stringify(db.prepare('SELECT * FROM pragma_table_info(?)').all(r.name)) : '';
    out.set(`${r.type} ${r.name}`, { type: r.type, tbl: r.tbl_name, sql: normalizeSql(r.sql), columns });
  }
  return out;
}

function describe(p: SchemaProblem): string {
  switch (p.reason) {
    case 'foreign':
      return 'not a Countertop database (no migration record)';
    case 'newer':
      return 'it was made by a newer version of Countertop';
    case 'history':
      return `its migration record differs from this version's at step ${p.at + 1}`;
    case 'extra':
      return `it contains a ${p.kind} "${p.object}" that Countertop does not create`;
    case 'missing':
      return `the ${p.kind} "${p.object}" is missing`;
    case 'changed':
      return `the definition of the ${p.kind} "${p.object}" was changed`;
  }
}

const refuse = (detail: SchemaProblem): SchemaCheck => ({ ok: false, problem: describe(detail), detail });

/** The schema the first `level` migrations make, built in memory the way the app migrates a store. */
function expectedSchema(migrations: MigrationMeta[], level: number, migrationsFolder: string) {
  const mem = new Database(':memory:');
  try {
    mem.pragma('foreign_keys = ON'); // as openStore migrates a store

    const db = drizzle(mem);
    // The migrator's own routine (not a copy of it), so its bookkeeping table is created word for word.
    const internal = db as unknown as { dialect: { migrate(m: MigrationMeta[], s: unknown, c: object): void }; session: unknown };
    internal.dialect.migrate(migrations.slice(0, level), internal.session, { migrationsFolder });
    return schemaOf(mem);
  } finally {
    mem.close();
  }
}

/** Compares the backup at `file` (opened read-only) with what the migrations in `migrationsFolder` make. */
export function checkBackupSchema(file: string, migrationsFolder: string): SchemaCheck {
  const migrations = readMigrationFiles({ migrationsFolder });
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return compare(db, migrations, migrationsFolder);
  } catch (err) {
    // A definition SQLite cannot even read back (a view over tables that do not exist) is not ours either.
    return {
      ok: false,
      problem: `its schema cannot be read (${err instanceof Error ? err.message : String(err)})`,
      detail: { reason: 'foreign' },
    };
  } finally {
    db.close();
  }
}

function compare(db: Database.Database, migrations: MigrationMeta[], migrationsFolder: string): SchemaCheck {
  const hasHistory = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!hasHistory) return refuse({ reason: 'foreign' });
  let history: { hash: string; createdAt: number }[];
  try {
    history = (
      db.prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations ORDER BY rowid').all() as {
        hash: unknown;
        createdAt: unknown;
      }[]
    ).map((r) => ({ hash: String(r.hash), createdAt: Number(r.createdAt) }));
  } catch {
    return refuse({ reason: 'changed', kind: 'table', object: '__drizzle_migrations' });
  }
  if (history.length > migrations.length) return refuse({ reason: 'newer' });
  for (let k = 0; k < history.length; k++) {
    const want = migrations[k]!;
    if (history[k]!.hash !== want.hash || history[k]!.createdAt !== want.folderMillis) {
      return refuse(
        history[k]!.createdAt > migrations[migrations.length - 1]!.folderMillis ? { reason: 'newer' } : { reason: 'history', at: k },
      );
    }
  }
  const expected = expectedSchema(migrations, history.length, migrationsFolder);
  const actual = schemaOf(db);
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got) return refuse({ reason: 'missing', kind: want.type, object: key.slice(want.type.length + 1) });
    if (got.sql !== want.sql || got.tbl !== want.tbl || got.columns !== want.columns)
      return refuse({ reason: 'changed', kind: want.type, object: key.slice(want.type.length + 1) });
  }
  for (const [key, got] of actual)
    if (!expected.has(key)) return refuse({ reason: 'extra', kind: got.type, object: key.slice(got.type.length + 1) });
  return { ok: true, level: history.length };
}
