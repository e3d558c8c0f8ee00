/**
 * The background sync loop: push the outbox, then pull the change log, then wait; on failure wait
 * longer (exponential backoff with jitter, capped). It never holds a database transaction across a
 * network wait, so selling never waits for the network: a sale commits locally in its own short
 * transaction whatever sync is doing.
 *
 * Timers, clock and randomness are injected, so tests and the simulator run it in virtual time.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { markSetupDone, isSetupDone } from '../settings/settings';
import type { PullResponse } from '../../shared/sync/protocol';
import { pendingCount } from './push';
import { pushOutbox } from './push-loop';
import { uploadPictures } from './pictures';
import { applyPage, settleParked } from './pull';
import { cloudLink, deviceToken, getState, setState, type CloudLink } from './state';
import { CloudCallError, CloudClient, NetworkError, type SyncTransport } from './transport';
import { setTracking } from './tracking';
import { offlineCardSummary } from './offline-cards';
import type { SyncService } from './service';
import type { SyncStatus } from '../../shared/api/sync';

export type { SyncStatus };
import { stmt } from './tables';
import { continueOrderNumbers } from './restore';
import { finishFirstDownload } from './after-download';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimeout(h) {
    clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

export interface SyncEngineOptions {
  transport: SyncTransport;
  timers?: Timers;
  random?: () => number;
  /** Pause between cycles while all is well. */
  intervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Mutations per push request. */
  pushBatch?: number;
  /** Changes per pull page. */
  pullLimit?: number;
  /** Bounds on one cycle, so a huge backlog never starves the rest of the loop. */
  maxBatchesPerCycle?: number;
  maxPagesPerCycle?: number;
}

/** Page size of a first download (the cloud serves at most 20,000 per page). */
const INITIAL_PULL_LIMIT = 20_000;
/**
 * A first download starts with a small page and grows it: the terminal writes the first changes
 * while the cloud prepares the next, bigger page, rather than waiting for 20,000 to be built. The
 * cloud prepares a page about twice as fast as the terminal writes it, so each page may be 2.5
 * times the one before without the terminal waiting.
 */
const INITIAL_FIRST_PAGE = 2_000;
const INITIAL_GROWTH = 2.5;

export class SyncEngine implements SyncService {
  readonly transport: SyncTransport;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly opts: Required<Omit<SyncEngineOptions, 'transport' | 'timers' | 'random'>>;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private started = false;
  private failures = 0;
  private nextAt: number | null = null;
  private lastPersistAt = 0;
  private mem: {
    online: boolean;
    lastSyncAt: number | null;
    lastAttemptAt: number | null;
    lastError: SyncStatus['lastError'];
    skew: number;
  };

  constructor(
    private readonly deps: Deps,
    opts: SyncEngineOptions,
  ) {
    this.transport = opts.transport;
    this.timers = opts.timers ?? realTimers;
    this.random = opts.random ?? Math.random;
    this.opts = {
      intervalMs: opts.intervalMs ?? 3000,
      minBackoffMs: opts.minBackoffMs ?? 1000,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
      pushBatch: opts.pushBatch ?? 500,
      pullLimit: opts.pullLimit ?? 5000,
      maxBatchesPerCycle: opts.maxBatchesPerCycle ?? 200,
      maxPagesPerCycle: opts.maxPagesPerCycle ?? 200,
    };
    const s = deps.sqlite;
    this.mem = {
      online: getState(s, 'online') ?? false,
      lastSyncAt: getState(s, 'lastSyncAt'),
      lastAttemptAt: getState(s, 'lastAttemptAt'),
      lastError: getState(s, 'lastError'),
      skew: getState(s, 'clockSkewMs') ?? 0,
    };
  }

  private link(): CloudLink | null {
    return cloudLink(this.deps.sqlite);
  }

  /** Null without a link, or when this machine does not hold the link's token (a backup from elsewhere). */
  client(link = this.link()): CloudClient | null {
    const token = link ? deviceToken(this.deps.secrets, link) : null;
    return link && token ? new CloudClient(this.transport, link.serverUrl, token) : null;
  }

  /** Starts the background loop (a no-op until the terminal is connected to a cloud). */
  start(): void {
    this.started = true;
    this.schedule(0);
  }

  stop(): void {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
  }

  /** Enrolment changed: track field stamps from now on and sync at once. */
  linked(): void {
    setTracking(this.deps.sqlite, this.link() !== null);
    this.failures = 0;
    if (this.started) this.schedule(0);
  }

  /** True when connected to a cloud that did not answer the last attempt. */
  isOffline(): boolean {
    return this.link() !== null && !this.mem.online;
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.nextAt = this.deps.clock() + ms;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      void this.runCycle().finally(() => this.afterCycle());
    }, ms);
  }

  private afterCycle(): void {
    if (!this.started || this.timer !== null) return;
    if (!this.link()) return;
    if (this.failures === 0) this.schedule(this.opts.intervalMs);
    else {
      const exp = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(20, this.failures - 1));
      this.schedule(Math.round(exp * (0.5 + this.random() * 0.5)));
    }
  }

  /** Runs one cycle now (after the one in flight, if any) and answers the status. */
  async syncNow(): Promise<SyncStatus> {
    if (this.running) await this.running.catch(() => undefined);
    await this.runCycle();
    if (this.started && this.timer === null) this.afterCycle();
    return this.status();
  }

  private runCycle(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.cycle().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private note(partial: Partial<SyncEngine['mem']>, force = false): void {
    const before = this.mem.online;
    Object.assign(this.mem, partial);
    const now = this.deps.clock();
    // Persist when something a person would notice changed, else at most once a minute.
    if (!force && before === this.mem.online && now - this.lastPersistAt < 60_000) return;
    this.lastPersistAt = now;
    const s = this.deps.sqlite;
    if (s.inTransaction) return;
    inTransaction(s, () => {
      setState(s, 'online', this.mem.online);
      setState(s, 'lastSyncAt', this.mem.lastSyncAt);
      setState(s, 'lastAttemptAt', this.mem.lastAttemptAt);
      setState(s, 'lastError', this.mem.lastError);
      setState(s, 'clockSkewMs', this.mem.skew);
    });
  }

  private async cycle(): Promise<void> {
    const link = this.link();
    if (!link) return;
    const client = this.client(link);
    const started = this.deps.clock();
    if (!client) {
      // Linked, but the token is not on this machine: nothing to send with; the terminal must join again.
      this.failures += 1;
      this.note(
        {
          online: false,
          lastAttemptAt: started,
          lastError: { code: 'REJOIN', message: 'The device token is not on this machine', at: started },
        },
        true,
      );
      return;
    }
    try {
      await this.pushAll(client, link);
      await this.pullAll(client);
      // After the push: the cloud takes a picture only once it has the record that names it.
      await uploadPictures(this.deps, client, link.deviceId);
      this.failures = 0;
      this.note({ online: true, lastSyncAt: this.deps.clock(), lastAttemptAt: started, lastError: null });
    } catch (err) {
      this.failures += 1;
      const at = this.deps.clock();
      if (err instanceof NetworkError)
        this.note({ online: false, lastAttemptAt: started, lastError: { code: 'OFFLINE', message: err.message, at } });
      else if (err instanceof CloudCallError)
        this.note({ online: true, lastAttemptAt: started, lastError: { code: err.code, message: err.message, at } }, true);
      else {
        console.error('[sync] cycle failed', err);
        this.note(
          { lastAttemptAt: started, lastError: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), at } },
          true,
        );
      }
    }
  }

  private skewFrom(serverTime: number | undefined): void {
    if (typeof serverTime === 'number') this.mem.skew = serverTime - this.deps.clock();
  }

  private async pushAll(client: CloudClient, link: CloudLink): Promise<void> {
    await pushOutbox(this.deps, client, link.deviceId, {
      batchSize: this.opts.pushBatch,
      maxBatches: this.opts.maxBatchesPerCycle,
      onAnswer: (res) => this.skewFrom(res.serverTime),
    });
  }

  private async pullAll(client: CloudClient): Promise<void> {
    const s = this.deps.sqlite;
    const cursor = getState(s, 'cursor') ?? 0;
    const own = getState(s, 'resync') === true;
    // A first download (a joining or restored terminal) reads big pages: fewer round trips.
    const first = cursor === 0;
    const top = first ? Math.max(this.opts.pullLimit, INITIAL_PULL_LIMIT) : this.opts.pullLimit;
    let limit = first ? Math.min(top, Math.max(this.opts.pullLimit, INITIAL_FIRST_PAGE)) : top;
    let next: Promise<PullResponse> = client.pull(cursor, limit, own);
    for (let n = 0; n < this.opts.maxPagesPerCycle; n++) {
      const page = await next;
      this.skewFrom(page.serverTime);
      // Ask for the next page while this one is written (the cloud works while we do).
      const more = page.more && n + 1 < this.opts.maxPagesPerCycle;
      if (more) {
        limit = Math.min(top, Math.round(limit * INITIAL_GROWTH));
        next = client.pull(page.cursor, limit, own);
        next.catch(() => undefined);
      }
      applyPage(this.deps, page);
      if (!more) {
        if (!page.more) {
          settleParked(this.deps);
          this.caughtUp();
        }
        return;
      }
    }
  }

  /**
   * The pull has caught up. A joining terminal now has everything: it is set up. A joining
   * (rebuilt) or restored terminal continues its order numbers after the cloud's last one.
   */
  private caughtUp(): void {
    const s = this.deps.sqlite;
    const joining = getState(s, 'joining') === true;
    const resync = getState(s, 'resync') === true;
    if (joining || resync)
      inTransaction(s, () => {
        continueOrderNumbers(this.deps);
        if (joining && !isSetupDone(this.deps)) markSetupDone(this.deps);
        setState(s, 'joining', null);
        setState(s, 'resync', null);
      });
    // What a first download left (search entries, level rows) is written now, in the background.
    finishFirstDownload(this.deps);
  }

  status(): SyncStatus {
    const s = this.deps.sqlite;
    const link = this.link();
    return {
      enrolled: link !== null,
      joining: getState(s, 'joining') === true,
      online: link !== null && this.mem.online,
      syncing: this.running !== null,
      pending: link ? pendingCount(this.deps) : (stmt(s, 'SELECT COUNT(*) FROM outbox', 'pluck').get() as number),
      lastSyncAt: this.mem.lastSyncAt,
      lastAttemptAt: this.mem.lastAttemptAt,
      nextAttemptAt: this.nextAt,
      lastError: this.mem.lastError,
      clockSkewMs: this.mem.skew,
      serverUrl: link?.serverUrl ?? null,
      orgName: link?.orgName ?? null,
      storeName: link?.storeName ?? null,
      storeId: link?.storeId ?? null,
      terminalCode: this.deps.terminalCode,
      deviceId: link?.deviceId ?? null,
      rejections: stmt(s, 'SELECT COUNT(*) FROM sync_rejections WHERE resolved_at IS NULL', 'pluck').get() as number,
      offlineCards: offlineCardSummary(this.deps),
    };
  }

  /** Forget the in-memory state (the link was removed). */
  reset(): void {
    this.failures = 0;
    this.mem = { online: false, lastSyncAt: null, lastAttemptAt: null, lastError: null, skew: 0 };
    setTracking(this.deps.sqlite, false);
  }
}
