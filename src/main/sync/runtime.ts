/**
 * The sync runtime of one app: the engine and the managers' cloud sign-ins, created by createApp
 * next to the store and found again from the connection.
 */
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { CloudSessions } from './cloud';
import { SyncEngine, type Timers } from './engine';
import { installTracking } from './tracking';
import { getState } from './state';
import { httpTransport, type SyncTransport } from './transport';

export interface SyncOptions {
  /** How to reach the cloud (default: HTTP). */
  transport?: SyncTransport;
  timers?: Timers;
  random?: () => number;
  intervalMs?: number;
  pushBatch?: number;
  pullLimit?: number;
  /** Start the background loop at once (default true; it idles until connected to a cloud). */
  autoStart?: boolean;
}

export interface SyncRuntime {
  engine: SyncEngine;
  sessions: CloudSessions;
}

const runtimes = new WeakMap<Sqlite, SyncRuntime>();

export function createSyncRuntime(deps: Deps, opts: SyncOptions = {}): SyncRuntime {
  installTracking(deps);
  // The clock restarts above every stamp this terminal made or saw before (a restart must not
  // make a later edit sort before an earlier one).
  const floor = getState(deps.sqlite, 'hlcFloor');
  if (floor) deps.hlc.observe(floor);
  // The newest entry holds the highest stamp: every entry is stamped by this clock, which only
  // moves forward and restarts above the newest one. (MAX(hlc) would read the whole outbox, a second
  // at start on a store that has queued a few hundred thousand changes.)
  const queued = deps.sqlite.prepare('SELECT hlc FROM outbox ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined;
  if (queued) deps.hlc.observe(queued);
  const engine = new SyncEngine(deps, {
    transport: opts.transport ?? httpTransport(),
    ...(opts.timers ? { timers: opts.timers } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
    ...(opts.pushBatch !== undefined ? { pushBatch: opts.pushBatch } : {}),
    ...(opts.pullLimit !== undefined ? { pullLimit: opts.pullLimit } : {}),
  });
  const rt = { engine, sessions: new CloudSessions() };
  runtimes.set(deps.sqlite, rt);
  if (opts.autoStart ?? true) engine.start();
  return rt;
}

export function syncRuntime(deps: Pick<Deps, 'sqlite'>): SyncRuntime {
  const rt = runtimes.get(deps.sqlite);
  if (!rt) throw new Error('sync runtime not created for this store');
  return rt;
}
