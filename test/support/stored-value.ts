import { expect } from 'vitest';
import { makeApp, ok, readyStore } from './app';
import type { App } from '../../src/main/app';
import type { InputOf } from '../../src/shared/api';
import { uuidv7 } from '../../src/shared/ids';

export const APPLE = 'APPLE-1';

/** A store with a manager on 'mgr' and a clerk on 'clerk' (a Shanghai store selling in yuan unless told otherwise). */
export async function cardStore(setup: Partial<InputOf<'setup.run'>> = {}, opts: Parameters<typeof makeApp>[0] = {}) {
  const app = makeApp(opts);
  await readyStore(app, 's1', { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai', ...setup });
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  await ok(
    app,
    'catalog.create',
    { sku: 'APL', name: 'Apple', altName: '苹果', unit: 'each', price: 10_000, cost: 5000, barcodes: [APPLE] },
    'mgr',
  );
  /** Time passes (days for expiry): the idle lock signs everyone out, so both sign in again. */
  const later = async (ms: number) => {
    app.clock.advance(ms);
    await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  };
  return { app, clerkId: clerk.id, managerId: manager.id, later };
}

export async function issue(app: App, amount: number, over: Partial<InputOf<'cards.issue'>> = {}) {
  const [card] = await ok(
    app,
    'cards.issue',
    { opId: uuidv7(), kind: 'stored_value', amount, payment: { cash: amount * (over.quantity ?? 1), card: 0 }, ...over },
    'clerk',
  );
  return card!;
}

export function rows(app: App, table: string): number {
  return app.deps.sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

/** Everything a card operation may write, counted: a refusal must leave every number as it was. */
export function footprint(app: App) {
  return {
    cards: rows(app, 'stored_value_cards'),
    entries: rows(app, 'stored_value_entries'),
    sales: rows(app, 'stored_value_sales'),
    orders: rows(app, 'orders'),
    outbox: rows(app, 'outbox'),
    audit: rows(app, 'audit'),
  };
}

/** The running balances are exactly the sums of the entries, card by card. */
export function expectBalancesAreSums(app: App): void {
  const bad = app.deps.sqlite
    .prepare(
      `SELECT b.card_id FROM stored_value_balances b
       WHERE b.balance <> (SELECT COALESCE(SUM(delta), 0) FROM stored_value_entries e WHERE e.card_id = b.card_id)
       UNION SELECT e.card_id FROM stored_value_entries e LEFT JOIN stored_value_balances b ON b.card_id = e.card_id WHERE b.card_id IS NULL`,
    )
    .all();
  expect(bad).toEqual([]);
}

export async function sellApple(app: App, tenders: InputOf<'sales.complete'>['tenders']) {
  const cart = await ok(app, 'cart.scan', { code: APPLE }, 'clerk');
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders }, 'clerk');
}
