import type { Hono } from 'hono';
import type { CloudDeps } from '../../deps';
import type { ShopEnv } from '../web/env';

/** Cart, checkout, payment, the buyer's order pages. */
export function registerCheckoutRoutes(_shop: Hono<ShopEnv>, _deps: CloudDeps): void {}
