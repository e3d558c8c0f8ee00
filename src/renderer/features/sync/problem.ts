import type { SyncStatus } from '../../../shared/api/sync';

type SyncProblem = NonNullable<SyncStatus['lastError']>;

/**
 * The message key for the sync loop's last problem. The engine keeps the raw cause (English, for
 * logs); people see a localized sentence chosen by its code.
 */
export function syncProblemKey(problem: Pick<SyncProblem, 'code'>): string {
  switch (problem.code) {
    case 'OFFLINE':
      return 'sync.err.offline';
    case 'UNAUTHENTICATED':
      return 'sync.err.revoked';
    case 'REJOIN':
      return 'sync.err.rejoin';
    case 'BAD_ANSWER':
      return 'sync.err.notACloud';
    default:
      return 'sync.err.syncFailed';
  }
}
