/** Terminals wired to a test cloud, and the steps people take with them. */
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../src/shared/ids';
import type { App } from '../../src/main/app';
import type { SyncOptions } from '../../src/main/sync/runtime';
import type { SyncTransport } from '../../src/main/sync/transport';
import { ADMIN_PIN, makeApp, ok, readyStore, testClock, type TestClock } from './app';
import { TEST_SIGNUP_SECRET } from './cloud';

export type Terminal = ReturnType<typeof makeApp>;

export function terminal(
  transport: SyncTransport,
  opts: { clock?: TestClock; dataDir?: string | null; terminalCode?: string; sync?: Omit<SyncOptions, 'transport'> } = {},
): Terminal {
  return makeApp({
    clock: opts.clock ?? testClock(),
    dataDir: opts.dataDir ?? null,
    ...(opts.terminalCode ? { terminalCode: opts.terminalCode } : {}),
    sync: { autoStart: false, ...opts.sync, transport },
  });
}

/** First terminal: a set-up store with a small catalog, connected as a new organisation. */
export async function firstTerminal(t: Terminal, serverUrl: string, orgName = 'Acme Grocers') {
  const store = await readyStore(t, 's1');
  const status = await ok(t, 'sync.createOrg', { serverUrl, orgName, signupSecret: TEST_SIGNUP_SECRET }, 's1');
  return { ...store, status };
}

/** An admin signs in to the cloud on `session` and makes a one-time code for `storeId`. */
export async function enrolmentCode(t: Terminal, session = 's1', storeId?: string, replacesDeviceId?: string | null) {
  await ok(t, 'sync.cloudSignIn', { pin: ADMIN_PIN }, session);
  const sid = storeId ?? (await ok(t, 'sync.status', {}, session)).storeId!;
  return ok(t, 'sync.createCode', { storeId: sid, ...(replacesDeviceId ? { replacesDeviceId } : {}) }, session);
}

export async function joinTerminal(t: Terminal, serverUrl: string, code: string) {
  return ok(t, 'sync.join', { serverUrl, code }, 'joiner');
}

export async function signIn(t: App, staffId: string, pin = ADMIN_PIN, session = 's1') {
  return ok(t, 'staff.signIn', { staffId, pin }, session);
}

/** A cash sale of the given products through the router, as the clerk would make it. */
export async function sell(t: App, lines: { productId: string; qty?: number }[], session = 's1') {
  await openShift(t, session);
  for (const l of lines) await ok(t, 'cart.addProduct', { productId: l.productId, ...(l.qty ? { qty: l.qty } : {}) }, session);
  const cart = await ok(t, 'cart.get', {}, session);
  return ok(
    t,
    'sales.complete',
    { cartId: cart.id!, checkoutId: randomUUID(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    session,
  );
}

/**
 * Two tills of one store: A made the organisation, B joined it with a code; the admin is signed
 * in on both and B has a shift open. `track` receives each till, to be closed after the test.
 */
export async function twoTills(cloud: { transport: SyncTransport; url: string }, track: (t: Terminal) => Terminal) {
  const clock1 = testClock();
  const t1 = track(terminal(cloud.transport, { clock: clock1 }));
  const first = await firstTerminal(t1, cloud.url);
  const code = await enrolmentCode(t1);
  const t2 = track(terminal(cloud.transport, { clock: testClock(clock1.now + 5) }));
  await joinTerminal(t2, cloud.url, code.code);
  await signIn(t2, first.adminId);
  await openShift(t2);
  return { t1, t2, first };
}

/** Selling needs an open cash-drawer shift on each till (a no-op when one is open). */
export async function openShift(t: App, session = 's1') {
  const res = await t.router.call('shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, session);
  if (!res.ok && res.error.code !== 'CONFLICT') throw new Error(`shifts.open failed: ${res.error.code} ${res.error.message}`);
}

/** Rounds of "sync now" on every terminal until none has anything left to send. */
export async function syncAll(terminals: App[], rounds = 3): Promise<void> {
  for (let r = 0; r < rounds; r++) for (const t of terminals) await t.sync.engine.syncNow();
}

export function stockOf(t: App, productId: string): number {
  return (
    (t.deps.sqlite.prepare('SELECT COALESCE(SUM(qty), 0) FROM stock_levels WHERE product_id = ?').pluck().get(productId) as number) ?? 0
  );
}

export function ledgerOf(t: App, productId: string): number {
  return t.deps.sqlite
    .prepare('SELECT COALESCE(SUM(qty_delta), 0) FROM stock_movements WHERE product_id = ?')
    .pluck()
    .get(productId) as number;
}

export function outboxSize(t: App): number {
  return t.deps.sqlite.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;
}

/** A product record as the cloud sends it in a pulled page (every field stamped `stamp`). */
export function pulledProduct(taxRateId: string, k: number, f: { sku: string; name: string; barcode: string }, stamp: string) {
  return {
    e: 'product',
    i: uuidv7(),
    d: {
      sku: f.sku,
      name: f.name,
      alt_name: null,
      category_id: null as string | null,
      unit: 'each',
      price: 100 + k,
      cost: 50,
      tax_rate_id: taxRateId,
      plu: null,
      archived: false,
      created_at: 1,
      updated_at: 1,
      barcodes: [f.barcode],
    },
    c: stamp,
  };
}
