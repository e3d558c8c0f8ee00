import { eq, sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { stores } from '../../db/schema';
import { CloudHttpError, type CloudDeps } from '../../deps';
import type { ShopEnv } from './env';

const storeId = z.uuid();

/** Resolves `/shop/:store/…` to its store and organisation; an unknown store is a 404 page. */
export function resolveStore(deps: CloudDeps): MiddlewareHandler<ShopEnv> {
  return async (c, next) => {
    const id = storeId.safeParse(c.req.param('store'));
    if (!id.success) throw new CloudHttpError(404, 'NOT_FOUND', 'No such shop');
    // Whether its projections are built comes in the same round trip: every page asks.
    const [row] = await deps.db
      .select({
        orgId: stores.orgId,
        name: stores.name,
        // Named in full: drizzle writes a bare column name here, which the subquery would read as its own.
        projected: sql<boolean>`EXISTS (SELECT 1 FROM shop_projected_orgs o WHERE o.org_id = "stores"."org_id")`,
      })
      .from(stores)
      .where(eq(stores.id, id.data))
      .limit(1);
    if (!row) throw new CloudHttpError(404, 'NOT_FOUND', 'No such shop');
    c.set('store', { orgId: row.orgId, storeId: id.data, name: row.name, projected: row.projected === true, base: `/shop/${id.data}` });
    await next();
  };
}
