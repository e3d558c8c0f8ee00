import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7, type Clock, type IdSource } from '../shared/ids';
import { createHlc } from '../shared/hlc';
import type { RecoveryInfo } from '../shared/api/admin';
import type { Result } from '../shared/errors';
import { openStore, type Store } from './db/open';
import { startSortKeyFill } from './catalog/sort-key';
import { createBackgroundWork } from './db/background';
import { startCheckpointer, type Checkpointer } from './db/checkpointer';
import { startWeightFix, weightFixPending, type WeightFix } from './insight/weight-fix';
import { AppError } from './errors';
import type { Deps, EventSink } from './deps';
import { handlers } from './handlers';
import { createRouter, type Router } from './router';
import { SessionStore } from './sessions';
import { createSimulatedTerminal } from './payments/simulated-terminal';
import type { PaymentProvider } from './payments/provider';
import { createGateways, trainingProviders, type GatewayFactories, type TrainingUrl } from './payments/config';
import { PROVIDER_FACTORIES } from './payments/providers';
import { createTrainingFakes } from './payments/training';
import { createTradeRuntime } from './payments/runtime';
import { DEFAULT_RECONCILE_EVERY_MS, startReconciler } from './payments/reconciler';
import type { ProviderId } from './payments/gateway';
import { tillCloud } from './payments/cloud-notices';
import { DEFAULT_NOTICE_POLL_MS, startNoticePoller } from './payments/notice-poller';
import { OWASP_SCRYPT, type PinParams } from './staff/pin';
import { createDataSafety, type DataSafety } from './backup/service';
import {
  CLEAN_CLOSE_MARKER,
  clearRecoveryMarker,
  isDamageError,
  quickCheckFile,
  readRecoveryMarker,
  setAsideDamaged,
  takeCleanCloseMarker,
  writeCleanCloseMarker,
  writeRecoveryMarker,
} from './backup/integrity';
import { startIntegrityCheck, type CheckOutcome, type RunningCheck } from './backup/background-check';
import { recordAudit } from './audit/audit';
import { BACKUP_DIR, dropTokenFromBackups, listBackups } from './backup/files';
import { recoveryCall } from './backup/recovery';
import { createSyncRuntime, type SyncOptions } from './sync/runtime';
import { engineFor, type SyncRuntime, type SyncSlot } from './sync/service';
import { afterRestore } from './sync/restore';
import { getState, moveTokenOut } from './sync/state';
import { finishFirstDownload } from './sync/after-download';
import { fileSecretStore, memorySecretStore, secretsFileIn, type SecretStore } from './secrets/secrets';
import { createPromotionsState } from './promotions/state';
import { createPriceListsState } from './price-lists/state';
import { createSettingsCache } from './settings/cache';
import { createInventoryCaches } from './inventory/caches';
import { createInsightCaches, stopInsightCaches } from './insight/caches';
import type { Cols } from './db/rows';
import type { settings } from './db/schema';

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
  /**
   * How each payment provider's gateway is built from its settings (createAlipayGateway…); a
   * provider without a factory is unavailable.
   */
  gateways?: GatewayFactories;
  /** Training mode: the base URL of the provider's training fake, or null when none runs. */
  trainingUrl?: TrainingUrl;
  /**
   * Where providers send QR notifications, or null: the till polls. Default: the endpoint of the
   * cloud this till is linked to (none when not linked).
   */
  paymentNotifyUrl?: (provider: ProviderId) => string | null;
  /** How often notifications the cloud verified are read while a QR or terminal trade is open (default 2 s; 0: never). */
  noticePollMs?: number;
  /** Background reconciliation of trades (default every 30 s; 0: only at start-up and when kicked). */
  reconcileEveryMs?: number;
  pinParams?: PinParams;
  /** Where secrets live: the desktop app passes a safeStorage-sealed store; default a user-only file in the data folder (memory without one). */
  secrets?: SecretStore;
  /** Automatic backups on a timer (default: on when there is a data folder). */
  automaticBackups?: boolean;
  /** WAL checkpoints on a worker thread (default: on when there is a data folder; src/main/db/checkpointer.ts). */
  walCheckpointWorker?: boolean;
  /** The background correction of rollups written before weights were counted apart (insight/weight-fix.ts). */
  weightFix?: { firstAfterMs?: number; pauseMs?: number } | false;
  /** Cloud sync: transport, timers (tests), and whether the loop starts at once. */
  sync?: SyncOptions;
  /**
   * The full integrity check on a worker while the store sells (default: on when there is a data
   * folder; first a minute after opening, so it stays out of the start, then daily).
   */
  backgroundCheck?: { firstAfterMs?: number; everyMs?: number; pauseMs?: number } | false;
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
  /**
   * What guarded this start: `quick_check` (after an unclean shutdown, or a file changed while the
   * app was closed), `skipped` (closed cleanly: the background check covers it), null (in memory).
   */
  readonly startupCheck: 'quick_check' | 'skipped' | null;
  /** Runs the full integrity check now (on its worker) and acts on it: audit row, recovery when damaged. */
  checkIntegrity(): Promise<CheckOutcome>;
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
  weightFix: WeightFix | null;
}

type Listener = (event: string, payload: unknown) => void;

/**
 * Wires the store, the domain and the router. Both transports (Electron IPC, the host) call this.
 * With a data folder the file gets a quick check first unless the app closed it cleanly last time
 * (and nothing changed it since); a full check then runs in the background while the store sells.
 * A damaged database is set aside (kept) and the app goes to recovery, offering its backups,
 * instead of failing to start or selling on from a broken file.
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
  // Providers set to training talk to fakes the app starts on loopback (only when one is set so).
  const training = opts.trainingUrl ? null : createTrainingFakes(() => core?.deps.gateways.invalidate());
  const gatewayFactories = opts.gateways ?? (training ? training.wrap(PROVIDER_FACTORIES) : PROVIDER_FACTORIES);
  let recovery: RecoveryInfo | null = null;
  let closed = false;
  // Bumped at every open, so a background check's verdict is applied only to the file it read.
  let generation = 0;
  let running: RunningCheck | null = null;
  let checkTimer: ReturnType<typeof setTimeout> | null = null;
  const check = {
    on: opts.dataDir !== null && opts.backgroundCheck !== false,
    firstAfterMs: 60_000,
    everyMs: 24 * 3_600_000,
    pauseMs: 20,
    ...(opts.backgroundCheck || {}),
  };

  // Calls in flight, and a gate that holds new calls while a restore swaps the database.
  let inFlight = 0;
  let gate: Promise<void> | null = null;
  const idle: (() => void)[] = [];

  /** `restored`: the file came from a backup, whose token (older versions kept one) is not adopted. */
  function openCore(restored = false): Core {
    // Open from here on: a crash before the next orderly close leaves no marker, so a quick check.
    if (opts.dataDir) rmSync(join(opts.dataDir, CLEAN_CLOSE_MARKER), { force: true });
    generation++;
    const store = openStore(file, opts.migrationsDir);
    const background = createBackgroundWork(store.sqlite);
    // Products from before pinyin sort keys existed get theirs in the background (once).
    startSortKeyFill(store.sqlite, background);
    if (moveTokenOut(store.sqlite, secrets, !restored) && !restored && opts.dataDir) dropTokenFromBackups(join(opts.dataDir, BACKUP_DIR));
    // The terminal keeps the code it was set up with; order numbers are per terminal.
    const stored = store.sqlite.prepare("SELECT value FROM settings WHERE key = 'terminalCode'").get() as
      Cols<typeof settings, 'value'> | undefined;
    const terminalCode = stored ? (JSON.parse(stored.value) as string) : (opts.terminalCode ?? 'T1');
    const sync: SyncSlot = { runtime: null };
    const trades = createTradeRuntime({
      ...(opts.paymentNotifyUrl ? { notifyUrl: opts.paymentNotifyUrl } : {}),
      ...(training ? { prepareTraining: (p: ProviderId) => training.ensure(p) } : {}),
      // The sync engine of this store is created below; it is looked up when a trade needs the cloud.
      cloud: () => tillCloud({ sqlite: store.sqlite, secrets }, engineFor({ sync })),
    });
    const deps: Deps = {
      ...store,
      gateways: createGateways(() => ({ sqlite: store.sqlite, secrets }), gatewayFactories, opts.trainingUrl ?? training!.urlFor),
      trades,
      clock,
      ids: opts.ids ?? (() => uuidv7(clock())),
      hlc: createHlc(terminalCode, clock),
      terminalCode,
      events,
      payments,
      pinParams: opts.pinParams ?? OWASP_SCRYPT,
      secrets,
      promotions: createPromotionsState(),
      priceLists: createPriceListsState(),
      sync,
      background,
      // Set below, as the core is returned: the worker starts once the store is ready.
      checkpointer: null,
      settingsCache: createSettingsCache(),
      inventory: createInventoryCaches(),
      insight: createInsightCaches(),
      resourcesDir: opts.resourcesDir,
      imagesDir: opts.imagesDir !== undefined ? opts.imagesDir : opts.dataDir ? join(opts.dataDir, 'images') : null,
      exportsDir: opts.exportsDir !== undefined ? opts.exportsDir : opts.dataDir ? join(opts.dataDir, 'exports') : null,
      ...(safety ? { dataSafety: safety } : {}),
    };
    // What a first download left for later and the app closed before finishing is finished now; a
    // terminal still joining leaves it to the end of its download.
    if (getState(store.sqlite, 'joining') !== true) finishFirstDownload(deps);
    // Every trade left unresolved (a crash, a close mid-payment) is driven to a final state now and in the background.
    startReconciler(deps, opts.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS);
    if (training) for (const p of trainingProviders(store.sqlite)) void training.ensure(p);
    // Notifications relayed by the cloud finish QR and terminal trades without waiting for a query.
    startNoticePoller(deps, opts.noticePollMs ?? DEFAULT_NOTICE_POLL_MS);
    return {
      store,
      deps,
      router: createRouter(deps, handlers, new SessionStore(), listeners),
      sync: createSyncRuntime(deps, opts.sync),
      checkpointer: (deps.checkpointer = opts.dataDir && opts.walCheckpointWorker !== false ? startCheckpointer(store.sqlite, file) : null),
      // Only a store upgraded from before has anything to correct; after the first screen is up.
      weightFix: opts.weightFix !== false && weightFixPending(deps) ? startWeightFix(deps, opts.weightFix || {}) : null,
    };
  }

  /** `clean`: the file is left whole (not about to be set aside as damaged), so mark the close. */
  function closeCore(clean = true): void {
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = null;
    running?.stop();
    running = null;
    // Payment loops stop before the connection closes; what they had not recorded is queried at the next start.
    core?.deps.trades.stop();
    core?.sync.engine.stop();
    core?.weightFix?.stop();
    core?.deps.background.stop();
    if (core) stopInsightCaches(core.deps.insight);
    // Before the main connection closes: its close then checkpoints the rest and removes the WAL.
    core?.checkpointer?.stop();
    const wasOpen = core?.store.sqlite.open === true;
    if (wasOpen) core!.store.sqlite.close();
    core = null;
    if (wasOpen && clean && opts.dataDir) writeCleanCloseMarker(opts.dataDir, file, clock());
  }

  /** Holds new calls and waits for those in flight (a restore, or the move to recovery). */
  async function exclusive<T>(fn: () => T | Promise<T>, own: number): Promise<T> {
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
          exclusive,
          close: () => closeCore(),
          open() {
            closeCore();
            core = openCore(true);
            // A restored database is older than what the cloud has from this terminal: resync.
            afterRestore(core.deps);
            scheduleCheck(check.firstAfterMs);
            return core.deps;
          },
          recovered() {
            // The restored store's audit log says why it was restored (the damaged file's may be unreadable).
            if (recovery && core) {
              try {
                recordAudit(core.deps, {
                  staffId: null,
                  action: 'integrity.check',
                  details: { problem: recovery.problem, damagedFile: recovery.damagedFile, restored: true },
                  success: false,
                });
              } catch (err) {
                console.error('[countertop] could not record the failed check in the restored store:', err);
              }
            }
            recovery = null;
            if (opts.dataDir) clearRecoveryMarker(opts.dataDir);
          },
        },
      })
    : null;

  function enterRecovery(problem: string): void {
    closeCore(false);
    const damaged = setAsideDamaged(file, clock());
    console.error(`[countertop] the database failed its check (${problem}); kept as ${damaged ?? '(nothing)'}; waiting for a restore`);
    recovery = { problem, damagedFile: damaged, folder: safety!.backupsDir, backups: [] };
    writeRecoveryMarker(opts.dataDir!, { problem, damagedFile: damaged, at: clock() });
  }

  let startupCheck: App['startupCheck'] = null;
  if (opts.dataDir) {
    const marker = readRecoveryMarker(opts.dataDir);
    const cleanClose = takeCleanCloseMarker(opts.dataDir, file);
    startupCheck = cleanClose ? 'skipped' : 'quick_check';
    const quick = cleanClose ? { ok: true as const } : quickCheckFile(file);
    if (!quick.ok) enterRecovery(quick.problem);
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
  if (core) scheduleCheck(check.firstAfterMs);

  const router: Router = {
    async call(channel, input, sessionKey): Promise<Result<unknown>> {
      while (gate) await gate;
      if (closed) return { ok: false, error: { code: 'IO', message: 'Countertop is shutting down' } };
      if (recovery || !core) {
        return recoveryCall(channel, input, () => recovery!, safety!, opts.terminalCode ?? 'T1', clock, opts.pinParams ?? OWASP_SCRYPT);
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
    void training?.close();
  };

  function scheduleCheck(afterMs: number): void {
    if (!check.on || closed) return;
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      checkTimer = null;
      void checkIntegrity()
        .catch((err: unknown) => console.error('[countertop] the background integrity check failed:', err))
        .finally(() => {
          if (core && !checkTimer && !running) scheduleCheck(check.everyMs);
        });
    }, afterMs);
    checkTimer.unref();
  }

  async function checkIntegrity(): Promise<CheckOutcome> {
    if (!core || !opts.dataDir || closed) return { kind: 'stopped' };
    if (running) return running.done;
    const of = generation;
    const run = startIntegrityCheck(file, { pauseMs: check.pauseMs });
    running = run;
    const outcome = await run.done;
    if (running === run) running = null;
    // A verdict on a file that has since been closed or replaced (a restore) says nothing about this one.
    if (of !== generation || !core || closed) return { kind: 'stopped' };
    if (outcome.kind === 'ok') {
      try {
        recordAudit(core.deps, {
          staffId: null,
          action: 'integrity.check',
          details: { tables: outcome.tables, ms: outcome.ms },
          success: true,
        });
      } catch (err) {
        // A store that refuses writes (read-only file, full disk) says so where it sells; the verdict waits for the next check.
        console.error('[countertop] could not record the integrity check:', err);
      }
    } else if (outcome.kind === 'damaged') {
      const toRecovery = () => {
        if (of !== generation || !core) return;
        try {
          // In the damaged file's own log, which is kept: why it was set aside.
          recordAudit(core.deps, { staffId: null, action: 'integrity.check', details: { problem: outcome.problem }, success: false });
        } catch (err) {
          console.error('[countertop] could not write the failed check to the damaged database:', err);
        }
        enterRecovery(outcome.problem);
        events.emit('app.recovery', { problem: outcome.problem });
      };
      try {
        await exclusive(toRecovery, 0);
      } catch {
        // Calls that never finish must not keep the store selling from a damaged file.
        toRecovery();
      }
    } else if (outcome.kind === 'error') console.error(`[countertop] the background integrity check could not run: ${outcome.message}`);
    return outcome;
  }

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
    startupCheck,
    checkIntegrity,
    async shutdown() {
      if (closed) return;
      await safety?.shutdown();
      close();
    },
    close,
  };
}
