/**
 * The stored-value ledger under random sequences of top-ups (with a bonus rule), spends at the
 * till (split with cash), transfers and reissues, online. After every step: each running balance
 * equals the sum of its entries, no balance is below zero, and the value on all cards equals a
 * simple model (what was loaded plus bonuses minus what was spent): transfers and reissues move
 * value, they never make or lose any. The pure rules are checked on their own too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { cardStore, expectBalancesAreSums, issue, sellApple } from '../support/stored-value';
import { uuidv7 } from '../../src/shared/ids';
import { bonusFor, isCardNumber, makeCardNumber, spendRefusal } from '../../src/shared/stored-value/rules';

type Op =
  | { kind: 'topup'; c: number; amount: number }
  | { kind: 'spend'; c: number; amount: number }
  | { kind: 'transfer'; from: number; to: number; amount: number }
  | { kind: 'reissue'; c: number };

const c = fc.integer({ min: 0, max: 2 });
const amount = fc.integer({ min: 1, max: 9000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('topup' as const), c, amount }),
  fc.record({ kind: fc.constant('spend' as const), c, amount }),
  fc.record({ kind: fc.constant('transfer' as const), from: c, to: c, amount }),
  fc.record({ kind: fc.constant('reissue' as const), c }),
);

const RULES = [{ minTopUp: 5000, bonus: 500 }];

describe('stored-value ledger (property)', () => {
  it('balances are sums of entries, never negative online, and transfers and reissues conserve value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const { app } = await cardStore({ currency: 'USD', language: 'en', timezone: 'UTC' });
        try {
          await ok(
            app,
            'cards.setSettings',
            { bonusRules: RULES, expiryMonths: null, cnRules: 'off', offlineMaxPerSpend: 0, offlineMaxTotal: 0 },
            'mgr',
          );
          const numbers = [(await issue(app, 3000)).number, (await issue(app, 1000)).number, (await issue(app, 500)).number];
          const model = [3000, 1000, 500];
          const total = () =>
            app.deps.sqlite.prepare('SELECT COALESCE(SUM(balance), 0) FROM stored_value_balances').pluck().get() as number;
          for (const o of ops) {
            if (o.kind === 'topup') {
              await ok(
                app,
                'cards.topUp',
                { opId: uuidv7(), number: numbers[o.c]!, amount: o.amount, payment: { cash: o.amount, card: 0 } },
                'clerk',
              );
              model[o.c]! += o.amount + bonusFor(o.amount, RULES);
            } else if (o.kind === 'spend') {
              const take = Math.min(o.amount, 10_000);
              if (take <= model[o.c]!) {
                await sellApple(app, [
                  { kind: 'stored_value', cardNumber: numbers[o.c]!, amount: take },
                  { kind: 'cash', amount: 10_000 - take },
                ]);
                model[o.c]! -= take;
              } else {
                const cart = await ok(app, 'cart.scan', { code: 'APPLE-1' }, 'clerk');
                const err = await fail(
                  app,
                  'sales.complete',
                  {
                    cartId: cart.id,
                    checkoutId: uuidv7(),
                    tenders: [{ kind: 'stored_value', cardNumber: numbers[o.c]!, amount: take }],
                  },
                  'clerk',
                );
                expect(err.code).toBe(take > 10_000 ? 'VALIDATION' : 'INSUFFICIENT_PAYMENT');
                await ok(app, 'cart.clear', {}, 'clerk');
              }
            } else if (o.kind === 'transfer') {
              const res = await app.router.call(
                'cards.transfer',
                { opId: uuidv7(), from: numbers[o.from]!, to: numbers[o.to]!, amount: o.amount },
                'mgr',
              );
              if (o.from !== o.to && o.amount <= model[o.from]!) {
                expect(res.ok).toBe(true);
                model[o.from]! -= o.amount;
                model[o.to]! += o.amount;
              } else expect(res.ok).toBe(false);
            } else {
              const res = await ok(app, 'cards.reissue', { opId: uuidv7(), number: numbers[o.c]! }, 'mgr');
              expect(res.from.balance).toBe(0);
              expect(res.to.balance).toBe(model[o.c]);
              numbers[o.c] = res.to.number;
            }
            expectBalancesAreSums(app);
            for (let i = 0; i < 3; i++) expect((await ok(app, 'cards.lookup', { number: numbers[i]! }, 'clerk')).balance).toBe(model[i]);
            expect(total()).toBe(model.reduce((s, v) => s + v, 0));
            const negative = app.deps.sqlite.prepare('SELECT COUNT(*) FROM stored_value_balances WHERE balance < 0').pluck().get();
            expect(negative).toBe(0);
          }
        } finally {
          app.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('bonus: the best rule the top-up reaches, never stacked', () => {
    const rules = fc.uniqueArray(
      fc.record({ minTopUp: fc.integer({ min: 1, max: 100_000 }), bonus: fc.integer({ min: 1, max: 10_000 }) }),
      {
        selector: (r) => r.minTopUp,
        maxLength: 6,
      },
    );
    fc.assert(
      fc.property(rules, fc.integer({ min: 1, max: 200_000 }), (rs, topUp) => {
        const reached = rs.filter((r) => r.minTopUp <= topUp).sort((a, b) => b.minTopUp - a.minTopUp);
        expect(bonusFor(topUp, rs)).toBe(reached[0]?.bonus ?? 0);
        expect(bonusFor(topUp, rs)).toBeLessThanOrEqual(Math.max(0, ...rs.map((r) => r.bonus)));
      }),
    );
  });

  it('card numbers carry a check digit that catches any single wrong digit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (digits, at, bump) => {
          let i = 0;
          const n = makeCardNumber(() => digits[i++ % digits.length]!);
          expect(isCardNumber(n)).toBe(true);
          const d = (Number(n[at]) + bump) % 10;
          const typo = n.slice(0, at) + String(d) + n.slice(at + 1);
          if (!(at === 0 && d === 0)) expect(isCardNumber(typo)).toBe(false);
        },
      ),
    );
  });

  it('online a spend never takes a balance below zero; offline the till caps hold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (balance, amount, offline, maxPerSpend, maxTotal, unsent) => {
          const why = spendRefusal({ balance, amount, offline, policy: { maxPerSpend, maxTotal }, unsentOffline: unsent });
          if (why === null) {
            expect(balance - amount).toBeGreaterThanOrEqual(0);
            if (offline) {
              expect(amount).toBeLessThanOrEqual(maxPerSpend);
              expect(unsent + amount).toBeLessThanOrEqual(maxTotal);
            }
          }
        },
      ),
    );
  });
});
