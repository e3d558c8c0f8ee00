import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, runPaymentsCrash } from '../crash/payments-crash';

/**
 * The short form of the payments crash run (the full one: `npx tsx test/crash/payments-crash.ts --runs 200`):
 * a till process killed once at each transition of a trade, restarted and reconciled, the money
 * rules checked against the fake provider's own ledger.
 */
describe('payments crash safety', () => {
  it('no charge without a sale or an automatic refund, no double charge, nothing left unresolved, at every kill point', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const r = await runPaymentsCrash({ seed, runs: CRASH_POINTS.length }).catch((err: unknown) => {
      throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    expect(r.runs).toBe(CRASH_POINTS.length);
    // Every point the till itself reaches is a kill (the provider-side ones depend on its answers).
    for (const p of ['beforeCall', 'payLeft', 'afterAnswer', 'beforeSale'] as const) expect(r.byPoint[p], p).toBe(1);
  }, 600_000);
});
