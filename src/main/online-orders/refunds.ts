/**
 * The shop's refunds as the cloud reports them (`online_refund` records): a manager sees which
 * are still failing at the provider, why, and when the cloud tries again by itself.
 */
import type { OnlineRefundRow, ReceiptClaimInfo } from '../../shared/api/online-orders';
import type { Deps } from '../deps';

const SELECT = `SELECT r.id, r.order_id AS orderId, COALESCE(oo.shop_number, '') AS shopNumber, COALESCE(oo.contact_name, '') AS contactName,
  r.cause, r.return_id AS returnId, r.request_no AS requestNo, r.amount, r.currency, r.state, r.message, r.attempts,
  r.next_retry_at AS nextRetryAt, r.updated_at AS updatedAt
  FROM online_refunds r LEFT JOIN online_orders oo ON oo.id = r.order_id`;

export function onlineRefunds(deps: Pick<Deps, 'sqlite'>, input: { which: 'open' | 'all'; limit: number }): OnlineRefundRow[] {
  return deps.sqlite
    .prepare(
      input.which === 'open'
        ? // Failing first (what a manager must act on), then those still being asked.
          `${SELECT} WHERE r.state <> 'refunded' ORDER BY r.state = 'requested', r.updated_at DESC, r.id LIMIT ?`
        : `${SELECT} ORDER BY r.updated_at DESC, r.id LIMIT ?`,
    )
    .all(input.limit) as OnlineRefundRow[];
}

/** The claim of a counter sale from its receipt online, or null. */
export function receiptClaim(deps: Pick<Deps, 'sqlite'>, orderId: string): ReceiptClaimInfo | null {
  const row = deps.sqlite
    .prepare('SELECT contact, claimed_at AS claimedAt FROM receipt_claims WHERE order_id = ? ORDER BY claimed_at, id LIMIT 1')
    .get(orderId) as ReceiptClaimInfo | undefined;
  return row ?? null;
}
