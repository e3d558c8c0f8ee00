import { eq, sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { stores } from '../../db/schema';
import { CloudHttpError, type CloudDeps } from '../../deps';
import { FACT_KEYS, factsOf } from '../catalog/queries';
import { safetyBufferOf } from '../catalog/stock';
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
        recsBuilt: sql<boolean>`EXISTS (SELECT 1 FROM shop_rec_built_orgs r WHERE r.org_id = "stores"."org_id")`,
        // The settings every catalog page needs, so that no page asks for them again.
        settings: sql<Record<string, string> | null>`(SELECT json_object_agg(ss.key, ss.value) FROM shop_store_settings ss
          WHERE ss.org_id = "stores"."org_id" AND ss.store_id = "stores"."id"::text AND ss.key IN (${sql.join(
            FACT_KEYS.map((k) => sql`${k}`),
            sql`, `,
          )}))`,
      })
      .from(stores)
      .where(eq(stores.id, id.data))
      .limit(1);
    if (!row) throw new CloudHttpError(404, 'NOT_FOUND', 'No such shop');
    const settings = row.settings ?? {};
    c.set('store', {
      orgId: row.orgId,
      storeId: id.data,
      name: row.name,
      projected: row.projected === true,
      recsBuilt: row.recsBuilt === true,
      base: `/shop/${id.data}`,
      facts: factsOf(settings),
      safetyBuffer: safetyBufferOf(settings.onlineSafetyBuffer),
    });
    await next();
  };
}
