import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { CloudRejection, EnrolmentCode, StaffSession, StockRow, StoreOverview, StoreWithDevices } from '../sync/protocol';

export interface OfflineCardPolicy {
  /** Largest card payment taken while offline, minor units; 0 turns offline card payments off. */
  maxPerSale: number;
  /** Most this terminal may hold unsent, minor units. */
  maxTotal: number;
  /** Hours an unsent offline payment may wait before new ones are refused. */
  windowHours: number;
}

export interface OfflineCardSummary {
  count: number;
  total: number;
  oldestAt: number | null;
}

export interface SyncStatus {
  enrolled: boolean;
  /** A new terminal downloading its store for the first time. */
  joining: boolean;
  online: boolean;
  syncing: boolean;
  /** Local changes not yet in the cloud. */
  pending: number;
  lastSyncAt: number | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastError: { code: string; message: string; at: number } | null;
  /** Cloud clock minus this terminal's clock. */
  clockSkewMs: number;
  serverUrl: string | null;
  orgName: string | null;
  storeName: string | null;
  storeId: string | null;
  terminalCode: string;
  deviceId: string | null;
  /** Changes the cloud refused (or sync adjusted) not yet looked at. */
  rejections: number;
  offlineCards: OfflineCardSummary;
}

export interface LocalRejection {
  id: string;
  mutationId: number | null;
  entity: string;
  entityId: string;
  code: string;
  message: string;
  at: number;
  resolvedAt: number | null;
}

export interface CloudSessionInfo {
  signedIn: boolean;
  staffName: string | null;
  expiresAt: number | null;
}

const serverUrl = z.url({ protocol: /^https?$/ }).max(300);
const storeId = c.id;

export const syncContract = {
  'sync.status': channel<SyncStatus>()({ input: c.empty, role: 'clerk', writes: false }),
  'sync.now': channel<SyncStatus>()({ input: c.empty, role: 'clerk', writes: 'own' }),
  'sync.createOrg': channel<SyncStatus>()({
    input: z
      .object({ serverUrl, orgName: c.name, terminalName: c.name.optional(), signupSecret: z.string().trim().min(1).max(200).optional() })
      .strict(),
    role: 'admin',
    writes: 'own',
  }),
  /** Before set-up: a new (or rebuilt) terminal joins its organisation with a one-time code. */
  'sync.join': channel<SyncStatus>()({
    input: z.object({ serverUrl, code: safeLine(40, { min: 8 }), terminalName: c.name.optional() }).strict(),
    role: 'public',
    writes: 'own',
  }),
  /** Status before sign-in (the set-up screen shows a join in progress). */
  'sync.joinStatus': channel<SyncStatus>()({ input: c.empty, role: 'public', writes: false }),
  /**
   * A set-up terminal whose cloud token is not on this machine (a backup from elsewhere, a new
   * disk) enrols again with a one-time code for its own organisation and store.
   */
  'sync.rejoin': channel<SyncStatus>()({
    input: z.object({ code: safeLine(40, { min: 8 }), serverUrl: serverUrl.optional() }).strict(),
    role: 'admin',
    writes: 'own',
  }),
  'sync.signOut': channel<SyncStatus>()({
    /** `discardOfflineCards`: only for a terminal that must join again, whose offline card payments cannot be sent. */
    input: z.object({ discardPending: z.boolean(), discardOfflineCards: z.boolean().optional() }).strict(),
    role: 'admin',
    writes: 'own',
  }),
  'sync.offlinePolicy': channel<OfflineCardPolicy>()({ input: c.empty, role: 'clerk', writes: false }),
  'sync.setOfflinePolicy': channel<OfflineCardPolicy>()({
    input: z.object({ maxPerSale: c.minor, maxTotal: c.minor, windowHours: z.number().int().min(1).max(168) }).strict(),
    role: 'admin',
    writes: true,
  }),
  'sync.localRejections': channel<LocalRejection[]>()({ input: c.empty, role: 'manager', writes: false }),
  'sync.resolveLocalRejection': channel<LocalRejection[]>()({
    input: z.object({ id: safeLine(200, { min: 1, trim: false }) }).strict(),
    role: 'manager',
    writes: true,
  }),
  'sync.cloudSession': channel<CloudSessionInfo>()({ input: c.empty, role: 'manager', writes: false }),
  'sync.cloudSignIn': channel<CloudSessionInfo>()({ input: z.object({ pin: c.pin }).strict(), role: 'manager', writes: 'own' }),
  'sync.cloudSignOut': channel<CloudSessionInfo>()({ input: c.empty, role: 'manager', writes: false }),
  'sync.overview': channel<StoreOverview[]>()({ input: c.empty, role: 'manager', writes: false }),
  'sync.stock': channel<{ rows: StockRow[]; total: number }>()({
    input: z
      .object({
        storeId,
        q: safeLine(100, { trim: false }),
        offset: z.number().int().min(0).max(10_000_000),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'sync.cloudRejections': channel<CloudRejection[]>()({ input: c.empty, role: 'manager', writes: false }),
  'sync.resolveCloudRejection': channel<CloudRejection[]>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: 'own' }),
  'sync.stores': channel<StoreWithDevices[]>()({ input: c.empty, role: 'admin', writes: false }),
  'sync.createStore': channel<StoreWithDevices[]>()({ input: z.object({ name: c.name }).strict(), role: 'admin', writes: 'own' }),
  'sync.createCode': channel<EnrolmentCode>()({
    input: z.object({ storeId, replacesDeviceId: c.id.nullable().optional() }).strict(),
    role: 'admin',
    writes: 'own',
  }),
  'sync.revokeDevice': channel<StoreWithDevices[]>()({ input: z.object({ deviceId: c.id }).strict(), role: 'admin', writes: 'own' }),
};

export type { StaffSession };
