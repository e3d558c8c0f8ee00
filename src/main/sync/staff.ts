/**
 * Staff changes on a terminal connected to a cloud. A device token cannot change staff (the cloud
 * refuses a pushed `staff` record), so the change goes to the cloud first, under the cloud session
 * of the admin deciding it (they signed in to the cloud with their PIN; the cloud re-checks their
 * role on the call), and only then is written here. Other tills receive it by pull. Offline, or
 * without a cloud sign-in, the change is refused with the reason; a terminal that is not connected
 * changes its staff locally as before (they travel with the organisation's creation). The
 * publisher that sends them is `staffPublisher` in cloud.ts; here, the records as they travel.
 */
import type { Deps } from '../deps';
import { syncEntity } from '../../shared/sync/entities';
import { compactStamps } from '../../shared/sync/merge';
import type { StaffChange } from '../../shared/sync/protocol';
import { isMutable, metaOf } from './tables';
import { readMutable } from './push';
import type { SqlRow } from '../db/rows';
import type { staff } from '../db/schema';

/** Every staff record of this terminal as it travels: the organisation starts with them. */
export function localStaffChanges(deps: Pick<Deps, 'sqlite'>): StaffChange[] {
  const spec = syncEntity('staff');
  const meta = spec ? metaOf(deps.sqlite, spec.entity) : null;
  if (!meta || !isMutable(meta)) return [];
  const ids = deps.sqlite.prepare('SELECT id FROM staff ORDER BY rowid').pluck().all() as SqlRow<typeof staff>['id'][];
  const out: StaffChange[] = [];
  for (const id of ids) {
    const rec = readMutable(deps, meta, id, '');
    if (rec) out.push({ i: id, d: rec.d, c: compactStamps(rec.c) });
  }
  return out;
}
