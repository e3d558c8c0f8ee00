/**
 * Cards and card entries as they cross between tills and the cloud: exactly what a till writes
 * passes; what a hostile till or a tampered cloud would send (a balance of 2^60, an entry kind no
 * till makes, a card number with letters, a smuggled column, a holder name that reads backwards)
 * is refused at the boundary, before it can move a balance.
 */
import { describe, expect, it } from 'vitest';
import { syncEntity, type SharedEntity } from '../../../src/shared/sync/entities';
import { checkRecord } from '../../../src/shared/sync/validate';
import { formatHlc } from '../../../src/shared/hlc';
import { uuidv7 } from '../../../src/shared/ids';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const rule = { now: NOW, maxDriftMs: 300_000, ahead: 'refuse' as const };
const spec = (name: string) => syncEntity(name) as SharedEntity;

const entry = (over: Record<string, unknown> = {}) => {
  const id = uuidv7(NOW);
  return {
    e: 'stored_value_entry',
    i: id,
    d: {
      id,
      card_id: uuidv7(NOW),
      delta: -1500,
      kind: 'spend',
      op_id: uuidv7(NOW),
      ref_id: uuidv7(NOW),
      terminal_code: 'T2',
      staff_id: uuidv7(NOW),
      offline: true,
      at: NOW,
      ...over,
    },
  };
};

const card = (over: Record<string, unknown> = {}) => ({
  e: 'stored_value_card',
  i: uuidv7(NOW),
  d: {
    number: '6217000000000008',
    kind: 'stored_value',
    holder_name: '王芳',
    holder_mobile: '13812345678',
    status: 'active',
    replaced_by: null,
    created_at: NOW,
    updated_at: NOW,
    ...over,
  },
  c: formatHlc(NOW, 0, 'T2'),
});

describe('card records at the sync boundary', () => {
  it('the registry declares cards as a mutable org record and entries as a ledger moving the balance', () => {
    expect(spec('stored_value_card')).toMatchObject({ kind: 'mutable', scope: 'org', unique: ['number'], devices: 'write' });
    expect(spec('stored_value_entry')).toMatchObject({
      kind: 'ledger',
      scope: 'org',
      ledger: { groupBy: ['card_id'], delta: 'delta', levels: 'stored_value_balances', level: 'balance' },
    });
  });

  it('accepts exactly what a till writes', () => {
    expect(checkRecord(spec('stored_value_entry'), entry(), rule)).toBeNull();
    expect(checkRecord(spec('stored_value_card'), card(), rule)).toBeNull();
  });

  it.each([
    ['a delta of 2^60', { delta: 2 ** 60 }],
    ['a fractional delta', { delta: 10.5 }],
    ['an entry kind no till makes', { kind: 'mint' }],
    ['an operation id that is not an id', { op_id: '../../etc' }],
    ['a terminal code with a path in it', { terminal_code: '../T1' }],
    ['offline as a string', { offline: 'yes' }],
    ['a smuggled column', { balance: 1e9 }],
  ])('refuses an entry with %s', (_what, over) => {
    expect(checkRecord(spec('stored_value_entry'), entry(over), rule)).not.toBeNull();
  });

  it.each([
    ['a card number with letters', { number: '6217ABCD00000008' }],
    ['a short card number', { number: '6217' }],
    ['a status no till sets', { status: 'gold' }],
    ['a holder name with a bidirectional override', { holder_name: 'Eve\u202Eevil' }],
    ['a mobile number with a script', { holder_mobile: '<script>' }],
  ])('refuses a card with %s', (_what, over) => {
    expect(checkRecord(spec('stored_value_card'), card(over), rule)).not.toBeNull();
  });
});
