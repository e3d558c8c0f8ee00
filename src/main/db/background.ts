/**
 * Background work on the store's one connection: a step (one short transaction) per turn of the
 * event loop, so a scan or a sale waits at most one step. Used for what a first download leaves
 * for later (search entries, level rows).
 */
import type { Sqlite } from './open';

const running = new WeakMap<Sqlite, Set<string>>();

/**
 * Runs `step` until it answers false (then `onDone`), the store closes, or it throws (logged; the
 * caller keeps the state that says to start again, at the next start). A second start of the same
 * `name` while one runs does nothing.
 */
export function runInTurns(sqlite: Sqlite, name: string, step: () => boolean, onDone?: () => void): void {
  let names = running.get(sqlite);
  if (!names) running.set(sqlite, (names = new Set()));
  if (names.has(name)) return;
  names.add(name);
  const turn = () => {
    let more = false;
    try {
      more = sqlite.open && step();
      if (!more && sqlite.open) onDone?.();
    } catch (err) {
      console.error(`[${name}] background work stopped; it goes on at the next start:`, err);
    }
    if (more) setImmediate(turn);
    else names.delete(name);
  };
  setImmediate(turn);
}
