/**
 * Hybrid logical clock stamps for mutable records: `wall(13 digits)-counter(4)-node`.
 * They sort as strings, so cloud sync can merge per field with last-writer-wins.
 *
 * `observe` folds in a stamp made elsewhere (pulled from the cloud), so the next local stamp sorts
 * after everything this terminal has seen, even when its own wall clock is behind. The drift guard:
 * a stamp whose wall time is more than `maxDriftMs` ahead of our clock is not followed (a terminal
 * with a clock set in the future must not drag every other clock with it; the cloud clamps such
 * stamps too, see src/cloud/push.ts).
 */
export interface Hlc {
  now(): string;
  observe(stamp: string): void;
}

/** How far ahead of the local clock a foreign stamp may be before we stop trusting it. */
export const HLC_MAX_DRIFT_MS = 5 * 60_000;
const MAX_COUNTER = 9999;

export interface ParsedHlc {
  wall: number;
  counter: number;
  node: string;
}

export function formatHlc(wall: number, counter: number, node: string): string {
  return `${String(wall).padStart(13, '0')}-${String(counter).padStart(4, '0')}-${node}`;
}

/**
 * Exactly what formatHlc makes: 13-digit wall, 4-digit counter, a node of letters and digits (a
 * terminal code, or the cloud's name). Anything else (`~~~~…` sorts after every real stamp) is not a
 * stamp.
 */
const HLC_PATTERN = /^(\d{13})-(\d{4})-([A-Za-z0-9]{1,16})$/;

/** No till made a stamp before this: an older one is forged or broken, and is refused. */
export const HLC_MIN_WALL = Date.UTC(2020, 0, 1);

export function parseHlc(stamp: string): ParsedHlc | null {
  const m = typeof stamp === 'string' ? HLC_PATTERN.exec(stamp) : null;
  if (!m) return null;
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

/**
 * How a stamp from elsewhere stands against `now`: `ok`; `ahead`, well formed but past the drift
 * window (the cloud replaces it with its own time; a till refuses it); or `bad`: not exactly a stamp,
 * or older than any till could have made.
 */
export function stampStatus(stamp: string, now: number, maxDriftMs = HLC_MAX_DRIFT_MS): 'ok' | 'ahead' | 'bad' {
  const p = parseHlc(stamp);
  if (!p || p.wall < HLC_MIN_WALL) return 'bad';
  return p.wall > now + maxDriftMs ? 'ahead' : 'ok';
}

/** The wall-clock part of a stamp (0 when it is not a stamp). */
export function hlcWall(stamp: string): number {
  return parseHlc(stamp)?.wall ?? 0;
}

export function createHlc(node: string, clock: () => number, opts: { maxDriftMs?: number } = {}): Hlc {
  const maxDrift = opts.maxDriftMs ?? HLC_MAX_DRIFT_MS;
  let lastWall = 0;
  let counter = 0;
  const bump = () => {
    // The counter has 4 digits: past that, move the logical wall on by a millisecond so the
    // string order stays the time order.
    if (counter > MAX_COUNTER) {
      lastWall += 1;
      counter = 0;
    }
  };
  return {
    now() {
      const wall = clock();
      if (wall > lastWall) {
        lastWall = wall;
        counter = 0;
      } else {
        counter += 1;
        bump();
      }
      return formatHlc(lastWall, counter, node);
    },
    observe(stamp) {
      const p = parseHlc(stamp);
      if (!p) return;
      if (p.wall > clock() + maxDrift) return;
      if (p.wall > lastWall) {
        lastWall = p.wall;
        counter = p.counter;
      } else if (p.wall === lastWall && p.counter > counter) {
        counter = p.counter;
      }
    },
  };
}
