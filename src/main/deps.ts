import type { Clock, IdSource } from '../shared/ids';
import type { Hlc } from '../shared/hlc';
import type { Db, Sqlite } from './db/open';
import type { PaymentProvider } from './payments/provider';
import type { PinParams } from './staff/pin';
import type { DataSafety } from './backup/service';

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
  pinParams: PinParams;
  resourcesDir: string;
  /** Backups, restore and export of the store's file; absent for an in-memory store. */
  dataSafety?: DataSafety;
}
