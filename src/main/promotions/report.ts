/**
 * What each promotion gave over a period, from what the sales recorded at the time: each sold
 * line's share per promotion (order_line_promotions, written by checkout with the order) and the
 * orders they belong to. Business days are read on the store's clock with its cutoff, as the
 * dashboard reads them. Refunds later do not change what a promotion gave at the sale.
 */
import type { PromotionReport, PromotionReportRow } from '../../shared/api/promotions';
import { dayToIso, zonedMidnight } from '../../shared/business-day';
import type { Deps } from '../deps';
import { parseRange } from '../insight/queries';
import { businessDaySettings } from '../insight/settings';
import { readSettings } from '../settings/settings';
import type { SqlRow } from '../db/rows';
import type { orderLinePromotions, promotions } from '../db/schema';

type ShareCol = SqlRow<typeof orderLinePromotions>;

const HOUR_MS = 3_600_000;

// One row per promotion; the revenue is summed over its distinct orders (an order counts once
// however many of its lines the promotion touched).
const REPORT_SQL = `
  WITH shares AS (
    SELECT s.promotion_id, s.order_id, s.amount, s.name, s.name_zh, l.qty, o.customer_id, o.total
    FROM order_line_promotions s
    JOIN orders o ON o.id = s.order_id
    JOIN order_lines l ON l.id = s.order_line_id
    WHERE o.created_at >= ? AND o.created_at < ?
  ),
  per_order AS (SELECT DISTINCT promotion_id, order_id, total FROM shares)
  SELECT sh.promotion_id AS promotionId,
         MAX(sh.name) AS soldName, MAX(sh.name_zh) AS soldNameZh,
         COUNT(DISTINCT sh.order_id) AS sales,
         SUM(sh.qty) AS units,
         SUM(sh.amount) AS discount,
         COUNT(DISTINCT sh.customer_id) AS customers,
         (SELECT SUM(total) FROM per_order po WHERE po.promotion_id = sh.promotion_id) AS revenue,
         p.definition AS definition
  FROM shares sh LEFT JOIN promotions p ON p.id = sh.promotion_id
  GROUP BY sh.promotion_id
  ORDER BY discount DESC, promotionId`;

/** REPORT_SQL: the sums are counted in SQL; the names are the sold lines' (MAX of one name). */
interface Row {
  promotionId: ShareCol['promotion_id'];
  soldName: ShareCol['name'];
  soldNameZh: ShareCol['name_zh'];
  sales: number;
  units: number;
  discount: number;
  customers: number;
  revenue: number;
  definition: SqlRow<typeof promotions>['definition'] | null;
}

export function promotionReport(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, input: { from: string; to: string }): PromotionReport {
  const range = parseRange(input);
  const { timezone, cutoffHour } = businessDaySettings(deps);
  const start = zonedMidnight(dayToIso(range.from), timezone) + cutoffHour * HOUR_MS;
  const end = zonedMidnight(dayToIso(range.to + 1), timezone) + cutoffHour * HOUR_MS;
  const rows = deps.sqlite.prepare(REPORT_SQL).all(start, end) as Row[];
  return {
    from: input.from,
    to: input.to,
    currency: readSettings(deps).currency,
    rows: rows.map((r): PromotionReportRow => {
      const now = r.definition ? (JSON.parse(r.definition) as { name: string; nameZh?: string }) : null;
      return {
        promotionId: r.promotionId,
        name: now?.name ?? r.soldName,
        nameZh: now ? (now.nameZh ?? null) : r.soldNameZh,
        sales: r.sales,
        units: r.units,
        discount: r.discount,
        customers: r.customers,
        revenue: r.revenue,
      };
    }),
  };
}
