/**
 * Paid online orders as the store's staff see them: the order record the shop wrote (source
 * 'online'), what the shop's order carries beyond it, and the steps of its life. Everything here
 * came from the cloud, so it is read defensively: an address that is not one is not shown as one.
 */
import type { OnlineOrderInfo, OnlineOrderState, OnlineStep, PickupRow } from '../../shared/api/online-orders';
import { addressInput } from '../../shared/api/shipping';
import type { Address } from '../../shared/address';
import { readOnlineShipping } from '../../shared/online-shipping';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import { TO_SHIP_SQL } from '../returns/refunds';
import { OPEN_ONLINE, shortagesOf, shortProducts } from './stock';
import { lockedUntil } from './pickup-lock';

interface Row {
  orderId: string;
  number: string;
  shopNumber: string;
  buyerId: string | null;
  contactName: string;
  contactPhone: string | null;
  contactEmail: string | null;
  fulfilment: 'ship' | 'pickup';
  orderFulfilment: string;
  address: string | null;
  shippingMethod: string | null;
  shippingAmount: number;
  buyerNote: string;
  createdAt: number;
  total: number;
  currency: string;
  toShip: number;
}

const SELECT = `SELECT o.id AS orderId, o.number, oo.shop_number AS shopNumber, oo.buyer_id AS buyerId, oo.contact_name AS contactName,
  oo.contact_phone AS contactPhone, oo.contact_email AS contactEmail, oo.fulfilment, o.fulfilment AS orderFulfilment, oo.address,
  oo.shipping_method AS shippingMethod, oo.shipping_amount AS shippingAmount, oo.buyer_note AS buyerNote, oo.created_at AS createdAt,
  o.total, o.currency, ${TO_SHIP_SQL} AS toShip
  FROM online_orders oo JOIN orders o ON o.id = oo.id`;

function parseAddress(raw: string | null): Address | null {
  if (raw === null) return null;
  try {
    const parsed = addressInput.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function stepsOf(deps: Pick<Deps, 'sqlite'>, orderId: string): OnlineStep[] {
  return deps.sqlite
    .prepare(
      `SELECT id, kind, carrier, tracking, note, terminal_code AS terminalCode, at FROM online_order_events
       WHERE order_id = ? ORDER BY at, rowid`,
    )
    .all(orderId) as OnlineStep[];
}

function stateOf(row: Row, steps: OnlineStep[], me: string): OnlineOrderState {
  if (steps.some((s) => s.kind === 'cancelled')) return 'cancelled';
  if (row.fulfilment === 'pickup') return steps.some((s) => s.kind === 'picked_up') ? 'pickedUp' : 'toPickUp';
  // Another till's shipments are not here, but its steps are: that till ships the order.
  if (steps.some((s) => s.kind === 'shipped' && s.terminalCode !== me)) return 'shipped';
  return row.toShip > 0 ? 'toShip' : 'shipped';
}

export function findOnlineOrder(deps: Pick<Deps, 'sqlite'>, id: string): Row | null {
  return (deps.sqlite.prepare(`${SELECT} WHERE oo.id = ?`).get(id) as Row | undefined) ?? null;
}

/** The delivery method's names as the store's shop shows them (the record carries its id). */
function methodNames(deps: Pick<Deps, 'sqlite'>, id: string | null): { name: string; nameZh: string | null } | null {
  if (id === null) return null;
  const raw = deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'onlineShipping'").pluck().get() as string | undefined;
  let value: unknown;
  try {
    value = raw === undefined ? null : (JSON.parse(raw) as unknown);
  } catch {
    value = null;
  }
  const m = readOnlineShipping(value).methods.find((x) => x.id === id);
  return m ? { name: m.name, nameZh: m.nameZh } : null;
}

export function onlineOrderInfo(deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>, id: string): OnlineOrderInfo {
  const row = findOnlineOrder(deps, id);
  if (!row) throw notFound('Online order', { id });
  const steps = stepsOf(deps, id);
  const state = stateOf(row, steps, deps.terminalCode);
  const { orderFulfilment: _f, toShip: _t, address, ...rest } = row;
  return {
    ...rest,
    address: row.fulfilment === 'ship' ? parseAddress(address) : null,
    shippingMethodNames: methodNames(deps, row.shippingMethod),
    state,
    steps,
    shortages: state === 'toShip' || state === 'toPickUp' ? shortagesOf(deps, id) : [],
    lockedUntil: row.fulfilment === 'pickup' ? lockedUntil(deps, id) : null,
  };
}

export function onlineState(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, id: string): { row: Row; state: OnlineOrderState } | null {
  const row = findOnlineOrder(deps, id);
  return row ? { row, state: stateOf(row, stepsOf(deps, id), deps.terminalCode) } : null;
}

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (m) => '\\' + m)}%`;

/** Pick-up orders waiting at the counter, oldest first; found by shop number, order number, name or phone. */
export function pickupList(
  deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>,
  input: { q?: string | undefined; limit: number },
): PickupRow[] {
  const text = input.q?.trim();
  const params: Record<string, unknown> = { limit: input.limit, q: null, exact: null, me: deps.terminalCode };
  if (text) {
    params.q = escapeLike(text);
    params.exact = text.toUpperCase();
  }
  const rows = deps.sqlite
    .prepare(
      `SELECT o.id AS orderId, o.number, oo.shop_number AS shopNumber, oo.contact_name AS contactName, oo.contact_phone AS contactPhone,
              oo.created_at AS createdAt, o.total, o.currency, (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount,
              EXISTS (SELECT 1 FROM online_order_events e WHERE e.order_id = o.id AND e.kind = 'packed') AS ready
       FROM online_orders oo JOIN orders o ON o.id = oo.id
       WHERE oo.fulfilment = 'pickup' AND o.fulfilment = 'pickup' AND ${OPEN_ONLINE}
         AND (@q IS NULL OR UPPER(oo.shop_number) = @exact OR o.number = @exact OR oo.contact_name LIKE @q ESCAPE '\\'
              OR oo.contact_phone LIKE @q ESCAPE '\\' OR oo.shop_number LIKE @q ESCAPE '\\')
       ORDER BY oo.created_at, o.rowid LIMIT @limit`,
    )
    .all(params) as (Omit<PickupRow, 'ready' | 'short' | 'lockedUntil'> & { ready: number })[];
  const short = shortProducts(deps);
  return rows.map((r) => ({
    ...r,
    ready: r.ready === 1,
    short: shortagesOf(deps, r.orderId, short).length > 0,
    lockedUntil: lockedUntil(deps, r.orderId),
  }));
}
