/**
 * Safe text by construction: every string a channel takes is a format (a UUID, an e-mail), a
 * pattern, or human text declared with `safeLine`/`safeText` (shared/text.ts). A bare
 * `z.string()` in a new channel fails here; then, through the router, a hidden character in any
 * top-level text field of any channel is refused before anything is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract, type Channel } from '../../src/shared/api';
import { SAFE_TEXT_CHECKS } from '../../src/shared/text';
import { makeApp, ok, readyStore } from '../support/app';
import { snapshotDb } from '../support/db-snapshot';
import { sampleOf } from '../support/zod-sample';

interface Def {
  type: string;
  format?: string;
  checks?: { _zod: { def: { check: string; format?: string; fn?: unknown } } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Strings that are neither a name nor free text, and why. Keep this short: anything a person
 * reads belongs in safeLine/safeText.
 */
const NOT_TEXT: Record<string, string> = {
  'imports.chunk:text': 'a piece of an uploaded CSV file: every row is checked when the file is read',
  'settings.update:timezone': 'checked against the time zones Intl knows',
  'setup.run:timezone': 'checked against the time zones Intl knows',
};

type Kind = 'format' | 'pattern' | 'safe' | 'bare';

function kindOf(d: Def): Kind {
  const checks = (d.checks ?? []).map((c) => c._zod.def);
  if (checks.some((c) => c.check === 'custom' && SAFE_TEXT_CHECKS.includes(c.fn as (s: string) => boolean))) return 'safe';
  if (d.format) return 'format';
  if (checks.some((c) => c.format === 'regex')) return 'pattern';
  return 'bare';
}

/** Every string in a schema, with its path ("lines.[].name", "values.{key}"). */
function strings(schema: z.ZodType, path: string, out: { path: string; kind: Kind }[] = []) {
  const d = defOf(schema);
  switch (d.type) {
    case 'string':
      out.push({ path, kind: kindOf(d) });
      break;
    case 'object':
      for (const [k, child] of Object.entries(d.shape ?? {})) strings(child, path ? `${path}.${k}` : k, out);
      break;
    case 'array':
      strings(d.element!, `${path}.[]`, out);
      break;
    case 'record':
      strings(d.keyType!, `${path}.{key}`, out);
      strings(d.valueType!, `${path}.{}`, out);
      break;
    case 'union':
      for (const o of d.options ?? []) strings(o, path, out);
      break;
    case 'pipe':
      strings(d.in!, path, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      strings(d.innerType!, path, out);
      break;
  }
  return out;
}

const channels = Object.keys(contract) as Channel[];
const schemaOf = (ch: Channel) => contract[ch].input as z.ZodType;

describe('every text field of the contract is declared safe', () => {
  it('no channel takes a bare string', () => {
    const bare = channels.flatMap((ch) =>
      strings(schemaOf(ch), '')
        .filter((s) => s.kind === 'bare' && !NOT_TEXT[`${ch}:${s.path}`])
        .map((s) => `${ch}:${s.path}`),
    );
    expect(bare).toEqual([]);
    // And the exceptions are still there to be excepted (no stale entries).
    const all = new Set(channels.flatMap((ch) => strings(schemaOf(ch), '').map((s) => `${ch}:${s.path}`)));
    expect(Object.keys(NOT_TEXT).filter((k) => !all.has(k))).toEqual([]);
  });

  it('finds the text fields it should (the walk itself works)', () => {
    const safe = (ch: Channel) =>
      strings(schemaOf(ch), '')
        .filter((s) => s.kind === 'safe')
        .map((s) => s.path);
    expect(safe('catalog.create')).toEqual(expect.arrayContaining(['sku', 'name', 'altName']));
    expect(safe('staff.create')).toContain('name');
    expect(safe('suppliers.create')).toEqual(expect.arrayContaining(['name', 'notes']));
  });
});

describe('through the router, a hidden character in any text field is refused and nothing is written', () => {
  let app: ReturnType<typeof makeApp>;
  beforeAll(async () => {
    app = makeApp();
    await readyStore(app, 's1');
  });

  /** Top-level text fields (the ones a full sample carries), per channel. */
  const cases = channels.flatMap((ch) => {
    const d = defOf(schemaOf(ch));
    if (d.type !== 'object') return [];
    return strings(schemaOf(ch), '')
      .filter((s) => s.kind === 'safe' && !s.path.includes('.'))
      .map((s) => [ch, s.path] as const);
  });

  it('has fields to try', () => expect(cases.length).toBeGreaterThan(40));

  it.each(cases)('%s: %s', async (ch, key) => {
    const sample = sampleOf(schemaOf(ch), { full: true }) as Record<string, unknown>;
    const before = snapshotDb(app.deps.sqlite);
    for (const bad of ['a\u202Eb', 'a\u200Bb', 'a\u0000b', 'a\u2067b']) {
      const res = await app.router.call(ch, { ...sample, [key]: `abcdefgh${bad}` }, 's1');
      expect(res.ok ? 'ok' : res.error.code).toBe('VALIDATION');
      if (!res.ok)
        expect((res.error.details as { path: string[]; messageKey?: string }[]).some((i) => i.messageKey === 'errors.unsafeText')).toBe(
          true,
        );
    }
    expect(snapshotDb(app.deps.sqlite).hashes).toEqual(before.hashes);
  });

  it('a plain sample still passes validation', async () => {
    const res = await app.router.call('suppliers.create', { name: 'Plain Supplier 供应商' }, 's1');
    expect(res.ok).toBe(true);
    await ok(app, 'suppliers.list', {}, 's1');
  });
});
