import { asc, eq } from 'drizzle-orm';
import type { StaffSummary } from '../../shared/api/types';
import type { StaffRole } from '../../shared/api/define';
import { roleRank } from '../../shared/api/define';
import { inTransaction } from '../db/open';
import { UNSTAMPED } from '../db/write-path';
import { staff } from '../db/schema';
import type { Deps } from '../deps';
import type { SessionStaff } from '../sessions';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { hashPin, verifyPin } from './pin';

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
 * (src/main/sync/staff.ts), and answers the stamp it travelled with; null when this terminal has no cloud.
 */
export type PublishStaff = ((changes: { i: string; d: Record<string, unknown> }[]) => Promise<string>) | null;

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
    // Published to the cloud before it is written here: the row keeps the stamp it travelled with
    // (otherwise the write path stamps it).
    row.hlc = await publish([{ i: row.id, d }]);
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
    hlc: UNSTAMPED,
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
    if (Object.keys(d).length > 0) await publish([{ i: row.id, d }]);
  }
  return inTransaction(deps.sqlite, () => {
    const row = deps.db.select().from(staff).where(eq(staff.id, input.staffId)).get();
    if (!row) throw notFound('Staff member');
    const patch: Partial<StaffRow> = {};
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
    if (Object.keys(patch).length > 0) deps.db.update(staff).set(patch).where(eq(staff.id, row.id)).run();
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

interface PinAttempt {
  staffId: string;
  pin: string;
  /** Audit actions for a wrong PIN and for an attempt on a locked account. */
  failed: string;
  locked: string;
  /** Who is audited: the clerk asking for an approval, else the person signing in. */
  actorId: string | null;
  /** Refuses before anything is counted (an approval from someone who is not a manager). */
  allowed?: (row: StaffRow) => void;
}

/**
 * Counts the attempt as a failure and commits that before the PIN is hashed, so attempts running
 * at the same time each take a slot: at most 5 are judged before the lock, however many arrive.
 * The lock is in the database so a restart does not lift it.
 */
function reserveAttempt(deps: Deps, a: PinAttempt): { row: StaffRow; attempts: number } {
  return inTransaction(deps.sqlite, () => {
    const row = deps.db.select().from(staff).where(eq(staff.id, a.staffId)).get();
    if (!row || !row.active) throw new AppError('NOT_FOUND', 'Staff member not found');
    const now = deps.clock();
    if (row.lockedUntil !== null && row.lockedUntil > now) {
      // Attempts on a locked account are audited too (lockedError keeps this write).
      recordAudit(deps, { staffId: a.actorId ?? row.id, action: a.locked, target: row.id, success: false });
      throw lockedError(row.lockedUntil);
    }
    a.allowed?.(row);
    const attempts = (row.lockedUntil !== null ? 0 : row.failedAttempts) + 1;
    const lockedUntil = attempts >= MAX_PIN_ATTEMPTS ? now + LOCK_MS : null;
    deps.db.update(staff).set({ failedAttempts: attempts, lockedUntil }).where(eq(staff.id, row.id)).run();
    return { row, attempts };
  });
}

/**
 * Checks a PIN on the thread pool (the main process keeps answering) against an attempt already
 * counted; a right PIN clears the count, a wrong one is audited.
 */
async function checkPin(deps: Deps, a: PinAttempt): Promise<StaffRow> {
  const { row, attempts } = reserveAttempt(deps, a);
  const ok = await verifyPin(a.pin, row.pinHash, deps.pinParams);
  return inTransaction(deps.sqlite, () => {
    if (ok) {
      deps.db.update(staff).set({ failedAttempts: 0, lockedUntil: null }).where(eq(staff.id, row.id)).run();
      // Re-read: the person may have been deactivated or demoted while the hash ran.
      const fresh = deps.db.select().from(staff).where(eq(staff.id, row.id)).get();
      if (!fresh || !fresh.active) throw new AppError('NOT_FOUND', 'Staff member not found');
      a.allowed?.(fresh);
      return fresh;
    }
    const lockedUntil =
      attempts >= MAX_PIN_ATTEMPTS ? (deps.db.select().from(staff).where(eq(staff.id, row.id)).get()?.lockedUntil ?? null) : null;
    recordAudit(deps, {
      staffId: a.actorId ?? row.id,
      action: a.failed,
      target: row.id,
      details: { attempts, locked: attempts >= MAX_PIN_ATTEMPTS },
      success: false,
    });
    if (attempts >= MAX_PIN_ATTEMPTS) throw lockedError(lockedUntil ?? deps.clock() + LOCK_MS);
    throw new AppError('UNAUTHENTICATED', 'Wrong PIN', { attemptsLeft: MAX_PIN_ATTEMPTS - attempts }, true);
  });
}

export async function signIn(deps: Deps, staffId: string, pin: string) {
  const row = await checkPin(deps, { staffId, pin, failed: 'signIn.failed', locked: 'signIn.locked', actorId: null });
  inTransaction(deps.sqlite, () => recordAudit(deps, { staffId: row.id, action: 'signIn', success: true }));
  return publicStaff(row);
}

/** A manager's PIN, checked before the action's transaction opens (the hash must not hold it). */
export interface VerifiedApproval {
  readonly approverId: string;
}

/**
 * A manager's PIN typed on the spot for a clerk's privileged action. Wrong PINs count towards that
 * manager's lockout. The action then takes the approver's id from the result.
 */
export async function verifyApproval(
  deps: Deps,
  approval: { staffId: string; pin: string },
  clerkId: string,
  action: string,
): Promise<VerifiedApproval> {
  const row = await checkPin(deps, {
    staffId: approval.staffId,
    pin: approval.pin,
    failed: `${action}.approvalFailed`,
    locked: `${action}.approval.locked`,
    actorId: clerkId,
    allowed: (r) => {
      if (roleRank(r.role) < roleRank('manager'))
        throw new AppError('FORBIDDEN', 'Approval needs a manager or an admin', { approverRole: r.role });
    },
  });
  return { approverId: row.id };
}

/**
 * The approval a clerk's privileged action carries, verified before its transaction: a manager
 * approves their own, so their typed approval (if any) is not checked.
 */
export async function approvalFor(
  deps: Deps,
  actor: SessionStaff,
  approval: { staffId: string; pin: string } | undefined,
  action: string,
): Promise<VerifiedApproval | undefined> {
  if (!approval || roleRank(actor.role) >= roleRank('manager')) return undefined;
  return verifyApproval(deps, approval, actor.id, action);
}
