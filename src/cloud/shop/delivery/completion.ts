/**
 * An online order completes by itself a set number of days after delivery when the buyer did not
 * confirm receipt: the store's `onlineAutoCompleteDays` setting (default 7). The sweep writes the
 * `received` step marked automatic, once per order, whichever cloud process runs it: each order's
 * rows are locked (the ones another process holds are skipped), and an order confirmed meanwhile
 * no longer matches when its row is locked.
 */
import { sql } from 'drizzle-orm';
import { AUTOMATIC_RECEIPT } from '../../../shared/sync/shapes';
import { rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeFacts } from '../checkout/records';

export const DEFAULT_AUTO_COMPLETE_DAYS = 7;
const DAY_MS = 86_400_000;

/** The store's days (the setting as the shop projects it, else the default). */
export function autoCompleteDays(value: string | null | undefined): number {
  const n = value ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 90 ? n : DEFAULT_AUTO_COMPLETE_DAYS;
}

export async function storeAutoCompleteDays(db: CloudDb, orgId: string, storeId: string): Promise<number> {
  const [row] = await rowsOf<{ value: string }>(
    db,
    sql`SELECT value FROM shop_store_settings WHERE org_id = ${orgId} AND store_id = ${storeId} AND key = 'onlineAutoCompleteDays'`,
  );
  return autoCompleteDays(row?.value);
}

/** Completes the delivered orders whose days ran out, a few at a time; returns how many. */
export async function completeDue(deps: CloudDeps, limit = 100): Promise<number> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const due = await rowsOf<{ order_id: string; org_id: string; store_id: string }>(
      tx,
      sql`SELECT p.order_id, p.org_id, p.store_id FROM shop_order_progress p
          JOIN shop_orders o ON o.id = p.order_id AND o.state = 'paid'
          LEFT JOIN shop_store_settings s ON s.org_id = p.org_id AND s.store_id = p.store_id AND s.key = 'onlineAutoCompleteDays'
          WHERE p.received_at IS NULL AND p.delivered_at IS NOT NULL
            AND p.delivered_at + (CASE WHEN s.value ~ '^[0-9]{1,2}$' AND s.value::int BETWEEN 1 AND 90 THEN s.value::int
                                       ELSE ${DEFAULT_AUTO_COMPLETE_DAYS} END) * ${DAY_MS}::bigint <= ${now}
          ORDER BY p.delivered_at LIMIT ${limit}
          FOR UPDATE OF p, o SKIP LOCKED`,
    );
    for (const o of due) {
      const id = deps.ids();
      await writeFacts(deps, tx, o.org_id, o.store_id, [
        {
          e: 'online_order_event',
          i: id,
          d: {
            id,
            order_id: o.order_id,
            kind: 'received',
            carrier: null,
            tracking: null,
            note: '',
            terminal_code: null,
            staff_id: null,
            at: now,
            status: AUTOMATIC_RECEIPT,
            location: null,
            eta: null,
          },
        },
      ]);
    }
    return due.length;
  });
}
