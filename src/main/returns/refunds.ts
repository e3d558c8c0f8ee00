/**
 * Returns, refunds, voids of completed sales and exchanges. A refund is a new document (refunds +
 * refund_lines + refund_tenders), chained in the journal and recorded in audit; the sale it
 * refers to is never changed.
 *
 * Limits, enforced here for every path (return, void, exchange):
 * - per line: quantity returned ≤ quantity sold, amount refunded ≤ what the line cost (the last
 *   return of a line gets exactly what is left, so rounding never adds a cent);
 * - per tender: each payment of the sale gives back at most what it paid; the refund's tenders are
 *   attributed to those payments, whatever the money goes back as (original tender, cash, store
 *   credit, or credit toward an exchange).
 */
import { refundToCards } from '../stored-value/operations';
import type { Disposition, RefundDoc, RefundMethod } from '../../shared/api/returns';
import { recordRefundInsight } from '../insight/refund-source';
import type { Order } from '../../shared/api/types';
import type { TenderRequest } from '../../shared/api/sales';
import { divRound } from '../../shared/pricing';
import { roleRank } from '../../shared/api/define';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { appendJournal } from '../journal/journal';
import { releaseCouponsOnReturn } from '../coupons/redeem';
import { recordAudit } from '../audit/audit';
import { defaultLocationId, recordMovement } from '../inventory/ledger';
import { readSettings } from '../settings/settings';
import type { SessionStaff } from '../sessions';
import type { VerifiedApproval } from '../staff/staff';
import { completeSale } from '../sales/checkout';
import { loadCart } from '../sales/cart';
import { addCredit, addPoints, pointsBalance } from '../customers/customers';
import { openShiftOf } from '../shifts/shifts';
import { requestDocumentRefunds } from '../payments/refunds';
import type { Cols, SqlRow } from '../db/rows';
import type {
  counters,
  orderLines,
  orders,
  payments,
  products,
  refundLines,
  refunds,
  refundTenders,
  staff as staffTable,
} from '../db/schema';

type RefundCol = SqlRow<typeof refunds>;

/** Checked before the transaction opens (staff.ts verifyApproval): the PIN hash must not hold it. */
type Approval = VerifiedApproval | undefined;

/** A clerk needs a manager's PIN on the spot; a manager or admin approves their own. */
export function approve(staff: SessionStaff, approval: Approval, action: string): string {
  if (roleRank(staff.role) >= roleRank('manager')) return staff.id;
  if (!approval) throw new AppError('APPROVAL_REQUIRED', 'A manager must approve this', { action });
  return approval.approverId;
}

function nextNumber(deps: Deps, key: string, prefix: string): string {
  deps.sqlite.prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1').run(key);
  const { value } = deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').get(key) as Cols<typeof counters, 'value'>;
  return `${prefix}${String(value).padStart(6, '0')}`;
}

type OrderHead = Cols<typeof orders, 'id' | 'number' | 'fulfilment' | 'total' | 'currency'> & {
  customerId: SqlRow<typeof orders>['customer_id'];
};

export function orderHead(deps: Pick<Deps, 'sqlite'>, orderId: string): OrderHead {
  const o = deps.sqlite
    .prepare('SELECT id, number, customer_id AS customerId, fulfilment, total, currency FROM orders WHERE id = ?')
    .get(orderId) as OrderHead | undefined;
  if (!o) throw notFound('Order', { orderId });
  return o;
}

export type LineState = Cols<typeof orderLines, 'id' | 'name' | 'unit' | 'qty' | 'total' | 'tax'> & {
  productId: SqlRow<typeof orderLines>['product_id'];
  refundedQty: number;
  refundedAmount: number;
  refundedTax: number;
  shippedQty: number;
};

/**
 * Every line of an order with what was already refunded and shipped. Cancelled shipments and parcels
 * returned to the sender do not count: their goods are back in stock and can ship again (or be refunded
 * without a second restock).
 */
export function lineStates(deps: Pick<Deps, 'sqlite'>, orderId: string): LineState[] {
  return deps.sqlite
    .prepare(
      `SELECT l.id, l.product_id AS productId, l.name, l.unit, l.qty, l.total, l.tax,
              COALESCE((SELECT SUM(rl.qty) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0) AS refundedQty,
              COALESCE((SELECT SUM(rl.amount) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0) AS refundedAmount,
              COALESCE((SELECT SUM(rl.tax) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0) AS refundedTax,
              COALESCE((SELECT SUM(sl.qty) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
                        WHERE sl.order_line_id = l.id AND s.status NOT IN ('cancelled', 'returned')), 0)
              + CASE WHEN EXISTS (SELECT 1 FROM online_order_events e WHERE e.order_id = l.order_id AND e.kind = 'picked_up') THEN l.qty ELSE 0 END
                AS shippedQty
       FROM order_lines l WHERE l.order_id = ? ORDER BY l.position`,
    )
    .all(orderId) as LineState[];
}

/**
 * Still to ship on a ship order (or to hand over, on a pick-up order: handed over counts as shipped):
 * a return takes the unshipped quantity first, so goods that never left are not restocked.
 */
export const toShipOf = (l: LineState, fulfilment: 'now' | 'ship' | 'pickup') =>
  fulfilment === 'now' ? 0 : Math.max(0, l.qty - l.shippedQty - l.refundedQty);

/** SQL for the quantity still to ship on order `o` (the same rule as toShipOf), for filters in SQL. */
export const TO_SHIP_SQL = `(SELECT COALESCE(SUM(MAX(0, l.qty
    - COALESCE((SELECT SUM(sl.qty) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id WHERE sl.order_line_id = l.id AND s.status NOT IN ('cancelled', 'returned')), 0)
    - COALESCE((SELECT SUM(rl.qty) FROM refund_lines rl WHERE rl.order_line_id = l.id), 0))), 0)
  FROM order_lines l WHERE l.order_id = o.id)`;

export type PaymentLeft = Cols<typeof payments, 'id' | 'kind' | 'amount' | 'brand' | 'last4'> & { refunded: number };

export function paymentStates(deps: Pick<Deps, 'sqlite'>, orderId: string): PaymentLeft[] {
  return deps.sqlite
    .prepare(
      `SELECT p.id, p.kind, p.amount, p.brand, p.last4,
              COALESCE((SELECT SUM(t.amount) FROM refund_tenders t WHERE t.payment_id = p.id), 0) AS refunded
       FROM payments p WHERE p.order_id = ? ORDER BY p.rowid`,
    )
    .all(orderId) as PaymentLeft[];
}

interface PlannedLine {
  orderLineId: string | null;
  productId: string;
  name: string;
  qty: number;
  amount: number;
  tax: number;
  disposition: Disposition;
  /** Units that physically come back (a ship order's unshipped units never left). */
  backToStock: number;
}

/** Checks and prices the returned lines; nothing is written. */
export function planReturn(
  deps: Pick<Deps, 'sqlite'>,
  order: OrderHead,
  lines: { orderLineId: string; qty: number; disposition: Disposition }[],
): PlannedLine[] {
  const states = new Map(lineStates(deps, order.id).map((l) => [l.id, l]));
  const seen = new Set<string>();
  return lines.map((req, i) => {
    const l = states.get(req.orderLineId);
    if (!l)
      throw new AppError('VALIDATION', `That item was not on order ${order.number}`, {
        reason: 'notOnOrder',
        orderLineId: req.orderLineId,
        path: ['lines', i, 'orderLineId'],
      });
    if (seen.has(l.id)) throw new AppError('VALIDATION', `${l.name} is listed twice`, { reason: 'duplicateLine', orderLineId: l.id });
    seen.add(l.id);
    if (l.unit === 'each' && req.qty % 1000 !== 0)
      throw new AppError('VALIDATION', `${l.name} is sold in whole units`, { reason: 'wholeUnits', orderLineId: l.id });
    const remainingQty = l.qty - l.refundedQty;
    if (remainingQty <= 0)
      throw new AppError('CONFLICT', `${l.name} was already returned`, { reason: 'alreadyReturned', orderLineId: l.id, returnable: 0 });
    if (req.qty > remainingQty)
      throw new AppError('CONFLICT', `Only ${remainingQty / 1000} of ${l.name} can still be returned`, {
        reason: 'tooMany',
        orderLineId: l.id,
        returnable: remainingQty,
      });
    const leftAmount = l.total - l.refundedAmount;
    const leftTax = l.tax - l.refundedTax;
    const last = req.qty === remainingQty;
    const amount = last ? leftAmount : Math.min(leftAmount, divRound(l.total * req.qty, l.qty));
    const tax = last ? leftTax : Math.min(leftTax, divRound(l.tax * req.qty, l.qty));
    const fromUnshipped = Math.min(req.qty, toShipOf(l, order.fulfilment));
    return {
      orderLineId: l.id,
      productId: l.productId,
      name: l.name,
      qty: req.qty,
      amount,
      tax,
      disposition: req.disposition,
      backToStock: req.qty - fromUnshipped,
    };
  });
}

const KIND_ORDER = ['card_integrated', 'alipay', 'wechat_pay', 'card_external', 'store_credit', 'exchange', 'cash'];

interface PlannedTender {
  paymentId: string | null;
  method: string;
  amount: number;
  brand: string | null;
  last4: string | null;
}

/** Attributes `amount` to the sale's payments, none beyond what it paid less what it already gave back. */
function takeFromPayments(payments: PaymentLeft[], amount: number, methodOf: (p: PaymentLeft) => string): PlannedTender[] {
  const out: PlannedTender[] = [];
  let left = amount;
  const ordered = [...payments].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  for (const p of ordered) {
    if (left <= 0) break;
    const room = p.amount - p.refunded;
    if (room <= 0) continue;
    const take = Math.min(room, left);
    const method = methodOf(p);
    const card = method === 'card_external' || method === 'card_integrated';
    out.push({ paymentId: p.id, method, amount: take, brand: card ? p.brand : null, last4: card ? p.last4 : null });
    p.refunded += take;
    left -= take;
  }
  if (left > 0) throw new AppError('VALIDATION', 'That is more than was paid for this sale', { reason: 'moreThanPaid', over: left });
  return out;
}

function methodFor(method: RefundMethod, customerId: string | null): (p: PaymentLeft) => string {
  return (p) => {
    if (method === 'cash') return 'cash';
    if (method === 'store_credit') return 'store_credit';
    if (p.kind === 'exchange') return customerId ? 'store_credit' : 'cash';
    return p.kind;
  };
}

interface WriteRefund {
  kind: RefundDoc['kind'];
  refundId: string;
  order: OrderHead | null;
  customerId: string | null;
  reason: string | null;
  approvedBy: string | null;
  lines: PlannedLine[];
  tenders: PlannedTender[];
  exchangeOrderId?: string | null;
  /** The provider's refund is the cloud's (an online order's payment): no trade refund is sent from this till. */
  refundedByCloud?: boolean;
  /** Ids derived from the document's parts (`line:…`, `return:…`, `tender:…`) instead of drawn: see ReturnInput. */
  idOf?: ((part: string) => string) | undefined;
}

function writeRefund(deps: Deps, staff: SessionStaff, r: WriteRefund): RefundDoc {
  const total = r.lines.reduce((s, l) => s + l.amount, 0);
  const tenderSum = r.tenders.reduce((s, t) => s + t.amount, 0);
  if (tenderSum !== total) throw new Error(`refund tenders ${tenderSum} do not match lines ${total}`);
  if (r.tenders.some((t) => t.method === 'store_credit') && !r.customerId)
    throw new AppError('VALIDATION', 'Store credit needs a customer', { reason: 'creditNeedsCustomer' });
  // Cash handed back leaves the drawer: without an open shift no Z report would ever account for it.
  if (r.tenders.some((t) => t.method === 'cash' && t.amount > 0) && !openShiftOf(deps))
    throw new AppError('SHIFT_REQUIRED', 'A cash refund needs an open shift on this terminal', { reason: 'shiftForCash' });
  const settings = readSettings(deps);
  const now = deps.clock();
  const number = nextNumber(deps, `refund:${deps.terminalCode}`, `${deps.terminalCode}-R`);
  deps.sqlite
    .prepare(
      `INSERT INTO refunds (id, number, order_id, customer_id, kind, reason, terminal_code, staff_id, approved_by, currency, total, tax_total,
         exchange_order_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      r.refundId,
      number,
      r.order?.id ?? null,
      r.customerId,
      r.kind,
      r.reason,
      deps.terminalCode,
      staff.id,
      r.approvedBy,
      r.order?.currency ?? settings.currency,
      total,
      r.lines.reduce((s, l) => s + l.tax, 0),
      r.exchangeOrderId ?? null,
      now,
    );
  const insLine = deps.sqlite.prepare(
    `INSERT INTO refund_lines (id, refund_id, order_line_id, product_id, name, qty, amount, tax, disposition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const location = defaultLocationId(deps);
  const idOf = (part: string) => (r.idOf ? r.idOf(part) : deps.ids());
  for (const l of r.lines) {
    insLine.run(idOf(`line:${l.orderLineId}`), r.refundId, l.orderLineId, l.productId, l.name, l.qty, l.amount, l.tax, l.disposition);
    if (l.backToStock > 0) {
      recordMovement(deps, {
        id: idOf(`return:${l.orderLineId}`),
        productId: l.productId,
        locationId: location,
        qtyDelta: l.backToStock,
        kind: 'return',
        refId: r.refundId,
        staffId: staff.id,
      });
      // Damaged goods come back and go straight out again, so the ledger shows both.
      if (l.disposition === 'writeoff')
        recordMovement(deps, {
          id: idOf(`writeoff:${l.orderLineId}`),
          productId: l.productId,
          locationId: location,
          qtyDelta: -l.backToStock,
          kind: 'writeoff',
          refId: r.refundId,
          staffId: staff.id,
        });
    }
  }
  const insTender = deps.sqlite.prepare(
    'INSERT INTO refund_tenders (id, refund_id, payment_id, method, amount, brand, last4) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  r.tenders.forEach((t, i) =>
    insTender.run(idOf(`tender:${t.paymentId ?? i}`), r.refundId, t.paymentId, t.method, t.amount, t.brand, t.last4),
  );
  refundToCards(deps, staff.id, r.refundId, r.tenders);
  // Money that came in through a provider goes back through it: recorded here with a fixed refund
  // number, sent once this document has committed (and again with the same number until answered).
  if (!r.refundedByCloud) requestDocumentRefunds(deps, r.refundId, r.tenders);
  const credit = r.tenders.filter((t) => t.method === 'store_credit').reduce((s, t) => s + t.amount, 0);
  if (credit > 0 && r.customerId)
    addCredit(deps, { customerId: r.customerId, delta: credit, kind: 'refund', refId: r.refundId, staffId: staff.id });

  // Loyalty points earned on the sale go back in proportion to what is refunded.
  if (r.order?.customerId && r.order.total > 0) {
    const cid = r.order.customerId;
    const earned = (
      deps.sqlite.prepare("SELECT COALESCE(SUM(delta), 0) AS n FROM loyalty_points WHERE ref_id = ? AND kind = 'earn'").get(r.order.id) as {
        n: number;
      }
    ).n;
    if (earned > 0) {
      const refundedSoFar = (
        deps.sqlite.prepare('SELECT COALESCE(SUM(total), 0) AS n FROM refunds WHERE order_id = ?').get(r.order.id) as { n: number }
      ).n;
      const takenSoFar = -(
        deps.sqlite
          .prepare(
            "SELECT COALESCE(SUM(p.delta), 0) AS n FROM loyalty_points p JOIN refunds x ON x.id = p.ref_id WHERE x.order_id = ? AND p.kind = 'refund'",
          )
          .get(r.order.id) as { n: number }
      ).n;
      const target = Math.floor((earned * Math.min(refundedSoFar, r.order.total)) / r.order.total);
      const take = Math.min(Math.max(0, target - takenSoFar), pointsBalance(deps, cid));
      if (take > 0)
        addPoints(deps, { id: idOf('points'), customerId: cid, delta: -take, kind: 'refund', refId: r.refundId, staffId: staff.id });
    }
  }

  // A return of the whole sale gives its coupon's use back (the rule is in coupons/redeem.ts).
  releaseCouponsOnReturn(deps, staff, r.order?.id ?? null);
  const doc = getRefund(deps, r.refundId);
  appendJournal(deps, 'refund', r.refundId, doc);
  // The dashboard's rollups and the shift's cash refunds learn the refund.
  recordRefundInsight(deps, r.refundId);
  recordAudit(deps, {
    staffId: staff.id,
    action: r.kind === 'void' ? 'sale.undo' : 'refund',
    target: r.refundId,
    details: { kind: r.kind, orderId: r.order?.id ?? null, total, methods: [...new Set(r.tenders.map((t) => t.method))] },
    approvedBy: r.approvedBy,
    success: true,
  });
  return doc;
}

function existing(deps: Deps, refundId: string, orderId: string | null): RefundDoc | null {
  const row = deps.sqlite.prepare('SELECT order_id AS orderId FROM refunds WHERE id = ?').get(refundId) as
    { orderId: RefundCol['order_id'] } | undefined;
  if (!row) return null;
  if (row.orderId !== orderId) throw new AppError('CONFLICT', 'That refund id belongs to another return', { refundId });
  return getRefund(deps, refundId);
}

export interface ReturnInput {
  orderId: string;
  refundId: string;
  lines: { orderLineId: string; qty: number; disposition: Disposition }[];
  method: RefundMethod;
  reason?: string | null | undefined;
  approval?: { staffId: string; pin: string };
  /** An online order's return: the cloud refunds its payment through the provider. */
  refundedByCloud?: boolean;
  /**
   * Ids for the document's lines, tenders and movements derived from what they are, not drawn: two
   * tills that write the same return apart (the same online request approved on both while
   * offline) then write the same facts, which sync once, so the goods come back once.
   */
  idOf?: (part: string) => string;
}

/** A return with the receipt: some or all lines of one sale. Idempotent by refund id. */
export function createRefund(deps: Deps, staff: SessionStaff, input: ReturnInput): RefundDoc {
  const done = existing(deps, input.refundId, input.orderId);
  if (done) return done;
  const order = orderHead(deps, input.orderId);
  const lines = planReturn(deps, order, input.lines);
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const tenders = takeFromPayments(paymentStates(deps, order.id), total, methodFor(input.method, order.customerId));
  return writeRefund(deps, staff, {
    kind: 'return',
    refundId: input.refundId,
    order,
    customerId: order.customerId,
    reason: input.reason ?? null,
    approvedBy: null,
    lines,
    tenders,
    refundedByCloud: input.refundedByCloud === true,
    idOf: input.idOf,
  });
}

/** Undo a completed sale: everything not yet refunded comes back; a manager approves. */
export function voidSale(
  deps: Deps,
  staff: SessionStaff,
  input: { orderId: string; refundId: string; method: RefundMethod; reason?: string | null | undefined; approval?: Approval },
): RefundDoc {
  const done = existing(deps, input.refundId, input.orderId);
  if (done) return done;
  const order = orderHead(deps, input.orderId);
  const open = lineStates(deps, order.id).filter((l) => l.qty > l.refundedQty);
  if (open.length === 0)
    throw new AppError('CONFLICT', `Order ${order.number} was already refunded in full`, { reason: 'alreadyReturned' });
  const approvedBy = approve(staff, input.approval, 'sale.undo');
  const lines = planReturn(
    deps,
    order,
    open.map((l) => ({ orderLineId: l.id, qty: l.qty - l.refundedQty, disposition: 'restock' as const })),
  );
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const tenders = takeFromPayments(paymentStates(deps, order.id), total, methodFor(input.method, order.customerId));
  return writeRefund(deps, staff, {
    kind: 'void',
    refundId: input.refundId,
    order,
    customerId: order.customerId,
    reason: input.reason ?? null,
    approvedBy,
    lines,
    tenders,
  });
}

/** Without a receipt: the clerk names the products and the amounts; a manager approves. */
export function receiptlessRefund(
  deps: Deps,
  staff: SessionStaff,
  input: {
    refundId: string;
    lines: { productId: string; qty: number; amount: number; disposition: Disposition }[];
    method: 'cash' | 'store_credit';
    customerId?: string | null | undefined;
    reason?: string | null | undefined;
    approval?: Approval;
  },
): RefundDoc {
  const done = existing(deps, input.refundId, null);
  if (done) return done;
  const planned: PlannedLine[] = input.lines.map((l, i) => {
    const p = deps.sqlite.prepare('SELECT name, unit, price FROM products WHERE id = ?').get(l.productId) as
      Cols<typeof products, 'name' | 'unit' | 'price'> | undefined;
    if (!p) throw new AppError('NOT_FOUND', 'Product not found', { productId: l.productId, path: ['lines', i, 'productId'] });
    if (p.unit === 'each' && l.qty % 1000 !== 0)
      throw new AppError('VALIDATION', `${p.name} is sold in whole units`, { reason: 'wholeUnits' });
    // Without proof of purchase, never more than the shelf price today.
    const max = divRound(p.price * l.qty, 1000);
    if (l.amount > max)
      throw new AppError('VALIDATION', `More than ${p.name} costs today`, { reason: 'aboveShelfPrice', max, path: ['lines', i, 'amount'] });
    return {
      orderLineId: null,
      productId: l.productId,
      name: p.name,
      qty: l.qty,
      amount: l.amount,
      tax: 0,
      disposition: l.disposition,
      backToStock: l.qty,
    };
  });
  if (input.customerId && !deps.sqlite.prepare('SELECT 1 FROM customers WHERE id = ?').get(input.customerId))
    throw new AppError('NOT_FOUND', 'Customer not found', { customerId: input.customerId });
  const approvedBy = approve(staff, input.approval, 'refund.receiptless');
  const total = planned.reduce((s, l) => s + l.amount, 0);
  return writeRefund(deps, staff, {
    kind: 'receiptless',
    refundId: input.refundId,
    order: null,
    customerId: input.customerId ?? null,
    reason: input.reason ?? null,
    approvedBy,
    lines: planned,
    tenders: total > 0 ? [{ paymentId: null, method: input.method, amount: total, brand: null, last4: null }] : [],
  });
}

/**
 * An exchange: the returned items' value pays (part of) the open cart, and the new sale completes
 * in the same transaction as the refund — if either fails, neither happened. What the return is
 * worth beyond the new sale goes back by `method`.
 */
export function completeExchange(
  deps: Deps,
  staff: SessionStaff,
  input: ReturnInput & { cartId: string; checkoutId: string; tenders: TenderRequest[] },
): { refund: RefundDoc; order: Order } {
  const done = existing(deps, input.refundId, input.orderId);
  if (done?.exchangeOrderId) {
    return { refund: done, order: completeSale(deps, staff, { cartId: input.cartId, checkoutId: input.checkoutId, tenders: [] }) };
  }
  const order = orderHead(deps, input.orderId);
  const lines = planReturn(deps, order, input.lines);
  const value = lines.reduce((s, l) => s + l.amount, 0);
  const cart = loadCart(deps, input.cartId);
  const credit = Math.min(value, cart.priced.total);
  const payments = paymentStates(deps, order.id);
  const tenders = [
    ...takeFromPayments(payments, credit, () => 'exchange'),
    ...takeFromPayments(payments, value - credit, methodFor(input.method, order.customerId)),
  ];
  const sale = completeSale(deps, staff, {
    cartId: input.cartId,
    checkoutId: input.checkoutId,
    tenders: credit > 0 ? [...input.tenders, { kind: 'exchange', amount: credit }] : input.tenders,
  });
  const refund = writeRefund(deps, staff, {
    kind: 'exchange',
    refundId: input.refundId,
    order,
    customerId: order.customerId,
    reason: input.reason ?? null,
    approvedBy: null,
    lines,
    tenders,
    exchangeOrderId: sale.id,
  });
  return { refund, order: sale };
}

export function getRefund(deps: Pick<Deps, 'sqlite'>, id: string): RefundDoc {
  const r = deps.sqlite
    .prepare(
      `SELECT r.id, r.number, r.order_id AS orderId, o.number AS orderNumber, r.kind, r.reason, s.name AS staffName, a.name AS approvedByName,
              r.customer_id AS customerId, r.currency, r.total, r.tax_total AS taxTotal, r.exchange_order_id AS exchangeOrderId, r.created_at AS createdAt
       FROM refunds r JOIN staff s ON s.id = r.staff_id LEFT JOIN staff a ON a.id = r.approved_by LEFT JOIN orders o ON o.id = r.order_id
       WHERE r.id = ?`,
    )
    .get(id) as
    | (Cols<typeof refunds, 'id' | 'number' | 'kind' | 'reason' | 'currency' | 'total'> & {
        orderId: RefundCol['order_id'];
        orderNumber: SqlRow<typeof orders>['number'] | null;
        staffName: SqlRow<typeof staffTable>['name'];
        approvedByName: SqlRow<typeof staffTable>['name'] | null;
        customerId: RefundCol['customer_id'];
        taxTotal: RefundCol['tax_total'];
        exchangeOrderId: RefundCol['exchange_order_id'];
        createdAt: RefundCol['created_at'];
      })
    | undefined;
  if (!r) throw notFound('Refund');
  const lines: RefundDoc['lines'] = deps.sqlite
    .prepare(
      'SELECT id, order_line_id AS orderLineId, product_id AS productId, name, qty, amount, tax, disposition FROM refund_lines WHERE refund_id = ? ORDER BY rowid',
    )
    .all(id) as (Cols<typeof refundLines, 'id' | 'name' | 'qty' | 'amount' | 'tax' | 'disposition'> & {
    orderLineId: SqlRow<typeof refundLines>['order_line_id'];
    productId: SqlRow<typeof refundLines>['product_id'];
  })[];
  const tenders: RefundDoc['tenders'] = deps.sqlite
    .prepare('SELECT id, payment_id AS paymentId, method, amount, brand, last4 FROM refund_tenders WHERE refund_id = ? ORDER BY rowid')
    .all(id) as (Cols<typeof refundTenders, 'id' | 'method' | 'amount' | 'brand' | 'last4'> & {
    paymentId: SqlRow<typeof refundTenders>['payment_id'];
  })[];
  return { ...r, lines, tenders };
}

export function refundsOf(deps: Pick<Deps, 'sqlite'>, orderId: string): RefundDoc[] {
  return (
    deps.sqlite.prepare('SELECT id FROM refunds WHERE order_id = ? ORDER BY created_at, rowid').all(orderId) as Cols<typeof refunds, 'id'>[]
  ).map((r) => getRefund(deps, r.id));
}
