/**
 * Organisations, stores, devices and people. The first terminal creates the organisation (and its
 * first store); later terminals enrol with a one-time code an admin made, and from then on hold a
 * device token. Only hashes of tokens and codes are stored.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { verifyPin } from '../main/staff/pin';
import {
  normaliseCode,
  type DeviceInfo,
  type Enrolment,
  type EnrolmentCode,
  type StaffChange,
  type StaffSession,
  type StoreWithDevices,
} from '../shared/sync/protocol';
import { rowsOf, type CloudDb } from './db/open';
import { devices, enrolmentCodes, orgs, staffLockouts, staffSessions, stores } from './db/schema';
import { CloudHttpError, newEnrolmentCode, newToken, sha256, type CloudDeps } from './deps';
import { mutableBody, parseMutableBody, reserveSeqs, upsertRecords, type RecordRow } from './records';
import { checkStaffChanges, writeStaffRecords } from './staff';

export interface AuthDevice {
  id: string;
  orgId: string;
  storeId: string;
  terminalCode: string;
  name: string;
}

export interface AuthStaff {
  id: string;
  name: string;
  role: 'clerk' | 'manager' | 'admin';
}

const ROLE_RANK = { clerk: 1, manager: 2, admin: 3 } as const;

export async function createOrg(
  deps: CloudDeps,
  input: { orgName: string; storeName: string; terminalName: string; terminalCode: string; staff?: StaffChange[] | undefined },
): Promise<Enrolment> {
  if (input.staff) checkStaffChanges(deps, input.staff);
  const now = deps.clock();
  const orgId = deps.ids();
  const storeId = deps.ids();
  const deviceId = deps.ids();
  const token = newToken(deps, 'ctd');
  await deps.db.transaction(async (tx) => {
    await tx.insert(orgs).values({ id: orgId, name: input.orgName, changeSeq: 0, createdAt: now });
    await tx.insert(stores).values({ id: storeId, orgId, name: input.storeName, createdAt: now });
    await tx.insert(devices).values({
      id: deviceId,
      orgId,
      storeId,
      name: input.terminalName,
      terminalCode: input.terminalCode,
      tokenHash: sha256(token),
      createdAt: now,
      lastSeenAt: now,
    });
    // The new organisation's own people: nobody else can have decided them yet.
    if (input.staff) await writeStaffRecords(deps, tx, orgId, null, input.staff);
  });
  return {
    org: { id: orgId, name: input.orgName },
    store: { id: storeId, name: input.storeName },
    device: { id: deviceId, terminalCode: input.terminalCode },
    token,
    replaces: null,
    serverTime: now,
  };
}

/** The next free terminal code of an organisation: T1, T2, … (a replaced terminal's code is reused by its replacement only). */
async function nextTerminalCode(db: CloudDb, orgId: string): Promise<string> {
  const rows = await db.select({ code: devices.terminalCode }).from(devices).where(eq(devices.orgId, orgId));
  const taken = new Set(rows.map((r) => r.code.toUpperCase()));
  for (let n = 1; n < 10_000; n++) if (!taken.has(`T${n}`)) return `T${n}`;
  throw new CloudHttpError(409, 'CONFLICT', 'No terminal code left');
}

/** Redeems a one-time code: the code is spent in the same transaction that creates the device. */
export async function enrol(deps: CloudDeps, input: { code: string; terminalName: string }): Promise<Enrolment> {
  const now = deps.clock();
  const codeHash = sha256(normaliseCode(input.code));
  const deviceId = deps.ids();
  const token = newToken(deps, 'ctd');
  return deps.db.transaction(async (tx) => {
    const [code] = await rowsOf<{ org_id: string; store_id: string; replaces_device_id: string | null; expires_at: string | number }>(
      tx,
      sql`UPDATE enrolment_codes SET used_at = ${now}, used_by = ${deviceId}
          WHERE code_hash = ${codeHash} AND used_at IS NULL RETURNING org_id, store_id, replaces_device_id, expires_at`,
    );
    if (!code) throw new CloudHttpError(404, 'BAD_CODE', 'That enrolment code is unknown or was already used');
    if (Number(code.expires_at) < now) throw new CloudHttpError(404, 'BAD_CODE', 'That enrolment code has expired');
    // Lock the organisation: terminal codes are handed out one at a time.
    await tx.execute(sql`SELECT id FROM orgs WHERE id = ${code.org_id} FOR UPDATE`);
    let terminalCode: string;
    let replaces: string | null = null;
    if (code.replaces_device_id) {
      const [old] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.id, code.replaces_device_id), eq(devices.orgId, code.org_id)));
      if (!old) throw new CloudHttpError(404, 'BAD_CODE', 'The terminal to replace no longer exists');
      await tx.update(devices).set({ revokedAt: now }).where(eq(devices.id, old.id));
      terminalCode = old.terminalCode;
      replaces = old.terminalCode;
    } else {
      terminalCode = await nextTerminalCode(tx, code.org_id);
    }
    await tx.insert(devices).values({
      id: deviceId,
      orgId: code.org_id,
      storeId: code.store_id,
      name: input.terminalName,
      terminalCode,
      tokenHash: sha256(token),
      createdAt: now,
      lastSeenAt: now,
    });
    const [org] = await tx.select().from(orgs).where(eq(orgs.id, code.org_id));
    const [store] = await tx.select().from(stores).where(eq(stores.id, code.store_id));
    return {
      org: { id: org!.id, name: org!.name },
      store: { id: store!.id, name: store!.name },
      device: { id: deviceId, terminalCode },
      token,
      replaces,
      serverTime: now,
    };
  });
}

/** Every request but creating an organisation and enrolling carries a device token. */
export async function authDevice(deps: CloudDeps, authorization: string | undefined): Promise<AuthDevice> {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token) throw new CloudHttpError(401, 'UNAUTHENTICATED', 'This terminal is not signed in to the cloud');
  const [row] = await deps.db
    .select()
    .from(devices)
    .where(and(eq(devices.tokenHash, sha256(token)), isNull(devices.revokedAt)));
  if (!row) throw new CloudHttpError(401, 'UNAUTHENTICATED', 'This terminal is not (or no longer) enrolled');
  return { id: row.id, orgId: row.orgId, storeId: row.storeId, terminalCode: row.terminalCode, name: row.name };
}

async function staffRecord(db: CloudDb, orgId: string, staffId: string) {
  const [row] = await rowsOf<{ body: string }>(
    db,
    sql`SELECT body FROM records WHERE org_id = ${orgId} AND entity = 'staff' AND store_id = '' AND entity_id = ${staffId}`,
  );
  if (!row) return null;
  const d = parseMutableBody(row.body).d as { name?: string; role?: AuthStaff['role']; pin_hash?: string; active?: unknown };
  return d;
}

const MAX_ATTEMPTS = 5;
const LOCK_MS = 30 * 60_000;

/**
 * Counts an attempt as a failure before the PIN is checked, in one statement (a row lock on
 * PostgreSQL), so sign-ins running at the same time each take a slot: at most 5 are judged before
 * the lock. Null when the sign-in is locked.
 */
async function reserveAttempt(deps: CloudDeps, orgId: string, staffId: string, now: number): Promise<{ failed: number } | null> {
  const [row] = await rowsOf<{ failed: number }>(
    deps.db,
    sql`INSERT INTO staff_lockouts AS l (org_id, staff_id, failed, locked_until)
        VALUES (${orgId}, ${staffId}, 1, NULL)
        ON CONFLICT (org_id, staff_id) DO UPDATE SET
          failed = CASE WHEN l.locked_until IS NOT NULL THEN 1 ELSE l.failed + 1 END,
          locked_until = CASE WHEN (CASE WHEN l.locked_until IS NOT NULL THEN 1 ELSE l.failed + 1 END) >= ${MAX_ATTEMPTS}
                              THEN ${now + LOCK_MS}::bigint ELSE NULL END
        WHERE l.locked_until IS NULL OR l.locked_until <= ${now}
        RETURNING l.failed`,
  );
  return row ? { failed: Number(row.failed) } : null;
}

async function lockedUntilOf(deps: CloudDeps, orgId: string, staffId: string): Promise<number | null> {
  const [lock] = await deps.db
    .select()
    .from(staffLockouts)
    .where(and(eq(staffLockouts.orgId, orgId), eq(staffLockouts.staffId, staffId)));
  return lock?.lockedUntil ?? null;
}

/**
 * A manager or admin signs in to the cloud with their PIN, checked against the hash their
 * terminals synced (only a hash made with the configured cost is computed at all). 5 wrong PINs
 * lock the cloud sign-in for 30 minutes (kept in the database).
 */
export async function staffSignIn(deps: CloudDeps, device: AuthDevice, input: { staffId: string; pin: string }): Promise<StaffSession> {
  const now = deps.clock();
  const d = await staffRecord(deps.db, device.orgId, input.staffId);
  if (!d || !d.pin_hash || (d.active !== true && d.active !== 1))
    throw new CloudHttpError(404, 'NOT_FOUND', 'This staff member is not in the cloud yet: sync, then try again');
  if (!d.role || ROLE_RANK[d.role] < ROLE_RANK.manager) throw new CloudHttpError(403, 'FORBIDDEN', 'The cloud is for managers and admins');
  const slot = await reserveAttempt(deps, device.orgId, input.staffId, now);
  if (!slot) {
    const lockedUntil = (await lockedUntilOf(deps, device.orgId, input.staffId)) ?? now + LOCK_MS;
    throw new CloudHttpError(423, 'LOCKED', 'Too many wrong PINs: cloud sign-in is locked', { lockedUntil });
  }
  const ok = await verifyPin(input.pin, d.pin_hash, deps.pinParams);
  if (!ok) {
    if (slot.failed >= MAX_ATTEMPTS) {
      const lockedUntil = (await lockedUntilOf(deps, device.orgId, input.staffId)) ?? now + LOCK_MS;
      throw new CloudHttpError(423, 'LOCKED', 'Too many wrong PINs: cloud sign-in is locked', { lockedUntil });
    }
    throw new CloudHttpError(401, 'WRONG_PIN', 'Wrong PIN', { attemptsLeft: MAX_ATTEMPTS - slot.failed });
  }
  await deps.db.delete(staffLockouts).where(and(eq(staffLockouts.orgId, device.orgId), eq(staffLockouts.staffId, input.staffId)));
  const token = newToken(deps, 'cts');
  const expiresAt = now + deps.staffSessionTtlMs;
  await deps.db
    .insert(staffSessions)
    .values({ tokenHash: sha256(token), orgId: device.orgId, staffId: input.staffId, deviceId: device.id, createdAt: now, expiresAt });
  return { token, expiresAt, staff: { id: input.staffId, name: d.name ?? '', role: d.role } };
}

/** The signed-in person behind a request, re-checked on every call (a demoted manager loses access at once). */
export async function authStaff(
  deps: CloudDeps,
  device: AuthDevice,
  token: string | undefined,
  least: 'manager' | 'admin',
): Promise<AuthStaff> {
  if (!token) throw new CloudHttpError(401, 'STAFF_SIGN_IN', 'Sign in to the cloud first');
  const [session] = await deps.db
    .select()
    .from(staffSessions)
    .where(and(eq(staffSessions.tokenHash, sha256(token)), eq(staffSessions.orgId, device.orgId)));
  if (!session || session.expiresAt < deps.clock()) throw new CloudHttpError(401, 'STAFF_SIGN_IN', 'Sign in to the cloud again');
  const d = await staffRecord(deps.db, device.orgId, session.staffId);
  if (!d || (d.active !== true && d.active !== 1) || !d.role) throw new CloudHttpError(401, 'STAFF_SIGN_IN', 'Sign in to the cloud again');
  if (ROLE_RANK[d.role] < ROLE_RANK[least]) throw new CloudHttpError(403, 'FORBIDDEN', `This needs the ${least} role`);
  return { id: session.staffId, name: d.name ?? '', role: d.role };
}

export async function listStores(deps: CloudDeps, orgId: string): Promise<StoreWithDevices[]> {
  const storeRows = await deps.db.select().from(stores).where(eq(stores.orgId, orgId)).orderBy(stores.createdAt);
  const deviceRows = await deps.db.select().from(devices).where(eq(devices.orgId, orgId)).orderBy(devices.createdAt);
  return storeRows.map((s) => ({
    id: s.id,
    name: s.name,
    devices: deviceRows
      .filter((d) => d.storeId === s.id)
      .map((d): DeviceInfo => ({
        id: d.id,
        name: d.name,
        terminalCode: d.terminalCode,
        storeId: d.storeId,
        lastSeenAt: d.lastSeenAt,
        revoked: d.revokedAt !== null,
      })),
  }));
}

/**
 * A new store starts with a default stock location and the settings of the store the admin works
 * in (currency, tax mode, time zone…), its own name replacing the copied one.
 */
export async function createStore(deps: CloudDeps, device: AuthDevice, input: { name: string }): Promise<StoreWithDevices> {
  const now = deps.clock();
  const storeId = deps.ids();
  await deps.db.transaction(async (tx) => {
    await tx.insert(stores).values({ id: storeId, orgId: device.orgId, name: input.name, createdAt: now });
    const settingsRows = await rowsOf<{ entity_id: string; body: string }>(
      tx,
      sql`SELECT entity_id, body FROM records WHERE org_id = ${device.orgId} AND entity = 'setting' AND store_id = ${device.storeId}`,
    );
    const out: Omit<RecordRow, 'seq'>[] = [];
    const stamp = deps.hlc.now();
    for (const s of settingsRows) {
      const rec = parseMutableBody(s.body);
      if (rec.d._deleted === true) continue;
      const value = s.entity_id === 'storeName' ? input.name : rec.d.value;
      out.push(mutable('setting', storeId, s.entity_id, { value, _deleted: false }, stamp));
    }
    if (!settingsRows.some((s) => s.entity_id === 'storeName'))
      out.push(mutable('setting', storeId, 'storeName', { value: input.name, _deleted: false }, stamp));
    const locationId = deps.ids();
    out.push(mutable('stock_location', storeId, locationId, { name: 'Shop floor', is_default: true }, stamp));
    const first = await reserveSeqs(tx, device.orgId, out.length);
    await upsertRecords(
      tx,
      device.orgId,
      null,
      now,
      out.map((r, k) => ({ ...r, seq: first + k })),
    );
  });
  return { id: storeId, name: input.name, devices: [] };
}

function mutable(entity: string, storeId: string, entityId: string, d: Record<string, unknown>, stamp: string): Omit<RecordRow, 'seq'> {
  const c = Object.fromEntries(Object.keys(d).map((k) => [k, stamp]));
  return {
    entity,
    storeId,
    entityId,
    kind: 'mutable',
    body: mutableBody(entity, entityId, { d, c }),
    uniq: null,
    refId: null,
    qty: null,
    amount: null,
    at: null,
  };
}

export async function createEnrolmentCode(
  deps: CloudDeps,
  device: AuthDevice,
  staff: AuthStaff,
  input: { storeId: string; replacesDeviceId?: string | null },
): Promise<EnrolmentCode> {
  const [store] = await deps.db
    .select()
    .from(stores)
    .where(and(eq(stores.id, input.storeId), eq(stores.orgId, device.orgId)));
  if (!store) throw new CloudHttpError(404, 'NOT_FOUND', 'Store not found');
  let replaces: string | null = null;
  if (input.replacesDeviceId) {
    const [old] = await deps.db
      .select()
      .from(devices)
      .where(and(eq(devices.id, input.replacesDeviceId), eq(devices.orgId, device.orgId), isNull(devices.revokedAt)));
    if (!old || old.storeId !== store.id) throw new CloudHttpError(404, 'NOT_FOUND', 'Terminal not found in that store');
    if (old.id === device.id) throw new CloudHttpError(409, 'CONFLICT', 'A terminal cannot replace itself');
    replaces = old.terminalCode;
  }
  const now = deps.clock();
  const code = newEnrolmentCode(deps);
  const expiresAt = now + deps.codeTtlMs;
  await deps.db.insert(enrolmentCodes).values({
    codeHash: sha256(normaliseCode(code)),
    orgId: device.orgId,
    storeId: store.id,
    replacesDeviceId: input.replacesDeviceId ?? null,
    createdBy: staff.id,
    createdAt: now,
    expiresAt,
  });
  return { code, expiresAt, storeId: store.id, replaces };
}

export async function revokeDevice(deps: CloudDeps, device: AuthDevice, deviceId: string): Promise<void> {
  const res = await rowsOf<{ id: string }>(
    deps.db,
    sql`UPDATE devices SET revoked_at = ${deps.clock()} WHERE id = ${deviceId} AND org_id = ${device.orgId} AND revoked_at IS NULL RETURNING id`,
  );
  if (res.length === 0) throw new CloudHttpError(404, 'NOT_FOUND', 'Terminal not found');
}
