/**
 * Card payments through the integrated terminal while this till cannot reach the cloud
 * ("store and forward"): the card is approved on the spot, and the payment only becomes safe once
 * the sale carrying it reaches the cloud. The admin bounds the risk per store:
 * - a per-sale limit (0 = no card payments while offline),
 * - a per-terminal total of offline card payments not yet sent,
 * - a window: once the oldest unsent one is older than this many hours, no more are taken.
 * While any is unsent, this terminal refuses to sign out of the cloud (see enrol.ts).
 */
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { readSettings, writeSettings } from '../settings/settings';
import { engineFor } from './service';
import { stmt } from './tables';
import type { SqlRow } from '../db/rows';
import type { offlineCardPayments } from '../db/schema';
import type { OfflineCardPolicy, OfflineCardSummary } from '../../shared/api/sync';

export type { OfflineCardPolicy, OfflineCardSummary };

export const DEFAULT_OFFLINE_CARD_POLICY: OfflineCardPolicy = { maxPerSale: 0, maxTotal: 0, windowHours: 24 };
const KEY = 'offlineCard';

export function readOfflineCardPolicy(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>): OfflineCardPolicy {
  const v = (readSettings(deps) as unknown as Record<string, unknown>)[KEY] as Partial<OfflineCardPolicy> | undefined;
  return { ...DEFAULT_OFFLINE_CARD_POLICY, ...(v ?? {}) };
}

export function writeOfflineCardPolicy(
  deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'ids' | 'hlc' | 'settingsCache'>,
  policy: OfflineCardPolicy,
): OfflineCardPolicy {
  writeSettings(deps, { [KEY]: policy } as never);
  return readOfflineCardPolicy(deps);
}

export function offlineCardSummary(deps: Pick<Deps, 'sqlite' | 'settingsCache'>): OfflineCardSummary {
  const row = stmt(
    deps.sqlite,
    `SELECT COUNT(*) AS count, COALESCE(SUM(o.amount), 0) AS total, MIN(o.created_at) AS oldestAt
     FROM offline_card_payments o JOIN payment_intents p ON p.id = o.intent_id
     WHERE o.sent_at IS NULL AND p.status IN ('pending', 'approved')`,
  ).get() as {
    count: number;
    total: number;
    oldestAt: SqlRow<typeof offlineCardPayments>['created_at'] | null;
  } satisfies OfflineCardSummary;
  return row;
}

/** An amount for main's own (English) message; people see the screen's wording (see `amounts`). */
function money(deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>, minor: number): string {
  const s = readSettings(deps);
  try {
    const fmt = new Intl.NumberFormat('en', { style: 'currency', currency: s.currency });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(minor / 10 ** digits);
  } catch {
    return String(minor);
  }
}

/** Amounts for the message, in minor units with their currency: the screen formats them in its own language. */
function amounts(
  deps: Pick<Deps, 'db' | 'sqlite' | 'settingsCache'>,
  money: Record<string, number>,
): { money: Record<string, number>; currency: string } {
  return { money, currency: readSettings(deps).currency };
}

/**
 * Called before a card charge starts (inside its transaction). Online, or not connected to a
 * cloud at all: nothing to check, answers false. Offline: enforces the policy (throws a DECLINED
 * AppError the clerk can read) and answers true — the caller records the payment as offline.
 */
export function checkOfflineCard(deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'sync' | 'settingsCache'>, amount: number): boolean {
  const engine = engineFor(deps);
  if (!engine?.isOffline()) return false;
  const policy = readOfflineCardPolicy(deps);
  if (policy.maxPerSale <= 0)
    throw new AppError('DECLINED', 'Card payments need a connection: offline card payments are turned off', {
      messageKey: 'sync.err.offlineCardsOff',
    });
  if (amount > policy.maxPerSale)
    throw new AppError('DECLINED', `While offline a card payment can be at most ${money(deps, policy.maxPerSale)}`, {
      messageKey: 'sync.err.offlinePerSale',
      ...amounts(deps, { limit: policy.maxPerSale }),
    });
  const unsent = offlineCardSummary(deps);
  if (unsent.total + amount > policy.maxTotal)
    throw new AppError('DECLINED', `This terminal already holds ${money(deps, unsent.total)} of unsent offline card payments`, {
      messageKey: 'sync.err.offlineTotal',
      ...amounts(deps, { held: unsent.total, limit: policy.maxTotal }),
    });
  if (unsent.oldestAt !== null && deps.clock() - unsent.oldestAt > policy.windowHours * 3600_000)
    throw new AppError('DECLINED', `An offline card payment has waited more than ${policy.windowHours} hours: reconnect first`, {
      messageKey: 'sync.err.offlineWindow',
      hours: policy.windowHours,
    });
  return true;
}

export function recordOfflineCard(deps: Pick<Deps, 'sqlite' | 'clock'>, intentId: string, amount: number): void {
  stmt(deps.sqlite, 'INSERT OR IGNORE INTO offline_card_payments (intent_id, amount, created_at) VALUES (?, ?, ?)').run(
    intentId,
    amount,
    deps.clock(),
  );
}
