/**
 * Card reports: the liability (what the store still owes on cards) and a shift's card figures for
 * its X/Z report.
 */
import type { LiabilityReport, StoredValueShiftLines } from '../../shared/api/stored-value';
import type { Deps } from '../deps';
import { readSettings } from '../settings/settings';
import { cardExpiry, type CardRow } from './ledger';
import type { Cols, SqlRow } from '../db/rows';
import type { storedValueBalances, storedValueEntries } from '../db/schema';

export function liabilityReport(deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'settingsCache'>): LiabilityReport {
  const now = deps.clock();
  const rows = deps.sqlite
    .prepare(
      `SELECT c.id, c.number, c.kind, c.holder_name AS holderName, c.holder_mobile AS holderMobile, c.status, c.replaced_by AS replacedBy,
              c.created_at AS createdAt, COALESCE(b.balance, 0) AS balance
       FROM stored_value_cards c LEFT JOIN stored_value_balances b ON b.card_id = c.id
       ORDER BY balance DESC, c.number`,
    )
    .all() as (CardRow & Cols<typeof storedValueBalances, 'balance'>)[];
  let outstanding = 0;
  const expiredUnspent = { count: 0, amount: 0 };
  const cards = rows.map((r) => {
    const expiresAt = cardExpiry(deps, r);
    const expired = expiresAt !== null && now >= expiresAt;
    outstanding += r.balance;
    if (expired && r.balance > 0) {
      expiredUnspent.count += 1;
      expiredUnspent.amount += r.balance;
    }
    return {
      id: r.id,
      number: r.number,
      kind: r.kind,
      status: r.status,
      registered: r.holderName !== null,
      balance: r.balance,
      expiresAt,
      expired,
    };
  });
  return { currency: readSettings(deps).currency, generatedAt: now, outstanding, cardCount: cards.length, cards, expiredUnspent };
}

/** What this till's shift did with cards: entries it wrote while the shift was open, and the cash it took for them. */
export function shiftCardLines(
  deps: Pick<Deps, 'sqlite'>,
  shift: { id: string; terminalCode: string; openedAt: number; closedAt: number | null },
  now: number,
): StoredValueShiftLines {
  const until = shift.closedAt ?? now;
  const byKind = new Map(
    (
      deps.sqlite
        .prepare(
          `SELECT kind, SUM(delta) AS amount FROM stored_value_entries WHERE terminal_code = ? AND at >= ? AND at <= ? GROUP BY kind`,
        )
        .all(shift.terminalCode, shift.openedAt, until) as (Cols<typeof storedValueEntries, 'kind'> & {
        amount: SqlRow<typeof storedValueEntries>['delta'];
      })[]
    ).map((r) => [r.kind, r.amount]),
  );
  const cash = deps.sqlite
    .prepare('SELECT COALESCE(SUM(cash), 0) FROM stored_value_sales WHERE shift_id = ?')
    .pluck()
    .get(shift.id) as number;
  return {
    issued: byKind.get('issue') ?? 0,
    toppedUp: byKind.get('topup') ?? 0,
    bonus: byKind.get('bonus') ?? 0,
    spent: 0 - (byKind.get('spend') ?? 0),
    refunded: byKind.get('refund') ?? 0,
    cash,
  };
}

/** Cash taken for cards during a shift: it is in the drawer. */
export function shiftCardCash(deps: Pick<Deps, 'sqlite'>, shiftId: string): number {
  return deps.sqlite.prepare('SELECT COALESCE(SUM(cash), 0) FROM stored_value_sales WHERE shift_id = ?').pluck().get(shiftId) as number;
}
