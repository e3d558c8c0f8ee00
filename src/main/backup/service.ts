import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackupInfo, BackupOverview, BackupReason } from '../../shared/api/admin';
import { inTransaction, type Sqlite } from '../db/open';
import type { Deps } from '../deps';
import type { DataSafety } from './data-safety';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { isSetupDone } from '../settings/settings';
import { readBackupConfig } from './config';
import { exportAll } from './export';
import { BACKUP_DIR, listBackups, parseBackupName, pruneBackups, writeBackup } from './files';
import { checkBackupFile } from './integrity';
import { checkBackupSchema } from './schema-check';

export type { DataSafety };

/** What the data-safety service needs from the app: the open store, and a way to swap it. */
export interface StoreSlot {
  /** The open store, or null while the app is in recovery. */
  deps(): Deps | null;
  /**
   * Runs `fn` once no other call is running (`own` = calls of the caller itself still in flight);
   * calls that arrive meanwhile wait for it.
   */
  exclusive<T>(fn: () => Promise<T> | T, own: number): Promise<T>;
  /** Closes the open store, if any. */
  close(): void;
  /** Opens the database file (running migrations) and makes it the current store. */
  open(): Deps;
  /** The app leaves recovery: a backup was restored or a new store started. */
  recovered(): void;
}

export interface DataSafetyOptions {
  dataDir: string;
  dbFile: string;
  clock: () => number;
  slot: StoreSlot;
  /** Automatic backups on a timer (off in tests that do not want them). */
  automatic: boolean;
  /** The app's migrations: a backup must match the schema they make for its version. */
  migrationsDir: string;
  log?: (message: string, err?: unknown) => void;
}

const FIRST_BACKUP_DELAY_MS = 60_000;
const RESTORING = '.restoring';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Refuses (CONFLICT, with a message key the renderer words) a file that is not exactly a Countertop database. */
function refuseUnlessCountertop(file: string, name: string, migrationsDir: string): void {
  const whole = checkBackupFile(file);
  if (!whole.ok)
    throw new AppError('CONFLICT', `This backup cannot be restored: ${whole.problem}`, {
      name,
      problem: whole.problem,
      messageKey: 'data.refused.damaged',
    });
  const schema = checkBackupSchema(file, migrationsDir);
  if (!schema.ok)
    throw new AppError('CONFLICT', `This backup cannot be restored: ${schema.problem}`, {
      name,
      problem: schema.problem,
      ...schema.detail,
      messageKey: `data.refused.${schema.detail.reason}`,
    });
}

/** Makes the directory entry of a rename durable (a no-op where folders cannot be opened, as on Windows). */
function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // Windows cannot open a folder for fsync; NTFS journals the rename itself
  }
}

export function createDataSafety(opts: DataSafetyOptions): DataSafety {
  const { dataDir, dbFile, clock, slot, migrationsDir } = opts;
  const backupsDir = join(dataDir, BACKUP_DIR);
  const log = opts.log ?? ((m: string, err?: unknown) => console.error(`[backup] ${m}`, err ?? ''));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = !opts.automatic;
  // One backup-folder operation at a time (a scheduled backup never races a restore or a prune).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const openDeps = (): Deps => {
    const deps = slot.deps();
    if (!deps) throw new AppError('CONFLICT', 'The database is not open (recovery)');
    return deps;
  };

  const backupPath = (name: string): string => {
    if (!parseBackupName(name)) throw new AppError('VALIDATION', 'Not a backup file name', [{ path: ['name'], message: 'not a backup' }]);
    const path = join(backupsDir, name);
    if (!existsSync(path)) throw notFound('Backup', { name });
    return path;
  };

  async function backupOf(sqlite: Sqlite, reason: BackupReason): Promise<BackupInfo> {
    const info = await writeBackup(sqlite, backupsDir, clock(), reason);
    try {
      const deps = slot.deps();
      pruneBackups(backupsDir, clock(), deps ? readBackupConfig(deps).retentionDays : 30);
    } catch (err) {
      log('could not prune old backups', err);
    }
    return info;
  }

  /**
   * Puts the checked copy in place of the store with one rename, keeping the old file under a
   * second name (a hard link) until the copy has opened. If it does not open, the old file goes
   * back the same way and is reopened: the store is as it was and the app can start again.
   */
  function swapIn(staged: string, hadStore: boolean, name: string): Deps {
    const previous = `${dbFile}.previous-${process.pid}-${Date.now()}`;
    const kept: string[] = [];
    if (existsSync(dbFile)) {
      try {
        linkSync(dbFile, previous);
      } catch {
        copyFileSync(dbFile, previous); // a file system without hard links
        fsyncPath(previous);
      }
      kept.push('');
    }
    // A WAL left beside the file belongs to the old database: it must never be replayed onto the
    // restored one (the close checkpointed it, so this is only ever what a failed close left).
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(dbFile + suffix)) {
        renameSync(dbFile + suffix, previous + suffix);
        kept.push(suffix);
      }
    renameSync(staged, dbFile);
    fsyncDir(dirname(dbFile));
    try {
      const deps = slot.open();
      for (const suffix of kept) rmSync(previous + suffix, { force: true });
      return deps;
    } catch (err) {
      log(`the restored copy of ${name} did not open; the store is put back`, err);
      slot.close();
      for (const suffix of ['-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
      if (kept.includes('')) {
        for (const suffix of kept) renameSync(previous + suffix, dbFile + suffix);
      } else rmSync(dbFile, { force: true });
      fsyncDir(dirname(dbFile));
      if (hadStore) slot.open();
      throw new AppError('CONFLICT', `This backup cannot be restored: ${err instanceof Error ? err.message : String(err)}`, {
        name,
        problem: err instanceof Error ? err.message : String(err),
        messageKey: 'data.refused.open',
      });
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const deps = slot.deps();
    const intervalMs = (deps ? readBackupConfig(deps).intervalMinutes : 60) * 60_000;
    const newest = listBackups(backupsDir)[0]?.createdAt ?? 0;
    const wait = Math.min(intervalMs, Math.max(FIRST_BACKUP_DELAY_MS, newest + intervalMs - clock()));
    timer = setTimeout(() => {
      timer = null;
      void serial(async () => {
        const d = slot.deps();
        if (d && isSetupDone(d)) await backupOf(d.sqlite, 'scheduled');
      })
        .catch((err: unknown) => log('automatic backup failed', err))
        .finally(schedule);
    }, wait);
    timer.unref?.();
  }

  const overview = (): BackupOverview => ({ folder: backupsDir, backups: listBackups(backupsDir), config: readBackupConfig(openDeps()) });
  const stop = (): void => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };

  return {
    dataDir,
    recoveryLockout: { count: 0, lockedUntil: 0 },
    backupsDir,
    overview,

    backupNow(reason) {
      return serial(() => backupOf(openDeps().sqlite, reason));
    },

    restore(name, actor) {
      const source = backupPath(name);
      // Copy first and check the copy (not the original, which could change after its check), so
      // the live file is replaced only by a complete, synced, checked copy in the same folder.
      const staged = `${dbFile}${RESTORING}-${process.pid}-${Date.now()}`;
      try {
        copyFileSync(source, staged);
        fsyncPath(staged);
        refuseUnlessCountertop(staged, name, migrationsDir);
      } catch (err) {
        rmSync(staged, { force: true });
        // A refused file may be an attempt to plant code in the store: who tried, and why it failed.
        const deps = slot.deps();
        if (deps && err instanceof AppError)
          inTransaction(deps.sqlite, () =>
            recordAudit(deps, {
              staffId: actor.staffId,
              action: 'backup.restore',
              target: name,
              details: { refused: err.message },
              success: false,
            }),
          );
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      // Hold new calls first, then wait for the backup folder: never the other way round, so a
      // backup asked for meanwhile cannot wait on the restore while the restore waits on it.
      return slot
        .exclusive(
          () =>
            serial(async () => {
              const current = slot.deps();
              let keptAs: string | null = null;
              if (current) {
                keptAs = (await writeBackup(current.sqlite, backupsDir, clock(), 'before-restore')).name;
                slot.close();
              }
              const deps = swapIn(staged, current !== null, name);
              inTransaction(deps.sqlite, () =>
                recordAudit(deps, {
                  staffId: actor.staffId,
                  action: 'backup.restore',
                  target: name,
                  details: { keptAs, fromRecovery: actor.fromRecovery },
                  success: true,
                }),
              );
              if (actor.fromRecovery) slot.recovered();
              return { restored: name, keptAs };
            }),
          actor.fromRecovery ? 0 : 1,
        )
        .finally(() => {
          rmSync(staged, { force: true });
          schedule();
        });
    },

    startEmpty() {
      return slot.exclusive(
        () =>
          serial(() => {
            if (slot.deps()) throw new AppError('CONFLICT', 'Countertop is not in recovery');
            for (const suffix of ['-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
            const deps = slot.open();
            inTransaction(deps.sqlite, () =>
              recordAudit(deps, { staffId: null, action: 'recovery.startEmpty', details: null, success: true }),
            );
            slot.recovered();
            schedule();
            return { restored: '', keptAs: null };
          }),
        0,
      );
    },

    remove(name, staffId) {
      const path = backupPath(name);
      const deps = openDeps();
      rmSync(path, { force: true });
      inTransaction(deps.sqlite, () => recordAudit(deps, { staffId, action: 'backup.delete', target: name, success: true }));
      return overview();
    },

    exportAll(staffId) {
      return serial(async () => {
        const deps = openDeps();
        const result = await exportAll(deps.sqlite, join(dataDir, 'exports'), clock());
        inTransaction(deps.sqlite, () =>
          recordAudit(deps, {
            staffId,
            action: 'data.export',
            target: result.folder,
            details: { files: result.files.map((f) => f.name) },
            success: true,
          }),
        );
        return result;
      });
    },

    schedule,

    stop,

    async shutdown() {
      stop();
      await serial(async () => {
        const deps = slot.deps();
        if (deps && deps.sqlite.open && isSetupDone(deps)) await backupOf(deps.sqlite, 'shutdown');
      }).catch((err: unknown) => log('backup at shutdown failed', err));
    },
  };
}
