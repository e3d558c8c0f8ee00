/**
 * Stock and availability online. All quantities are thousandths, like the stock ledger (a unit of
 * an `each` product is 1000).
 *
 * Available online = the store's stock as the cloud knows it (shop_stock: the sum of its stock
 * movements) − the safety buffer (the listing's, else the store's `onlineSafetyBuffer` setting,
 * else 0) − what open reservations hold, never below 0. A reservation holds until it expires or is
 * released; once consumed by a paid order it keeps holding until the order ships, is picked up or
 * is cancelled (then the till's stock movement has the units).
 *
 * Every writer here takes the organisation's row lock first (the lock a till's push takes), then
 * the stock rows in product order: one lock order for everyone, so holds never deadlock with a push
 * and two buyers racing for the last units are served one after the other.
 */
import { sql, type SQL } from 'drizzle-orm';
import { MAX_QTY } from '../../../shared/money';
import { rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeShopRecords, type ShopRecord } from '../records';

type Deps = Pick<CloudDeps, 'clock' | 'hlc' | 'maxDriftMs' | 'ids'>;

export interface StoreRef {
  orgId: string;
  storeId: string;
}

export interface HoldLine {
  productId: string;
  /** Thousandths. */
  qty: number;
}

export type HoldResult = { ok: true } | { ok: false; short: { productId: string; available: number }[] };

const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** A safety buffer setting's value (JSON text), or 0 when unset or not a whole non-negative number. */
export function safetyBufferOf(raw: string | undefined): number {
  let v: unknown;
  try {
    v = raw === undefined ? null : (JSON.parse(raw) as unknown);
  } catch {
    v = null;
  }
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

/** The store's own safety buffer (thousandths): its `onlineSafetyBuffer` setting, else 0. */
export async function storeSafetyBuffer(db: CloudDb, ref: StoreRef): Promise<number> {
  const [row] = await rowsOf<{ value: string }>(
    db,
    sql`SELECT value FROM shop_store_settings WHERE org_id = ${ref.orgId} AND store_id = ${ref.storeId} AND key = 'onlineSafetyBuffer'`,
  );
  return safetyBufferOf(row?.value);
}

/** What availability is computed from, per product (see `availabilityColumns`). */
export interface AvailabilityRow {
  on_hand: string | number | null;
  buffer: string | number | null;
  listed: boolean | null;
  held: string | number | null;
}

/**
 * The columns availability is computed from, for a query where `p` is the product's listing
 * (shop_products, possibly absent) and `id` the product's id: its stock in the store, its own
 * buffer, whether it is listed, and what open reservations hold. Any page can read them beside its
 * other columns, in the same statement; `availableFrom` makes the figure.
 */
export function availabilityColumns(ref: StoreRef, id: SQL, now: number, exceptOrder = ''): SQL {
  return sql`(SELECT s.on_hand FROM shop_stock s WHERE s.org_id = ${ref.orgId} AND s.store_id = ${ref.storeId} AND s.product_id = ${id}) AS on_hand,
    p.safety_buffer AS buffer, p.listed AS listed,
    (SELECT SUM(r.qty) FROM shop_reservations r
      WHERE r.org_id = ${ref.orgId} AND r.store_id = ${ref.storeId} AND r.product_id = ${id} AND NOT r.settled
        AND (r.state = 'consumed' OR r.expires_at > ${now})
        AND r.order_id <> ${exceptOrder}) AS held`;
}

/** Units available online (thousandths) from `availabilityColumns`, given the store's own buffer. */
export function availableFrom(r: AvailabilityRow, storeBuffer: number): number {
  if (r.listed !== true) return 0;
  const buffer = r.buffer === null ? storeBuffer : Number(r.buffer);
  return Math.max(0, Number(r.on_hand ?? 0) - buffer - Number(r.held ?? 0));
}

/**
 * Units available online per product (thousandths). A product the shop does not list online has
 * none. `exceptOrder`: leave that order's own reservations out (it is changing its hold).
 * `storeBuffer`: the store's buffer when the caller read it already (a page that only shows
 * availability); a hold reads it itself.
 */
export async function availableOnline(
  db: CloudDb,
  ref: StoreRef,
  productIds: readonly string[],
  now: number,
  opts: { exceptOrder?: string; storeBuffer?: number } = {},
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return out;
  const [storeBuffer, rows] = await Promise.all([
    opts.storeBuffer ?? storeSafetyBuffer(db, ref),
    rowsOf<AvailabilityRow & { id: string }>(
      db,
      sql`SELECT x.id, ${availabilityColumns(ref, sql`x.id`, now, opts.exceptOrder)}
        FROM unnest(${texts(ids)}) AS x(id)
        LEFT JOIN shop_products p ON p.org_id = ${ref.orgId} AND p.product_id = x.id`,
    ),
  ]);
  for (const r of rows) out.set(r.id, availableFrom(r, storeBuffer));
  return out;
}

async function lockOrg(tx: CloudDb, orgId: string): Promise<void> {
  await tx.execute(sql`SELECT id FROM orgs WHERE id = ${orgId} FOR NO KEY UPDATE`);
}

interface ReservationRow {
  id: string;
  product_id: string;
  order_id: string;
  qty: string | number;
  state: 'held' | 'released' | 'consumed';
  expires_at: string | number;
  created_at: string | number;
}

function reservationRecord(r: ReservationRow, state: ReservationRow['state']): ShopRecord {
  return {
    e: 'stock_reservation',
    i: r.id,
    d: {
      product_id: r.product_id,
      order_id: r.order_id,
      qty: Number(r.qty),
      state,
      expires_at: Number(r.expires_at),
      created_at: Number(r.created_at),
    },
  };
}

/**
 * Holds `lines` for the unpaid order `orderId` until `expiresAt`, all or nothing. A retry with the
 * same lines changes nothing; a hold with other lines replaces the order's earlier hold.
 */
export async function holdUnits(
  tx: CloudDb,
  deps: Deps,
  input: StoreRef & { orderId: string; lines: readonly HoldLine[]; expiresAt: number },
): Promise<HoldResult> {
  const want = new Map<string, number>();
  for (const l of input.lines) {
    if (!Number.isSafeInteger(l.qty) || l.qty <= 0) throw new RangeError('A held quantity is a positive whole number of thousandths');
    want.set(l.productId, (want.get(l.productId) ?? 0) + l.qty);
  }
  for (const q of want.values()) if (q > MAX_QTY) throw new RangeError('A held quantity is too large');
  const now = deps.clock();
  if (input.expiresAt <= now) throw new RangeError('A hold must expire in the future');
  const ids = [...want.keys()].sort();
  await lockOrg(tx, input.orgId);
  const mine = await rowsOf<ReservationRow>(
    tx,
    sql`SELECT id, product_id, order_id, qty, state, expires_at, created_at FROM shop_reservations
        WHERE org_id = ${input.orgId} AND order_id = ${input.orderId} AND store_id = ${input.storeId} AND state = 'held'`,
  );
  const same = mine.length === want.size && mine.every((r) => want.get(r.product_id) === Number(r.qty) && Number(r.expires_at) > now);
  if (same) return { ok: true };

  await tx.execute(sql`
    INSERT INTO shop_stock (org_id, store_id, product_id, on_hand)
    SELECT ${input.orgId}::uuid, ${input.storeId}, x.id, 0 FROM unnest(${texts(ids)}) AS x(id)
    ON CONFLICT DO NOTHING`);
  await tx.execute(sql`
    SELECT product_id FROM shop_stock WHERE org_id = ${input.orgId} AND store_id = ${input.storeId} AND product_id = ANY(${texts(ids)})
    ORDER BY product_id FOR UPDATE`);
  const available = await availableOnline(tx, input, ids, now, { exceptOrder: input.orderId });
  const short = ids
    .filter((id) => (available.get(id) ?? 0) < want.get(id)!)
    .map((id) => ({ productId: id, available: available.get(id) ?? 0 }));
  if (short.length > 0) return { ok: false, short };

  const records: ShopRecord[] = [];
  if (mine.length > 0) {
    await tx.execute(sql`
      UPDATE shop_reservations SET state = 'released', settled = true
      WHERE org_id = ${input.orgId} AND id = ANY(${texts(mine.map((r) => r.id))})`);
    for (const r of mine) records.push(reservationRecord(r, 'released'));
  }
  const fresh: ReservationRow[] = ids.map((id) => ({
    id: deps.ids(),
    product_id: id,
    order_id: input.orderId,
    qty: want.get(id)!,
    state: 'held',
    expires_at: input.expiresAt,
    created_at: now,
  }));
  await tx.execute(sql`
    INSERT INTO shop_reservations (id, org_id, store_id, product_id, order_id, qty, state, expires_at, created_at)
    SELECT x.id, ${input.orgId}::uuid, ${input.storeId}, x.product_id, ${input.orderId}, x.qty, 'held', ${input.expiresAt}, ${now}
    FROM unnest(${texts(fresh.map((r) => r.id))}, ${texts(ids)}, ${sql`${sql.param(fresh.map((r) => String(r.qty)))}::bigint[]`}) AS x(id, product_id, qty)`);
  for (const r of fresh) records.push(reservationRecord(r, 'held'));
  await writeShopRecords(tx, deps, input.orgId, input.storeId, records);
  return { ok: true };
}

/** Releases what the order holds (held, or consumed and not yet fulfilled: a cancelled order). Idempotent. */
export async function releaseHold(tx: CloudDb, deps: Deps, ref: { orgId: string; orderId: string }): Promise<void> {
  await lockOrg(tx, ref.orgId);
  const rows = await rowsOf<ReservationRow & { store_id: string }>(
    tx,
    sql`UPDATE shop_reservations SET state = 'released', settled = true
        WHERE org_id = ${ref.orgId} AND order_id = ${ref.orderId} AND NOT settled
        RETURNING id, store_id, product_id, order_id, qty, state, expires_at, created_at`,
  );
  await writeByStore(tx, deps, ref.orgId, rows, 'released');
}

/**
 * The order is paid: its reservations are consumed and keep holding the units until it ships or is
 * picked up. Idempotent. Returns the products whose hold had expired and whose units another order
 * took meanwhile: the order is short of those (the caller records a shortage, never a silent oversell).
 */
export async function consumeHold(
  tx: CloudDb,
  deps: Deps,
  ref: { orgId: string; orderId: string },
): Promise<{ short: { productId: string; available: number }[] }> {
  await lockOrg(tx, ref.orgId);
  const now = deps.clock();
  const held = await rowsOf<ReservationRow & { store_id: string }>(
    tx,
    sql`SELECT id, store_id, product_id, order_id, qty, state, expires_at, created_at FROM shop_reservations
        WHERE org_id = ${ref.orgId} AND order_id = ${ref.orderId} AND state = 'held' ORDER BY product_id`,
  );
  if (held.length === 0) return { short: [] };
  const short: { productId: string; available: number }[] = [];
  const lapsed = held.filter((r) => Number(r.expires_at) <= now);
  for (const storeId of new Set(lapsed.map((r) => r.store_id))) {
    const mine = lapsed.filter((r) => r.store_id === storeId);
    const available = await availableOnline(
      tx,
      { orgId: ref.orgId, storeId },
      mine.map((r) => r.product_id),
      now,
      { exceptOrder: ref.orderId },
    );
    for (const r of mine) {
      const a = available.get(r.product_id) ?? 0;
      if (a < Number(r.qty)) short.push({ productId: r.product_id, available: a });
    }
  }
  await tx.execute(
    sql`UPDATE shop_reservations SET state = 'consumed' WHERE org_id = ${ref.orgId} AND id = ANY(${texts(held.map((r) => r.id))})`,
  );
  await writeByStore(tx, deps, ref.orgId, held, 'consumed');
  return { short };
}

/** Releases holds that expired by `now` (a background sweep; at most `limit` per call). Returns how many. */
export async function expireHolds(tx: CloudDb, deps: Deps, now: number, limit = 500): Promise<number> {
  const due = await rowsOf<{ org_id: string }>(
    tx,
    sql`SELECT DISTINCT org_id FROM (SELECT org_id FROM shop_reservations WHERE state = 'held' AND NOT settled AND expires_at <= ${now}
        LIMIT ${limit}) d ORDER BY org_id`,
  );
  let n = 0;
  for (const { org_id: orgId } of due) {
    await lockOrg(tx, orgId);
    const rows = await rowsOf<ReservationRow & { store_id: string }>(
      tx,
      sql`UPDATE shop_reservations SET state = 'released', settled = true
          WHERE org_id = ${orgId} AND state = 'held' AND NOT settled AND expires_at <= ${now}
          RETURNING id, store_id, product_id, order_id, qty, state, expires_at, created_at`,
    );
    await writeByStore(tx, deps, orgId, rows, 'released');
    n += rows.length;
  }
  return n;
}

async function writeByStore(
  tx: CloudDb,
  deps: Deps,
  orgId: string,
  rows: (ReservationRow & { store_id: string })[],
  state: ReservationRow['state'],
) {
  for (const storeId of new Set(rows.map((r) => r.store_id)))
    await writeShopRecords(
      tx,
      deps,
      orgId,
      storeId,
      rows.filter((r) => r.store_id === storeId).map((r) => reservationRecord(r, state)),
    );
}
