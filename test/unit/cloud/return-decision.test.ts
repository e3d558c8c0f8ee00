import { describe, expect, it } from 'vitest';
import { settleReturnDecision } from '../../../src/cloud/shop/aftersale/aftersale';
import { createHlc } from '../../../src/shared/hlc';
import { mergeRecord, type FieldRecord } from '../../../src/shared/sync/merge';
import { RETURN_DEVICE_FIELDS } from '../../../src/shared/sync/shapes';

const T0 = Date.UTC(2026, 11, 1);
const stamp = (ms: number, node: string) => createHlc(node, () => ms).now();
const decision = (d: 'pending' | 'approved' | 'refused', at: number, node: string, note = ''): FieldRecord => {
  const c = stamp(at, node);
  return { d: { decision: d, decision_note: note }, c: { decision: c, decision_note: c } };
};
/** What the cloud keeps after merging what the rule gives it. */
const merged = (base: FieldRecord, incoming: FieldRecord) =>
  mergeRecord(
    base,
    settleReturnDecision(
      base,
      incoming,
      createHlc('cloud', () => T0),
      RETURN_DEVICE_FIELDS,
    ),
  );

describe('two tills deciding one online return apart', () => {
  it('an approval overrides a refusal made later by the clocks, with stamps newer than both', () => {
    const refused = decision('refused', T0 + 60_000, 'T2', 'Opened');
    const { merged: m, changed } = merged(refused, decision('approved', T0, 'T1'));
    expect(changed).toBe(true);
    expect(m.d).toMatchObject({ decision: 'approved', decision_note: '' });
    expect(m.c.decision! > refused.c.decision!).toBe(true);
  });

  it('a later refusal leaves the approval, stamped afresh so the refusing till adopts it', () => {
    const approved = decision('approved', T0, 'T1');
    const refusal = decision('refused', T0 + 60_000, 'T2', 'Opened');
    const { merged: m, changed } = merged(approved, refusal);
    expect(changed).toBe(true);
    expect(m.d).toMatchObject({ decision: 'approved', decision_note: '' });
    expect(m.c.decision! > refusal.c.decision!).toBe(true);
  });

  it('an older refusal, or a stale pending copy sent again, changes nothing', () => {
    const approved = decision('approved', T0 + 60_000, 'T1');
    expect(merged(approved, decision('refused', T0, 'T2')).changed).toBe(false);
    expect(merged(approved, decision('pending', T0 - 60_000, 'T2')).changed).toBe(false);
  });

  it('leaves every other pair to the clocks', () => {
    const pending = decision('pending', T0, 'cloud');
    expect(merged(pending, decision('refused', T0 + 1000, 'T2')).merged.d.decision).toBe('refused');
    const refused = decision('refused', T0, 'T2', 'first');
    expect(merged(refused, decision('refused', T0 + 1000, 'T3', 'second')).merged.d.decision_note).toBe('second');
  });
});
