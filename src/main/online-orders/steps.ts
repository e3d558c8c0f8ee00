/**
 * The steps of an online order this till records (packed, shipped, delivered, picked up). Each is
 * an `online_order_event` fact: the write path queues it, the cloud shows it on the buyer's
 * timeline. Shipping calls in here when a shipment of an online order is made or moves on.
 */
import type { Deps } from '../deps';
import type { OnlineStepKind } from '../../shared/api/online-orders';
import { carrierById } from '../shipping/carriers';
import { AppError } from '../errors';

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

export function writeStep(
  deps: StepDeps,
  step: { orderId: string; kind: OnlineStepKind; staffId: string | null; carrier?: string | null; tracking?: string | null; note?: string },
): void {
  const carrier = step.carrier ? step.carrier.replace(UNSAFE, '').trim().slice(0, 60) || null : null;
  const tracking = step.tracking && TRACKING.test(step.tracking) ? step.tracking : null;
  deps.sqlite
    .prepare(
      `INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      deps.ids(),
      step.orderId,
      step.kind,
      carrier,
      tracking,
      (step.note ?? '').slice(0, 500),
      deps.terminalCode,
      step.staffId,
      deps.clock(),
    );
}

/** A label was bought for (part of) an online order: packed (if not said before), then shipped with carrier and tracking. */
export function onlineShipped(deps: StepDeps, staffId: string, orderId: string, carrierName: string, trackingNumber: string): void {
  if (!isOnlineOrder(deps, orderId)) return;
  if (!hasStep(deps, orderId, 'packed')) writeStep(deps, { orderId, kind: 'packed', staffId });
  writeStep(deps, { orderId, kind: 'shipped', staffId, carrier: carrierName, tracking: trackingNumber });
}

/** A shipment moved on: a parcel of an online order delivered is a step on the buyer's timeline (once per parcel). */
export function onlineShipmentMoved(deps: Deps, shipmentId: string, status: string, staffId: string | null): void {
  if (status !== 'delivered') return;
  const s = deps.sqlite
    .prepare('SELECT order_id AS orderId, carrier, tracking_number AS tracking FROM shipments WHERE id = ?')
    .get(shipmentId) as { orderId: string; carrier: string; tracking: string } | undefined;
  if (!s || !isOnlineOrder(deps, s.orderId)) return;
  const tracking = TRACKING.test(s.tracking) ? s.tracking : null;
  if (tracking !== null && hasStep(deps, s.orderId, 'delivered', tracking)) return;
  let carrier: string = s.carrier;
  try {
    carrier = carrierById(deps, s.carrier).name;
  } catch {
    // A carrier no longer set up on this till: its id names it well enough.
  }
  writeStep(deps, { orderId: s.orderId, kind: 'delivered', staffId, carrier, tracking });
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
