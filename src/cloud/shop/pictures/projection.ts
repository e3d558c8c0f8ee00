/**
 * The pictures' side of the catalog projection: kept apart from pictures.ts so the projection does
 * not import what imports it.
 */
import { sql } from 'drizzle-orm';
import type { CloudDb } from '../../db/open';

/**
 * Drops the pictures of these products that their records no longer name (changed or removed at a
 * till), in the transaction that projected the records.
 */
export async function dropReplacedPictures(tx: CloudDb, orgId: string, productIds: string[]): Promise<void> {
  if (productIds.length === 0) return;
  await tx.execute(sql`
    DELETE FROM shop_pictures pic USING shop_products p
    WHERE pic.org_id = ${orgId} AND pic.product_id = ANY(${sql.param(productIds)}::text[])
      AND p.org_id = pic.org_id AND p.product_id = pic.product_id AND p.image IS DISTINCT FROM pic.name`);
}
