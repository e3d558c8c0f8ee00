import type { Order, ReceiptDoc } from '../../shared/api/types';
import type { Deps } from '../deps';
import type { Sqlite } from '../db/open';
import { readSettings } from '../settings/settings';
import { getOrder } from './checkout';

const accountColumn = new WeakMap<Sqlite, boolean>();

/** Databases from before provider payments have no `account` column (a migration adds it). */
function hasAccountColumn(sqlite: Sqlite): boolean {
  let known = accountColumn.get(sqlite);
  if (known === undefined) {
    const cols = sqlite.prepare('PRAGMA table_info(payments)').all() as { name: string }[];
    known = cols.some((c) => c.name === 'account');
    accountColumn.set(sqlite, known);
  }
  return known;
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
