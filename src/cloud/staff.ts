/**
 * Staff records (names, roles, PIN hashes) change in the cloud only by an authenticated staff
 * action, never because a device token says so (a device push of `staff` is refused, see push.ts):
 *
 * - the organisation's first staff come with its creation (the set-up admin of the first terminal:
 *   the organisation is new and empty, so whoever creates it decides who runs it);
 * - afterwards, an admin signed in to the cloud (`x-staff-token`, re-checked on every call) sends
 *   the change a till made; every till receives it by pull.
 *
 * Each change is checked against the staff shape of the entity registry, merged per field like any
 * mutable record, and written to the change log.
 */
import { syncEntity, type SharedEntity } from '../shared/sync/entities';
import { expandStamps, mergeRecord } from '../shared/sync/merge';
import type { StaffChange } from '../shared/sync/protocol';
import { checkRecord } from '../shared/sync/validate';
import { stampStatus } from '../shared/hlc';
import type { CloudDb } from './db/open';
import { CloudHttpError, type CloudDeps } from './deps';
import { loadRecords, mutableBody, parseMutableBody, recordKey, reserveSeqs, upsertRecords, type RecordRow } from './records';

const STAFF = syncEntity('staff') as SharedEntity;

/** Refuses (400) a change that is not exactly a staff record a till writes. */
export function checkStaffChanges(deps: Pick<CloudDeps, 'clock' | 'maxDriftMs'>, changes: readonly StaffChange[]): void {
  const now = deps.clock();
  for (const ch of changes) {
    const refusal = checkRecord(STAFF, { e: 'staff', i: ch.i, d: ch.d, c: ch.c }, { now, maxDriftMs: deps.maxDriftMs, ahead: 'clamp' });
    if (refusal) throw new CloudHttpError(400, 'VALIDATION', refusal.message);
  }
}

/**
 * Merges checked staff changes into the organisation's records, inside the caller's transaction.
 * `deviceId` is the terminal the deciding admin worked on (null at creation).
 */
export async function writeStaffRecords(
  deps: Pick<CloudDeps, 'clock' | 'maxDriftMs' | 'hlc'>,
  tx: CloudDb,
  orgId: string,
  deviceId: string | null,
  changes: readonly StaffChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const now = deps.clock();
  const existing = await loadRecords(
    tx,
    orgId,
    changes.map((ch) => ({ entity: 'staff', storeId: '', entityId: ch.i })),
  );
  const merged = new Map<string, RecordRow>();
  let seq = await reserveSeqs(tx, orgId, changes.length);
  for (const ch of changes) {
    const c = expandStamps(ch.c, ch.d);
    if (!c) throw new CloudHttpError(400, 'VALIDATION', 'A field of the change has no clock stamp');
    // A stamp past the drift window takes the cloud's time, as for pushes.
    for (const f of Object.keys(c)) if (stampStatus(c[f]!, now, deps.maxDriftMs) === 'ahead') c[f] = deps.hlc.now();
    const key = recordKey('staff', '', ch.i);
    const prev = merged.get(key);
    const base = prev ? parseMutableBody(prev.body) : existing.has(key) ? parseMutableBody(existing.get(key)!.body) : null;
    const next = mergeRecord(base, { d: ch.d, c });
    if (!next.changed && !prev) continue;
    merged.set(key, {
      entity: 'staff',
      storeId: '',
      entityId: ch.i,
      kind: 'mutable',
      body: mutableBody('staff', ch.i, next.merged),
      uniq: null,
      refId: null,
      qty: null,
      amount: null,
      at: null,
      seq: seq++,
    });
  }
  await upsertRecords(tx, orgId, deviceId, now, [...merged.values()]);
}
