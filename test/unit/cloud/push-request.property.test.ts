/**
 * The push body check without zod gives zod's answer: whatever it accepts on its own, zod accepts
 * and returns unchanged; everything else is zod's own verdict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainPushRequest, parsePushRequest } from '../../../src/cloud/push-request';
import { mutationSchema, pushRequestSchema } from '../../../src/shared/sync/protocol';
import { garbageArb, validArb } from '../../support/zod-arb';

function sameAsZod(raw: unknown): void {
  const expected = pushRequestSchema.safeParse(raw);
  const actual = parsePushRequest(raw);
  if (isPlainPushRequest(raw)) {
    expect(expected.success).toBe(true);
    expect(raw).toStrictEqual(expected.data);
  }
  expect(actual.success).toBe(expected.success);
  if (actual.success && expected.success) expect(actual.data).toStrictEqual(expected.data);
  else expect(actual.error?.issues).toEqual(expected.error?.issues);
}

const viaJson = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));
const request = fc.oneof(
  validArb(pushRequestSchema),
  garbageArb(pushRequestSchema),
  // One bad mutation among good ones.
  fc
    .tuple(fc.array(validArb(mutationSchema), { maxLength: 3 }), garbageArb(mutationSchema))
    .map(([good, bad]) => ({ mutations: [...good, bad] })),
);

describe('parsePushRequest', () => {
  it('answers as pushRequestSchema does, for values as generated and as JSON.parse makes them', () => {
    fc.assert(
      fc.property(request, (raw) => {
        sameAsZod(raw);
        sameAsZod(viaJson(raw));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees at every limit, and leaves the cases zod rewrites to zod', () => {
    const proto = JSON.parse('{"mutations":[{"m":1,"e":"product","i":"p","d":{"__proto__":{"x":1},"name":"A"}}]}') as unknown;
    expect(isPlainPushRequest(proto)).toBe(false);
    sameAsZod(proto);
    const unsafe = { mutations: [{ m: 2 ** 53, e: 'product', i: 'p' }] };
    expect(isPlainPushRequest(unsafe)).toBe(false);
    sameAsZod(unsafe);
    // Limits at and just past their boundary, in each place they apply.
    const stamp = '1795334122564-0086-T1';
    const at = (n: number) => 'f'.repeat(n);
    for (const n of [64, 65]) {
      sameAsZod({ mutations: [{ m: 1, e: 'product', i: 'p', d: { [at(n)]: 1 }, c: stamp }] });
      sameAsZod({ mutations: [{ m: 1, e: 'product', i: 'p', d: { a: 1 }, c: { [at(n)]: stamp } }] });
      sameAsZod({ mutations: [{ m: 1, e: 'order', i: 'o', d: {}, ch: { [at(n)]: [] } }] });
      sameAsZod({ mutations: [{ m: 1, e: 'order', i: 'o', d: {}, ch: { lines: [{ [at(n)]: 1 }] } }] });
      sameAsZod({ mutations: [{ m: 1, e: at(n), i: 'p' }] });
      sameAsZod({ mutations: [{ m: 1, e: 'product', i: 'p' }], epoch: at(n) });
    }
    for (const n of [17, 18, 80, 81]) sameAsZod({ mutations: [{ m: 1, e: 'product', i: 'p', d: { a: 1 }, c: at(n) }] });
    for (const n of [200, 201]) sameAsZod({ mutations: [{ m: 1, e: 'product', i: at(n) }] });
    for (const n of [1000, 1001])
      sameAsZod({ mutations: [{ m: 1, e: 'order', i: 'o', d: {}, ch: { lines: Array.from({ length: n }, () => ({})) } }] });
    for (const n of [0, 5000, 5001])
      sameAsZod({ mutations: Array.from({ length: n }, (_, k) => ({ m: k + 1, e: 'x', i: 'y', noop: true })) });
    const one = [{ m: 1, e: 'product', i: 'p', noop: true }];
    for (const seq of [-1, 0, 1.5, 2 ** 53 - 1, 2 ** 53, '1'])
      for (const hash of ['a'.repeat(64), 'a'.repeat(63), 'A'.repeat(64), 'g'.repeat(64), 7])
        sameAsZod({ mutations: one, journalHead: { seq, hash } });
    sameAsZod({ mutations: one, journalHead: { seq: 1, hash: 'a'.repeat(64), at: 1 } });
    sameAsZod({ mutations: one, journalHead: null });
    const plain = { mutations: [{ m: 1, e: 'product', i: 'p', d: { name: 'A', barcodes: ['1'] }, c: '1795334122564-0086-T1' }] };
    expect(isPlainPushRequest(plain)).toBe(true);
    sameAsZod(plain);
  });
});
