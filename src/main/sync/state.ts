/** The terminal's sync state, one row per key in `sync_state`. */
import type { Sqlite } from '../db/open';
import { stmt } from './tables';

export interface CloudLink {
  serverUrl: string;
  token: string;
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
}

export interface ParkedValue {
  e: string;
  i: string;
  field: string;
  value: unknown;
  clock: string | null;
}

export function getState<K extends keyof SyncStateValues>(sqlite: Sqlite, key: K): SyncStateValues[K] | null {
  const raw = stmt(sqlite, 'SELECT value FROM sync_state WHERE key = ?', 'pluck').get(key) as string | undefined;
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
