import type { Trade } from '../../shared/api/payments';
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import type { SessionStaff } from '../sessions';
import { requestAutoRefund } from './refunds';
import { driveTrade, FINAL_STATES, getTrade, sleep, tradeRow, transition } from './trades';

/**
 * The clerk gives up on a trade: an unanswered one is cancelled (or reversed) at the provider; a
 * paid one no sale used is refunded. A trade that paid for a completed sale is refunded through
 * that sale's refund instead.
 */
export async function cancelTrade(deps: Deps, staff: SessionStaff, id: string): Promise<Trade> {
  const t = tradeRow(deps, id);
  if (!t) throw notFound('Trade', { id });
  if (t.orderId)
    throw new AppError('CONFLICT', 'That payment belongs to a completed sale: refund the sale instead', { reason: 'usedBySale' });
  if (t.state === 'paid') {
    requestAutoRefund(deps, id, 'cancelled by staff', staff.id);
    deps.trades.kick();
    return getTrade(deps, id);
  }
  if (FINAL_STATES.includes(t.state)) return getTrade(deps, id);
  inTransaction(deps.sqlite, () =>
    recordAudit(deps, { staffId: staff.id, action: 'payment.cancel', target: id, details: { state: t.state }, success: true }),
  );
  if (t.state === 'created') transition(deps, id, ['created'], 'failed', { errorCode: 'CANCELLED', message: 'Cancelled before sending' });
  else
    transition(deps, id, ['sent', 'waiting', 'unknown'], 'cancelling', { errorCode: 'CANCELLED', message: 'Cancelled by staff' }, 'cancel');
  // The running loop (if any) sees `cancelling` at its next turn; otherwise start one.
  const running = deps.trades.driving.get(id);
  await Promise.race([running ?? driveTrade(deps, id), sleep(5000)]);
  return getTrade(deps, id);
}
