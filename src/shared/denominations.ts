/**
 * Notes and coins per currency, in minor units, largest first: the float and the closing count are
 * entered per denomination. Unknown currencies fall back to a generic decimal set.
 */
export const DENOMINATIONS: Record<string, readonly number[]> = {
  USD: [10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1],
  EUR: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  GBP: [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  CNY: [10000, 5000, 2000, 1000, 500, 100, 50, 10],
  JPY: [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1],
  HKD: [100000, 50000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10],
  CAD: [10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5],
  AUD: [10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5],
  CHF: [100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5],
  SGD: [10000, 5000, 1000, 500, 200, 100, 50, 20, 10, 5],
  TWD: [100000, 50000, 20000, 10000, 5000, 1000, 500, 100],
  KRW: [50000, 10000, 5000, 1000, 500, 100, 50, 10],
};

const GENERIC = [10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];

export function denominationsFor(currency: string): readonly number[] {
  return DENOMINATIONS[currency] ?? GENERIC;
}

/** A count per denomination (minor units → pieces); the total in minor units. */
export type DenominationCounts = Record<string, number>;

export function countTotal(counts: DenominationCounts): number {
  let total = 0;
  for (const [value, pieces] of Object.entries(counts)) total += Number(value) * pieces;
  return total;
}

/** Only the currency's own denominations may be counted. */
export function unknownDenominations(currency: string, counts: DenominationCounts): string[] {
  const known = new Set(denominationsFor(currency).map(String));
  return Object.keys(counts).filter((k) => !known.has(k));
}
