/**
 * Checking one synced record against its declaration in the entity registry, the same way on both
 * sides of the wire: the cloud for every pushed record (src/cloud/push.ts), a till for every pulled
 * one (src/main/sync/pull.ts). A record passes only when its key, every field, every set value,
 * every child row and every clock stamp has exactly the shape a till produces.
 *
 * Mutable records may carry some of their fields (a change merges per field); each one present is
 * checked, and a field the entity does not declare is refused. Facts travel whole (a nullable
 * column may be left out: it is stored as null).
 */
import { z } from 'zod';
import { stampStatus } from '../hlc';
import { DELETED_FIELD, type RecordShape, type SharedEntity } from './entities';
import { idShape } from './shapes';
import type { Stamps } from './protocol';

export interface Refusal {
  /** INVALID: a key, field, child row or value of the wrong shape; BAD_STAMP: a clock stamp that is not one. */
  code: 'INVALID' | 'BAD_STAMP';
  message: string;
}

export interface IncomingRecord {
  e: string;
  i: string;
  d?: Record<string, unknown> | undefined;
  c?: Stamps | undefined;
  ch?: Record<string, Record<string, unknown>[]> | undefined;
}

export interface StampRule {
  now: number;
  maxDriftMs: number;
  /** The cloud replaces a stamp past the drift window with its own time; a till refuses it. */
  ahead: 'clamp' | 'refuse';
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Derived schemas, made once per declared shape (a first download checks 100,000 records). */
const partials = new WeakMap<RecordShape, RecordShape>();
const wholes = new WeakMap<RecordShape, RecordShape>();
function partialOf(shape: RecordShape): RecordShape {
  let s = partials.get(shape);
  if (!s) partials.set(shape, (s = shape.partial().strict()));
  return s;
}
/** Every column present, except that a nullable one may be left out (it is stored as null). */
function wholeOf(shape: RecordShape): RecordShape {
  let s = wholes.get(shape);
  if (!s) {
    const fields = Object.fromEntries(
      Object.entries(shape.shape).map(([k, f]) => [k, (f as z.ZodType).safeParse(null).success ? (f as z.ZodType).optional() : f]),
    );
    wholes.set(shape, (s = z.object(fields).strict()));
  }
  return s;
}

function invalid(message: string): Refusal {
  return { code: 'INVALID', message };
}

/** The first zod issue as one line (path and message). */
function issueText(prefix: string, error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const first = error.issues[0];
  if (!first) return prefix;
  const path = first.path.map(String).join('.');
  return `${prefix}${path ? ` ${path}` : ''}: ${first.message}`;
}

function checkStamp(stamp: unknown, rule: StampRule, field: string): Refusal | null {
  const status = typeof stamp === 'string' ? stampStatus(stamp, rule.now, rule.maxDriftMs) : 'bad';
  if (status === 'bad') return { code: 'BAD_STAMP', message: `The clock stamp of ${field} is not a valid stamp` };
  if (status === 'ahead' && rule.ahead === 'refuse')
    return { code: 'BAD_STAMP', message: `The clock stamp of ${field} is further ahead than clocks may drift` };
  return null;
}

function checkMutable(spec: SharedEntity, r: IncomingRecord, rule: StampRule): Refusal | null {
  const d = r.d!;
  const shape = spec.fields.shape;
  const plain: Record<string, unknown> = {};
  for (const f of Object.keys(d)) {
    if (f === DELETED_FIELD) {
      if (!spec.deletable || typeof d[f] !== 'boolean') return invalid(`${spec.entity} cannot carry ${DELETED_FIELD}`);
      continue;
    }
    const set = spec.sets?.find((s) => s.field === f);
    if (set) {
      const v = d[f];
      if (!Array.isArray(v) || v.length > set.max) return invalid(`${spec.entity}.${f} must be a list of at most ${set.max}`);
      for (const x of v) if (!set.value.safeParse(x).success) return invalid(`${spec.entity}.${f} holds a value of the wrong shape`);
      if (new Set(v).size !== v.length) return invalid(`${spec.entity}.${f} holds a value twice`);
      continue;
    }
    if (!hasOwn(shape, f)) return invalid(`${spec.entity} has no field "${f}" a terminal may write`);
    plain[f] = d[f];
  }
  const parsed = partialOf(spec.fields).safeParse(plain);
  if (!parsed.success) return invalid(issueText(spec.entity, parsed.error));
  const keyed = spec.keyed && hasOwn(plain, spec.keyed.field) && hasOwn(spec.keyed.shapes, r.i) ? spec.keyed.shapes[r.i] : undefined;
  if (keyed && !(d[DELETED_FIELD] === true && plain[spec.keyed!.field] == null)) {
    const p = keyed.safeParse(plain[spec.keyed!.field]);
    if (!p.success) return invalid(issueText(`${spec.entity} ${r.i}`, p.error));
  }
  const c = r.c;
  if (typeof c === 'string') return checkStamp(c, rule, 'the change');
  if (!isPlainObject(c)) return { code: 'BAD_STAMP', message: 'The change carries no clock stamps' };
  for (const f of Object.keys(d)) {
    if (!hasOwn(c, f)) return { code: 'BAD_STAMP', message: `${f} has no clock stamp` };
    const bad = checkStamp(c[f], rule, f);
    if (bad) return bad;
  }
  for (const f of Object.keys(c)) if (!hasOwn(d, f)) return invalid(`A stamp for ${f} comes without its value`);
  return null;
}

function checkFact(spec: SharedEntity, r: IncomingRecord): Refusal | null {
  const d = r.d!;
  if (d[spec.key] !== r.i) return invalid(`${spec.entity}: the record's ${spec.key} is not its key`);
  const parsed = wholeOf(spec.fields).safeParse(d);
  if (!parsed.success) return invalid(issueText(spec.entity, parsed.error));
  if (r.ch !== undefined) {
    if (!isPlainObject(r.ch)) return invalid(`${spec.entity}: children must be an object`);
    for (const table of Object.keys(r.ch)) {
      const child = spec.children?.find((x) => x.table === table);
      if (!child) return invalid(`${spec.entity} has no child rows "${table}"`);
      const rows = r.ch[table];
      if (!Array.isArray(rows)) return invalid(`${spec.entity}.${table} must be a list`);
      const ids = new Set<unknown>();
      for (const row of rows) {
        const p = wholeOf(child.fields).safeParse(row);
        if (!p.success) return invalid(issueText(`${spec.entity}.${table}`, p.error));
        if (row[child.fk] !== r.i) return invalid(`${spec.entity}.${table}: a row belongs to another record`);
        const rowKey = row[child.key ?? 'id'];
        if (ids.has(rowKey)) return invalid(`${spec.entity}.${table}: a row appears twice`);
        ids.add(rowKey);
      }
    }
  }
  if (r.c !== undefined) return invalid(`${spec.entity} facts carry no clock stamps`);
  return null;
}

/** Null when `r` is exactly what a till would write for `spec`; otherwise why it is refused. */
export function checkRecord(spec: SharedEntity, r: IncomingRecord, rule: StampRule): Refusal | null {
  const keyShape = spec.keyShape ?? idShape;
  if (typeof r.i !== 'string' || !keyShape.safeParse(r.i).success) return invalid(`${spec.entity}: the key is not of the right shape`);
  if (!isPlainObject(r.d)) return invalid('The change carries no data');
  return spec.kind === 'mutable' ? checkMutable(spec, r, rule) : checkFact(spec, r);
}
