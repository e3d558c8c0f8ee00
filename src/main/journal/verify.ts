import type { Deps } from '../deps';
import type { CamelCols, Cols } from '../db/rows';
import type { shiftCloses, shifts } from '../db/schema';
import { getOrder } from '../sales/checkout';
import { canonicalJson, verifyJournal, type JournalCheck } from './journal';
import { getRefund } from '../returns/refunds';
import { expectedCash } from '../shifts/shifts';
import type { ShiftReport } from '../../shared/api/shifts';

type CloseRow = Cols<typeof shiftCloses, 'report'> &
  CamelCols<typeof shiftCloses, 'closedAt' | 'countedCash' | 'countedCounts' | 'expectedCash' | 'overShort'> &
  CamelCols<typeof shifts, 'number' | 'openedAt' | 'openingFloat'>;

/**
 * A Z report as the rows hold it now: the stored report (null, a mismatch, when a column or the
 * expected cash recomputed from the shift's payments, refunds and cash movements disagrees with
 * it). Raising the counted cash in the columns, in the stored report, or in both, no longer
 * matches the journaled document.
 */
function zReportNow(deps: Pick<Deps, 'sqlite'>, shiftId: string): unknown {
  const row = deps.sqlite
    .prepare(
      `SELECT c.report, c.closed_at AS closedAt, c.counted_cash AS countedCash, c.counted_counts AS countedCounts,
              c.expected_cash AS expectedCash, c.over_short AS overShort,
              s.number, s.opened_at AS openedAt, s.opening_float AS openingFloat
       FROM shift_closes c JOIN shifts s ON s.id = c.shift_id WHERE c.shift_id = ?`,
    )
    .get(shiftId) as CloseRow | undefined;
  if (!row) return null;
  const stored = { ...(JSON.parse(row.report) as ShiftReport), journalSeq: null };
  const expected = expectedCash(deps, shiftId);
  const fromRows = {
    ...stored,
    countedCounts: JSON.parse(row.countedCounts) as unknown,
    shift: {
      ...stored.shift,
      number: row.number,
      openedAt: row.openedAt,
      openingFloat: row.openingFloat,
      closedAt: row.closedAt,
      countedCash: row.countedCash,
      expectedCash: row.expectedCash,
      overShort: row.overShort,
    },
    cash: { ...stored.cash, float: row.openingFloat, expected, counted: row.countedCash, overShort: row.countedCash - expected },
  };
  // The stored report (printed again later) must be the journaled one, and every column and fact
  // must agree with it: a figure changed in either place alone, or in both, no longer matches.
  const agree =
    canonicalJson(fromRows) === canonicalJson(stored) && row.expectedCash === expected && row.overShort === row.countedCash - expected;
  return agree ? stored : null;
}

/** The journal's chain plus every journaled document (sales, refunds, Z reports) against the rows stored now. */
export function verifyStoreJournal(deps: Pick<Deps, 'sqlite' | 'secrets'>): JournalCheck {
  const guarded = (read: () => unknown): unknown => {
    try {
      return read();
    } catch {
      return null; // rows gone or unreadable: does not match what was journaled
    }
  };
  return verifyJournal(deps, {
    current: (kind, refId) => {
      if (kind === 'sale') return guarded(() => getOrder(deps, refId));
      if (kind === 'refund') return guarded(() => getRefund(deps, refId));
      if (kind === 'shift_close') return guarded(() => zReportNow(deps, refId));
      return undefined;
    },
  });
}
