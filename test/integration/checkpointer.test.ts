import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, inTransaction } from '../../src/main/db/open';
import {
  checkpointAfterAnswer,
  LAST_RESORT,
  SAFETY_NET_FRAMES,
  startCheckpointer,
  withoutCommitCheckpoint,
} from '../../src/main/db/checkpointer';
import { MIGRATIONS_DIR } from '../../src/main/host/paths';
import { makeApp, ok, readyStore, ADMIN_PIN } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ct-ckpt-'));
  dirs.push(d);
  return d;
};

/** Rows that have reached the database file itself (the WAL ignored). */
function rowsInMainFile(file: string): number {
  const copy = `${file}.main-only`;
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM audit').pluck().get() as number;
  } catch {
    return -1; // not even the tables yet
  } finally {
    db.close();
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (cond()) return true;
  return cond();
}

describe('WAL checkpoints on a worker', () => {
  it('a bulk write past the safety net commits without copying the log; the worker copies it once the writer pauses', async () => {
    const file = join(tmp(), 'countertop.db');
    const store = openStore(file, MIGRATIONS_DIR);
    // A worker that looks rarely, so the commit's own behaviour is what the first check sees.
    const ckpt = startCheckpointer(store.sqlite, file, { intervalMs: 1000, safetyNetFrames: 50 });
    const walFrames = () => (store.sqlite.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0]!;
    const insert = store.sqlite.prepare(
      "INSERT INTO audit (id, at, action, terminal_code, success, details) VALUES (?, ?, 'bulk', 'T1', 1, ?)",
    );
    const bulk = () =>
      inTransaction(store.sqlite, () => {
        for (let i = 0; i < 1200; i++) insert.run(uuidv7(), i, 'x'.repeat(1000));
      });
    withoutCommitCheckpoint(store.sqlite, ckpt, bulk);
    const after = walFrames();
    expect(after.log).toBeGreaterThan(50 * LAST_RESORT);
    expect(after.checkpointed).toBe(0);
    expect(rowsInMainFile(file)).toBeLessThan(1200);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(50 * LAST_RESORT);
    expect(await until(() => rowsInMainFile(file) === 1200, 5000)).toBe(true);
    // The same write without the wrapper: the commit copies the log itself (the last resort).
    bulk();
    expect(walFrames().checkpointed).toBeGreaterThan(0);
    ckpt!.stop();
    store.sqlite.close();
  });

  it('copies committed writes into the database file without the writer checkpointing, and stops before the store closes', async () => {
    const file = join(tmp(), 'countertop.db');
    const store = openStore(file, MIGRATIONS_DIR);
    const ckpt = startCheckpointer(store.sqlite, file, { intervalMs: 20 });
    expect(ckpt).not.toBeNull();
    // The writer's own automatic checkpoint is only a last resort far above the usual size.
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_FRAMES * LAST_RESORT);
    const insert = store.sqlite.prepare("INSERT INTO audit (id, at, action, terminal_code, success) VALUES (?, ?, 'test', 'T1', 1)");
    for (let i = 0; i < 50; i++) inTransaction(store.sqlite, () => insert.run(uuidv7(), i));
    // Fewer than 1,000 pages: SQLite alone would not have checkpointed yet.
    expect(await until(() => rowsInMainFile(file) === 50)).toBe(true);

    ckpt!.stop();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The worker's connection is closed: the writer's close is the last one, so it removes the WAL.
    store.sqlite.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('under writing that never pauses, the log is copied after an answer, not inside the commit that crossed the safety net', async () => {
    const file = join(tmp(), 'countertop.db');
    const store = openStore(file, MIGRATIONS_DIR);
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const ckpt = startCheckpointer(store.sqlite, file, { intervalMs: 1000, safetyNetFrames: 50 });
    const walFrames = () => (store.sqlite.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0]!;
    const insert = store.sqlite.prepare("INSERT INTO audit (id, at, action, terminal_code, success) VALUES (?, ?, 'test', 'T1', 1)");
    // Commits back to back past the safety net (but short of the last resort): none copies the log.
    while (walFrames().log < 60) inTransaction(store.sqlite, () => insert.run(uuidv7(), 1));
    expect(walFrames().checkpointed).toBe(0);
    // The router answered: the copy comes on the next turn of the event loop.
    checkpointAfterAnswer(store.sqlite, ckpt);
    expect(walFrames().checkpointed).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(walFrames().checkpointed).toBeGreaterThanOrEqual(60);
    // Under the safety net, an answer copies nothing.
    inTransaction(store.sqlite, () => insert.run(uuidv7(), 2));
    const before = walFrames();
    checkpointAfterAnswer(store.sqlite, ckpt);
    await new Promise((r) => setImmediate(r));
    expect(walFrames()).toEqual(before);
    ckpt!.stop();
    store.sqlite.close();
  });

  it('an app with a data folder runs it, and a restore replaces the file under it safely', async () => {
    const dataDir = tmp();
    const app = makeApp({ dataDir });
    await readyStore(app);
    expect(app.deps.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_FRAMES * LAST_RESORT);
    const { name } = await ok(app, 'backup.create', {});
    await ok(app, 'backup.restore', { name });
    await ok(app, 'staff.signIn', { staffId: (await ok(app, 'staff.list', {}))[0]!.id, pin: ADMIN_PIN });
    expect(app.deps.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_FRAMES * LAST_RESORT);
    expect((await ok(app, 'catalog.search', { q: 'cola' })).length).toBeGreaterThan(0);
    app.close();
    expect(existsSync(join(dataDir, 'countertop.db-wal'))).toBe(false);
  });
});
