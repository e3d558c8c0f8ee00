/**
 * Parked sales: the open cart is set aside (status 'parked', who and when in parked_sales), the
 * next customer gets a fresh cart, and the parked one comes back later — after a restart too,
 * since both live in the database.
 */
import type { ParkedSale } from '../../shared/api/parked';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import type { SessionStaff } from '../sessions';
import { assertNoCardInFlight, loadCart, openCartId } from './cart';
import type { Cols, SqlRow } from '../db/rows';
import type { carts, customers, parkedSales, staff as staffTable } from '../db/schema';

type ParkedCol = SqlRow<typeof parkedSales>;
type ParkedRow = Cols<typeof parkedSales, 'note'> & {
  cartId: ParkedCol['cart_id'];
  parkedBy: ParkedCol['parked_by'];
  parkedByName: SqlRow<typeof staffTable>['name'];
  parkedAt: ParkedCol['parked_at'];
  customerName: SqlRow<typeof customers>['name'] | null;
};

function parkedSale(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'promotions' | 'priceLists' | 'settingsCache'>,
  cartId: string,
): ParkedSale {
  const row = deps.sqlite
    .prepare(
      `SELECT p.cart_id AS cartId, p.parked_by AS parkedBy, s.name AS parkedByName, p.parked_at AS parkedAt, p.note, c.name AS customerName
       FROM parked_sales p JOIN staff s ON s.id = p.parked_by JOIN carts k ON k.id = p.cart_id LEFT JOIN customers c ON c.id = k.customer_id
       WHERE p.cart_id = ?`,
    )
    .get(cartId) as ParkedRow | undefined;
  if (!row) throw notFound('Parked sale', { cartId });
  const cart = loadCart(deps, cartId);
  return { ...(row satisfies Omit<ParkedSale, 'lineCount' | 'total'>), lineCount: cart.lines.length, total: cart.priced.total };
}

function park(deps: Deps, staff: SessionStaff, cartId: string, note: string | null): ParkedSale {
  assertNoCardInFlight(deps, cartId, 'reduce');
  const now = deps.clock();
  deps.sqlite.prepare("UPDATE carts SET status = 'parked', updated_at = ? WHERE id = ?").run(now, cartId);
  deps.sqlite
    .prepare(
      `INSERT INTO parked_sales (cart_id, parked_by, parked_at, note, resumed_at) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (cart_id) DO UPDATE SET parked_by = excluded.parked_by, parked_at = excluded.parked_at, note = excluded.note, resumed_at = NULL`,
    )
    .run(cartId, staff.id, now, note);
  return parkedSale(deps, cartId);
}

export function parkCurrent(deps: Deps, staff: SessionStaff, note: string | null): ParkedSale {
  const cartId = openCartId(deps);
  if (!cartId || loadCart(deps, cartId).lines.length === 0)
    throw new AppError('VALIDATION', 'The sale is empty: nothing to park', { reason: 'empty' });
  return park(deps, staff, cartId, note);
}

export function listParked(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'clock' | 'promotions' | 'priceLists' | 'settingsCache'>,
): ParkedSale[] {
  const ids = deps.sqlite
    .prepare(
      `SELECT k.id FROM carts k JOIN parked_sales p ON p.cart_id = k.id WHERE k.terminal_code = ? AND k.status = 'parked' ORDER BY p.parked_at, k.id`,
    )
    .all(deps.terminalCode) as Cols<typeof carts, 'id'>[];
  return ids.map((r) => parkedSale(deps, r.id));
}

function parkedCart(deps: Deps, cartId: string): void {
  const row = deps.sqlite.prepare('SELECT status, terminal_code AS terminal FROM carts WHERE id = ?').get(cartId) as
    (Cols<typeof carts, 'status'> & { terminal: SqlRow<typeof carts>['terminal_code'] }) | undefined;
  if (!row || row.terminal !== deps.terminalCode) throw notFound('Parked sale', { cartId });
  if (row.status !== 'parked') throw new AppError('CONFLICT', 'That sale is no longer parked', { status: row.status });
}

/** Brings a parked sale back; a current sale with items is parked in its place, an empty one is dropped. */
export function resumeParked(deps: Deps, staff: SessionStaff, cartId: string): { resumed: string; parked: ParkedSale | null } {
  parkedCart(deps, cartId);
  const current = openCartId(deps);
  let parked: ParkedSale | null = null;
  if (current) {
    if (loadCart(deps, current).lines.length > 0) parked = park(deps, staff, current, null);
    else {
      assertNoCardInFlight(deps, current, 'reduce');
      deps.sqlite.prepare("UPDATE carts SET status = 'voided', updated_at = ? WHERE id = ?").run(deps.clock(), current);
    }
  }
  const now = deps.clock();
  deps.sqlite.prepare("UPDATE carts SET status = 'open', updated_at = ? WHERE id = ?").run(now, cartId);
  deps.sqlite.prepare('UPDATE parked_sales SET resumed_at = ? WHERE cart_id = ?').run(now, cartId);
  return { resumed: cartId, parked };
}

/** Voids a parked sale (the customer left); audited like voiding the open sale. */
export function discardParked(deps: Deps, staff: SessionStaff, cartId: string): ParkedSale[] {
  parkedCart(deps, cartId);
  const before = parkedSale(deps, cartId);
  deps.sqlite.prepare("UPDATE carts SET status = 'voided', updated_at = ? WHERE id = ?").run(deps.clock(), cartId);
  recordAudit(deps, {
    staffId: staff.id,
    action: 'sale.void',
    target: cartId,
    details: { parked: true, parkedBy: before.parkedBy, total: before.total, lines: before.lineCount },
    success: true,
  });
  return listParked(deps);
}
