import type { StaffSummary } from '../../../shared/api';
import type { Result } from '../../../shared/errors';
import { staffData } from '../../data/admin';

/**
 * The staff to choose from, asked for while the app boots (beside the store's status), so the
 * sign-in screen shows them as soon as it appears instead of one round trip later.
 */
let early: Promise<Result<StaffSummary[]>> | null = null;

export function prefetchStaffList(): void {
  early = staffData.list({});
}

/** A boot that did not end on the sign-in screen (setup, recovery): the early list is stale by the time it would be shown. */
export function dropStaffList(): void {
  early = null;
}

/** The early list once, then a fresh one each time. */
export function staffList(): Promise<Result<StaffSummary[]>> {
  const p = early ?? staffData.list({});
  early = null;
  return p;
}
