import { mulDivRound } from '../pricing';

/**
 * Refunds for returned units, from what the sale recorded, never re-priced.
 *
 * The rule: a returned unit gives back what the customer really paid for it at the sale — the
 * line's amount less every discount allocated to the line then (manual, promotion, cart), shared
 * evenly over the line's quantity. Returning part of a promotion (one of the two 第二件半价 items,
 * enough to fall under 满100减20) does not re-price what the customer keeps and does not claw the
 * discount back: the promotion's discount was spread at the sale over every unit that took part,
 * so each returned unit takes its own share of it with it, and the kept units keep theirs.
 *
 * Rounding: the refund of a return is round(paid × returned so far ÷ qty) − round(paid × returned
 * before ÷ qty), half-up. Each return is its pro-rata share within a minor unit, returns add up to
 * the pro-rata amount of everything returned, and returning the whole line (at once or in parts)
 * refunds exactly what was paid, never more.
 */

export interface SoldLine {
  lineId: string;
  /** Quantity sold, thousandths. */
  qty: number;
  /** Line amount before any discount, minor units. */
  amount: number;
  /** Every discount allocated to the line at the sale (manual, promotion, cart). */
  discount: number;
  /** Quantity already returned by earlier returns, thousandths. */
  returnedQty?: number;
}

export interface ReturnedQty {
  lineId: string;
  /** Thousandths. */
  qty: number;
}

export interface LineRefund {
  lineId: string;
  /** What is refunded: at most what is still returnable (sold − returned before); unknown lines refund nothing. */
  qty: number;
  refund: number;
}

/** What the customer paid for a sold line. */
export function paidForLine(line: Pick<SoldLine, 'amount' | 'discount'>): number {
  return Math.max(0, line.amount - Math.max(0, line.discount));
}

/** Refund per returned line, in the order asked; a line asked twice is returned twice, in turn. */
export function refundForReturn(sold: readonly SoldLine[], returns: readonly ReturnedQty[]): LineRefund[] {
  const byId = new Map(sold.map((l) => [l.lineId, l]));
  const returned = new Map(sold.map((l) => [l.lineId, Math.min(l.qty, Math.max(0, l.returnedQty ?? 0))]));
  return returns.map((r) => {
    const line = byId.get(r.lineId);
    if (!line || line.qty <= 0) return { lineId: r.lineId, qty: 0, refund: 0 };
    const before = returned.get(r.lineId) ?? 0;
    const qty = Math.min(Math.max(0, r.qty), line.qty - before);
    const after = before + qty;
    returned.set(r.lineId, after);
    const paid = paidForLine(line);
    return { lineId: r.lineId, qty, refund: mulDivRound(paid, after, line.qty) - mulDivRound(paid, before, line.qty) };
  });
}
