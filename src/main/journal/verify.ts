import type { Deps } from '../deps';
import { getOrder } from '../sales/checkout';
import { verifyJournal, type JournalCheck } from './journal';
import { getRefund } from '../aftersale/refunds';

/** The journal's chain plus every journaled document against the rows stored now. */
export function verifyStoreJournal(deps: Pick<Deps, 'sqlite'>): JournalCheck {
  return verifyJournal(deps, (kind, refId) => {
    if (kind === 'sale') {
      try {
        return getOrder(deps, refId);
      } catch {
        return null;
      }
    }
    if (kind === 'refund') {
      try {
        return getRefund(deps, refId);
      } catch {
        return null;
      }
    }
    return undefined;
  });
}
