import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { keepPlannerStats } from './planner-stats';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';
import type { CloudDb } from './cloud-db';

export const CLOUD_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export type { CloudDb };

export interface CloudStore {
  db: CloudDb;
  kind: 'pglite' | 'postgres';
  /** Rows a request wrote: the embedded database refreshes its planner statistics from these. */
  noteWrites(n: number): void;
  /** Where the data lives (a folder, 'memory', or the server's host/database). */
  where: string;
  close(): Promise<void>;
}

export interface CloudStoreOptions {
  /** A PostgreSQL connection string; when set, the cloud uses that server. */
  databaseUrl?: string | null;
  /** Without a database URL: a folder for the embedded PGlite database; null keeps it in memory. */
  dataDir?: string | null;
  /** Connections in the pool (PostgreSQL only). */
  poolSize?: number;
}

/**
 * On PostgreSQL, the database `preparedRowsOf` runs its statements on: a second pool whose
 * connections always keep a prepared statement's one plan (`plan_cache_mode = force_generic_plan`).
 * Left to choose, PostgreSQL compares the generic plan's estimate with the first few custom plans'
 * and, for the shop's searches and lists, kept planning them afresh on every run: about half of a
 * search's time in the database. Unnamed statements stay on the main pool, planned for their values.
 */
const PLANNED = Symbol('planned');

/** Lock id for migrations: several instances may start at once against one database. */
const MIGRATION_LOCK = 0x0c7_5ec;

/**
 * Opens the cloud's database and brings its schema up to date: PostgreSQL through node-postgres
 * when a URL is given, else PGlite (PostgreSQL compiled to WebAssembly) in a folder or in memory.
 */
export async function openCloudStore(opts: CloudStoreOptions): Promise<CloudStore> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    pool.on('error', (err) => console.error('[cloud] idle database connection failed', err.message));
    const db = drizzlePg(pool, { schema });
    const lock = await pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migratePg(db, { migrationsFolder: CLOUD_MIGRATIONS_DIR });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      lock.release();
    }
    const planned = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // A plan made for any values can price itself far above what it does (a search read rank by
      // rank guesses every rank read whole): JIT compiling it would cost 100 ms for a 1 ms statement.
      options: '-c plan_cache_mode=force_generic_plan -c jit=off',
    });
    planned.on('error', (err) => console.error('[cloud] idle database connection failed', err.message));
    Object.defineProperty(db, PLANNED, { value: drizzlePg(planned, { schema }) });
    const url = new URL(opts.databaseUrl);
    return {
      db: db as unknown as CloudDb,
      kind: 'postgres',
      where: `postgres://${url.host}${url.pathname}`,
      // The server's autovacuum keeps the statistics.
      noteWrites: () => undefined,
      close: async () => {
        await Promise.all([pool.end(), planned.end()]);
      },
    };
  }
  const dir = opts.dataDir ? resolve(opts.dataDir) : null;
  if (dir) mkdirSync(dir, { recursive: true });
  const client = dir ? new PGlite(dir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: CLOUD_MIGRATIONS_DIR });
  const stats = await keepPlannerStats(db as unknown as CloudDb);
  return {
    db: db as unknown as CloudDb,
    kind: 'pglite',
    where: dir ?? 'memory',
    noteWrites: stats.noteWrites,
    close: () => client.close(),
  };
}

/** Rows of a raw query, whichever driver ran it. */
export async function rowsOf<T>(db: CloudDb, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

interface DrizzleInternals {
  session?: {
    prepareQuery?: (
      q: { sql: string; params: unknown[] },
      fields: undefined,
      name: string,
      arrayMode: boolean,
    ) => { execute(): Promise<unknown> };
  };
  dialect?: { sqlToQuery?: (q: SQL) => { sql: string; params: unknown[] } };
}

/**
 * Rows of a busy read (a shop page's) as a named prepared statement: on PostgreSQL each connection
 * of the planned pool (see PLANNED) parses and plans it once, then runs that plan, where an unnamed
 * query is planned again every time (for a page's few statements with their subqueries, planning
 * costs about as much as running them). The name comes from the text, so one name never meets two
 * texts. Only for statements whose best plan does not depend on the values: a LIMIT is a
 * `constant`, and a LIKE prefix is also given as an index range (`~>=~` / `~<~`), since a pattern
 * can use an index only when the planner sees it. Inside a transaction the statement runs on the
 * transaction's own connection.
 */
export async function preparedRowsOf<T>(db: CloudDb, query: SQL): Promise<T[]> {
  const d = ((db as unknown as { [PLANNED]?: unknown })[PLANNED] ?? db) as DrizzleInternals;
  const prepare = d.session?.prepareQuery;
  const toQuery = d.dialect?.sqlToQuery;
  if (!prepare || !toQuery) return rowsOf<T>(db, query);
  const q = toQuery.call(d.dialect, query);
  const name = `ct_${createHash('sha1').update(q.sql).digest('base64url').slice(0, 20)}`;
  const res = (await prepare.call(d.session, q, undefined, name, false).execute()) as { rows: T[] };
  return res.rows;
}

/**
 * A whole number of the code's own (a LIMIT, a cap) written into a statement's text instead of
 * sent as a parameter, so that a prepared statement's one plan for any values knows it. As a
 * parameter, PostgreSQL's generic plan guesses a tenth of the table for a LIMIT, prices the plan
 * high enough to JIT-compile it on every run, and so keeps planning the statement afresh each time.
 */
export function constant(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`Not a whole number: ${n}`);
  return sql.raw(String(n));
}

/** A word of the code's own (a row's kind) written into a statement's text, for the same reason. */
export function constantWord(word: string): SQL {
  if (!/^[a-z_]+$/.test(word)) throw new Error(`Not a plain word: ${word}`);
  return sql.raw(`'${word}'`);
}

export { sql };
