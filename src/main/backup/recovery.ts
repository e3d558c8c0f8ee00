import type { z } from 'zod';
import { contract, type Channel } from '../../shared/api';
import type { RecoveryInfo } from '../../shared/api/admin';
import type { AppStatus } from '../../shared/api/types';
import type { Result } from '../../shared/errors';
import Database from 'better-sqlite3';
import { AppError, errorFromUnknown } from '../errors';
import { verifyPin, type PinParams } from '../staff/pin';
import type { DataSafety } from './service';
import { listBackups } from './files';
import { backupStoreFacts } from './integrity';
import { join } from 'node:path';

const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;

/** The PIN hashes of the active admins in a backup file, read without writing to it. */
function backupAdminHashes(file: string): string[] {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.prepare("SELECT pin_hash FROM staff WHERE role = 'admin' AND active = 1").all() as { pin_hash: unknown }[];
    return rows.map((r) => r.pin_hash).filter((h): h is string => typeof h === 'string');
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/**
 * A restore from the recovery screen replaces the store, and no one can be signed in: it goes
 * ahead only with the PIN of an active admin of the chosen backup. A failure is counted before
 * the check, so parallel guesses cannot outrun the lock.
 */
async function confirmAdminOfBackup(safety: DataSafety, name: string, pin: string, now: number, params: PinParams): Promise<void> {
  // One count per store, kept by its data-safety service.
  const f = safety.recoveryLockout;
  if (f.lockedUntil > now)
    throw new AppError('LOCKED', 'Too many wrong PINs: wait a few minutes', {
      lockedUntil: f.lockedUntil,
      messageKey: 'data.recovery.locked',
    });
  f.count += 1;
  if (f.count >= MAX_FAILURES) {
    f.lockedUntil = now + LOCK_MS;
    f.count = 0;
  }
  let matched = false;
  for (const hash of backupAdminHashes(join(safety.backupsDir, name))) if (await verifyPin(pin, hash, params)) matched = true;
  if (!matched) throw new AppError('FORBIDDEN', 'That is not the PIN of an admin in this backup', { messageKey: 'data.recovery.wrongPin' });
  f.count = 0;
  f.lockedUntil = 0;
}

/**
 * While the database is damaged the app answers only what the recovery screen needs: the status
 * (with the backups to choose from), a restore, or a fresh start. Input is validated from the
 * contract like everywhere else; everything else answers IO with `details.recovery`.
 */
export async function recoveryCall(
  channel: string,
  rawInput: unknown,
  info: () => RecoveryInfo,
  safety: DataSafety,
  terminalCode: string,
  clock: () => number,
  pinParams: PinParams,
): Promise<Result<unknown>> {
  if (!Object.hasOwn(contract, channel)) return { ok: false, error: { code: 'VALIDATION', message: `Unknown channel ${String(channel)}` } };
  const def = contract[channel as Channel];
  const parsed = (def.input as z.ZodType).safeParse(rawInput ?? {});
  if (!parsed.success)
    return {
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Invalid input',
        details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    };
  try {
    switch (channel) {
      case 'app.status': {
        const backups = listBackups(safety.backupsDir);
        // The damaged file cannot be trusted; the newest backup knows the store's name and language.
        const latest = backups[0] ? backupStoreFacts(join(safety.backupsDir, backups[0].name)) : null;
        const status: AppStatus = {
          setupDone: false,
          storeName: latest?.storeName ?? null,
          language: latest?.language ?? 'en',
          currency: latest?.currency ?? 'USD',
          terminalCode,
          recovery: { ...info(), backups },
        };
        return { ok: true, value: status };
      }
      case 'session.me':
        return { ok: true, value: { staff: null, idleLockMs: 5 * 60_000 } };
      case 'recovery.restore': {
        const { name, pin } = parsed.data as { name: string; pin: string };
        if (!listBackups(safety.backupsDir).some((b) => b.name === name))
          throw new AppError('NOT_FOUND', 'No such backup', { messageKey: 'data.recovery.noSuchBackup' });
        await confirmAdminOfBackup(safety, name, pin, clock(), pinParams);
        return { ok: true, value: await safety.restore(name, { staffId: null, fromRecovery: true }) };
      }
      case 'recovery.startEmpty':
        return { ok: true, value: await safety.startEmpty() };
      default:
        return {
          ok: false,
          error: { code: 'IO', message: 'The database is damaged: restore a backup first', details: { recovery: true } },
        };
    }
  } catch (err) {
    return { ok: false, error: errorFromUnknown(err) };
  }
}
