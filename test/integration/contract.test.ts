/**
 * Generated from the contract: every channel in `contract` (never a hand list) is checked for
 * (a) malformed input → VALIDATION with the database untouched, and (b) role and session refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract, roleRank, type Channel, type Role } from '../../src/shared/api';
import { makeApp, ok, readyStore } from '../support/app';
import { snapshotDb, type DbSnapshot } from '../support/db-snapshot';
import { acceptsEmptyObject, requiredKeys, sampleOf } from '../support/zod-sample';

type App = ReturnType<typeof makeApp>;

const channels = Object.keys(contract) as Channel[];
const schemaOf = (ch: Channel) => contract[ch].input as z.ZodType;
const roleOf = (ch: Channel): Role => contract[ch].role;

/** Inputs that are wrong whatever the channel; each is first confirmed invalid by the schema itself. */
function malformedInputs(ch: Channel): { label: string; input: unknown }[] {
  const schema = schemaOf(ch);
  const sample = sampleOf(schema, { full: true }) as Record<string, unknown>;
  const out: { label: string; input: unknown }[] = [
    { label: 'a number', input: 42 },
    { label: 'a string', input: 'hello' },
    { label: 'a boolean', input: true },
    { label: 'an array', input: [] },
    { label: 'an array holding a valid input', input: [sample] },
    { label: 'an unknown key alone', input: { __bogus: 1 } },
    { label: 'a valid input plus an unknown key __bogus', input: { ...sample, __bogus: 1 } },
  ];
  if (requiredKeys(schema).length > 0) out.push({ label: '{} (required keys missing)', input: {} });
  for (const key of requiredKeys(schema)) {
    out.push({ label: `${key} of the wrong type`, input: { ...sample, [key]: -1.5 } });
    const { [key]: _dropped, ...rest } = sample;
    out.push({ label: `${key} missing`, input: rest });
  }
  return out;
}

function expectUnchanged(before: DbSnapshot, after: DbSnapshot, except: string[] = []) {
  const strip = (s: DbSnapshot) => ({
    counts: Object.fromEntries(Object.entries(s.counts).filter(([t]) => !except.includes(t))),
    hashes: Object.fromEntries(Object.entries(s.hashes).filter(([t]) => !except.includes(t))),
  });
  expect(strip(after)).toEqual(strip(before));
  if (!except.includes('outbox')) expect(after.maxRowid.outbox).toBe(before.maxRowid.outbox);
  if (!except.includes('audit')) {
    expect(after.maxRowid.audit).toBe(before.maxRowid.audit);
    expect(after.totalChanges).toBe(before.totalChanges);
  }
}

/** A ready store with an admin (s1), a manager (mgr), a clerk (clerk), and a line in the open sale. */
async function world(): Promise<{ app: App; ids: Record<'admin' | 'manager' | 'clerk', string> }> {
  const app = makeApp();
  const { adminId } = await readyStore(app, 's1');
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  await ok(app, 'cart.scan', { code: '5000112637922' }, 'clerk');
  return { app, ids: { admin: adminId, manager: manager.id, clerk: clerk.id } };
}

const PIN_OF = { clerk: '3333', manager: '2222', admin: '1234' } as const;
const SESSION_OF: Record<'clerk' | 'manager' | 'admin', string> = { clerk: 'clerk', manager: 'mgr', admin: 's1' };

describe('the contract', () => {
  it('has channels of every kind to check', () => {
    expect(channels.length).toBeGreaterThan(20);
    expect(channels.some((c) => roleOf(c) === 'clerk')).toBe(true);
    expect(channels.some((c) => roleRank(roleOf(c)) >= roleRank('manager'))).toBe(true);
  });

  it.each(channels)('%s: a generated valid sample passes its own schema', (ch) => {
    expect(schemaOf(ch).safeParse(sampleOf(schemaOf(ch))).success).toBe(true);
    expect(schemaOf(ch).safeParse(sampleOf(schemaOf(ch), { full: true })).success).toBe(true);
  });
});

describe('malformed input is rejected with VALIDATION before touching the database', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  it.each(channels)('%s', async (ch) => {
    const schema = schemaOf(ch);
    const cases = malformedInputs(ch);
    // null / undefined are read as {}: they must be rejected exactly when {} is.
    if (!acceptsEmptyObject(schema)) cases.push({ label: 'null', input: null }, { label: 'undefined', input: undefined });
    const before = snapshotDb(w.app.deps.sqlite);
    for (const { label, input } of cases) {
      if (input !== null && input !== undefined)
        expect(schema.safeParse(input).success, `${label} should be invalid for ${ch}`).toBe(false);
      // The admin may call everything, so only validation can stop these.
      const res = await w.app.router.call(ch, input, 's1');
      expect(res.ok, `${ch} accepted ${label}`).toBe(false);
      if (!res.ok) {
        expect(res.error.code, `${ch} with ${label}`).toBe('VALIDATION');
        expect(Array.isArray(res.error.details), `${ch} with ${label}: details list the issues`).toBe(true);
        // Each issue carries zod's code, so the renderer can word it in the UI's language.
        for (const issue of res.error.details as { code?: unknown }[]) expect(typeof issue.code, `${ch} with ${label}`).toBe('string');
      }
      // Validation comes before the session check.
      const anon = await w.app.router.call(ch, input, 'never-signed-in');
      expect(anon.ok ? 'ok' : anon.error.code, `${ch} with ${label}, not signed in`).toBe('VALIDATION');
    }
    expectUnchanged(before, snapshotDb(w.app.deps.sqlite));
  });

  it('an unknown channel is refused without touching the database', async () => {
    const before = snapshotDb(w.app.deps.sqlite);
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'cart.scan ', '']) {
      const res = await w.app.router.call(name, {}, 's1');
      expect(res.ok ? 'ok' : res.error.code, name).toBe('VALIDATION');
    }
    expectUnchanged(before, snapshotDb(w.app.deps.sqlite));
  });
});

describe('a role below the least role is refused (valid inputs, so the role check is reached)', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  const privileged = channels.filter((c) => roleRank(roleOf(c)) >= roleRank('manager'));
  const refusals = privileged.flatMap((ch) =>
    (['clerk', 'manager'] as const).filter((r) => roleRank(r) < roleRank(roleOf(ch))).map((r) => [ch, r] as const),
  );

  it.each(refusals)('%s: a signed-in %s gets FORBIDDEN, audited as "forbidden"', async (ch, role) => {
    const input = sampleOf(schemaOf(ch), { full: true });
    const before = snapshotDb(w.app.deps.sqlite);
    const res = await w.app.router.call(ch, input, SESSION_OF[role]);
    expect(res.ok ? 'ok' : res.error.code).toBe('FORBIDDEN');
    if (!res.ok) expect(res.error.details).toMatchObject({ needs: roleOf(ch) });
    const after = snapshotDb(w.app.deps.sqlite);
    // Nothing but the audit record was written.
    expectUnchanged(before, after, ['audit']);
    expect(after.counts.audit).toBe(before.counts.audit! + 1);
    const row = w.app.deps.sqlite
      .prepare('SELECT staff_id AS staffId, action, target, success FROM audit ORDER BY rowid DESC LIMIT 1')
      .get() as { staffId: string; action: string; target: string; success: number };
    expect(row).toEqual({ staffId: w.ids[role], action: 'forbidden', target: ch, success: 0 });
  });

  const needsSignIn = channels.filter((c) => roleOf(c) !== 'public');
  it.each(needsSignIn)('%s: a session that never signed in gets UNAUTHENTICATED', async (ch) => {
    const before = snapshotDb(w.app.deps.sqlite);
    for (const input of [sampleOf(schemaOf(ch)), sampleOf(schemaOf(ch), { full: true })]) {
      const res = await w.app.router.call(ch, input, `anon-${ch}`);
      expect(res.ok ? 'ok' : res.error.code).toBe('UNAUTHENTICATED');
    }
    expectUnchanged(before, snapshotDb(w.app.deps.sqlite));
  });

  it.each(needsSignIn)('%s: a signed-out session gets UNAUTHENTICATED', async (ch) => {
    const app = w.app;
    const session = `out-${ch}`;
    await ok(app, 'staff.signIn', { staffId: w.ids.admin, pin: '1234' }, session);
    await ok(app, 'staff.signOut', {}, session);
    const res = await app.router.call(ch, sampleOf(schemaOf(ch)), session);
    expect(res.ok ? 'ok' : res.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('the least role itself is let through', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  const gated = channels.filter((c) => roleOf(c) !== 'public');
  it.each(gated)('%s: its least role is neither refused nor asked to sign in', async (ch) => {
    const role = roleOf(ch) as 'clerk' | 'manager' | 'admin';
    const session = `least-${ch}`;
    await ok(w.app, 'staff.signIn', { staffId: w.ids[role], pin: PIN_OF[role] }, session);
    const res = await w.app.router.call(ch, sampleOf(schemaOf(ch)), session);
    if (!res.ok) expect(['FORBIDDEN', 'UNAUTHENTICATED', 'SESSION_LOCKED', 'INTERNAL']).not.toContain(res.error.code);
  });
});
