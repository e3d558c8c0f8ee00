import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { Unit } from '../units';

/** A business date, `YYYY-MM-DD` (checked against the calendar in main). */
export const isoDate = z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date like 2026-03-31');
const range = { from: isoDate, to: isoDate };

export interface Kpis {
  /** Sales minus refunds, tax included. */
  revenue: number;
  sales: number;
  orders: number;
  /** Sales per order. */
  avgBasket: number;
  /** Sales without tax, minus cost, minus refunded margin. */
  margin: number;
  /** Margin as a share of sales without tax, basis points. */
  marginBp: number;
  /** Pieces sold, thousandths (weighed items are in `weightGrams`, never here). */
  items: number;
  /** Mass of the weighed items sold, whole grams (lb, 斤… brought to grams, rounded once). */
  weightGrams: number;
  discount: number;
  tax: number;
  refunds: number;
  refundAmount: number;
  /** Refunded amount as a share of sales, basis points. */
  returnsRateBp: number;
}

export interface SummaryResult {
  from: string;
  to: string;
  current: Kpis;
  previous: { from: string; to: string; kpis: Kpis } | null;
}

export interface SeriesPoint {
  start: string;
  end: string;
  revenue: number;
  sales: number;
  orders: number;
  avgBasket: number;
  margin: number;
  refundAmount: number;
}

export interface SeriesResult {
  granularity: 'day' | 'week' | 'month';
  points: SeriesPoint[];
  /** The previous period, bucket by bucket (same count), when asked for. */
  previous: SeriesPoint[] | null;
}

export interface HeatCell {
  /** Monday = 0 … Sunday = 6 (of the business day). */
  weekday: number;
  hour: number;
  orders: number;
  sales: number;
}

export interface ProductPerf {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  price: number;
  /** The product's sale unit: `units` is thousandths of it (pieces, or a weight in lb, 斤…). */
  unit: Unit;
  units: number;
  orders: number;
  sales: number;
  revenue: number;
  margin: number;
  marginBp: number;
  refundAmount: number;
  /** Average rating 1–5 when customer feedback exists, else null. */
  rating: number | null;
}

export interface CategoryPerf {
  categoryId: string | null;
  name: string | null;
  altName: string | null;
  /** Pieces sold, thousandths (weighed items are in `weightGrams`). */
  units: number;
  /** Mass of the weighed items sold, whole grams. */
  weightGrams: number;
  orders: number;
  sales: number;
  revenue: number;
  margin: number;
  refundAmount: number;
}

export interface TenderMix {
  kind: string;
  orders: number;
  amount: number;
  refunds: number;
}

export interface StaffPerf {
  staffId: string;
  name: string;
  orders: number;
  sales: number;
  avgBasket: number;
  refundAmount: number;
}

export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'atRisk', 'hibernating', 'needAttention'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface CustomerInsight {
  customers: number;
  repeatCustomers: number;
  repeatRateBp: number;
  /** Orders with a customer attached, and all orders (lifetime). */
  identifiedOrders: number;
  segments: { segment: RfmSegment; customers: number; sales: number }[];
}

export interface CustomerRow {
  customerId: string;
  name: string | null;
  orders: number;
  sales: number;
  lastAt: number;
  recencyDays: number;
  r: number;
  f: number;
  m: number;
}

export interface Suggestion {
  productId: string;
  sku: string;
  name: string;
  altName: string | null;
  price: number;
  unit: Unit;
  /** Share of all baskets holding both, basis points. */
  supportBp: number;
  /** Share of baskets with the cart item that also hold this one, basis points. */
  confidenceBp: number;
  /** Confidence over the item's own share: above 1 means bought together more than by chance (×100). */
  lift100: number;
  /** The cart item that suggests it. */
  becauseOf: string;
}

export interface BusinessDayInfo {
  timezone: string;
  cutoffHour: number;
  today: string;
}

/** One step of the shop's funnel: how many times it happened, and in how many visits. */
export interface FunnelStep {
  events: number;
  visits: number;
}

/** What buyers did in the store's online shop over a range of the store's calendar days. */
export interface OnlineFunnel {
  from: string;
  to: string;
  /** Visitors counted once a day each. */
  visits: number;
  productViews: FunnelStep;
  carts: FunnelStep;
  checkouts: FunnelStep;
  /** Orders paid. */
  paid: number;
  /** The most searched texts, with how many of those searches found nothing. */
  topSearches: { query: string; searches: number; empty: number }[];
  /** Texts searched that found nothing, most often first. */
  noResults: { query: string; searches: number; lastAt: number }[];
}

/** Sales of one channel: the counter (every till sale, imports included) or the online shop. */
export interface ChannelSales {
  channel: 'counter' | 'online';
  orders: number;
  /** What was sold, tax included, before refunds (as the dashboard's sales). */
  sales: number;
}

export const insightContract = {
  'insight.businessDay': channel<BusinessDayInfo>()({ input: c.empty, role: 'clerk', writes: false }),
  'insight.setBusinessDay': channel<BusinessDayInfo>()({
    input: z.object({ cutoffHour: z.number().int().min(0).max(12) }).strict(),
    role: 'admin',
    writes: true,
  }),
  'insight.summary': channel<SummaryResult>()({
    input: z.object({ ...range, compare: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
  'insight.series': channel<SeriesResult>()({
    input: z.object({ ...range, granularity: z.enum(['day', 'week', 'month']), compare: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: false,
  }),
  'insight.heatmap': channel<HeatCell[]>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  'insight.products': channel<{ items: ProductPerf[]; total: number; ratingAvailable: boolean }>()({
    input: z
      .object({
        ...range,
        sort: z.enum(['units', 'revenue', 'margin', 'price', 'rating']),
        dir: z.enum(['asc', 'desc']),
        offset: z.number().int().min(0).max(10_000_000).optional(),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'insight.categories': channel<CategoryPerf[]>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  'insight.payments': channel<TenderMix[]>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  'insight.staff': channel<StaffPerf[]>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  'insight.customers': channel<CustomerInsight>()({ input: c.empty, role: 'manager', writes: false }),
  'insight.segment': channel<{ items: CustomerRow[]; total: number }>()({
    input: z
      .object({
        segment: z.enum(RFM_SEGMENTS),
        offset: z.number().int().min(0).max(10_000_000).optional(),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  /** The online shop's funnel and searches, asked of the cloud. */
  'insight.online': channel<OnlineFunnel>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  /** Sales at the counter against sales in the online shop. */
  'insight.channels': channel<ChannelSales[]>()({ input: z.object(range).strict(), role: 'manager', writes: false }),
  /** "Frequently bought together" for the open cart (or the given products). */
  'insight.suggestions': channel<Suggestion[]>()({
    input: z.object({ productIds: z.array(c.id).max(100).optional(), limit: z.number().int().min(1).max(20).optional() }).strict(),
    role: 'clerk',
    writes: false,
  }),
};
