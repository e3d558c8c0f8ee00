/**
 * The stored-value ledger: cards and their entries. A card's balance is the sum of its entries;
 * `stored_value_balances` is that sum kept in the same transaction as each entry (pulled entries
 * move it through the registry's `ledger` declaration), never written on its own. Every entry and
 * every card change goes to the outbox, so tills merge balances by adding each other's entries.
 */
import { createHash } from 'node:crypto';
import type { CardEntry, CardView, StoredValueSettings, StoredValueSettingsView } from '../../shared/api/stored-value';
import { CN_LIMITS, expiresAt, makeCardNumber, type CardKind, type CardStatus, type EntryKind } from '../../shared/stored-value/rules';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { readSettings, writeSettings } from '../settings/settings';
import { cachedStatement } from '../db/statements';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { storedValueBalances, storedValueCards, storedValueEntries } from '../db/schema';

type CardCol = SqlRow<typeof storedValueCards>;
type EntryCol = SqlRow<typeof storedValueEntries>;

export type LedgerDeps = Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'hlc' | 'terminalCode' | 'sync' | 'settingsCache'>;

export const SV_SQL = {
  insertEntry: `INSERT INTO stored_value_entries (id, card_id, delta, kind, op_id, ref_id, terminal_code, staff_id, offline, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  addToBalance:
    'INSERT INTO stored_value_balances (card_id, balance) VALUES (?, ?) ON CONFLICT (card_id) DO UPDATE SET balance = balance + excluded.balance',
  balance: 'SELECT balance FROM stored_value_balances WHERE card_id = ?',
  cardBy: `SELECT id, number, kind, holder_name AS holderName, holder_mobile AS holderMobile, status, replaced_by AS replacedBy,
                  created_at AS createdAt FROM stored_value_cards`,
  lastLoad: "SELECT MAX(at) FROM stored_value_entries WHERE card_id = ? AND kind IN ('issue', 'topup', 'reissue_in')",
  entries: `SELECT id, kind, delta, at, terminal_code AS terminalCode, ref_id AS refId, offline FROM stored_value_entries
            WHERE card_id = ? ORDER BY at DESC, rowid DESC LIMIT 50`,
  insertCard: `INSERT INTO stored_value_cards (id, number, kind, holder_name, holder_mobile, status, replaced_by, created_at, updated_at, hlc)
               VALUES (?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?)`,
  numberTaken: 'SELECT 1 FROM stored_value_cards WHERE number = ?',
  unsentOffline: `SELECT COALESCE(SUM(-e.delta), 0) FROM stored_value_entries e
                  WHERE e.offline = 1 AND e.terminal_code = ? AND e.kind = 'spend'
                    AND EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'stored_value_entry' AND o.entity_id = e.id)`,
} as const;

/** SV_SQL.cardBy */
export type CardRow = Cols<typeof storedValueCards, 'id' | 'number' | 'kind' | 'status'> & {
  holderName: CardCol['holder_name'];
  holderMobile: CardCol['holder_mobile'];
  replacedBy: CardCol['replaced_by'];
  createdAt: CardCol['created_at'];
};

/** Refusals carry a message key the screen words in its language (src/renderer/i18n/cards.ts). */
export function cardError(
  code: ConstructorParameters<typeof AppError>[0],
  message: string,
  key: string,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError(code, message, { messageKey: `cards.err.${key}`, ...details });
}

// ---------------------------------------------------------------------------------------------
// Settings

export const DEFAULT_STORED_VALUE_SETTINGS: StoredValueSettings = {
  bonusRules: [],
  expiryMonths: null,
  cnRules: 'auto',
  offlineMaxPerSpend: 0,
  offlineMaxTotal: 0,
};

const SETTINGS_KEY = 'storedValue';

export function readCardSettings(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): StoredValueSettingsView {
  const all = readSettings(deps);
  const stored = (all as unknown as Record<string, unknown>)[SETTINGS_KEY] as Partial<StoredValueSettings> | undefined;
  const s = { ...DEFAULT_STORED_VALUE_SETTINGS, ...(stored ?? {}) };
  // A store trading in yuan is taken to be in mainland China: the rules are on unless turned off.
  const cnRulesActive = s.cnRules === 'on' || (s.cnRules === 'auto' && all.currency === 'CNY');
  return { ...s, cnRulesActive, cnLimits: { ...CN_LIMITS } };
}

export function writeCardSettings(
  deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'ids' | 'hlc' | 'settingsCache'>,
  s: StoredValueSettings,
): StoredValueSettingsView {
  const rules = [...s.bonusRules].sort((a, b) => a.minTopUp - b.minTopUp);
  writeSettings(deps, { [SETTINGS_KEY]: { ...s, bonusRules: rules } } as never);
  return readCardSettings(deps);
}

// ---------------------------------------------------------------------------------------------
// Cards

export function cardByNumber(deps: Pick<Deps, 'sqlite'>, number: string): CardRow | undefined {
  return cachedStatement(deps.sqlite, `${SV_SQL.cardBy} WHERE number = ?`).get(number) as CardRow | undefined;
}

export function cardById(deps: Pick<Deps, 'sqlite'>, id: string): CardRow | undefined {
  return cachedStatement(deps.sqlite, `${SV_SQL.cardBy} WHERE id = ?`).get(id) as CardRow | undefined;
}

/** The card a number names, or a NOT_FOUND the clerk can read (a card of another system, a typo). */
export function requireCard(deps: Pick<Deps, 'sqlite'>, number: string): CardRow {
  const card = cardByNumber(deps, number);
  if (!card) throw cardError('NOT_FOUND', 'No card with that number', 'unknown', { number });
  return card;
}

export function balanceOfCard(deps: Pick<Deps, 'sqlite'>, cardId: string): number {
  return (
    (cachedStatement(deps.sqlite, SV_SQL.balance, 'pluck').get(cardId) as SqlRow<typeof storedValueBalances>['balance'] | undefined) ?? 0
  );
}

export function cardExpiry(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, card: CardRow): number | null {
  const s = readCardSettings(deps);
  const last = cachedStatement(deps.sqlite, SV_SQL.lastLoad, 'pluck').get(card.id) as EntryCol['at'] | null;
  return expiresAt({
    lastLoadAt: last ?? card.createdAt,
    expiryMonths: s.expiryMonths,
    registered: card.holderName !== null,
    cnRules: s.cnRulesActive,
  });
}

export function isExpired(deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'settingsCache'>, card: CardRow): boolean {
  const at = cardExpiry(deps, card);
  return at !== null && deps.clock() >= at;
}

function maskMobile(m: string | null): string | null {
  if (!m) return null;
  return m.length <= 7 ? `${m.slice(0, 2)}****` : `${m.slice(0, 3)}****${m.slice(-4)}`;
}

export function cardView(deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'settingsCache'>, card: CardRow): CardView {
  const exp = cardExpiry(deps, card);
  const entries = (
    cachedStatement(deps.sqlite, SV_SQL.entries).all(card.id) as (Cols<
      typeof storedValueEntries,
      'id' | 'kind' | 'delta' | 'at' | 'offline'
    > & {
      terminalCode: EntryCol['terminal_code'];
      refId: EntryCol['ref_id'];
    })[]
  ).map((e): CardEntry => ({ ...e, offline: e.offline === 1 }));
  return {
    id: card.id,
    number: card.number,
    kind: card.kind,
    status: card.status,
    registered: card.holderName !== null,
    holderName: card.holderName,
    holderMobile: maskMobile(card.holderMobile),
    balance: balanceOfCard(deps, card.id),
    expiresAt: exp,
    expired: exp !== null && deps.clock() >= exp,
    replacedBy: card.replacedBy,
    createdAt: card.createdAt,
    entries,
  };
}

/** A new card with a fresh number (digits drawn from a hash of a new id, so tests are repeatable). */
export function createCard(deps: LedgerDeps, input: { kind: CardKind; holderName: string | null; holderMobile: string | null }): CardRow {
  const id = deps.ids();
  let number = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const h = createHash('sha256').update(`${id}:${attempt}`).digest();
    let i = 0;
    number = makeCardNumber(() => h[i++ % h.length]!);
    if (!cachedStatement(deps.sqlite, SV_SQL.numberTaken).get(number)) break;
  }
  const now = deps.clock();
  cachedStatement(deps.sqlite, SV_SQL.insertCard).run(id, number, input.kind, input.holderName, input.holderMobile, now, now, UNSTAMPED);
  return cardById(deps, id)!;
}

export function updateCard(
  deps: LedgerDeps,
  id: string,
  patch: { status?: CardStatus; replacedBy?: string | null; holderName?: string | null; holderMobile?: string | null },
): void {
  const cols: string[] = [];
  const vals: unknown[] = [];
  if (patch.status !== undefined) {
    cols.push('status = ?');
    vals.push(patch.status);
  }
  if (patch.replacedBy !== undefined) {
    cols.push('replaced_by = ?');
    vals.push(patch.replacedBy);
  }
  if (patch.holderName !== undefined) {
    cols.push('holder_name = ?');
    vals.push(patch.holderName);
  }
  if (patch.holderMobile !== undefined) {
    cols.push('holder_mobile = ?');
    vals.push(patch.holderMobile);
  }
  if (cols.length === 0) return;
  deps.sqlite.prepare(`UPDATE stored_value_cards SET ${cols.join(', ')}, updated_at = ? WHERE id = ?`).run(...vals, deps.clock(), id);
}

// ---------------------------------------------------------------------------------------------
// Entries

export interface NewEntry {
  cardId: string;
  delta: number;
  kind: EntryKind;
  opId: string;
  refId?: string | null;
  staffId: string | null;
  offline?: boolean;
}

/** The only way a balance changes: append the entry, move the running balance, queue it for sync. */
export function appendEntry(deps: LedgerDeps, e: NewEntry): string {
  const id = deps.ids();
  const at = deps.clock();
  cachedStatement(deps.sqlite, SV_SQL.insertEntry).run(
    id,
    e.cardId,
    e.delta,
    e.kind,
    e.opId,
    e.refId ?? null,
    deps.terminalCode,
    e.staffId,
    e.offline ? 1 : 0,
    at,
  );
  cachedStatement(deps.sqlite, SV_SQL.addToBalance).run(e.cardId, e.delta);
  return id;
}

/** Offline spends of this till that have not reached the cloud yet (their outbox entries are still there). */
export function unsentOfflineSpends(deps: Pick<Deps, 'sqlite' | 'terminalCode'>): number {
  return cachedStatement(deps.sqlite, SV_SQL.unsentOffline, 'pluck').get(deps.terminalCode) as number;
}

/** Entries already written under an operation id (a replay answers from them and writes nothing). */
export function entriesOfOp(deps: Pick<Deps, 'sqlite'>, opId: string): { cardId: string; kind: EntryKind; delta: number }[] {
  return deps.sqlite
    .prepare('SELECT card_id AS cardId, kind, delta FROM stored_value_entries WHERE op_id = ? ORDER BY rowid')
    .all(opId) as (Cols<typeof storedValueEntries, 'kind' | 'delta'> & { cardId: EntryCol['card_id'] })[];
}
