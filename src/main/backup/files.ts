import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupInfo, BackupReason } from '../../shared/api/admin';
import Database from 'better-sqlite3';
import { openConnection, type Sqlite } from '../db/open';
import { memorySecretStore } from '../secrets/secrets';
import { moveTokenOut } from '../sync/state';

export const BACKUP_DIR = 'backups';
const REASONS: BackupReason[] = ['scheduled', 'shutdown', 'manual', 'before-restore', 'export'];
const NAME = /^countertop-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-([a-z-]+?)(?:-(\d+))?\.db$/;
const PARTIAL = '.partial';

/** `countertop-2026-11-22T09-00-00-000Z-manual.db`: sortable, readable, and safe as a file name everywhere. */
export function backupFileName(at: number, reason: BackupReason, n = 0): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  return `countertop-${stamp}-${reason}${n > 0 ? `-${n}` : ''}.db`;
}

export function parseBackupName(name: string): { createdAt: number; reason: BackupReason } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const reason = m[8] as BackupReason;
  if (!REASONS.includes(reason)) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const createdAt = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return Number.isFinite(createdAt) ? { createdAt, reason } : null;
}

/** Backups in `dir`, newest first. Anything that is not a finished backup (a `.partial`, a stray file) is ignored. */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  const out: BackupInfo[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseBackupName(name);
    if (!parsed) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) out.push({ name, size: st.size, ...parsed });
    } catch {
      // deleted meanwhile
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1));
}

/** A free name for a backup made at `at` (two backups in the same millisecond get -1, -2 …). */
export function freeBackupName(dir: string, at: number, reason: BackupReason): string {
  for (let n = 0; ; n++) {
    const name = backupFileName(at, reason, n);
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, name + PARTIAL))) return name;
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    fsyncFile(dir);
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

/**
 * Copies the live database to `path` with SQLite's online backup API, then turns the copy into a
 * plain single-file database (rollback journal instead of WAL) that any SQLite tool opens read-only
 * without side files, and syncs it to disk.
 */
export async function backupTo(sqlite: Sqlite, path: string): Promise<void> {
  await sqlite.backup(path);
  const copy = new Database(path);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  fsyncFile(path);
}

/**
 * An online backup with SQLite's backup API (better-sqlite3 `db.backup`): pages are copied in
 * steps between other work, so selling continues meanwhile. Written to `<name>.partial` and
 * renamed when complete, so a crash mid-backup never leaves a file that looks like a backup.
 */
export async function writeBackup(sqlite: Sqlite, dir: string, at: number, reason: BackupReason): Promise<BackupInfo> {
  mkdirSync(dir, { recursive: true });
  const name = freeBackupName(dir, at, reason);
  const final = join(dir, name);
  const partial = final + PARTIAL;
  try {
    await backupTo(sqlite, partial);
    renameSync(partial, final);
    fsyncDir(dir);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { name, size: statSync(final).size, createdAt: at, reason };
}

/**
 * Keeps every backup of the last 24 hours, then one a day (the newest of each day) up to
 * `retentionDays`, and deletes the rest (and leftovers of interrupted backups). The newest backup
 * is always kept, however old, so a till that was off for a month still has one.
 */
export function pruneBackups(dir: string, now: number, retentionDays: number): string[] {
  if (!existsSync(dir)) return [];
  for (const name of readdirSync(dir)) if (name.includes(PARTIAL)) rmSync(join(dir, name), { force: true });
  const cutoff = now - retentionDays * 86_400_000;
  const recent = now - 86_400_000;
  const days = new Set<number>();
  const deleted: string[] = [];
  listBackups(dir).forEach((b, i) => {
    const day = Math.floor(b.createdAt / 86_400_000);
    const keep = i === 0 || b.createdAt >= recent || (b.createdAt >= cutoff && !days.has(day));
    days.add(day);
    if (keep) return;
    rmSync(join(dir, b.name), { force: true });
    deleted.push(b.name);
  });
  return deleted;
}

/**
 * Backups made by older versions hold the device token (it was in the database): once the live
 * database gave its token up, the backups give it up too. Each stays a whole backup (its own
 * rollback journal); one that cannot be opened is left as it is.
 */
export function dropTokenFromBackups(dir: string): void {
  for (const { name } of listBackups(dir)) {
    try {
      const db = openConnection(join(dir, name), { fileMustExist: true });
      try {
        if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'").get())
          moveTokenOut(db, memorySecretStore(), false);
      } finally {
        db.close();
      }
    } catch (err) {
      console.warn(`[countertop] could not remove the cloud token from backup ${name}:`, err instanceof Error ? err.message : err);
    }
  }
}
