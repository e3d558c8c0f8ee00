/**
 * What a till may say about an online order: its own store's orders only, and only the steps a
 * store takes (packed, shipped, picked up, delivered, a carrier's tracking…). Receipt, cancellation
 * and refunds are the buyer's and the cloud's; an automatic receipt is the cloud's sweep's.
 */
import { sql } from 'drizzle-orm';
import { TILL_ONLINE_EVENT_KINDS } from '../../../shared/sync/shapes';
import { rowsOf, type CloudDb } from '../../db/open';

const TILL_KINDS: readonly string[] = TILL_ONLINE_EVENT_KINDS;

/** Why a till's `online_order_event` is refused, or null when it may write it. */
export async function refuseTillStep(
  tx: CloudDb,
  device: { orgId: string; storeId: string },
  d: Record<string, unknown>,
): Promise<string | null> {
  const kind = String(d.kind);
  if (!TILL_KINDS.includes(kind)) return `A terminal cannot record the ${kind} step of an online order: the buyer or the shop does`;
  if (d.status != null && kind !== 'tracking' && kind !== 'delivered') return 'Only a carrier’s event names where the parcel is';
  if (d.status === 'automatic') return 'Only the shop completes an order automatically';
  if (d.eta != null && kind !== 'shipped') return 'Only a shipped step carries an estimated delivery day';
  const [own] = await rowsOf<{ one: number }>(
    tx,
    sql`SELECT 1 AS one FROM records WHERE org_id = ${device.orgId} AND entity = 'online_order' AND store_id = ${device.storeId}
        AND entity_id = ${String(d.order_id)}`,
  );
  return own ? null : 'This store has no such online order';
}
