/**
 * The sync runtime of one app: the engine and the managers' cloud sign-ins, created by createApp
 * next to the store and kept on its Deps (`deps.sync`).
 */
import type { Deps } from '../deps';
import { CloudSessions } from './cloud';
import { SyncEngine, type Timers } from './engine';
import { installTracking } from './tracking';
import { getState } from './state';
import { httpTransport, type SyncTransport } from './transport';
import type { SyncRuntime } from './service';
import type { SqlRow } from '../db/rows';
import type { outbox } from '../db/schema';

export { syncRuntime, type SyncRuntime } from './service';

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

export function createSyncRuntime(deps: Deps, opts: SyncOptions = {}): SyncRuntime {
  installTracking(deps);
  // The clock restarts above every stamp this terminal made or saw before (a restart must not
  // make a later edit sort before an earlier one).
  const floor = getState(deps.sqlite, 'hlcFloor');
  if (floor) deps.hlc.observe(floor);
  // The newest entry holds the highest stamp: every entry is stamped by this clock, which only
  // moves forward and restarts above the newest one. (MAX(hlc) would read the whole outbox, a second
  // at start on a store that has queued a few hundred thousand changes.)
  const queued = deps.sqlite.prepare('SELECT hlc FROM outbox ORDER BY seq DESC LIMIT 1').pluck().get() as
    SqlRow<typeof outbox>['hlc'] | undefined;
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
  deps.sync.runtime = rt;
  if (opts.autoStart ?? true) engine.start();
  return rt;
}
