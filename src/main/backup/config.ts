import type { BackupConfig } from '../../shared/api/admin';
import type { Deps } from '../deps';
import { UNSTAMPED } from '../db/write-path';
import type { Cols } from '../db/rows';
import type { settings } from '../db/schema';

export const DEFAULT_BACKUP_CONFIG: BackupConfig = { retentionDays: 30, intervalMinutes: 60 };

const KEYS: Record<keyof BackupConfig, string> = {
  retentionDays: 'backupRetentionDays',
  intervalMinutes: 'backupIntervalMinutes',
};

/**
 * Backup settings live in the settings table under their own keys. They belong to this terminal
 * (each till backs up its own file), so, like the printer, they never go to the outbox.
 */
export function readBackupConfig(deps: Pick<Deps, 'sqlite'>): BackupConfig {
  const out = { ...DEFAULT_BACKUP_CONFIG };
  const get = deps.sqlite.prepare('SELECT value FROM settings WHERE key = ?');
  for (const [field, key] of Object.entries(KEYS) as [keyof BackupConfig, string][]) {
    const row = get.get(key) as Cols<typeof settings, 'value'> | undefined;
    if (!row) continue;
    const v = JSON.parse(row.value) as unknown;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[field] = v;
  }
  return out;
}

export function writeBackupConfig(deps: Pick<Deps, 'sqlite' | 'hlc'>, patch: Partial<BackupConfig>): BackupConfig {
  const put = deps.sqlite.prepare(
    'INSERT INTO settings (key, value, hlc) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const [field, key] of Object.entries(KEYS) as [keyof BackupConfig, string][]) {
    const v = patch[field];
    if (v !== undefined) put.run(key, JSON.stringify(v), UNSTAMPED);
  }
  return readBackupConfig(deps);
}
