/**
 * A restored backup is older than what the cloud already has from this terminal: its outbox
 * reuses mutation ids the cloud applied, and the sales made after the backup exist only in the
 * cloud. So after a restore the terminal starts a new database generation (epoch): the cloud takes
 * its next batch as the continuation, and the terminal pulls the whole log again, its own facts
 * included, then moves its order counter past the last number the cloud knows for it.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { formatHlc } from '../../shared/hlc';
import { cloudLink, setState } from './state';
import { syncRuntime } from './service';
import { stmt } from './tables';

export function afterRestore(deps: Deps): void {
  if (!cloudLink(deps.sqlite)) return;
  inTransaction(deps.sqlite, () => {
    // Time-ordered, so the cloud can tell a late request from before the restore.
    setState(deps.sqlite, 'epoch', `${formatHlc(deps.clock(), 0, deps.terminalCode)}-${deps.ids().slice(-12)}`);
    setState(deps.sqlite, 'resync', true);
    setState(deps.sqlite, 'cursor', 0);
    stmt(
      deps.sqlite,
      'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
    ).run(deps.ids(), '*', '*', 'RESTORED', 'A backup was restored: this terminal is reading everything back from the cloud', deps.clock());
  });
  // Best effort, at once: the sooner the counter is past the cloud's numbers, the better.
  void syncRuntime(deps)
    .engine.syncNow()
    .catch(() => undefined);
}

/** Per-terminal human numbers: the counter, the table holding the numbers, and their prefix. */
const NUMBERED = [
  { counter: 'order', table: 'orders', prefix: (code: string) => `${code}-` },
  { counter: 'refund', table: 'refunds', prefix: (code: string) => `${code}-R` },
  { counter: 'shift', table: 'shifts', prefix: (code: string) => `${code}-S` },
];

/**
 * Order (refund, shift) numbers continue after the last one this terminal's code made, wherever
 * it was made: on this machine before a restore, or on the machine this one replaces.
 */
export function continueOrderNumbers(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): void {
  const code = deps.terminalCode;
  for (const n of NUMBERED) {
    const prefix = n.prefix(code);
    const last = stmt(
      deps.sqlite,
      `SELECT MAX(CAST(substr(number, ?) AS INTEGER)) FROM ${n.table} WHERE substr(number, 1, ?) = ? AND substr(number, ?) GLOB '[0-9]*'`,
      'pluck',
    ).get(prefix.length + 1, prefix.length, prefix, prefix.length + 1) as number | null;
    if (last && last > 0)
      stmt(
        deps.sqlite,
        'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)',
      ).run(`${n.counter}:${code}`, last);
  }
}
