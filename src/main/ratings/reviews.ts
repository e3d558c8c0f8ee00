/**
 * Buyers' online reviews at the till: a manager lists the recent ones and hides one with a reason
 * (or shows it again). Hiding writes only the review's hiding fields (the cloud refuses any other
 * field from a till) and moves the product's rating through its one keeper.
 */
import type { OnlineReview } from '../../shared/api/ratings';
import type { Deps } from '../deps';
import { recordAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { countReviews } from './product-ratings';
import type { Cols, SqlRow } from '../db/rows';
import type { productReviews, products } from '../db/schema';

type ReviewCol = SqlRow<typeof productReviews>;

const COLS = `r.id, r.product_id AS productId, COALESCE(p.name, '') AS productName, r.author, r.rating, r.comment,
  r.created_at AS createdAt, r.hidden, r.hidden_reason AS hiddenReason, r.hidden_at AS hiddenAt`;

/** COLS */
type Row = Cols<typeof productReviews, 'id' | 'author' | 'rating' | 'comment' | 'hidden'> & {
  productId: ReviewCol['product_id'];
  productName: SqlRow<typeof products>['name'];
  createdAt: ReviewCol['created_at'];
  hiddenReason: ReviewCol['hidden_reason'];
  hiddenAt: ReviewCol['hidden_at'];
};
const toReview = (r: Row): OnlineReview => ({ ...r, hidden: r.hidden === 1 });

export function listReviews(
  deps: Pick<Deps, 'sqlite'>,
  input: { hidden?: boolean | undefined; offset: number; limit: number },
): { items: OnlineReview[]; total: number } {
  const where = input.hidden === undefined ? '' : `WHERE r.hidden = ${input.hidden ? 1 : 0}`;
  const items = deps.sqlite
    .prepare(
      `SELECT ${COLS} FROM product_reviews r LEFT JOIN products p ON p.id = r.product_id ${where}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`,
    )
    .all(input.limit, input.offset) as Row[];
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM product_reviews r ${where}`).get() as { n: number }).n;
  return { items: items.map(toReview), total };
}

export function setReviewHidden(
  deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'terminalCode'>,
  input: { id: string; hidden: boolean; reason: string },
  staffId: string,
): OnlineReview {
  const had = deps.sqlite.prepare('SELECT hidden FROM product_reviews WHERE id = ?').get(input.id) as
    Cols<typeof productReviews, 'hidden'> | undefined;
  if (!had) throw notFound('Review');
  if (input.hidden && input.reason.trim() === '')
    throw new AppError('VALIDATION', 'Say why the review is hidden', { messageKey: 'reviews.reasonRequired' });
  deps.sqlite
    // The write path stamps the row (hidden_at moves on every change, so the update always travels).
    .prepare('UPDATE product_reviews SET hidden = ?, hidden_reason = ?, hidden_by = ?, hidden_at = ? WHERE id = ?')
    .run(
      input.hidden ? 1 : 0,
      input.hidden ? input.reason.trim() : '',
      input.hidden ? staffId : null,
      input.hidden ? deps.clock() : null,
      input.id,
    );
  countReviews(deps, [input.id]);
  recordAudit(deps, {
    staffId,
    action: input.hidden ? 'reviews.hide' : 'reviews.show',
    target: input.id,
    details: input.hidden ? { reason: input.reason.trim() } : {},
    success: true,
  });
  return toReview(
    deps.sqlite
      .prepare(`SELECT ${COLS} FROM product_reviews r LEFT JOIN products p ON p.id = r.product_id WHERE r.id = ?`)
      .get(input.id) as Row,
  );
}
