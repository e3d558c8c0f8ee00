/**
 * Planner statistics for the embedded database. PostgreSQL's autovacuum keeps them on a server;
 * PGlite runs no background workers, so without this its planner believes `records` holds a few
 * rows and reads a whole organisation to sort out one page of a pull (70 ms a page at 100,000
 * records, ten times that at a million) instead of walking the change-log index (10 ms).
 *
 * The statistics are refreshed when the database opens and again once as many rows have been
 * written as the tables held at the last refresh (at least 10,000), between requests: a plan only
 * needs the sizes' order, and a million-record upload refreshes them about seven times.
 */
import { sql } from 'drizzle-orm';
import type { CloudDb } from './cloud-db';

const MIN_WRITES = 10_000;
const GROWTH = 1;

export interface PlannerStats {
  /** Rows a request wrote (pushed changes): may schedule a refresh. */
  noteWrites(n: number): void;
}

export async function keepPlannerStats(db: CloudDb, log = (msg: string) => console.error(msg)): Promise<PlannerStats> {
  let rows = 0;
  let written = 0;
  let running: Promise<void> | null = null;
  const refresh = async () => {
    // The shop's projections grow with the records they are kept from.
    await db.execute(sql`ANALYZE records, record_uniques, shop_products, shop_search_tokens, shop_stock, shop_reservations`);
    const res = (await db.execute(sql`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'records'`)) as unknown as {
      rows: { n: string | number }[];
    };
    rows = Math.max(0, Number(res.rows[0]?.n ?? 0));
  };
  await refresh();
  return {
    noteWrites(n) {
      written += n;
      if (running || written < Math.max(MIN_WRITES, rows * GROWTH)) return;
      written = 0;
      running = refresh()
        .catch((err: unknown) => log(`[cloud] refreshing planner statistics failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (running = null));
    },
  };
}
