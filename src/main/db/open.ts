import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;
export type Sqlite = Database.Database;

export interface Store {
  sqlite: Sqlite;
  db: Db;
}

/**
 * Opens (or creates) the store and migrates it. WAL + synchronous=FULL: a committed sale survives a
 * power cut. One writer connection per process; the busy timeout covers a backup reader.
 */
export function openStore(file: string, migrationsDir: string): Store {
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (the default is 2 MiB): lists over a million items touch many pages.
    sqlite.pragma('cache_size = -65536');
    // Statement journals and temporary b-trees in memory: on disk, every statement that writes to
    // the search index inside a bigger transaction spilled its journal to a temp file, which made
    // bulk writes (import, first sync) twice as slow. They are per statement, so memory stays small.
    sqlite.pragma('temp_store = MEMORY');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: migrationsDir });
    return { sqlite, db };
  } catch (err) {
    sqlite.close(); // a file that cannot be opened or migrated (damaged, too new) must not stay open
    throw err;
  }
}

/**
 * `full`: the commit waits for the disk's flush, so it survives a power cut (a sale, a payment, a
 * stock movement). `draft`: a working copy the clerk is still editing (the open cart): written to
 * the log before the answer, so it survives the app being closed or killed, but not flushed; a
 * power cut may lose the last edits of an open cart. The next full commit (the sale itself)
 * flushes the log, draft edits before it included.
 */
export type Durability = 'full' | 'draft';

/** Runs `fn` with synchronous=NORMAL (no flush per commit in WAL mode); the setting can only change outside a transaction. */
function asDraft<T>(sqlite: Sqlite, fn: () => T): T {
  const was = sqlite.pragma('synchronous', { simple: true }) as number;
  if (was <= 1) return fn();
  sqlite.exec('PRAGMA synchronous = NORMAL');
  try {
    return fn();
  } finally {
    sqlite.exec(`PRAGMA synchronous = ${was}`);
  }
}

/** Runs `fn` in one IMMEDIATE transaction (we are the only writer, so it never waits on itself). */
export function inTransaction<T>(sqlite: Sqlite, fn: () => T, durability: Durability = 'full'): T {
  if (sqlite.inTransaction) return fn();
  if (durability === 'draft') return asDraft(sqlite, () => inTransaction(sqlite, fn));
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    sqlite.exec('COMMIT');
    return out;
  } catch (err) {
    // A business error that must keep its side effects (a counted failed PIN) commits first.
    const keep = (err as { keepWrites?: unknown } | null)?.keepWrites === true;
    if (sqlite.inTransaction) sqlite.exec(keep ? 'COMMIT' : 'ROLLBACK');
    throw err;
  }
}
