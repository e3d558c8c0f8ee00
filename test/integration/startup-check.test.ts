/**
 * The start-up check and the background check: a quick check over the whole file only after an
 * unclean shutdown (or a file changed while the app was closed); the full check on a worker while
 * the store sells, its verdict in the audit log and Settings, and recovery when it finds damage.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import * as integrity from '../../src/main/backup/integrity';
import { fail, makeApp, ok, readyStore, ADMIN_PIN } from '../support/app';

// A spy on the start-up quick check, the real one underneath.
vi.mock('../../src/main/backup/integrity', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/main/backup/integrity')>();
  return { ...real, quickCheckFile: vi.fn(real.quickCheckFile) };
});
const quickCheck = vi.mocked(integrity.quickCheckFile);

type App = ReturnType<typeof makeApp>;
const dirs: string[] = [];
const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ct-check-'));
  dirs.push(d);
  return d;
}

function open(dataDir: string): App {
  const app = makeApp({ dataDir });
  apps.push(app);
  return app;
}

const COLA = '5000112637922';
async function sell(app: App) {
  const cart = await ok(app, 'cart.scan', { code: COLA });
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 100_000 }] });
}

const marker = (dir: string) => join(dir, integrity.CLEAN_CLOSE_MARKER);
const db = (dir: string) => join(dir, 'countertop.db');

/** A crash: the files copied while the app has them open, as a killed process leaves them. */
function crashCopy(dir: string): string {
  const crash = tempDir();
  for (const n of readdirSync(dir)) if (n.startsWith('countertop')) writeFileSync(join(crash, n), readFileSync(join(dir, n)));
  return crash;
}

describe('the start-up check', () => {
  it('after a clean shutdown the start runs no quick_check; after an unclean one it does', async () => {
    const dir = tempDir();
    quickCheck.mockClear();
    const first = open(dir);
    expect(quickCheck).toHaveBeenCalledTimes(1); // a new folder: no marker
    const { adminId } = await readyStore(first);
    const sale = await sell(first);
    first.close();
    expect(existsSync(marker(dir))).toBe(true);

    quickCheck.mockClear();
    const again = open(dir);
    expect(quickCheck).not.toHaveBeenCalled();
    expect(again.startupCheck).toBe('skipped');
    expect(again.recovery).toBeNull();
    // Removed at open: a crash from here on leaves none.
    expect(existsSync(marker(dir))).toBe(false);
    await ok(again, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(again, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([sale.number]);

    const crashed = crashCopy(dir);
    quickCheck.mockClear();
    const afterCrash = open(crashed);
    expect(quickCheck).toHaveBeenCalledTimes(1);
    expect(quickCheck).toHaveBeenCalledWith(db(crashed));
    expect(afterCrash.startupCheck).toBe('quick_check');
    expect(afterCrash.recovery).toBeNull();
  });

  it('the orderly shutdown (the transports call it on quit) leaves the marker too', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    await app.shutdown();
    expect(existsSync(marker(dir))).toBe(true);
    quickCheck.mockClear();
    expect(open(dir).startupCheck).toBe('skipped');
    expect(quickCheck).not.toHaveBeenCalled();
  });

  it('a file changed while the app was closed is checked at start, and a damaged one goes to recovery at once', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    app.close();
    const fd = openSync(db(dir), 'r+');
    writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0);
    closeSync(fd);
    quickCheck.mockClear();
    const again = open(dir);
    expect(quickCheck).toHaveBeenCalledTimes(1);
    expect(again.startupCheck).toBe('quick_check');
    expect(again.recovery?.problem).toMatch(/not a database/i);
  });
});

/** Overwrites every page of one table's b-tree root with garbage (a failing disk), keeping the file's size and the clean-close marker valid. */
function damageTable(dir: string, table: string) {
  const ro = new Database(db(dir), { readonly: true });
  const { rootpage } = ro.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(table) as { rootpage: number };
  const pageSize = ro.pragma('page_size', { simple: true }) as number;
  ro.close();
  const fd = openSync(db(dir), 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
  // Bit rot does not touch the file's time of change: the marker still matches it.
  integrity.writeCleanCloseMarker(dir, db(dir), Date.now());
}

describe('the background integrity check', () => {
  it('a healthy store: ok, in the audit log and in Settings', async () => {
    const dir = tempDir();
    const app = open(dir);
    await readyStore(app);
    expect(await ok(app, 'integrity.status', {})).toBeNull();
    const outcome = await app.checkIntegrity();
    expect(outcome).toMatchObject({ kind: 'ok' });
    expect(outcome.kind === 'ok' && outcome.tables).toBeGreaterThan(20);
    const status = await ok(app, 'integrity.status', {});
    expect(status).toEqual({ at: app.clock.now, ok: true, problem: null });
    expect(app.recovery).toBeNull();
    await sell(app); // still selling
  });

  it('a damaged file found while selling sends the app to recovery and writes an audit row', async () => {
    const dir = tempDir();
    const first = open(dir);
    const { adminId } = await readyStore(first);
    const sale = await sell(first);
    const backup = await ok(first, 'backup.create', {});
    first.close();
    damageTable(dir, 'order_lines');

    const app = open(dir);
    expect(app.startupCheck).toBe('skipped');
    expect(app.recovery).toBeNull();
    const events: { event: string; payload: unknown }[] = [];
    app.router.subscribe('s1', (event, payload) => events.push({ event, payload }));

    const outcome = await app.checkIntegrity();
    expect(outcome.kind).toBe('damaged');
    expect(app.recovery).not.toBeNull();
    expect(app.recovery!.problem).toBe(outcome.kind === 'damaged' ? outcome.problem : '');
    expect(events).toContainEqual({ event: 'app.recovery', payload: { problem: app.recovery!.problem } });
    // The recovery screen's state: nothing else answers, the damaged file is kept aside.
    expect((await ok(app, 'app.status', {})).recovery?.backups.map((b) => b.name)).toEqual([backup.name]);
    expect((await fail(app, 'staff.list', {})).details).toMatchObject({ recovery: true });
    const damaged = app.recovery!.damagedFile!;
    expect(existsSync(db(dir))).toBe(false);
    // The damaged file's own audit log says why it was set aside.
    const kept = new Database(damaged, { readonly: true });
    expect(kept.prepare("SELECT success, details FROM audit WHERE action = 'integrity.check'").all()).toEqual([
      { success: 0, details: JSON.stringify({ problem: app.recovery!.problem }) },
    ]);
    kept.close();

    // Restored: the restored store's audit log and Settings carry the failed check.
    await ok(app, 'recovery.restore', { name: backup.name, pin: ADMIN_PIN });
    expect(app.recovery).toBeNull();
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(app, 'sales.recent', { limit: 5 })).map((o) => o.number)).toEqual([sale.number]);
    const status = await ok(app, 'integrity.status', {});
    expect(status).toMatchObject({ ok: false });
    expect(status!.problem).toBeTruthy();
    expect((await ok(app, 'audit.list', { limit: 50, action: 'integrity.check' })).rows).toMatchObject([{ success: false }]);
  });
});
