import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../src/shared/pricing';
import { ORDER_NUMBER } from '../../src/shared/api';
import { normalizeAddress, validateAddress } from '../../src/shared/address';

describe('store credit and exchange credit at checkout', () => {
  it('never give change, and can never pay more than is owed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(
          fc.record({
            kind: fc.constantFrom('cash', 'store_credit', 'exchange', 'card_external'),
            amount: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          {
            maxLength: 5,
          },
        ),
        (total, tenders) => {
          const s = settle(total, tenders as { kind: 'cash' | 'store_credit' | 'exchange' | 'card_external'; amount: number }[]);
          const cash = tenders.filter((t) => t.kind === 'cash').reduce((a, t) => a + t.amount, 0);
          const nonCash = tenders.filter((t) => t.kind !== 'cash').reduce((a, t) => a + t.amount, 0);
          expect(s.change).toBeLessThanOrEqual(cash);
          expect(s.overpaidByCard).toBe(nonCash > total);
          if (cash === 0) expect(s.change).toBe(0);
        },
      ),
    );
  });
});

describe('order numbers on receipts', () => {
  it('match the pattern a scanned code is checked against; product barcodes do not', () => {
    for (const n of ['T1-000001', 'T2-123456', 'TILL3-0000042']) expect(ORDER_NUMBER.test(n)).toBe(true);
    for (const n of ['5000112637922', 'T1-R000001', 'T1-S000001', 'COLA', 't1-000001']) expect(ORDER_NUMBER.test(n)).toBe(false);
  });
});

describe('address normalisation', () => {
  it('trims, upper-cases codes and formats Canadian postal codes', () => {
    expect(
      normalizeAddress({ name: ' Ann ', line1: ' 1 Main ', city: 'Ottawa', region: 'on', postalCode: 'k1a0b1', country: 'ca', phone: '' }),
    ).toEqual({
      name: 'Ann',
      company: null,
      line1: '1 Main',
      line2: null,
      city: 'Ottawa',
      region: 'ON',
      postalCode: 'K1A 0B1',
      country: 'CA',
      phone: null,
    });
  });

  it('flags every overlong field', () => {
    const long = 'x'.repeat(101);
    const issues = validateAddress({ name: 'A', line1: long, city: 'B', postalCode: '10115', country: 'DE' });
    expect(issues).toEqual([{ path: ['address', 'line1'], code: 'tooLong', message: 'At most 100 characters' }]);
  });
});
