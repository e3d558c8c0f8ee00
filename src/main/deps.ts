import type { Clock, IdSource } from '../shared/ids';
import type { Hlc } from '../shared/hlc';
import type { Db, Sqlite } from './db/open';
import type { PaymentProvider } from './payments/provider';
import type { Gateways } from './payments/gateway';
import type { TradeRuntime } from './payments/runtime';
import type { PinParams } from './staff/pin';
import type { DataSafety } from './backup/data-safety';
import type { SecretStore } from './secrets/secrets';
import type { PromotionsState } from './promotions/state';
import type { PriceListsState } from './price-lists/state';
import type { SyncSlot } from './sync/service';
import type { SettingsCache } from './settings/cache';
import type { InventoryCaches } from './inventory/caches';
import type { InsightCaches } from './insight/caches';
import type { BackgroundWork } from './db/background';
import type { Checkpointer } from './db/checkpointer';

export interface EventSink {
  /** Broadcast to every connected renderer session. */
  emit(event: string, payload: unknown): void;
}

/** Everything domain code may touch, passed in explicitly so tests can run it on :memory:. */
export interface Deps {
  sqlite: Sqlite;
  db: Db;
  clock: Clock;
  ids: IdSource;
  hlc: Hlc;
  terminalCode: string;
  events: EventSink;
  payments: PaymentProvider;
  /** The gateway of each payment provider as configured now (null: disabled or not set up). */
  gateways: Gateways;
  /** Trades being driven, providers found unreachable, the reconciler's timer: stopped with the store. */
  trades: TradeRuntime;
  pinParams: PinParams;
  /** Credentials and keys kept outside the database file (never in a backup or an export). */
  secrets: SecretStore;
  resourcesDir: string;
  /** Where product pictures and their thumbnails are kept; null: pictures cannot be stored. */
  imagesDir: string | null;
  /** Where the desktop app saves files the user asked for (its hardened window refuses downloads). */
  exportsDir: string | null;
  /** The active promotions compiled for the till, dropped on every change to them. */
  promotions: PromotionsState;
  /** The active price lists compiled for the till, dropped on every change to them. */
  priceLists: PriceListsState;
  /** The store's settings as last read (settings/settings.ts keeps it right across writes and rollbacks). */
  settingsCache: SettingsCache;
  /** Staged uploads and list caches of inventory, kept between calls. */
  inventory: InventoryCaches;
  /** The dashboard's caches and the timer that adds queued sales to the rollups. */
  insight: InsightCaches;
  /** Work done a step per turn of the event loop (search entries, level rows, sort keys): stopped with the store. */
  background: BackgroundWork;
  /** The WAL checkpoint worker of an on-disk store (null in memory, or when it could not start): stopped with the store. */
  checkpointer: Checkpointer | null;
  /** Cloud sync of this store: its engine and managers' cloud sign-ins, set once the runtime is created at open. */
  sync: SyncSlot;
  /** Backups, restore and export of the store's file; absent for an in-memory store. */
  dataSafety?: DataSafety;
}
