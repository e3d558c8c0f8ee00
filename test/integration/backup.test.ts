import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { backupFileName, listBackups, parseBackupName, pruneBackups } from '../../src/main/backup/files';
import { csvCell } from '../../src/shared/csv';
import { checkBackupSchema } from '../../src/main/backup/schema-check';
import { MIGRATIONS_DIR } from '../../src/main/host/paths';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fail, makeApp, ok, readyStore, testClock, ADMIN_PIN } from '../support/app';

type App = ReturnType<typeof makeApp>;
const dirs: string[] = [];
const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ct-backup-'));
  dirs.push(d);
  return d;
}

function open(dataDir: string, clock = testClock()): App {
  const app = makeApp({ dataDir, clock });
  apps.push(app);
  return app;
}

async function sell(app: App, codes: string[], session = 's1') {
  let cart = await ok(app, 'cart.get', {}, session);
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, session);
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 100_000 }] }, session);
}

const COLA = '5000112637922';
const BREAD = '4006381333931';
const orderNumbers = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT number FROM orders ORDER BY number').all() as { number: string }[]).map((r) => r.number);
  } finally {
    db.close();
  }
};

describe('backup file names and retention', () => {
  it('names sort by time and parse back; anything else is not a backup', () => {
    const at = Date.UTC(2026, 10, 22, 9, 5, 7, 123);
    const name = backupFileName(at, 'manual');
    expect(name).toBe('countertop-2026-11-22T09-05-07-123Z-manual.db');
    expect(parseBackupName(name)).toEqual({ createdAt: at, reason: 'manual' });
    expect(parseBackupName(backupFileName(at, 'before-restore', 2))).toEqual({ createdAt: at, reason: 'before-restore' });
    for (const bad of ['countertop.db', '../countertop-2026-11-22T09-05-07-123Z-manual.db', name + '.partial', 'x' + name])
      expect(parseBackupName(bad), bad).toBeNull();
  });

  it('keeps everything of the last day, one a day up to the retention, and always the newest', () => {
    const dir = tempDir();
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const h = 3_600_000;
    const ages = [1, 5, 20, 30, 33, 50, 24 * 10, 24 * 10 + 2, 24 * 40, 24 * 41];
    for (const a of ages) writeFileSync(join(dir, backupFileName(now - a * h, 'scheduled')), 'x');
    writeFileSync(join(dir, backupFileName(now - 2 * h, 'manual') + '.partial'), 'half');
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const deleted = pruneBackups(dir, now, 30);
    const left = listBackups(dir).map((b) => Math.round((now - b.createdAt) / h));
    // last 24 h: 1, 5, 20 (Nov 21 16:00); then one a day: 30 and 33 are also Nov 21 → gone;
    // 50 (Nov 20) kept; 240 and 242 the same day → the newer (240); 960 and 984 beyond 30 days → gone.
    expect(left).toEqual([1, 5, 20, 50, 240]);
    expect(deleted).toHaveLength(5);
    expect(readdirSync(dir).some((n) => n.endsWith('.partial'))).toBe(false);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);

    // A till that was off for months still keeps its newest backup.
    const lonely = tempDir();
    writeFileSync(join(lonely, backupFileName(now - 24 * 400 * h, 'shutdown')), 'x');
    writeFileSync(join(lonely, backupFileName(now - 24 * 401 * h, 'shutdown')), 'x');
    pruneBackups(lonely, now, 7);
    expect(listBackups(lonely)).toHaveLength(1);
  });

  it('CSV cells are quoted when needed and never start a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    // A plain decimal cannot be a formula: it stays a number the spreadsheet can add up.
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell('-5+1')).toBe("'-5+1");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});

describe('online backups', () => {
  it('an admin backs up now: a complete, self-contained copy that holds the sales, audited', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const order = await sell(app, [COLA, BREAD]);
    const info = await ok(app, 'backup.create', {});
    expect(info.reason).toBe('manual');
    const file = join(dir, 'backups', info.name);
    expect(statSync(file).size).toBe(info.size);
    // a single file: no WAL needed to read it
    expect(readdirSync(join(dir, 'backups'))).toEqual([info.name]);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect((copy.prepare('SELECT COUNT(*) AS n FROM order_lines WHERE order_id = ?').get(order.id) as { n: number }).n).toBe(2);
    copy.close();
    const list = await ok(app, 'backup.list', {});
    expect(list.backups.map((b) => b.name)).toEqual([info.name]);
    expect(list.config).toEqual({ retentionDays: 30, intervalMinutes: 60 });
    const audit = app.deps.sqlite.prepare("SELECT target, success FROM audit WHERE action = 'backup.create'").all();
    expect(audit).toEqual([{ target: info.name, success: 1 }]);
  });

  it('selling goes on while a backup runs, and the backup is consistent', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    // Enough pages that the backup API needs several steps (100 pages each).
    app.deps.sqlite.exec('CREATE TABLE ballast (x BLOB)');
    const ins = app.deps.sqlite.prepare('INSERT INTO ballast VALUES (randomblob(4000))');
    for (let i = 0; i < 2000; i++) ins.run();
    const backup = ok(app, 'backup.create', {});
    const sales = [];
    for (let i = 0; i < 10; i++) sales.push(await sell(app, [COLA]));
    const info = await backup;
    const numbers = orderNumbers(join(dir, 'backups', info.name));
    // Whatever the copy caught, it is whole: a prefix of the sales, each complete.
    expect(sales.slice(0, numbers.length).map((s) => s.number)).toEqual(numbers);
    const copy = new Database(join(dir, 'backups', info.name), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('a clerk cannot back up, restore, delete or export', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'c');
    const name = backupFileName(Date.now(), 'manual');
    for (const [ch, input] of [
      ['backup.create', {}],
      ['backup.list', {}],
      ['backup.restore', { name }],
      ['backup.delete', { name }],
      ['data.export', {}],
      ['backup.configure', { retentionDays: 1 }],
    ] as const)
      expect((await fail(app, ch, input, 'c')).code, ch).toBe('FORBIDDEN');
    expect(existsSync(join(dir, 'backups'))).toBe(false);
    expect(existsSync(join(dir, 'exports'))).toBe(false);
  });

  it('backs up at shutdown (a set-up store only) and on a schedule', async () => {
    const blank = tempDir();
    const a = open(blank);
    await a.shutdown();
    expect(listBackups(join(blank, 'backups'))).toHaveLength(0);

    const dir = tempDir();
    const b = open(dir);
    await readyStore(b);
    await sell(b, [COLA]);
    await b.shutdown();
    const [shutdown] = listBackups(join(dir, 'backups'));
    expect(shutdown?.reason).toBe('shutdown');
    expect(orderNumbers(join(dir, 'backups', shutdown!.name))).toEqual(['T1-000001']);
    // the app is closed afterwards
    expect((await b.router.call('app.status', {}, 's1')).ok).toBe(false);
  });

  it('the automatic backup follows the configured interval', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const dir = tempDir();
      const clock = testClock();
      const app = open(dir, clock);
      await readyStore(app);
      expect(await ok(app, 'backup.configure', { intervalMinutes: 15, retentionDays: 3 })).toEqual({
        intervalMinutes: 15,
        retentionDays: 3,
      });
      await new Promise((r) => setImmediate(r)); // the handler re-plans after its transaction
      // First backup a minute after start-up when there is none yet.
      clock.advance(60_000);
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() => expect(listBackups(join(dir, 'backups'))).toHaveLength(1));
      // Then every 15 minutes.
      clock.advance(15 * 60_000);
      await vi.advanceTimersByTimeAsync(15 * 60_000);
      await vi.waitFor(() => expect(listBackups(join(dir, 'backups'))).toHaveLength(2));
      expect(listBackups(join(dir, 'backups')).map((b) => b.reason)).toEqual(['scheduled', 'scheduled']);
      const audit = app.deps.sqlite.prepare("SELECT details FROM audit WHERE action = 'backup.configure'").get() as { details: string };
      expect(JSON.parse(audit.details)).toMatchObject({ from: { intervalMinutes: 60 }, to: { intervalMinutes: 15 } });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('restore from a backup', () => {
  it('replaces the store with the backup, keeps the replaced one, signs everyone out and audits it', async () => {
    const dir = tempDir();
    const app = open(dir);
    const { adminId } = await readyStore(app);
    const first = await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    const second = await sell(app, [BREAD]);

    const result = await ok(app, 'backup.restore', { name: backup.name });
    expect(result.restored).toBe(backup.name);
    expect(result.keptAs).toMatch(/before-restore/);
    // The replaced database (with the second sale) is kept as a backup.
    expect(orderNumbers(join(dir, 'backups', result.keptAs!))).toEqual([first.number, second.number]);

    // Everyone signs in again; the store is the backup's.
    expect((await fail(app, 'sales.recent', { limit: 10 })).code).toBe('UNAUTHENTICATED');
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(app, 'sales.recent', { limit: 10 })).map((o) => o.number)).toEqual([first.number]);
    const row = app.deps.sqlite.prepare("SELECT staff_id AS staffId, target, details FROM audit WHERE action = 'backup.restore'").get() as {
      staffId: string;
      target: string;
      details: string;
    };
    expect(row).toMatchObject({ staffId: adminId, target: backup.name });
    expect(JSON.parse(row.details)).toEqual({ keptAs: result.keptAs, fromRecovery: false });
    // New sales continue the restored numbering and survive a restart.
    const third = await sell(app, [COLA]);
    expect(third.number).toBe('T1-000002');
    app.close();
    expect(orderNumbers(join(dir, 'countertop.db'))).toEqual([first.number, third.number]);
  });

  it('calls made during a restore wait for it and then see the restored store', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    await sell(app, [COLA]);
    const restoring = app.router.call('backup.restore', { name: backup.name }, 's1');
    const status = app.router.call('app.status', {}, 'other');
    const [r, s] = await Promise.all([restoring, status]);
    expect(r.ok).toBe(true);
    expect(s.ok).toBe(true);
    expect((app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n).toBe(1);
  });

  it('a restore asked for while a backup runs waits for it; calls after the restore began wait for the restore', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    // Enough pages that the next backup takes several steps of the backup API.
    app.deps.sqlite.exec('CREATE TABLE ballast (x BLOB)');
    const ins = app.deps.sqlite.prepare('INSERT INTO ballast VALUES (randomblob(4000))');
    for (let i = 0; i < 3000; i++) ins.run();
    const t0 = Date.now();
    const running = app.router.call('backup.create', {}, 's1');
    await new Promise((r) => setImmediate(r)); // the backup is under way
    const restore = app.router.call('backup.restore', { name: backup.name }, 's1');
    const later = app.router.call('sales.recent', { limit: 5 }, 's1');
    const [b, r, l] = await Promise.all([running, restore, later]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(b.ok ? 'ok' : JSON.stringify(b.error)).toBe('ok');
    expect(r.ok ? 'ok' : JSON.stringify(r.error)).toBe('ok');
    // The call made after the restore began ran on the restored store, where everyone signs in again.
    expect(l.ok ? 'ok' : l.error.code).toBe('UNAUTHENTICATED');
    expect(
      listBackups(join(dir, 'backups'))
        .map((x) => x.reason)
        .sort(),
    ).toEqual(['before-restore', 'manual', 'manual']);
    expect((app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'ballast'").get() as { n: number }).n).toBe(0);

    // And the other way round: a backup asked for just after a restore began waits for it (no deadlock).
    await ok(app, 'staff.signIn', { staffId: (await ok(app, 'staff.list', {}))[0]!.id, pin: ADMIN_PIN });
    const t1 = Date.now();
    const [r2, b2] = await Promise.all([
      app.router.call('backup.restore', { name: backup.name }, 's1'),
      app.router.call('backup.create', {}, 's1'),
    ]);
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(r2.ok).toBe(true);
    expect(b2.ok ? 'ok' : b2.error.code).toBe('UNAUTHENTICATED');
  });

  it('a damaged or foreign backup is refused and the store is left as it was', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    const file = join(dir, 'backups', backup.name);
    damage(file);
    const err = await fail(app, 'backup.restore', { name: backup.name });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/cannot be restored/);
    expect((await ok(app, 'sales.recent', { limit: 5 })).length).toBe(1);

    const foreign = backupFileName(Date.now(), 'manual');
    const other = new Database(join(dir, 'backups', foreign));
    other.exec('CREATE TABLE notes (x)');
    other.close();
    expect((await fail(app, 'backup.restore', { name: foreign })).message).toMatch(/not a Countertop database/);
    expect((await fail(app, 'backup.restore', { name: backupFileName(1, 'manual') })).code).toBe('NOT_FOUND');
    expect((await fail(app, 'backup.restore', { name: '../countertop.db' })).code).toBe('VALIDATION');
  });

  it('a backup with an extra trigger and view is refused before anything is replaced; the trigger never reaches the store', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    const file = join(dir, 'backups', backup.name);
    const hostile = new Database(file);
    // Copies every new sale into a side table an attacker reads later.
    hostile.exec(`CREATE TABLE loot (id TEXT, total INTEGER);
      CREATE TRIGGER steal AFTER INSERT ON orders BEGIN INSERT INTO loot VALUES (NEW.id, NEW.total); END;
      CREATE VIEW peek AS SELECT * FROM loot;`);
    hostile.close();
    const before = readdirSync(join(dir, 'backups')).sort();
    const err = await fail(app, 'backup.restore', { name: backup.name });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/cannot be restored: .*does not create/);
    expect(err.details).toMatchObject({ messageKey: 'data.refused.extra', reason: 'extra' });
    // Nothing was replaced: no "before restore" copy, the same sessions, no trigger, no view.
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.includes('.restoring') || n.includes('.previous'))).toEqual([]);
    expect((await ok(app, 'sales.recent', { limit: 5 })).length).toBe(1);
    await sell(app, [BREAD]);
    const objects = app.deps.sqlite.prepare("SELECT name FROM sqlite_master WHERE name IN ('steal', 'peek', 'loot')").all();
    expect(objects).toEqual([]);
    // The attempt is audited as a refused restore.
    expect(app.deps.sqlite.prepare("SELECT target, success FROM audit WHERE action = 'backup.restore'").all()).toEqual([
      { target: backup.name, success: 0 },
    ]);

    // A changed definition is refused too (an index rebuilt on other columns).
    const changed = backupFileName(Date.now() + 1000, 'manual');
    copyFileSync(join(dir, 'backups', (await ok(app, 'backup.create', {})).name), join(dir, 'backups', changed));
    const db = new Database(join(dir, 'backups', changed));
    const idx = db.prepare("SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL LIMIT 1").get() as {
      name: string;
      tbl: string;
    };
    const col = (db.prepare('SELECT name FROM pragma_table_info(?) LIMIT 1').get(idx.tbl) as { name: string }).name;
    db.exec(`DROP INDEX "${idx.name}"; CREATE INDEX "${idx.name}" ON "${idx.tbl}" ("${col}")`);
    db.close();
    expect((await fail(app, 'backup.restore', { name: changed })).details).toMatchObject({ reason: 'changed', object: idx.name });
  });

  it('a file with only the four expected table names is refused; the store is unchanged and the app starts again', async () => {
    const dir = tempDir();
    const app = open(dir);
    const { adminId } = await readyStore(app);
    const sale = await sell(app, [COLA]);
    const name = backupFileName(Date.now(), 'manual');
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const fake = new Database(join(dir, 'backups', name));
    fake.exec('CREATE TABLE settings (x); CREATE TABLE orders (x); CREATE TABLE journal (x); CREATE TABLE __drizzle_migrations (x)');
    fake.close();
    const err = await fail(app, 'backup.restore', { name });
    expect(err.code).toBe('CONFLICT');
    expect(err.details).toMatchObject({ messageKey: expect.stringMatching(/^data\.refused\./) });
    expect(listBackups(join(dir, 'backups')).map((b) => b.reason)).toEqual(['manual']);
    expect((await ok(app, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([sale.number]);
    app.close();
    const again = open(dir);
    expect(again.recovery).toBeNull();
    await ok(again, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(again, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([sale.number]);
  });

  it('a backup from an older version that matches it exactly is restored and migrated', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
    const name = backupFileName(Date.now(), 'manual');
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const older = new Database(join(dir, 'backups', name));
    const db = drizzle(older);
    const internal = db as unknown as { dialect: { migrate(m: unknown, s: unknown, c: object): void }; session: unknown };
    internal.dialect.migrate(migrations.slice(0, 5), internal.session, { migrationsFolder: MIGRATIONS_DIR });
    older.close();
    expect(checkBackupSchema(join(dir, 'backups', name), MIGRATIONS_DIR)).toEqual({ ok: true, level: 5 });
    await ok(app, 'backup.restore', { name });
    const n = (app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    expect(n).toBe(migrations.length);
    // The same older file with one extra view is not that version any more.
    const tampered = backupFileName(Date.now() + 5, 'manual');
    copyFileSync(join(dir, 'backups', name), join(dir, 'backups', tampered));
    const t = new Database(join(dir, 'backups', tampered));
    t.exec('CREATE VIEW v AS SELECT 1');
    t.close();
    expect(checkBackupSchema(join(dir, 'backups', tampered), MIGRATIONS_DIR)).toMatchObject({ ok: false, detail: { reason: 'extra' } });
  });

  it('a restored copy that fails to open puts the old store back', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const sale = await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    // Passes the checks, then fails while the app opens it: its settings hold a value that does not parse.
    const file = join(dir, 'backups', backup.name);
    const db = new Database(file);
    db.prepare("UPDATE settings SET value = '{' WHERE key = 'terminalCode'").run();
    db.close();
    const err = await fail(app, 'backup.restore', { name: backup.name });
    expect(err.details).toMatchObject({ messageKey: 'data.refused.open' });
    expect(readdirSync(dir).filter((n) => n.includes('.restoring') || n.includes('.previous'))).toEqual([]);
    // The same store, open and usable (sessions are new: the store was reopened).
    const staff = (app.deps.sqlite.prepare('SELECT id FROM staff LIMIT 1').get() as { id: string }).id;
    await ok(app, 'staff.signIn', { staffId: staff, pin: ADMIN_PIN });
    expect((await ok(app, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([sale.number]);
  });

  it('an admin deletes a backup (audited)', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const b = await ok(app, 'backup.create', {});
    const after = await ok(app, 'backup.delete', { name: b.name });
    expect(after.backups).toEqual([]);
    expect(existsSync(join(dir, 'backups', b.name))).toBe(false);
    expect(app.deps.sqlite.prepare("SELECT target FROM audit WHERE action = 'backup.delete'").get()).toEqual({ target: b.name });
  });
});

/** Overwrites a stretch of the file's pages (not the header) with garbage, like a failing disk would. */
function damage(file: string, fromPage = 3, pages = 6) {
  const fd = openSync(file, 'r+');
  const junk = Buffer.alloc(4096 * pages, 0xa5);
  writeSync(fd, junk, 0, junk.length, 4096 * fromPage);
  closeSync(fd);
}

describe('a damaged database at start-up', () => {
  async function storeWithBackup() {
    const dir = tempDir();
    const app = makeApp({ dataDir: dir });
    const { adminId } = await readyStore(app);
    const first = await sell(app, [COLA]);
    const backup = await ok(app, 'backup.create', {});
    await sell(app, [BREAD]);
    app.close();
    return { dir, adminId, first, backup };
  }

  it('is kept aside, and the app starts in recovery offering the latest backup; a restore brings the store back', async () => {
    const { dir, adminId, first, backup } = await storeWithBackup();
    const original = readFileSync(join(dir, 'countertop.db'));
    damage(join(dir, 'countertop.db'));

    const app = open(dir);
    expect(app.recovery).not.toBeNull();
    const status = await ok(app, 'app.status', {});
    expect(status.setupDone).toBe(false);
    // Name and language come from the newest backup (the damaged file is not read).
    expect(status).toMatchObject({ storeName: 'Corner Shop', language: 'en', currency: 'USD' });
    expect(status.recovery?.backups.map((b) => b.name)).toEqual([backup.name]);
    expect(status.recovery?.problem).toBeTruthy();
    // The damaged file is kept, byte for byte, under a new name.
    const damaged = status.recovery!.damagedFile!;
    expect(damaged).toMatch(/countertop-damaged-.*\.db$/);
    expect(readFileSync(damaged).subarray(0, 4096)).toEqual(original.subarray(0, 4096));
    expect(existsSync(join(dir, 'countertop.db'))).toBe(false);
    // Nothing else works until a restore.
    const refused = await fail(app, 'staff.list', {});
    expect(refused).toMatchObject({ code: 'IO', details: { recovery: true } });
    expect((await fail(app, 'recovery.restore', { name: 'nope' })).code).toBe('VALIDATION');

    // A restart while waiting does not turn into a new, empty store: still in recovery.
    app.close();
    const again = open(dir);
    expect((await ok(again, 'app.status', {})).recovery).toMatchObject({ damagedFile: damaged, backups: [{ name: backup.name }] });
    expect(existsSync(join(dir, 'countertop.db'))).toBe(false);
    const restored = await ok(again, 'recovery.restore', { name: backup.name, pin: ADMIN_PIN });
    expect(restored).toEqual({ restored: backup.name, keptAs: null });
    expect(again.recovery).toBeNull();
    expect((await ok(again, 'app.status', {})).setupDone).toBe(true);
    await ok(again, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(again, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([first.number]);
    expect(again.deps.sqlite.prepare("SELECT details FROM audit WHERE action = 'backup.restore'").get()).toEqual({
      details: JSON.stringify({ keptAs: null, fromRecovery: true }),
    });
    // Out of recovery, the recovery channels refuse.
    expect((await fail(again, 'recovery.startEmpty', {})).code).toBe('CONFLICT');
  });

  it('a file that is not a database at all (damaged header) also starts in recovery', async () => {
    const { dir } = await storeWithBackup();
    const fd = openSync(join(dir, 'countertop.db'), 'r+');
    writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0);
    closeSync(fd);
    const app = open(dir);
    expect(app.recovery?.problem).toMatch(/not a database/i);
    expect(app.recovery?.backups).toHaveLength(1);
  });

  it('without a usable backup, the clerk can start an empty store (the damaged file stays kept)', async () => {
    const { dir } = await storeWithBackup();
    rmSync(join(dir, 'backups'), { recursive: true });
    damage(join(dir, 'countertop.db'));
    const app = open(dir);
    expect((await ok(app, 'app.status', {})).recovery?.backups).toEqual([]);
    await ok(app, 'recovery.startEmpty', {});
    expect(existsSync(join(dir, 'countertop-recovery.json'))).toBe(false);
    expect(await ok(app, 'app.status', {})).toMatchObject({ setupDone: false });
    expect((await ok(app, 'app.status', {})).recovery).toBeUndefined();
    expect(readdirSync(dir).filter((n) => n.includes('damaged'))).toHaveLength(1);
  });

  it('a healthy store after a crash (WAL not checkpointed) starts normally with every committed sale', async () => {
    const dir = tempDir();
    const app = makeApp({ dataDir: dir });
    await readyStore(app);
    const s = await sell(app, [COLA, BREAD]);
    // Simulate a crash: copy the files while open (WAL included), as a killed process leaves them.
    const crash = tempDir();
    for (const n of readdirSync(dir)) if (n.startsWith('countertop.db')) writeFileSync(join(crash, n), readFileSync(join(dir, n)));
    app.close();
    expect(existsSync(join(crash, 'countertop.db-wal'))).toBe(true);
    const again = open(crash);
    expect(again.recovery).toBeNull();
    expect(orderNumbers(join(crash, 'countertop.db'))).toEqual([s.number]);
  });
});

describe('export of all data', () => {
  it('writes the whole database and the sales as CSV into a new folder, audited', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    const a = await sell(app, [COLA, BREAD]);
    await sell(app, [COLA]);
    const res = await ok(app, 'data.export', {});
    expect(res.folder.startsWith(join(dir, 'exports'))).toBe(true);
    expect(res.files.map((f) => [f.name, f.rows])).toEqual([
      ['countertop.db', null],
      ['orders.csv', 2],
      ['order_lines.csv', 3],
      ['payments.csv', 2],
    ]);
    const orders = readFileSync(join(res.folder, 'orders.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(orders[0]).toBe(
      'number,id,created_at,terminal,staff,currency,price_mode,subtotal_minor,discount_minor,tax_minor,total_minor,paid_minor,change_minor',
    );
    expect(orders[1]).toContain(`${a.number},${a.id},`);
    expect(orders[1]).toContain(`,USD,inclusive,`);
    expect(orders[1]!.endsWith(`,${a.total},${a.paid},${a.change}`)).toBe(true);
    const lines = readFileSync(join(res.folder, 'order_lines.csv'), 'utf8').split('\r\n');
    expect(lines[1]).toMatch(/^T1-000001,1,COLA,Cola 330ml,,each,1\.000,USD,150,/);
    expect(orderNumbers(join(res.folder, 'countertop.db'))).toEqual(['T1-000001', 'T1-000002']);
    expect(app.deps.sqlite.prepare("SELECT target FROM audit WHERE action = 'data.export'").get()).toEqual({ target: res.folder });
  });
});
