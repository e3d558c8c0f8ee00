/**
 * Background work on the store's one connection: a step (one short transaction) per turn of the
 * event loop, so a scan or a sale waits at most one step. Used for what a first download leaves
 * for later (search entries, level rows) and for the pinyin sort keys of an older catalog.
 */
import type { Sqlite } from './open';

/** The store's background work, made by createApp with the store (`deps.background`) and stopped with it. */
export interface BackgroundWork {
  /**
   * Runs `step` until it answers false (then `onDone`), the store closes, or it throws (logged; the
   * caller keeps the state that says to start again, at the next start). A second start of the same
   * `name` while one runs does nothing.
   */
  run(name: string, step: () => boolean, onDone?: () => void): void;
  /** No step runs after this (the store is closing). */
  stop(): void;
}

export function createBackgroundWork(sqlite: Sqlite): BackgroundWork {
  const running = new Set<string>();
  let stopped = false;
  return {
    run(name, step, onDone) {
      if (running.has(name) || stopped) return;
      running.add(name);
      const turn = () => {
        let more = false;
        try {
          more = !stopped && sqlite.open && step();
          if (!more && !stopped && sqlite.open) onDone?.();
        } catch (err) {
          console.error(`[${name}] background work stopped; it goes on at the next start:`, err);
        }
        if (more) setImmediate(turn);
        else running.delete(name);
      };
      setImmediate(turn);
    },
    stop() {
      stopped = true;
    },
  };
}
