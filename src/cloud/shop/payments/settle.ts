/** Settling a payment a provider confirmed (by a verified notification or a query's answer), the same for every provider. */
import type { CloudDeps } from '../../deps';
import { markPaid, type Payment } from '../checkout/orders';
import type { OrderStock } from '../checkout/stock';

/** Records a refused notification with why (checkout/payment.ts refuseNotice, bound to the store and provider). */
export type RefuseNotice = (reason: string, message: string, n?: { eventId?: string; tradeNo?: string }) => Promise<void>;

/**
 * Marks the store's order `tradeNo` paid by `pay` (once, however often it is confirmed). When the
 * payment is not the order's (another amount or currency, no such order of this provider), nothing
 * changes, and a notification's refusal is recorded through `refuse`. True when the order is paid.
 */
export async function settleConfirmed(
  deps: CloudDeps,
  stock: OrderStock,
  storeId: string,
  tradeNo: string,
  pay: Payment,
  refuse?: RefuseNotice,
): Promise<boolean> {
  const paid = await markPaid(deps, stock, storeId, tradeNo, pay);
  if (paid.ok) return true;
  if (refuse) await refuse(paid.reason === 'not_found' ? 'unknown_trade' : paid.reason, paid.message, { eventId: pay.eventId, tradeNo });
  return false;
}
