import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Gift cards and stored-value cards (储值卡): the cards themselves (mutable: holder, status) and
 * their ledger. A card's balance is the sum of its entries; `stored_value_balances` is the running
 * total kept with each entry in the same transaction (as stock levels are), never written on its own.
 * No foreign keys from the ledger to the cards: another till's entries may be pulled before its card.
 */
export const storedValueCards = sqliteTable(
  'stored_value_cards',
  {
    id: text('id').primaryKey(),
    /** Printed as the card's barcode: 16 digits, the last a Luhn check digit. */
    number: text('number').notNull(),
    kind: text('kind', { enum: ['gift', 'stored_value'] }).notNull(),
    /** Real-name registration: a holder's name and mobile; both null for an anonymous card. */
    holderName: text('holder_name'),
    holderMobile: text('holder_mobile'),
    status: text('status', { enum: ['active', 'blocked', 'replaced'] }).notNull(),
    /** The card that took this one's balance after a loss. */
    replacedBy: text('replaced_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [uniqueIndex('stored_value_cards_number_uq').on(t.number), index('stored_value_cards_mobile_idx').on(t.holderMobile)],
);

export const STORED_VALUE_ENTRY_KINDS = [
  'issue',
  'topup',
  'bonus',
  'spend',
  'refund',
  'transfer_out',
  'transfer_in',
  'reissue_out',
  'reissue_in',
  'expiry',
] as const;

/** Append-only: every change of a card's balance. */
export const storedValueEntries = sqliteTable(
  'stored_value_entries',
  {
    id: text('id').primaryKey(),
    cardId: text('card_id').notNull(),
    delta: integer('delta').notNull(),
    kind: text('kind', { enum: STORED_VALUE_ENTRY_KINDS }).notNull(),
    /** The operation the entry belongs to (a top-up and its bonus share one): a replayed operation writes nothing. */
    opId: text('op_id').notNull(),
    /** The order, refund or other card the entry is about. */
    refId: text('ref_id'),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id'),
    /** Spent while this till could not reach the cloud (counts against the till's offline cap until sent). */
    offline: integer('offline', { mode: 'boolean' }).notNull().default(false),
    at: integer('at').notNull(),
  },
  (t) => [
    index('stored_value_entries_card_idx').on(t.cardId, t.at),
    index('stored_value_entries_op_idx').on(t.opId),
    index('stored_value_entries_ref_idx').on(t.refId),
  ],
);

/** Running balance per card: the sum of its entries, kept in the same transaction as each entry. */
export const storedValueBalances = sqliteTable('stored_value_balances', {
  cardId: text('card_id').primaryKey(),
  balance: integer('balance').notNull(),
});

/**
 * A card sold or topped up at the till: the money taken (cash or card) for it. Not a sale: no
 * order, no tax; the drawer's expected cash counts its cash.
 */
export const storedValueSales = sqliteTable(
  'stored_value_sales',
  {
    id: text('id').primaryKey(),
    opId: text('op_id').notNull(),
    kind: text('kind', { enum: ['issue', 'topup'] }).notNull(),
    shiftId: text('shift_id'),
    terminalCode: text('terminal_code').notNull(),
    staffId: text('staff_id').notNull(),
    /** What the customer paid (bonuses are not paid for). */
    amount: integer('amount').notNull(),
    cash: integer('cash').notNull(),
    card: integer('card').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('stored_value_sales_op_uq').on(t.opId), index('stored_value_sales_shift_idx').on(t.shiftId)],
);
