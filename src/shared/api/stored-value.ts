import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import { safeLine } from '../text';
import { CARD_KINDS, MAX_CARD_AMOUNT, isCardNumber, type CardKind, type CardStatus, type EntryKind } from '../stored-value/rules';

/** A card number as printed on its barcode: 16 digits with a valid check digit. */
export const cardNumber = z
  .string()
  .trim()
  .regex(/^\d{16}$/, 'a card number is 16 digits')
  .refine(isCardNumber, 'not a card number (check digit)');

/** An amount loaded on or moved between cards: at least one minor unit, bounded. */
const cardAmount = z.number().int().min(1).max(MAX_CARD_AMOUNT);
/** Money taken at the till for a card (cash and the external card terminal). */
const takenAmount = z
  .number()
  .int()
  .min(0)
  .max(MAX_CARD_AMOUNT * 50);

export const cardHolder = z
  .object({
    name: safeLine(60, { min: 1 }),
    mobile: z.string().regex(/^\+?\d{6,15}$/, 'a mobile number is 6 to 15 digits'),
  })
  .strict();

/** How a card (or a batch of cards) bought at the till was paid: cash, the external card terminal, or both. */
export const cardPayment = z.object({ cash: takenAmount, card: takenAmount }).strict();

export interface CardEntry {
  id: string;
  kind: EntryKind;
  delta: number;
  at: number;
  terminalCode: string;
  refId: string | null;
  offline: boolean;
}

export interface CardView {
  id: string;
  number: string;
  kind: CardKind;
  status: CardStatus;
  registered: boolean;
  holderName: string | null;
  /** Masked for the screen: 138****1234. */
  holderMobile: string | null;
  balance: number;
  /** When what is on the card lapses (null: never). */
  expiresAt: number | null;
  expired: boolean;
  replacedBy: string | null;
  createdAt: number;
  /** Most recent first (at most 50). */
  entries: CardEntry[];
}

export interface BonusRuleView {
  minTopUp: number;
  bonus: number;
}

export interface StoredValueSettings {
  bonusRules: BonusRuleView[];
  /** Months after the last issue or top-up before what is left lapses; null: never. */
  expiryMonths: number | null;
  /** Mainland China prepaid-card rules: `auto` follows the store (on for a CNY store). */
  cnRules: 'auto' | 'on' | 'off';
  /** Spending cards while this till cannot reach the cloud: per spend and per till until sent (0: not offline). */
  offlineMaxPerSpend: number;
  offlineMaxTotal: number;
}

export interface StoredValueSettingsView extends StoredValueSettings {
  /** Whether the CN rules apply now. */
  cnRulesActive: boolean;
  cnLimits: { registeredMax: number; anonymousMax: number; realNameFrom: number };
}

export const storedValueSettingsSchema = z
  .object({
    bonusRules: z
      .array(z.object({ minTopUp: cardAmount, bonus: cardAmount }).strict())
      .max(10)
      .refine((rs) => new Set(rs.map((r) => r.minTopUp)).size === rs.length, 'two rules for the same top-up'),
    expiryMonths: z.number().int().min(1).max(120).nullable(),
    cnRules: z.enum(['auto', 'on', 'off']),
    offlineMaxPerSpend: z.number().int().min(0).max(MAX_CARD_AMOUNT),
    offlineMaxTotal: z.number().int().min(0).max(MAX_CARD_AMOUNT),
  })
  .strict();

export interface LiabilityReport {
  currency: string;
  generatedAt: number;
  /** Everything still owed on cards (expired cards not yet written off included). */
  outstanding: number;
  cardCount: number;
  cards: {
    id: string;
    number: string;
    kind: CardKind;
    status: CardStatus;
    registered: boolean;
    balance: number;
    expiresAt: number | null;
    expired: boolean;
  }[];
  /** Past their expiry with money left on them. */
  expiredUnspent: { count: number; amount: number };
}

export interface TransferResult {
  from: CardView;
  to: CardView;
}

/** The shift's card figures (Z report lines). */
export interface StoredValueShiftLines {
  issued: number;
  toppedUp: number;
  bonus: number;
  spent: number;
  refunded: number;
  /** Cash taken for cards (in the drawer's expected cash). */
  cash: number;
}

/** Gift cards and stored-value cards: clerks sell, top up and look up; managers move balances and set the rules. */
export const storedValueContract = {
  'cards.lookup': channel<CardView>()({ input: z.object({ number: cardNumber }).strict(), role: 'clerk', writes: false }),
  /** Sells one card or a batch (same kind and value); paid like a sale but not a sale (no revenue, no tax). */
  'cards.issue': channel<CardView[]>()({
    input: z
      .object({
        opId: c.id,
        kind: z.enum(CARD_KINDS),
        amount: cardAmount,
        quantity: z.number().int().min(1).max(50).optional(),
        holder: cardHolder.optional(),
        payment: cardPayment,
      })
      .strict(),
    role: 'clerk',
    writes: true,
  }),
  'cards.topUp': channel<CardView>()({
    input: z.object({ opId: c.id, number: cardNumber, amount: cardAmount, payment: cardPayment }).strict(),
    role: 'clerk',
    writes: true,
  }),
  /** Registers an anonymous card to its holder (real name and mobile). */
  'cards.register': channel<CardView>()({
    input: z.object({ number: cardNumber, holder: cardHolder }).strict(),
    role: 'clerk',
    writes: true,
  }),
  /** Moves value between two cards (all of it when no amount is given). */
  'cards.transfer': channel<TransferResult>()({
    input: z.object({ opId: c.id, from: cardNumber, to: cardNumber, amount: cardAmount.optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** After a loss: the old number is blocked and its balance moves to a new card. */
  'cards.reissue': channel<TransferResult>()({
    input: z.object({ opId: c.id, number: cardNumber }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Blocks a card (reported stolen, misused) or unblocks it; a blocked card cannot be spent, loaded or moved. */
  'cards.setBlocked': channel<CardView>()({
    input: z.object({ number: cardNumber, blocked: z.boolean() }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Writes off what is left on every card past its expiry (an `expiry` entry each). */
  'cards.expire': channel<{ cards: number; amount: number }>()({ input: c.empty, role: 'manager', writes: true }),
  'cards.settings': channel<StoredValueSettingsView>()({ input: c.empty, role: 'clerk', writes: false }),
  'cards.setSettings': channel<StoredValueSettingsView>()({ input: storedValueSettingsSchema, role: 'manager', writes: true }),
  'cards.liability': channel<LiabilityReport>()({ input: c.empty, role: 'manager', writes: false }),
};
