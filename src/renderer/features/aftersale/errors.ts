import type { TFunction } from 'i18next';
import type { ApiError } from '../../../shared/errors';
import { describeError } from '../../lib/errors';

const REASONS = new Set([
  'alreadyReturned',
  'tooMany',
  'notOnOrder',
  'duplicateLine',
  'moreThanPaid',
  'creditNeedsCustomer',
  'storeCredit',
  'shipNeedsCustomer',
  'badTransition',
  'cancelled',
  'alreadyShipped',
  'notForShipping',
  'aboveShelfPrice',
  'points',
  'loyaltyOff',
  'empty',
  'alreadyRated',
  'carrierNotConfigured',
  'shiftForCash',
]);

function reasonOf(error: ApiError): string | null {
  const d = error.details;
  if (typeof d === 'object' && d !== null && !Array.isArray(d) && typeof (d as { reason?: unknown }).reason === 'string')
    return (d as { reason: string }).reason;
  return null;
}

/** A localized sentence for the after-sale errors main explains with a `reason`; the rest as usual. */
export function describeAfterError(t: TFunction, error: ApiError): string {
  const reason = reasonOf(error);
  if (reason && REASONS.has(reason)) return t('after.reason.withDetail', { reason: t(`after.reason.${reason}`), detail: error.message });
  if (error.code === 'VALIDATION' && Array.isArray(error.details) && error.details.some((d) => (d as { code?: unknown })?.code))
    return t('after.reason.fields');
  return describeError(t, error);
}

/** Field errors (address) by field name, localized by issue code when there is one. */
export function addressErrors(t: TFunction, error: ApiError | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error || error.code !== 'VALIDATION' || !Array.isArray(error.details)) return out;
  for (const d of error.details as { path?: unknown; code?: unknown; message?: unknown }[]) {
    const path = Array.isArray(d.path) ? d.path.map(String) : [];
    const field = path[0] === 'address' ? path[1] : path[0];
    if (!field || out[field]) continue;
    out[field] = typeof d.code === 'string' && d.code !== 'carrier' ? t(`after.addr.${d.code}`) : String(d.message ?? '');
  }
  return out;
}
