import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupInfo, BackupOverview, BackupReason, ExportResult, RestoreResult } from '../../shared/api/admin';
import { inTransaction, type Sqlite } from '../db/open';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { isSetupDone } from '../settings/settings';
import { readBackupConfig } from './config';
import { exportAll } from './export';
import { BACKUP_DIR, listBackups, parseBackupName, pruneBackups, writeBackup } from './files';
import { checkBackupFile } from './integrity';

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

export interface DataSafety {
  readonly dataDir: string;
  readonly backupsDir: string;
  overview(): BackupOverview;
  backupNow(reason: BackupReason): Promise<BackupInfo>;
  restore(name: string, actor: { staffId: string | null; fromRecovery: boolean }): Promise<RestoreResult>;
  startEmpty(): Promise<RestoreResult>;
  remove(name: string, staffId: string): BackupOverview;
  exportAll(staffId: string): Promise<ExportResult>;
  /** (Re)plans the next automatic backup from the newest one and the configured interval. */
  schedule(): void;
  /** Stops automatic backups. */
  stop(): void;
  /** The backup at shutdown (only for a store that was set up), then no more automatic ones. */
  shutdown(): Promise<void>;
}

export interface DataSafetyOptions {
  dataDir: string;
  dbFile: string;
  clock: () => number;
  slot: StoreSlot;
  /** Automatic backups on a timer (off in tests that do not want them). */
  automatic: boolean;
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

export function createDataSafety(opts: DataSafetyOptions): DataSafety {
  const { dataDir, dbFile, clock, slot } = opts;
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
    backupsDir,
    overview,

    backupNow(reason) {
      return serial(() => backupOf(openDeps().sqlite, reason));
    },

    restore(name, actor) {
      const source = backupPath(name);
      const check = checkBackupFile(source);
      if (!check.ok)
        return Promise.reject(
          new AppError('CONFLICT', `This backup cannot be restored: ${check.problem}`, { name, problem: check.problem }),
        );
      // Copy first, so the live file is replaced only by a complete, synced copy.
      const staged = `${dbFile}${RESTORING}-${process.pid}-${Date.now()}`;
      copyFileSync(source, staged);
      fsyncPath(staged);
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
              // A WAL left beside the file belongs to the old database: it must never be replayed onto the restored one.
              for (const suffix of ['-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
              renameSync(staged, dbFile);
              const deps = slot.open();
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
