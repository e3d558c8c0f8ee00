/**
 * Sale units, declared once: the contract, the database schema, CSV import, sync checks and the
 * renderer all take the list from here.
 *
 * A product is sold by the piece (`each`) or by a mass unit; its price is per that unit (per lb,
 * per 斤) and every quantity is integer thousandths of it (0.75 lb = 750, 1.36 斤 = 1360).
 *
 * Reports never add pieces to masses, nor pounds to kilograms: a weighed quantity is brought to
 * grams, the common mass, with exact integer arithmetic from the legal definitions
 * (1 lb = 453.59237 g, 1 oz = 1/16 lb = 28.349523125 g, 1 斤 = 500 g), rounding half away from
 * zero once per total, never per line.
 */

export const UNITS = ['each', 'kg', 'g', 'lb', 'oz', 'jin'] as const;
export type Unit = (typeof UNITS)[number];
export type MassUnit = Exclude<Unit, 'each'>;
export const MASS_UNITS: readonly MassUnit[] = ['kg', 'g', 'lb', 'oz', 'jin'];

export function isUnit(value: unknown): value is Unit {
  return typeof value === 'string' && (UNITS as readonly string[]).includes(value);
}

/** Sold by weight (a scale, a weight dialog, three decimals) rather than counted. */
export function isWeighed(unit: Unit): unit is MassUnit {
  return unit !== 'each';
}

/** Grams in one unit as an exact fraction [numerator, denominator]. */
const GRAMS: Record<MassUnit, readonly [bigint, bigint]> = {
  kg: [1000n, 1n],
  g: [1n, 1n],
  lb: [45_359_237n, 100_000n],
  oz: [45_359_237n, 1_600_000n],
  jin: [500n, 1n],
};

/** n / d rounded half away from zero (d > 0). */
function divRound(n: bigint, d: bigint): bigint {
  const sign = n < 0n ? -1n : 1n;
  const a = n * sign;
  return (sign * (2n * a + d)) / (2n * d);
}

/** The mass, in whole grams, of a quantity (thousandths of `unit`); a piece count has none. */
export function qtyToGrams(thousandths: number, unit: Unit): number {
  if (!isWeighed(unit)) return 0;
  const [num, den] = GRAMS[unit];
  return Number(divRound(BigInt(thousandths) * num, 1000n * den));
}

/**
 * A mass in grams as thousandths of `unit`, rounded half up: what a scale label's weight
 * means for a product priced per lb or per 斤 (680 g = 1.360 斤 = 1.499 lb).
 */
export function gramsToQty(grams: number, unit: MassUnit): number {
  const [num, den] = GRAMS[unit];
  return Number(divRound(BigInt(grams) * 1000n * den, num));
}

/**
 * Rollups keep masses as grams in REAL columns, summed in whatever order sales, refunds and
 * rebuilds arrive. Each line's mass is kept to a multiple of 2^-20 g (under a microgram), so those
 * sums are exact and the same in any order (up to 2^33 g, some 8,600 t, per rollup row); a total
 * is rounded to whole grams once, when read.
 */
export const GRAM_QUANTUM = 2 ** 20;

/** Grams per thousandth of a unit as an integer ratio: thousandths × A / B, the same in JS and SQL. */
export const GRAMS_PER_THOUSANDTH: Record<MassUnit, readonly [number, number]> = {
  kg: [1, 1],
  g: [1, 1000],
  lb: [45_359_237, 100_000_000],
  oz: [45_359_237, 1_600_000_000],
  jin: [1, 2],
};

/** Half away from zero, as the SQL twin `CAST(x + ±0.5 AS INTEGER)` does. */
function roundHalfAway(x: number): number {
  return Math.trunc(x + (x < 0 ? -0.5 : 0.5));
}

/** The mass of a line for the rollups (see GRAM_QUANTUM): 0 for pieces. */
export function lineGrams(thousandths: number, unit: string): number {
  if (!isUnit(unit) || !isWeighed(unit)) return 0;
  const [a, b] = GRAMS_PER_THOUSANDTH[unit];
  return roundHalfAway(((thousandths * a) / b) * GRAM_QUANTUM) / GRAM_QUANTUM;
}

/**
 * `lineGrams` as an SQL expression over a quantity and a unit column: integer product, one
 * division, the same rounding, so a rebuild in SQL stores the very numbers the JS path adds.
 */
export function lineGramsSql(qty: string, unit: string): string {
  const cases = MASS_UNITS.map((u) => {
    const [a, b] = GRAMS_PER_THOUSANDTH[u];
    return `WHEN '${u}' THEN CAST(${qty} * ${a} AS REAL) / ${b}`;
  }).join(' ');
  const exact = `(CASE ${unit} ${cases} ELSE 0.0 END) * ${GRAM_QUANTUM}.0`;
  return `(CAST(${exact} + (CASE WHEN ${exact} < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / ${GRAM_QUANTUM}.0)`;
}

/** A rollup's mass total in whole grams: rounded once, half away from zero. */
export function wholeGrams(grams: number): number {
  return roundHalfAway(grams);
}

/** Quantities of mixed lines: pieces (thousandths of a piece) apart from the total mass in grams. */
export interface PiecesAndMass {
  pieces: number;
  grams: number;
}

/**
 * Sums lines of any units. Quantities are added per unit first and each unit's total converted
 * once, so the result does not depend on how many lines a weight was split into.
 */
export function piecesAndMass(rows: Iterable<{ unit: string; qty: number }>): PiecesAndMass {
  const per = new Map<MassUnit, number>();
  let pieces = 0;
  for (const r of rows) {
    const unit: Unit = isUnit(r.unit) ? r.unit : 'each';
    if (isWeighed(unit)) per.set(unit, (per.get(unit) ?? 0) + r.qty);
    else pieces += r.qty;
  }
  let grams = 0;
  for (const [unit, qty] of per) grams += qtyToGrams(qty, unit);
  return { pieces, grams };
}

export interface StoreLocale {
  language: string;
  currency: string;
}

/**
 * The units the product editor offers a store: the piece, then the masses its customers buy by.
 * Chinese stores weigh in 斤; US stores in lb and oz; kg and g everywhere. Any unit in `UNITS` is
 * still accepted through the contract (an import, another terminal).
 */
export function unitsForStore(store: StoreLocale): Unit[] {
  const chinese = store.currency === 'CNY' || store.language.toLowerCase().startsWith('zh');
  if (chinese) return ['each', 'jin', 'kg', 'g'];
  if (store.currency === 'USD') return ['each', 'lb', 'oz', 'kg', 'g'];
  return ['each', 'kg', 'g'];
}

/** Short unit names shown after a weight (main's receipts and reports; the renderer's i18n uses the same). */
export const UNIT_SYMBOLS: Record<'en' | 'zh-CN', Record<Unit, string>> = {
  en: { each: 'each', kg: 'kg', g: 'g', lb: 'lb', oz: 'oz', jin: 'jin' },
  'zh-CN': { each: '件', kg: '千克', g: '克', lb: '磅', oz: '盎司', jin: '斤' },
};

export function unitSymbol(unit: Unit, language: string): string {
  return (language.startsWith('zh') ? UNIT_SYMBOLS['zh-CN'] : UNIT_SYMBOLS.en)[unit];
}
