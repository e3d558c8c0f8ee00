/**
 * What a till does with cards: sell (issue), top up with a bonus, register, transfer, reissue after
 * a loss, write off expired balances, and the sale and refund hooks (spend, refund to card). Each
 * runs inside the caller's transaction: a refusal throws before or after writing, and the
 * transaction rolls everything back, so a refused operation writes nothing.
 *
 * Selling a card is not a sale: no order, no revenue, no tax. The money taken is recorded in
 * `stored_value_sales` (the drawer's expected cash counts its cash) and the value as ledger entries
 * (the store's liability).
 */
import type { CardView, TransferResult } from '../../shared/api/stored-value';
import { bonusFor, cnRefusal, spendRefusal, type CardKind, type CnRefusal, type SpendRefusal } from '../../shared/stored-value/rules';
import type { Deps } from '../deps';
import type { SqlRow } from '../db/rows';
import type { payments, storedValueCards, storedValueSales } from '../db/schema';
import { recordAudit } from '../audit/audit';
import { requireOpenShift } from '../shifts/shifts';
import { engineFor } from '../sync/service';
import { readSettings } from '../settings/settings';
import {
  appendEntry,
  balanceOfCard,
  cardById,
  cardError,
  cardView,
  createCard,
  entriesOfOp,
  isExpired,
  readCardSettings,
  requireCard,
  unsentOfflineSpends,
  updateCard,
  type CardRow,
  type LedgerDeps,
} from './ledger';

type OpDeps = LedgerDeps;

const CN_MESSAGES: Record<CnRefusal, string> = {
  realNameRequired: 'A purchase of 10,000 or more needs a registered (real-name) card',
  registeredCap: 'A registered card may hold at most 5,000',
  anonymousCap: 'An anonymous card may hold at most 1,000',
};

function refuseCn(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>, why: CnRefusal): never {
  const limits = readCardSettings(deps).cnLimits;
  const limit = why === 'realNameRequired' ? limits.realNameFrom : why === 'registeredCap' ? limits.registeredMax : limits.anonymousMax;
  throw cardError('VALIDATION', CN_MESSAGES[why], `cn.${why}`, { money: { limit }, currency: 'CNY' });
}

function checkPayment(payment: { cash: number; card: number }, due: number): void {
  if (payment.cash + payment.card !== due)
    throw cardError('VALIDATION', 'The payment does not match the amount loaded', 'paymentMismatch', {
      due,
      paid: payment.cash + payment.card,
    });
}

function requireUsable(deps: Pick<Deps, 'sqlite' | 'db' | 'clock'>, card: CardRow): void {
  if (card.status !== 'active') throw cardError('CONFLICT', 'That card is blocked or replaced', 'notActive', { status: card.status });
}

/** A replayed operation id: the same operation answers what it did; any other use of the id is refused. */
function replayOf(deps: Pick<Deps, 'sqlite'>, opId: string, kind: string): { cardId: string }[] | null {
  const done = entriesOfOp(deps, opId);
  const sale = deps.sqlite.prepare('SELECT kind FROM stored_value_sales WHERE op_id = ?').pluck().get(opId) as
    SqlRow<typeof storedValueSales>['kind'] | undefined;
  if (done.length === 0 && !sale) return null;
  const ok = sale ? sale === kind : done.some((e) => e.kind === kind);
  if (!ok) throw cardError('CONFLICT', 'That operation id was already used for something else', 'opReused');
  return done.filter((e) => e.kind === kind).map((e) => ({ cardId: e.cardId }));
}

function recordSale(
  deps: OpDeps,
  staffId: string,
  input: { opId: string; kind: 'issue' | 'topup'; amount: number; cash: number; card: number },
): void {
  const shiftId = requireOpenShift(deps);
  deps.sqlite
    .prepare(
      `INSERT INTO stored_value_sales (id, op_id, kind, shift_id, terminal_code, staff_id, amount, cash, card, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(deps.ids(), input.opId, input.kind, shiftId, deps.terminalCode, staffId, input.amount, input.cash, input.card, deps.clock());
}

// ---------------------------------------------------------------------------------------------

export function issueCards(
  deps: OpDeps,
  staffId: string,
  input: {
    opId: string;
    kind: CardKind;
    amount: number;
    quantity?: number;
    holder?: { name: string; mobile: string };
    payment: { cash: number; card: number };
  },
): CardView[] {
  const replay = replayOf(deps, input.opId, 'issue');
  if (replay) return replay.map((r) => cardView(deps, cardById(deps, r.cardId)!));
  const quantity = input.quantity ?? 1;
  const total = input.amount * quantity;
  checkPayment(input.payment, total);
  const settings = readCardSettings(deps);
  if (settings.cnRulesActive) {
    const why = cnRefusal({ registered: input.holder !== undefined, balanceAfter: input.amount, purchaseTotal: total });
    if (why) refuseCn(deps, why);
  }
  recordSale(deps, staffId, { opId: input.opId, kind: 'issue', amount: total, cash: input.payment.cash, card: input.payment.card });
  const cards: CardRow[] = [];
  for (let i = 0; i < quantity; i++) {
    const card = createCard(deps, { kind: input.kind, holderName: input.holder?.name ?? null, holderMobile: input.holder?.mobile ?? null });
    appendEntry(deps, { cardId: card.id, delta: input.amount, kind: 'issue', opId: input.opId, staffId });
    cards.push(card);
  }
  recordAudit(deps, {
    staffId,
    action: 'card.issue',
    target: cards[0]!.id,
    details: { count: quantity, amount: input.amount, kind: input.kind, registered: input.holder !== undefined, payment: input.payment },
    success: true,
  });
  return cards.map((c) => cardView(deps, c));
}

/** An expired card's leftover is written off before anything else loads or moves it. */
function expireIfDue(deps: OpDeps, card: CardRow, opId: string, staffId: string | null): void {
  if (!isExpired(deps, card)) return;
  const left = balanceOfCard(deps, card.id);
  if (left > 0) appendEntry(deps, { cardId: card.id, delta: -left, kind: 'expiry', opId, staffId });
}

export function topUpCard(
  deps: OpDeps,
  staffId: string,
  input: { opId: string; number: string; amount: number; payment: { cash: number; card: number } },
): CardView {
  const card = requireCard(deps, input.number);
  const replay = replayOf(deps, input.opId, 'topup');
  if (replay) {
    if (replay[0]?.cardId !== card.id) throw cardError('CONFLICT', 'That operation id was already used for another card', 'opReused');
    return cardView(deps, card);
  }
  requireUsable(deps, card);
  checkPayment(input.payment, input.amount);
  const settings = readCardSettings(deps);
  const bonus = bonusFor(input.amount, settings.bonusRules);
  expireIfDue(deps, card, input.opId, staffId);
  if (settings.cnRulesActive) {
    const why = cnRefusal({
      registered: card.holderName !== null,
      balanceAfter: balanceOfCard(deps, card.id) + input.amount + bonus,
      purchaseTotal: input.amount,
    });
    if (why) refuseCn(deps, why);
  }
  recordSale(deps, staffId, { opId: input.opId, kind: 'topup', amount: input.amount, cash: input.payment.cash, card: input.payment.card });
  appendEntry(deps, { cardId: card.id, delta: input.amount, kind: 'topup', opId: input.opId, staffId });
  if (bonus > 0) appendEntry(deps, { cardId: card.id, delta: bonus, kind: 'bonus', opId: input.opId, staffId });
  recordAudit(deps, {
    staffId,
    action: 'card.topup',
    target: card.id,
    details: { amount: input.amount, bonus, payment: input.payment },
    success: true,
  });
  return cardView(deps, card);
}

export function registerCard(deps: OpDeps, staffId: string, input: { number: string; holder: { name: string; mobile: string } }): CardView {
  const card = requireCard(deps, input.number);
  requireUsable(deps, card);
  if (card.holderName !== null) throw cardError('CONFLICT', 'That card is already registered', 'alreadyRegistered');
  updateCard(deps, card.id, { holderName: input.holder.name, holderMobile: input.holder.mobile });
  recordAudit(deps, { staffId, action: 'card.register', target: card.id, success: true });
  return cardView(deps, cardById(deps, card.id)!);
}

export function transferBetweenCards(
  deps: OpDeps,
  staffId: string,
  input: { opId: string; from: string; to: string; amount?: number },
): TransferResult {
  const from = requireCard(deps, input.from);
  const to = requireCard(deps, input.to);
  const replay = replayOf(deps, input.opId, 'transfer_out');
  if (replay) {
    if (replay[0]?.cardId !== from.id) throw cardError('CONFLICT', 'That operation id was already used for another card', 'opReused');
    return { from: cardView(deps, from), to: cardView(deps, to) };
  }
  if (from.id === to.id) throw cardError('VALIDATION', 'Choose two different cards', 'sameCard');
  requireUsable(deps, from);
  requireUsable(deps, to);
  if (isExpired(deps, from)) throw cardError('CONFLICT', 'That card has expired', 'expired');
  const balance = balanceOfCard(deps, from.id);
  const amount = input.amount ?? balance;
  if (amount <= 0) throw cardError('VALIDATION', 'There is nothing on that card to move', 'nothingToMove');
  if (amount > balance)
    throw cardError('INSUFFICIENT_PAYMENT', 'Not enough on the card', 'insufficient', { money: { balance }, currency: currencyOf(deps) });
  const settings = readCardSettings(deps);
  if (settings.cnRulesActive) {
    const why = cnRefusal({ registered: to.holderName !== null, balanceAfter: balanceOfCard(deps, to.id) + amount, purchaseTotal: 0 });
    if (why) refuseCn(deps, why);
  }
  appendEntry(deps, { cardId: from.id, delta: -amount, kind: 'transfer_out', opId: input.opId, refId: to.id, staffId });
  appendEntry(deps, { cardId: to.id, delta: amount, kind: 'transfer_in', opId: input.opId, refId: from.id, staffId });
  recordAudit(deps, { staffId, action: 'card.transfer', target: from.id, details: { to: to.id, amount }, success: true });
  return { from: cardView(deps, from), to: cardView(deps, to) };
}

export function reissueCard(deps: OpDeps, staffId: string, input: { opId: string; number: string }): TransferResult {
  const old = requireCard(deps, input.number);
  const replay = replayOf(deps, input.opId, 'reissue_out');
  if (replay) {
    if (replay[0]?.cardId !== old.id) throw cardError('CONFLICT', 'That operation id was already used for another card', 'opReused');
    const fresh = cardById(deps, old.replacedBy!)!;
    return { from: cardView(deps, cardById(deps, old.id)!), to: cardView(deps, fresh) };
  }
  if (old.status === 'replaced') throw cardError('CONFLICT', 'That card was already replaced', 'notActive', { status: old.status });
  expireIfDue(deps, old, input.opId, staffId);
  const balance = balanceOfCard(deps, old.id);
  const fresh = createCard(deps, { kind: old.kind, holderName: old.holderName, holderMobile: old.holderMobile });
  // Both entries are written even at zero: the ledger shows the replacement, and a replay finds it.
  appendEntry(deps, { cardId: old.id, delta: -balance, kind: 'reissue_out', opId: input.opId, refId: fresh.id, staffId });
  appendEntry(deps, { cardId: fresh.id, delta: balance, kind: 'reissue_in', opId: input.opId, refId: old.id, staffId });
  updateCard(deps, old.id, { status: 'replaced', replacedBy: fresh.id });
  recordAudit(deps, { staffId, action: 'card.reissue', target: old.id, details: { newCard: fresh.id, amount: balance }, success: true });
  return { from: cardView(deps, cardById(deps, old.id)!), to: cardView(deps, fresh) };
}

export function setCardBlocked(deps: OpDeps, staffId: string, input: { number: string; blocked: boolean }): CardView {
  const card = requireCard(deps, input.number);
  if (card.status === 'replaced') throw cardError('CONFLICT', 'That card was already replaced', 'notActive', { status: card.status });
  const status = input.blocked ? 'blocked' : 'active';
  if (card.status === status) return cardView(deps, card);
  updateCard(deps, card.id, { status });
  recordAudit(deps, { staffId, action: input.blocked ? 'card.block' : 'card.unblock', target: card.id, success: true });
  return cardView(deps, cardById(deps, card.id)!);
}

/** Writes off the leftover of every card past its expiry. */
export function expireCards(deps: OpDeps, staffId: string): { cards: number; amount: number } {
  const ids = deps.sqlite
    .prepare(
      "SELECT c.id FROM stored_value_cards c JOIN stored_value_balances b ON b.card_id = c.id WHERE b.balance > 0 AND c.status = 'active'",
    )
    .pluck()
    .all() as SqlRow<typeof storedValueCards>['id'][];
  const opId = deps.ids();
  let cards = 0;
  let amount = 0;
  for (const id of ids) {
    const card = cardById(deps, id)!;
    if (!isExpired(deps, card)) continue;
    const left = balanceOfCard(deps, id);
    appendEntry(deps, { cardId: id, delta: -left, kind: 'expiry', opId, staffId });
    cards += 1;
    amount += left;
  }
  recordAudit(deps, { staffId, action: 'card.expire', details: { cards, amount }, success: true });
  return { cards, amount };
}

function currencyOf(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): string {
  return readSettings(deps).currency;
}

// ---------------------------------------------------------------------------------------------
// Paying with a card (checkout) and refunding to it (returns)

export interface CardTender {
  cardId: string;
  last4: string;
}

/** The card a stored-value tender names, checked before the sale writes anything. */
export function resolveCardTender(deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'settingsCache'>, number: string): CardTender {
  const card = requireCard(deps, number);
  requireUsable(deps, card);
  if (isExpired(deps, card)) throw cardError('CONFLICT', 'That card has expired', 'expired');
  return { cardId: card.id, last4: card.number.slice(-4) };
}

const SPEND_MESSAGES: Record<SpendRefusal, string> = {
  insufficient: 'Not enough on the card',
  offlineOff: 'Cards cannot be spent while this till is offline',
  offlinePerSpend: 'While offline a card payment is limited',
  offlineTotal: 'This till already holds its limit of offline card payments',
};

/**
 * Takes each stored-value tender of a sale off its card. Online a balance never goes below zero;
 * offline the till's caps apply too (its copy of the balance may be behind the other tills').
 */
export function spendForSale(
  deps: OpDeps,
  staffId: string,
  orderId: string,
  tenders: { kind: string; amount: number; reference: string | null }[],
): void {
  const perCard = new Map<string, number>();
  for (const t of tenders)
    if (t.kind === 'stored_value' && t.reference) perCard.set(t.reference, (perCard.get(t.reference) ?? 0) + t.amount);
  if (perCard.size === 0) return;
  const offline = engineFor(deps)?.isOffline() ?? false;
  const settings = readCardSettings(deps);
  const policy = { maxPerSpend: settings.offlineMaxPerSpend, maxTotal: settings.offlineMaxTotal };
  for (const [cardId, amount] of perCard) {
    const balance = balanceOfCard(deps, cardId);
    const why = spendRefusal({ balance, amount, offline, policy, unsentOffline: offline ? unsentOfflineSpends(deps) : 0 });
    if (why)
      throw cardError(why === 'insufficient' ? 'INSUFFICIENT_PAYMENT' : 'DECLINED', SPEND_MESSAGES[why], why, {
        money: { balance, limit: why === 'offlinePerSpend' ? policy.maxPerSpend : policy.maxTotal },
        currency: currencyOf(deps),
      });
    appendEntry(deps, { cardId, delta: -amount, kind: 'spend', opId: orderId, refId: orderId, staffId, offline });
  }
}

/** The card a refund goes back to: the one paid with, or the card that replaced it after a loss. */
function liveCard(deps: Pick<Deps, 'sqlite'>, cardId: string): string {
  let id = cardId;
  for (let i = 0; i < 20; i++) {
    const c = cardById(deps, id);
    if (!c?.replacedBy) return id;
    id = c.replacedBy;
  }
  return id;
}

/** Money of a return paid by card goes back to the card (refund tenders of method `stored_value`). */
export function refundToCards(
  deps: OpDeps,
  staffId: string,
  refundId: string,
  tenders: { paymentId: string | null; method: string; amount: number }[],
): void {
  for (const t of tenders) {
    if (t.method !== 'stored_value' || !t.paymentId || t.amount <= 0) continue;
    const cardId = deps.sqlite.prepare("SELECT reference FROM payments WHERE id = ? AND kind = 'stored_value'").pluck().get(t.paymentId) as
      SqlRow<typeof payments>['reference'] | undefined;
    if (!cardId) continue;
    appendEntry(deps, { cardId: liveCard(deps, cardId), delta: t.amount, kind: 'refund', opId: refundId, refId: refundId, staffId });
  }
}
