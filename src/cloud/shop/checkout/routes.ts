import { and, desc, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { parseQty } from '../../../shared/money';
import { rowsOf, sql } from '../../db/open';
import { CloudHttpError, type CloudDeps } from '../../deps';
import { RateLimiter, boundBodies, rateLimited } from '../../guards';
import { MAX_NOTICE_BYTES, NOTIFY_RATE_LIMIT } from '../../payments/routes';
import type { ShopContext, ShopEnv } from '../web/env';
import { errorPage } from '../web/page';
import { changeCart, chargeFor, ensureCart, findCart, pricedCart } from './cart';
import { loadSaleProducts } from './catalog';
import { checkCheckoutForm, IDEM_KEY, readCheckoutForm, type CheckoutForm, type FieldErrors } from './form';
import { expireDue, orderAccessKey, orderInStore, orderLines, pickupCode, placeOrder, type ShopOrder, type ShopProvider } from './orders';
import { cartRecommendations } from '../recommend/views';
import { cartPage, checkoutPage, orderPage, ordersListPage, shortPage, type OrderEvent } from './pages';
import { isMobile, receiveAlipayNotice, startAlipay } from './payment';
import { chosenProvider, confirmOrder, offeredProviders } from '../payments/providers';
import { startPayment } from '../payments/routes';
import { writeFacts } from './records';
import { origin, sameKey, visibleOrder, type CheckoutOptions } from './access';
import { orderReviewLinks } from '../reviews/reviews';
import { claimedSales } from '../receipts/receipts';
import { purchasesList } from '../receipts/views';
import { loadAftersale } from '../aftersale/routes';
import { storeFacts } from '../catalog/queries';
import { storeAutoCompleteDays } from '../delivery/completion';
import { shopOrders } from './schema';
import { checkoutWords } from './words';
import { noteShopEvent } from '../insight/events';
import { shopMember } from '../pricing/member';

export const DEFAULT_HOLD_MS = 15 * 60_000;

const uuid = z.uuid();

async function form(c: ShopContext): Promise<Record<string, unknown>> {
  return (await c.req.parseBody()) as Record<string, unknown>;
}

async function orderEvents(deps: CloudDeps, order: ShopOrder): Promise<OrderEvent[]> {
  const rows = await rowsOf<{ body: string }>(
    deps.db,
    sql`SELECT body FROM records WHERE org_id = ${order.orgId} AND entity = 'online_order_event' AND store_id = ${order.storeId}
        AND (body::jsonb -> 'd' ->> 'order_id') = ${order.id}`,
  );
  return rows
    .map((r) => (JSON.parse(r.body) as { d: Partial<OrderEvent> & Pick<OrderEvent, 'kind' | 'at'> }).d)
    .map((d) => ({
      kind: d.kind,
      carrier: d.carrier ?? null,
      tracking: d.tracking ?? null,
      at: d.at,
      note: d.note ?? '',
      status: d.status ?? null,
      location: d.location ?? null,
      eta: d.eta ?? null,
    }))
    .sort((a, b) => a.at - b.at || STEP_RANK.indexOf(a.kind) - STEP_RANK.indexOf(b.kind));
}

/** Steps written in one moment (a label bought packs and ships at once) read in the order they happen. */
const STEP_RANK: readonly string[] = ['packed', 'shipped', 'tracking', 'picked_up', 'delivered', 'received'];

/** The provider's cashier for a pending order (a redirect), or a page saying why not. */
function payRedirect(c: ShopContext, opts: CheckoutOptions, deps: CloudDeps, order: ShopOrder) {
  if (order.provider !== 'alipay') return startPayment(c, deps, opts, order);
  const lang = c.get('lang');
  const cfg = opts.payments(order.storeId)?.alipay;
  if (!cfg) return errorPage(c, 409, checkoutWords(lang, 'noPayment'));
  const base = `${origin(c, opts)}${c.get('store').base}`;
  const key = orderAccessKey(opts.secret, order.id);
  try {
    const url = startAlipay(
      cfg,
      order,
      `${c.get('store').name} ${order.shopNumber}`,
      { notifyUrl: `${base}/pay/alipay/notify`, returnUrl: `${base}/orders/${order.id}?key=${key}` },
      isMobile(c.req.header('user-agent')),
      deps.clock(),
    );
    return c.redirect(url, 303);
  } catch (err) {
    console.error('[shop] payment could not start', err instanceof Error ? err.message : err);
    return errorPage(c, 500, checkoutWords(lang, 'paymentFailed'));
  }
}

const emptyForm = (idem: string, country: string): CheckoutForm => ({
  idem,
  name: '',
  email: '',
  phone: '',
  method: '',
  provider: '',
  note: '',
  seen: '',
  address: { name: '', company: '', line1: '', line2: '', city: '', region: '', postalCode: '', country },
});

/**
 * The provider's notification: registered before the CSRF check (the provider has no token; its
 * signature is what proves it).
 */
export function registerPaymentNotices(shop: Hono<ShopEnv>, deps: CloudDeps, opts: CheckoutOptions | undefined): void {
  if (!opts) return;
  // A notification is a few kilobytes; the endpoint needs no credentials, so each process limits it per address.
  shop.use('/pay/alipay/notify', boundBodies(MAX_NOTICE_BYTES));
  if (opts.rateLimit !== false) shop.use('/pay/alipay/notify', rateLimited(new RateLimiter(opts.rateLimit ?? NOTIFY_RATE_LIMIT)));
  shop.post('/pay/alipay/notify', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const store = c.get('store');
    const reply = await receiveAlipayNotice(deps, opts.stock, opts.payments, store, headers, await c.req.text());
    return c.body(reply.body, reply.status as 200, reply.headers);
  });
}

/** Cart, checkout, payment, the buyer's order pages. */
export function registerCheckoutRoutes(shop: Hono<ShopEnv>, deps: CloudDeps, opts?: CheckoutOptions): void {
  if (!opts) return;
  const secure = opts.secure ?? false;
  const holdMs = opts.holdMs ?? DEFAULT_HOLD_MS;
  const expire = (c: ShopContext) => expireDue(deps, opts.stock, c.get('store').storeId);
  /** The cart priced as the till would price it for this buyer (a till customer's terms: pricing/member.ts). */
  const buyersCart = async (c: ShopContext, cartId: string | null) => {
    const store = c.get('store');
    const member = await shopMember(deps.db, store.orgId, c.get('buyer'));
    return pricedCart(deps.db, store.orgId, store.storeId, cartId, deps.clock(), member);
  };

  shop.get('/cart', async (c) => {
    await expire(c);
    const cart = await findCart(c, deps);
    const priced = await buyersCart(c, cart?.id ?? null);
    const suggestions = await cartRecommendations(
      c,
      deps,
      priced.lines.map((l) => l.product.id),
    );
    return cartPage(c, priced, null, {}, suggestions);
  });

  /** Reads productId and qty (units as typed; thousandths once parsed for the product's unit). */
  async function cartInput(c: ShopContext, dflt: string) {
    const f = await form(c);
    const productId = uuid.safeParse(f.productId);
    if (!productId.success) throw new CloudHttpError(404, 'NOT_FOUND', 'No such product');
    const store = c.get('store');
    const product = (await loadSaleProducts(deps.db, store.orgId, [productId.data])).get(productId.data);
    const text = typeof f.qty === 'string' && f.qty.trim() !== '' ? f.qty.trim() : dflt;
    const qty = product ? parseQty(text, product.unit) : null;
    return { productId: productId.data, qty, sellable: product?.sellable === true };
  }

  async function afterChange(c: ShopContext, cartId: string, result: Awaited<ReturnType<typeof changeCart>>) {
    const store = c.get('store');
    if (result.ok) return c.redirect(`${store.base}/cart`, 303);
    const cart = await buyersCart(c, cartId);
    return cartPage(c, cart, result.reason, { n: 50 });
  }

  shop.post('/cart/add', async (c) => {
    await expire(c);
    const { productId, qty, sellable } = await cartInput(c, '1');
    const cart = await ensureCart(c, deps, secure);
    const result = !sellable
      ? ({ ok: false, reason: 'notSold' } as const)
      : qty === null
        ? ({ ok: false, reason: 'badQty' } as const)
        : await changeCart(deps, c.get('store').orgId, cart.id, productId, qty, 'add');
    if (result.ok) noteShopEvent(c, { kind: 'cart_add', productId });
    return afterChange(c, cart.id, result);
  });
  shop.post('/cart/update', async (c) => {
    const { productId, qty } = await cartInput(c, '0');
    const cart = await findCart(c, deps);
    if (!cart) return c.redirect(`${c.get('store').base}/cart`, 303);
    const result =
      qty === null
        ? ({ ok: false, reason: 'badQty' } as const)
        : await changeCart(deps, c.get('store').orgId, cart.id, productId, qty, 'set');
    return afterChange(c, cart.id, result);
  });
  shop.post('/cart/remove', async (c) => {
    const { productId } = await cartInput(c, '0');
    const cart = await findCart(c, deps);
    if (cart) await changeCart(deps, c.get('store').orgId, cart.id, productId, 0, 'set');
    return c.redirect(`${c.get('store').base}/cart`, 303);
  });

  shop.get('/checkout', async (c) => {
    await expire(c);
    const store = c.get('store');
    const ref = await findCart(c, deps);
    const cart = await buyersCart(c, ref?.id ?? null);
    if (cart.lines.length === 0) return c.redirect(`${store.base}/cart`, 303);
    const buyer = c.get('buyer');
    const f = emptyForm(deps.randomBytes(18).toString('base64url'), cart.terms.currency === 'CNY' ? 'CN' : 'US');
    if (buyer) {
      f.name = buyer.name;
      f.email = buyer.email ?? '';
      f.phone = buyer.phone ?? '';
    }
    f.method = cart.terms.shipping.methods[0]!.id;
    noteShopEvent(c, { kind: 'checkout_start' });
    return checkoutView(c, cart, f, {}, offeredProviders(opts.payments(store.storeId), cart.terms.currency));
  });

  shop.post('/checkout', async (c) => {
    await expire(c);
    const store = c.get('store');
    const f = readCheckoutForm(await form(c));
    // A repeated submit (double click, a retried request) answers the order the first one made.
    if (IDEM_KEY.test(f.idem)) {
      const [done] = await deps.db
        .select()
        .from(shopOrders)
        .where(and(eq(shopOrders.storeId, store.storeId), eq(shopOrders.idempotencyKey, f.idem)));
      if (done) return repeat(c, done);
    }
    const ref = await findCart(c, deps);
    const cart = await buyersCart(c, ref?.id ?? null);
    if (cart.lines.length === 0) return c.redirect(`${store.base}/cart`, 303);
    // Alipay and WeChat Pay take yuan only; Stripe takes the store's currency.
    const offered = offeredProviders(opts.payments(store.storeId), cart.terms.currency);
    if (offered.length === 0) return errorPage(c, 409, checkoutWords(c.get('lang'), 'noPayment'));
    // Prices and promotions are read again now: when they changed since the page was shown, the
    // buyer sees the new total (the page shown again carries it) before anything is placed.
    if (f.seen !== '' && f.seen !== String(cart.priced.total)) return checkoutView(c, cart, f, { _form: 'priceChanged' }, offered);
    const checked = checkCheckoutForm(f, cart.terms.shipping.methods);
    const provider = chosenProvider(offered, f.provider);
    if (!checked.ok || !provider)
      return checkoutView(
        c,
        cart,
        f,
        { _form: 'fixErrors', ...(checked.ok ? {} : checked.errors), ...(provider ? {} : { provider: 'fixErrors' }) },
        offered,
      );
    const v = checked.value;
    const shipping = chargeFor(v.method, cart, v.address?.country ?? null);
    if (shipping === null) return checkoutView(c, cart, f, { _form: 'fixErrors', method: 'noShipTo' }, offered);
    const placed = await placeOrder(
      deps,
      opts.stock,
      opts.secret,
      store,
      c.get('buyer')?.id ?? null,
      cart,
      {
        idempotencyKey: f.idem,
        contactName: v.contactName,
        email: v.email,
        phone: v.phone,
        fulfilment: v.method.kind === 'pickup' ? 'pickup' : 'ship',
        address: v.address,
        methodId: v.method.id,
        methodName: v.method.name,
        shipping,
        note: v.note,
        provider,
        minDays: v.method.kind === 'pickup' ? null : v.method.minDays,
        maxDays: v.method.kind === 'pickup' ? null : v.method.maxDays,
      },
      holdMs,
    );
    if (!placed.ok) {
      if (placed.reason === 'short') return shortPage(c, placed.short);
      return c.redirect(`${store.base}/cart`, 303);
    }
    return repeat(c, placed.order);
  });

  /** The checkout form, each delivery method with the days it would arrive if paid now (the store's calendar). */
  async function checkoutView(
    c: ShopContext,
    cart: Awaited<ReturnType<typeof pricedCart>>,
    f: CheckoutForm,
    errors: FieldErrors,
    providers: ShopProvider[],
  ) {
    const { timeZone } = await storeFacts(deps.db, c.get('store').orgId, c.get('store').storeId);
    return checkoutPage(c, cart, f, errors, providers, { now: deps.clock(), timeZone });
  }

  /** A placed order: to the cashier while it is pending, else to its page. */
  function repeat(c: ShopContext, order: ShopOrder) {
    if (order.state === 'pending') return payRedirect(c, opts!, deps, order);
    return c.redirect(`${c.get('store').base}/orders/${order.id}?key=${orderAccessKey(opts!.secret, order.id)}`, 303);
  }

  shop.get('/orders/:id', async (c) => {
    await expire(c);
    const key = c.req.query('key') ?? null;
    let order = await visibleOrder(c, deps, c.req.param('id'), key);
    // Back from the cashier (or asked to check) before the notification: ask the provider.
    if (order.state === 'pending' && (c.req.query('out_trade_no') !== undefined || c.req.query('check') === '1')) {
      if (await confirmOrder(deps, opts.stock, opts.payments(order.storeId), order))
        order = (await orderInStore(deps.db, order.storeId, order.id))!;
    }
    // Cancel, return and the refunds' progress (the aftersale room), before the timeline is read.
    const aftersale = await loadAftersale(c, deps, opts, order, key);
    const code = order.fulfilment === 'pickup' ? pickupCode(opts.secret, order.id) : null;
    // The address holds the order's key: it goes to no other site, and is kept out of caches.
    c.header('Referrer-Policy', 'same-origin');
    const events = await orderEvents(deps, order);
    const reviews = await orderReviewLinks(
      deps.db,
      c.get('buyer'),
      order,
      events.map((e) => e.kind),
    );
    const { timeZone } = await storeFacts(deps.db, c.get('store').orgId, order.storeId);
    return orderPage(c, order, await orderLines(deps.db, order.id), events, {
      key: sameKey(key, order.accessKeyHash) ? key : null,
      pickupCode: code,
      reviews,
      timeZone,
      autoCompleteDays: await storeAutoCompleteDays(deps.db, c.get('store').orgId, order.storeId),
      aftersale,
    });
  });

  shop.post('/orders/:id/pay', async (c) => {
    await expire(c);
    const f = await form(c);
    const order = await visibleOrder(c, deps, c.req.param('id'), typeof f.key === 'string' ? f.key : null);
    return repeat(c, order);
  });

  shop.post('/orders/:id/received', async (c) => {
    const f = await form(c);
    const key = typeof f.key === 'string' ? f.key : null;
    const order = await visibleOrder(c, deps, c.req.param('id'), key);
    const events = await orderEvents(deps, order);
    if (order.state === 'paid' && events.some((e) => e.kind === 'delivered') && !events.some((e) => e.kind === 'received')) {
      const id = deps.ids();
      await deps.db.transaction(async (tx) => {
        // One confirmation per order, whichever process takes it.
        await tx.execute(sql`SELECT id FROM shop_orders WHERE id = ${order.id} FOR UPDATE`);
        const again = await orderEvents({ ...deps, db: tx }, order);
        if (again.some((e) => e.kind === 'received')) return;
        await writeFacts(deps, tx, order.orgId, order.storeId, [
          {
            e: 'online_order_event',
            i: id,
            d: {
              id,
              order_id: order.id,
              kind: 'received',
              carrier: null,
              tracking: null,
              note: '',
              terminal_code: null,
              staff_id: null,
              at: deps.clock(),
            },
          },
        ]);
      });
    }
    const q = key && sameKey(key, order.accessKeyHash) ? `?key=${key}` : '';
    return c.redirect(`${c.get('store').base}/orders/${order.id}${q}`, 303);
  });

  shop.get('/account/orders', async (c) => {
    const buyer = c.get('buyer');
    if (!buyer) return c.redirect(`${c.get('store').base}/account`, 303);
    const store = c.get('store');
    const orders = await deps.db
      .select()
      .from(shopOrders)
      .where(and(eq(shopOrders.storeId, store.storeId), eq(shopOrders.buyerId, buyer.id)))
      .orderBy(desc(shopOrders.createdAt))
      .limit(100);
    // Counter sales the buyer claimed from their receipts.
    const claimed = await claimedSales(deps.db, store, buyer);
    return ordersListPage(
      c,
      orders,
      claimed.length ? purchasesList(c, claimed, (await storeFacts(deps.db, store.orgId, store.storeId)).timeZone) : null,
    );
  });
}
