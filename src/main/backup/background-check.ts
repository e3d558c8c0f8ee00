import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { IntegrityStatus } from '../../shared/api/admin';
import type { Sqlite } from '../db/open';
import type { Cols } from '../db/rows';
import type { audit } from '../db/schema';

/**
 * The full integrity check, on a worker thread while the store sells, so that a start after a
 * clean close need not read the whole file first (a quick check of a 1M-product store took 10 s).
 *
 * The worker opens its own read-only connection and runs `PRAGMA integrity_check(<table>)` one
 * table (with its indexes) at a time, pausing between tables: each table is its own short read
 * transaction, so the WAL checkpointer is never held back for the length of the whole file, and
 * the main thread (the counter) never waits for it. Damage is reported in SQLite's words; errors
 * that are not damage (busy, the file gone during a restore) end the run without a verdict.
 *
 * Plain JavaScript run with `eval`, like the checkpointer: the same code under Electron, the
 * headless host and the tests.
 */

// Shared flags: [0] stop asked, [1] worker finished (its connection is closed).
const STOP = 0;
const DONE = 1;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
const DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/;
const stopped = () => Atomics.load(flags, ${STOP}) !== 0;
let db = null;
let result;
const started = Date.now();
try {
  const Database = require(workerData.driver);
  if (!stopped()) {
    db = new Database(workerData.file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  }
  const tables = db
    ? db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name").pluck().all()
    : [];
  const problems = [];
  let checked = 0;
  for (const name of ['sqlite_schema', ...tables]) {
    if (stopped()) break;
    const rows = db.prepare('PRAGMA integrity_check(' + JSON.stringify(name) + ')').pluck().all();
    checked++;
    for (const r of rows) if (r !== 'ok') problems.push(r);
    if (problems.length >= 5) break;
    // A pause between tables: the counter's own disk reads and commits go first.
    Atomics.wait(flags, ${STOP}, 0, workerData.pauseMs);
  }
  result = stopped() && problems.length === 0
    ? { kind: 'stopped' }
    : problems.length > 0
      ? { kind: 'damaged', problem: problems.slice(0, 5).join('; '), tables: checked, ms: Date.now() - started }
      : { kind: 'ok', tables: checked, ms: Date.now() - started };
} catch (err) {
  const code = err && typeof err.code === 'string' ? err.code : '';
  result = DAMAGE.test(code)
    ? { kind: 'damaged', problem: String(err.message || err), tables: 0, ms: Date.now() - started }
    : { kind: 'error', message: String((err && err.message) || err) };
} finally {
  try { if (db) db.close(); } catch {}
  parentPort.postMessage(result);
  Atomics.store(flags, ${DONE}, 1);
  Atomics.notify(flags, ${DONE});
}
`;

export type CheckOutcome =
  | { kind: 'ok'; tables: number; ms: number }
  | { kind: 'damaged'; problem: string; tables: number; ms: number }
  /** No verdict: the file was busy or unreadable for another reason, or the check was stopped. */
  | { kind: 'error'; message: string }
  | { kind: 'stopped' };

export interface RunningCheck {
  done: Promise<CheckOutcome>;
  /** Stops the check and waits (briefly) for its connection to close: a restore may replace the file next. */
  stop(): void;
}

/** Starts a full integrity check of `file` on a worker thread. */
export function startIntegrityCheck(file: string, opts: { pauseMs?: number } = {}): RunningCheck {
  const flags = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        pauseMs: opts.pauseMs ?? 20,
        flags: flags.buffer,
      },
    });
  } catch (err) {
    return { done: Promise.resolve({ kind: 'error', message: err instanceof Error ? err.message : String(err) }), stop() {} };
  }
  worker.unref();
  const done = new Promise<CheckOutcome>((resolve) => {
    worker.once('message', (m: CheckOutcome) => resolve(m));
    worker.once('error', (err) => resolve({ kind: 'error', message: err.message }));
    worker.once('exit', () => resolve({ kind: 'stopped' }));
  });
  return {
    done,
    stop() {
      if (Atomics.load(flags, DONE) === 1) return;
      Atomics.store(flags, STOP, 1);
      Atomics.notify(flags, STOP);
      // The check of the table under way cannot be interrupted; wait for it (a few seconds on the
      // largest tables), so that no connection is left on a file a restore is about to replace.
      Atomics.wait(flags, DONE, 0, 60_000);
      void worker.terminate();
    },
  };
}

/** What the audit log says about the last background check (Settings shows it). */
export function lastIntegrityCheck(sqlite: Sqlite): IntegrityStatus | null {
  const row = sqlite.prepare("SELECT at, success, details FROM audit WHERE action = 'integrity.check' ORDER BY at DESC LIMIT 1").get() as
    Cols<typeof audit, 'at' | 'success' | 'details'> | undefined;
  if (!row) return null;
  let problem: string | null = null;
  try {
    const d = row.details ? (JSON.parse(row.details) as { problem?: unknown }) : null;
    if (d && typeof d.problem === 'string') problem = d.problem;
  } catch {
    // details are ours; unreadable ones just carry no problem text
  }
  return { at: row.at, ok: row.success === 1, problem };
}
