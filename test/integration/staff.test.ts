import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { ADMIN_PIN, fail, makeApp, ok, readyStore, setupStore, testClock } from '../support/app';

const MIN = 60_000;
const LOCK_MS = 30 * MIN;

const tmpDirs: string[] = [];
const openApps: { close(): void }[] = [];
function tmpDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-staff-'));
  tmpDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const a of openApps.splice(0)) a.close();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type App = ReturnType<typeof makeApp>;
const track = <T extends { close(): void }>(a: T) => (openApps.push(a), a);

function failedSignIns(app: App, staffId: string): number {
  return (
    app.deps.sqlite
      .prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'signIn.failed' AND target = ? AND success = 0")
      .get(staffId) as {
      n: number;
    }
  ).n;
}

/** A store with an admin and a clerk "Carl" (PIN 3333). */
async function storeWithClerk(app: App) {
  await readyStore(app, 'admin');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 'admin');
  return clerk;
}

describe('signing in', () => {
  it('the right PIN signs in; session.me reports who is signed in', async () => {
    const app = track(makeApp());
    const { adminId } = await setupStore(app);
    expect((await ok(app, 'session.me', {})).staff).toBeNull();
    const me = await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect(me.staff).toEqual({ id: adminId, name: 'Alice', role: 'admin' });
    expect((await ok(app, 'session.me', {})).staff).toEqual({ id: adminId, name: 'Alice', role: 'admin' });
    expect(await ok(app, 'settings.get', {})).toMatchObject({ storeName: 'Corner Shop' });
    // The staff list on the sign-in screen never exposes PIN hashes.
    const list = await ok(app, 'staff.list', {});
    expect(JSON.stringify(list)).not.toContain('scrypt');
  });

  it('a wrong PIN is refused, says how many tries are left, and is audited', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    const err = await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '0000' }, 'till');
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.details).toEqual({ attemptsLeft: 4 });
    expect((await ok(app, 'session.me', {}, 'till')).staff).toBeNull();
    expect(failedSignIns(app, clerk.id)).toBe(1);
    const row = app.deps.sqlite.prepare("SELECT terminal_code AS t, at FROM audit WHERE action = 'signIn.failed'").get() as {
      t: string;
      at: number;
    };
    expect(row).toEqual({ t: 'T1', at: app.clock.now });
  });

  it('an unknown staff member is refused without revealing anything', async () => {
    const app = track(makeApp());
    await setupStore(app);
    const err = await fail(app, 'staff.signIn', { staffId: '01900000-0000-7000-8000-000000000009', pin: '1234' });
    expect(err.code).toBe('NOT_FOUND');
  });

  it('5 wrong PINs lock the account for 30 minutes; even the right PIN is refused meanwhile', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    for (let i = 1; i <= 4; i++) {
      const err = await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
      expect(err).toMatchObject({ code: 'UNAUTHENTICATED', details: { attemptsLeft: 5 - i } });
      app.clock.advance(1000);
    }
    const lockedAt = app.clock.now;
    const fifth = await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
    expect(fifth.code).toBe('LOCKED');
    expect(fifth.details).toEqual({ lockedUntil: lockedAt + LOCK_MS });

    app.clock.advance(10 * MIN);
    const right = await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    expect(right).toMatchObject({ code: 'LOCKED', details: { lockedUntil: lockedAt + LOCK_MS } });
    expect((await ok(app, 'session.me', {}, 'till')).staff).toBeNull();
    // The sign-in screen shows the lock.
    const listed = (await ok(app, 'staff.list', {})).find((s) => s.id === clerk.id)!;
    expect(listed.lockedUntil).toBe(lockedAt + LOCK_MS);
    expect(failedSignIns(app, clerk.id)).toBe(5);

    // One second before the end it is still locked; at 30 minutes it lifts.
    app.clock.now = lockedAt + LOCK_MS - 1000;
    expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till')).code).toBe('LOCKED');
    app.clock.now = lockedAt + LOCK_MS;
    const me = await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    expect(me.staff?.id).toBe(clerk.id);
    expect((await ok(app, 'staff.list', {})).find((s) => s.id === clerk.id)!.lockedUntil).toBeNull();
  });

  it('the count starts again after a right PIN and after a lock has expired', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    for (let i = 0; i < 4; i++) await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    for (let i = 0; i < 4; i++)
      expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till')).code).toBe('UNAUTHENTICATED');
    expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till')).code).toBe('LOCKED');
    app.clock.advance(LOCK_MS);
    // After the lock a single wrong PIN does not lock again.
    expect(await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till')).toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { attemptsLeft: 4 },
    });
  });

  it('wrong PINs fired all at once cannot get past the lock', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => app.router.call('staff.signIn', { staffId: clerk.id, pin: String(5000 + i) }, `t${i}`)),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results.filter((r) => !r.ok && r.error.code === 'UNAUTHENTICATED')).toHaveLength(4);
    expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till')).code).toBe('LOCKED');
  });

  it('attempts refused while the account is locked are audited too', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    for (let i = 0; i < 5; i++) await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
    expect(failedSignIns(app, clerk.id)).toBe(5);
    // Someone keeps guessing while the account is locked: the manager must be able to see it.
    for (let i = 0; i < 3; i++) expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '1111' }, 'till')).code).toBe('LOCKED');
    const audited = app.deps.sqlite
      .prepare("SELECT COUNT(*) AS n FROM audit WHERE target = ? AND success = 0 AND action LIKE 'signIn%'")
      .get(clerk.id) as { n: number };
    expect(audited.n).toBe(8);
  });

  it('the lock survives a restart (on-disk store)', async () => {
    const dataDir = tmpDataDir();
    const clock = testClock();
    let app = makeApp({ dataDir, clock });
    const clerk = await storeWithClerk(app);
    for (let i = 0; i < 5; i++) await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
    const lockedUntil = clock.now + LOCK_MS;
    app.close();

    clock.advance(5 * MIN);
    app = track(makeApp({ dataDir, clock }));
    const err = await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    expect(err).toMatchObject({ code: 'LOCKED', details: { lockedUntil } });
    expect(failedSignIns(app, clerk.id)).toBe(5);
    app.close();

    // Lifts after 30 minutes, also across another restart.
    clock.now = lockedUntil;
    app = track(makeApp({ dataDir, clock }));
    expect((await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till')).staff?.id).toBe(clerk.id);
  });

  it('a restart signs everyone out (sessions live in memory) but keeps the store', async () => {
    const dataDir = tmpDataDir();
    const clock = testClock();
    let app = makeApp({ dataDir, clock });
    const { adminId } = await setupStore(app);
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    app.close();
    app = track(makeApp({ dataDir, clock }));
    expect((await ok(app, 'session.me', {})).staff).toBeNull();
    expect((await fail(app, 'cart.get', {})).code).toBe('UNAUTHENTICATED');
    expect((await ok(app, 'app.status', {})).setupDone).toBe(true);
  });
});

describe('changes to a staff member', () => {
  it('an admin can lift a lock at once', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    for (let i = 0; i < 5; i++) await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'till');
    const unlocked = await ok(app, 'staff.update', { staffId: clerk.id, unlock: true }, 'admin');
    expect(unlocked.lockedUntil).toBeNull();
    expect((await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till')).staff?.id).toBe(clerk.id);
    expect(app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'staff.unlock'").get()).toEqual({ n: 1 });
  });

  it('a deactivated staff member cannot sign in and is not listed', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    await ok(app, 'staff.update', { staffId: clerk.id, active: false }, 'admin');
    expect((await ok(app, 'staff.list', {})).map((s) => s.id)).not.toContain(clerk.id);
    expect((await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till')).code).toBe('NOT_FOUND');
  });

  it('deactivating someone who is signed in ends their session at once', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    await ok(app, 'cart.get', {}, 'till');
    // The clerk is let go; the manager deactivates the account from the back office.
    await ok(app, 'staff.update', { staffId: clerk.id, active: false }, 'admin');
    const res = await app.router.call('cart.scan', { code: '5000112637922' }, 'till');
    expect(res.ok ? 'ok' : res.error.code).toBe('UNAUTHENTICATED');
  });

  it('demoting a signed-in manager takes effect at once', async () => {
    const app = track(makeApp());
    await readyStore(app, 'admin');
    const mona = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 'admin');
    await ok(app, 'staff.signIn', { staffId: mona.id, pin: '2222' }, 'mgr');
    await ok(app, 'staff.update', { staffId: mona.id, role: 'clerk' }, 'admin');
    const res = await app.router.call(
      'catalog.create',
      { sku: 'NEW', name: 'New thing', unit: 'each', price: 100, cost: 50, barcodes: [] },
      'mgr',
    );
    expect(res.ok ? 'ok' : res.error.code).toBe('FORBIDDEN');
  });

  it('the last active admin cannot be demoted or deactivated', async () => {
    const app = track(makeApp());
    const { adminId } = await readyStore(app, 'admin');
    expect((await fail(app, 'staff.update', { staffId: adminId, role: 'clerk' }, 'admin')).code).toBe('CONFLICT');
    expect((await fail(app, 'staff.update', { staffId: adminId, active: false }, 'admin')).code).toBe('CONFLICT');
  });
});

describe('idle lock and sign out', () => {
  it('after idleLockMinutes without activity a clerk channel answers SESSION_LOCKED and the session must sign in again', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    const me = await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    const idleMs = (await ok(app, 'settings.get', {}, 'admin')).idleLockMinutes * MIN;
    expect(me.idleLockMs).toBe(idleMs);

    // Activity keeps the session alive.
    app.clock.advance(idleMs - 1000);
    await ok(app, 'cart.get', {}, 'till');
    app.clock.advance(idleMs - 1000);
    await ok(app, 'cart.get', {}, 'till');

    const events: { event: string; payload: unknown }[] = [];
    app.router.subscribe('till', (event, payload) => events.push({ event, payload }));
    app.clock.advance(idleMs + 1);
    expect((await fail(app, 'cart.get', {}, 'till')).code).toBe('SESSION_LOCKED');
    expect(events).toContainEqual({ event: 'session.expired', payload: { reason: 'idle' } });
    // Still locked on the next call: not just one refusal.
    expect(['UNAUTHENTICATED', 'SESSION_LOCKED']).toContain((await fail(app, 'cart.scan', { code: '5000112637922' }, 'till')).code);
    expect((await ok(app, 'session.me', {}, 'till')).staff).toBeNull();

    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    await ok(app, 'cart.scan', { code: '5000112637922' }, 'till');
  });

  it('after the idle time, asking who is signed in already says nobody (the sign-in screen shows at once)', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    const idleMs = (await ok(app, 'settings.get', {}, 'till')).idleLockMinutes * MIN;
    app.clock.advance(idleMs + 1);
    // E.g. the renderer reloads after lunch: it must not show the checkout as Carl's.
    expect((await ok(app, 'session.me', {}, 'till')).staff).toBeNull();
  });

  it('the idle time follows the setting', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    await ok(app, 'settings.update', { idleLockMinutes: 1 }, 'admin');
    const me = await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    expect(me.idleLockMs).toBe(MIN);
    app.clock.advance(MIN + 1);
    expect((await fail(app, 'cart.get', {}, 'till')).code).toBe('SESSION_LOCKED');
  });

  it('sign out ends the session: clerk channels answer UNAUTHENTICATED, other sessions are untouched', async () => {
    const app = track(makeApp());
    const clerk = await storeWithClerk(app);
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    await ok(app, 'cart.scan', { code: '5000112637922' }, 'till');
    const out = await ok(app, 'staff.signOut', {}, 'till');
    expect(out.staff).toBeNull();
    expect((await ok(app, 'session.me', {}, 'till')).staff).toBeNull();
    expect((await fail(app, 'cart.get', {}, 'till')).code).toBe('UNAUTHENTICATED');
    // The open sale stays for the next clerk (the cart is stored by main, not the session).
    expect((await ok(app, 'cart.get', {}, 'admin')).lines).toHaveLength(1);
  });
});

describe('PIN hashing', () => {
  it('by default PINs are hashed with scrypt at OWASP strength (N=2^17, r=8, p=1), never stored plain', async () => {
    const app = createApp({ dataDir: null, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR, clock: testClock() });
    track(app);
    await setupStore(app); // one slow hash
    const row = app.deps.sqlite.prepare("SELECT pin_hash AS h FROM staff WHERE name = 'Alice'").get() as { h: string };
    expect(row.h.startsWith('scrypt$131072$8$1$')).toBe(true);
    const [, , , , salt, key] = row.h.split('$');
    expect(Buffer.from(salt!, 'base64').length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(key!, 'base64').length).toBe(32);
    expect(row.h).not.toContain(ADMIN_PIN);
    // The PIN never leaves main in the outbox either (it syncs to the cloud).
    const outbox = app.deps.sqlite.prepare("SELECT payload FROM outbox WHERE entity = 'staff'").all() as { payload: string }[];
    expect(outbox.length).toBeGreaterThan(0);
    for (const o of outbox) expect(o.payload).not.toMatch(/scrypt|pinHash|pin_hash/);
  }, 60_000);

  it('two staff with the same PIN get different hashes (salted)', async () => {
    const app = track(makeApp());
    await readyStore(app, 'admin');
    await ok(app, 'staff.create', { name: 'Bob', role: 'clerk', pin: ADMIN_PIN }, 'admin');
    const rows = app.deps.sqlite.prepare('SELECT pin_hash AS h FROM staff').all() as { h: string }[];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.h).not.toBe(rows[1]!.h);
  });
});
