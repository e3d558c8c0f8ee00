/**
 * Gift cards and stored-value cards (储值卡), the pure rules: card numbers, top-up bonuses, expiry,
 * the mainland China prepaid-card limits and the spend checks. No I/O: the till
 * (src/main/stored-value) applies them inside its transactions and the property tests drive them.
 *
 * Money is integer minor units (fen for CNY).
 */

export const CARD_KINDS = ['gift', 'stored_value'] as const;
export type CardKind = (typeof CARD_KINDS)[number];

export const CARD_STATUSES = ['active', 'blocked', 'replaced'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const ENTRY_KINDS = [
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
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Most a single card operation may move: well inside the safe integers, far above any real card. */
export const MAX_CARD_AMOUNT = 100_000_000;

// ---------------------------------------------------------------------------------------------
// Card numbers: 16 digits printed as the barcode, the last a Luhn check digit, so a mistyped or
// misread number is refused before any lookup.

export const CARD_NUMBER_LENGTH = 16;

function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A card number from 15 random digits (`randomDigit` answers integers 0..9); the first is never 0. */
export function makeCardNumber(randomDigit: () => number): string {
  let body = String(1 + (randomDigit() % 9));
  while (body.length < CARD_NUMBER_LENGTH - 1) body += String(randomDigit() % 10);
  return body + String(luhnDigit(body));
}

export function isCardNumber(s: string): boolean {
  if (!/^[1-9]\d{15}$/.test(s)) return false;
  return luhnDigit(s.slice(0, -1)) === s.charCodeAt(s.length - 1) - 48;
}

/** 6217 •••• •••• 1234: what a receipt or a list shows. */
export function maskCardNumber(n: string): string {
  return `${n.slice(0, 4)} •••• •••• ${n.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// Top-up bonuses: "top up ≥ 500, get 50". The best rule the amount reaches applies (rules do not
// stack), and a bonus is its own ledger entry.

export interface BonusRule {
  minTopUp: number;
  bonus: number;
}

export function bonusFor(amount: number, rules: readonly BonusRule[]): number {
  let best: BonusRule | null = null;
  for (const r of rules) if (amount >= r.minTopUp && (!best || r.minTopUp > best.minTopUp)) best = r;
  return best ? best.bonus : 0;
}

// ---------------------------------------------------------------------------------------------
// Expiry: a number of months after the last load (issue or top-up), or never. Under the mainland
// China rules a registered card never expires.

export function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

export function expiresAt(opts: { lastLoadAt: number; expiryMonths: number | null; registered: boolean; cnRules: boolean }): number | null {
  if (opts.expiryMonths === null) return null;
  if (opts.cnRules && opts.registered) return null;
  return addMonths(opts.lastLoadAt, opts.expiryMonths);
}

// ---------------------------------------------------------------------------------------------
// Mainland China prepaid cards (单用途商业预付卡): a registered card holds at most ¥5,000, an
// anonymous one at most ¥1,000; a purchase of ¥10,000 or more needs real-name registration.

export const CN_LIMITS = {
  registeredMax: 500_000,
  anonymousMax: 100_000,
  realNameFrom: 1_000_000,
} as const;

export type CnRefusal = 'realNameRequired' | 'registeredCap' | 'anonymousCap';

/** Why a purchase (issue or top-up) is refused under the CN rules, or null when it is allowed. */
export function cnRefusal(opts: { registered: boolean; balanceAfter: number; purchaseTotal: number }): CnRefusal | null {
  if (!opts.registered && opts.purchaseTotal >= CN_LIMITS.realNameFrom) return 'realNameRequired';
  if (opts.registered && opts.balanceAfter > CN_LIMITS.registeredMax) return 'registeredCap';
  if (!opts.registered && opts.balanceAfter > CN_LIMITS.anonymousMax) return 'anonymousCap';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Spending: online a spend never takes a balance below zero; offline the till only knows its own
// copy of the ledger, so each till is also capped (per spend, and in total until its offline
// spends reach the cloud), bounding how far a merged balance can fall below zero.

export interface OfflinePolicy {
  /** Most one offline spend may take (0: no spending while offline). */
  maxPerSpend: number;
  /** Most this till may hold in offline spends not yet sent. */
  maxTotal: number;
}

export type SpendRefusal = 'insufficient' | 'offlineOff' | 'offlinePerSpend' | 'offlineTotal';

export function spendRefusal(opts: {
  balance: number;
  amount: number;
  offline: boolean;
  policy: OfflinePolicy;
  unsentOffline: number;
}): SpendRefusal | null {
  if (opts.amount > opts.balance) return 'insufficient';
  if (!opts.offline) return null;
  if (opts.policy.maxPerSpend <= 0) return 'offlineOff';
  if (opts.amount > opts.policy.maxPerSpend) return 'offlinePerSpend';
  if (opts.unsentOffline + opts.amount > opts.policy.maxTotal) return 'offlineTotal';
  return null;
}

/** A card's balance: the sum of its entries. */
export function balanceOf(entries: readonly { delta: number }[]): number {
  let s = 0;
  for (const e of entries) s += e.delta;
  return s;
}
