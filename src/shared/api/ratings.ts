import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';

export interface FeedbackEntry {
  id: string;
  orderId: string;
  orderNumber: string;
  orderLineId: string;
  productId: string;
  productName: string;
  customerName: string | null;
  rating: number;
  comment: string;
  createdAt: number;
}

export interface ProductRating {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  price: number;
  average: number | null;
  count: number;
}

/** A buyer's review from the online shop, as a manager sees it at the till. */
export interface OnlineReview {
  id: string;
  productId: string;
  productName: string;
  author: string;
  rating: number;
  comment: string;
  createdAt: number;
  hidden: boolean;
  hiddenReason: string;
  hiddenAt: number | null;
}

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };
const text = (max: number) => safeLine(max);

/** Customers' ratings of the items they bought, and the products' averages. */
export const ratingsContract = {
  'feedback.add': channel<FeedbackEntry>()({
    input: z.object({ orderLineId: c.id, rating: z.number().int().min(1).max(5), comment: safeText(1000) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'feedback.forProduct': channel<{ average: number | null; count: number; items: FeedbackEntry[] }>()({
    input: z.object({ productId: c.id, ...paging }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'feedback.products': channel<{ items: ProductRating[]; total: number }>()({
    input: z
      .object({
        q: text(100).optional(),
        sort: z.enum(['rating_desc', 'rating_asc', 'count_desc', 'name']),
        rated: z.boolean().optional(),
        ...paging,
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  /** Buyers' online reviews, newest first (hidden ones too, marked). */
  'reviews.list': channel<{ items: OnlineReview[]; total: number }>()({
    input: z.object({ hidden: z.boolean().optional(), ...paging }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** Hides a review from the shop and the ratings, with the reason (or shows it again). */
  'reviews.setHidden': channel<OnlineReview>()({
    input: z.object({ id: c.id, hidden: z.boolean(), reason: safeLine(200) }).strict(),
    role: 'manager',
    writes: true,
  }),
};
