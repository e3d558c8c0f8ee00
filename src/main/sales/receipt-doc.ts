import type { ReceiptDoc } from '../../shared/api/types';
import type { Deps } from '../deps';
import { readSettings } from '../settings/settings';
import { getOrder } from './checkout';

export function receiptDoc(deps: Pick<Deps, 'sqlite' | 'db'>, orderId: string): ReceiptDoc {
  const s = readSettings(deps);
  return { storeName: s.storeName, footer: s.receiptFooter, language: s.language, timezone: s.timezone, order: getOrder(deps, orderId) };
}
