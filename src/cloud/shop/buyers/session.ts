import type { MiddlewareHandler } from 'hono';
import type { CloudDeps } from '../../deps';
import type { ShopEnv } from '../web/env';

/** Sets `buyer` from the session cookie (null when signed out). */
export function loadBuyer(_deps: CloudDeps): MiddlewareHandler<ShopEnv> {
  return async (c, next) => {
    c.set('buyer', null);
    await next();
  };
}
