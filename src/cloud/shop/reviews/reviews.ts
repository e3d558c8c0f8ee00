/**
 * Buyers' reviews: only the buyer who paid for an order line reviews it, once, after it was
 * delivered, received or picked up, and may change it for 30 days. Each review is a
 * `product_review` record written through the shop's record path, so tills pull it and a manager
 * can hide it there.
 */
import { sql, type SQL } from 'drizzle-orm';
import { constant, rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeShopRecords } from '../records';
import { claimedLine, claimedSale } from '../receipts/receipts';
import type { ShopBuyer } from '../web/env';

export const EDIT_DAYS = 30;
export const EDIT_MS = EDIT_DAYS * 86_400_000;
export const REVIEWS_PAGE = 10;
export const MAX_COMMENT = 2000;

/** The steps after which the buyer has the item in hand. */
const IN_HAND = ['delivered', 'received', 'picked_up'];

export interface ReviewableLine {
  orgId: string;
  storeId: string;
  orderId: string;
  lineId: string;
  productId: string;
  name: string;
}

export interface Review {
  id: string;
  storeId: string;
  productId: string;
  orderId: string;
  orderLineId: string;
  buyerId: string;
  author: string;
  rating: number;
  comment: string;
  createdAt: number;
  editedAt: number;
  hidden: boolean;
  hiddenReason: string;
}

const REVIEW_COLUMNS = sql`id, store_id AS "storeId", product_id AS "productId", order_id AS "orderId",
  order_line_id AS "orderLineId", buyer_id AS "buyerId", author, rating, comment, created_at AS "createdAt",
  edited_at AS "editedAt", hidden, hidden_reason AS "hiddenReason"`;

const toReview = (r: Review): Review => ({ ...r, rating: Number(r.rating), createdAt: Number(r.createdAt), editedAt: Number(r.editedAt) });

/** A line of this buyer's paid order in this store; null for anyone else's (never saying whose). */
export async function buyersLine(
  db: CloudDb,
  store: { orgId: string; storeId: string },
  buyer: ShopBuyer,
  orderId: string,
  lineId: string,
): Promise<ReviewableLine | null> {
  const [row] = await rowsOf<{ product_id: string; name: string }>(
    db,
    sql`SELECT l.product_id, l.name FROM shop_order_lines l JOIN shop_orders o ON o.id = l.order_id
        WHERE l.order_id = ${orderId} AND l.id = ${lineId} AND o.org_id = ${store.orgId} AND o.store_id = ${store.storeId}
          AND o.buyer_id = ${buyer.id} AND o.state = 'paid'`,
  );
  // A counter sale the buyer claimed from its receipt is a verified purchase too.
  const line = row ? { productId: row.product_id, name: row.name } : await claimedLine(db, store, buyer, orderId, lineId);
  if (!line) return null;
  return { orgId: store.orgId, storeId: store.storeId, orderId, lineId, productId: line.productId, name: line.name };
}

/** Whether the order reached the buyer: delivered, receipt confirmed or picked up (a step of either side). */
export async function inHand(db: CloudDb, orgId: string, storeId: string, orderId: string): Promise<boolean> {
  // Bought at the counter: in hand from the moment it was paid.
  if (await claimedSale(db, orgId, storeId, orderId)) return true;
  const [row] = await rowsOf<{ one: number }>(
    db,
    sql`SELECT 1 AS one FROM records WHERE org_id = ${orgId} AND entity = 'online_order_event' AND store_id = ${storeId}
        AND (body::jsonb -> 'd' ->> 'order_id') = ${orderId}
        AND (body::jsonb -> 'd' ->> 'kind') IN (${sql.join(
          IN_HAND.map((k) => sql`${k}`),
          sql`, `,
        )}) LIMIT 1`,
  );
  return row !== undefined;
}

export async function reviewOfLine(db: CloudDb, orgId: string, lineId: string): Promise<Review | null> {
  const [row] = await rowsOf<Review>(
    db,
    sql`SELECT ${REVIEW_COLUMNS} FROM shop_reviews WHERE org_id = ${orgId} AND order_line_id = ${lineId}`,
  );
  return row ? toReview(row) : null;
}

/** Reviews by line, for an order's page (the buyer's own). */
export async function reviewsOfOrder(db: CloudDb, orgId: string, orderId: string): Promise<Map<string, Review>> {
  const rows = await rowsOf<Review>(db, sql`SELECT ${REVIEW_COLUMNS} FROM shop_reviews WHERE org_id = ${orgId} AND order_id = ${orderId}`);
  return new Map(rows.map((r) => [r.orderLineId, toReview(r)]));
}

/** This buyer's review; null for anyone else's. */
export async function buyersReview(db: CloudDb, orgId: string, buyer: ShopBuyer, id: string): Promise<Review | null> {
  const [row] = await rowsOf<Review>(
    db,
    sql`SELECT ${REVIEW_COLUMNS} FROM shop_reviews WHERE org_id = ${orgId} AND id = ${id} AND buyer_id = ${buyer.id}`,
  );
  return row ? toReview(row) : null;
}

/** A product's visible reviews, newest first: the page asked and one more (to tell whether more follow). */
export function reviewPageSql(orgId: string, productId: SQL, pageNo: number): SQL {
  return sql`SELECT ${REVIEW_COLUMNS} FROM shop_reviews WHERE org_id = ${orgId} AND product_id = ${productId} AND NOT hidden
        ORDER BY created_at DESC, id DESC LIMIT ${constant(REVIEWS_PAGE + 1)} OFFSET ${(pageNo - 1) * REVIEWS_PAGE}`;
}

/** A page of reviews from `reviewPageSql`'s rows (as rows, or as JSON objects with the same keys). */
export function reviewPageOf(rows: Review[]): { items: Review[]; more: boolean } {
  return { items: rows.slice(0, REVIEWS_PAGE).map(toReview), more: rows.length > REVIEWS_PAGE };
}

/** A product's visible reviews, newest first: a page and whether there are more. */
export async function productReviewPage(db: CloudDb, orgId: string, productId: string, pageNo: number) {
  return reviewPageOf(await rowsOf<Review>(db, reviewPageSql(orgId, sql`${productId}`, pageNo)));
}

/** The name shown with a review: the buyer's first word of name, else a masked contact. */
export function authorName(buyer: ShopBuyer): string {
  const first = buyer.name.trim().split(/\s+/)[0] ?? '';
  if (first) return first.slice(0, 60);
  const contact = buyer.email ?? buyer.phone ?? '';
  return contact ? `${contact.slice(0, 1)}***` : '';
}

export type SaveOutcome = { ok: true; review: Review } | { ok: false; reason: 'notYet' | 'already' | 'tooLate' | 'gone' };

/** Lock the organisation: one review per line, whichever request of two comes first. */
async function lockOrg(tx: CloudDb, orgId: string) {
  await tx.execute(sql`SELECT id FROM orgs WHERE id = ${orgId} FOR NO KEY UPDATE`);
}

export async function createReview(
  deps: CloudDeps,
  line: ReviewableLine,
  buyer: ShopBuyer,
  input: { rating: number; comment: string },
): Promise<SaveOutcome> {
  return deps.db.transaction(async (tx) => {
    await lockOrg(tx, line.orgId);
    if (!(await inHand(tx, line.orgId, line.storeId, line.orderId))) return { ok: false, reason: 'notYet' } as const;
    if (await reviewOfLine(tx, line.orgId, line.lineId)) return { ok: false, reason: 'already' } as const;
    const id = deps.ids();
    const now = deps.clock();
    await writeShopRecords(tx, deps, line.orgId, line.storeId, [
      {
        e: 'product_review',
        i: id,
        d: {
          product_id: line.productId,
          store_id: line.storeId,
          order_id: line.orderId,
          order_line_id: line.lineId,
          buyer_id: buyer.id,
          author: authorName(buyer),
          rating: input.rating,
          comment: input.comment,
          created_at: now,
          edited_at: now,
          hidden: false,
          hidden_reason: '',
          hidden_by: null,
          hidden_at: null,
        },
      },
    ]);
    const review = await reviewOfLine(tx, line.orgId, line.lineId);
    return review ? ({ ok: true, review } as const) : ({ ok: false, reason: 'gone' } as const);
  });
}

/** Changes the buyer's words and rating (never whether the shop hides it), within 30 days of writing. */
export async function editReview(
  deps: CloudDeps,
  orgId: string,
  buyer: ShopBuyer,
  id: string,
  input: { rating: number; comment: string },
): Promise<SaveOutcome> {
  return deps.db.transaction(async (tx) => {
    await lockOrg(tx, orgId);
    const before = await buyersReview(tx, orgId, buyer, id);
    if (!before) return { ok: false, reason: 'gone' } as const;
    const now = deps.clock();
    if (now - before.createdAt > EDIT_MS) return { ok: false, reason: 'tooLate' } as const;
    await writeShopRecords(tx, deps, orgId, before.storeId, [
      { e: 'product_review', i: id, d: { rating: input.rating, comment: input.comment, edited_at: now } },
    ]);
    const review = await buyersReview(tx, orgId, buyer, id);
    return review ? ({ ok: true, review } as const) : ({ ok: false, reason: 'gone' } as const);
  });
}

/**
 * The order page's review links, by line: only for the buyer who placed the paid order, once it
 * is in their hands (null otherwise: no links).
 */
export async function orderReviewLinks(
  db: CloudDb,
  buyer: ShopBuyer | null,
  order: { id: string; orgId: string; buyerId: string | null; state: string },
  eventKinds: readonly string[],
): Promise<Map<string, Review> | null> {
  if (!buyer || order.buyerId !== buyer.id || order.state !== 'paid') return null;
  if (!eventKinds.some((k) => IN_HAND.includes(k))) return null;
  return reviewsOfOrder(db, order.orgId, order.id);
}
