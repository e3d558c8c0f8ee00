import type { JournalReport } from '../../shared/api/admin';
import type { Deps } from '../deps';
import { verifyStoreJournal } from './verify';
import type { Cols } from '../db/rows';
import type { journal, orders, refunds, shifts } from '../db/schema';

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
export function journalReport(deps: Pick<Deps, 'sqlite' | 'clock' | 'secrets'>): JournalSummary {
  const check = verifyStoreJournal(deps);
  const kinds: Record<string, number> = {};
  for (const r of deps.sqlite.prepare('SELECT kind, COUNT(*) AS n FROM journal GROUP BY kind ORDER BY kind').all() as (Cols<
    typeof journal,
    'kind'
  > & {
    n: number;
  })[])
    kinds[r.kind] = r.n;
  let firstBrokenNumber: string | null = null;
  if (check.firstBroken) {
    // The number people know the record by: a sale's, a refund's, or a shift's (its Z report).
    const table = { sale: 'orders', refund: 'refunds', shift_close: 'shifts' }[check.firstBroken.kind] ?? 'orders';
    const row = deps.sqlite.prepare(`SELECT number FROM ${table} WHERE id = ?`).get(check.firstBroken.refId) as
      Cols<typeof orders, 'number'> | Cols<typeof refunds, 'number'> | Cols<typeof shifts, 'number'> | undefined;
    firstBrokenNumber = row?.number ?? null;
  }
  return { ...check, checkedAt: deps.clock(), kinds, firstBrokenNumber };
}

/** The report in sentences, one case each (for `npm run verify-journal`). */
export function describeReport(file: string, report: JournalSummary): string[] {
  const kinds = Object.entries(report.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const out = [`Journal of ${file}: ${report.entries} entries checked${kinds ? ` (${kinds})` : ''}.`];
  if (report.legacy > 0)
    out.push(
      `${report.legacy} entries from before the journal was keyed are legacy (unkeyed): their plain SHA-256 chain is checked, but anyone holding the file could recompute it.`,
    );
  if (report.keyedFrom !== null) out.push(`The chain is keyed (HMAC-SHA256, key outside the file) from entry #${report.keyedFrom} on.`);
  out.push(
    report.cloudHead
      ? `The cloud saw this till's journal up to entry #${report.cloudHead.seq} (hash ${report.cloudHead.hash.slice(0, 16)}…).`
      : 'The cloud has not recorded this till’s journal yet (not synced): deleting the newest entries cannot be detected before it has.',
  );
  const b = report.firstBroken;
  const label = b?.kind === 'shift_close' ? 'Z report' : (b?.kind ?? '');
  const what = b ? `entry #${b.seq} (${report.firstBrokenNumber ? `${label} ${report.firstBrokenNumber}` : label}, id ${b.refId})` : '';
  switch (report.problem) {
    case null:
      out.push('OK: the chain is intact, every keyed entry carries its key, and every journaled fact matches its stored rows.');
      break;
    case 'content':
      out.push(`BROKEN at ${what}: it no longer matches its stored rows: the ${label} was changed after it was journaled.`);
      break;
    case 'link':
      out.push(`BROKEN at ${what}: it does not follow the entry before it: an entry was deleted or inserted before it.`);
      break;
    case 'hash':
      out.push(
        `BROKEN at ${what}: its hash is not what the journal key makes of it: the entry was changed and recomputed without the key.`,
      );
      break;
    case 'unkeyed':
      out.push(
        `BROKEN at ${what}: it carries no key where this till keys every entry: the chain was recomputed with plain SHA-256 by someone without the key.`,
      );
      break;
    case 'legacy':
      out.push(`BROKEN at ${what}: this legacy (unkeyed) entry does not match its hash: it was changed.`);
      break;
    case 'truncated':
      out.push(
        `BROKEN: the cloud saw entry #${report.cloudHead!.seq} with hash ${report.cloudHead!.hash}; the file ends at #${report.lastSeq} < ${report.cloudHead!.seq}: entries deleted (or an older backup was restored).`,
      );
      break;
    case 'diverged':
      out.push(
        `BROKEN at ${what}: the cloud saw a different entry #${b!.seq} (hash ${report.cloudHead!.hash}): history was rewritten (or an older backup was restored and new entries written since).`,
      );
      break;
    case 'nokey': {
      const u = report.unverified!;
      out.push(
        `NOT VERIFIED: entries #${u.from}–#${u.to} (${u.count}) were chained with a journal key this machine does not have (the store comes from another machine, the key file is missing, or it is sealed by the desktop app's OS keychain). Their links were checked and nothing else is wrong, but their hashes cannot be checked here: run the check on the till that wrote them.`,
      );
      break;
    }
  }
  if (b && report.problem !== 'truncated') out.push('Entries after it cannot be trusted either.');
  return out;
}
