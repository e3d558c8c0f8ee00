import type { z } from 'zod';
import { contract, type Channel } from '../../shared/api';
import type { RecoveryInfo } from '../../shared/api/admin';
import type { AppStatus } from '../../shared/api/types';
import type { Result } from '../../shared/errors';
import { errorFromUnknown } from '../errors';
import type { DataSafety } from './service';
import { listBackups } from './files';
import { backupStoreFacts } from './integrity';
import { join } from 'node:path';

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
      case 'recovery.restore':
        return { ok: true, value: await safety.restore((parsed.data as { name: string }).name, { staffId: null, fromRecovery: true }) };
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
