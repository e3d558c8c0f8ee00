import { randomBytes } from 'node:crypto';
import type { TenderRequest } from '../../shared/api/sales';
import type { Order, OrderLinePriceList, OrderLinePromotion, OrderSummary } from '../../shared/api/types';
import { settle } from '../../shared/pricing';
import { receiptKeyOf } from '../../shared/receipt-link';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { appendJournal } from '../journal/journal';
import { assertAvailable, defaultLocationId, recordMovement } from '../inventory/ledger';
import { readSettings } from '../settings/settings';
import type { SessionStaff } from '../sessions';
import { assertWithinLimits, loadCart } from './cart';
import { cartShipsLater, recordSaleExtras, type InternalTender } from './sale-extras';
import { attachShift, requireOpenShift } from '../shifts/shifts';
import { recordSaleInsight } from '../insight/rollups';
import { cachedStatement } from '../db/statements';
import { findTrade } from '../payments/trades';
import { redeemCartCoupon } from '../coupons/redeem';
import { resolveCardTender, spendForSale } from '../stored-value/operations';
import type { Cols, SqlRow } from '../db/rows';
import type {
  carts,
  counters,
  orderLinePriceLists,
  orderLinePromotions,
  orderLines,
  orders,
  paymentIntents,
  payments,
  staff as staffTable,
  trades,
} from '../db/schema';

type OrderCol = SqlRow<typeof orders>;
type LineCol = SqlRow<typeof orderLines>;
type TradeCol = SqlRow<typeof trades>;
type IntentCol = SqlRow<typeof paymentIntents>;
type StaffName = { staffName: SqlRow<typeof staffTable>['name'] };
type LinePromotionCol = SqlRow<typeof orderLinePromotions>;
type LinePriceListCol = SqlRow<typeof orderLinePriceLists>;

/** CHECKOUT_SQL.order */
type OrderRow = Cols<typeof orders, 'id' | 'number' | 'currency' | 'subtotal' | 'total' | 'paid' | 'change' | 'taxes'> &
  StaffName & {
    checkoutId: OrderCol['checkout_id'];
    createdAt: OrderCol['created_at'];
    terminalCode: OrderCol['terminal_code'];
    priceMode: OrderCol['price_mode'];
    discountTotal: OrderCol['discount_total'];
    taxTotal: OrderCol['tax_total'];
  };

/** CHECKOUT_SQL.orderLines */
type OrderLineRow = Cols<typeof orderLines, 'id' | 'sku' | 'name' | 'unit' | 'qty' | 'discount' | 'tax' | 'total'> & {
  productId: LineCol['product_id'];
  altName: LineCol['alt_name'];
  unitPrice: LineCol['unit_price'];
  taxRateBp: LineCol['tax_rate_bp'];
};

type PaymentRow = Cols<typeof payments, 'id' | 'kind' | 'amount' | 'tendered' | 'brand' | 'last4' | 'reference' | 'account'>;

/**
 * The statements of a sale (compiled once per connection: a sale runs a couple of dozen).
 * Exported so that the bench's raw baseline runs exactly this SQL.
 */
export const CHECKOUT_SQL = {
  byCheckoutId: 'SELECT id FROM orders WHERE checkout_id = ?',
  cartStatus: 'SELECT status, terminal_code AS terminal FROM carts WHERE id = ?',
  bumpCounter: 'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1',
  counter: 'SELECT value FROM counters WHERE name = ?',
  intent: 'SELECT cart_id AS cartId, amount, status, brand, last4, reference, order_id AS orderId FROM payment_intents WHERE id = ?',
  insertOrder: `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
                  tax_total, total, paid, change, taxes, created_at, receipt_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertLine: `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, alt_name, unit, qty, unit_price, original_price, gross,
                 discount, net, tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT cost FROM products WHERE id = ?))`,
  insertLinePromotion:
    'INSERT INTO order_line_promotions (id, order_id, order_line_id, promotion_id, name, name_zh, amount) VALUES (?, ?, ?, ?, ?, ?, ?)',
  insertLinePriceList:
    'INSERT INTO order_line_price_lists (order_line_id, order_id, price_list_id, name, name_zh, shelf_price) VALUES (?, ?, ?, ?, ?, ?)',
  orderLinePriceLists: `SELECT order_line_id AS lineId, price_list_id AS id, name, name_zh AS nameZh, shelf_price AS shelfPrice
                        FROM order_line_price_lists WHERE order_id = ?`,
  orderLinePromotions: `SELECT order_line_id AS lineId, promotion_id AS promotionId, name, name_zh AS nameZh, amount
                        FROM order_line_promotions WHERE order_id = ? ORDER BY rowid`,
  insertPayment:
    'INSERT INTO payments (id, order_id, kind, amount, tendered, brand, last4, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  settleIntent: 'UPDATE payment_intents SET order_id = ?, updated_at = ? WHERE id = ?',
  trade: `SELECT cart_id AS cartId, provider, amount, state, provider_ref AS providerRef, buyer, brand, order_id AS orderId, error_code AS errorCode,
                 EXISTS (SELECT 1 FROM trade_refunds r WHERE r.trade_id = trades.id AND r.source = 'auto') AS refunding
          FROM trades WHERE id = ?`,
  insertTradePayment:
    'INSERT INTO payments (id, order_id, kind, amount, tendered, brand, last4, reference, account, created_at) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)',
  settleTrade: "UPDATE trades SET order_id = ?, payment_id = ?, updated_at = ? WHERE id = ? AND state = 'paid' AND order_id IS NULL",
  tradeAttached:
    "INSERT INTO trade_events (id, trade_id, at, kind, from_state, to_state, detail) VALUES (?, ?, ?, 'attached', 'paid', 'paid', ?)",
  completeCart: "UPDATE carts SET status = 'completed', updated_at = ? WHERE id = ?",
  order: `SELECT o.id, o.number, o.checkout_id AS checkoutId, o.created_at AS createdAt, s.name AS staffName, o.terminal_code AS terminalCode,
                 o.currency, o.price_mode AS priceMode, o.subtotal, o.discount_total AS discountTotal, o.tax_total AS taxTotal, o.total,
                 o.paid, o.change, o.taxes
          FROM orders o JOIN staff s ON s.id = o.staff_id WHERE o.id = ?`,
  orderLines: `SELECT id, product_id AS productId, sku, name, alt_name AS altName, unit, qty, unit_price AS unitPrice, discount, tax,
                      tax_rate_bp AS taxRateBp, total FROM order_lines WHERE order_id = ? ORDER BY position`,
  orderPayments: 'SELECT id, kind, amount, tendered, brand, last4, reference, account FROM payments WHERE order_id = ? ORDER BY rowid',
} as const;

function nextOrderNumber(deps: Deps): string {
  const key = `order:${deps.terminalCode}`;
  cachedStatement(deps.sqlite, CHECKOUT_SQL.bumpCounter).run(key);
  const { value } = cachedStatement(deps.sqlite, CHECKOUT_SQL.counter).get(key) as Cols<typeof counters, 'value'>;
  return `${deps.terminalCode}-${String(value).padStart(6, '0')}`;
}

interface ResolvedTender {
  kind: 'cash' | 'card_external' | 'card_integrated' | 'store_credit' | 'exchange' | 'alipay' | 'wechat_pay' | 'stored_value';
  amount: number;
  brand: string | null;
  last4: string | null;
  reference: string | null;
  intentId: string | null;
  /** A paid provider trade this tender is (its whole amount). */
  tradeId?: string;
  account?: string | null;
}

/** The tender kind a provider's money is recorded as. */
const TRADE_KIND = { alipay: 'alipay', wechat: 'wechat_pay', stripe: 'card_integrated' } as const;

/** A paid trade of this sale that no sale used yet, for its whole amount. */
function resolveTrade(deps: Deps, cartId: string, tradeId: string): ResolvedTender {
  const t = cachedStatement(deps.sqlite, CHECKOUT_SQL.trade).get(tradeId) as
    | (Cols<typeof trades, 'amount' | 'state' | 'buyer' | 'brand'> & {
        cartId: TradeCol['cart_id'];
        provider: TradeCol['provider'] & keyof typeof TRADE_KIND;
        providerRef: TradeCol['provider_ref'];
        orderId: TradeCol['order_id'];
        errorCode: TradeCol['error_code'];
        refunding: number;
      })
    | undefined;
  if (!t || t.cartId !== cartId) throw new AppError('NOT_FOUND', 'Payment not found for this sale', { tradeId });
  if (t.orderId) throw new AppError('CONFLICT', 'That payment already paid for another sale', { tradeId, reason: 'tradeUsed' });
  if (t.state !== 'paid' || t.refunding)
    throw new AppError('DECLINED', 'That payment is not paid', { tradeId, status: t.refunding ? 'refunding' : t.state });
  // Money the provider reports differently from what we asked is for a person to sort out, not a sale.
  if (t.errorCode === 'AMOUNT_MISMATCH')
    throw new AppError('CONFLICT', 'The provider reports another amount for that payment', { tradeId });
  return {
    kind: TRADE_KIND[t.provider],
    amount: t.amount,
    brand: t.brand,
    last4: null,
    reference: t.providerRef,
    intentId: null,
    tradeId,
    account: t.buyer,
  };
}

function resolveTenders(deps: Deps, cartId: string, tenders: (TenderRequest | InternalTender)[]): ResolvedTender[] {
  const seen = new Set<string>();
  return tenders.map((t) => {
    if (t.kind === 'cash') return { kind: 'cash', amount: t.amount, brand: null, last4: null, reference: null, intentId: null };
    // Store credit and exchange credit: checked and booked by recordSaleExtras below.
    if (t.kind === 'store_credit' || t.kind === 'exchange')
      return { kind: t.kind, amount: t.amount, brand: null, last4: null, reference: null, intentId: null };
    // A card of the store's own: checked here, taken off the card once the sale is written (spendForSale).
    if (t.kind === 'stored_value') {
      const card = resolveCardTender(deps, t.cardNumber);
      return { kind: 'stored_value', amount: t.amount, brand: null, last4: card.last4, reference: card.cardId, intentId: null };
    }
    if (t.kind === 'card_external')
      return { kind: 'card_external', amount: t.amount, brand: t.brand ?? null, last4: t.last4 ?? null, reference: null, intentId: null };
    if (t.kind === 'trade') {
      if (seen.has(t.tradeId)) throw new AppError('VALIDATION', 'The same payment is listed twice');
      seen.add(t.tradeId);
      return resolveTrade(deps, cartId, t.tradeId);
    }
    if (seen.has(t.intentId)) throw new AppError('VALIDATION', 'The same card payment is listed twice');
    seen.add(t.intentId);
    const intent = cachedStatement(deps.sqlite, CHECKOUT_SQL.intent).get(t.intentId) as
      | (Cols<typeof paymentIntents, 'amount' | 'status' | 'brand' | 'last4' | 'reference'> & {
          cartId: IntentCol['cart_id'];
          orderId: IntentCol['order_id'];
        })
      | undefined;
    if (!intent || intent.cartId !== cartId)
      throw new AppError('NOT_FOUND', 'Card payment not found for this sale', { intentId: t.intentId });
    if (intent.status !== 'approved' || intent.orderId)
      throw new AppError('DECLINED', 'That card payment is not approved', { intentId: t.intentId, status: intent.status });
    return {
      kind: 'card_integrated',
      amount: intent.amount,
      brand: intent.brand,
      last4: intent.last4,
      reference: intent.reference,
      intentId: t.intentId,
    };
  });
}

/**
 * Completes the sale in one transaction: order, lines, payments, stock movements, outbox and
 * journal. Idempotent by checkout id: a retry or double click returns the first sale.
 */
export function completeSale(
  deps: Deps,
  staff: SessionStaff,
  input: { cartId: string; checkoutId: string; tenders: (TenderRequest | InternalTender)[] },
): Order {
  const done = cachedStatement(deps.sqlite, CHECKOUT_SQL.byCheckoutId).get(input.checkoutId) as Cols<typeof orders, 'id'> | undefined;
  if (done) return getOrder(deps, done.id);
  // Selling needs an open cash-drawer shift on this terminal.
  const shiftId = requireOpenShift(deps);

  const status = cachedStatement(deps.sqlite, CHECKOUT_SQL.cartStatus).get(input.cartId) as
    (Cols<typeof carts, 'status'> & { terminal: SqlRow<typeof carts>['terminal_code'] }) | undefined;
  if (!status || status.terminal !== deps.terminalCode) throw notFound('Sale', { cartId: input.cartId });
  if (status.status !== 'open') throw new AppError('CONFLICT', 'That sale is no longer open', { status: status.status });
  const cart = loadCart(deps, input.cartId);
  if (cart.lines.length === 0) throw new AppError('VALIDATION', 'The sale is empty');
  // A sale from before the limits (or changed behind the cart channels) is refused, not stored.
  assertWithinLimits(cart);

  const tenders = resolveTenders(deps, input.cartId, input.tenders);
  const settlement = settle(cart.priced.total, tenders);
  if (settlement.overpaidByCard) throw new AppError('VALIDATION', 'Card payments cannot exceed the total', { total: cart.priced.total });
  if (settlement.due > 0) throw new AppError('INSUFFICIENT_PAYMENT', 'Not enough paid', { due: settlement.due, total: cart.priced.total });

  // Under the "block" policy a sale of stock that is not there is refused, naming every short item.
  const location = defaultLocationId(deps);
  assertAvailable(
    deps,
    location,
    cart.lines.map((l) => ({ productId: l.productId, qty: l.qty })),
  );

  const settings = readSettings(deps);
  const now = deps.clock();
  const orderId = deps.ids();
  const number = nextOrderNumber(deps);
  cachedStatement(deps.sqlite, CHECKOUT_SQL.insertOrder).run(
    orderId,
    number,
    input.checkoutId,
    input.cartId,
    deps.terminalCode,
    staff.id,
    settings.currency,
    settings.priceMode,
    cart.priced.subtotal,
    cart.priced.discountTotal,
    cart.priced.taxTotal,
    cart.priced.total,
    settlement.paid,
    settlement.change,
    JSON.stringify(cart.priced.taxes),
    now,
    // The receipt's link online: random, so that holding a receipt is what opens its page.
    receiptKeyOf(randomBytes(16)),
  );
  attachShift(deps, orderId, shiftId);

  // An order that ships later takes its stock at fulfilment (shipping), not here.
  const shipLater = cartShipsLater(deps, input.cartId);
  const insLine = cachedStatement(deps.sqlite, CHECKOUT_SQL.insertLine);
  const names = new Map(cart.applied.map((a) => [a.promotionId, a]));
  cart.lines.forEach((line, i) => {
    const p = cart.priced.lines[i]!;
    const lineId = deps.ids();
    insLine.run(
      lineId,
      orderId,
      i + 1,
      line.productId,
      line.sku,
      line.name,
      line.altName,
      line.unit,
      line.qty,
      line.unitPrice,
      line.originalPrice,
      p.gross,
      p.lineDiscount + p.promotionDiscount + p.cartDiscount,
      p.net,
      p.tax,
      p.taxRateBp,
      p.total,
      line.productId,
    );
    // The list that set the line's price (会员价), under the name the cart showed.
    if (line.priceList)
      cachedStatement(deps.sqlite, CHECKOUT_SQL.insertLinePriceList).run(
        lineId,
        orderId,
        line.priceList.id,
        line.priceList.name,
        line.priceList.nameZh,
        line.originalPrice,
      );
    // What each promotion took from the line, under the name the cart showed.
    for (const share of line.promotions ?? []) {
      if (share.amount <= 0) continue;
      const promo = names.get(share.promotionId);
      cachedStatement(deps.sqlite, CHECKOUT_SQL.insertLinePromotion).run(
        deps.ids(),
        orderId,
        lineId,
        share.promotionId,
        promo?.name ?? '',
        promo?.nameZh ?? null,
        share.amount,
      );
    }
    if (!shipLater)
      recordMovement(deps, {
        productId: line.productId,
        locationId: location,
        qtyDelta: -line.qty,
        kind: 'sale',
        refId: orderId,
        staffId: staff.id,
      });
  });

  // Cash is recorded as what it paid (tendered minus change); the tendered amount is kept too.
  const insPay = cachedStatement(deps.sqlite, CHECKOUT_SQL.insertPayment);
  const cashTendered = tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
  if (cashTendered > 0) insPay.run(deps.ids(), orderId, 'cash', cashTendered - settlement.change, cashTendered, null, null, null, now);
  for (const t of tenders.filter((x) => x.kind !== 'cash')) {
    if (t.tradeId) {
      // The trade and its sale commit together: a trade backs one sale only.
      const paymentId = deps.ids();
      cachedStatement(deps.sqlite, CHECKOUT_SQL.insertTradePayment).run(
        paymentId,
        orderId,
        t.kind,
        t.amount,
        t.brand,
        t.reference,
        t.account ?? null,
        now,
      );
      const res = cachedStatement(deps.sqlite, CHECKOUT_SQL.settleTrade).run(orderId, paymentId, now, t.tradeId);
      if (res.changes !== 1)
        throw new AppError('CONFLICT', 'That payment already paid for another sale', { tradeId: t.tradeId, reason: 'tradeUsed' });
      cachedStatement(deps.sqlite, CHECKOUT_SQL.tradeAttached).run(deps.ids(), t.tradeId, now, JSON.stringify({ orderId, paymentId }));
      // Screens showing the trade learn its sale once the sale has committed (a rollback leaves it unused).
      const tradeId = t.tradeId;
      setImmediate(() => {
        const after = deps.sqlite.open ? findTrade(deps, tradeId) : null;
        if (after?.orderId) deps.events.emit('payments.trade', after);
      });
      continue;
    }
    insPay.run(deps.ids(), orderId, t.kind, t.amount, null, t.brand, t.last4, t.reference, now);
    if (t.intentId) cachedStatement(deps.sqlite, CHECKOUT_SQL.settleIntent).run(orderId, now, t.intentId);
  }
  cachedStatement(deps.sqlite, CHECKOUT_SQL.completeCart).run(now, input.cartId);
  // Customer, fulfilment, store credit spent, loyalty points earned.
  recordSaleExtras(deps, staff, { orderId, cartId: input.cartId, total: cart.priced.total, tenders });
  // The sale's coupon becomes a redemption in the same transaction (refused if the code was used meanwhile).
  redeemCartCoupon(deps, staff, { orderId, cartId: input.cartId, cart });
  spendForSale(deps, staff.id, orderId, tenders);

  const order = getOrder(deps, orderId);
  appendJournal(deps, 'sale', orderId, order);
  recordSaleInsight(deps, orderId);
  return order;
}

export function getOrder(deps: Pick<Deps, 'sqlite'>, id: string): Order {
  const o = cachedStatement(deps.sqlite, CHECKOUT_SQL.order).get(id) as OrderRow | undefined;
  if (!o) throw notFound('Order');
  const lines: Order['lines'] = cachedStatement(deps.sqlite, CHECKOUT_SQL.orderLines).all(id) as OrderLineRow[];
  const payments: Order['payments'] = cachedStatement(deps.sqlite, CHECKOUT_SQL.orderPayments).all(id) as PaymentRow[];
  attachPromotions(deps, id, lines);
  attachPriceLists(deps, id, lines);
  return { ...o, taxes: JSON.parse(o.taxes) as Order['taxes'], lines, payments };
}

/** Lines that took a promotion carry it (named as at the sale); the others stay as they always were. */
function attachPromotions(deps: Pick<Deps, 'sqlite'>, orderId: string, lines: Order['lines']): void {
  const rows = cachedStatement(deps.sqlite, CHECKOUT_SQL.orderLinePromotions).all(orderId) as (Cols<
    typeof orderLinePromotions,
    'name' | 'amount'
  > & {
    lineId: LinePromotionCol['order_line_id'];
    promotionId: LinePromotionCol['promotion_id'];
    nameZh: LinePromotionCol['name_zh'];
  })[];
  if (rows.length === 0) return;
  const byLine = new Map(lines.map((l) => [l.id, l]));
  for (const { lineId, ...promotion } of rows) {
    const line = byLine.get(lineId);
    if (line) (line.promotions ??= []).push(promotion satisfies OrderLinePromotion);
  }
}

/** Lines priced by a list carry its name and the shelf price it replaced. */
function attachPriceLists(deps: Pick<Deps, 'sqlite'>, orderId: string, lines: Order['lines']): void {
  const rows = cachedStatement(deps.sqlite, CHECKOUT_SQL.orderLinePriceLists).all(orderId) as (Cols<typeof orderLinePriceLists, 'name'> & {
    lineId: LinePriceListCol['order_line_id'];
    id: LinePriceListCol['price_list_id'];
    nameZh: LinePriceListCol['name_zh'];
    shelfPrice: LinePriceListCol['shelf_price'];
  })[];
  if (rows.length === 0) return;
  const byLine = new Map(lines.map((l) => [l.id, l]));
  for (const { lineId, ...priceList } of rows) {
    const line = byLine.get(lineId);
    if (line) line.priceList = priceList satisfies OrderLinePriceList;
  }
}

export function recentOrders(deps: Pick<Deps, 'sqlite'>, limit: number): OrderSummary[] {
  return deps.sqlite
    .prepare(
      `SELECT o.id, o.number, o.created_at AS createdAt, o.total, o.currency, s.name AS staffName,
              (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount
       FROM orders o JOIN staff s ON s.id = o.staff_id ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?`,
    )
    .all(limit) as (Cols<typeof orders, 'id' | 'number' | 'total' | 'currency'> &
    StaffName & { createdAt: OrderCol['created_at']; lineCount: number })[] satisfies OrderSummary[];
}
