import type { App } from '../../src/main/app';
import type { InputOf } from '../../src/shared/api';
import { uuidv7 } from '../../src/shared/ids';
import { makeApp, ok, readyStore } from './app';

export const COLA = '5000112637922'; // 1.50, 20% inclusive
export const BREAD = '4006381333931'; // 3.25, 5% inclusive

/** A ready store with the admin on s1, a manager on 'mgr' and a clerk on 'clerk'. */
export async function shop(opts: { dataDir?: string | null } = {}) {
  const app = makeApp(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const ready = await readyStore(app, 's1');
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  return { app, ...ready, managerId: manager.id, clerkId: clerk.id };
}

/** Scans the codes into the open sale and pays; returns the order. */
export async function sell(
  app: App,
  codes: string[],
  tenders: InputOf<'sales.complete'>['tenders'] | 'exact-cash' = 'exact-cash',
  session = 'clerk',
) {
  let cart = await ok(app, 'cart.get', {}, session);
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, session);
  const t = tenders === 'exact-cash' ? [{ kind: 'cash' as const, amount: cart.priced.total }] : tenders;
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: t }, session);
}

export function stockOf(app: App, productId: string): number {
  return (
    app.deps.sqlite.prepare('SELECT COALESCE(SUM(qty), 0) AS q FROM stock_levels WHERE product_id = ?').get(productId) as { q: number }
  ).q;
}

export function count(app: App, table: string, where = '1 = 1', ...params: unknown[]): number {
  return (app.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;
}

export const ADDRESS = {
  name: 'Jane Doe',
  line1: '1 Market St',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
  phone: '+1 415 555 0100',
};
