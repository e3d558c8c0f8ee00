/**
 * Wrong pick-up codes, per order on this till: five wrong ones lock the order's code for fifteen
 * minutes. The count lives in the till's own `counters` (never synced): a guesser at the counter
 * is stopped by the till in front of them.
 */
import type { Deps } from '../deps';

export const MAX_CODE_ATTEMPTS = 5;
export const CODE_LOCK_MS = 15 * 60_000;

const failKey = (orderId: string) => `pickup.failures:${orderId}`;
const lockKey = (orderId: string) => `pickup.lockedUntil:${orderId}`;

function read(deps: Pick<Deps, 'sqlite'>, key: string): number {
  return (deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').pluck().get(key) as number | undefined) ?? 0;
}

function write(deps: Pick<Deps, 'sqlite'>, key: string, value: number): void {
  deps.sqlite
    .prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
    .run(key, value);
}

/** When the order's code may be tried again; null when it is not locked. */
export function lockedUntil(deps: Pick<Deps, 'sqlite' | 'clock'>, orderId: string): number | null {
  const until = read(deps, lockKey(orderId));
  return until > deps.clock() ? until : null;
}

/** Counts an attempt before the code is checked, so a crash or an error mid-check still counts it. Returns the attempts so far. */
export function countAttempt(deps: Pick<Deps, 'sqlite'>, orderId: string): number {
  const n = read(deps, failKey(orderId)) + 1;
  write(deps, failKey(orderId), n);
  return n;
}

/** After a wrong code: locks the order when it was the last attempt allowed. Returns the lock's end, or null. */
export function afterWrongCode(deps: Pick<Deps, 'sqlite' | 'clock'>, orderId: string, attempts: number): number | null {
  if (attempts < MAX_CODE_ATTEMPTS) return null;
  const until = deps.clock() + CODE_LOCK_MS;
  write(deps, lockKey(orderId), until);
  write(deps, failKey(orderId), 0);
  return until;
}

export function clearAttempts(deps: Pick<Deps, 'sqlite'>, orderId: string): void {
  deps.sqlite.prepare('DELETE FROM counters WHERE name IN (?, ?)').run(failKey(orderId), lockKey(orderId));
}
