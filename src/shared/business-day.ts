/**
 * Business days: a sale belongs to the local date (store time zone) of its time minus the store's
 * business-day cutoff (a bar open until 2 a.m. with a 4 o'clock cutoff books 1:30 a.m. on the
 * evening before). Days are whole numbers: days since 1970-01-01 of that local date. Dates in the
 * API are ISO strings `YYYY-MM-DD`.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function isoToDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not an ISO date: ${iso}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A valid calendar date in ISO form (2026-02-30 is not). */
export function isIsoDate(iso: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && dayToIso(isoToDay(iso)) === iso;
}

export function dayParts(day: number): { y: number; m: number; d: number } {
  const dt = new Date(day * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** First day (Monday) of the week holding `day`. */
export function weekStart(day: number): number {
  return day - weekdayOf(day);
}

export function monthStart(day: number): number {
  const { y, m } = dayParts(day);
  return Math.floor(Date.UTC(y, m - 1, 1) / DAY_MS);
}

// ---------------------------------------------------------------------------------------------
// Time-zone offsets, cached per quarter hour (offsets only change on quarter hours).

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock minus UTC, in ms, at instant `at`. */
export function tzOffsetMs(at: number, tz: string): number {
  const slot = Math.floor(at / 900_000);
  let cache = offsetCache.get(tz);
  if (!cache) offsetCache.set(tz, (cache = new Map()));
  const hit = cache.get(slot);
  if (hit !== undefined) return hit;
  const probe = slot * 900_000;
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(probe)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  const offset = wall - probe;
  if (cache.size > 200_000) cache.clear();
  cache.set(slot, offset);
  return offset;
}

/** The instant a yyyy-mm-dd date's midnight falls in time zone `tz` (a date filter's start). */
export function zonedMidnight(iso: string, tz: string): number {
  const utc = isoToDay(iso) * DAY_MS;
  // The offset at the guess, then at the corrected instant (they differ only across a DST change).
  const first = utc - tzOffsetMs(utc, tz);
  return utc - tzOffsetMs(first, tz);
}

export interface BusinessBucket {
  /** Business day number. */
  day: number;
  /** Local clock hour 0–23 (not shifted by the cutoff: 1:30 a.m. stays hour 1). */
  hour: number;
}

export function businessBucket(at: number, tz: string, cutoffHour: number): BusinessBucket {
  const local = at + tzOffsetMs(at, tz);
  const day = Math.floor((local - cutoffHour * HOUR_MS) / DAY_MS);
  const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  return { day, hour };
}

/** The business day it is now. */
export function businessToday(now: number, tz: string, cutoffHour: number): number {
  return businessBucket(now, tz, cutoffHour).day;
}

// ---------------------------------------------------------------------------------------------
// Nested buckets: day ⊂ week-of-month part (1–7, 8–14, 15–21, 22–end) ⊂ month ⊂ quarter ⊂ year.

export const LEVEL = { day: 0, part: 1, month: 2, quarter: 3, year: 4 } as const;
export type Level = (typeof LEVEL)[keyof typeof LEVEL];

/** The bucket of `day` at every level, index = level. */
export function bucketsOf(day: number): [number, number, number, number, number] {
  const { y, m, d } = dayParts(day);
  const month = y * 12 + (m - 1);
  const part = month * 4 + Math.min(3, Math.floor((d - 1) / 7));
  return [day, part, month, y * 4 + Math.floor((m - 1) / 3), y];
}

interface Node {
  level: Level;
  bucket: number;
  start: number;
  end: number;
}

function monthNode(month: number): Node {
  const y = Math.floor(month / 12);
  const m = month % 12;
  return { level: 2, bucket: month, start: Math.floor(Date.UTC(y, m, 1) / DAY_MS), end: Math.floor(Date.UTC(y, m + 1, 1) / DAY_MS) - 1 };
}

function children(n: Node): Node[] {
  switch (n.level) {
    case 4: {
      const y = n.bucket;
      return [0, 1, 2, 3].map((q) => {
        const first = monthNode(y * 12 + q * 3);
        const last = monthNode(y * 12 + q * 3 + 2);
        return { level: 3 as Level, bucket: y * 4 + q, start: first.start, end: last.end };
      });
    }
    case 3: {
      const y = Math.floor(n.bucket / 4);
      const q = n.bucket % 4;
      return [0, 1, 2].map((i) => monthNode(y * 12 + q * 3 + i));
    }
    case 2:
      return [0, 1, 2, 3].map((p) => ({
        level: 1 as Level,
        bucket: n.bucket * 4 + p,
        start: n.start + p * 7,
        end: p === 3 ? n.end : n.start + p * 7 + 6,
      }));
    case 1: {
      const out: Node[] = [];
      for (let d = n.start; d <= n.end; d++) out.push({ level: 0, bucket: d, start: d, end: d });
      return out;
    }
    default:
      return [];
  }
}

/** Relative cost of reading one bucket of a level (roughly the distinct keys it holds). */
const WEIGHT = [1, 1.6, 2.2, 2.5, 2.6];

export interface Term {
  level: Level;
  bucket: number;
  sign: 1 | -1;
}

interface Plan {
  cost: number;
  terms: Term[];
}

const EMPTY: Plan = { cost: 0, terms: [] };
const flip = (terms: Term[]): Term[] => terms.map((t) => ({ ...t, sign: (t.sign === 1 ? -1 : 1) as 1 | -1 }));

/** Sum of children's best plans for [lo, hi] ∩ node. */
function viaChildren(n: Node, lo: number, hi: number): Plan {
  let cost = 0;
  const terms: Term[] = [];
  for (const c of children(n)) {
    const p = best(c, lo, hi);
    cost += p.cost;
    terms.push(...p.terms);
  }
  return { cost, terms };
}

function best(n: Node, lo: number, hi: number): Plan {
  const a = Math.max(lo, n.start);
  const b = Math.min(hi, n.end);
  if (a > b) return EMPTY;
  const self: Term = { level: n.level, bucket: n.bucket, sign: 1 };
  if (a === n.start && b === n.end) return { cost: WEIGHT[n.level]!, terms: [self] };
  const direct = viaChildren(n, a, b);
  // Or: the whole bucket minus what lies outside the range.
  const left = a > n.start ? viaChildren(n, n.start, a - 1) : EMPTY;
  const right = b < n.end ? viaChildren(n, b + 1, n.end) : EMPTY;
  const complement = WEIGHT[n.level]! + left.cost + right.cost;
  if (complement < direct.cost) return { cost: complement, terms: [self, ...flip(left.terms), ...flip(right.terms)] };
  return direct;
}

/** A signed list of buckets whose sum is exactly the days [from, to] (business day numbers). */
export function planRange(from: number, to: number): Term[] {
  if (to < from) return [];
  const terms: Term[] = [];
  const y0 = dayParts(from).y;
  const y1 = dayParts(to).y;
  for (let y = y0; y <= y1; y++) {
    const node: Node = {
      level: 4,
      bucket: y,
      start: Math.floor(Date.UTC(y, 0, 1) / DAY_MS),
      end: Math.floor(Date.UTC(y + 1, 0, 1) / DAY_MS) - 1,
    };
    terms.push(...best(node, from, to).terms);
  }
  return terms;
}
