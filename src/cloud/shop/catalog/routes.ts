import type { Hono } from 'hono';
import type { CloudDeps } from '../../deps';
import { html, page } from '../web/page';
import type { ShopEnv } from '../web/env';

/** Home, category lists, product pages, search. */
export function registerCatalogRoutes(shop: Hono<ShopEnv>, _deps: CloudDeps): void {
  shop.get('/', (c) => page(c, c.get('store').name, html`<h1>${c.get('store').name}</h1>`));
}
