/**
 * Each terminal's journal head as its pushes report it. The cloud keeps the highest entry it has
 * seen and never lowers it, so a terminal whose journal later ends before that entry had entries
 * deleted from the end (or restored an older backup), which its verifier then reports.
 */
import { sql } from 'drizzle-orm';
import type { JournalHead } from '../shared/sync/protocol';
import { rowsOf } from './db/open';
import type { CloudDeps } from './deps';
import type { AuthDevice } from './tenancy';

export type RecordedHead = JournalHead & { at: number };

/**
 * Records `head` if it is newer than what the device reported before; answers what is recorded
 * now. A head behind the recorded one is noted once (per recorded entry) for a manager, so the
 * cloud shows it even if the till's own copy of the head is gone too.
 */
export async function recordJournalHead(
  deps: Pick<CloudDeps, 'db' | 'clock' | 'ids'>,
  device: Pick<AuthDevice, 'id' | 'orgId' | 'storeId' | 'terminalCode'>,
  head: JournalHead | undefined,
): Promise<RecordedHead | null> {
  const now = deps.clock();
  // One statement: the head as it is after the write (the statement's own snapshot still shows the
  // row as it was, so the written row comes from RETURNING and the unwritten one from the table).
  const [row] = head
    ? await rowsOf<{ seq: string | number; hash: string; at: string | number }>(
        deps.db,
        sql`WITH up AS (
              INSERT INTO journal_heads (device_id, seq, hash, at) VALUES (${device.id}, ${head.seq}, ${head.hash}, ${now})
              ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at
              WHERE journal_heads.seq < excluded.seq
              RETURNING seq, hash, at)
            SELECT seq, hash, at FROM up
            UNION ALL
            SELECT seq, hash, at FROM journal_heads WHERE device_id = ${device.id} AND NOT EXISTS (SELECT 1 FROM up)`,
      )
    : await rowsOf<{ seq: string | number; hash: string; at: string | number }>(
        deps.db,
        sql`SELECT seq, hash, at FROM journal_heads WHERE device_id = ${device.id}`,
      );
  const recorded = row ? { seq: Number(row.seq), hash: row.hash, at: Number(row.at) } : null;
  if (head && recorded && head.seq < recorded.seq) {
    const message = `${device.terminalCode}'s journal now ends at entry ${head.seq}, but the cloud saw entry ${recorded.seq}: entries were deleted, or an older backup was restored`;
    await deps.db.execute(
      sql`INSERT INTO rejections (id, org_id, store_id, device_id, mutation_id, entity, entity_id, code, message, created_at)
          SELECT ${deps.ids()}, ${device.orgId}, ${device.storeId}, ${device.id}, 0, 'journal', ${String(recorded.seq)}, 'JOURNAL_BEHIND', ${message}, ${now}
          WHERE NOT EXISTS (SELECT 1 FROM rejections WHERE device_id = ${device.id} AND code = 'JOURNAL_BEHIND' AND entity_id = ${String(recorded.seq)})`,
    );
  }
  return recorded;
}
