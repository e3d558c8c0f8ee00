/** What a manager signed in to the cloud sees: sales and stock per store, and rejected changes. */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { CloudRejection, StockRow, StoreOverview } from '../shared/sync/protocol';
import { rowsOf } from './db/open';
import { devices, rejections, stores } from './db/schema';
import { CloudHttpError, type CloudDeps } from './deps';
import { parseMutableBody } from './records';
import type { AuthDevice, AuthStaff } from './tenancy';

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function overview(deps: CloudDeps, device: AuthDevice): Promise<StoreOverview[]> {
  const org = device.orgId;
  const dayAgo = deps.clock() - 24 * 3600_000;
  const storeRows = await deps.db.select().from(stores).where(eq(stores.orgId, org)).orderBy(stores.createdAt);
  const sales = await rowsOf<{ store_id: string; n: unknown; total: unknown; n_day: unknown; total_day: unknown; currency: string | null }>(
    deps.db,
    sql`SELECT store_id, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total,
               COUNT(*) FILTER (WHERE at >= ${dayAgo}) AS n_day, COALESCE(SUM(amount) FILTER (WHERE at >= ${dayAgo}), 0) AS total_day,
               MAX(ref_id) AS currency
        FROM records WHERE org_id = ${org} AND entity = 'order' GROUP BY store_id`,
  );
  const stock = await rowsOf<{ store_id: string; lines: unknown; units: unknown }>(
    deps.db,
    sql`SELECT store_id, COUNT(*) AS lines, COALESCE(SUM(q), 0) AS units FROM (
          SELECT store_id, ref_id, SUM(qty) AS q FROM records WHERE org_id = ${org} AND entity = 'stock_movement' GROUP BY store_id, ref_id
        ) t GROUP BY store_id`,
  );
  const currencies = await rowsOf<{ store_id: string; body: string }>(
    deps.db,
    sql`SELECT store_id, body FROM records WHERE org_id = ${org} AND entity = 'setting' AND entity_id = 'currency'`,
  );
  const devs = await deps.db
    .select()
    .from(devices)
    .where(and(eq(devices.orgId, org), isNull(devices.revokedAt)));
  return storeRows.map((s) => {
    const sa = sales.find((r) => r.store_id === s.id);
    const st = stock.find((r) => r.store_id === s.id);
    const cur = currencies.find((r) => r.store_id === s.id);
    const mine = devs.filter((d) => d.storeId === s.id);
    const seen = mine.map((d) => d.lastSeenAt ?? 0).filter((t) => t > 0);
    return {
      id: s.id,
      name: s.name,
      orders: num(sa?.n),
      salesTotal: num(sa?.total),
      ordersLastDay: num(sa?.n_day),
      salesLastDay: num(sa?.total_day),
      currency: (cur ? (parseMutableBody(cur.body).d.value as string | undefined) : undefined) ?? sa?.currency ?? null,
      stockLines: num(st?.lines),
      stockUnits: num(st?.units),
      terminals: mine.length,
      lastSeenAt: seen.length ? Math.max(...seen) : null,
    };
  });
}

/** Stock per product in one store: the sum of its ledger, with the product's SKU and names (both, for either screen language). */
export async function storeStock(
  deps: CloudDeps,
  device: AuthDevice,
  q: { storeId: string; search: string; offset: number; limit: number },
): Promise<{ rows: StockRow[]; total: number }> {
  const [store] = await deps.db
    .select()
    .from(stores)
    .where(and(eq(stores.id, q.storeId), eq(stores.orgId, device.orgId)));
  if (!store) throw new CloudHttpError(404, 'NOT_FOUND', 'Store not found');
  const like = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await rowsOf<{ product_id: string; qty: unknown; body: string | null; total: unknown }>(
    deps.db,
    sql`WITH levels AS (
          SELECT ref_id AS product_id, SUM(qty) AS qty FROM records
          WHERE org_id = ${device.orgId} AND store_id = ${store.id} AND entity = 'stock_movement' GROUP BY ref_id),
        named AS (
          SELECT l.product_id, l.qty, p.body FROM levels l
          LEFT JOIN records p ON p.org_id = ${device.orgId} AND p.entity = 'product' AND p.store_id = '' AND p.entity_id = l.product_id
          WHERE ${q.search} = '' OR p.body ILIKE ${like})
        SELECT product_id, qty, body, COUNT(*) OVER () AS total FROM named
        ORDER BY body IS NULL, (body::jsonb)->'d'->>'name', product_id LIMIT ${q.limit} OFFSET ${q.offset}`,
  );
  return {
    total: num(rows[0]?.total),
    rows: rows.map((r) => {
      const d = r.body ? parseMutableBody(r.body).d : {};
      return {
        productId: r.product_id,
        sku: typeof d.sku === 'string' ? d.sku : null,
        name: typeof d.name === 'string' ? d.name : null,
        altName: typeof d.alt_name === 'string' && d.alt_name ? d.alt_name : null,
        qty: num(r.qty),
      };
    }),
  };
}

export async function listRejections(deps: CloudDeps, device: AuthDevice): Promise<CloudRejection[]> {
  const rows = await deps.db
    .select({ r: rejections, code: devices.terminalCode })
    .from(rejections)
    .leftJoin(devices, eq(devices.id, rejections.deviceId))
    .where(eq(rejections.orgId, device.orgId))
    .orderBy(sql`${rejections.resolvedAt} IS NOT NULL`, desc(rejections.createdAt))
    .limit(200);
  return rows.map(({ r, code }) => ({
    id: r.id,
    storeId: r.storeId,
    terminalCode: code,
    mutationId: r.mutationId,
    entity: r.entity,
    entityId: r.entityId,
    code: r.code,
    message: r.message,
    createdAt: r.createdAt,
    resolvedAt: r.resolvedAt,
  }));
}

export async function resolveRejection(deps: CloudDeps, device: AuthDevice, staff: AuthStaff, id: string): Promise<void> {
  const res = await rowsOf<{ id: string }>(
    deps.db,
    sql`UPDATE rejections SET resolved_at = ${deps.clock()}, resolved_by = ${staff.id}
        WHERE id = ${id} AND org_id = ${device.orgId} RETURNING id`,
  );
  if (res.length === 0) throw new CloudHttpError(404, 'NOT_FOUND', 'Rejection not found');
}
