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

/** Records `head` if it is newer than what the device reported before; answers what is recorded now. */
export async function recordJournalHead(
  deps: Pick<CloudDeps, 'db' | 'clock'>,
  device: Pick<AuthDevice, 'id'>,
  head: JournalHead | undefined,
): Promise<RecordedHead | null> {
  if (head) {
    await deps.db.execute(
      sql`INSERT INTO journal_heads (device_id, seq, hash, at) VALUES (${device.id}, ${head.seq}, ${head.hash}, ${deps.clock()})
          ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at
          WHERE journal_heads.seq < excluded.seq`,
    );
  }
  const [row] = await rowsOf<{ seq: string | number; hash: string; at: string | number }>(
    deps.db,
    sql`SELECT seq, hash, at FROM journal_heads WHERE device_id = ${device.id}`,
  );
  return row ? { seq: Number(row.seq), hash: row.hash, at: Number(row.at) } : null;
}
