import type { FeedbackEntry, ProductRating } from '../../shared/api/ratings';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { countRating } from '../ratings/product-ratings';
import type { Cols, SqlRow } from '../db/rows';
import type { customers, feedback, orderLines, orders, productRatings, products } from '../db/schema';

type FeedbackCol = SqlRow<typeof feedback>;
type ProductCol = SqlRow<typeof products>;

/** ENTRY_COLS */
type EntryRow = Cols<typeof feedback, 'id' | 'rating' | 'comment'> & {
  orderId: FeedbackCol['order_id'];
  orderNumber: SqlRow<typeof orders>['number'];
  orderLineId: FeedbackCol['order_line_id'];
  productId: FeedbackCol['product_id'];
  productName: SqlRow<typeof orderLines>['name'];
  customerName: SqlRow<typeof customers>['name'] | null;
  createdAt: FeedbackCol['created_at'];
};

const ENTRY_COLS = `f.id, f.order_id AS orderId, o.number AS orderNumber, f.order_line_id AS orderLineId, f.product_id AS productId,
  l.name AS productName, c.name AS customerName, f.rating, f.comment, f.created_at AS createdAt`;
const ENTRY_FROM = `FROM feedback f JOIN orders o ON o.id = f.order_id JOIN order_lines l ON l.id = f.order_line_id
  LEFT JOIN customers c ON c.id = f.customer_id`;

/** One rating per purchased line: a 1–5 rating and a comment, tied to the sale. */
export function addFeedback(
  deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'hlc'>,
  input: { orderLineId: string; rating: number; comment: string },
  staffId: string,
): FeedbackEntry {
  const line = deps.sqlite
    .prepare(
      'SELECT l.order_id AS orderId, l.product_id AS productId, o.customer_id AS customerId FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.id = ?',
    )
    .get(input.orderLineId) as
    | {
        orderId: SqlRow<typeof orderLines>['order_id'];
        productId: SqlRow<typeof orderLines>['product_id'];
        customerId: SqlRow<typeof orders>['customer_id'];
      }
    | undefined;
  if (!line) throw new AppError('NOT_FOUND', 'That purchase was not found', { orderLineId: input.orderLineId });
  if (deps.sqlite.prepare('SELECT 1 FROM feedback WHERE order_line_id = ?').get(input.orderLineId))
    throw new AppError('CONFLICT', 'This purchase already has a rating', { reason: 'alreadyRated' });
  const id = deps.ids();
  deps.sqlite
    .prepare(
      'INSERT INTO feedback (id, order_id, order_line_id, product_id, customer_id, rating, comment, staff_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(id, line.orderId, input.orderLineId, line.productId, line.customerId, input.rating, input.comment, staffId, deps.clock());
  countRating(deps, id);
  const entry = deps.sqlite.prepare(`SELECT ${ENTRY_COLS} ${ENTRY_FROM} WHERE f.id = ?`).get(id) as EntryRow;
  return entry satisfies FeedbackEntry;
}

export function productFeedback(deps: Pick<Deps, 'sqlite'>, productId: string, offset: number, limit: number) {
  const agg = deps.sqlite.prepare('SELECT count, sum FROM product_ratings WHERE product_id = ?').get(productId) as
    Cols<typeof productRatings, 'count' | 'sum'> | undefined;
  const items = deps.sqlite
    .prepare(`SELECT ${ENTRY_COLS} ${ENTRY_FROM} WHERE f.product_id = ? ORDER BY f.created_at DESC, f.rowid DESC LIMIT ? OFFSET ?`)
    .all(productId, limit, offset) as EntryRow[] satisfies FeedbackEntry[];
  return { average: agg && agg.count > 0 ? Math.round((agg.sum * 100) / agg.count) / 100 : null, count: agg?.count ?? 0, items };
}

const SORTS = {
  rating_desc: 'r.avg100 IS NULL, r.avg100 DESC, r.count DESC, p.name',
  rating_asc: 'r.avg100 IS NULL, r.avg100 ASC, r.count DESC, p.name',
  count_desc: 'COALESCE(r.count, 0) DESC, r.avg100 DESC, p.name',
  name: 'p.name COLLATE NOCASE, p.id',
} as const;

/** Products with their average rating and count, sortable by rating, paged in SQL. */
export function ratedProducts(
  deps: Pick<Deps, 'sqlite'>,
  input: { q?: string | undefined; sort: keyof typeof SORTS; rated?: boolean | undefined; offset: number; limit: number },
): { items: ProductRating[]; total: number } {
  const where = ['p.archived = 0'];
  const params: Record<string, unknown> = { limit: input.limit, offset: input.offset };
  if (input.rated) where.push('r.count > 0');
  if (input.q?.trim()) {
    params.q = `%${input.q.trim().replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    where.push("(p.name LIKE @q ESCAPE '\\' OR p.alt_name LIKE @q ESCAPE '\\' OR p.sku LIKE @q ESCAPE '\\')");
  }
  const from = `FROM products p ${input.rated ? 'JOIN' : 'LEFT JOIN'} product_ratings r ON r.product_id = p.id WHERE ${where.join(' AND ')}`;
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n ${from}`).get(params) as { n: number }).n;
  const rows = deps.sqlite
    .prepare(
      `SELECT p.id AS productId, p.sku, p.name, p.alt_name AS altName, p.price, r.count, r.sum ${from} ORDER BY ${SORTS[input.sort]} LIMIT @limit OFFSET @offset`,
    )
    .all(params) as (Cols<typeof products, 'sku' | 'name' | 'price'> & {
    productId: ProductCol['id'];
    altName: ProductCol['alt_name'];
    count: SqlRow<typeof productRatings>['count'] | null;
    sum: SqlRow<typeof productRatings>['sum'] | null;
  })[];
  return {
    items: rows.map(({ sum, count, ...r }) => ({
      ...r,
      count: count ?? 0,
      average: count ? Math.round(((sum ?? 0) * 100) / count) / 100 : null,
    })),
    total,
  };
}
