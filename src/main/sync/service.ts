/**
 * The store's sync services as the rest of main sees them. Only interfaces and two lookups live
 * here, so Deps can hold the engine without Deps importing the engine (which imports Deps).
 */
import type { StaffSession } from '../../shared/sync/protocol';
import type { SyncStatus } from '../../shared/api/sync';
import type { CloudLink } from './state';
import type { CloudClient, SyncTransport } from './transport';

/** The background loop that pushes and pulls one store's changes (SyncEngine). */
export interface SyncService {
  readonly transport: SyncTransport;
  /** Null without a link, or when this machine does not hold the link's token. */
  client(link?: CloudLink | null): CloudClient | null;
  start(): void;
  stop(): void;
  /** Enrolment changed: track field stamps from now on and sync at once. */
  linked(): void;
  /** True when connected to a cloud that did not answer the last attempt. */
  isOffline(): boolean;
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  /** Forget the in-memory state (the link was removed). */
  reset(): void;
}

/** Managers' cloud sign-ins, per router session (memory only: a restart asks again). */
export interface CloudSignIns {
  get(sessionKey: string, staffId: string, now: number): StaffSession | null;
  set(sessionKey: string, staffId: string, session: StaffSession): void;
  drop(sessionKey: string): void;
}

export interface SyncRuntime {
  engine: SyncService;
  sessions: CloudSignIns;
}

/** Where createApp keeps the store's sync runtime; empty until the runtime is created at open. */
export interface SyncSlot {
  runtime: SyncRuntime | null;
}

export function syncRuntime(deps: { sync: SyncSlot }): SyncRuntime {
  const rt = deps.sync.runtime;
  if (!rt) throw new Error('sync runtime not created for this store');
  return rt;
}

/** The store's engine, or undefined before it is created (early in opening the store). */
export function engineFor(deps: { sync: SyncSlot }): SyncService | undefined {
  return deps.sync.runtime?.engine;
}
