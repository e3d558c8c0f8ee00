import type { ratingsContract } from '../../shared/api/ratings';
import { staffOf, type HandlersFor } from '../router';
import { addFeedback, productFeedback, ratedProducts } from './feedback';
import { listReviews, setReviewHidden } from './reviews';

/** Customers' ratings of what they bought, and the products' averages. */
export const ratingsHandlers: HandlersFor<typeof ratingsContract> = {
  'feedback.add': (input, ctx) => addFeedback(ctx.deps, input, staffOf(ctx).id),
  'feedback.forProduct': (input, { deps }) => productFeedback(deps, input.productId, input.offset, input.limit),
  'feedback.products': (input, { deps }) => ratedProducts(deps, input),
  'reviews.list': (input, { deps }) => listReviews(deps, input),
  'reviews.setHidden': (input, ctx) => setReviewHidden(ctx.deps, input, staffOf(ctx).id),
};
