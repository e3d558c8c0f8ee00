import { call } from './call';

/** Buyers' online reviews: the manager's list and the hide action. */
export const reviewsData = {
  list: call('reviews.list'),
  setHidden: call('reviews.setHidden'),
};
