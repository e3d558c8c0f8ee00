import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7, type Clock, type IdSource } from '../shared/ids';
import { createHlc } from '../shared/hlc';
import type { RecoveryInfo } from '../shared/api/admin';
import type { Result } from '../shared/errors';
import { openStore, type Store } from './db/open';
import { startCheckpointer, type Checkpointer } from './db/checkpointer';
import { AppError } from './errors';
import type { Deps, EventSink } from './deps';
import { handlers } from './handlers';
import { createRouter, type Router } from './router';
import { SessionStore } from './sessions';
import { createSimulatedTerminal } from './payments/simulated-terminal';
import type { PaymentProvider } from './payments/provider';
import { OWASP_SCRYPT, type PinParams } from './staff/pin';
import { createDataSafety, type DataSafety } from './backup/service';
import {
  clearRecoveryMarker,
  isDamageError,
  quickCheckFile,
  readRecoveryMarker,
  setAsideDamaged,
  writeRecoveryMarker,
} from './backup/integrity';
import { listBackups } from './backup/files';
import { recoveryCall } from './backup/recovery';
import { createSyncRuntime, type SyncOptions, type SyncRuntime } from './sync/runtime';
import { afterRestore } from './sync/restore';
import { getState } from './sync/state';
import { finishFirstDownload } from './sync/after-download';
import { fileSecretStore, memorySecretStore, secretsFileIn, type SecretStore } from './secrets/secrets';

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
  /** Where secrets live: the desktop app passes a safeStorage-sealed store; default a user-only file in the data folder (memory without one). */
  secrets?: SecretStore;
  /** Automatic backups on a timer (default: on when there is a data folder). */
  automaticBackups?: boolean;
  /** WAL checkpoints on a worker thread (default: on when there is a data folder; src/main/db/checkpointer.ts). */
  walCheckpointWorker?: boolean;
  /** Cloud sync: transport, timers (tests), and whether the loop starts at once. */
  sync?: SyncOptions;
}

export interface App {
  router: Router;
  /** The open store (throws while the app is in recovery). */
  readonly deps: Deps;
  readonly store: Store;
  /** Cloud sync of the open store: its engine and managers' cloud sign-ins. */
  readonly sync: SyncRuntime;
  /** Set when the database failed its start-up check; the renderer offers the backups. */
  readonly recovery: RecoveryInfo | null;
  readonly dataSafety: DataSafety | null;
  /** Backs up (a set-up store with a data folder), then closes. Transports call this on quit. */
  shutdown(): Promise<void>;
  /** Closes at once, without the shutdown backup. */
  close(): void;
}

export const DB_FILE = 'countertop.db';

interface Core {
  store: Store;
  deps: Deps;
  router: Router;
  sync: SyncRuntime;
  checkpointer: Checkpointer | null;
}

type Listener = (event: string, payload: unknown) => void;

/**
 * Wires the store, the domain and the router. Both transports (Electron IPC, the host) call this.
 * With a data folder the file gets a quick check first: a damaged database is set aside (kept)
 * and the app starts in recovery, offering its backups, instead of failing to start.
 */
export function createApp(opts: AppOptions): App {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const file = opts.dataDir ? join(opts.dataDir, DB_FILE) : ':memory:';
  const clock = opts.clock ?? Date.now;
  const listeners = new Map<string, Set<Listener>>();
  const events: EventSink = {
    emit(event, payload) {
      for (const set of listeners.values()) for (const l of set) l(event, payload);
    },
  };
  const payments = opts.payments ?? createSimulatedTerminal({ delayMs: 1500 });
  const secrets = opts.secrets ?? (opts.dataDir ? fileSecretStore(secretsFileIn(opts.dataDir)) : memorySecretStore());
  let core: Core | null = null;
  let recovery: RecoveryInfo | null = null;
  let closed = false;

  // Calls in flight, and a gate that holds new calls while a restore swaps the database.
  let inFlight = 0;
  let gate: Promise<void> | null = null;
  const idle: (() => void)[] = [];

  function openCore(): Core {
    const store = openStore(file, opts.migrationsDir);
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
      payments,
      pinParams: opts.pinParams ?? OWASP_SCRYPT,
      secrets,
      resourcesDir: opts.resourcesDir,
      imagesDir: opts.imagesDir !== undefined ? opts.imagesDir : opts.dataDir ? join(opts.dataDir, 'images') : null,
      exportsDir: opts.exportsDir !== undefined ? opts.exportsDir : opts.dataDir ? join(opts.dataDir, 'exports') : null,
      ...(safety ? { dataSafety: safety } : {}),
    };
    // What a first download left for later and the app closed before finishing is finished now; a
    // terminal still joining leaves it to the end of its download.
    if (getState(store.sqlite, 'joining') !== true) finishFirstDownload(deps);
    return {
      store,
      deps,
      router: createRouter(deps, handlers, new SessionStore(), listeners),
      sync: createSyncRuntime(deps, opts.sync),
      checkpointer: opts.dataDir && opts.walCheckpointWorker !== false ? startCheckpointer(store.sqlite, file) : null,
    };
  }

  function closeCore(): void {
    core?.sync.engine.stop();
    // Before the main connection closes: its close then checkpoints the rest and removes the WAL.
    core?.checkpointer?.stop();
    if (core?.store.sqlite.open) core.store.sqlite.close();
    core = null;
  }

  const safety: DataSafety | null = opts.dataDir
    ? createDataSafety({
        dataDir: opts.dataDir,
        dbFile: file,
        migrationsDir: opts.migrationsDir,
        clock,
        automatic: opts.automaticBackups ?? true,
        slot: {
          deps: () => core?.deps ?? null,
          async exclusive(fn, own) {
            while (gate) await gate;
            let release!: () => void;
            gate = new Promise<void>((r) => (release = r));
            try {
              const deadline = Date.now() + 15_000;
              while (inFlight > own) {
                if (Date.now() > deadline) throw new AppError('CONFLICT', 'Other work is still running: try again in a moment');
                await new Promise<void>((r) => {
                  idle.push(r);
                  setTimeout(r, 100);
                });
              }
              return await fn();
            } finally {
              gate = null;
              release();
            }
          },
          close: closeCore,
          open() {
            closeCore();
            core = openCore();
            // A restored database is older than what the cloud has from this terminal: resync.
            afterRestore(core.deps);
            return core.deps;
          },
          recovered() {
            recovery = null;
            if (opts.dataDir) clearRecoveryMarker(opts.dataDir);
          },
        },
      })
    : null;

  function enterRecovery(problem: string): void {
    closeCore();
    const damaged = setAsideDamaged(file, clock());
    console.error(`[countertop] the database failed its check (${problem}); kept as ${damaged ?? '(nothing)'}; waiting for a restore`);
    recovery = { problem, damagedFile: damaged, folder: safety!.backupsDir, backups: [] };
    writeRecoveryMarker(opts.dataDir!, { problem, damagedFile: damaged, at: clock() });
  }

  if (opts.dataDir) {
    const marker = readRecoveryMarker(opts.dataDir);
    const check = quickCheckFile(file);
    if (!check.ok) enterRecovery(check.problem);
    else if (marker && !existsSync(file)) {
      // Restarted while waiting for a restore: still waiting (never silently a new, empty store).
      recovery = { problem: marker.problem, damagedFile: marker.damagedFile, folder: safety!.backupsDir, backups: [] };
    } else if (marker) clearRecoveryMarker(opts.dataDir); // a restore finished just before a crash
  }
  if (!recovery) {
    try {
      core = openCore();
    } catch (err) {
      if (!opts.dataDir || !isDamageError(err)) throw err;
      enterRecovery(err instanceof Error ? err.message : String(err));
    }
  }
  safety?.schedule();

  const router: Router = {
    async call(channel, input, sessionKey): Promise<Result<unknown>> {
      while (gate) await gate;
      if (closed) return { ok: false, error: { code: 'IO', message: 'Countertop is shutting down' } };
      if (recovery || !core) {
        return recoveryCall(channel, input, () => recovery!, safety!, opts.terminalCode ?? 'T1');
      }
      inFlight++;
      try {
        return await core.router.call(channel, input, sessionKey);
      } finally {
        inFlight--;
        for (const wake of idle.splice(0)) wake();
      }
    },
    subscribe(sessionKey, listener) {
      let set = listeners.get(sessionKey);
      if (!set) listeners.set(sessionKey, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    dropSession(sessionKey) {
      core?.router.dropSession(sessionKey);
      listeners.delete(sessionKey);
    },
  };

  const openCoreOrThrow = (): Core => {
    if (!core) throw new Error('The database is not open: the app is in recovery');
    return core;
  };

  const close = (): void => {
    closed = true;
    safety?.stop();
    closeCore();
  };

  return {
    router,
    get deps() {
      return openCoreOrThrow().deps;
    },
    get store() {
      return openCoreOrThrow().store;
    },
    get sync() {
      return openCoreOrThrow().sync;
    },
    get recovery() {
      return recovery && { ...recovery, backups: listBackups(safety!.backupsDir) };
    },
    dataSafety: safety,
    async shutdown() {
      if (closed) return;
      await safety?.shutdown();
      close();
    },
    close,
  };
}
