/**
 * WeChat Pay's and Stripe's notifications to a store's shop, the WeChat Pay QR page, the small
 * status endpoint that page polls, and the start of a WeChat Pay or Stripe payment for a placed order.
 */
import type { Hono } from 'hono';
import type { CloudDeps } from '../../deps';
import { RateLimiter, boundBodies, rateLimited } from '../../guards';
import { MAX_NOTICE_BYTES, NOTIFY_RATE_LIMIT } from '../../payments/routes';
import type { ShopContext, ShopEnv } from '../web/env';
import { errorPage } from '../web/page';
import { expireDue, orderAccessKey, orderInStore, type ShopOrder } from '../checkout/orders';
import { origin, visibleOrder, type CheckoutOptions } from '../checkout/access';
import { checkoutWords } from '../checkout/words';
import { wechatPayPage } from './pages';
import { confirmOrder } from './providers';
import { claimQuery } from './starts';
import { receiveStripeWebhook, startStripe } from './stripe';
import { receiveWechatNotice, startWechat } from './wechat';

/** The pay page polls every few seconds; the provider is asked about an order at most this often, across all processes. */
export const QUERY_EVERY_MS = 5000;

/** Registered before the CSRF check: the provider has no token; its signature is what proves it. */
export function registerProviderNotices(shop: Hono<ShopEnv>, deps: CloudDeps, opts: CheckoutOptions | undefined): void {
  if (!opts) return;
  for (const [path, receive] of [
    ['/pay/wechat/notify', receiveWechatNotice],
    ['/pay/stripe/notify', receiveStripeWebhook],
  ] as const) {
    shop.use(path, boundBodies(MAX_NOTICE_BYTES));
    if (opts.rateLimit !== false) shop.use(path, rateLimited(new RateLimiter(opts.rateLimit ?? NOTIFY_RATE_LIMIT)));
    shop.post(path, async (c) => {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      // The raw body as sent: both signatures are over its exact bytes.
      const reply = await receive(deps, opts.stock, opts.payments, c.get('store'), headers, await c.req.text());
      return c.body(reply.body, reply.status as 200, reply.headers);
    });
  }
}

const subjectOf = (c: ShopContext, order: ShopOrder) => `${c.get('store').name} ${order.shopNumber}`;

/**
 * Sends the buyer of a pending WeChat Pay or Stripe order on to pay: to the QR page, or to the
 * order's Stripe Checkout page (made on the first visit, the same one afterwards).
 */
export async function startPayment(c: ShopContext, deps: CloudDeps, opts: CheckoutOptions, order: ShopOrder): Promise<Response> {
  const lang = c.get('lang');
  const base = `${origin(c, opts)}${c.get('store').base}`;
  const key = orderAccessKey(opts.secret, order.id);
  const cfg = opts.payments(order.storeId);
  if (order.provider === 'wechat' && cfg?.wechat) return c.redirect(`${c.get('store').base}/orders/${order.id}/wechat?key=${key}`, 303);
  if (order.provider === 'stripe' && cfg?.stripe) {
    const started = await startStripe(
      deps,
      cfg.stripe,
      order,
      { successUrl: `${base}/orders/${order.id}?key=${key}&check=1`, cancelUrl: `${base}/orders/${order.id}?key=${key}` },
      subjectOf(c, order),
      lang,
    );
    if (started.ok && started.url) return c.redirect(started.url, 303);
    console.error('[shop] Stripe Checkout could not start', started.ok ? 'no url' : started.message);
    return errorPage(c, 502, checkoutWords(lang, 'paymentFailed'));
  }
  return errorPage(c, 409, checkoutWords(lang, 'noPayment'));
}

export function registerPayRoutes(shop: Hono<ShopEnv>, deps: CloudDeps, opts: CheckoutOptions | undefined): void {
  if (!opts) return;

  shop.get('/orders/:id/wechat', async (c) => {
    await expireDue(deps, opts.stock, c.get('store').storeId);
    const key = c.req.query('key') ?? null;
    const order = await visibleOrder(c, deps, c.req.param('id'), key);
    const cfg = opts.payments(order.storeId)?.wechat;
    const q = key ? `?key=${encodeURIComponent(key)}` : '';
    if (order.state !== 'pending' || order.provider !== 'wechat' || !cfg)
      return c.redirect(`${c.get('store').base}/orders/${order.id}${q}`, 303);
    const base = `${origin(c, opts)}${c.get('store').base}`;
    const started = await startWechat(deps, cfg, order, `${base}/pay/wechat/notify`, subjectOf(c, order));
    if (!started.ok) {
      console.error('[shop] WeChat Pay could not start', started.message);
      return errorPage(c, 502, checkoutWords(c.get('lang'), 'paymentFailed'));
    }
    return wechatPayPage(c, order, started.ref, key, deps.clock());
  });

  /** The order's state for the pay page's script; a pending order's provider is asked at most every few seconds. */
  shop.get('/orders/:id/status', async (c) => {
    await expireDue(deps, opts.stock, c.get('store').storeId);
    let order = await visibleOrder(c, deps, c.req.param('id'), c.req.query('key') ?? null);
    if (order.state === 'pending' && order.provider !== 'alipay' && (await claimQuery(deps.db, order.id, deps.clock(), QUERY_EVERY_MS))) {
      if (await confirmOrder(deps, opts.stock, opts.payments(order.storeId), order))
        order = (await orderInStore(deps.db, order.storeId, order.id)) ?? order;
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ state: order.state, expiresAt: order.expiresAt });
  });
}
