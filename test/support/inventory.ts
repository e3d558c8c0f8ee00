import { uuidv7 } from '../../src/shared/ids';
import { makeApp, ok, readyStore } from './app';

type App = ReturnType<typeof makeApp>;

/** Level per "productId@locationId" from the levels table. */
export function levels(app: App): Map<string, number> {
  const rows = app.deps.sqlite.prepare('SELECT product_id AS p, location_id AS l, qty FROM stock_levels').all() as {
    p: string;
    l: string;
    qty: number;
  }[];
  return new Map(rows.map((r) => [`${r.p}@${r.l}`, r.qty]));
}

/** Sum of movements per "productId@locationId". */
export function ledgerSums(app: App): Map<string, number> {
  const rows = app.deps.sqlite
    .prepare('SELECT product_id AS p, location_id AS l, SUM(qty_delta) AS s FROM stock_movements GROUP BY product_id, location_id')
    .all() as { p: string; l: string; s: number }[];
  return new Map(rows.map((r) => [`${r.p}@${r.l}`, r.s]));
}

/** Every level equals the sum of its movements (a level with no movement is 0), and every movement has its level. */
export function ledgerMismatches(app: App): string[] {
  const lv = levels(app);
  const sums = ledgerSums(app);
  const out: string[] = [];
  for (const key of new Set([...lv.keys(), ...sums.keys()])) {
    if (!lv.has(key)) out.push(`${key}: movements ${sums.get(key)} but no level row`);
    else if ((lv.get(key) ?? 0) !== (sums.get(key) ?? 0)) out.push(`${key}: level ${lv.get(key)} ≠ movements ${sums.get(key) ?? 0}`);
  }
  return out;
}

export function levelOf(app: App, productId: string, locationId: string): number {
  return (
    (app.deps.sqlite.prepare('SELECT qty FROM stock_levels WHERE product_id = ? AND location_id = ?').pluck().get(productId, locationId) as
      number | undefined) ?? 0
  );
}

/** A ready store (admin on s1), a manager (mgr) and a clerk (clerk), a back room and a supplier. */
export async function stockWorld(opts: { dataDir?: string | null } = {}) {
  const app = makeApp(opts);
  const base = await readyStore(app, 's1');
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  const locations = await ok(app, 'stock.locations', {}, 'mgr');
  const shop = locations.find((l) => l.isDefault)!;
  const back = await ok(app, 'stock.locationCreate', { name: 'Back room' }, 'mgr');
  const supplier = await ok(app, 'suppliers.create', { name: 'Acme Wholesale', email: 'orders@acme.example' }, 'mgr');
  return { app, ...base, managerId: manager.id, clerkId: clerk.id, shop, back, supplier };
}

/** A cash sale of `qty` units of a product, by the clerk. */
export async function sell(app: App, productId: string, qty = 1000, session = 'clerk') {
  await ok(app, 'cart.clear', {}, session);
  const cart = await ok(app, 'cart.addProduct', { productId, qty }, session);
  return ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    session,
  );
}
