/**
 * An online order's life: placed (priced again, units held, pending with an expiry), paid (on a
 * verified notification or query: the store's records written), or expired (units released).
 * Every step is one transaction, and each is safe to repeat.
 */
import { createHmac } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Address } from '../../../shared/address';
import type { PricedCart } from '../../../shared/pricing';
import type { CloudDb } from '../../db/open';
import { rowsOf } from '../../db/open';
import { sha256, type CloudDeps } from '../../deps';
import type { ShopStore } from '../web/env';
import type { PricedShopCart } from './cart';
import type { LinePromotion } from '../pricing/price';
import { ensureOnlineStaff, ONLINE_TERMINAL, writeFacts, type Fact } from './records';
import { shopCartLines, shopOrderLines, shopOrders, shopPaymentNotices } from './schema';
import type { HoldLine, OrderStock } from './stock';
import { recordPaid } from '../insight/events';

export type ShopOrder = typeof shopOrders.$inferSelect;

/** The providers a shop order can be paid with. */
export type ShopProvider = 'alipay' | 'wechat' | 'stripe';
/** The tender each provider's payment is at the till (a Stripe Checkout payment is a card taken by the provider). */
const TENDER: Record<ShopProvider, string> = { alipay: 'alipay', wechat: 'wechat_pay', stripe: 'card_integrated' };
export type ShopOrderLine = typeof shopOrderLines.$inferSelect;

/** Crockford base32 without look-alikes: what a clerk types from a phone's screen. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The guest's key to an order page, derived from the order id with the server's secret: a retried
 * checkout finds the same key, and nothing but its hash is stored.
 */
export function orderAccessKey(secret: string, orderId: string): string {
  return createHmac('sha256', secret).update(`order-access:${orderId}`).digest('base64url').slice(0, 32);
}

/**
 * The pick-up code (8 characters, 40 bits), derived from the order id with the server's secret, so
 * the buyer's page can show it again; tills get only sha256 of its 8 characters (no space).
 */
export function pickupCode(secret: string, orderId: string): string {
  const mac = createHmac('sha256', secret).update(`pickup:${orderId}`).digest();
  let out = '';
  for (let i = 0; i < 8; i++) out += CODE_ALPHABET[mac[i]! % 32];
  return out;
}
/** Shown in two groups of four; the till drops the space when the clerk types it (its hash is of the 8 characters). */
export const formatPickupCode = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

export interface PlaceInput {
  idempotencyKey: string;
  contactName: string;
  email: string | null;
  phone: string | null;
  fulfilment: 'ship' | 'pickup';
  address: Address | null;
  methodId: string;
  methodName: string;
  shipping: number;
  note: string;
  provider: ShopProvider;
  /** The method's days in transit (null: no promise, as for a pick-up). */
  minDays: number | null;
  maxDays: number | null;
}

export type PlaceOutcome =
  | { ok: true; order: ShopOrder; repeated: boolean }
  | { ok: false; reason: 'short'; short: { productId: string; name: string; available: number }[] }
  | { ok: false; reason: 'empty' };

class Short extends Error {
  constructor(readonly short: { productId: string; available: number }[]) {
    super('short');
  }
}

/** `W` + the store's date (UTC) + a sequence per store and day: W20261206-0001. */
async function nextShopNumber(tx: CloudDb, storeId: string, now: number): Promise<string> {
  const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
  const prefix = `W${day}-`;
  const [row] = await rowsOf<{ n: string | number }>(
    tx,
    sql`SELECT COUNT(*) AS n FROM shop_orders WHERE store_id = ${storeId} AND shop_number LIKE ${`${prefix}%`}`,
  );
  return `${prefix}${String(Number(row?.n ?? 0) + 1).padStart(4, '0')}`;
}

/**
 * Places the cart as a pending order, once per idempotency key: a double-submit or a retried
 * request answers the order the first one made. The cart was priced by the caller in this request
 * (from the catalog, never from the form); units are held until `expiresAt` or refused as short.
 */
export async function placeOrder(
  deps: CloudDeps,
  stock: OrderStock,
  secret: string,
  store: ShopStore,
  buyerId: string | null,
  cart: PricedShopCart,
  input: PlaceInput,
  ttlMs: number,
): Promise<PlaceOutcome> {
  const found = await findByIdempotency(deps.db, store.storeId, input.idempotencyKey);
  if (found) return { ok: true, order: found, repeated: true };
  if (cart.lines.length === 0) return { ok: false, reason: 'empty' };
  const now = deps.clock();
  const orderId = deps.ids();
  const goods: PricedCart = cart.priced;
  try {
    const order = await deps.db.transaction(async (tx) => {
      // One checkout at a time per store: numbers are handed out in order and holds see each other.
      await tx.execute(sql`SELECT id FROM stores WHERE id = ${store.storeId} FOR UPDATE`);
      const again = await findByIdempotency(tx, store.storeId, input.idempotencyKey);
      if (again) return { order: again, repeated: true };
      const shopNumber = await nextShopNumber(tx, store.storeId, now);
      const values: typeof shopOrders.$inferInsert = {
        id: orderId,
        orgId: store.orgId,
        storeId: store.storeId,
        shopNumber,
        buyerId,
        customerId: cart.member?.customerId ?? null,
        accessKeyHash: sha256(orderAccessKey(secret, orderId)),
        contactName: input.contactName,
        contactEmail: input.email,
        contactPhone: input.phone,
        fulfilment: input.fulfilment,
        address: input.address ? JSON.stringify(input.address) : null,
        shippingMethod: input.methodId,
        shippingAmount: input.shipping,
        subtotal: goods.subtotal,
        taxTotal: goods.taxTotal,
        total: goods.total + input.shipping,
        currency: cart.terms.currency,
        priceMode: cart.terms.priceMode,
        taxes: JSON.stringify(goods.taxes),
        note: input.note,
        state: 'pending',
        provider: input.provider,
        expiresAt: now + ttlMs,
        pickupCodeHash: input.fulfilment === 'pickup' ? sha256(pickupCode(secret, orderId)) : null,
        idempotencyKey: input.idempotencyKey,
        createdAt: now,
        transitMinDays: input.minDays,
        transitMaxDays: input.maxDays,
      };
      const [order] = await tx.insert(shopOrders).values(values).returning();
      await tx.insert(shopOrderLines).values(
        cart.lines.map((l, position) => ({
          id: deps.ids(),
          orderId,
          position,
          productId: l.product.id,
          sku: l.product.sku,
          name: l.product.name,
          altName: l.product.altName,
          unit: l.product.unit,
          qty: l.qty,
          unitPrice: l.unitPrice,
          gross: l.priced.gross,
          discount: l.priced.lineDiscount + l.priced.promotionDiscount + l.priced.cartDiscount,
          net: l.priced.net,
          tax: l.priced.tax,
          taxRateBp: l.priced.taxRateBp,
          total: l.priced.total,
          cost: Math.round((l.product.cost * l.qty) / 1000),
          shelfPrice: l.priceList ? l.product.price : null,
          priceList: l.priceList ? JSON.stringify(l.priceList) : null,
          promotions: l.promotions.length > 0 ? JSON.stringify(l.promotions) : null,
        })),
      );
      const held = await stock.hold(
        tx,
        deps,
        { orgId: store.orgId, storeId: store.storeId, orderId, expiresAt: now + ttlMs },
        holdLines(cart),
      );
      if (!held.ok) throw new Short(held.short);
      // The cart has become the order.
      if (cart.cartId) await tx.delete(shopCartLines).where(eq(shopCartLines.cartId, cart.cartId));
      return { order: order!, repeated: false };
    });
    return { ok: true, ...order };
  } catch (err) {
    if (err instanceof Short) {
      const names = new Map(cart.lines.map((l) => [l.product.id, l.product.name]));
      return { ok: false, reason: 'short', short: err.short.map((s) => ({ ...s, name: names.get(s.productId) ?? '' })) };
    }
    // Two requests with one key at once: the other one's order stands.
    const raced = await findByIdempotency(deps.db, store.storeId, input.idempotencyKey);
    if (raced) return { ok: true, order: raced, repeated: true };
    throw err;
  }
}

const holdLines = (cart: PricedShopCart): HoldLine[] => cart.lines.map((l) => ({ productId: l.product.id, qty: l.qty }));

async function findByIdempotency(db: CloudDb, storeId: string, key: string): Promise<ShopOrder | null> {
  const [row] = await db
    .select()
    .from(shopOrders)
    .where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.idempotencyKey, key)));
  return row ?? null;
}

/** A sold line's promotion shares as the order keeps them (none when the column is empty). */
export function linePromotions(l: Pick<ShopOrderLine, 'promotions'>): LinePromotion[] {
  if (!l.promotions) return [];
  const list = JSON.parse(l.promotions) as LinePromotion[];
  return Array.isArray(list) ? list : [];
}

/** The price list that set a sold line's price, or null. */
export function linePriceList(l: Pick<ShopOrderLine, 'priceList'>): { id: string; name: string; nameZh: string | null } | null {
  return l.priceList ? (JSON.parse(l.priceList) as { id: string; name: string; nameZh: string | null }) : null;
}

export async function orderLines(db: CloudDb, orderId: string): Promise<ShopOrderLine[]> {
  return db.select().from(shopOrderLines).where(eq(shopOrderLines.orderId, orderId)).orderBy(asc(shopOrderLines.position));
}

export async function orderInStore(db: CloudDb, storeId: string, orderId: string): Promise<ShopOrder | null> {
  const [row] = await db
    .select()
    .from(shopOrders)
    .where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.id, orderId)));
  return row ?? null;
}

export async function orderByNumber(db: CloudDb, storeId: string, shopNumber: string): Promise<ShopOrder | null> {
  const [row] = await db
    .select()
    .from(shopOrders)
    .where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.shopNumber, shopNumber)));
  return row ?? null;
}

export interface Payment {
  provider: ShopProvider;
  /** The provider's notification id, or `query:<trade no>` for a paid query answer: recorded once. */
  eventId: string;
  providerRef: string;
  amount: number;
  /** ISO 4217 as the provider named it, when it names one: it must be the order's. */
  currency?: string;
  account: string | null;
}

export type PaidOutcome =
  { ok: true; outcome: 'paid' | 'duplicate' | 'refund_due' } | { ok: false; reason: 'amount_mismatch' | 'not_found'; message: string };

/**
 * Marks an order paid on a verified payment, in one transaction: the payment is recorded once, the
 * held units are consumed, and the store's records are written. A payment for an order that had
 * expired takes its units again if they are there; if not, the order is still the buyer's (their
 * money came), marked with a shortage for the store and a refund due.
 */
export async function markPaid(
  deps: CloudDeps,
  stock: OrderStock,
  storeId: string,
  shopNumber: string,
  pay: Payment,
): Promise<PaidOutcome> {
  return deps.db.transaction(async (tx) => {
    const [locked] = await rowsOf<{ id: string }>(
      tx,
      sql`SELECT id FROM shop_orders WHERE store_id = ${storeId} AND shop_number = ${shopNumber} FOR UPDATE`,
    );
    if (!locked) return { ok: false, reason: 'not_found', message: 'No shop order has this trade number' } as const;
    const order = (await orderInStore(tx, storeId, locked.id))!;
    // Each order is paid where it was sent; another provider's trade with its number is someone else's.
    if (pay.provider !== order.provider)
      return { ok: false, reason: 'not_found', message: `This order is paid with ${order.provider}, not ${pay.provider}` } as const;
    if (pay.currency !== undefined && pay.currency.toUpperCase() !== order.currency)
      return {
        ok: false,
        reason: 'amount_mismatch',
        message: `Paid in ${pay.currency.slice(0, 8)}, but the order is in ${order.currency}`,
      } as const;
    if (pay.amount !== order.total)
      return { ok: false, reason: 'amount_mismatch', message: `Paid ${pay.amount}, but the order is for ${order.total}` } as const;
    const now = deps.clock();
    const recorded = await tx
      .insert(shopPaymentNotices)
      .values({
        provider: pay.provider,
        eventId: pay.eventId,
        orgId: order.orgId,
        storeId,
        orderId: order.id,
        // A cancelled order was paid before it was cancelled (and refunded): never paid again.
        outcome: order.state === 'paid' || order.state === 'cancelled' ? 'duplicate' : 'paid',
        amount: pay.amount,
        receivedAt: now,
      })
      .onConflictDoNothing()
      .returning({ eventId: shopPaymentNotices.eventId });
    if (recorded.length === 0 || order.state === 'paid' || order.state === 'cancelled') return { ok: true, outcome: 'duplicate' } as const;

    const at = { orgId: order.orgId, storeId, orderId: order.id };
    const lines = await orderLines(tx, order.id);
    let shortage = false;
    if (order.state !== 'pending') {
      const again = await stock.hold(
        tx,
        deps,
        { ...at, expiresAt: now + 60_000 },
        lines.map((l) => ({ productId: l.productId, qty: l.qty })),
      );
      shortage = !again.ok;
    }
    // A hold that lapsed before the sweep released it may have lost its units to another order.
    if (!shortage) shortage = (await stock.consume(tx, deps, at)).short.length > 0;
    await tx
      .update(shopOrders)
      .set({ state: 'paid', paidAt: now, providerRef: pay.providerRef, payerAccount: pay.account, refundDue: shortage ? 1 : 0 })
      .where(eq(shopOrders.id, order.id));
    if (shortage)
      await tx
        .update(shopPaymentNotices)
        .set({ outcome: 'refund_due' })
        .where(and(eq(shopPaymentNotices.provider, pay.provider), eq(shopPaymentNotices.eventId, pay.eventId)));
    const staffId = await ensureOnlineStaff(deps, tx, order.orgId);
    await writeFacts(deps, tx, order.orgId, storeId, orderFacts(deps, { ...order, paidAt: now }, lines, staffId, pay, shortage));
    await recordPaid(deps, tx, { orgId: order.orgId, storeId, orderId: order.id, at: now });
    return { ok: true, outcome: shortage ? 'refund_due' : 'paid' } as const;
  });
}

/** The `order` (lines and payment as children), the `online_order`, and a shortage step when the units were gone. */
function orderFacts(deps: CloudDeps, order: ShopOrder, lines: ShopOrderLine[], staffId: string, pay: Payment, shortage: boolean): Fact[] {
  const at = order.paidAt ?? deps.clock();
  const facts: Fact[] = [
    {
      e: 'order',
      i: order.id,
      d: {
        id: order.id,
        number: order.shopNumber,
        checkout_id: order.id,
        cart_id: order.id,
        terminal_code: ONLINE_TERMINAL,
        staff_id: staffId,
        // The till customer whose terms priced it: the order shows in their history at the counter.
        customer_id: order.customerId,
        fulfilment: order.fulfilment,
        currency: order.currency,
        price_mode: order.priceMode,
        subtotal: order.subtotal,
        discount_total: lines.reduce((s, l) => s + l.discount, 0),
        tax_total: order.taxTotal,
        // What the buyer paid: the goods and the shipping (the online order names the shipping part).
        total: order.total,
        paid: order.total,
        change: 0,
        taxes: JSON.parse(order.taxes) as unknown,
        created_at: at,
        shift_id: null,
        source: 'online',
      },
      ch: {
        order_lines: lines.map((l) => ({
          id: l.id,
          order_id: order.id,
          position: l.position,
          product_id: l.productId,
          sku: l.sku,
          name: l.name,
          alt_name: l.altName,
          unit: l.unit,
          qty: l.qty,
          unit_price: l.unitPrice,
          original_price: l.shelfPrice ?? l.unitPrice,
          gross: l.gross,
          discount: l.discount,
          net: l.net,
          tax: l.tax,
          tax_rate_bp: l.taxRateBp,
          total: l.total,
          cost: l.cost,
        })),
        // Each promotion's share and the list that set a price, as a counter sale keeps them: the
        // tills' report per promotion counts online sales, and a reprint names the list.
        order_line_promotions: lines.flatMap((l) =>
          linePromotions(l).map((p) => ({
            id: deps.ids(),
            order_id: order.id,
            order_line_id: l.id,
            promotion_id: p.promotionId,
            name: p.name,
            name_zh: p.nameZh,
            amount: p.amount,
          })),
        ),
        order_line_price_lists: lines.flatMap((l) => {
          const list = linePriceList(l);
          return list && l.shelfPrice !== null
            ? [
                {
                  order_line_id: l.id,
                  order_id: order.id,
                  price_list_id: list.id,
                  name: list.name,
                  name_zh: list.nameZh,
                  shelf_price: l.shelfPrice,
                },
              ]
            : [];
        }),
        payments: [
          {
            id: deps.ids(),
            order_id: order.id,
            kind: TENDER[pay.provider],
            amount: order.total,
            tendered: null,
            brand: null,
            last4: null,
            reference: pay.providerRef.slice(0, 200),
            created_at: at,
            account: pay.account?.slice(0, 40) ?? null,
          },
        ],
      },
    },
    {
      e: 'online_order',
      i: order.id,
      d: {
        id: order.id,
        shop_number: order.shopNumber,
        buyer_id: order.buyerId,
        contact_name: order.contactName,
        contact_phone: order.contactPhone,
        contact_email: order.contactEmail,
        fulfilment: order.fulfilment,
        address: order.address ? (JSON.parse(order.address) as unknown) : null,
        shipping_method: order.shippingMethod,
        shipping_amount: order.shippingAmount,
        pickup_code_hash: order.pickupCodeHash,
        buyer_note: order.note,
        created_at: order.createdAt,
      },
    },
  ];
  if (shortage) {
    const eventId = deps.ids();
    facts.push({
      e: 'online_order_event',
      i: eventId,
      d: {
        id: eventId,
        order_id: order.id,
        kind: 'shortage',
        carrier: null,
        tracking: null,
        note: 'Paid after its reservation expired and the units were sold: refund the buyer',
        terminal_code: null,
        staff_id: null,
        at,
      },
    });
  }
  return facts;
}

/**
 * Expires unpaid orders past their time and releases their units, a few at a time (orders another
 * process is expiring are skipped, not waited for). `storeId` limits it to one store.
 */
export async function expireDue(deps: CloudDeps, stock: OrderStock, storeId: string | null, limit = 100): Promise<number> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const due = await rowsOf<{ id: string; org_id: string; store_id: string }>(
      tx,
      sql`SELECT id, org_id, store_id FROM shop_orders
          WHERE state = 'pending' AND expires_at <= ${now} ${storeId ? sql`AND store_id = ${storeId}` : sql``}
          ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    );
    for (const o of due) {
      await stock.release(tx, deps, { orgId: o.org_id, storeId: o.store_id, orderId: o.id });
      await tx
        .update(shopOrders)
        .set({ state: 'expired' })
        .where(and(eq(shopOrders.id, o.id), eq(shopOrders.state, 'pending'), lte(shopOrders.expiresAt, now)));
    }
    return due.length;
  });
}
