import type { CardIntent } from '../../shared/api/types';
import { inTransaction } from '../db/open';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { loadCart, openCartId } from '../sales/cart';
import { recordAudit } from '../audit/audit';
import type { SessionStaff } from '../sessions';
import { readSettings } from '../settings/settings';
import { checkOfflineCard, recordOfflineCard } from '../sync/offline-cards';
import type { Cols, SqlRow } from '../db/rows';
import type { paymentIntents } from '../db/schema';

const COLS = 'id, cart_id AS cartId, amount, status, brand, last4, message';

export function getIntent(deps: Pick<Deps, 'sqlite'>, id: string): CardIntent {
  const row = deps.sqlite.prepare(`SELECT ${COLS} FROM payment_intents WHERE id = ?`).get(id) as
    | (Cols<typeof paymentIntents, 'id' | 'amount' | 'status' | 'brand' | 'last4' | 'message'> & {
        cartId: SqlRow<typeof paymentIntents>['cart_id'];
      })
    | undefined;
  if (!row) throw notFound('Card payment');
  return row satisfies CardIntent;
}

/**
 * Records a pending card charge (inside the caller's transaction) and starts the terminal once
 * that transaction has committed; the answer is written in its own transaction and pushed as an
 * event, so the clerk's screen updates without polling.
 */
export function startCardPayment(deps: Deps, cartId: string, amount: number): CardIntent {
  if (openCartId(deps) !== cartId) throw new AppError('CONFLICT', 'That sale is no longer open', { cartId });
  const busy = deps.sqlite.prepare("SELECT 1 FROM payment_intents WHERE cart_id = ? AND status = 'pending'").get(cartId);
  if (busy) throw new AppError('CONFLICT', 'A card payment is already waiting on the terminal');
  // Never charge more than is still owed after approved card payments.
  const approved = deps.sqlite
    .prepare("SELECT COALESCE(SUM(amount), 0) AS n FROM payment_intents WHERE cart_id = ? AND status = 'approved' AND order_id IS NULL")
    .get(cartId) as { n: number };
  const owed = loadCart(deps, cartId).priced.total - approved.n;
  if (amount > owed) throw new AppError('VALIDATION', 'The card amount is more than is owed', { field: 'amount', max: Math.max(0, owed) });
  // Offline (the cloud cannot be reached): the admin's limits apply, and the payment is tracked until sent.
  const offline = checkOfflineCard(deps, amount);
  const id = deps.ids();
  const now = deps.clock();
  deps.sqlite
    .prepare(
      "INSERT INTO payment_intents (id, cart_id, provider, amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
    )
    .run(id, cartId, deps.payments.name, amount, now, now);
  if (offline) recordOfflineCard(deps, id, amount);
  setImmediate(() => {
    void deps.payments
      .charge({ intentId: id, amount, currency: readSettings(deps).currency, ...(offline ? { offline: true } : {}) })
      .then((outcome) => settleIntent(deps, id, outcome))
      .catch((err: unknown) =>
        settleIntent(deps, id, { status: 'declined', message: err instanceof Error ? err.message : 'Terminal error' }),
      );
  });
  return getIntent(deps, id);
}

function settleIntent(
  deps: Deps,
  id: string,
  outcome: { status: 'approved'; brand: string; last4: string; reference: string } | { status: 'declined'; message: string },
): void {
  try {
    const updated = inTransaction(deps.sqlite, () => {
      const cur = getIntent(deps, id);
      if (cur.status !== 'pending') return cur;
      if (outcome.status === 'approved')
        deps.sqlite
          .prepare("UPDATE payment_intents SET status = 'approved', brand = ?, last4 = ?, reference = ?, updated_at = ? WHERE id = ?")
          .run(safeBrand(outcome.brand), safeLast4(outcome.last4), outcome.reference.slice(0, 64), deps.clock(), id);
      else
        deps.sqlite
          .prepare("UPDATE payment_intents SET status = 'declined', message = ?, updated_at = ? WHERE id = ?")
          .run(outcome.message, deps.clock(), id);
      return getIntent(deps, id);
    });
    deps.events.emit('payments.intent', updated);
  } catch (err) {
    console.error('[payments] could not record the terminal answer', err);
  }
}

/** Whatever a terminal answers, we keep at most the last 4 digits and a brand word. */
export function safeLast4(value: string | null | undefined): string | null {
  const digits = (value ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

export function safeBrand(value: string | null | undefined): string | null {
  const word = (value ?? '')
    .replace(/[^\p{L} .-]/gu, '')
    .trim()
    .slice(0, 20);
  return word || null;
}

/** Cancels a pending charge, or voids an approved one not yet used by a completed sale. */
export function cancelCardPayment(deps: Deps, staff: SessionStaff, id: string): CardIntent {
  const cur = deps.sqlite.prepare('SELECT status, order_id AS orderId FROM payment_intents WHERE id = ?').get(id) as
    (Cols<typeof paymentIntents, 'status'> & { orderId: SqlRow<typeof paymentIntents>['order_id'] }) | undefined;
  if (!cur) throw notFound('Card payment');
  if (cur.orderId) throw new AppError('CONFLICT', 'That card payment belongs to a completed sale: refund it instead');
  if (cur.status === 'pending' || cur.status === 'approved') {
    deps.sqlite.prepare("UPDATE payment_intents SET status = 'cancelled', updated_at = ? WHERE id = ?").run(deps.clock(), id);
    deps.payments.cancel(id);
    if (cur.status === 'approved') recordAudit(deps, { staffId: staff.id, action: 'payment.void', target: id, success: true });
  }
  return getIntent(deps, id);
}
