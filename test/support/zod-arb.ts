import fc from 'fast-check';
import type { z } from 'zod';
import { sampleOf } from './zod-sample';

/**
 * fast-check arbitraries derived from a zod 4 schema (walking `schema._zod.def`), so the fuzz test
 * covers every channel of the contract from its own declaration:
 * - `valid`: values the schema accepts, with boundary values (min/max lengths and numbers, empty and
 *   full arrays, present and absent optional keys) mixed in on purpose;
 * - `garbage`: anything at all, and valid values with one field broken, added or removed.
 * `ids` replaces generated UUIDs with real ids of the store half of the time, so handlers get past
 * "not found" and do real work.
 */

interface Def {
  type: string;
  format?: string;
  pattern?: RegExp;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
  catchall?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  length?: number;
}

export interface ArbOptions {
  /** Real ids to use for UUID fields (half of the time). */
  ids?: string[];
  /** Strings to try for refinements a walker cannot read (a time zone). */
  refinedStrings?: string[];
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (d: Def): CheckDef[] => (d.checks ?? []).map((c) => c._zod.def);

const REFINED = ['UTC', 'Europe/London', 'Asia/Shanghai', 'America/New_York', 'Mars/Olympus', ''];

/** A value the schema accepts, to stand in when a generated one is refused (never an endless filter). */
function fallbackFor(schema: z.ZodType): unknown {
  try {
    return sampleOf(schema);
  } catch {
    return undefined;
  }
}

/** Keeps generated values the schema accepts and replaces the others by a known good one. */
function accepted<T>(schema: z.ZodType, arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  const ok = (v: unknown) => schema.safeParse(v).success;
  const fallback = fallbackFor(schema);
  if (fallback === undefined) return arb.filter(ok);
  return arb.map((v) => (ok(v) ? v : (fallback as T)));
}

function stringArb(schema: z.ZodType, d: Def, o: ArbOptions): fc.Arbitrary<string> {
  const checks = checksOf(d);
  const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
  const maxes = checks.filter((c) => c.check === 'max_length').map((c) => c.maximum ?? Infinity);
  const max = Math.min(200, ...maxes);
  const len = checks.find((c) => c.check === 'length_equals')?.length;
  const pattern = checks.find((c) => c.format === 'regex' && c.pattern)?.pattern;
  let arb: fc.Arbitrary<string>;
  if (d.format === 'uuid' || d.format === 'guid') {
    const real = o.ids ?? [];
    arb =
      real.length > 0
        ? fc.oneof(fc.constantFrom(...real), fc.uuid({ version: 7 }), fc.uuid())
        : fc.oneof(fc.uuid({ version: 7 }), fc.uuid());
  } else if (d.format === 'email') {
    arb = fc.emailAddress();
  } else if (d.format === 'url') {
    arb = fc.webUrl();
  } else if (pattern) {
    arb = fc.stringMatching(pattern);
  } else if (d.pattern) {
    arb = fc.stringMatching(d.pattern);
  } else if (len !== undefined) {
    arb = fc.string({ minLength: len, maxLength: len, unit: 'grapheme' });
  } else {
    const edge = [min, max].filter((n) => Number.isFinite(n));
    arb = fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)), unit: 'grapheme' }) },
      { weight: 1, arbitrary: fc.constantFrom(...edge).chain((n) => fc.string({ minLength: n, maxLength: n, unit: 'binary' })) },
      { weight: 1, arbitrary: fc.constantFrom(...(o.refinedStrings ?? REFINED)) },
    );
  }
  // Refinements (time zones), trims and length limits: keep what the schema accepts, with known good values mixed in.
  const ok = (v: string) => schema.safeParse(v).success;
  const good = [...(o.refinedStrings ?? REFINED), 'x', 'Sample', '1234', 'A'.repeat(Math.max(1, min))].filter(ok);
  const kept = accepted(schema, arb);
  return good.length > 0 ? fc.oneof({ weight: 5, arbitrary: kept }, { weight: 1, arbitrary: fc.constantFrom(...good) }) : kept;
}

function numberArb(schema: z.ZodType, d: Def): fc.Arbitrary<number> {
  let lo = -Number.MAX_SAFE_INTEGER;
  let hi = Number.MAX_SAFE_INTEGER;
  let int = d.format === 'safeint' || d.format === 'int';
  for (const c of checksOf(d)) {
    if (c.check === 'greater_than' && c.value !== undefined) lo = Math.max(lo, c.inclusive ? c.value : c.value + 1);
    if (c.check === 'less_than' && c.value !== undefined) hi = Math.min(hi, c.inclusive ? c.value : c.value - 1);
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) int = true;
  }
  const edges = [lo, hi, lo + 1, hi - 1, 0, 1, Math.floor((lo + hi) / 2)].filter((v) => v >= lo && v <= hi);
  const base = int ? fc.integer({ min: lo, max: hi }) : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  const small = Math.max(lo, 0) <= Math.min(hi, 5000) ? fc.integer({ min: Math.max(lo, 0), max: Math.min(hi, 5000) }) : base;
  return accepted(
    schema,
    fc.oneof({ weight: 3, arbitrary: base }, { weight: 2, arbitrary: fc.constantFrom(...edges) }, { weight: 3, arbitrary: small }),
  );
}

const refined = (d: Def) => checksOf(d).some((c) => c.check === 'custom');

/** An arbitrary of values `schema` accepts (boundaries included). */
export function validArb(schema: z.ZodType, o: ArbOptions = {}): fc.Arbitrary<unknown> {
  const d = defOf(schema);
  switch (d.type) {
    case 'object': {
      const shape = d.shape ?? {};
      const required = Object.entries(shape)
        .filter(([, child]) => !['optional', 'default', 'prefault'].includes(defOf(child).type))
        .map(([k]) => k);
      const model = Object.fromEntries(Object.entries(shape).map(([k, child]) => [k, validArb(child, o)]));
      const arb = fc
        .record(model, { requiredKeys: required })
        .map((v) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)));
      // A refinement across fields (a window's ends differ, start before end) is checked, not walked.
      return refined(d) ? accepted(schema, arb) : arb;
    }
    case 'string':
      return stringArb(schema, d, o);
    case 'number':
    case 'int':
      return numberArb(schema, d);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'any':
    case 'unknown':
      return fc.jsonValue();
    case 'literal':
      return fc.constantFrom(...(d.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries ?? {}));
    case 'optional':
      return fc.option(validArb(d.innerType!, o), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(validArb(d.innerType!, o), { nil: null, freq: 3 });
    case 'readonly':
    case 'nonoptional':
    case 'catch':
    case 'default':
    case 'prefault':
      return validArb(d.innerType!, o);
    case 'pipe':
      return validArb(d.in!, o);
    case 'array': {
      const checks = checksOf(d);
      const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
      const max = Math.min(30, ...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum ?? Infinity));
      const arb = fc.array(validArb(d.element!, o), { minLength: min, maxLength: Math.max(min, max) });
      // Likewise across items (distinct tiers, a product once in a bundle).
      return refined(d) ? accepted(schema, arb) : arb;
    }
    case 'union':
      return fc.oneof(...(d.options ?? []).map((opt) => validArb(opt, o)));
    case 'record':
      return accepted(schema, fc.dictionary(validArb(d.keyType!, o) as fc.Arbitrary<string>, validArb(d.valueType!, o), { maxKeys: 4 }));
    default:
      throw new Error(`zod-arb: unsupported schema type ${d.type}`);
  }
}

/** Values that are wrong in every way a caller could get them wrong. */
export function garbageArb(schema: z.ZodType, o: ArbOptions = {}): fc.Arbitrary<unknown> {
  const valid = validArb(schema, o);
  const broken = valid.chain((v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fc.anything();
    const keys = Object.keys(v);
    const mutations: fc.Arbitrary<unknown>[] = [
      // one field replaced by anything
      ...(keys.length > 0 ? [fc.tuple(fc.constantFrom(...keys), fc.anything()).map(([k, x]) => ({ ...v, [k]: x }))] : []),
      // one field removed
      ...(keys.length > 0 ? [fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(v).filter(([x]) => x !== k)))] : []),
      // an extra key (the contract's objects are strict)
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.anything()).map(([k, x]) => ({ ...v, [k]: x })),
      // prototype games
      fc.constant(JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(v).slice(1)}`.replace(/, }$/, '}')) as unknown),
      // numbers and strings at and beyond their limits
      fc
        .constantFrom<unknown>(-1, -0, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e308, '', ' ', '\u0000', 'x'.repeat(10_000))
        .chain((x): fc.Arbitrary<unknown> => (keys.length > 0 ? fc.constantFrom(...keys).map((k) => ({ ...v, [k]: x })) : fc.constant(x))),
    ];
    return fc.oneof(...mutations);
  });
  return fc.oneof(
    fc.anything({ withBigInt: false, withDate: true, withMap: false, withSet: false, withTypedArray: false, withSparseArray: true }),
    fc.jsonValue(),
    broken,
  );
}
