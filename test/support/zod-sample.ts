import fc from 'fast-check';
import type { z } from 'zod';

/**
 * Builds a VALID sample for a zod 4 schema by walking `schema._zod.def`. Generic on purpose: the
 * contract test derives inputs for every channel from the contract itself, never from a hand list.
 * `full` also fills optional keys. Throws when it cannot produce something the schema accepts.
 */

interface Def {
  type: string;
  format?: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
  out?: z.ZodType;
  defaultValue?: unknown;
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

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (d: Def): CheckDef[] => (d.checks ?? []).map((c) => c._zod.def);
const accepts = (s: z.ZodType, v: unknown) => s.safeParse(v).success;

/** Strings for refinements a walker cannot read (e.g. a time-zone check): tried in order. */
const STRING_CANDIDATES = [
  'UTC',
  'Europe/London',
  'x',
  'abc',
  'ABC',
  'Sample',
  '1234',
  '00042',
  '5000112637922',
  'a.example',
  // A calendar date (a regex for the shape, a refinement for the calendar).
  '2026-03-31',
];

export const SAMPLE_UUID = '01900000-0000-7000-8000-000000000001';

function sampleString(schema: z.ZodType, d: Def, seed: number): string {
  const checks = checksOf(d);
  const candidates: string[] = [];
  if (d.format === 'uuid' || d.format === 'guid') candidates.push(SAMPLE_UUID);
  if (d.format === 'email') candidates.push('someone@example.com');
  if (d.format === 'url') candidates.push('https://example.com/');
  for (const c of checks) {
    if (c.format === 'regex' && c.pattern) candidates.push(...fc.sample(fc.stringMatching(c.pattern), { numRuns: 20, seed }));
  }
  const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
  const len = checks.find((c) => c.check === 'length_equals')?.length;
  candidates.push(...STRING_CANDIDATES);
  candidates.push('s'.repeat(len ?? Math.max(1, min)));
  const hit = candidates.find((v) => accepts(schema, v));
  if (hit === undefined) throw new Error(`zod-sample: no valid string for ${JSON.stringify(checks)}`);
  return hit;
}

function sampleNumber(schema: z.ZodType, d: Def): number {
  let lo = -1e9;
  let hi = 1e9;
  for (const c of checksOf(d)) {
    if (c.check === 'greater_than' && c.value !== undefined) lo = Math.max(lo, c.inclusive ? c.value : c.value + 1);
    if (c.check === 'less_than' && c.value !== undefined) hi = Math.min(hi, c.inclusive ? c.value : c.value - 1);
  }
  // Prefer a small positive whole number: it passes most business checks (qty, amount, limit).
  for (const v of [1000, 1, Math.max(lo, Math.min(hi, 1)), lo, hi, Math.ceil((lo + hi) / 2)])
    if (v >= lo && v <= hi && accepts(schema, v)) return v;
  throw new Error(`zod-sample: no valid number in [${lo}, ${hi}]`);
}

export function sampleOf(schema: z.ZodType, opts: { full?: boolean; seed?: number } = {}): unknown {
  const seed = opts.seed ?? 42;
  const d = defOf(schema);
  let v: unknown;
  switch (d.type) {
    case 'object': {
      // A refinement across fields (a time window's ends must differ) may reject the first try:
      // other seeds give the fields other values.
      for (let k = 0; k < 10; k++) {
        const out: Record<string, unknown> = {};
        for (const [i, [key, child]] of Object.entries(d.shape ?? {}).entries()) {
          const t = defOf(child).type;
          if ((t === 'optional' || t === 'default') && !opts.full) continue;
          out[key] = sampleOf(child, k === 0 ? opts : { ...opts, seed: seed + k * 31 + i });
        }
        v = out;
        if (accepts(schema, v)) break;
      }
      break;
    }
    case 'string':
      v = sampleString(schema, d, seed);
      break;
    case 'number':
    case 'int':
      v = sampleNumber(schema, d);
      break;
    case 'boolean':
      v = true;
      break;
    case 'bigint':
      v = 1n;
      break;
    case 'null':
      v = null;
      break;
    case 'undefined':
    case 'void':
      v = undefined;
      break;
    case 'any':
    case 'unknown':
      v = {};
      break;
    case 'literal':
      v = d.values?.[0];
      break;
    case 'enum':
      v = Object.values(d.entries ?? {})[0];
      break;
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
    case 'default':
    case 'prefault':
      v = sampleOf(d.innerType!, opts);
      break;
    case 'pipe':
      v = sampleOf(d.in!, opts);
      break;
    case 'array': {
      const min = Math.max(
        1,
        ...checksOf(d)
          .filter((c) => c.check === 'min_length')
          .map((c) => c.minimum ?? 0),
      );
      v = Array.from({ length: min }, () => sampleOf(d.element!, opts));
      break;
    }
    case 'record':
      v = { [String(sampleOf(d.keyType!, opts))]: sampleOf(d.valueType!, opts) };
      break;
    case 'union': {
      for (const option of d.options ?? []) {
        try {
          v = sampleOf(option, opts);
          if (accepts(option, v)) break;
        } catch {
          // try the next option
        }
      }
      break;
    }
    default:
      throw new Error(`zod-sample: unsupported schema type ${d.type}`);
  }
  if (!accepts(schema, v)) throw new Error(`zod-sample: produced an invalid ${d.type}: ${JSON.stringify(v)}`);
  return v;
}

/** Whether `{}` is a valid input (then the router also takes null/undefined as `{}`). */
export function acceptsEmptyObject(schema: z.ZodType): boolean {
  return accepts(schema, {});
}

/** Keys an object schema requires (not optional); empty for non-objects. */
export function requiredKeys(schema: z.ZodType): string[] {
  const d = defOf(schema);
  if (d.type !== 'object') return [];
  return Object.entries(d.shape ?? {})
    .filter(([, child]) => !['optional', 'default', 'prefault'].includes(defOf(child).type))
    .map(([k]) => k);
}
