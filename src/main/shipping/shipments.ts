/**
 * Shipments: an order marked for shipping is fulfilled by one or more shipments. Stock leaves the
 * location when a shipment's label is created (and comes back if it is cancelled, or returned to
 * the sender). Tracking events are facts, applied once each by their key.
 */
import type { Shipment, ShipmentEvent, ShipmentStatus, ShipmentSummary, ShipQueueOrder } from '../../shared/api/shipping';
import { normalizeAddress, validateAddress, type Address } from '../../shared/address';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { inTransaction } from '../db/open';
import { recordAudit } from '../audit/audit';
import { defaultLocationId, recordMovement } from '../inventory/ledger';
import { readSettings } from '../settings/settings';
import type { SessionStaff } from '../sessions';
import { lineStates, orderHead, TO_SHIP_SQL, toShipOf } from '../returns/refunds';
import { carrierById, type CarrierEvent } from './carriers';
import type { LabelContext } from './label';
import { assertShippable, onlineShipped, onlineTrackingEvent, UNSHIPPABLE_ONLINE } from '../online-orders/steps';
import type { Cols, SqlRow } from '../db/rows';
import type { counters, customers, onlineOrders, orderLines, orders, shipmentEvents, shipmentLines, shipments } from '../db/schema';

type ShipmentCol = SqlRow<typeof shipments>;
type OrderCol = SqlRow<typeof orders>;

/**
 * SUMMARY. The status column is plain text in the schema; only the statuses of `NEXT` are ever
 * written to it (insert as 'label_created', then moves that `canMove` allows).
 */
type SummaryRow = Cols<typeof shipments, 'id' | 'number' | 'carrier' | 'service' | 'eta'> & {
  orderId: ShipmentCol['order_id'];
  orderNumber: OrderCol['number'];
  trackingNumber: ShipmentCol['tracking_number'];
  status: ShipmentCol['status'] & ShipmentStatus;
  customerName: SqlRow<typeof customers>['name'] | null;
  shipToName: string;
  createdAt: ShipmentCol['created_at'];
  updatedAt: ShipmentCol['updated_at'];
};

/** Which status may follow which. A carrier's late or repeated scan never moves a parcel backwards. */
const NEXT: Record<ShipmentStatus, ShipmentStatus[]> = {
  label_created: ['handed_over', 'in_transit', 'delivered', 'exception', 'cancelled'],
  handed_over: ['in_transit', 'delivered', 'exception', 'returned'],
  in_transit: ['delivered', 'exception', 'returned'],
  exception: ['in_transit', 'delivered', 'returned'],
  delivered: [],
  returned: [],
  cancelled: [],
};

export const canMove = (from: ShipmentStatus, to: ShipmentStatus) => NEXT[from].includes(to);

const SUMMARY = `s.id, s.number, s.order_id AS orderId, o.number AS orderNumber, s.carrier, s.service, s.tracking_number AS trackingNumber,
  s.status, s.eta, c.name AS customerName, json_extract(s.address, '$.name') AS shipToName, s.created_at AS createdAt, s.updated_at AS updatedAt`;
const FROM = 'FROM shipments s JOIN orders o ON o.id = s.order_id LEFT JOIN customers c ON c.id = o.customer_id';

export function shipmentsOf(deps: Pick<Deps, 'sqlite'>, orderId: string): ShipmentSummary[] {
  return deps.sqlite
    .prepare(`SELECT ${SUMMARY} ${FROM} WHERE s.order_id = ? ORDER BY s.created_at, s.rowid`)
    .all(orderId) as SummaryRow[] satisfies ShipmentSummary[];
}

export function getShipment(deps: Pick<Deps, 'sqlite'>, id: string): Shipment {
  const row = deps.sqlite
    .prepare(
      `SELECT ${SUMMARY}, s.address, s.weight_g AS weightG, s.length_mm AS lengthMm, s.width_mm AS widthMm, s.height_mm AS heightMm ${FROM} WHERE s.id = ?`,
    )
    .get(id) as
    | (SummaryRow &
        Cols<typeof shipments, 'address'> & {
          weightG: ShipmentCol['weight_g'];
          lengthMm: ShipmentCol['length_mm'];
          widthMm: ShipmentCol['width_mm'];
          heightMm: ShipmentCol['height_mm'];
        })
    | undefined;
  if (!row) throw notFound('Shipment', { id });
  const lines: Shipment['lines'] = deps.sqlite
    .prepare(
      `SELECT sl.order_line_id AS orderLineId, l.name, l.sku, sl.qty, l.unit FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
       WHERE sl.shipment_id = ? ORDER BY l.position`,
    )
    .all(id) as (Cols<typeof orderLines, 'name' | 'sku' | 'unit'> &
    Cols<typeof shipmentLines, 'qty'> & { orderLineId: SqlRow<typeof shipmentLines>['order_line_id'] })[];
  const events: ShipmentEvent[] = deps.sqlite
    .prepare('SELECT id, status, description, location, at FROM shipment_events WHERE shipment_id = ? ORDER BY at, rowid')
    .all(id) as (Cols<typeof shipmentEvents, 'id' | 'description' | 'location' | 'at'> & {
    status: SqlRow<typeof shipmentEvents>['status'] & ShipmentStatus;
  })[];
  return { ...row, address: JSON.parse(row.address) as Address, lines, events };
}

export function shipQueue(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, limit: number): ShipQueueOrder[] {
  // Oldest first: the order waiting longest ships next.
  return deps.sqlite
    .prepare(
      `SELECT * FROM (
         SELECT o.id AS orderId, o.number, o.created_at AS createdAt, o.customer_id AS customerId,
                COALESCE(c.name, (SELECT oo.contact_name FROM online_orders oo WHERE oo.id = o.id)) AS customerName, o.total, o.currency,
                ${TO_SHIP_SQL} AS toShipQty, CASE WHEN COALESCE(o.source, '') = 'online' THEN 'online' ELSE 'counter' END AS channel, o.rowid AS r
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.fulfilment = 'ship' AND NOT ${UNSHIPPABLE_ONLINE})
       WHERE toShipQty > 0 ORDER BY createdAt, r LIMIT ?`,
    )
    .all(deps.terminalCode, limit)
    .map((row) => {
      const { r: _r, ...rest } = row as Cols<typeof orders, 'number' | 'total' | 'currency'> & {
        orderId: OrderCol['id'];
        createdAt: OrderCol['created_at'];
        customerId: OrderCol['customer_id'];
        customerName: SqlRow<typeof customers>['name'] | SqlRow<typeof onlineOrders>['contact_name'] | null;
        toShipQty: number;
        channel: ShipQueueOrder['channel'];
        r: number;
      };
      return rest satisfies ShipQueueOrder;
    });
}

export function listShipments(
  deps: Pick<Deps, 'sqlite'>,
  input: { status: string; q?: string | undefined; offset: number; limit: number },
): { items: ShipmentSummary[]; total: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: input.limit, offset: input.offset };
  if (input.status === 'active') where.push("s.status NOT IN ('delivered', 'returned', 'cancelled')");
  else if (input.status !== 'all') {
    params.status = input.status;
    where.push('s.status = @status');
  }
  if (input.q?.trim()) {
    params.q = `%${input.q.trim().replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    params.exact = input.q.trim().toUpperCase();
    where.push(
      "(s.tracking_number = @exact OR o.number = @exact OR s.number = @exact OR c.name LIKE @q ESCAPE '\\' OR json_extract(s.address, '$.name') LIKE @q ESCAPE '\\')",
    );
  }
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n ${FROM} ${cond}`).get(params) as { n: number }).n;
  const items = deps.sqlite
    .prepare(`SELECT ${SUMMARY} ${FROM} ${cond} ORDER BY s.updated_at DESC, s.rowid DESC LIMIT @limit OFFSET @offset`)
    .all(params) as SummaryRow[] satisfies ShipmentSummary[];
  return { items, total };
}

export interface CreateShipmentInput {
  orderId: string;
  lines: { orderLineId: string; qty: number }[];
  address: Address;
  parcel: { weightG: number; lengthMm: number; widthMm: number; heightMm: number };
  carrier: string;
  service: string;
}

/** Everything that can be checked before asking the carrier; throws field-level errors. */
function checkShipment(deps: Deps, input: CreateShipmentInput) {
  const order = orderHead(deps, input.orderId);
  if (order.fulfilment !== 'ship')
    throw new AppError('CONFLICT', `Order ${order.number} was not taken for shipping`, { reason: 'notForShipping' });
  assertShippable(deps, order.id);
  const issues = validateAddress(input.address);
  if (issues.length > 0) throw new AppError('VALIDATION', 'Check the address', issues);
  const carrier = carrierById(deps, input.carrier);
  if (!carrier.configured)
    throw new AppError('VALIDATION', `${carrier.name} is not set up`, [
      { path: ['carrier'], message: 'Not set up', code: 'carrierNotConfigured' },
    ]);
  if (!carrier.services.some((s) => s.id === input.service))
    throw new AppError('VALIDATION', `${carrier.name} has no service ${input.service}`, [
      { path: ['service'], message: 'Unknown service' },
    ]);
  const states = new Map(lineStates(deps, order.id).map((l) => [l.id, l]));
  const seen = new Set<string>();
  input.lines.forEach((req, i) => {
    const l = states.get(req.orderLineId);
    if (!l) throw new AppError('VALIDATION', `That item was not on order ${order.number}`, { reason: 'notOnOrder', path: ['lines', i] });
    if (seen.has(l.id)) throw new AppError('VALIDATION', `${l.name} is listed twice`, { reason: 'duplicateLine' });
    seen.add(l.id);
    if (l.unit === 'each' && req.qty % 1000 !== 0)
      throw new AppError('VALIDATION', `${l.name} is sold in whole units`, { reason: 'wholeUnits' });
    const left = toShipOf(l, 'ship');
    if (req.qty > left)
      throw new AppError('CONFLICT', left === 0 ? `${l.name} has already shipped` : `Only ${left / 1000} of ${l.name} is left to ship`, {
        reason: 'alreadyShipped',
        orderLineId: l.id,
        left,
      });
  });
  return { order, carrier, address: normalizeAddress(input.address) };
}

/** Checks, buys the label from the carrier, then writes the shipment and moves the stock in one transaction. */
export async function createShipment(deps: Deps, staff: SessionStaff, input: CreateShipmentInput): Promise<Shipment> {
  const { order, carrier, address } = checkShipment(deps, input);
  const id = deps.ids();
  const label = await carrier.createShipment({
    shipmentId: id,
    reference: order.number,
    service: input.service,
    shipTo: address,
    parcel: input.parcel,
  });
  try {
    return inTransaction(deps.sqlite, () => {
      checkShipment(deps, input); // again: another till may have shipped the same lines meanwhile
      const now = deps.clock();
      const key = `shipment:${deps.terminalCode}`;
      deps.sqlite.prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1').run(key);
      const seq = (deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').get(key) as Cols<typeof counters, 'value'>).value;
      const number = `${deps.terminalCode}-S${String(seq).padStart(6, '0')}`;
      deps.sqlite
        .prepare(
          `INSERT INTO shipments (id, number, order_id, carrier, service, tracking_number, status, address, weight_g, length_mm, width_mm, height_mm,
             eta, staff_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'label_created', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          number,
          order.id,
          carrier.id,
          input.service,
          label.trackingNumber,
          JSON.stringify(address),
          input.parcel.weightG,
          input.parcel.lengthMm,
          input.parcel.widthMm,
          input.parcel.heightMm,
          label.eta,
          staff.id,
          now,
          now,
        );
      const location = defaultLocationId(deps);
      const productOf = new Map(lineStates(deps, order.id).map((l) => [l.id, l.productId]));
      for (const l of input.lines) {
        deps.sqlite
          .prepare('INSERT INTO shipment_lines (id, shipment_id, order_line_id, qty) VALUES (?, ?, ?, ?)')
          .run(deps.ids(), id, l.orderLineId, l.qty);
        recordMovement(deps, {
          productId: productOf.get(l.orderLineId)!,
          locationId: location,
          qtyDelta: -l.qty,
          kind: 'sale',
          refId: id,
          staffId: staff.id,
        });
      }
      onlineShipped(deps, staff.id, order.id, carrier.name, label.trackingNumber, { at: label.eta, timeZone: readSettings(deps).timezone });
      insertEvent(deps, id, {
        id: 'created',
        status: 'label_created',
        at: now,
        description: `${carrier.name} label created`,
        location: null,
      });
      const s = getShipment(deps, id);
      return s;
    });
  } catch (err) {
    // The label was bought but nothing was written: void it with the carrier (best effort).
    await carrier.cancel(label.trackingNumber).catch(() => undefined);
    throw err;
  }
}

function insertEvent(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock'>, shipmentId: string, e: CarrierEvent): boolean {
  const r = deps.sqlite
    .prepare(
      'INSERT OR IGNORE INTO shipment_events (id, shipment_id, event_key, status, description, location, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(deps.ids(), shipmentId, e.id, e.status, e.description, e.location, e.at, deps.clock());
  return r.changes > 0;
}

/** Stock comes back when a parcel does (returned to sender, or a cancelled label). */
function restock(deps: Deps, shipmentId: string, staffId: string | null): void {
  const location = defaultLocationId(deps);
  const lines = deps.sqlite
    .prepare(
      'SELECT l.product_id AS productId, sl.qty FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id WHERE sl.shipment_id = ?',
    )
    .all(shipmentId) as (Cols<typeof shipmentLines, 'qty'> & { productId: SqlRow<typeof orderLines>['product_id'] })[];
  for (const l of lines)
    recordMovement(deps, { productId: l.productId, locationId: location, qtyDelta: l.qty, kind: 'return', refId: shipmentId, staffId });
}

/**
 * Applies tracking events in time order, each once (by key). The status follows an event only
 * when the move is allowed from where the parcel is; other events stay in the timeline.
 * Returns how many events were new.
 */
export function applyEvents(deps: Deps, shipmentId: string, events: CarrierEvent[], staffId: string | null): number {
  let fresh = 0;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const cur = getShipment(deps, shipmentId);
    if (!insertEvent(deps, shipmentId, e)) continue;
    fresh += 1;
    const moved = e.status !== cur.status && canMove(cur.status, e.status);
    if (moved) {
      deps.sqlite.prepare('UPDATE shipments SET status = ?, updated_at = ? WHERE id = ?').run(e.status, deps.clock(), shipmentId);
      if (e.status === 'returned') restock(deps, shipmentId, staffId);
    }
    onlineTrackingEvent(deps, shipmentId, e, moved, staffId);
  }
  return fresh;
}

/** A status entered by hand (own courier): refused when the parcel cannot move there. */
export function setShipmentStatus(
  deps: Deps,
  staff: SessionStaff,
  input: { id: string; status: ShipmentStatus; description?: string | null | undefined; location?: string | null | undefined },
): Shipment {
  const cur = getShipment(deps, input.id);
  if (!canMove(cur.status, input.status))
    throw new AppError('CONFLICT', `A shipment that is ${cur.status.replace(/_/g, ' ')} cannot become ${input.status.replace(/_/g, ' ')}`, {
      reason: 'badTransition',
      from: cur.status,
      to: input.status,
    });
  applyEvents(
    deps,
    input.id,
    [
      {
        id: `manual:${deps.ids()}`,
        status: input.status,
        at: deps.clock(),
        description: input.description ?? '',
        location: input.location ?? null,
      },
    ],
    staff.id,
  );
  recordAudit(deps, {
    staffId: staff.id,
    action: 'shipment.status',
    target: input.id,
    details: { from: cur.status, to: input.status },
    success: true,
  });
  return getShipment(deps, input.id);
}

export async function refreshShipment(deps: Deps, id: string): Promise<Shipment> {
  const s = getShipment(deps, id);
  if (s.status === 'cancelled') return s;
  const events = await carrierById(deps, s.carrier).track(s.trackingNumber);
  return inTransaction(deps.sqlite, () => {
    applyEvents(deps, id, events, null);
    return getShipment(deps, id);
  });
}

export async function cancelShipment(deps: Deps, staff: SessionStaff, id: string): Promise<Shipment> {
  const s = getShipment(deps, id);
  if (s.status === 'cancelled') return s;
  if (!canMove(s.status, 'cancelled'))
    throw new AppError('CONFLICT', 'Only a shipment not yet handed over can be cancelled', {
      reason: 'badTransition',
      from: s.status,
      to: 'cancelled',
    });
  await carrierById(deps, s.carrier).cancel(s.trackingNumber);
  return inTransaction(deps.sqlite, () => {
    const cur = getShipment(deps, id);
    if (cur.status === 'cancelled') return cur;
    if (!canMove(cur.status, 'cancelled')) throw new AppError('CONFLICT', 'The shipment moved on meanwhile', { reason: 'badTransition' });
    deps.sqlite.prepare("UPDATE shipments SET status = 'cancelled', updated_at = ? WHERE id = ?").run(deps.clock(), id);
    insertEvent(deps, id, { id: 'cancelled', status: 'cancelled', at: deps.clock(), description: 'Label cancelled', location: null });
    restock(deps, id, staff.id);
    recordAudit(deps, { staffId: staff.id, action: 'shipment.cancel', target: id, success: true });
    return getShipment(deps, id);
  });
}

function labelContext(deps: Deps, s: Shipment): LabelContext {
  const settings = readSettings(deps);
  const carrier = carrierById(deps, s.carrier);
  return {
    storeName: settings.storeName,
    orderNumber: s.orderNumber,
    carrierName: carrier.name,
    serviceName: carrier.services.find((x) => x.id === s.service)?.name ?? s.service,
    timezone: settings.timezone,
  };
}

function printable(deps: Deps, id: string): Shipment {
  const s = getShipment(deps, id);
  if (s.status === 'cancelled')
    throw new AppError('CONFLICT', 'This shipment was cancelled: its label must not be used', { reason: 'cancelled' });
  return s;
}

export async function shipmentLabel(deps: Deps, id: string, format: 'pdf' | 'zpl') {
  const s = printable(deps, id);
  const ctx = labelContext(deps, s);
  // pdf-lib, the fonts and the barcode maker load on the first label, not at start.
  const { labelPdf, labelZpl } = await import('./label');
  const base64 =
    format === 'pdf' ? Buffer.from(await labelPdf(s, ctx)).toString('base64') : Buffer.from(labelZpl(s, ctx), 'utf8').toString('base64');
  return { format, base64, trackingNumber: s.trackingNumber };
}

export async function packingSlip(deps: Deps, id: string) {
  const s = printable(deps, id);
  const { packingSlipPdf } = await import('./label');
  return { base64: Buffer.from(await packingSlipPdf(s, labelContext(deps, s))).toString('base64') };
}
