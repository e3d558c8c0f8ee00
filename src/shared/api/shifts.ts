import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';

/** Pieces per denomination (minor units: 2000 = a 20 note); each denomination at most once. */
export const counts = z
  .array(z.object({ value: z.number().int().min(1).max(10_000_000), pieces: z.number().int().min(0).max(100_000) }).strict())
  .max(40);
export type CountInput = z.infer<typeof counts>;

export interface ShiftSummary {
  id: string;
  number: string;
  terminalCode: string;
  currency: string;
  openedAt: number;
  openedBy: string;
  closedAt: number | null;
  closedBy: string | null;
  openingFloat: number;
  expectedCash: number | null;
  countedCash: number | null;
  overShort: number | null;
}

export interface CashMovementRow {
  id: string;
  kind: 'in' | 'out' | 'no_sale';
  amount: number;
  reason: string;
  at: number;
  staffName: string;
}

/** X report (shift still open) or Z report (closed): what the drawer should hold and why. */
export interface ShiftReport {
  kind: 'X' | 'Z';
  shift: ShiftSummary;
  storeName: string;
  generatedAt: number;
  openingCounts: Record<string, number>;
  countedCounts: Record<string, number> | null;
  cash: {
    float: number;
    sales: number;
    refunds: number;
    cashIn: number;
    cashOut: number;
    /** Cash taken for gift and stored-value cards (not sales); absent when none. */
    cards?: number;
    expected: number;
    counted: number | null;
    overShort: number | null;
  };
  sales: {
    orders: number;
    gross: number;
    discounts: number;
    discountedOrders: number;
    tax: number;
    total: number;
    /** Pieces sold (lines sold by the each), in thousandths. */
    items: number;
    /** Mass of weighed lines in grams, whatever unit they were sold by; absent on reports stored before it was counted apart. */
    weighed?: number;
  };
  tenders: { kind: string; count: number; amount: number; refunds: number }[];
  /** `qty`: pieces in thousandths; `weighed`: grams (absent on reports stored before it was counted apart). */
  categories: { categoryId: string | null; name: string | null; altName: string | null; qty: number; weighed?: number; amount: number }[];
  taxRates: { rateBp: number; base: number; tax: number }[];
  refunds: { count: number; amount: number };
  voids: { count: number; amount: number };
  noSales: number;
  movements: CashMovementRow[];
  /** Journal entry of a Z report. */
  journalSeq: number | null;
  /** Gift and stored-value cards: issued, topped up, bonus given, spent, refunded to cards; absent on older reports. */
  storedValue?: import('./stored-value').StoredValueShiftLines;
}

export interface ShiftState {
  currency: string;
  denominations: number[];
  terminalCode: string;
  shift: ShiftSummary | null;
}

const reason = safeLine(200, { min: 1 });

export const shiftsContract = {
  'shifts.current': channel<ShiftState>()({ input: c.empty, role: 'clerk', writes: false }),
  'shifts.open': channel<ShiftReport>()({ input: z.object({ counts }).strict(), role: 'clerk', writes: true }),
  'shifts.cashMove': channel<ShiftReport>()({
    input: z.object({ kind: z.enum(['in', 'out']), amount: c.minor.min(1), reason }).strict(),
    role: 'clerk',
    writes: true,
  }),
  /** Opens the drawer without a sale (audited); with `kickDrawer`, sends the kick to the receipt printer. */
  'shifts.noSale': channel<{ kicked: boolean }>()({
    input: z.object({ reason, kickDrawer: z.boolean() }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'shifts.report': channel<ShiftReport>()({
    input: z.object({ shiftId: c.id.optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shifts.close': channel<ShiftReport>()({
    input: z.object({ shiftId: c.id, counts }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'shifts.list': channel<ShiftSummary[]>()({
    input: z.object({ limit: z.number().int().min(1).max(200), offset: z.number().int().min(0).max(1_000_000).optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
  'shifts.print': channel<{ bytes: number }>()({
    input: z.object({ shiftId: c.id }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shifts.escpos': channel<{ base64: string }>()({
    input: z.object({ shiftId: c.id, width: z.union([z.literal(58), z.literal(80)]) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shifts.pdf': channel<{ base64: string }>()({
    input: z.object({ shiftId: c.id, language: c.language.optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
};
