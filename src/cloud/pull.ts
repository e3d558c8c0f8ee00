/**
 * Reading the organisation's change log after a cursor. Each record sits at the position of its
 * latest change, so a page holds current states in commit order. Organisation-wide records and the
 * device's own store's records are served; facts the device itself pushed are left out (it has
 * them) — unless it asks for them (`own`): after restoring a backup it lacks its latest ones. The page is built as JSON text inside the database and sent as it is.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from './db/open';
import type { CloudDeps } from './deps';
import type { AuthDevice } from './tenancy';

export const MAX_PULL_LIMIT = 20_000;
export const DEFAULT_PULL_LIMIT = 5_000;

export async function readPull(deps: CloudDeps, device: AuthDevice, cursor: number, limit: number, own = false): Promise<string> {
  // One statement, one snapshot: `head` is the last position whose transaction has committed, and
  // every record up to it is visible here. When the page is not full the cursor moves to `head`, so
  // records this device does not receive (its own facts, other stores) are not scanned again.
  const [row] = await rowsOf<{ last: string | number | null; n: string | number; page: string | null; head: string | number }>(
    deps.db,
    sql`SELECT MAX(seq) AS last, COUNT(*) AS n, string_agg(body, ',' ORDER BY seq) AS page,
               (SELECT change_seq FROM orgs WHERE id = ${device.orgId}) AS head FROM (
          SELECT seq, body FROM records
          WHERE org_id = ${device.orgId} AND seq > ${cursor}
            AND (store_id = '' OR store_id = ${device.storeId})
            AND (${own} OR kind = 'mutable' OR device_id IS NULL OR device_id <> ${device.id})
          ORDER BY seq LIMIT ${limit}) t`,
  );
  const n = Number(row?.n ?? 0);
  const more = n >= limit;
  const last = row?.last === null || row?.last === undefined ? cursor : Number(row.last);
  // Not full: everything up to `head` was considered. (A cursor beyond `head` — the cloud was
  // restored from a backup — comes back down to it.)
  const next = more ? last : Number(row?.head ?? cursor);
  return `{"changes":[${row?.page ?? ''}],"cursor":${next},"more":${more},"serverTime":${deps.clock()}}`;
}
