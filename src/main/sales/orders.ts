import type { OrderDetail, OrderRow, OrderStatusFilter } from '../../shared/api/orders';
import type { SalesChannel } from '../../shared/api/types';
import { ORDER_NUMBER } from '../../shared/api/orders';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { getOrder } from './checkout';
import { customerSummary } from '../customers/customers';
import { lineStates, orderHead, paymentStates, refundsOf, TO_SHIP_SQL as TO_SHIP, toShipOf } from '../returns/refunds';
import { shipmentsOf } from '../shipping/shipments';
import { receiptClaim } from '../online-orders/refunds';
import type { Cols, SqlRow } from '../db/rows';
import type { customers, feedback, onlineOrders, orders, staff } from '../db/schema';

/** A row of the orders list: the order's own columns, its clerk's and customer's names, and sums. */
type ListRow = Cols<typeof orders, 'id' | 'number' | 'total' | 'currency' | 'fulfilment'> & {
  createdAt: SqlRow<typeof orders>['created_at'];
  staffName: SqlRow<typeof staff>['name'];
  customerName: SqlRow<typeof customers>['name'] | SqlRow<typeof onlineOrders>['contact_name'] | null;
  channel: SalesChannel;
  lineCount: number;
  refunded: number;
};

export interface OrderQuery {
  q?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  customerId?: string | undefined;
  minTotal?: number | undefined;
  maxTotal?: number | undefined;
  product?: string | undefined;
  status?: OrderStatusFilter | undefined;
  channel?: 'all' | SalesChannel | undefined;
  offset: number;
  limit: number;
}

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (m) => '\\' + m)}%`;

/** A sale paid in the online shop (the counter's own sales and imported ones have another source). */
const ONLINE = "COALESCE(o.source, '') = 'online'";

const REFUNDED = '(SELECT COALESCE(SUM(r.total), 0) FROM refunds r WHERE r.order_id = o.id)';

/** Order history: every filter and the paging run in SQL (newest first). */
export function searchOrders(deps: Pick<Deps, 'sqlite'>, q: OrderQuery): { items: OrderRow[]; total: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const text = q.q?.trim();
  if (text) {
    params.q = escapeLike(text);
    params.qExact = text.toUpperCase();
    const digits = text.replace(/\D/g, '');
    params.qDigits = digits.length >= 3 ? `%${digits}%` : null;
    where.push(`(o.number = @qExact OR o.number LIKE @q ESCAPE '\\' OR c.name LIKE @q ESCAPE '\\' OR c.email LIKE @q ESCAPE '\\'
      OR o.id IN (SELECT oo.id FROM online_orders oo WHERE UPPER(oo.shop_number) = @qExact OR oo.contact_name LIKE @q ESCAPE '\\')
      OR (@qDigits IS NOT NULL AND c.phone_digits LIKE @qDigits)
      OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND (l.name LIKE @q ESCAPE '\\' OR l.alt_name LIKE @q ESCAPE '\\' OR l.sku = @qExact)))`);
  }
  if (q.product?.trim()) {
    params.product = escapeLike(q.product.trim());
    params.productExact = q.product.trim();
    where.push(`EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND (l.name LIKE @product ESCAPE '\\' OR l.alt_name LIKE @product ESCAPE '\\'
      OR l.sku = @productExact COLLATE NOCASE OR l.product_id = @productExact OR l.product_id IN (SELECT product_id FROM barcodes WHERE code = @productExact)))`);
  }
  if (q.from !== undefined) {
    params.from = q.from;
    where.push('o.created_at >= @from');
  }
  if (q.to !== undefined) {
    params.to = q.to;
    where.push('o.created_at < @to');
  }
  if (q.customerId) {
    params.customerId = q.customerId;
    where.push('o.customer_id = @customerId');
  }
  if (q.minTotal !== undefined) {
    params.minTotal = q.minTotal;
    where.push('o.total >= @minTotal');
  }
  if (q.maxTotal !== undefined) {
    params.maxTotal = q.maxTotal;
    where.push('o.total <= @maxTotal');
  }
  switch (q.status ?? 'all') {
    case 'refunded':
      where.push(`${REFUNDED} >= o.total AND o.total > 0`);
      break;
    case 'partlyRefunded':
      where.push(`${REFUNDED} > 0 AND ${REFUNDED} < o.total`);
      break;
    case 'toShip':
      where.push(`o.fulfilment = 'ship' AND ${TO_SHIP} > 0`);
      break;
    case 'shipped':
      where.push(`o.fulfilment = 'ship' AND EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status <> 'cancelled')`);
      break;
    default:
      break;
  }
  if (q.channel === 'online') where.push(ONLINE);
  else if (q.channel === 'counter') where.push(`NOT ${ONLINE}`);
  const from = 'FROM orders o JOIN staff st ON st.id = o.staff_id LEFT JOIN customers c ON c.id = o.customer_id';
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n ${from} ${cond}`).get(params) as { n: number }).n;
  const items = deps.sqlite
    .prepare(
      `SELECT o.id, o.number, o.created_at AS createdAt, o.total, o.currency, st.name AS staffName,
              COALESCE(c.name, (SELECT oo.contact_name FROM online_orders oo WHERE oo.id = o.id)) AS customerName, o.fulfilment,
              CASE WHEN ${ONLINE} THEN 'online' ELSE 'counter' END AS channel,
              (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount, ${REFUNDED} AS refunded
       ${from} ${cond} ORDER BY o.created_at DESC, o.rowid DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as ListRow[] satisfies OrderRow[];
  return { items, total };
}

export function lookupOrder(deps: Pick<Deps, 'sqlite'>, number: string): { id: string; number: string } {
  const n = number.trim().toUpperCase();
  const row = deps.sqlite.prepare('SELECT id, number FROM orders WHERE number = ?').get(n) as
    Cols<typeof orders, 'id' | 'number'> | undefined;
  if (!row)
    throw new AppError('NOT_FOUND', ORDER_NUMBER.test(n) ? `No order ${n} on this till` : `Unknown receipt ${n}`, {
      number: n,
      reason: 'orderNumber',
    });
  return row;
}

export function orderDetail(deps: Pick<Deps, 'sqlite' | 'db'>, id: string): OrderDetail {
  const order = getOrder(deps, id);
  const head = orderHead(deps, id);
  const ratings = new Map(
    (
      deps.sqlite.prepare('SELECT order_line_id AS lineId, rating FROM feedback WHERE order_id = ?').all(id) as (Cols<
        typeof feedback,
        'rating'
      > & {
        lineId: SqlRow<typeof feedback>['order_line_id'];
      })[]
    ).map((r) => [r.lineId, r.rating]),
  );
  const altNames = new Map(order.lines.map((l) => [l.id, l.altName]));
  const lines = lineStates(deps, id).map((l) => ({
    orderLineId: l.id,
    productId: l.productId,
    name: l.name,
    altName: altNames.get(l.id) ?? null,
    unit: l.unit,
    qty: l.qty,
    total: l.total,
    refundedQty: l.refundedQty,
    refundedAmount: l.refundedAmount,
    returnableQty: l.qty - l.refundedQty,
    shippedQty: l.shippedQty,
    toShipQty: toShipOf(l, head.fulfilment),
    rating: ratings.get(l.id) ?? null,
  }));
  const payments = paymentStates(deps, id).map((p) => ({
    paymentId: p.id,
    kind: p.kind,
    amount: p.amount,
    refunded: p.refunded,
    brand: p.brand,
    last4: p.last4,
  }));
  const refunds = refundsOf(deps, id);
  return {
    order,
    fulfilment: head.fulfilment,
    customer: head.customerId ? customerSummary(deps, head.customerId) : null,
    lines,
    payments,
    refunds,
    shipments: shipmentsOf(deps, id),
    refundable: order.total - refunds.reduce((s, r) => s + r.total, 0),
    channel: deps.sqlite.prepare(`SELECT 1 FROM orders o WHERE o.id = ? AND ${ONLINE}`).get(id) ? 'online' : 'counter',
    claim: receiptClaim(deps, id),
  };
}
