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

/**
 * What the terminal's connection is, as people read it: a terminal the cloud no longer accepts
 * (an admin removed it) still reaches the cloud, but is not "Online" in any useful sense.
 */
export function connectionState(status: Pick<SyncStatus, 'online' | 'lastError'>): 'online' | 'offline' | 'removed' {
  if (status.lastError?.code === 'UNAUTHENTICATED') return 'removed';
  return status.online ? 'online' : 'offline';
}
