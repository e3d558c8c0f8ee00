import Database, { type Statement } from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

/**
 * What one open connection keeps between calls: made with the connection (`openConnection`, which
 * `openStore` calls) and reached through it, so it is dropped with it. A restore closes the connection and opens another,
 * which starts empty: nothing prepared on, or read from, the replaced file can be used on the new one.
 */
export interface ConnectionState {
  /** Prepared statements by row mode and SQL text (`cachedStatement`, db/statements.ts). */
  readonly statements: Map<string, Statement>;
  /** What other rooms keep per connection, one slot each (`connectionSlot`). */
  readonly slots: Map<ConnectionSlot<object>, object>;
}

/** The store's connection: better-sqlite3's, carrying its own state (made by `openStore` or `openConnection`). */
export type Sqlite = Database.Database & { readonly state: ConnectionState };

/**
 * A room's piece of per-connection state (sync's table metadata and tracking flags, the SQL
 * functions a room registers): declared once by its module, made on first use on each connection
 * by `create`, and kept in that connection's `state.slots`. The slot itself holds nothing.
 */
export interface ConnectionSlot<T extends object> {
  /** What it holds, for whoever inspects a connection's state. */
  readonly name: string;
  readonly create: (sqlite: Sqlite) => T;
}

export function connectionSlot<T extends object>(name: string, create: (sqlite: Sqlite) => T): ConnectionSlot<T> {
  return { name, create };
}

/** This connection's value of the slot, made now if it has none yet. */
export function slotOf<T extends object>(sqlite: Sqlite, slot: ConnectionSlot<T>): T {
  const slots = sqlite.state.slots;
  // Only this function writes a slot's entry, always with what that slot's `create` made.
  const hit = slots.get(slot) as T | undefined;
  if (hit) return hit;
  const value = slot.create(sqlite);
  slots.set(slot, value);
  return value;
}

/** Gives a fresh connection its (empty) state, once: the property cannot be replaced. */
function withState(db: Database.Database): Sqlite {
  const state: ConnectionState = { statements: new Map(), slots: new Map() };
  const sqlite = Object.assign(db, { state });
  Object.defineProperty(sqlite, 'state', { writable: false, configurable: false });
  return sqlite;
}

/**
 * A connection that is not the open store's (a backup or an export's copy, a read-only check of
 * the file), for code written against the store's: its own empty state, nothing set, nothing migrated.
 */
export function openConnection(file: string, options?: Database.Options): Sqlite {
  return withState(new Database(file, options));
}

export interface Store {
  sqlite: Sqlite;
  db: Db;
}

/**
 * Opens (or creates) the store and migrates it. WAL + synchronous=FULL: a committed sale survives a
 * power cut. One writer connection per process; the busy timeout covers a backup reader.
 */
export function openStore(file: string, migrationsDir: string): Store {
  const sqlite = openConnection(file);
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
