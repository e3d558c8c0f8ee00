import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Cols } from '../db/rows';
import type { settings } from '../db/schema';

export type FileCheck = { ok: true } | { ok: false; problem: string };

const DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/;

/** SQLite's own words for a damaged file (as opposed to a busy, locked or unreadable one). */
export function isDamageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DAMAGE.test(code);
}

/**
 * `PRAGMA quick_check` on a database file, on a connection of its own (nothing is migrated or
 * written besides SQLite replaying its own WAL). A missing file is fine: it becomes a new store.
 * Errors that are not damage (locked by another copy of the app, no permission) are thrown.
 */
export function quickCheckFile(file: string): FileCheck {
  if (!existsSync(file)) return { ok: true };
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return problems.length === 0 ? { ok: true } : { ok: false, problem: problems.slice(0, 5).join('; ') };
  } catch (err) {
    if (isDamageError(err)) return { ok: false, problem: err instanceof Error ? err.message : String(err) };
    throw err;
  } finally {
    try {
      db?.close();
    } catch {
      // a damaged file may refuse to close cleanly; the handle is released anyway
    }
  }
}

/**
 * Written when the store's connection closed in order, removed when it opens: found at start, it
 * says the file was left whole by this app, so the start-up quick check (which reads every page:
 * 10 s on a 1M-product store) can be skipped and left to the background check. It records the
 * file's size and time of change, so a file replaced or written by anything else while the app was
 * closed is checked at start all the same.
 */
export const CLEAN_CLOSE_MARKER = 'countertop-closed-cleanly.json';

interface CleanClose {
  size: number;
  mtimeMs: number;
  at: number;
}

export function writeCleanCloseMarker(dataDir: string, file: string, at: number): void {
  try {
    const st = statSync(file);
    const marker: CleanClose = { size: st.size, mtimeMs: st.mtimeMs, at };
    writeFileSync(join(dataDir, CLEAN_CLOSE_MARKER), JSON.stringify(marker));
  } catch {
    // No marker only means a quick check at the next start.
  }
}

/**
 * Takes the marker away (the store is about to be opened) and answers whether the last close was
 * clean and the file is as that close left it. A missing or unreadable marker answers false.
 */
export function takeCleanCloseMarker(dataDir: string, file: string): boolean {
  const path = join(dataDir, CLEAN_CLOSE_MARKER);
  let clean: boolean;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<CleanClose>;
    const st = statSync(file);
    clean = m.size === st.size && m.mtimeMs === st.mtimeMs;
  } catch {
    clean = false;
  }
  rmSync(path, { force: true });
  return clean;
}

/** Checks a backup before it replaces the store: a whole, readable Countertop database. */
export function checkBackupFile(file: string): FileCheck {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length > 0) return { ok: false, problem: problems.slice(0, 5).join('; ') };
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
    );
    for (const t of ['settings', 'orders', 'journal', '__drizzle_migrations'])
      if (!tables.has(t)) return { ok: false, problem: `not a Countertop database (no ${t} table)` };
    return { ok: true };
  } catch (err) {
    return { ok: false, problem: err instanceof Error ? err.message : String(err) };
  } finally {
    db?.close();
  }
}

/**
 * Moves a damaged database (and its WAL, which may hold the last committed sales) aside as
 * `countertop-damaged-<time>.db[-wal]`, next to where it was. Nothing is deleted.
 */
export function setAsideDamaged(file: string, at: number): string | null {
  if (!existsSync(file)) return null;
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const base = basename(file).replace(/\.db$/, '');
  let target = join(dirname(file), `${base}-damaged-${stamp}.db`);
  for (let n = 1; existsSync(target); n++) target = join(dirname(file), `${base}-damaged-${stamp}-${n}.db`);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  renameSync(file, target);
  return target;
}

/**
 * While in recovery the database file is gone (set aside), so a restart would otherwise create a new,
 * empty store. A marker beside it keeps the app in recovery until a backup is restored or the
 * clerk chooses to start empty.
 */
export const RECOVERY_MARKER = 'countertop-recovery.json';

export interface RecoveryMarker {
  problem: string;
  damagedFile: string | null;
  at: number;
}

export function readRecoveryMarker(dataDir: string): RecoveryMarker | null {
  try {
    const m = JSON.parse(readFileSync(join(dataDir, RECOVERY_MARKER), 'utf8')) as Partial<RecoveryMarker>;
    return typeof m.problem === 'string' ? { problem: m.problem, damagedFile: m.damagedFile ?? null, at: Number(m.at) || 0 } : null;
  } catch {
    return null;
  }
}

export function writeRecoveryMarker(dataDir: string, marker: RecoveryMarker): void {
  writeFileSync(join(dataDir, RECOVERY_MARKER), JSON.stringify(marker, null, 2));
}

export function clearRecoveryMarker(dataDir: string): void {
  rmSync(join(dataDir, RECOVERY_MARKER), { force: true });
}

/** The store's name, language and currency as a backup has them (for the recovery screen); null if unreadable. */
export function backupStoreFacts(file: string): { storeName: string | null; language: 'en' | 'zh-CN'; currency: string } | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.prepare("SELECT key, value FROM settings WHERE key IN ('storeName', 'language', 'currency')").all() as Cols<
      typeof settings,
      'key' | 'value'
    >[];
    const v = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    return {
      storeName: typeof v.storeName === 'string' && v.storeName ? v.storeName : null,
      language: v.language === 'zh-CN' ? 'zh-CN' : 'en',
      currency: typeof v.currency === 'string' ? v.currency : 'USD',
    };
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
