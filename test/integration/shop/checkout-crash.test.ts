/**
 * A cloud process killed in the middle of a checkout loses no order and makes none twice, and
 * leaves no units held without an order. The real cloud runs as a child process on a PGlite data
 * folder (test/crash/shop-cloud-child.ts, started as `npm run cloud` starts it) and kills itself
 * with SIGKILL at one point: inside the checkout's transaction after the hold, after the order
 * committed but before the buyer heard, inside the payment's transaction, after the payment
 * committed but before Alipay heard. It is started again, and the buyer's browser and Alipay do
 * what they do: send the same request again (same idempotency key, same notice). Then the data
 * folder is read: one order per key, every paid notice settled once, every hold consumed or released.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudStore, rowsOf, sql } from '../../../src/cloud/db/open';
import { startFakeAlipay, type FakeAlipay } from '../../../src/main/payments/fakes/alipay';
import { httpTransport } from '../../../src/main/sync/transport';
import { ok, readyStore, testClock } from '../../support/app';
import { TEST_SIGNUP_SECRET } from '../../support/cloud';
import { Browser, hidden, SHOP_SECRET } from '../../support/shop-checkout';
import { terminal, type Terminal } from '../../support/sync';

const ROOT = resolve(__dirname, '..', '..', '..');
const CHILD = join(ROOT, 'test', 'crash', 'shop-cloud-child.ts');
/** Unpaid orders hold their units this long (short, so that the test sees one expire). */
const HOLD_MS = 30_000;

let dir: string;
let port: number;
let alipay: FakeAlipay;
let child: ChildProcess | null = null;
let till: Terminal;
let storeId: string;
let colaId: string;
const url = () => `http://127.0.0.1:${port}`;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

/** Starts the cloud; resolves once it listens. `crashAt`: where it kills itself. */
function start(crashAt: string): Promise<void> {
  const env = {
    ...process.env,
    SHOP_SECRET,
    SHOP_PAYMENTS_FILE: join(dir, 'payments.json'),
    CLOUD_SIGNUP_SECRET: TEST_SIGNUP_SECRET,
    DATABASE_URL: '',
  };
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, join(dir, 'db'), String(port), crashAt, String(HOLD_MS)], {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = p;
  let err = '';
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((ok, fail) => {
    p.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) ok();
    });
    p.once('exit', (code, signal) => fail(new Error(`the cloud stopped before listening (${code ?? signal}): ${err}`)));
  });
}

/** Resolves when the cloud process has gone (killed itself, or stopped). */
function exited(): Promise<string | null> {
  const p = child!;
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.signalCode);
  return new Promise((ok) => p.once('exit', (_code, signal) => ok(signal)));
}

async function stop(): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited();
  child.kill('SIGTERM');
  await gone;
}

/** The cloud dies at `crashAt` during `action`, and is started again without the fault. */
async function crashDuring(crashAt: string, action: () => Promise<unknown>): Promise<void> {
  await stop();
  await start(crashAt);
  const gone = exited();
  await action().catch(() => undefined);
  expect(await gone).toBe('SIGKILL');
  await start('none');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ct-shop-crash-'));
  port = await freePort();
  alipay = await startFakeAlipay();
  const payments = {
    alipay: {
      mode: 'training',
      baseUrl: alipay.url,
      appId: alipay.appId,
      keyMode: 'publicKey',
      privateKey: alipay.merchantPrivateKey!,
      alipayPublicKey: alipay.alipayPublicKey,
    },
  };
  // The store's id is known only once the till made the organisation: a first start without payments.
  writeFileSync(join(dir, 'payments.json'), '{}');
  chmodSync(join(dir, 'payments.json'), 0o600);
  await start('none');
  till = terminal(httpTransport(), { clock: testClock(Date.now()) });
  const ready = await readyStore(till, 's1', { currency: 'CNY' });
  const status = await ok(till, 'sync.createOrg', { serverUrl: url(), orgName: 'Acme', signupSecret: TEST_SIGNUP_SECRET }, 's1');
  storeId = status.storeId!;
  colaId = ready.cola.id;
  const [location] = await ok(till, 'stock.locations', {}, 's1');
  till.deps.sqlite
    .prepare(
      'INSERT INTO online_listings (product_id, sold_online, description, safety_buffer, updated_at, hlc) VALUES (?, 1, ?, NULL, ?, ?)',
    )
    .run(colaId, '', till.clock(), till.deps.hlc.now());
  await ok(
    till,
    'stock.adjust',
    { productId: colaId, locationId: location!.id, mode: 'set', qty: 100_000, reason: 'correction', note: '' },
    's1',
  );
  await till.sync.engine.syncNow();
  writeFileSync(join(dir, 'payments.json'), JSON.stringify({ [storeId]: payments }));
  await stop();
  await start('none');
}, 300_000);

afterAll(async () => {
  await stop();
  till?.close();
  await alipay?.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => `/shop/${storeId}`;

/** A buyer with a cola in the cart and the checkout form's fields (its idempotency key among them). */
async function buyer() {
  const b = new Browser({
    get url() {
      return url();
    },
  });
  expect((await b.post(`${base()}/cart/add`, { productId: colaId, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base()}/checkout`)).text();
  const fields = {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    a_name: 'Li Lei',
    a_line1: '1 Nanjing Rd',
    a_city: 'Shanghai',
    a_region: 'SH',
    a_postalCode: '200001',
    a_country: 'CN',
  };
  return { b, fields, submit: () => b.post(`${base()}/checkout`, fields) };
}

/** The checkout answered with the cashier: the buyer opens it; the trade number it names. */
async function toCashier(b: Browser, res: Response): Promise<string> {
  const gateway = res.headers.get('location') ?? '';
  expect(`${res.status} ${gateway}`).toMatch(new RegExp(`^303 ${alipay.url}`));
  expect((await b.get(gateway)).status).toBe(200);
  return (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
}

/** Alipay re-sends its notice until it reads "success". */
async function resendNotice(tradeNo: string): Promise<string> {
  const trade = alipay.trades.get(tradeNo)!;
  const notice = alipay.noticeFor(tradeNo);
  const r = await fetch(trade.notifyUrl!, { method: 'POST', headers: notice.headers, body: notice.body });
  return r.text();
}

describe('a cloud killed in the middle of a checkout', () => {
  const keys: string[] = [];
  const paid: string[] = [];
  let abandoned = '';
  let abandonedAt = 0;

  it('inside the checkout, after the hold: nothing was kept, and the same request places the order once', async () => {
    const x = await buyer();
    keys.push(x.fields.idem);
    await crashDuring('hold', x.submit);
    const tradeNo = await toCashier(x.b, await x.submit());
    expect(await toCashier(x.b, await x.submit())).toBe(tradeNo);
    paid.push(tradeNo);
    // Paid after the restart, on the first notice.
    expect(await alipay.customerPays(tradeNo)).toEqual([{ status: 200, body: 'success' }]);
  }, 300_000);

  it('after the order committed, before the buyer heard: the same request finds it', async () => {
    const x = await buyer();
    keys.push(x.fields.idem);
    abandoned = x.fields.idem;
    abandonedAt = Date.now();
    await crashDuring('placed', x.submit);
    // The same order, whether its hold is still on (to the cashier) or lapsed while the cloud was down (its page says so).
    const again = async () => {
      const res = await x.submit();
      expect(res.status).toBe(303);
      const to = res.headers.get('location')!;
      if (to.startsWith(alipay.url))
        return (JSON.parse(new URL(to).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
      const id = /\/orders\/([0-9a-f-]{36})\?key=/.exec(to)?.[1];
      expect(id).toBeDefined();
      const page = await (await x.b.get(to)).text();
      expect(page).toContain('Expired');
      return /Order (W\d{8}-\d{4})/.exec(page)![1]!;
    };
    const first = await again();
    expect(await again()).toBe(first);
    // The buyer walks away: it is never paid.
  }, 300_000);

  it('inside the payment, and after it committed: Alipay’s next notice settles it, once', async () => {
    for (const point of ['consume', 'paid']) {
      const x = await buyer();
      keys.push(x.fields.idem);
      const tradeNo = await toCashier(x.b, await x.submit());
      paid.push(tradeNo);
      await crashDuring(point, () => alipay.customerPays(tradeNo));
      expect(await resendNotice(tradeNo)).toBe('success');
      expect(await resendNotice(tradeNo)).toBe('success');
      // The buyer back from the cashier sees it paid.
      const page = await (await x.b.get(alipay.trades.get(tradeNo)!.returnUrl!)).text();
      expect(page).toContain('Paid');
    }
  }, 400_000);

  it('the order placed just before a kill and never paid expires after the restart, with no request to the shop', async () => {
    // The sweep runs every 250 ms; the margin is for a loaded machine, where a restarted cloud takes seconds to settle.
    await new Promise((r) => setTimeout(r, Math.max(0, abandonedAt + HOLD_MS + 20_000 - Date.now())));
  }, 300_000);

  it('leaves one order per key, each paid notice settled once, and no units held without an order', async () => {
    await stop();
    const store = await openCloudStore({ databaseUrl: null, dataDir: join(dir, 'db') });
    try {
      const orders = await rowsOf<{ idempotency_key: string; state: string; shop_number: string; id: string }>(
        store.db,
        sql`SELECT idempotency_key, state, shop_number, id FROM shop_orders WHERE store_id = ${storeId}`,
      );
      expect(orders.map((o) => o.idempotency_key).sort()).toEqual([...keys].sort());
      for (const o of orders) expect(o.state).toBe(o.idempotency_key === abandoned ? 'expired' : 'paid');
      expect(
        orders
          .filter((o) => o.state === 'paid')
          .map((o) => o.shop_number)
          .sort(),
      ).toEqual([...paid].sort());
      // The store's tills get each paid order once.
      const facts = await rowsOf<{ entity_id: string }>(store.db, sql`SELECT entity_id FROM records WHERE entity = 'order'`);
      expect(facts.map((f) => f.entity_id).sort()).toEqual(
        orders
          .filter((o) => o.state === 'paid')
          .map((o) => o.id)
          .sort(),
      );
      // Holds: consumed by paid orders, released for the expired one, none still held.
      const holds = await rowsOf<{ order_id: string; state: string }>(store.db, sql`SELECT order_id, state FROM shop_reservations`);
      expect(holds.filter((h) => h.state === 'held')).toEqual([]);
      // A payment that came after its order expired took the units again: released, then consumed.
      for (const o of orders) {
        const mine = holds.filter((h) => h.order_id === o.id).map((h) => h.state);
        if (o.state === 'paid') expect(mine).toContain('consumed');
        else expect(mine).toEqual(['released']);
      }
      const notices = await rowsOf<{ order_id: string; outcome: string }>(
        store.db,
        sql`SELECT order_id, outcome FROM shop_payment_notices WHERE outcome = 'paid'`,
      );
      expect(notices.map((n) => n.order_id).sort()).toEqual(
        orders
          .filter((o) => o.state === 'paid')
          .map((o) => o.id)
          .sort(),
      );
    } finally {
      await store.close();
    }
  }, 300_000);
});
