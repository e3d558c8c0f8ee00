import type { BackupInfo, BackupOverview, BackupReason, ExportResult, RestoreResult } from '../../shared/api/admin';

/** Backups, restore and export of one store's file: its interface apart, so Deps' types stay a leaf. */
export interface DataSafety {
  readonly dataDir: string;
  readonly backupsDir: string;
  /** Wrong PINs on the recovery screen, counted before each check, and the lock they set. */
  readonly recoveryLockout: { count: number; lockedUntil: number };
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
