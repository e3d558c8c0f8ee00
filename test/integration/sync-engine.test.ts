/**
 * The terminal's side of sync on its own: backoff in virtual time, selling while the network
 * hangs, a pulled page applied whole or not at all, offline card payment limits and sign-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cloudError } from '../../src/main/sync/cloud';
import { applyPage } from '../../src/main/sync/pull';
import { getState, saveDeviceToken, setState } from '../../src/main/sync/state';
import { CloudClient, httpTransport, NetworkError, type SyncRequest, type SyncTransport } from '../../src/main/sync/transport';
import type { Timers } from '../../src/main/sync/engine';
import { createSimulatedTerminal } from '../../src/main/payments/simulated-terminal';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { fail, makeApp, ok, readyStore, testClock } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { firstTerminal, outboxSize, pulledProduct as pulledProductOf, sell, signIn, terminal, type Terminal } from '../support/sync';

/** Timers in virtual time: the test decides when each fires. */
function virtualTimers() {
  const pending: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const timers: Timers & { pending: typeof pending; fire(): Promise<number> } = {
    pending,
    setTimeout(fn, ms) {
      const id = next++;
      pending.push({ fn, ms, id });
      return id;
    },
    clearTimeout(h) {
      const i = pending.findIndex((p) => p.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
    /** Fires the next timer and lets the cycle it starts run to its end; answers its delay. */
    async fire() {
      const t = pending.shift();
      if (!t) throw new Error('no timer pending');
      t.fn();
      for (let k = 0; k < 20; k++) await new Promise((r) => setImmediate(r));
      return t.ms;
    },
  };
  return timers;
}

function linkTo(app: Terminal | ReturnType<typeof makeApp>) {
  const deviceId = randomUUID();
  saveDeviceToken(app.deps.secrets, deviceId, 'ctd_x');
  setState(app.deps.sqlite, 'cloud', {
    serverUrl: 'http://cloud.test',
    orgId: randomUUID(),
    orgName: 'Org',
    storeId: randomUUID(),
    storeName: 'Shop',
    deviceId,
    terminalCode: 'T1',
    enrolledAt: 0,
  });
  setState(app.deps.sqlite, 'mutationBase', 0);
  app.sync.engine.linked();
}

describe('the sync loop', () => {
  it('backs off exponentially while the cloud is unreachable (capped), and returns to its pace once it answers', async () => {
    const timers = virtualTimers();
    let up = false;
    const transport: SyncTransport = {
      async request(_b, req: SyncRequest) {
        if (!up) throw new NetworkError('down');
        if (req.path.startsWith('/v1/pull')) return { status: 200, body: { changes: [], cursor: 0, more: false, serverTime: 0 } };
        return { status: 200, body: { lastMutationId: 0, rejected: [], serverTime: 0 } };
      },
    };
    const app = makeApp({ sync: { transport, timers, random: () => 1, intervalMs: 3000, autoStart: false } });
    try {
      linkTo(app);
      app.sync.engine.start();
      const delays: number[] = [];
      for (let k = 0; k < 9; k++) delays.push(await timers.fire());
      expect(delays).toEqual([0, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
      const s = app.sync.engine.status();
      expect(s).toMatchObject({ enrolled: true, online: false, lastError: { code: 'OFFLINE' } });
      expect(s.nextAttemptAt).toBe(app.clock.now + 60000);
      up = true;
      await timers.fire();
      expect(app.sync.engine.status()).toMatchObject({ online: true, lastError: null, lastSyncAt: app.clock.now });
      expect(timers.pending.map((p) => p.ms)).toEqual([3000]);
    } finally {
      app.close();
    }
  });

  it('jitter keeps terminals from retrying in step', async () => {
    const timers = virtualTimers();
    const transport: SyncTransport = {
      request: () => Promise.reject(new NetworkError('down')),
    };
    const app = makeApp({ sync: { transport, timers, random: () => 0, autoStart: false } });
    try {
      linkTo(app);
      app.sync.engine.start();
      await timers.fire();
      expect(await timers.fire()).toBe(500);
      expect(await timers.fire()).toBe(1000);
    } finally {
      app.close();
    }
  });

  it('selling never waits for the network: a sale completes while a push hangs, and no transaction is held open', async () => {
    let release: (() => void) | null = null;
    const calls: string[] = [];
    const pushed: string[] = [];
    const transport: SyncTransport = {
      async request(_b, req) {
        calls.push(req.path);
        for (const m of (req.body as { mutations?: { e: string; i: string }[] } | undefined)?.mutations ?? []) pushed.push(m.i);
        if (req.path === '/v1/push' && calls.filter((c) => c === '/v1/push').length === 1) await new Promise<void>((r) => (release = r));
        if (req.path.startsWith('/v1/pull')) return { status: 200, body: { changes: [], cursor: 0, more: false, serverTime: 0 } };
        const n = (req.body as { mutations: { m: number }[] }).mutations.at(-1)!.m;
        return { status: 200, body: { lastMutationId: n, rejected: [], serverTime: 0 } };
      },
    };
    const app = makeApp({ sync: { transport, autoStart: false } });
    try {
      const { cola } = await readyStore(app);
      linkTo(app);
      // A sale before the cycle starts, so the push has something to send.
      await sell(app, [{ productId: cola.id }]);
      const cycle = app.sync.engine.syncNow();
      for (let k = 0; k < 5 && !release; k++) await new Promise((r) => setImmediate(r));
      expect(release).not.toBeNull();
      expect(app.deps.sqlite.inTransaction).toBe(false);
      const t0 = Date.now();
      const order = await sell(app, [{ productId: cola.id, qty: 2000 }]);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(order.number).toBe('T1-000002');
      (release as unknown as () => void)();
      await cycle;
      // The second sale was not in the hanging batch: it went up in the next one.
      expect(pushed).toContain(order.id);
      expect(outboxSize(app)).toBe(0);
    } finally {
      app.close();
    }
  });
});

describe('a pulled page', () => {
  const stamp = formatHlc(Date.UTC(2026, 0, 1), 0, 'T9');
  const pulledProduct = (taxRateId: string, k: number, f: { sku: string; name: string; barcode: string }) =>
    pulledProductOf(taxRateId, k, f, stamp);

  it('is applied with its cursor in one transaction: a disk-full half way leaves neither', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: { request: () => Promise.reject(new NetworkError('x')) } } });
    try {
      const { std } = await readyStore(app);
      linkTo(app);
      setState(app.deps.sqlite, 'cursor', 10);
      const changes = Array.from({ length: 400 }, (_, k) =>
        pulledProduct(std.id, k, {
          sku: `BULK-${k}`,
          name: `Bulk item ${k} ${'x'.repeat(200)}`,
          barcode: `77${String(k).padStart(11, '0')}`,
        }),
      );
      const count = () => app.deps.sqlite.prepare("SELECT COUNT(*) FROM products WHERE sku LIKE 'BULK-%'").pluck().get();
      const sqlite = app.deps.sqlite;
      sqlite.pragma(`max_page_count = ${(sqlite.pragma('page_count', { simple: true }) as number) + 2}`);
      expect(() => applyPage(app.deps, { changes, cursor: 20 })).toThrow(/full/i);
      expect(count()).toBe(0);
      expect(getState(sqlite, 'cursor')).toBe(10);
      sqlite.pragma('max_page_count = 1073741823');
      applyPage(app.deps, { changes, cursor: 20 });
      expect(count()).toBe(400);
      expect(getState(sqlite, 'cursor')).toBe(20);
      // Pulled products are searchable like local ones.
      expect((await ok(app, 'catalog.search', { q: '7700000000399' }, 's1'))[0]?.sku).toBe('BULK-399');
    } finally {
      app.close();
    }
  });

  it('a bulk page (triggers dropped meanwhile) still stamps a local fix, and leaves the triggers in place, applied or not', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: { request: () => Promise.reject(new NetworkError('x')) } } });
    try {
      const { std, cola } = await readyStore(app);
      linkTo(app);
      const sqlite = app.deps.sqlite;
      const triggers = () => sqlite.prepare("SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'trigger'").pluck().get() as number;
      const installed = triggers();
      expect(installed).toBeGreaterThan(0);
      const product = (k: number, sku: string) =>
        pulledProduct(std.id, k, { sku, name: `Bulk item ${k}`, barcode: `78${String(k).padStart(11, '0')}` });
      // The cloud's product takes COLA, which this terminal's unsent product holds: the local one gives it up.
      // Two records of the page bring the same barcode: the later one (the cloud's newer state) takes it.
      const twin = product(701, 'TWIN');
      twin.d.barcodes = [...product(0, 'x').d.barcodes];
      const changes = [...Array.from({ length: 700 }, (_, k) => product(k, `BULK-${k}`)), product(700, 'COLA'), twin];
      sqlite.pragma(`max_page_count = ${(sqlite.pragma('page_count', { simple: true }) as number) + 2}`);
      expect(() => applyPage(app.deps, { changes, cursor: 20 })).toThrow(/full/i);
      expect(triggers()).toBe(installed);
      sqlite.pragma('max_page_count = 1073741823');
      applyPage(app.deps, { changes, cursor: 20 });
      expect(triggers()).toBe(installed);
      expect(sqlite.prepare("SELECT COUNT(*) FROM products WHERE sku LIKE 'BULK-%'").pluck().get()).toBe(700);
      expect(sqlite.prepare('SELECT product_id FROM barcodes WHERE code = ?').pluck().get('7800000000000')).toBe(twin.i);
      expect(sqlite.prepare('SELECT sku FROM products WHERE id = ?').pluck().get(cola.id)).toBe('COLA~2');
      const clocks = JSON.parse(
        sqlite.prepare("SELECT clocks FROM sync_clocks WHERE entity = 'product' AND entity_id = ?").pluck().get(cola.id) as string,
      ) as Record<string, string>;
      expect(clocks.sku).not.toBe(clocks.name);
      expect(sqlite.prepare('SELECT code FROM sync_rejections WHERE entity_id = ?').pluck().all(cola.id)).toEqual(['DUPLICATE_RESOLVED']);
      // Edits after the page are stamped again.
      await ok(app, 'catalog.update', { id: cola.id, price: 175 }, 's1');
      const after = JSON.parse(
        sqlite.prepare("SELECT clocks FROM sync_clocks WHERE entity = 'product' AND entity_id = ?").pluck().get(cola.id) as string,
      ) as Record<string, string>;
      expect(after.price! > clocks.sku!).toBe(true);
      expect((await ok(app, 'catalog.search', { q: '7800000000699' }, 's1'))[0]?.sku).toBe('BULK-699');
    } finally {
      app.close();
    }
  });

  it('a record that cannot be stored is skipped with a notice; the rest of the page lands', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: { request: () => Promise.reject(new NetworkError('x')) } } });
    try {
      const { std } = await readyStore(app);
      linkTo(app);
      const good = uuidv7();
      applyPage(app.deps, {
        changes: [
          { e: 'product', i: uuidv7(), d: { name: 'No SKU, no unit' }, c: stamp },
          {
            e: 'product',
            i: good,
            d: {
              sku: 'GOOD',
              name: 'Good',
              unit: 'each',
              price: 1,
              cost: 1,
              tax_rate_id: std.id,
              archived: false,
              created_at: 1,
              updated_at: 1,
            },
            c: stamp,
          },
        ],
        cursor: 5,
      });
      expect(app.deps.sqlite.prepare('SELECT sku FROM products WHERE id = ?').pluck().get(good)).toBe('GOOD');
      expect(getState(app.deps.sqlite, 'cursor')).toBe(5);
      const notices = app.deps.sqlite.prepare('SELECT code FROM sync_rejections').pluck().all();
      expect(notices).toEqual(['APPLY_FAILED']);
    } finally {
      app.close();
    }
  });
});

describe('card payments while offline', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(async () => {
    await cloud.close();
  });

  async function approvedCard(app: Terminal, amount: number) {
    const cart = await ok(app, 'cart.get', {}, 's1');
    const intent = await ok(app, 'payments.startCard', { cartId: cart.id!, amount }, 's1');
    for (let k = 0; k < 200; k++) {
      const cur = await ok(app, 'payments.intent', { id: intent.id }, 's1');
      if (cur.status !== 'pending') return cur;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('card never answered');
  }

  async function payByCard(app: Terminal, productId: string, qty: number, card: number) {
    await ok(app, 'cart.addProduct', { productId, qty }, 's1');
    const cart = await ok(app, 'cart.get', {}, 's1');
    const intent = await approvedCard(app, card);
    expect(intent.status).toBe('approved');
    const rest = cart.priced.total - card;
    return ok(
      app,
      'sales.complete',
      {
        cartId: cart.id!,
        checkoutId: randomUUID(),
        tenders: [{ kind: 'card_integrated', intentId: intent.id }, ...(rest > 0 ? [{ kind: 'cash' as const, amount: rest }] : [])],
      },
      's1',
    );
  }

  it('respect the per-sale limit, the per-terminal total and the window, and block sign-out until sent', async () => {
    const clock = testClock();
    const app = terminal(cloud.transport, { clock });
    Object.assign(app.deps, { payments: createSimulatedTerminal({ delayMs: 0 }) });
    try {
      const { cola, adminId } = await firstTerminal(app, cloud.url);
      // Off by default: while offline no card payment is taken at all.
      cloud.transport.down = true;
      expect((await app.sync.engine.syncNow()).online).toBe(false);
      await ok(app, 'cart.addProduct', { productId: cola.id, qty: 40_000 }, 's1'); // 40 × 1.50 = 60.00
      let cart = await ok(app, 'cart.get', {}, 's1');
      const off = await fail(app, 'payments.startCard', { cartId: cart.id!, amount: 1000 });
      expect(off, JSON.stringify(off)).toMatchObject({ code: 'DECLINED', details: { messageKey: 'sync.err.offlineCardsOff' } });
      await ok(app, 'cart.clear', {}, 's1');

      await ok(app, 'sync.setOfflinePolicy', { maxPerSale: 5000, maxTotal: 8000, windowHours: 24 }, 's1');
      await ok(app, 'cart.addProduct', { productId: cola.id, qty: 40_000 }, 's1');
      cart = await ok(app, 'cart.get', {}, 's1');
      const over = await fail(app, 'payments.startCard', { cartId: cart.id!, amount: 6000 });
      expect(over.code).toBe('DECLINED');
      // The amount as a number with its currency: the screen words it in its own language.
      expect(over.details).toMatchObject({ messageKey: 'sync.err.offlinePerSale', money: { limit: 5000 }, currency: 'USD' });
      await ok(app, 'cart.clear', {}, 's1');
      await payByCard(app, cola.id, 40_000, 4000);
      expect((await ok(app, 'sync.status', {}, 's1')).offlineCards).toMatchObject({ count: 1, total: 4000 });

      // The terminal's total: 4000 held + 4500 > 8000.
      await ok(app, 'cart.addProduct', { productId: cola.id, qty: 30_000 }, 's1');
      cart = await ok(app, 'cart.get', {}, 's1');
      expect((await fail(app, 'payments.startCard', { cartId: cart.id!, amount: 4500 })).details).toMatchObject({
        messageKey: 'sync.err.offlineTotal',
      });
      // Signing this terminal out of the cloud would lose the stored payment: refused.
      const refused = await fail(app, 'sync.signOut', { discardPending: true });
      expect(refused).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'sync.err.unsentOfflineCards', count: 1 } });
      // A day later, the unsent one is too old: no more offline card payments.
      clock.advance(25 * 3600_000);
      await signIn(app, adminId); // the counter locked itself meanwhile
      expect((await fail(app, 'payments.startCard', { cartId: cart.id!, amount: 1000 })).details).toMatchObject({
        messageKey: 'sync.err.offlineWindow',
      });

      // Back online: the sale goes up, the payment counts as sent, limits no longer apply.
      cloud.transport.down = false;
      const s = await app.sync.engine.syncNow();
      expect(s).toMatchObject({ online: true, pending: 0, offlineCards: { count: 0, total: 0 } });
      const intent = await approvedCard(app, 4500);
      expect(intent.status).toBe('approved');
      await ok(app, 'payments.cancelCard', { id: intent.id }, 's1');
      await ok(app, 'cart.clear', {}, 's1');
      const out = await ok(app, 'sync.signOut', { discardPending: false }, 's1');
      expect(out).toMatchObject({ enrolled: false });
    } finally {
      cloud.transport.down = false;
      app.close();
    }
  });
});

describe('a wrong cloud address', () => {
  it('where a web server (not the cloud) answers, says so, even when it answers 200', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.method === 'POST' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<!doctype html><h1>Welcome</h1>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = new CloudClient(httpTransport(), url);
      for (const call of [() => client.enrol({ code: 'ABCD-EFGH-JKMN', terminalName: 'Till' }), () => client.pull(0, 10)]) {
        const err = cloudError(
          await call().then(
            () => null,
            (e: unknown) => e,
          ),
        );
        expect(err).toMatchObject({ code: 'IO', details: { messageKey: 'sync.err.notACloud' } });
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
