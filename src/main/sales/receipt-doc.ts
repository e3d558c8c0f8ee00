import type { Order, ReceiptDoc } from '../../shared/api/types';
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { readSettings } from '../settings/settings';
import { getOrder } from './checkout';
import { cachedStatement } from '../db/statements';
import { getState } from '../sync/state';
import { RECEIPT_KEY, receiptUrl } from '../../shared/receipt-link';
import type { Cols, SqlRow } from '../db/rows';
import type { orders, payments } from '../db/schema';

/**
 * Databases from before provider payments have no `account` column (a migration adds it). Asked
 * each time, through the store's statement cache: it costs less than reading the payments it guards.
 */
function hasAccountColumn(sqlite: Sqlite): boolean {
  return cachedStatement(sqlite, "SELECT 1 FROM pragma_table_info('payments') WHERE name = 'account'", 'pluck').get() !== undefined;
}

/** The masked buyer account of each provider payment, for the receipt (when the order was loaded without it). */
function withAccounts(sqlite: Sqlite, order: Order): Order {
  if (order.payments.every((p) => p.account !== undefined) || !hasAccountColumn(sqlite)) return order;
  const rows = sqlite.prepare('SELECT id, account FROM payments WHERE order_id = ?').all(order.id) as Cols<
    typeof payments,
    'id' | 'account'
  >[];
  const byId = new Map(rows.map((r) => [r.id, r.account]));
  return { ...order, payments: order.payments.map((p) => (p.account !== undefined ? p : { ...p, account: byId.get(p.id) ?? null })) };
}

/**
 * The sale's page in the store's online shop, when the store syncs with a cloud: at the shop's
 * public address (a setting), else at the address this till syncs with. Null without a cloud or
 * a key (sales made before receipts had links, imports, web orders).
 */
export function receiptOnlineUrl(sqlite: Sqlite, shopAddress: string | null, orderId: string): string | null {
  const key = cachedStatement(sqlite, 'SELECT receipt_key FROM orders WHERE id = ?', 'pluck').get(orderId) as
    SqlRow<typeof orders>['receipt_key'] | undefined;
  if (!key || !RECEIPT_KEY.test(key)) return null;
  const cloud = getState(sqlite, 'cloud');
  if (!cloud) return null;
  return receiptUrl(shopAddress ?? cloud.serverUrl, cloud.storeId, key);
}

export function receiptDoc(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, orderId: string): ReceiptDoc {
  const s = readSettings(deps);
  return {
    storeName: s.storeName,
    footer: s.receiptFooter,
    language: s.language,
    timezone: s.timezone,
    order: withAccounts(deps.sqlite, getOrder(deps, orderId)),
    onlineUrl: receiptOnlineUrl(deps.sqlite, s.shopAddress, orderId),
  };
}
