import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { preparedRowsOf } from '../../db/open';
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
    // Whether its projections are built, and the settings every catalog page needs, come in the
    // same round trip: every page asks.
    const [row] = await preparedRowsOf<{
      org_id: string;
      name: string;
      projected: boolean;
      recs_built: boolean;
      pricing: boolean;
      settings: Record<string, string> | null;
    }>(
      deps.db,
      sql`SELECT s.org_id, s.name,
            EXISTS (SELECT 1 FROM shop_projected_orgs o WHERE o.org_id = s.org_id) AS projected,
            EXISTS (SELECT 1 FROM shop_rec_built_orgs r WHERE r.org_id = s.org_id) AS recs_built,
            EXISTS (SELECT 1 FROM records pr WHERE pr.org_id = s.org_id AND pr.entity IN ('promotion', 'price_list') AND pr.store_id = '') AS pricing,
            (SELECT json_object_agg(ss.key, ss.value) FROM shop_store_settings ss
              WHERE ss.org_id = s.org_id AND ss.store_id = s.id::text AND ss.key IN (${sql.join(
                FACT_KEYS.map((k) => sql`${k}`),
                sql`, `,
              )})) AS settings
          FROM stores s WHERE s.id = ${id.data}`,
    );
    if (!row) throw new CloudHttpError(404, 'NOT_FOUND', 'No such shop');
    const settings = row.settings ?? {};
    c.set('store', {
      orgId: row.org_id,
      storeId: id.data,
      name: row.name,
      projected: row.projected === true,
      recsBuilt: row.recs_built === true,
      pricing: row.pricing === true,
      base: `/shop/${id.data}`,
      facts: factsOf(settings),
      safetyBuffer: safetyBufferOf(settings.onlineSafetyBuffer),
    });
    await next();
  };
}
