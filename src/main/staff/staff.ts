import { asc, eq } from 'drizzle-orm';
import type { StaffSummary } from '../../shared/api/types';
import type { StaffRole } from '../../shared/api/define';
import { roleRank } from '../../shared/api/define';
import { inTransaction } from '../db/open';
import { staff } from '../db/schema';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { appendOutbox } from '../outbox/outbox';
import { hashPin, verifyPin, verifyPinSync } from './pin';

export const MAX_PIN_ATTEMPTS = 5;
export const LOCK_MS = 30 * 60 * 1000;

type StaffRow = typeof staff.$inferSelect;

export function toSummary(row: StaffRow): StaffSummary {
  return { id: row.id, name: row.name, role: row.role, active: row.active, lockedUntil: row.lockedUntil ?? null };
}

export function listStaff(deps: Pick<Deps, 'db'>): StaffSummary[] {
  return deps.db.select().from(staff).orderBy(asc(staff.name)).all().map(toSummary);
}

function publicStaff(row: StaffRow) {
  return { id: row.id, name: row.name, role: row.role };
}

/**
 * Sends a staff change to the cloud under the deciding admin's session before it is written here
 * (src/main/sync/staff.ts); null when this terminal has no cloud.
 */
export type PublishStaff = ((changes: { i: string; d: Record<string, unknown>; c: string }[]) => Promise<void>) | null;

export async function createStaff(
  deps: Deps,
  input: { name: string; role: StaffRole; pin: string },
  actorId: string | null,
  publish: PublishStaff = null,
): Promise<StaffSummary> {
  const pinHash = await hashPin(input.pin, deps.pinParams);
  const row = newStaffRow(deps, { ...input, pinHash });
  if (publish) {
    assertNameFree(deps, input.name);
    const d = { name: row.name, role: row.role, pin_hash: row.pinHash, active: row.active, created_at: row.createdAt };
    await publish([{ i: row.id, d, c: row.hlc }]);
  }
  return inTransaction(deps.sqlite, () => insertStaff(deps, { ...input, pinHash }, actorId, row));
}

function newStaffRow(deps: Deps, input: { name: string; role: StaffRole; pinHash: string }): StaffRow {
  return {
    id: deps.ids(),
    name: input.name,
    role: input.role,
    pinHash: input.pinHash,
    failedAttempts: 0,
    lockedUntil: null,
    active: true,
    createdAt: deps.clock(),
    hlc: deps.hlc.now(),
  };
}

function assertNameFree(deps: Pick<Deps, 'db'>, name: string): void {
  const taken = deps.db.select({ id: staff.id }).from(staff).where(eq(staff.name, name)).get();
  if (taken) throw new AppError('CONFLICT', `A staff member named "${name}" already exists`, { field: 'name' });
}

export function insertStaff(
  deps: Deps,
  input: { name: string; role: StaffRole; pinHash: string },
  actorId: string | null,
  prepared?: StaffRow,
): StaffSummary {
  assertNameFree(deps, input.name);
  const row: StaffRow = prepared ?? newStaffRow(deps, input);
  deps.db.insert(staff).values(row).run();
  appendOutbox(deps, { entity: 'staff', entityId: row.id, op: 'insert', payload: { ...row, pinHash: undefined } });
  recordAudit(deps, { staffId: actorId, action: 'staff.create', target: row.id, details: { role: row.role }, success: true });
  return toSummary(row);
}

export async function updateStaff(
  deps: Deps,
  input: { staffId: string; role?: StaffRole; pin?: string; active?: boolean; unlock?: boolean },
  actorId: string,
  publish: PublishStaff = null,
): Promise<StaffSummary> {
  const pinHash = input.pin ? await hashPin(input.pin, deps.pinParams) : undefined;
  if (publish) {
    // The synced fields that change go to the cloud first; the lockout counters stay here.
    const row = deps.db.select().from(staff).where(eq(staff.id, input.staffId)).get();
    if (!row) throw notFound('Staff member');
    const d: Record<string, unknown> = {};
    if (input.role && input.role !== row.role) {
      if (row.role === 'admin' && input.role !== 'admin') assertAnotherAdmin(deps, row.id);
      d.role = input.role;
    }
    if (pinHash) d.pin_hash = pinHash;
    if (input.active !== undefined && input.active !== row.active) {
      if (!input.active && row.role === 'admin') assertAnotherAdmin(deps, row.id);
      d.active = input.active;
    }
    if (Object.keys(d).length > 0) await publish([{ i: row.id, d, c: deps.hlc.now() }]);
  }
  return inTransaction(deps.sqlite, () => {
    const row = deps.db.select().from(staff).where(eq(staff.id, input.staffId)).get();
    if (!row) throw notFound('Staff member');
    const patch: Partial<StaffRow> = { hlc: deps.hlc.now() };
    if (input.role && input.role !== row.role) {
      if (row.role === 'admin' && input.role !== 'admin') assertAnotherAdmin(deps, row.id);
      patch.role = input.role;
      recordAudit(deps, {
        staffId: actorId,
        action: 'staff.role',
        target: row.id,
        details: { from: row.role, to: input.role },
        success: true,
      });
    }
    if (pinHash) {
      patch.pinHash = pinHash;
      recordAudit(deps, { staffId: actorId, action: 'staff.pinReset', target: row.id, success: true });
    }
    if (input.active !== undefined && input.active !== row.active) {
      if (!input.active && row.role === 'admin') assertAnotherAdmin(deps, row.id);
      patch.active = input.active;
      recordAudit(deps, { staffId: actorId, action: input.active ? 'staff.activate' : 'staff.deactivate', target: row.id, success: true });
    }
    if (input.unlock) {
      patch.failedAttempts = 0;
      patch.lockedUntil = null;
      recordAudit(deps, { staffId: actorId, action: 'staff.unlock', target: row.id, success: true });
    }
    deps.db.update(staff).set(patch).where(eq(staff.id, row.id)).run();
    appendOutbox(deps, { entity: 'staff', entityId: row.id, op: 'update', payload: { ...patch, pinHash: undefined } });
    return toSummary({ ...row, ...patch });
  });
}

/** Never leave the store without an active admin. */
function assertAnotherAdmin(deps: Pick<Deps, 'db'>, exceptId: string): void {
  const others = deps.db
    .select()
    .from(staff)
    .all()
    .filter((s) => s.role === 'admin' && s.active && s.id !== exceptId);
  if (others.length === 0) throw new AppError('CONFLICT', 'The store needs at least one active admin', { field: 'role' });
}

function lockedError(lockedUntil: number): AppError {
  return new AppError('LOCKED', 'Too many wrong PINs: this account is locked', { lockedUntil }, true);
}

/**
 * Checks a PIN and keeps the lockout count. 5 wrong PINs lock the account for 30 minutes; the lock is
 * in the database so a restart does not lift it. Failed attempts are audited.
 */
function applyPinOutcome(deps: Deps, row: StaffRow, ok: boolean, action: string, actorId: string | null): void {
  const now = deps.clock();
  if (ok) {
    if (row.failedAttempts !== 0 || row.lockedUntil !== null)
      deps.db.update(staff).set({ failedAttempts: 0, lockedUntil: null }).where(eq(staff.id, row.id)).run();
    return;
  }
  const attempts = (row.lockedUntil !== null && row.lockedUntil <= now ? 0 : row.failedAttempts) + 1;
  const lockedUntil = attempts >= MAX_PIN_ATTEMPTS ? now + LOCK_MS : null;
  deps.db.update(staff).set({ failedAttempts: attempts, lockedUntil }).where(eq(staff.id, row.id)).run();
  recordAudit(deps, {
    staffId: actorId ?? row.id,
    action,
    target: row.id,
    details: { attempts, locked: lockedUntil !== null },
    success: false,
  });
  if (lockedUntil !== null) throw lockedError(lockedUntil);
  throw new AppError('UNAUTHENTICATED', 'Wrong PIN', { attemptsLeft: MAX_PIN_ATTEMPTS - attempts }, true);
}

function loadForPin(deps: Deps, staffId: string, action: string, actorId: string | null): StaffRow {
  const row = deps.db.select().from(staff).where(eq(staff.id, staffId)).get();
  if (!row || !row.active) throw new AppError('NOT_FOUND', 'Staff member not found');
  if (row.lockedUntil !== null && row.lockedUntil > deps.clock()) {
    // Attempts on a locked account are audited too (lockedError keeps this write).
    recordAudit(deps, { staffId: actorId ?? row.id, action: `${action}.locked`, target: row.id, success: false });
    throw lockedError(row.lockedUntil);
  }
  return row;
}

export async function signIn(deps: Deps, staffId: string, pin: string) {
  const row = inTransaction(deps.sqlite, () => loadForPin(deps, staffId, 'signIn', null));
  const ok = await verifyPin(pin, row.pinHash);
  return inTransaction(deps.sqlite, () => {
    // Re-read: another attempt may have changed the count while the hash ran.
    const fresh = loadForPin(deps, staffId, 'signIn', null);
    applyPinOutcome(deps, fresh, ok, 'signIn.failed', null);
    recordAudit(deps, { staffId: fresh.id, action: 'signIn', success: true });
    return publicStaff(fresh);
  });
}

/**
 * A manager's PIN typed on the spot for a clerk's privileged action (inside the action's
 * transaction). Returns the approver's id; wrong PINs count towards that manager's lockout.
 */
export function verifyApproval(deps: Deps, approval: { staffId: string; pin: string }, clerkId: string, action: string): string {
  const row = loadForPin(deps, approval.staffId, `${action}.approval`, clerkId);
  if (roleRank(row.role) < roleRank('manager'))
    throw new AppError('FORBIDDEN', 'Approval needs a manager or an admin', { approverRole: row.role });
  applyPinOutcome(deps, row, verifyPinSync(approval.pin, row.pinHash), `${action}.approvalFailed`, clerkId);
  return row.id;
}
