/**
 * Keeps `shop_order_progress` from online orders' steps as they are written (a till's push, the
 * shop's own writes), in the same transaction: the first `delivered` starts the buyer's days to
 * confirm, a `received` ends them. Repeating a step changes nothing.
 */
import { sql } from 'drizzle-orm';
import { AUTOMATIC_RECEIPT } from '../../../shared/sync/shapes';
import type { CloudDb } from '../../db/open';
import type { RecordRow } from '../../records';

type Written = Pick<RecordRow, 'entity' | 'storeId' | 'entityId' | 'kind' | 'body'>;

export async function projectOrderProgress(tx: CloudDb, orgId: string, rows: readonly Written[]): Promise<void> {
  for (const r of rows) {
    if (r.entity !== 'online_order_event') continue;
    const d = (JSON.parse(r.body) as { d: { order_id?: unknown; kind?: unknown; at?: unknown; status?: unknown } }).d;
    if (typeof d.order_id !== 'string' || typeof d.at !== 'number') continue;
    if (d.kind === 'delivered')
      await tx.execute(sql`
        INSERT INTO shop_order_progress (order_id, org_id, store_id, delivered_at) VALUES (${d.order_id}, ${orgId}, ${r.storeId}, ${d.at})
        ON CONFLICT (order_id) DO UPDATE SET delivered_at = LEAST(COALESCE(shop_order_progress.delivered_at, excluded.delivered_at), excluded.delivered_at)
        WHERE shop_order_progress.org_id = excluded.org_id`);
    else if (d.kind === 'received') {
      const auto = d.status === AUTOMATIC_RECEIPT;
      await tx.execute(sql`
        INSERT INTO shop_order_progress (order_id, org_id, store_id, received_at, received_automatically)
        VALUES (${d.order_id}, ${orgId}, ${r.storeId}, ${d.at}, ${auto})
        ON CONFLICT (order_id) DO UPDATE SET received_at = COALESCE(shop_order_progress.received_at, excluded.received_at),
          received_automatically = CASE WHEN shop_order_progress.received_at IS NULL THEN excluded.received_automatically
                                        ELSE shop_order_progress.received_automatically END
        WHERE shop_order_progress.org_id = excluded.org_id`);
    }
  }
}
