/**
 * What the after-sale domain adds to a sale, kept out of checkout.ts so the checkout stays small: the customer
 * and the fulfilment chosen for the open cart, store credit spent, loyalty points earned.
 */
import type { CartExtras, Fulfilment } from '../../shared/api/sales';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { SessionStaff } from '../sessions';
import { openCartId, assertNoCardInFlight } from './cart';
import { addCredit, addPoints, customerSummary, pointsFor } from '../customers/customers';
import { cachedStatement } from '../db/statements';
import type { Cols, SqlRow } from '../db/rows';
import type { carts } from '../db/schema';

const CART_EXTRAS_SQL = 'SELECT customer_id AS customerId, fulfilment FROM carts WHERE id = ?';

/** Tenders main adds itself (never accepted from the renderer): credit from items returned in an exchange. */
export type InternalTender = { kind: 'exchange'; amount: number };

export function cartShipsLater(deps: Pick<Deps, 'sqlite'>, cartId: string): boolean {
  const row = cachedStatement(deps.sqlite, CART_EXTRAS_SQL).get(cartId) as Cols<typeof carts, 'fulfilment'> | undefined;
  return row?.fulfilment === 'ship';
}

export function cartExtras(deps: Pick<Deps, 'sqlite' | 'terminalCode'>, cartId: string | null = openCartId(deps)): CartExtras {
  const row = cartId
    ? (cachedStatement(deps.sqlite, CART_EXTRAS_SQL).get(cartId) as
        (Cols<typeof carts, 'fulfilment'> & { customerId: SqlRow<typeof carts>['customer_id'] }) | undefined)
    : undefined;
  return {
    cartId,
    customer: row?.customerId ? customerSummary(deps, row.customerId) : null,
    fulfilment: row?.fulfilment ?? 'now',
  };
}

/** The open cart, made if there is none yet (a customer can be chosen before the first scan). */
function ensureOpenCart(deps: Deps, staff: SessionStaff): string {
  const existing = openCartId(deps);
  if (existing) return existing;
  const id = deps.ids();
  const now = deps.clock();
  deps.sqlite
    .prepare(
      "INSERT INTO carts (id, terminal_code, staff_id, status, cart_discount, created_at, updated_at) VALUES (?, ?, ?, 'open', NULL, ?, ?)",
    )
    .run(id, deps.terminalCode, staff.id, now, now);
  return id;
}

export function setCartCustomer(deps: Deps, staff: SessionStaff, customerId: string | null): CartExtras {
  if (customerId) customerSummary(deps, customerId); // NOT_FOUND before anything is written
  const cartId = ensureOpenCart(deps, staff);
  assertNoCardInFlight(deps, cartId, 'add');
  deps.sqlite.prepare('UPDATE carts SET customer_id = ?, updated_at = ? WHERE id = ?').run(customerId, deps.clock(), cartId);
  return cartExtras(deps, cartId);
}

export function setCartFulfilment(deps: Deps, staff: SessionStaff, fulfilment: Fulfilment): CartExtras {
  const cartId = ensureOpenCart(deps, staff);
  assertNoCardInFlight(deps, cartId, 'add');
  deps.sqlite.prepare('UPDATE carts SET fulfilment = ?, updated_at = ? WHERE id = ?').run(fulfilment, deps.clock(), cartId);
  return cartExtras(deps, cartId);
}

/**
 * Called by completeSale inside its transaction, after the order and its payments are written and
 * before the journal entry. Throwing here rolls the whole sale back.
 */
export function recordSaleExtras(
  deps: Deps,
  staff: SessionStaff,
  sale: { orderId: string; cartId: string; total: number; tenders: { kind: string; amount: number }[] },
): void {
  const extras = cartExtras(deps, sale.cartId);
  const customerId = extras.customer?.id ?? null;
  if (extras.fulfilment === 'ship' && !customerId)
    throw new AppError('VALIDATION', 'Choose the customer this order ships to', { field: 'customer', reason: 'shipNeedsCustomer' });
  if (customerId || extras.fulfilment !== 'now') {
    deps.sqlite.prepare('UPDATE orders SET customer_id = ?, fulfilment = ? WHERE id = ?').run(customerId, extras.fulfilment, sale.orderId);
  }

  const credit = sale.tenders.filter((t) => t.kind === 'store_credit').reduce((s, t) => s + t.amount, 0);
  if (credit > 0) {
    if (!customerId) throw new AppError('VALIDATION', 'Store credit needs a customer on the sale', { reason: 'creditNeedsCustomer' });
    addCredit(deps, { customerId, delta: -credit, kind: 'sale', refId: sale.orderId, staffId: staff.id });
  }
  if (customerId) {
    // Points are earned on what was paid with money, not with store credit or exchanged goods.
    const paid = Math.max(
      0,
      sale.total - sale.tenders.filter((t) => t.kind === 'store_credit' || t.kind === 'exchange').reduce((s, t) => s + t.amount, 0),
    );
    addPoints(deps, { customerId, delta: pointsFor(deps, paid), kind: 'earn', refId: sale.orderId, staffId: staff.id });
  }
}
