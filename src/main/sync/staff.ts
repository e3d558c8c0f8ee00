/**
 * Staff changes on a terminal connected to a cloud. A device token cannot change staff (the cloud
 * refuses a pushed `staff` record), so the change goes to the cloud first, under the cloud session
 * of the admin deciding it (they signed in to the cloud with their PIN; the cloud re-checks their
 * role on the call), and only then is written here. Other tills receive it by pull. Offline, or
 * without a cloud sign-in, the change is refused with the reason; a terminal that is not connected
 * changes its staff locally as before (they travel with the organisation's creation).
 */
import type { Deps } from '../deps';
import { syncEntity } from '../../shared/sync/entities';
import { compactStamps } from '../../shared/sync/merge';
import type { StaffChange } from '../../shared/sync/protocol';
import type { SessionStaff } from '../sessions';
import { cloudLink } from './state';
import { isMutable, metaOf } from './tables';
import { readMutable } from './push';
import { withStaff, type CloudSessions } from './cloud';
import type { SyncEngine } from './engine';

/** Sends staff changes to the cloud under the deciding admin's identity; throws when it cannot. */
export type StaffPublisher = (changes: StaffChange[]) => Promise<void>;

/** The publisher for `staff` deciding on router session `sessionKey`; null when this terminal has no cloud. */
export function staffPublisher(
  deps: Deps,
  engine: SyncEngine,
  sessions: CloudSessions,
  sessionKey: string,
  staff: SessionStaff,
): StaffPublisher | null {
  if (!cloudLink(deps.sqlite)) return null;
  return async (changes) => {
    await withStaff(deps, engine, sessions, sessionKey, staff, (client, token) => client.putStaff(token, changes));
  };
}

/** Every staff record of this terminal as it travels: the organisation starts with them. */
export function localStaffChanges(deps: Pick<Deps, 'sqlite'>): StaffChange[] {
  const spec = syncEntity('staff');
  const meta = spec ? metaOf(deps.sqlite, spec.entity) : null;
  if (!meta || !isMutable(meta)) return [];
  const ids = deps.sqlite.prepare('SELECT id FROM staff ORDER BY rowid').pluck().all() as string[];
  const out: StaffChange[] = [];
  for (const id of ids) {
    const rec = readMutable(deps, meta, id, '');
    if (rec) out.push({ i: id, d: rec.d, c: compactStamps(rec.c) });
  }
  return out;
}
