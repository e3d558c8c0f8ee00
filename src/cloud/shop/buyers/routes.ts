import type { Hono } from 'hono';
import type { CloudDeps } from '../../deps';
import type { ShopEnv } from '../web/env';

/** Sign up, sign in, verification, password reset, address book, order history. */
export function registerBuyerRoutes(_shop: Hono<ShopEnv>, _deps: CloudDeps): void {}
