/**
 * Keeps `shop_receipts` as `order` records merge (called with each batch a push or the shop
 * writes, in its transaction): a till sale with a receipt key becomes reachable by the key's hash.
 * A resent order changes nothing.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { RECEIPT_KEY } from '../../../shared/receipt-link';
import type { CloudDb } from '../../db/open';
import type { RecordRow } from '../../records';

type Written = Pick<RecordRow, 'entity' | 'storeId' | 'entityId' | 'kind' | 'body'>;

export const receiptKeyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export async function projectReceipts(tx: CloudDb, orgId: string, rows: Written[]): Promise<void> {
  const found: { orderId: string; storeId: string; hash: string; at: number }[] = [];
  for (const r of rows) {
    if (r.entity !== 'order' || r.kind !== 'append-only' || !r.storeId) continue;
    // Cheap test first: most orders of a big push are read only when they carry a key.
    if (!r.body.includes('"receipt_key":"')) continue;
    const d = (JSON.parse(r.body) as { d?: Record<string, unknown> }).d ?? {};
    const key = d.receipt_key;
    const at = d.created_at;
    if (typeof key !== 'string' || !RECEIPT_KEY.test(key) || typeof at !== 'number') continue;
    found.push({ orderId: r.entityId, storeId: r.storeId, hash: receiptKeyHash(key), at });
  }
  if (found.length === 0) return;
  await tx.execute(sql`
    INSERT INTO shop_receipts (org_id, store_id, order_id, key_hash, created_at)
    SELECT ${orgId}::uuid, x.store_id, x.order_id, x.key_hash, x.at
    FROM unnest(${sql.param(found.map((f) => f.storeId))}::text[], ${sql.param(found.map((f) => f.orderId))}::text[],
      ${sql.param(found.map((f) => f.hash))}::text[], ${sql.param(found.map((f) => String(f.at)))}::bigint[]) AS x(store_id, order_id, key_hash, at)
    ON CONFLICT DO NOTHING`);
}
