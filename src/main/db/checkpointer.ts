import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Sqlite } from './open';

/**
 * Copies the write-ahead log back into the database file on a worker thread, so that a sale's
 * commit never pays for it. With SQLite's own automatic checkpoint, every thousandth WAL page made
 * the commit that crossed it write and flush the whole log into the database: one sale in ten
 * waited several milliseconds more (the checkout p99).
 *
 * The worker opens its own connection to the same file and runs a PASSIVE checkpoint as soon as the
 * writer pauses (between customers). PASSIVE never blocks the writer; SQLite rewinds the log once it
 * has been copied in full, so it stays small. The copy must not run beside commits: on ext4 a
 * commit's flush of the log waits for the database file's freshly copied pages too (up to 200 ms).
 *
 * Under writing that never pauses, the log is copied on the main thread once it holds
 * `SAFETY_NET_FRAMES`, right after the router has answered the call that crossed it
 * (`checkpointAfterAnswer`): the copy (some 80 ms at 40 MB into a 4 GB file) no longer sits inside
 * that call, a sale's commit, as SQLite's own automatic checkpoint put it. That automatic
 * checkpoint stays as a last resort, at four times the size, for writers outside the router and in
 * case the worker stops.
 *
 * The worker is plain JavaScript run with `eval` (no bundler or loader involved: the same code
 * runs under Electron, the headless host and the tests), and `stop()` waits for its connection
 * to close, so a restore can replace the file right after.
 */
/** The store's checkpoint worker, made by createApp with the store (`deps.checkpointer`) and stopped with it. */
export interface Checkpointer {
  stop(): void;
  /** The safety net (frames) while the worker runs; null once it has stopped or failed. */
  readonly safetyNet: number | null;
  /** A copy of the log is planned for the next turn of the event loop (see checkpointAfterAnswer). */
  scheduled: boolean;
}

export interface CheckpointerOptions {
  /** How often the worker looks at the log. */
  intervalMs?: number;
  /** The main connection's own automatic checkpoint while the worker runs (frames). */
  safetyNetFrames?: number;
  log?: (msg: string, err?: unknown) => void;
}

// Shared flags: [0] stop asked, [1] worker finished (its connection is closed).
const STOP = 0;
const DONE = 1;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
// The log's state, from SQLite itself (a NOOP checkpoint copies nothing): frames in the log and
// frames already copied. Never read the -shm file with fs: closing any descriptor of a file drops
// every POSIX lock this process holds on it, SQLite's included, and another process could then
// think itself the last user of the database and remove the log under us.
function logState() {
  try {
    const [r] = db.pragma('wal_checkpoint(NOOP)');
    return r && r.log >= 0 ? { frames: r.log, copied: r.checkpointed } : null;
  } catch {
    return null;
  }
}
let db = null;
try {
  const Database = require(workerData.driver);
  if (Atomics.load(flags, ${STOP}) === 0) {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
  }
  let lastFrames = -1;
  while (db && Atomics.load(flags, ${STOP}) === 0) {
    Atomics.wait(flags, ${STOP}, 0, workerData.intervalMs);
    if (Atomics.load(flags, ${STOP}) !== 0) break;
    const log = logState();
    // Copy only when the writer has paused (no new frame since the last look): a copy running
    // beside commits slows every commit it overlaps, where one the writer makes itself (the
    // safety net, under writing that never pauses) costs a single commit.
    const idle = log !== null && log.frames === lastFrames;
    lastFrames = log === null ? -1 : log.frames;
    const waiting = log === null ? 1 : log.frames - log.copied;
    if (waiting <= 0 || !idle) continue;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // SQLITE_BUSY while another checkpoint runs: try again next time.
    }
  }
} finally {
  try { if (db) db.close(); } catch {}
  Atomics.store(flags, ${DONE}, 1);
  Atomics.notify(flags, ${DONE});
}
`;

const DEFAULT_AUTOCHECKPOINT = 1000;
/**
 * Under writing that never pauses the log is copied once it holds this many frames (40 MB): a sale
 * commits some 45 frames, so about every 200th sale is followed by a copy, and the pages written
 * again and again (cart, levels) are copied once per round instead of once per thousand frames.
 */
export const SAFETY_NET_FRAMES = 10_000;

/** SQLite's own checkpoint on commit, while the worker runs: a multiple of the safety net. */
export const LAST_RESORT = 4;

/**
 * Called once a call that wrote has been answered: when the log has grown past the safety net
 * (the writer never paused long enough for the worker), copies it on the next turn of the event
 * loop, between the clerk's requests rather than inside one.
 */
export function checkpointAfterAnswer(sqlite: Sqlite, ckpt: Checkpointer | null): void {
  if (!ckpt || ckpt.safetyNet === null || ckpt.scheduled) return;
  ckpt.scheduled = true;
  setImmediate(() => {
    ckpt.scheduled = false;
    const net = ckpt.safetyNet;
    if (net === null || !sqlite.open || sqlite.inTransaction) return;
    try {
      const [r] = sqlite.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
      if (r && r.log - r.checkpointed >= net) sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy with the worker's copy, or the store is closing: the next answer tries again.
    }
  });
}

/**
 * Runs `fn`, a bulk write, without the safety-net checkpoint on its commit. A transaction that
 * writes a whole import or sync page ends far past the safety net, so its commit would copy the
 * whole log into the file and flush it (about 2 s after a 100,000-product import) while the user
 * waits; the worker copies it instead as soon as the writer pauses. Without a worker, `fn` runs as
 * it is: then only a commit can copy the log.
 */
export function withoutCommitCheckpoint<T>(sqlite: Sqlite, ckpt: Checkpointer | null, fn: () => T): T {
  const net = ckpt?.safetyNet ?? null;
  if (net === null) return fn();
  sqlite.pragma('wal_autocheckpoint = 0');
  try {
    return fn();
  } finally {
    if (sqlite.open && ckpt!.safetyNet !== null) sqlite.pragma(`wal_autocheckpoint = ${net * LAST_RESORT}`);
  }
}

/**
 * Runs `fn` (a transaction that can be had again: a downloaded page, whose cursor moves with it)
 * with `synchronous = NORMAL`: its commit does not wait for the disk. A power cut may lose that
 * commit, never the database's integrity (WAL mode), and the next FULL commit or checkpoint
 * flushes it with its own.
 */
export function withoutCommitFlush<T>(sqlite: Sqlite, fn: () => T): T {
  if (sqlite.inTransaction) return fn();
  const was = sqlite.pragma('synchronous', { simple: true }) as number;
  sqlite.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    if (sqlite.open) sqlite.pragma(`synchronous = ${was}`);
  }
}

/**
 * Starts checkpointing `file` (the database `sqlite` has open) on a worker. Returns null, and
 * leaves SQLite's automatic checkpoint as it was, when a worker cannot be started.
 */
export function startCheckpointer(sqlite: Sqlite, file: string, opts: CheckpointerOptions = {}): Checkpointer | null {
  const log = opts.log ?? ((msg, err) => console.error(`[countertop] ${msg}`, err ?? ''));
  const flags = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: opts.intervalMs ?? 50,
        flags: flags.buffer,
      },
    });
  } catch (err) {
    log('the WAL checkpoint worker could not start; SQLite checkpoints on commit instead', err);
    return null;
  }
  let stopping = false;
  const net = opts.safetyNetFrames ?? SAFETY_NET_FRAMES;
  let safetyNet: number | null = net;
  const fallBack = () => {
    safetyNet = null;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('error', (err) => {
    Atomics.store(flags, DONE, 1);
    log('the WAL checkpoint worker stopped; SQLite checkpoints on commit instead', err);
    fallBack();
  });
  worker.on('exit', () => {
    if (!stopping) fallBack();
  });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${net * LAST_RESORT}`);
  return {
    get safetyNet() {
      return safetyNet;
    },
    scheduled: false,
    stop() {
      stopping = true;
      if (Atomics.load(flags, DONE) === 1) return fallBack();
      Atomics.store(flags, STOP, 1);
      Atomics.notify(flags, STOP);
      // Wait for the worker's connection to close: a restore may replace the file next. A worker
      // still loading sees the stop before it opens anything.
      Atomics.wait(flags, DONE, 0, 5_000);
      void worker.terminate();
      fallBack();
    },
  };
}
