/**
 * Pulls the provider notifications the cloud verified for this store and applies them, so a QR or
 * terminal trade is paid the moment the customer pays instead of at the next provider query.
 *
 * It asks only while a QR or terminal trade is open and the cloud is linked and reachable. Where
 * it stands is kept in SQLite with the store it belongs to, written in the same transaction as
 * each notice it applies: a restart or a crash never applies one twice nor skips one. A notice the
 * till refuses (applyNotice audits it) still moves the cursor; one for a trade another till of
 * the store started is passed over quietly.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { NetworkError } from '../sync/transport';
import { fetchNotices, type CloudNotice } from './cloud-notices';
import { readKey, writeKey } from './config';
import { applyNotice } from './trades';

export const DEFAULT_NOTICE_POLL_MS = 2_000;
/** Pages read in one pass at most, so a long backlog never holds the loop. */
const MAX_PAGES = 20;
const PAGE = 100;
const CURSOR_KEY = 'noticeCursor';

interface Cursor {
  storeId: string;
  seq: number;
}

/** The last notice seq read from the cloud of `storeId` (0 for another store: its numbers are not ours). */
export function noticeCursor(deps: Pick<Deps, 'sqlite'>, storeId: string): number {
  const c = readKey<Cursor>(deps.sqlite, CURSOR_KEY);
  return c && c.storeId === storeId ? c.seq : 0;
}

function saveCursor(deps: Pick<Deps, 'sqlite' | 'clock'>, storeId: string, seq: number): void {
  writeKey(deps.sqlite, CURSOR_KEY, { storeId, seq } satisfies Cursor, deps.clock());
}

function awaitingNotice(deps: Pick<Deps, 'sqlite'>): boolean {
  return (
    deps.sqlite
      .prepare(
        "SELECT 1 FROM trades WHERE method IN ('qr', 'terminal') AND state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling') LIMIT 1",
      )
      .get() !== undefined
  );
}

function apply(deps: Deps, storeId: string, n: CloudNotice): void {
  inTransaction(deps.sqlite, () => {
    const ours = deps.sqlite.prepare('SELECT 1 FROM trades WHERE trade_no = ?').get(n.tradeNo) !== undefined;
    if (ours)
      // The cloud checked the signature and that the merchant is this store's (a notice carries no
      // merchant past it); applyNotice checks provider, merchant and amount against the trade here.
      applyNotice(deps, {
        provider: n.provider,
        merchant: deps.gateways(n.provider)?.merchant ?? '',
        tradeNo: n.tradeNo,
        eventId: n.eventId,
        answer: n.answer,
      });
    saveCursor(deps, storeId, n.seq);
  });
}

/**
 * One pass: reads and applies every notice after the cursor. Resolves with how many were read;
 * throws NetworkError / CloudCallError when the cloud could not be read.
 */
export async function pollNoticesOnce(deps: Deps): Promise<number> {
  if (deps.trades.closed || !awaitingNotice(deps)) return 0;
  const cloud = deps.trades.cloud();
  if (!cloud || !cloud.online) return 0;
  const storeId = cloud.access.link.storeId;
  let read = 0;
  for (let i = 0; i < MAX_PAGES; i++) {
    const after = noticeCursor(deps, storeId);
    const page = await fetchNotices(cloud.access, after, PAGE);
    if (deps.trades.closed) return read;
    for (const n of page.notices) {
      if (deps.trades.closed) return read;
      apply(deps, storeId, n);
      read++;
    }
    if (page.cursor > noticeCursor(deps, storeId)) inTransaction(deps.sqlite, () => saveCursor(deps, storeId, page.cursor));
    if (!page.more) break;
  }
  return read;
}

/**
 * Starts the poller of an open store: a pass every `everyMs` (0: none), one at a time; after a
 * failure it waits a few more turns each time (up to about 30 passes). Stopped with the store.
 */
export function startNoticePoller(deps: Deps, everyMs: number = DEFAULT_NOTICE_POLL_MS): { pass(): Promise<number> } {
  let running: Promise<number> | null = null;
  let failures = 0;
  let skip = 0;
  const pass = (): Promise<number> => {
    if (running) return running;
    running = pollNoticesOnce(deps)
      .then((n) => {
        failures = 0;
        return n;
      })
      .catch((err: unknown) => {
        failures++;
        skip = Math.min(30, 2 ** Math.min(failures, 5) - 1);
        // An unreachable cloud is the ordinary case of a till behind a flaky link; anything else is said once.
        if (!deps.trades.closed && !(err instanceof NetworkError) && failures === 1)
          console.error('[payments] reading notices from the cloud failed', (err as { code?: unknown } | null)?.code ?? 'error');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  if (everyMs > 0) {
    const timer = setInterval(() => {
      if (skip > 0) skip--;
      else void pass();
    }, everyMs);
    timer.unref?.();
    deps.trades.onStop.push(() => clearInterval(timer));
  }
  return { pass };
}
