/**
 * The counter's side of an online order: marking it packed, and handing a pick-up order over once
 * the buyer's code matches. The code's hash (sha256 hex) came with the order; codes are compared
 * in constant time, and every attempt is counted before it is checked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OnlineOrderInfo } from '../../shared/api/online-orders';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { defaultLocationId, recordMovement } from '../inventory/ledger';
import { lineStates } from '../returns/refunds';
import type { SessionStaff } from '../sessions';
import { onlineOrderInfo, onlineState } from './online-orders';
import { afterWrongCode, clearAttempts, countAttempt, lockedUntil, MAX_CODE_ATTEMPTS } from './pickup-lock';
import { hasStep, writeStep } from './steps';

function openOrder(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, id: string) {
  const found = onlineState(deps, id);
  if (!found) throw notFound('Online order', { id });
  const { row, state } = found;
  if (state === 'cancelled') throw new AppError('CONFLICT', `Online order ${row.shopNumber} was cancelled`, { reason: 'onlineCancelled' });
  return found;
}

/** Picked and packed: on the shelf for pick-up, or boxed for the carrier. Once per order. */
export function markPacked(deps: Deps, staff: SessionStaff, id: string): OnlineOrderInfo {
  const { row, state } = openOrder(deps, id);
  if (state === 'pickedUp' || state === 'shipped')
    throw new AppError('CONFLICT', `Online order ${row.shopNumber} has already left the store`, { reason: 'onlineDone' });
  if (!hasStep(deps, id, 'packed')) writeStep(deps, { orderId: id, kind: 'packed', staffId: staff.id });
  return onlineOrderInfo(deps, id);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * As the clerk typed it, read as the shop printed it: full-width digits from a Chinese keyboard
 * are digits (NFKC), spaces between groups are dropped, and lower-case letters also count as
 * upper-case. Every form is hashed and compared, in constant time.
 */
function codeMatches(code: string, hashHex: string): boolean {
  const want = Buffer.from(hashHex, 'hex');
  const typed = code.normalize('NFKC').replace(/\s+/g, '');
  let match = false;
  for (const form of new Set([typed, typed.toUpperCase()])) {
    const got = sha256(form);
    if (want.length === got.length && timingSafeEqual(want, got)) match = true;
  }
  return match;
}

/**
 * Checks the buyer's code and hands the order over: its units leave the store's stock through the
 * ledger (once: a handed-over order cannot be handed over again) and a `picked_up` step is written.
 * Wrong codes keep their count (the error commits what was written).
 */
export function handOver(deps: Deps, staff: SessionStaff, input: { id: string; code: string }): OnlineOrderInfo {
  const { row, state } = openOrder(deps, input.id);
  if (row.fulfilment !== 'pickup' || row.orderFulfilment !== 'pickup')
    throw new AppError('CONFLICT', `Online order ${row.shopNumber} ships to the buyer`, { reason: 'notPickup' });
  if (state === 'pickedUp')
    throw new AppError('CONFLICT', `Online order ${row.shopNumber} was already picked up`, { reason: 'alreadyPickedUp' });
  const hash = deps.sqlite.prepare('SELECT pickup_code_hash FROM online_orders WHERE id = ?').pluck().get(input.id) as string | null;
  if (hash === null) throw new AppError('CONFLICT', `Online order ${row.shopNumber} has no pick-up code`, { reason: 'noPickupCode' });
  const locked = lockedUntil(deps, input.id);
  if (locked !== null)
    throw new AppError('LOCKED', 'Too many wrong codes: try again later', { reason: 'pickupLocked', lockedUntil: locked }, true);
  const attempts = countAttempt(deps, input.id);
  if (!codeMatches(input.code, hash)) {
    const until = afterWrongCode(deps, input.id, attempts);
    recordAudit(deps, {
      staffId: staff.id,
      action: 'online.pickupCode',
      target: input.id,
      details: { shopNumber: row.shopNumber, attempts },
      success: false,
    });
    if (until !== null)
      throw new AppError('LOCKED', 'Too many wrong codes: try again later', { reason: 'pickupLocked', lockedUntil: until }, true);
    throw new AppError(
      'VALIDATION',
      'That is not this order’s code',
      { reason: 'wrongCode', attemptsLeft: MAX_CODE_ATTEMPTS - attempts },
      true,
    );
  }
  clearAttempts(deps, input.id);
  const location = defaultLocationId(deps);
  for (const l of lineStates(deps, input.id)) {
    const qty = l.qty - l.refundedQty;
    if (qty <= 0) continue;
    recordMovement(deps, {
      productId: l.productId,
      locationId: location,
      qtyDelta: -qty,
      kind: 'sale',
      refId: input.id,
      staffId: staff.id,
      reason: `Online order ${row.shopNumber} picked up`,
    });
  }
  writeStep(deps, { orderId: input.id, kind: 'picked_up', staffId: staff.id });
  recordAudit(deps, {
    staffId: staff.id,
    action: 'online.handOver',
    target: input.id,
    details: { shopNumber: row.shopNumber },
    success: true,
  });
  return onlineOrderInfo(deps, input.id);
}
