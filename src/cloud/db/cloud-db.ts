import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** The cloud's database as drizzle sees it (PostgreSQL or embedded PGlite). */
export type CloudDb = PgDatabase<PgQueryResultHKT, typeof schema>;
