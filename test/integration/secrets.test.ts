/**
 * Secrets stay secret: PIN hashes are checked only at the configured scrypt cost and never on the
 * main thread; a failed PIN is counted before it is checked (so concurrent guesses cannot outrun
 * the lock, on the till or in the cloud); the device token lives in the secret store, never in the
 * database file, a backup or an export; an export carries no PIN hash; a database without its
 * token (a backup from another machine) needs to join the cloud again and does not crash.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeCrypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPin, verifyPin, type PinParams } from '../../src/main/staff/pin';
import { SECRETS_FILE } from '../../src/main/secrets/secrets';
import { DB_FILE } from '../../src/main/app';
import { sha256 } from '../../src/cloud/deps';
import { rowsOf, sql } from '../../src/cloud/db/open';
import { mutableBody, reserveSeqs, upsertRecords } from '../../src/cloud/records';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { ADMIN_PIN, fail, makeApp, ok, readyStore, TEST_PIN_PARAMS } from '../support/app';
import { fetchVia, startTestCloud, TEST_SIGNUP_SECRET, type TestCloud } from '../support/cloud';
import { firstTerminal, terminal } from '../support/sync';

// Counts the scrypt computations (the PIN checks actually judged, sync or async) while still computing them.
const scryptCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const scrypt = ((...args: Parameters<typeof real.scrypt>) => {
    scryptCalls.n += 1;
    return (real.scrypt as (...a: unknown[]) => void)(...args);
  }) as typeof real.scrypt;
  const scryptSync = ((...args: Parameters<typeof real.scryptSync>) => {
    scryptCalls.n += 1;
    return real.scryptSync(...args);
  }) as typeof real.scryptSync;
  return { ...real, default: { ...real, scrypt, scryptSync }, scrypt, scryptSync };
});

const tmpDirs: string[] = [];
const open: { close(): void }[] = [];
const clouds: TestCloud[] = [];
function tmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-secrets-'));
  tmpDirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const a of open.splice(0)) a.close();
  for (const c of clouds.splice(0)) await c.close();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const track = <T extends { close(): void }>(a: T) => (open.push(a), a);

/** A hash in the stored format with any parameters, of a real PIN (so only the parameters are wrong). */
function hashWith(pin: string, p: PinParams): string {
  const salt = nodeCrypto.randomBytes(16);
  const key = nodeCrypto.scryptSync(pin, salt, 32, { ...p, maxmem: 256 * p.N * p.r + 2 ** 20 });
  return `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function bytesOf(path: string): Buffer {
  return readFileSync(path);
}
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('PIN hashes at a fixed cost', () => {
  it('refuses, without computing it, a hash whose parameters are not the configured ones', async () => {
    const hostile = hashWith('2468', { N: 1024, r: 8, p: 150 });
    const before = scryptCalls.n;
    const started = performance.now();
    expect(await verifyPin('2468', hostile, TEST_PIN_PARAMS)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    expect(scryptCalls.n).toBe(before);
    // Any other difference is refused too; the configured parameters verify.
    for (const p of [
      { N: 2048, r: 8, p: 1 },
      { N: 1024, r: 16, p: 1 },
      { N: 1024, r: 8, p: 2 },
    ])
      expect(await verifyPin('2468', hashWith('2468', p), TEST_PIN_PARAMS)).toBe(false);
    expect(await verifyPin('2468', hashWith('2468', TEST_PIN_PARAMS), TEST_PIN_PARAMS)).toBe(true);
    expect(await verifyPin('2468', await hashPin('2468', TEST_PIN_PARAMS), TEST_PIN_PARAMS)).toBe(true);
  });

  it('a synced staff record with a hostile hash cannot sign in on the till, and is answered at once', async () => {
    const app = track(makeApp());
    await readyStore(app, 'admin');
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2468' }, 'admin');
    app.deps.sqlite.prepare('UPDATE staff SET pin_hash = ? WHERE id = ?').run(hashWith('2468', { N: 1024, r: 8, p: 150 }), mgr.id);
    const before = scryptCalls.n;
    const err = await fail(app, 'staff.signIn', { staffId: mgr.id, pin: '2468' }, 'till');
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(scryptCalls.n).toBe(before);
  });
});

describe('PIN checks never block the main thread', () => {
  const HEAVIER = { N: 2 ** 14, r: 8, p: 1 };

  async function approvalCounter() {
    const app = track(makeApp());
    Object.assign(app.deps, { pinParams: HEAVIER });
    const { cola, adminId } = await readyStore(app, 'admin');
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2468' }, 'admin');
    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 'admin');
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    const cart = await ok(app, 'cart.addProduct', { productId: cola.id, qty: 1000 }, 'till');
    return { app, adminId, mgr, clerk, lineId: cart.lines[0]!.id };
  }

  /** The call answers a pending promise, and the event loop turns (setImmediate) before it settles. */
  async function loopTurnsDuring(run: () => Promise<unknown>): Promise<void> {
    const order: string[] = [];
    setImmediate(() => order.push('loop'));
    const pending = run().then(() => order.push('settled'));
    order.push('returned');
    await pending;
    expect(order).toEqual(['returned', 'loop', 'settled']);
  }

  it('a manager approval on the spot', async () => {
    const c = await approvalCounter();
    await loopTurnsDuring(() =>
      c.app.router.call(
        'cart.setLineDiscount',
        { lineId: c.lineId, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.mgr.id, pin: '2468' } },
        'till',
      ),
    );
    expect((await ok(c.app, 'cart.get', {}, 'till')).priced.discountTotal).toBeGreaterThan(0);
    // A wrong PIN too.
    await loopTurnsDuring(() =>
      c.app.router.call(
        'cart.setCartDiscount',
        { discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.mgr.id, pin: '0000' } },
        'till',
      ),
    );
  });

  it('signing in', async () => {
    const c = await approvalCounter();
    await loopTurnsDuring(() => c.app.router.call('staff.signIn', { staffId: c.mgr.id, pin: '2468' }, 'other'));
    await loopTurnsDuring(() => c.app.router.call('staff.signIn', { staffId: c.mgr.id, pin: '1111' }, 'other'));
  });
});

describe('lockouts hold under concurrency', () => {
  it('30 wrong PINs at once on the till: at most 5 are judged, then the account is locked', async () => {
    const app = track(makeApp());
    await readyStore(app, 'admin');
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2468' }, 'admin');
    const before = scryptCalls.n;
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, k) => app.router.call('staff.signIn', { staffId: mgr.id, pin: '9999' }, `s${k}`)),
    );
    expect(scryptCalls.n - before).toBeLessThanOrEqual(5);
    expect(answers.every((a) => !a.ok)).toBe(true);
    const failed = app.deps.sqlite
      .prepare("SELECT COUNT(*) FROM audit WHERE action = 'signIn.failed' AND target = ?")
      .pluck()
      .get(mgr.id) as number;
    expect(failed).toBe(5);
    expect((await fail(app, 'staff.signIn', { staffId: mgr.id, pin: '2468' }, 'late')).code).toBe('LOCKED');
  });

  // Approvals used to be checked one at a time inside the write transaction; now that the hash runs
  // on the thread pool before it, this keeps them under the lock too.
  it('30 wrong approval PINs at once: at most 5 judged, the manager is locked', async () => {
    const app = track(makeApp());
    const { cola } = await readyStore(app, 'admin');
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2468' }, 'admin');
    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 'admin');
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
    const cart = await ok(app, 'cart.addProduct', { productId: cola.id, qty: 1000 }, 'till');
    const before = scryptCalls.n;
    await Promise.all(
      Array.from({ length: 30 }, () =>
        app.router.call(
          'cart.overridePrice',
          { lineId: cart.lines[0]!.id, unitPrice: 1, approval: { staffId: mgr.id, pin: '9999' } },
          'till',
        ),
      ),
    );
    expect(scryptCalls.n - before).toBeLessThanOrEqual(5);
    expect((await fail(app, 'staff.signIn', { staffId: mgr.id, pin: '2468' }, 'late')).code).toBe('LOCKED');
  });

  it('30 wrong PINs at once through the cloud’s HTTP: at most 5 judged, then locked', async () => {
    const cloud = await startTestCloud();
    clouds.push(cloud);
    const call = (path: string, body: unknown, token?: string) =>
      fetchVia(cloud.app, cloud.url, { method: 'POST', path, body, token: token ?? null });
    const org = (
      await call('/v1/orgs', {
        orgName: 'Org',
        storeName: 'Shop',
        terminalName: 'Till',
        terminalCode: 'T1',
        signupSecret: TEST_SIGNUP_SECRET,
      })
    ).body as {
      token: string;
      org: { id: string };
    };
    const staffId = uuidv7(Date.now());
    await seedStaff(cloud, org.org.id, staffId, await hashPin('2468', TEST_PIN_PARAMS));
    const before = scryptCalls.n;
    const answers = await Promise.all(Array.from({ length: 30 }, () => call('/v1/staff-sessions', { staffId, pin: '9999' }, org.token)));
    expect(scryptCalls.n - before).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 423)).toHaveLength(26);
    const right = await call('/v1/staff-sessions', { staffId, pin: '2468' }, org.token);
    expect(right.status).toBe(423);
  });

  it('the cloud refuses a synced hash with other parameters without computing it', async () => {
    const cloud = await startTestCloud();
    clouds.push(cloud);
    const call = (path: string, body: unknown, token?: string) =>
      fetchVia(cloud.app, cloud.url, { method: 'POST', path, body, token: token ?? null });
    const org = (
      await call('/v1/orgs', {
        orgName: 'Org',
        storeName: 'Shop',
        terminalName: 'Till',
        terminalCode: 'T1',
        signupSecret: TEST_SIGNUP_SECRET,
      })
    ).body as {
      token: string;
      org: { id: string };
    };
    const staffId = uuidv7(Date.now());
    await seedStaff(cloud, org.org.id, staffId, hashWith('2468', { N: 1024, r: 8, p: 150 }));
    const before = scryptCalls.n;
    const res = await call('/v1/staff-sessions', { staffId, pin: '2468' }, org.token);
    expect(res.status).toBe(401);
    expect(scryptCalls.n).toBe(before);
  });
});

/** A manager's record as the cloud holds it (written directly: how it got there is not the point). */
async function seedStaff(cloud: TestCloud, orgId: string, staffId: string, pinHash: string): Promise<void> {
  const d = { name: 'Mona', role: 'manager', pin_hash: pinHash, active: true };
  const stamp = formatHlc(cloud.deps.clock(), 0, 'T1');
  const c = Object.fromEntries(Object.keys(d).map((k) => [k, stamp]));
  const seq = await reserveSeqs(cloud.deps.db, orgId, 1);
  await upsertRecords(cloud.deps.db, orgId, null, cloud.deps.clock(), [
    {
      entity: 'staff',
      storeId: '',
      entityId: staffId,
      kind: 'mutable',
      body: mutableBody('staff', staffId, { d, c }),
      uniq: null,
      refId: null,
      qty: null,
      amount: null,
      at: null,
      seq,
    },
  ]);
}

describe('the device token stays out of the database file', () => {
  async function linkedTill(dataDir: string) {
    const cloud = await startTestCloud();
    clouds.push(cloud);
    const tokens = new Set<string>();
    cloud.transport.hook = (req) => void (req.token && tokens.add(req.token));
    const t = terminal(cloud.transport, { dataDir });
    const store = await firstTerminal(t, cloud.url);
    await ok(t, 'sync.now', {}, 's1');
    expect(tokens.size).toBe(1);
    const [token] = [...tokens] as [string];
    return { cloud, t, token, store };
  }

  it('is kept in a user-only secrets file; the database, a backup and an export hold no token, the export no PIN hash', async () => {
    const dir = tmpDir();
    const { t, token, cloud } = await linkedTill(dir);
    const secretsFile = join(dir, SECRETS_FILE);
    expect(readFileSync(secretsFile, 'utf8')).toContain(token);
    if (process.platform !== 'win32') expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    // The cloud holds only its hash, and accepts it: it is the real credential.
    const held = await rowsOf(cloud.store.db, sql`SELECT 1 FROM devices WHERE token_hash = ${sha256(token)}`);
    expect(held).toHaveLength(1);

    const backup = await ok(t, 'backup.create', {}, 's1');
    const exported = await ok(t, 'data.export', {}, 's1');
    const hashes = t.deps.sqlite.prepare('SELECT pin_hash FROM staff').pluck().all() as string[];
    expect(hashes.length).toBeGreaterThan(0);
    t.close();
    open.splice(0);

    const needle = Buffer.from(token);
    for (const f of [join(dir, DB_FILE), join(dir, 'backups', backup.name), ...filesUnder(exported.folder)])
      expect(bytesOf(f).includes(needle), f).toBe(false);
    for (const f of filesUnder(exported.folder))
      for (const h of hashes) {
        expect(bytesOf(f).includes(Buffer.from(h)), f).toBe(false);
        // Nor its salt or key alone.
        expect(bytesOf(f).includes(Buffer.from(h.split('$')[5]!)), f).toBe(false);
      }
    // A backup keeps PIN hashes: staff sign in after a restore.
    const kept = new Database(join(dir, 'backups', backup.name), { readonly: true });
    expect(kept.prepare('SELECT pin_hash FROM staff').pluck().all()).toEqual(expect.arrayContaining(hashes));
    kept.close();

    // Reopened, the till still speaks to the cloud with the token from the secrets file.
    const again = track(terminal(cloud.transport, { dataDir: dir }));
    const status = await again.sync.engine.syncNow();
    expect(status.enrolled).toBe(true);
    expect(status.lastError).toBeNull();
  });

  it('a token left in the database (and its backups) by an older version moves out on open', async () => {
    const dir = tmpDir();
    const { t, token, cloud } = await linkedTill(dir);
    const backup = await ok(t, 'backup.create', {}, 's1');
    t.close();
    open.splice(0);
    // What an older version wrote: the token inside the link row, in the database and its backups; no secrets file.
    const withToken = (file: string) => {
      const db = new Database(file);
      const raw = db.prepare("SELECT value FROM sync_state WHERE key = 'cloud'").pluck().get() as string;
      db.prepare("UPDATE sync_state SET value = ? WHERE key = 'cloud'").run(JSON.stringify({ ...JSON.parse(raw), token }));
      db.close();
    };
    const backupFile = join(dir, 'backups', backup.name);
    withToken(join(dir, DB_FILE));
    withToken(backupFile);
    rmSync(join(dir, SECRETS_FILE));
    expect(bytesOf(join(dir, DB_FILE)).includes(Buffer.from(token))).toBe(true);
    expect(bytesOf(backupFile).includes(Buffer.from(token))).toBe(true);

    const again = track(terminal(cloud.transport, { dataDir: dir }));
    expect(readFileSync(join(dir, SECRETS_FILE), 'utf8')).toContain(token);
    expect(bytesOf(backupFile).includes(Buffer.from(token))).toBe(false);
    const status = await again.sync.engine.syncNow();
    expect(status.lastError).toBeNull();
    again.close();
    open.splice(0);
    expect(bytesOf(join(dir, DB_FILE)).includes(Buffer.from(token))).toBe(false);
    // The backup is still whole.
    const kept = new Database(backupFile, { readonly: true });
    expect(kept.pragma('quick_check', { simple: true })).toBe('ok');
    expect(kept.prepare("SELECT value FROM sync_state WHERE key = 'cloud'").pluck().get()).toBeTruthy();
    kept.close();
  });

  it('the database opened without its secrets file (a backup on another machine) must join again, and does not crash', async () => {
    const dir = tmpDir();
    const { t, cloud, store } = await linkedTill(dir);
    const backup = await ok(t, 'backup.create', {}, 's1');
    t.close();
    open.splice(0);
    // Another machine: only the backup file.
    const other = tmpDir();
    copyFileSync(join(dir, 'backups', backup.name), join(other, DB_FILE));
    expect(existsSync(join(other, SECRETS_FILE))).toBe(false);
    const calls = cloud.transport.calls;
    const moved = track(terminal(cloud.transport, { dataDir: other }));
    const status = await moved.sync.engine.syncNow();
    expect(status).toMatchObject({ enrolled: true, online: false, lastError: { code: 'REJOIN' } });
    expect(cloud.transport.calls).toBe(calls);
    // Staff still sign in; cloud actions say the terminal must join again.
    await ok(moved, 'staff.signIn', { staffId: store.adminId, pin: ADMIN_PIN }, 's2');
    const err = await fail(moved, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's2');
    expect(err.details).toMatchObject({ messageKey: 'sync.err.rejoin' });
  });

  it('restoring an old backup that still holds a token does not adopt it', async () => {
    const dir = tmpDir();
    const { t, token, cloud, store } = await linkedTill(dir);
    const backup = await ok(t, 'backup.create', {}, 's1');
    t.close();
    open.splice(0);
    // An old-format backup, made on another terminal (another device id) that kept its token in the file.
    const file = join(dir, 'backups', backup.name);
    const db = new Database(file);
    const link = JSON.parse(db.prepare("SELECT value FROM sync_state WHERE key = 'cloud'").pluck().get() as string) as Record<
      string,
      unknown
    >;
    db.prepare("UPDATE sync_state SET value = ? WHERE key = 'cloud'").run(JSON.stringify({ ...link, deviceId: uuidv7(Date.now()), token }));
    db.close();
    const again = track(terminal(cloud.transport, { dataDir: dir }));
    await ok(again, 'staff.signIn', { staffId: store.adminId, pin: ADMIN_PIN }, 's1');
    await ok(again, 'backup.restore', { name: backup.name }, 's1');
    const status = await again.sync.engine.syncNow();
    expect(status.lastError?.code).toBe('REJOIN');
    expect(readFileSync(join(dir, SECRETS_FILE), 'utf8').match(new RegExp(token, 'g'))).toHaveLength(1);
  });
});
