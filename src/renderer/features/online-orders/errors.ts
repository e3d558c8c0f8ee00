import type { TFunction } from 'i18next';
import type { ApiError } from '../../../shared/errors';
import { describeAfterError } from '../aftersale/errors';

const REASONS = new Set([
  'wrongCode',
  'pickupLocked',
  'alreadyPickedUp',
  'notPickup',
  'noPickupCode',
  'onlineCancelled',
  'onlineDone',
  'shippedElsewhere',
  'returnDecided',
  'refuseNeedsReason',
  'returnNoLines',
  'returnAmountChanged',
  'shippingNone',
  'shippingDuplicate',
  'shippingDays',
  'shippingInvalid',
]);

/** A localized sentence for an online order's errors (main explains them with a `reason`); the rest as the after-sale screens do. */
export function describeOnlineError(t: TFunction, error: ApiError, time: (ms: number) => string): string {
  const d = error.details;
  if (typeof d === 'object' && d !== null && !Array.isArray(d)) {
    const { reason, attemptsLeft, lockedUntil, method } = d as {
      reason?: unknown;
      attemptsLeft?: unknown;
      lockedUntil?: unknown;
      method?: unknown;
    };
    if (typeof reason === 'string' && REASONS.has(reason))
      return t(`online.reason.${reason}`, {
        left: typeof attemptsLeft === 'number' ? attemptsLeft : 0,
        time: typeof lockedUntil === 'number' ? time(lockedUntil) : '',
        method: typeof method === 'string' ? method : '',
      });
  }
  // The code itself was refused (too long, control characters): say what a code looks like.
  if (
    error.code === 'VALIDATION' &&
    Array.isArray(d) &&
    d.some((i) => Array.isArray((i as { path?: unknown })?.path) && (i as { path: unknown[] }).path[0] === 'code')
  )
    return t('online.reason.badCode');
  return describeAfterError(t, error);
}
