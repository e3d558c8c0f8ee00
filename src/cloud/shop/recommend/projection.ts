/**
 * Keeping the recommendation projections (schema.ts) as sales merge: called with the rows a push
 * or the shop itself just wrote, in the same transaction, under the organisation's lock.
 *
 * - An `order` fact (a counter sale, or a paid online order written by the cloud) is counted once:
 *   its distinct products, at most MAX_ORDER_PRODUCTS of them, each gain an order and each pair of
 *   them gains a co-purchase. An order that names a customer also keeps its products per customer.
 * - A void (a `refund` of kind `void`) or a cancelled online order takes its order's counts back:
 *   the sale never happened. Returns and exchanges leave them: the buyer did choose those products
 *   together (a return is mostly about one item's fit or fault), and a refund never adds anything.
 * - `shop_rec_orders` makes all of this idempotent: a resent fact, a catalog rebuild passing the
 *   same orders again, or the backfill meeting an order already counted, change nothing.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import type { RecordRow } from '../../records';

type Written = Pick<RecordRow, 'entity' | 'storeId' | 'entityId' | 'kind' | 'body'>;
type Data = Record<string, unknown>;

/**
 * The products an order is counted with: its most valuable distinct products. An order of n
 * products makes n·(n−1) pair rows, so a 200-line restocking order would write 39,800 of them,
 * and a basket that large says little about what goes with what. Twenty keeps the write at 380
 * rows at most and covers nearly every basket bought at a counter or online; the lines the buyer
 * paid most for are the ones they came for.
 */
export const MAX_ORDER_PRODUCTS = 20;

const texts = (values: (string | null)[]) => sql`${sql.param(values)}::text[]`;
const bigints = (values: number[]) => sql`${sql.param(values.map(String))}::bigint[]`;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : 0);

interface Counted {
  storeId: string;
  orderId: string;
  products: string[];
  customerKey: string | null;
  at: number;
}

/** An order's counted products: distinct, by what the buyer paid for them (most first), then by id. */
export function orderProducts(lines: Data[]): string[] {
  const value = new Map<string, number>();
  for (const l of lines) {
    const pid = str(l.product_id);
    if (!pid || int(l.qty) <= 0) continue;
    value.set(pid, (value.get(pid) ?? 0) + Math.max(0, int(l.total)));
  }
  return [...value]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_ORDER_PRODUCTS)
    .map(([pid]) => pid);
}

/** Projects `rows` (as written to `records`); anything but orders, voids and cancellations is ignored. */
export async function projectRecommendations(tx: CloudDb, orgId: string, rows: Written[]): Promise<void> {
  const orders = new Map<string, Counted>();
  const online: Counted[] = [];
  const undone: { storeId: string; orderId: string }[] = [];
  for (const r of rows) {
    if (r.kind === 'mutable') continue;
    if (r.entity === 'order') {
      const body = JSON.parse(r.body) as { d: Data; ch?: Record<string, Data[]> };
      const o: Counted = {
        storeId: r.storeId,
        orderId: r.entityId,
        products: orderProducts(body.ch?.order_lines ?? []),
        customerKey: str(body.d.customer_id) ? `c:${str(body.d.customer_id)}` : null,
        at: int(body.d.created_at),
      };
      if (orders.has(`${o.storeId}\u0000${o.orderId}`)) continue;
      orders.set(`${o.storeId}\u0000${o.orderId}`, o);
      if (body.d.source === 'online' && !o.customerKey) online.push(o);
    } else if (r.entity === 'refund' || r.entity === 'online_order_event') {
      const d = (JSON.parse(r.body) as { d: Data }).d;
      const orderId = str(d.order_id);
      const undoes = r.entity === 'refund' ? d.kind === 'void' : d.kind === 'cancelled';
      if (orderId && undoes) undone.push({ storeId: r.storeId, orderId });
    }
  }
  if (orders.size > 0) {
    if (online.length > 0) await attachBuyers(tx, orgId, online);
    await countOrders(tx, orgId, [...orders.values()]);
  }
  if (undone.length > 0) await undoOrders(tx, orgId, undone);
}

/** An online order's buyer is on its `online_order` (written with it, so already in `records`); a guest has none. */
async function attachBuyers(tx: CloudDb, orgId: string, orders: Counted[]): Promise<void> {
  const found = await rowsOf<{ store_id: string; entity_id: string; body: string }>(
    tx,
    sql`SELECT store_id, entity_id, body FROM records
        WHERE org_id = ${orgId} AND entity = 'online_order'
          AND (store_id, entity_id) IN (SELECT * FROM unnest(${texts(orders.map((o) => o.storeId))}, ${texts(orders.map((o) => o.orderId))}))`,
  );
  const buyers = new Map<string, string>();
  for (const f of found) {
    const buyer = str((JSON.parse(f.body) as { d: Data }).d.buyer_id);
    if (buyer) buyers.set(`${f.store_id}\u0000${f.entity_id}`, buyer);
  }
  for (const o of orders) {
    const buyer = buyers.get(`${o.storeId}\u0000${o.orderId}`);
    if (buyer) o.customerKey = `b:${buyer}`;
  }
}

async function countOrders(tx: CloudDb, orgId: string, orders: Counted[]): Promise<void> {
  // Only the orders this call inserts are counted: the others were counted (or voided) before.
  const inserted = await rowsOf<{ store_id: string; order_id: string }>(
    tx,
    sql`INSERT INTO shop_rec_orders (org_id, store_id, order_id, products, customer_key, at)
        SELECT ${orgId}::uuid, x.store_id, x.order_id, string_to_array(x.products, ','), x.customer_key, x.at
        FROM unnest(${texts(orders.map((o) => o.storeId))}, ${texts(orders.map((o) => o.orderId))},
          ${texts(orders.map((o) => o.products.join(',')))}, ${texts(orders.map((o) => o.customerKey))},
          ${bigints(orders.map((o) => o.at))}) AS x(store_id, order_id, products, customer_key, at)
        ON CONFLICT (org_id, store_id, order_id) DO NOTHING
        RETURNING store_id, order_id`,
  );
  const fresh = new Set(inserted.map((r) => `${r.store_id}\u0000${r.order_id}`));
  await applyCounts(
    tx,
    orgId,
    orders.filter((o) => fresh.has(`${o.storeId}\u0000${o.orderId}`)),
    +1,
  );
}

async function undoOrders(tx: CloudDb, orgId: string, undone: { storeId: string; orderId: string }[]): Promise<void> {
  const stores = texts(undone.map((u) => u.storeId));
  const ids = texts(undone.map((u) => u.orderId));
  const taken = await rowsOf<{ store_id: string; order_id: string; products: string[]; customer_key: string | null; at: string | number }>(
    tx,
    sql`UPDATE shop_rec_orders SET voided = true
        WHERE org_id = ${orgId} AND NOT voided AND (store_id, order_id) IN (SELECT * FROM unnest(${stores}, ${ids}))
        RETURNING store_id, order_id, products, customer_key, at`,
  );
  // An order not seen yet (its void came first) is marked so that it is never counted.
  await tx.execute(sql`
    INSERT INTO shop_rec_orders (org_id, store_id, order_id, products, customer_key, at, voided)
    SELECT ${orgId}::uuid, x.store_id, x.order_id, '{}', NULL, 0, true FROM unnest(${stores}, ${ids}) AS x(store_id, order_id)
    ON CONFLICT (org_id, store_id, order_id) DO NOTHING`);
  await applyCounts(
    tx,
    orgId,
    taken.map((t) => ({ storeId: t.store_id, orderId: t.order_id, products: t.products, customerKey: t.customer_key, at: Number(t.at) })),
    -1,
  );
}

/** Adds (`sign` 1) or takes back (−1) the orders' products, pairs and customer lines, one statement per table. */
async function applyCounts(tx: CloudDb, orgId: string, orders: Counted[], sign: 1 | -1): Promise<void> {
  if (orders.length === 0) return;
  const products = new Map<string, { n: number; at: number }>();
  const pairs = new Map<string, { n: number; at: number }>();
  const bump = (m: Map<string, { n: number; at: number }>, k: string, at: number) => {
    const v = m.get(k);
    if (v) {
      v.n += 1;
      v.at = Math.max(v.at, at);
    } else m.set(k, { n: 1, at });
  };
  const lines: { customer: string; order: string; product: string; at: number }[] = [];
  for (const o of orders) {
    for (const a of o.products) {
      bump(products, a, o.at);
      for (const b of o.products) if (a !== b) bump(pairs, `${a}\u0000${b}`, o.at);
      if (o.customerKey) lines.push({ customer: o.customerKey, order: o.orderId, product: a, at: o.at });
    }
  }
  const pList = [...products];
  if (pList.length > 0)
    await tx.execute(sql`
      INSERT INTO shop_rec_products (org_id, product_id, orders, last_at)
      SELECT ${orgId}::uuid, x.id, x.n, x.at FROM unnest(${texts(pList.map(([k]) => k))}, ${bigints(pList.map(([, v]) => sign * v.n))},
        ${bigints(pList.map(([, v]) => v.at))}) AS x(id, n, at)
      ON CONFLICT (org_id, product_id) DO UPDATE SET orders = GREATEST(0, shop_rec_products.orders + excluded.orders),
        last_at = GREATEST(shop_rec_products.last_at, excluded.last_at)`);
  const list = [...pairs].map(([k, v]) => ({ a: k.slice(0, k.indexOf('\u0000')), b: k.slice(k.indexOf('\u0000') + 1), ...v }));
  if (list.length > 0 && sign > 0)
    await tx.execute(sql`
      INSERT INTO shop_rec_pairs (org_id, product_a, product_b, n, last_at)
      SELECT ${orgId}::uuid, x.a, x.b, x.n, x.at
      FROM unnest(${texts(list.map((p) => p.a))}, ${texts(list.map((p) => p.b))}, ${bigints(list.map((p) => p.n))},
        ${bigints(list.map((p) => p.at))}) AS x(a, b, n, at)
      ON CONFLICT (org_id, product_a, product_b) DO UPDATE SET n = shop_rec_pairs.n + excluded.n,
        last_at = GREATEST(shop_rec_pairs.last_at, excluded.last_at)`);
  if (list.length > 0 && sign < 0) {
    const a = texts(list.map((p) => p.a));
    const b = texts(list.map((p) => p.b));
    await tx.execute(sql`
      UPDATE shop_rec_pairs p SET n = p.n - x.n
      FROM unnest(${a}, ${b}, ${bigints(list.map((p) => p.n))}) AS x(a, b, n)
      WHERE p.org_id = ${orgId} AND p.product_a = x.a AND p.product_b = x.b`);
    await tx.execute(sql`
      DELETE FROM shop_rec_pairs WHERE org_id = ${orgId} AND n <= 0
        AND (product_a, product_b) IN (SELECT * FROM unnest(${a}, ${b}))`);
  }
  if (lines.length > 0 && sign > 0)
    await tx.execute(sql`
      INSERT INTO shop_rec_customer_lines (org_id, customer_key, order_id, product_id, at)
      SELECT ${orgId}::uuid, x.c, x.o, x.p, x.at
      FROM unnest(${texts(lines.map((l) => l.customer))}, ${texts(lines.map((l) => l.order))}, ${texts(lines.map((l) => l.product))},
        ${bigints(lines.map((l) => l.at))}) AS x(c, o, p, at)
      ON CONFLICT DO NOTHING`);
  if (lines.length > 0 && sign < 0)
    await tx.execute(sql`
      DELETE FROM shop_rec_customer_lines WHERE org_id = ${orgId}
        AND (customer_key, order_id) IN (SELECT * FROM unnest(${texts(lines.map((l) => l.customer))}, ${texts(lines.map((l) => l.order))}))`);
}

/** Sales, then what undoes them: the order in which the backfill reads an organisation's records. */
const BACKFILL_ENTITIES = ['order', 'refund', 'online_order_event'] as const;

/**
 * Counts an organisation's sales from before this projection existed, under the organisation's
 * lock so no push lands half-way. Orders counted since (by the keeper) are skipped by
 * shop_rec_orders, so the result is the same whichever came first. Runs once per organisation:
 * `ensureRecommendations` calls it lazily on the first page that shows recommendations.
 */
export async function backfillRecommendations(deps: Pick<CloudDeps, 'db' | 'clock'>, orgId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM orgs WHERE id = ${orgId} FOR NO KEY UPDATE`);
    const [done] = await rowsOf<{ one: number }>(tx, sql`SELECT 1 AS one FROM shop_rec_built_orgs WHERE org_id = ${orgId}`);
    if (done) return;
    for (const entity of BACKFILL_ENTITIES) {
      let after = { storeId: '', entityId: '' };
      for (;;) {
        const page = await rowsOf<{ store_id: string; entity_id: string; kind: RecordRow['kind']; body: string }>(
          tx,
          sql`SELECT store_id, entity_id, kind, body FROM records
              WHERE org_id = ${orgId} AND entity = ${entity} AND (store_id, entity_id) > (${after.storeId}, ${after.entityId})
              ORDER BY store_id, entity_id LIMIT 1000`,
        );
        if (page.length === 0) break;
        await projectRecommendations(
          tx,
          orgId,
          page.map((r) => ({ entity, storeId: r.store_id, entityId: r.entity_id, kind: r.kind, body: r.body })),
        );
        const last = page[page.length - 1]!;
        after = { storeId: last.store_id, entityId: last.entity_id };
      }
    }
    await tx.execute(sql`INSERT INTO shop_rec_built_orgs (org_id, built_at) VALUES (${orgId}, ${deps.clock()}) ON CONFLICT DO NOTHING`);
  });
}

/** Counts the organisation's earlier sales if that never happened (one index probe when it did). */
export async function ensureRecommendations(deps: Pick<CloudDeps, 'db' | 'clock'>, orgId: string): Promise<void> {
  const [done] = await rowsOf<{ one: number }>(deps.db, sql`SELECT 1 AS one FROM shop_rec_built_orgs WHERE org_id = ${orgId}`);
  if (!done) await backfillRecommendations(deps, orgId);
}

/** A product keeps at least its strongest this many partners (the page reads its top 200). */
export const KEEP_PAIRS = 500;
/** A pair beyond a product's strongest KEEP_PAIRS is kept while it was bought together this recently. */
export const PAIR_GRACE_MS = 30 * 86_400_000;

/**
 * Keeps `shop_rec_pairs` from growing without bound: for each product with more than `keep`
 * partners, the pairs beyond its `keep` strongest (by count, then the latest purchase) that were
 * last bought together before the grace period are deleted. A pair bought again later starts
 * again from one. Only the product's own side goes (the row `a → b`): the partner's list is
 * pruned by the partner's own rank, so a pair that matters to one of them stays there.
 * Answers how many pairs were deleted; at most `products` products a run.
 */
export async function pruneRecommendationPairs(
  deps: Pick<CloudDeps, 'db' | 'clock'>,
  opts: { keep?: number; graceMs?: number; products?: number } = {},
): Promise<number> {
  const keep = opts.keep ?? KEEP_PAIRS;
  const before = deps.clock() - (opts.graceMs ?? PAIR_GRACE_MS);
  const crowded = await rowsOf<{ org_id: string; product_a: string }>(
    deps.db,
    sql`SELECT org_id, product_a FROM shop_rec_pairs GROUP BY org_id, product_a HAVING COUNT(*) > ${keep}
        LIMIT ${opts.products ?? 200}`,
  );
  let gone = 0;
  for (const c of crowded) {
    const deleted = await rowsOf<{ product_b: string }>(
      deps.db,
      sql`DELETE FROM shop_rec_pairs p
          WHERE p.org_id = ${c.org_id} AND p.product_a = ${c.product_a} AND p.last_at < ${before}
            AND p.product_b NOT IN (
              SELECT t.product_b FROM shop_rec_pairs t WHERE t.org_id = ${c.org_id} AND t.product_a = ${c.product_a}
              ORDER BY t.n DESC, t.last_at DESC, t.product_b LIMIT ${keep})
          RETURNING p.product_b`,
    );
    gone += deleted.length;
  }
  return gone;
}
