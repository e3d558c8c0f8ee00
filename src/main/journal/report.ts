import type { JournalReport } from '../../shared/api/admin';
import type { Deps } from '../deps';
import { verifyStoreJournal } from './verify';

export interface JournalSummary extends JournalReport {
  /** Entries per kind (sale, refund, void, shift_close, …). */
  kinds: Record<string, number>;
  /** The human number of the first broken entry's record, when it has one (order `T1-000123`). */
  firstBrokenNumber: string | null;
}

/**
 * Verifies the hash chain of sales, refunds, voids and Z reports (and every journaled sale against
 * its stored rows), naming the first broken entry. Used by the `journal.verify` channel and by
 * `npm run verify-journal`.
 */
export function journalReport(deps: Pick<Deps, 'sqlite' | 'clock'>): JournalSummary {
  const check = verifyStoreJournal(deps);
  const kinds: Record<string, number> = {};
  for (const r of deps.sqlite.prepare('SELECT kind, COUNT(*) AS n FROM journal GROUP BY kind ORDER BY kind').all() as {
    kind: string;
    n: number;
  }[])
    kinds[r.kind] = r.n;
  let firstBrokenNumber: string | null = null;
  if (check.firstBroken) {
    const row = deps.sqlite.prepare('SELECT number FROM orders WHERE id = ?').get(check.firstBroken.refId) as
      { number: string } | undefined;
    firstBrokenNumber = row?.number ?? null;
  }
  return { ...check, checkedAt: deps.clock(), kinds, firstBrokenNumber };
}
