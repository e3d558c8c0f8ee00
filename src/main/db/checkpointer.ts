import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Sqlite } from './open';

/**
 * Moves WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit
 * that crosses 1,000 WAL pages: that commit copies every page into the database file and waits
 * for two more flushes, which made the p99 of a sale several times its median. Here a worker
 * thread with its own connection runs PASSIVE checkpoints on a timer (they never wait for and
 * never block the writer), and the writer restarts the WAL from the top once everything is copied.
 *
 * The writer keeps an automatic checkpoint as a bound (WAL_BOUND_PAGES): should the worker fall
 * behind under a long burst of writes, or stop, the WAL still cannot grow without limit, and
 * such a fallback checkpoint finds most pages already copied. Durability is unchanged: commits
 * still flush the WAL (synchronous=FULL), and the worker's checkpoints flush the database file
 * before the WAL may be reused.
 */
export const WAL_BOUND_PAGES = 8192;
/** SQLite's default automatic checkpoint, restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT = 1000;

/** How long `stop` waits for a checkpoint in progress before it gives up on the worker. */
const STOP_WAIT_MS = 2000;

export interface Checkpointer {
  /**
   * Closes the worker's connection before returning (waiting at most for the checkpoint in
   * progress, bounded by STOP_WAIT_MS): a restore swaps the file right after, and a connection
   * to the old file closed later would delete the WAL path the new database then uses.
   */
  stop(): void;
}

// CommonJS run by the worker (`eval`): no separate file for the bundler to find. The driver's
// path comes from the main thread, so the worker loads the same better-sqlite3 build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
// A checkpoint's flushes follow its own connection's setting: FULL, so the database file is on
// disk before the writer may reuse the WAL.
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String(err && err.message ? err.message : err));
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  try {
    db.close();
  } finally {
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
    parentPort.close();
  }
});
`;

export function startCheckpointer(sqlite: Sqlite, file: string, opts: { intervalMs?: number } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const closed = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, closed, intervalMs: opts.intervalMs ?? 100 } });
  // The worker must never keep the process alive, nor hold up its exit.
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${WAL_BOUND_PAGES}`);
  let stopped = false;
  let exited = false;
  const fallBack = () => {
    exited = true;
    if (!stopped && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('message', (msg: string) => console.warn(`[countertop] background checkpoint: ${msg}`));
  worker.on('error', (err) => {
    console.error('[countertop] the background checkpointer stopped; the writer checkpoints again', err);
    fallBack();
  });
  worker.on('exit', fallBack);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (exited) return;
      worker.postMessage('stop');
      if (Atomics.wait(closed, 0, 0, STOP_WAIT_MS) === 'timed-out') {
        console.error('[countertop] the background checkpointer did not stop in time');
        void worker.terminate();
      }
    },
  };
}
