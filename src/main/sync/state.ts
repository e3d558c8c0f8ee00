/** The terminal's sync state, one row per key in `sync_state`. */
import type { Sqlite } from '../db/open';
import type { SecretStore } from '../secrets/secrets';
import { stmt } from './tables';
import type { SqlRow } from '../db/rows';
import type { syncState } from '../db/schema';

type StateValue = SqlRow<typeof syncState>['value'];

/**
 * Which cloud, organisation and store this terminal belongs to. The device token that proves it
 * is not here: it lives in the secret store (deviceToken), so a copy of the database file cannot
 * speak to the cloud.
 */
export interface CloudLink {
  serverUrl: string;
  orgId: string;
  orgName: string;
  storeId: string;
  storeName: string;
  deviceId: string;
  terminalCode: string;
  enrolledAt: number;
}

export interface SyncStateValues {
  cloud: CloudLink;
  /** Outbox seq before this device's first mutation: mutation id = seq − base. */
  mutationBase: number;
  /** Change-log position of the last pulled page. */
  cursor: number;
  /** A fresh terminal joining: set up from the cloud once the first full pull lands. */
  joining: boolean;
  lastSyncAt: number;
  lastAttemptAt: number;
  lastError: { code: string; message: string; at: number } | null;
  online: boolean;
  /** Cloud clock minus ours, measured at the last exchange. */
  clockSkewMs: number;
  /** The highest clock stamp this terminal made or saw: its clock restarts above it. */
  hlcFloor: string;
  /** This database's generation: set when a backup was restored (see restore.ts). */
  epoch: string;
  /** After a restore: pull everything again, this terminal's own facts included. */
  resync: boolean;
  /** Unique values moved aside during a pull, settled once the pull has caught up (see pull.ts). */
  parked: ParkedValue[];
  /** A first download brought products whose level rows are still to be added (after-download.ts). */
  levelsPending: boolean;
  /** The device for which every picture this terminal holds was queued for upload (pictures.ts). */
  picturesQueuedFor: string;
}

export interface ParkedValue {
  e: string;
  i: string;
  field: string;
  value: unknown;
  clock: string | null;
}

export function getState<K extends keyof SyncStateValues>(sqlite: Sqlite, key: K): SyncStateValues[K] | null {
  const raw = stmt(sqlite, 'SELECT value FROM sync_state WHERE key = ?', 'pluck').get(key) as StateValue | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as SyncStateValues[K]);
}

export function setState<K extends keyof SyncStateValues>(sqlite: Sqlite, key: K, value: SyncStateValues[K] | null): void {
  if (value === null) stmt(sqlite, 'DELETE FROM sync_state WHERE key = ?').run(key);
  else
    stmt(sqlite, 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      JSON.stringify(value),
    );
}

export function cloudLink(sqlite: Sqlite): CloudLink | null {
  return getState(sqlite, 'cloud');
}

/** Keyed by device: a database restored from another terminal finds no token for its device. */
const tokenKey = (deviceId: string) => `cloudToken:${deviceId}`;

/** The device token of a link, or null when this machine does not hold it (the terminal must join again). */
export function deviceToken(secrets: SecretStore, link: Pick<CloudLink, 'deviceId'>): string | null {
  return secrets.get(tokenKey(link.deviceId));
}

export function saveDeviceToken(secrets: SecretStore, deviceId: string, token: string): void {
  secrets.set(tokenKey(deviceId), token);
}

export function forgetDeviceToken(secrets: SecretStore, deviceId: string): void {
  secrets.delete(tokenKey(deviceId));
}

/**
 * Older versions kept the token in the link row. On open it moves to the secret store (`keep`) or,
 * for a restored backup, is only dropped: a token that came with a file is not adopted. The row
 * is rewritten with secure_delete so the old bytes do not linger in the file's free space. True
 * when there was one.
 */
export function moveTokenOut(sqlite: Sqlite, secrets: SecretStore, keep: boolean): boolean {
  const raw = stmt(sqlite, "SELECT value FROM sync_state WHERE key = 'cloud'", 'pluck').get() as StateValue | undefined;
  if (raw === undefined) return false;
  const { token, ...link } = JSON.parse(raw) as CloudLink & { token?: unknown };
  if (token === undefined) return false;
  if (keep && typeof token === 'string' && token) saveDeviceToken(secrets, link.deviceId, token);
  const before = sqlite.pragma('secure_delete', { simple: true }) as number;
  sqlite.pragma('secure_delete = ON');
  try {
    setState(sqlite, 'cloud', link);
  } finally {
    sqlite.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
  return true;
}
