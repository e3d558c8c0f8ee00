import type { Unit } from '../../shared/units';
import { create } from 'zustand';
import type { ApiError, Result } from '../../shared/errors';
import type { Discount } from '../../shared/pricing';

export interface Approval {
  staffId: string;
  pin: string;
}

/** What needs approving, for the dialog's title. */
export type ApprovalReason = 'discount' | 'price' | 'refund';

/** A line's item as the dialog names it (in the screen's language). */
export interface ApprovalItem {
  name: string;
  altName: string | null;
}

/** Exactly what the manager is approving, so they never approve blind. Amounts in minor units. */
export type ApprovalSubject =
  | { kind: 'lineDiscount'; item: ApprovalItem; discount: Discount }
  | { kind: 'cartDiscount'; discount: Discount }
  | { kind: 'price'; item: ApprovalItem; from: number; to: number }
  | { kind: 'qty'; item: ApprovalItem; unit: Unit; from: number; to: number }
  | { kind: 'removeLine'; item: ApprovalItem }
  | { kind: 'refund'; amount: number | null; order: string | null };

interface Pending {
  reason: ApprovalReason;
  subject: ApprovalSubject | null;
  /** The server's APPROVAL_REQUIRED answer, shown for context. */
  cause: ApiError;
  attempt(approval: Approval): Promise<Result<unknown>>;
  finish(result: Result<unknown> | null): void;
}

interface ApprovalState {
  pending: Pending | null;
  request<T>(
    reason: ApprovalReason,
    cause: ApiError,
    attempt: (approval: Approval) => Promise<Result<T>>,
    subject?: ApprovalSubject | null,
  ): Promise<Result<T> | null>;
  close(result: Result<unknown> | null): void;
}

export const useApproval = create<ApprovalState>((set, get) => ({
  pending: null,
  request(reason, cause, attempt, subject = null) {
    // A second request while one is open cancels the first.
    get().pending?.finish(null);
    return new Promise((resolve) => {
      set({
        pending: {
          reason,
          subject,
          cause,
          attempt: attempt as (approval: Approval) => Promise<Result<unknown>>,
          finish: (result) => resolve(result as Result<never> | null),
        },
      });
    });
  },
  close(result) {
    const p = get().pending;
    set({ pending: null });
    p?.finish(result);
  },
}));

/**
 * Runs a privileged call; if the server answers APPROVAL_REQUIRED, asks for a manager's PIN and
 * retries the same call with it. Resolves null when the clerk cancels the approval.
 */
export async function withApproval<T>(
  reason: ApprovalReason,
  call: (approval?: Approval) => Promise<Result<T>>,
  subject: ApprovalSubject | null = null,
): Promise<Result<T> | null> {
  const first = await call(undefined);
  if (first.ok || first.error.code !== 'APPROVAL_REQUIRED') return first;
  return useApproval.getState().request(reason, first.error, (approval) => call(approval), subject);
}
