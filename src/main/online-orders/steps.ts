/**
 * The steps of an online order this till records (packed, shipped, delivered, picked up). Each is
 * an `online_order_event` fact: the write path queues it, the cloud shows it on the buyer's
 * timeline. Shipping calls in here when a shipment of an online order is made or moves on.
 */
import type { Deps } from '../deps';
import type { OnlineStepKind } from '../../shared/api/online-orders';
import { carrierById, type CarrierEvent } from '../shipping/carriers';
import { AppError } from '../errors';
import { etaDay } from '../../shared/delivery-estimate';
import type { TRACKING_STATUSES } from '../../shared/sync/shapes';

type StepDeps = Pick<Deps, 'sqlite' | 'ids' | 'clock' | 'terminalCode'>;

/** What the synced record accepts: a carrier's tracking number of another form is left off rather than refused. */
const TRACKING = /^[0-9A-Za-z-]{1,64}$/;
// Control, bidirectional and zero-width characters never reach the buyer's page.
const UNSAFE = /[\p{Cc}\p{Cf}]/gu;

export function isOnlineOrder(deps: Pick<Deps, 'sqlite'>, orderId: string): boolean {
  return deps.sqlite.prepare('SELECT 1 FROM online_orders WHERE id = ?').get(orderId) !== undefined;
}

export function hasStep(deps: Pick<Deps, 'sqlite'>, orderId: string, kind: OnlineStepKind, tracking: string | null = null): boolean {
  return (
    deps.sqlite
      .prepare('SELECT 1 FROM online_order_events WHERE order_id = ? AND kind = ? AND (? IS NULL OR tracking = ?)')
      .get(orderId, kind, tracking, tracking) !== undefined
  );
}

type TrackingStatus = (typeof TRACKING_STATUSES)[number];

const clean = (text: string | null | undefined, max: number) => (text ? text.replace(UNSAFE, '').trim().slice(0, max) : '');

export function writeStep(
  deps: StepDeps,
  step: {
    /** Drawn when absent; derived when two tills may write the same step apart. */
    id?: string;
    orderId: string;
    kind: OnlineStepKind;
    staffId: string | null;
    carrier?: string | null;
    tracking?: string | null;
    note?: string;
    /** A carrier's event: when it happened (else now), where the parcel is, where it was scanned. */
    at?: number;
    status?: TrackingStatus | null;
    location?: string | null;
    /** The carrier's estimated delivery day, YYYY-MM-DD. */
    eta?: string | null;
  },
): void {
  const carrier = clean(step.carrier, 60) || null;
  const tracking = step.tracking && TRACKING.test(step.tracking) ? step.tracking : null;
  // A carrier's clock may run ahead of ours: a step is never later than it is written.
  const now = deps.clock();
  const at = step.at !== undefined && Number.isSafeInteger(step.at) && step.at > 0 ? Math.min(step.at, now) : now;
  deps.sqlite
    .prepare(
      `INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at, status, location, eta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      step.id ?? deps.ids(),
      step.orderId,
      step.kind,
      carrier,
      tracking,
      clean(step.note, 500),
      deps.terminalCode,
      step.staffId,
      at,
      step.status ?? null,
      clean(step.location, 100) || null,
      step.eta ?? null,
    );
}

/**
 * A label was bought for (part of) an online order: packed (if not said before), then shipped with
 * carrier, tracking and the carrier's estimated delivery day in the store's calendar.
 */
export function onlineShipped(
  deps: StepDeps,
  staffId: string,
  orderId: string,
  carrierName: string,
  trackingNumber: string,
  eta: { at: number | null; timeZone: string } = { at: null, timeZone: 'UTC' },
): void {
  if (!isOnlineOrder(deps, orderId)) return;
  if (!hasStep(deps, orderId, 'packed')) writeStep(deps, { orderId, kind: 'packed', staffId });
  const day = eta.at !== null && Number.isSafeInteger(eta.at) && eta.at > 0 ? etaDay(eta.at, eta.timeZone) : null;
  writeStep(deps, { orderId, kind: 'shipped', staffId, carrier: carrierName, tracking: trackingNumber, eta: day });
}

function onlineShipment(deps: Deps, shipmentId: string) {
  const s = deps.sqlite
    .prepare('SELECT order_id AS orderId, carrier, tracking_number AS tracking FROM shipments WHERE id = ?')
    .get(shipmentId) as { orderId: string; carrier: string; tracking: string } | undefined;
  if (!s || !isOnlineOrder(deps, s.orderId)) return null;
  let carrier: string = s.carrier;
  try {
    carrier = carrierById(deps, s.carrier).name;
  } catch {
    // A carrier no longer set up on this till: its id names it well enough.
  }
  return { orderId: s.orderId, carrier, tracking: TRACKING.test(s.tracking) ? s.tracking : null };
}

/**
 * A tracking event of an online order's parcel, applied for the first time (the shipment applies
 * each carrier event once, by its key): the buyer's timeline gets it as a step. A delivered parcel
 * is the `delivered` step (once per parcel), which starts the buyer's time to confirm receipt; the
 * label's own creation is the `shipped` step already.
 */
export function onlineTrackingEvent(deps: Deps, shipmentId: string, e: CarrierEvent, moved: boolean, staffId: string | null): void {
  if (e.status === 'label_created' || e.status === 'cancelled') return;
  if (e.status === 'delivered' && !moved) return;
  const s = onlineShipment(deps, shipmentId);
  if (!s) return;
  const where = { at: e.at, location: e.location, note: e.description, carrier: s.carrier, tracking: s.tracking };
  if (e.status === 'delivered') {
    if (s.tracking !== null && hasStep(deps, s.orderId, 'delivered', s.tracking)) return;
    writeStep(deps, { orderId: s.orderId, kind: 'delivered', staffId, ...where, status: 'delivered' });
    return;
  }
  const status: TrackingStatus = e.outForDelivery ? 'out_for_delivery' : e.status;
  writeStep(deps, { orderId: s.orderId, kind: 'tracking', staffId, ...where, status });
}

/** Online orders this till must not ship (SQL over order `o`; `?` is this till's terminal code): cancelled, or shipped by another till. */
export const UNSHIPPABLE_ONLINE = `EXISTS (SELECT 1 FROM online_order_events e WHERE e.order_id = o.id
  AND (e.kind = 'cancelled' OR (e.kind = 'shipped' AND COALESCE(e.terminal_code, '') <> ?)))`;

/** Refuses a label for an online order the shop cancelled, or one another till is shipping. */
export function assertShippable(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, orderId: string): void {
  const steps = deps.sqlite
    .prepare("SELECT kind, terminal_code AS terminalCode FROM online_order_events WHERE order_id = ? AND kind IN ('cancelled', 'shipped')")
    .all(orderId) as { kind: string; terminalCode: string | null }[];
  if (steps.some((s) => s.kind === 'cancelled'))
    throw new AppError('CONFLICT', 'The buyer’s online order was cancelled: do not ship it', { reason: 'onlineCancelled' });
  const other = steps.find((s) => s.kind === 'shipped' && s.terminalCode !== deps.terminalCode);
  if (other)
    throw new AppError('CONFLICT', `Till ${other.terminalCode ?? '?'} is shipping this online order`, {
      reason: 'shippedElsewhere',
      terminalCode: other.terminalCode,
    });
}
