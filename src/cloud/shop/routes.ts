/**
 * The online shop: one per store, at `/shop/<store id>/`. Pages are rendered on the server in the
 * buyer's language; forms post back with a CSRF token; nothing is kept in memory between requests.
 */
import { Hono } from 'hono';
import { CloudHttpError, type CloudDeps } from '../deps';
import { registerBuyerRoutes, type BuyerOptions } from './buyers/routes';
import { loadBuyer } from './buyers/session';
import { registerCatalogRoutes } from './catalog/routes';
import { recordShopEvents } from './insight/events';
import { registerReviewRoutes } from './reviews/routes';
import { registerReceiptRoutes } from './receipts/routes';
import type { RateLimit } from '../guards';
import { registerPictureRoutes } from './pictures/routes';
import { registerAftersaleRoutes } from './aftersale/routes';
import type { CheckoutOptions } from './checkout/access';
import { registerCheckoutRoutes, registerPaymentNotices } from './checkout/routes';
import { registerPayRoutes, registerProviderNotices } from './payments/routes';
import { csrf } from './web/csrf';
import type { ShopEnv } from './web/env';
import { pickLang } from './web/lang';
import { errorPage } from './web/page';
import { resolveStore } from './web/store';
import { frameWords } from './web/words';

export interface ShopOptions extends BuyerOptions {
  /** Cookies marked Secure: the shop is served behind TLS (always, outside tests and loopback). */
  secureCookies?: boolean;
  /** Cart, checkout and payment (absent: the shop shows its catalog only). */
  checkout?: CheckoutOptions;
  /** Per client address over the receipt pages (`/r/<key>`); `false` only for in-process tests. */
  receiptRateLimit?: RateLimit | false;
}

const FRAME_CODES: Record<string, 'csrf' | 'tooLarge' | 'tooMany'> = { CSRF: 'csrf', TOO_LARGE: 'tooLarge', RATE_LIMITED: 'tooMany' };

export function buildShopApp(deps: CloudDeps, opts: ShopOptions = {}): Hono<ShopEnv> {
  const shop = new Hono<ShopEnv>();
  shop.onError((err, c) => {
    if (!c.get('lang')) c.set('lang', pickLang(c));
    if (err instanceof CloudHttpError) {
      if (!c.get('store')) return c.text(err.message, err.status);
      // The frame's own refusals speak the buyer's language; the rooms throw messages already localised.
      const word = err.status === 404 ? 'notFound' : FRAME_CODES[err.code];
      return errorPage(c, err.status, word ? frameWords(c.get('lang'), word) : err.message);
    }
    console.error('[shop] request failed', err);
    if (!c.get('store')) return c.text('Unexpected error', 500);
    return errorPage(c, 500, frameWords(c.get('lang'), 'failed'));
  });
  shop.use('*', async (c, next) => {
    c.set('lang', pickLang(c));
    await next();
  });
  shop.use('*', resolveStore(deps));
  registerPictureRoutes(shop, deps);
  registerPaymentNotices(shop, deps, opts.checkout);
  registerProviderNotices(shop, deps, opts.checkout);
  shop.use('*', csrf({ secure: opts.secureCookies ?? false }));
  shop.use('*', loadBuyer(deps, opts));
  // What buyers do, for the manager: first-party events written after each page (insight/).
  shop.use('*', recordShopEvents(deps));
  shop.notFound((c) => errorPage(c, 404, frameWords(c.get('lang'), 'notFound')));
  registerCatalogRoutes(shop, deps);
  registerBuyerRoutes(shop, deps, opts);
  registerCheckoutRoutes(shop, deps, opts.checkout);
  registerPayRoutes(shop, deps, opts.checkout);
  registerReviewRoutes(shop, deps);
  registerReceiptRoutes(shop, deps, { rateLimit: opts.receiptRateLimit });
  registerAftersaleRoutes(shop, deps, opts.checkout);
  return shop;
}
