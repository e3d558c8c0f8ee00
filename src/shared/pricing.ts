import { MAX_CART_AMOUNT, MAX_LINE_AMOUNT, MAX_QTY } from './money';

/**
 * The one pricing module. The renderer uses it for instant display; main re-runs it at commit and
 * is the authority. All amounts are integer minor units, quantities are thousandths, rates are
 * basis points. Rounding is half-up (amounts are never negative here).
 */
import { denominationsFor } from './denominations';
import { currencyDigits } from './money';

export type Discount = { kind: 'percent'; bp: number } | { kind: 'amount'; minor: number };
export type PriceMode = 'inclusive' | 'exclusive';

export interface PriceLineInput {
  id: string;
  unitPrice: number;
  qty: number;
  taxRateBp: number;
  discount?: Discount | null;
  /** A scale label that carries the price fixes the line amount. */
  fixedAmount?: number | null;
  /**
   * What promotions take off the line (the engine's answer, on what the manual discount left):
   * applied after the line's own discount and before the cart discount.
   */
  promotionDiscount?: number | null;
}

export interface PriceInput {
  mode: PriceMode;
  lines: PriceLineInput[];
  cartDiscount?: Discount | null;
}

export interface PricedLine {
  id: string;
  gross: number;
  /** The clerk's discount on the line. */
  lineDiscount: number;
  /** What promotions took off the line, after its own discount. */
  promotionDiscount: number;
  cartDiscount: number;
  net: number;
  tax: number;
  total: number;
  taxRateBp: number;
}

export interface TaxBucket {
  rateBp: number;
  base: number;
  tax: number;
}

export interface PricedCart {
  lines: PricedLine[];
  /** Sum of line amounts before any discount. */
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  /** What the customer pays. */
  total: number;
  taxes: TaxBucket[];
}

/** Integer division rounded half-up, for non-negative numerator and positive denominator. */
export function divRound(numerator: number, denominator: number): number {
  const q = Math.floor(numerator / denominator);
  const r = numerator - q * denominator;
  return r * 2 >= denominator ? q + 1 : q;
}

/**
 * round(a × b / d) half-up, exactly: a product past 2^53 (a price of 10^9 times 10^8 thousandths)
 * would lose its last digits in floating point, so it is computed in BigInt then.
 * For non-negative a, b and positive d.
 */
export function mulDivRound(a: number, b: number, d: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return divRound(p, d);
  const D = BigInt(d);
  return Number((2n * BigInt(a) * BigInt(b) + D) / (2n * D));
}

export function discountAmount(base: number, discount: Discount | null | undefined): number {
  if (!discount || base <= 0) return 0;
  if (discount.kind === 'percent') return Math.min(base, mulDivRound(base, discount.bp, 10000));
  return Math.min(base, Math.max(0, discount.minor));
}

/**
 * Splits `total` into integers proportional to `weights` (largest remainder), so the parts always
 * add up exactly. Ties go to the earlier index, which keeps the result deterministic.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  if (!Number.isSafeInteger(total * Math.max(...weights))) return allocateExact(total, weights, sum);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  const remainders = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of remainders) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** `allocate` in BigInt, for totals and weights whose products pass 2^53 (same result otherwise). */
function allocateExact(total: number, weights: number[], sum: number): number[] {
  const T = BigInt(total);
  const S = BigInt(sum);
  const parts = weights.map((w) => (T * BigInt(w)) / S);
  const remainders = weights.map((w, i) => ({ i, r: (T * BigInt(w)) % S }));
  let left = T - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

export function lineGross(line: Pick<PriceLineInput, 'unitPrice' | 'qty' | 'fixedAmount'>): number {
  if (line.fixedAmount !== null && line.fixedAmount !== undefined) return line.fixedAmount;
  return mulDivRound(line.unitPrice, line.qty, 1000);
}

/**
 * A sold line's amount as the receipt prints it: before its discount (shown under it) and, in a
 * tax-exclusive store, before tax (added once at the foot). Anything else that lists a sale's
 * lines shows this too, so it reads like the customer's receipt.
 */
export function receiptLineAmount(line: { total: number; tax: number; discount: number }, priceMode: 'inclusive' | 'exclusive'): number {
  return (priceMode === 'inclusive' ? line.total : line.total - line.tax) + line.discount;
}

export function priceCart(input: PriceInput): PricedCart {
  const gross = input.lines.map((l) => lineGross(l));
  const lineDisc = input.lines.map((l, i) => discountAmount(gross[i]!, l.discount));
  // Promotions work on what the line's own discount left, and the cart discount on what both left.
  const promoDisc = input.lines.map((l, i) => Math.min(gross[i]! - lineDisc[i]!, Math.max(0, l.promotionDiscount ?? 0)));
  const afterLine = gross.map((g, i) => g - lineDisc[i]! - promoDisc[i]!);
  const afterSum = afterLine.reduce((a, b) => a + b, 0);
  const cartDiscTotal = discountAmount(afterSum, input.cartDiscount);
  const cartDisc = allocate(cartDiscTotal, afterLine);
  const net = afterLine.map((a, i) => a - cartDisc[i]!);

  // Tax is computed once per rate on the summed base, then spread over the lines, so the
  // breakdown per rate always sums to the tax total and to the lines' taxes.
  const rates = [...new Set(input.lines.map((l) => l.taxRateBp))].sort((a, b) => a - b);
  const tax = input.lines.map(() => 0);
  const taxes: TaxBucket[] = [];
  for (const rate of rates) {
    const idx = input.lines.flatMap((l, i) => (l.taxRateBp === rate ? [i] : []));
    const base = idx.reduce((s, i) => s + net[i]!, 0);
    const bucketTax = rate <= 0 ? 0 : input.mode === 'inclusive' ? mulDivRound(base, rate, 10000 + rate) : mulDivRound(base, rate, 10000);
    const spread = allocate(
      bucketTax,
      idx.map((i) => net[i]!),
    );
    idx.forEach((i, k) => (tax[i] = spread[k]!));
    taxes.push({ rateBp: rate, base: input.mode === 'inclusive' ? base - bucketTax : base, tax: bucketTax });
  }

  const lines: PricedLine[] = input.lines.map((l, i) => ({
    id: l.id,
    gross: gross[i]!,
    lineDiscount: lineDisc[i]!,
    promotionDiscount: promoDisc[i]!,
    cartDiscount: cartDisc[i]!,
    net: net[i]!,
    tax: tax[i]!,
    total: input.mode === 'inclusive' ? net[i]! : net[i]! + tax[i]!,
    taxRateBp: l.taxRateBp,
  }));
  const sum = (f: (l: PricedLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    lines,
    subtotal: sum((l) => l.gross),
    discountTotal: sum((l) => l.lineDiscount + l.promotionDiscount + l.cartDiscount),
    taxTotal: taxes.reduce((s, t) => s + t.tax, 0),
    total: sum((l) => l.total),
    taxes,
  };
}

/**
 * The first limit a priced sale passes (money.ts): a line's quantity or amount, or the sale's
 * subtotal or total; null when it is within them. Main refuses a change to a sale that this
 * reports, so no stored sale ever holds an amount near 2^53.
 */
export function amountLimitBreach(
  lines: readonly Pick<PriceLineInput, 'id' | 'qty'>[],
  priced: PricedCart,
): { lineId: string | null; limit: number } | null {
  for (const [i, l] of lines.entries()) {
    if (!(l.qty <= MAX_QTY)) return { lineId: l.id, limit: MAX_QTY };
    const gross = priced.lines[i]?.gross ?? 0;
    if (!(gross <= MAX_LINE_AMOUNT)) return { lineId: l.id, limit: MAX_LINE_AMOUNT };
  }
  if (!(priced.subtotal <= MAX_CART_AMOUNT) || !(priced.total <= MAX_CART_AMOUNT)) return { lineId: null, limit: MAX_CART_AMOUNT };
  return null;
}

/** store_credit and exchange (credit from items returned in the same transaction) count like cards: never change. */
export type TenderKind =
  'cash' | 'card_external' | 'card_integrated' | 'store_credit' | 'exchange' | 'alipay' | 'wechat_pay' | 'stored_value';

export interface TenderInput {
  kind: TenderKind;
  amount: number;
}

export interface Settlement {
  paid: number;
  /** Still owed; 0 when fully paid. */
  due: number;
  change: number;
  /** Non-cash tenders (cards, store credit, exchange credit) may not exceed what is owed: never change from them. */
  overpaidByCard: boolean;
}

export function settle(total: number, tenders: TenderInput[]): Settlement {
  const cash = tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
  const other = tenders.filter((t) => t.kind !== 'cash').reduce((s, t) => s + t.amount, 0);
  const paid = cash + other;
  return {
    paid,
    due: Math.max(0, total - paid),
    change: Math.max(0, Math.min(cash, paid - total)),
    overpaidByCard: other > total,
  };
}

/** How many notes and coins make `amount` (largest first), to rank what a customer is likely to hand over. */
function pieces(amount: number, denominations: readonly number[]): number {
  let left = amount;
  let n = 0;
  for (const d of denominations) {
    n += Math.floor(left / d);
    left %= d;
  }
  return left === 0 ? n : Number.POSITIVE_INFINITY;
}

/**
 * Quick-cash buttons: the exact amount, then up to three amounts a customer hands over: the due
 * rounded up to each of the currency's notes (from one major unit up), fewest notes first, so
 * ¥20.50 offers ¥50 and ¥100 rather than ¥21 and ¥25.
 */
export function quickCashAmounts(due: number, currency: string): number[] {
  const all = denominationsFor(currency);
  const unit = 10 ** currencyDigits(currency);
  const notes = all.filter((d) => d >= unit);
  const candidates = new Map<number, number>();
  for (const note of notes) {
    const up = Math.ceil(due / note) * note;
    if (up > due && !candidates.has(up)) candidates.set(up, pieces(up, all));
  }
  const picked = [...candidates]
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .slice(0, 3)
    .map(([amount]) => amount);
  return [due, ...picked].sort((a, b) => a - b);
}
