import type { CardIntent } from '../../shared/api/types';
import { inTransaction } from '../db/open';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { openCartId } from '../sales/cart';
import { readSettings } from '../settings/settings';

const COLS = 'id, cart_id AS cartId, amount, status, brand, last4, message';

export function getIntent(deps: Pick<Deps, 'sqlite'>, id: string): CardIntent {
  const row = deps.sqlite.prepare(`SELECT ${COLS} FROM payment_intents WHERE id = ?`).get(id) as CardIntent | undefined;
  if (!row) throw notFound('Card payment');
  return row;
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
  const id = deps.ids();
  const now = deps.clock();
  deps.sqlite
    .prepare("INSERT INTO payment_intents (id, cart_id, provider, amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)")
    .run(id, cartId, deps.payments.name, amount, now, now);
  setImmediate(() => {
    void deps.payments
      .charge({ intentId: id, amount, currency: readSettings(deps).currency })
      .then((outcome) => settleIntent(deps, id, outcome))
      .catch((err: unknown) => settleIntent(deps, id, { status: 'declined', message: err instanceof Error ? err.message : 'Terminal error' }));
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
          .run(outcome.brand, outcome.last4, outcome.reference, deps.clock(), id);
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

export function cancelCardPayment(deps: Deps, id: string): CardIntent {
  const cur = getIntent(deps, id);
  if (cur.status === 'approved') throw new AppError('CONFLICT', 'That card payment was already approved');
  if (cur.status === 'pending') {
    deps.sqlite.prepare("UPDATE payment_intents SET status = 'cancelled', updated_at = ? WHERE id = ?").run(deps.clock(), id);
    deps.payments.cancel(id);
  }
  return getIntent(deps, id);
}
