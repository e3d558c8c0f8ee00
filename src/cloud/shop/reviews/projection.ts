/**
 * Keeps shop_reviews and the reviews' share of each product's rating (shop_products) as
 * `product_review` records merge, whoever wrote them (the shop for a buyer, a till hiding one).
 * Called with the rows just written, in their transaction, under the organisation's lock.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type CloudDb } from '../../db/open';
import { parseMutableBody, type RecordRow } from '../../records';

type Written = Pick<RecordRow, 'entity' | 'kind' | 'body' | 'entityId'>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : 0);

export async function projectReviews(tx: CloudDb, orgId: string, rows: Written[]): Promise<void> {
  for (const r of rows) {
    if (r.entity !== 'product_review' || r.kind !== 'mutable') continue;
    const d = parseMutableBody(r.body).d;
    // A record the cloud did not create (a device may only amend one) has no product: nothing to show.
    if (!str(d.product_id) || !num(d.rating)) continue;
    await tx.execute(sql`
      INSERT INTO shop_reviews (id, org_id, store_id, product_id, order_id, order_line_id, buyer_id, author, rating, comment,
        created_at, edited_at, hidden, hidden_reason)
      VALUES (${r.entityId}, ${orgId}, ${str(d.store_id)}, ${str(d.product_id)}, ${str(d.order_id)}, ${str(d.order_line_id)},
        ${str(d.buyer_id)}, ${str(d.author)}, ${num(d.rating)}, ${str(d.comment)}, ${num(d.created_at)}, ${num(d.edited_at)},
        ${d.hidden === true}, ${str(d.hidden_reason)})
      ON CONFLICT (id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, author = excluded.author,
        edited_at = excluded.edited_at, hidden = excluded.hidden, hidden_reason = excluded.hidden_reason`);
    const [row] = await rowsOf<{ product_id: string; rating: number; hidden: boolean; counted: number }>(
      tx,
      sql`SELECT product_id, rating, hidden, counted_rating AS counted FROM shop_reviews WHERE id = ${r.entityId}`,
    );
    if (!row) continue;
    const target = row.hidden ? 0 : Number(row.rating);
    const counted = Number(row.counted);
    if (target === counted) continue;
    const dSum = target - counted;
    const dCount = (target > 0 ? 1 : 0) - (counted > 0 ? 1 : 0);
    await tx.execute(sql`
      INSERT INTO shop_products (org_id, product_id, rating_sum, rating_count) VALUES (${orgId}, ${row.product_id}, ${dSum}, ${dCount})
      ON CONFLICT (org_id, product_id) DO UPDATE SET
        rating_sum = shop_products.rating_sum + excluded.rating_sum, rating_count = shop_products.rating_count + excluded.rating_count`);
    await tx.execute(sql`UPDATE shop_reviews SET counted_rating = ${target} WHERE id = ${r.entityId}`);
  }
}
