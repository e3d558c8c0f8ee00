import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Cash-drawer sessions. Append-only: a shift is opened (a `shifts` row), cash moves in
 * and out (`cash_movements`), and it is closed once (`shift_closes`, unique per shift) — closing
 * never UPDATEs the opening row. The open shift of a terminal is the one without a close.
 */
export const shifts = sqliteTable(
  'shifts',
  {
    id: text('id').primaryKey(),
    /** Human number per terminal: T1-S0001. */
    number: text('number').notNull(),
    terminalCode: text('terminal_code').notNull(),
    currency: text('currency').notNull(),
    openedBy: text('opened_by').notNull(),
    openedAt: integer('opened_at').notNull(),
    openingFloat: integer('opening_float').notNull(),
    /** Denomination (minor units, as text) → pieces. */
    openingCounts: text('opening_counts', { mode: 'json' }).notNull(),
  },
  (t) => [uniqueIndex('shifts_number_uq').on(t.number), index('shifts_terminal_opened_idx').on(t.terminalCode, t.openedAt)],
);

export const shiftCloses = sqliteTable('shift_closes', {
  /** One close per shift: a second close is refused by this key. */
  shiftId: text('shift_id')
    .primaryKey()
    .references(() => shifts.id),
  closedBy: text('closed_by').notNull(),
  closedAt: integer('closed_at').notNull(),
  countedCash: integer('counted_cash').notNull(),
  countedCounts: text('counted_counts', { mode: 'json' }).notNull(),
  expectedCash: integer('expected_cash').notNull(),
  overShort: integer('over_short').notNull(),
  /** The Z report as journaled. */
  report: text('report', { mode: 'json' }).notNull(),
});

/** Cash in / cash out with a reason, and no-sale drawer opens (amount 0). Append-only. */
export const cashMovements = sqliteTable(
  'cash_movements',
  {
    id: text('id').primaryKey(),
    shiftId: text('shift_id')
      .notNull()
      .references(() => shifts.id),
    kind: text('kind', { enum: ['in', 'out', 'no_sale'] }).notNull(),
    amount: integer('amount').notNull(),
    reason: text('reason').notNull(),
    staffId: text('staff_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('cash_movements_shift_idx').on(t.shiftId, t.at)],
);

/**
 * Per-shift tallies fed by `applyToRollups` for events whose facts live elsewhere (refunds, built
 * by the refunds feature): kind 'refund' (key ''), 'refund_tender' (key = tender kind).
 */
export const shiftTallies = sqliteTable(
  'shift_tallies',
  {
    shiftId: text('shift_id').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
    amount: integer('amount').notNull(),
  },
  (t) => [primaryKey({ name: 'shift_tallies_pk', columns: [t.shiftId, t.kind, t.key] })],
);
