import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7, type Clock, type IdSource } from '../shared/ids';
import { createHlc } from '../shared/hlc';
import { openStore, type Store } from './db/open';
import type { Deps, EventSink } from './deps';
import { handlers } from './handlers';
import { createRouter, type Router } from './router';
import { SessionStore } from './sessions';
import { createSimulatedTerminal } from './payments/simulated-terminal';
import type { PaymentProvider } from './payments/provider';
import { OWASP_SCRYPT, type PinParams } from './staff/pin';

export interface AppOptions {
  /** Folder for countertop.db; null keeps everything in memory (tests). */
  dataDir: string | null;
  /** Product pictures; defaults to `images/` in the data folder (none for an in-memory store). */
  imagesDir?: string | null;
  /** Files saved for the user (order PDFs, CSV exports) in the desktop app; defaults to `exports/` in the data folder. */
  exportsDir?: string | null;
  migrationsDir: string;
  resourcesDir: string;
  terminalCode?: string;
  clock?: Clock;
  ids?: IdSource;
  payments?: PaymentProvider;
  pinParams?: PinParams;
}

export interface App {
  router: Router;
  deps: Deps;
  store: Store;
  close(): void;
}

export const DB_FILE = 'countertop.db';

/** Wires the store, the domain and the router. Both transports (Electron IPC, the host) call this. */
export function createApp(opts: AppOptions): App {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const store = openStore(opts.dataDir ? join(opts.dataDir, DB_FILE) : ':memory:', opts.migrationsDir);
  const clock = opts.clock ?? Date.now;
  const listeners = new Map<string, Set<(event: string, payload: unknown) => void>>();
  const events: EventSink = {
    emit(event, payload) {
      for (const set of listeners.values()) for (const l of set) l(event, payload);
    },
  };
  // The terminal keeps the code it was set up with; order numbers are per terminal.
  const stored = store.sqlite.prepare("SELECT value FROM settings WHERE key = 'terminalCode'").get() as { value: string } | undefined;
  const terminalCode = stored ? (JSON.parse(stored.value) as string) : (opts.terminalCode ?? 'T1');
  const deps: Deps = {
    ...store,
    clock,
    ids: opts.ids ?? (() => uuidv7(clock())),
    hlc: createHlc(terminalCode, clock),
    terminalCode,
    events,
    payments: opts.payments ?? createSimulatedTerminal({ delayMs: 1500 }),
    pinParams: opts.pinParams ?? OWASP_SCRYPT,
    resourcesDir: opts.resourcesDir,
    imagesDir: opts.imagesDir !== undefined ? opts.imagesDir : opts.dataDir ? join(opts.dataDir, 'images') : null,
    exportsDir: opts.exportsDir !== undefined ? opts.exportsDir : opts.dataDir ? join(opts.dataDir, 'exports') : null,
  };
  const router = createRouter(deps, handlers, new SessionStore(), listeners);
  return {
    router,
    deps,
    store,
    close() {
      if (store.sqlite.open) store.sqlite.close();
    },
  };
}
