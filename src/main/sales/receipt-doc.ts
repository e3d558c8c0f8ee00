import type { Order, ReceiptDoc } from '../../shared/api/types';
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { readSettings } from '../settings/settings';
import { getOrder } from './checkout';
import { cachedStatement } from '../db/statements';

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
  const rows = sqlite.prepare('SELECT id, account FROM payments WHERE order_id = ?').all(order.id) as {
    id: string;
    account: string | null;
  }[];
  const byId = new Map(rows.map((r) => [r.id, r.account]));
  return { ...order, payments: order.payments.map((p) => (p.account !== undefined ? p : { ...p, account: byId.get(p.id) ?? null })) };
}

export function receiptDoc(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, orderId: string): ReceiptDoc {
  const s = readSettings(deps);
  return {
    storeName: s.storeName,
    footer: s.receiptFooter,
    language: s.language,
    timezone: s.timezone,
    order: withAccounts(deps.sqlite, getOrder(deps, orderId)),
  };
}
