/**
 * The buyer's review pages: /reviews/new?order=…&line=… and /reviews/:id/edit (signed-in buyers,
 * their own lines and reviews only; anyone else's is a 404 that does not say whose).
 */
import type { Hono } from 'hono';
import { isSafeText } from '../../../shared/text';
import { idShape } from '../../../shared/sync/shapes';
import type { CloudDeps } from '../../deps';
import { claimedSale } from '../receipts/receipts';
import { requireBuyer } from '../buyers/session';
import type { ShopContext, ShopEnv } from '../web/env';
import { errorPage, page } from '../web/page';
import { buyersLine, buyersReview, createReview, editReview, EDIT_MS, inHand, MAX_COMMENT, reviewOfLine, type Review } from './reviews';
import { reviewForm } from './views';
import { reviewWords, type ReviewWord } from './words';

interface Input {
  rating: number | null;
  comment: string;
  error: ReviewWord | null;
  saved?: boolean;
}

/** The form as sent: a rating 1–5 and a comment of at most 2,000 safe characters. */
export function readReviewForm(f: Record<string, unknown>): Input {
  const raw = typeof f.rating === 'string' ? f.rating : '';
  const rating = /^[1-5]$/.test(raw) ? Number(raw) : null;
  const comment = (typeof f.comment === 'string' ? f.comment : '').replace(/\r\n/g, '\n').trim();
  if (rating === null) return { rating, comment: comment.slice(0, MAX_COMMENT), error: 'badRating' };
  if ([...comment].length > MAX_COMMENT || comment.length > MAX_COMMENT || !isSafeText(comment))
    return { rating, comment: comment.slice(0, MAX_COMMENT), error: 'badComment' };
  return { rating, comment, error: null };
}

const w = (c: ShopContext, k: ReviewWord) => reviewWords(c.get('lang'), k);

export function registerReviewRoutes(shop: Hono<ShopEnv>, deps: CloudDeps): void {
  // A sale claimed from its receipt has its page under the account; a web order has its own.
  const orderHref = async (c: ShopContext, orderId: string) => {
    const store = c.get('store');
    return (await claimedSale(deps.db, store.orgId, store.storeId, orderId))
      ? `${store.base}/account/purchases/${orderId}`
      : `${store.base}/orders/${orderId}`;
  };

  async function lineOf(c: ShopContext, orderId: unknown, lineId: unknown) {
    const buyer = c.get('buyer')!;
    const o = idShape.safeParse(orderId);
    const l = idShape.safeParse(lineId);
    if (!o.success || !l.success) return null;
    return buyersLine(deps.db, c.get('store'), buyer, o.data, l.data);
  }

  async function formPage(
    c: ShopContext,
    status: number,
    name: string,
    orderId: string,
    action: string,
    input: Input,
    review: Review | null,
  ) {
    return page(c, name, reviewForm(c, { action, name, orderHref: await orderHref(c, orderId), ...input, review }), { status });
  }

  shop.get('/reviews/new', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const line = await lineOf(c, c.req.query('order'), c.req.query('line'));
    if (!line) return errorPage(c, 404, w(c, 'noSuchLine'));
    const done = await reviewOfLine(deps.db, line.orgId, line.lineId);
    if (done) return c.redirect(`${c.get('store').base}/reviews/${done.id}/edit`, 303);
    if (!(await inHand(deps.db, line.orgId, line.storeId, line.orderId))) return errorPage(c, 409, w(c, 'notYet'));
    const action = `${c.get('store').base}/reviews/new?${new URLSearchParams({ order: line.orderId, line: line.lineId }).toString()}`;
    return formPage(c, 200, line.name, line.orderId, action, { rating: null, comment: '', error: null }, null);
  });

  shop.post('/reviews/new', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const line = await lineOf(c, c.req.query('order'), c.req.query('line'));
    if (!line) return errorPage(c, 404, w(c, 'noSuchLine'));
    const input = readReviewForm((await c.req.parseBody()) as Record<string, unknown>);
    const action = `${c.get('store').base}/reviews/new?${new URLSearchParams({ order: line.orderId, line: line.lineId }).toString()}`;
    if (input.error || input.rating === null) return formPage(c, 400, line.name, line.orderId, action, input, null);
    const saved = await createReview(deps, line, buyer, { rating: input.rating, comment: input.comment });
    if (!saved.ok) return errorPage(c, 409, w(c, saved.reason === 'notYet' ? 'notYet' : 'already'));
    return c.redirect(`${c.get('store').base}/reviews/${saved.review.id}/edit?saved=1`, 303);
  });

  async function ownReview(c: ShopContext) {
    const id = idShape.safeParse(c.req.param('id'));
    if (!id.success) return null;
    const review = await buyersReview(deps.db, c.get('store').orgId, c.get('buyer')!, id.data);
    // A review belongs to the store its line was bought in.
    return review && review.storeId === c.get('store').storeId ? review : null;
  }

  const nameOf = async (review: Review, c: ShopContext) =>
    (await buyersLine(deps.db, c.get('store'), c.get('buyer')!, review.orderId, review.orderLineId))?.name ?? '';

  shop.get('/reviews/:id/edit', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const review = await ownReview(c);
    if (!review) return errorPage(c, 404, w(c, 'noSuchReview'));
    if (deps.clock() - review.createdAt > EDIT_MS) return errorPage(c, 409, w(c, 'tooLate'));
    const action = `${c.get('store').base}/reviews/${review.id}/edit`;
    const saved = c.req.query('saved') === '1';
    return formPage(
      c,
      200,
      await nameOf(review, c),
      review.orderId,
      action,
      { rating: review.rating, comment: review.comment, error: null, saved },
      review,
    );
  });

  shop.post('/reviews/:id/edit', async (c) => {
    const buyer = requireBuyer(c);
    if (buyer instanceof Response) return buyer;
    const review = await ownReview(c);
    if (!review) return errorPage(c, 404, w(c, 'noSuchReview'));
    const input = readReviewForm((await c.req.parseBody()) as Record<string, unknown>);
    const action = `${c.get('store').base}/reviews/${review.id}/edit`;
    if (input.error || input.rating === null) return formPage(c, 400, await nameOf(review, c), review.orderId, action, input, review);
    const saved = await editReview(deps, c.get('store').orgId, buyer, review.id, { rating: input.rating, comment: input.comment });
    if (!saved.ok)
      return errorPage(c, saved.reason === 'tooLate' ? 409 : 404, w(c, saved.reason === 'tooLate' ? 'tooLate' : 'noSuchReview'));
    return c.redirect(`${c.get('store').base}/reviews/${review.id}/edit?saved=1`, 303);
  });
}
