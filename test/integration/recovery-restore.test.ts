/**
 * A restore from the recovery screen: nobody can sign in to a damaged store, so the restore is
 * confirmed by the PIN of an active admin of the chosen backup, and wrong PINs lock it for a while.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { ADMIN_PIN, fail, makeApp, ok, readyStore, testClock } from '../support/app';

const dirs: string[] = [];
const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function damagedStoreWithBackup() {
  const dir = mkdtempSync(join(tmpdir(), 'ct-recovery-'));
  dirs.push(dir);
  const app = makeApp({ dataDir: dir });
  await readyStore(app);
  await ok(app, 'staff.create', { name: 'Clara', role: 'clerk', pin: '5555' }, 's1');
  await ok(app, 'staff.create', { name: 'Max', role: 'manager', pin: '6666' }, 's1');
  const backup = await ok(app, 'backup.create', {}, 's1');
  app.close();
  const fd = openSync(join(dir, 'countertop.db'), 'r+');
  writeSync(fd, Buffer.alloc(4096 * 6, 0xa5), 0, 4096 * 6, 4096 * 3);
  closeSync(fd);
  const clock = testClock();
  const again = makeApp({ dataDir: dir, clock });
  apps.push(again);
  expect(again.recovery).not.toBeNull();
  return { dir, app: again, backup, clock };
}

describe('recovery.restore', () => {
  it('needs the PIN of an admin of the chosen backup: none, a clerk’s, a manager’s or a wrong one are refused', async () => {
    const { dir, app, backup } = await damagedStoreWithBackup();
    expect((await fail(app, 'recovery.restore', { name: backup.name })).code).toBe('VALIDATION');
    for (const pin of ['5555', '6666', '0000']) {
      const refused = await fail(app, 'recovery.restore', { name: backup.name, pin });
      expect(refused, pin).toMatchObject({ code: 'FORBIDDEN', details: { messageKey: 'data.recovery.wrongPin' } });
    }
    expect(app.recovery).not.toBeNull();
    expect(existsSync(join(dir, 'countertop.db'))).toBe(false);
    expect(await ok(app, 'recovery.restore', { name: backup.name, pin: ADMIN_PIN })).toEqual({ restored: backup.name, keptAs: null });
    expect(app.recovery).toBeNull();
  });

  it('a backup that is not in the folder is refused before any PIN is checked', async () => {
    const { app } = await damagedStoreWithBackup();
    const name = 'countertop-2020-01-01T00-00-00-000Z-manual.db';
    const refused = await fail(app, 'recovery.restore', { name, pin: ADMIN_PIN });
    expect(['NOT_FOUND', 'VALIDATION']).toContain(refused.code);
    expect(app.recovery).not.toBeNull();
  });

  it('locks after five wrong PINs, even the right PIN, until the lock runs out', async () => {
    const { app, backup, clock } = await damagedStoreWithBackup();
    for (let i = 0; i < 5; i++) await fail(app, 'recovery.restore', { name: backup.name, pin: '0000' });
    expect(await fail(app, 'recovery.restore', { name: backup.name, pin: ADMIN_PIN })).toMatchObject({
      code: 'LOCKED',
      details: { messageKey: 'data.recovery.locked' },
    });
    clock.advance(5 * 60_000 + 1);
    await ok(app, 'recovery.restore', { name: backup.name, pin: ADMIN_PIN });
  });
});
