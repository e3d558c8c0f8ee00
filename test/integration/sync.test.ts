/**
 * Terminals and the cloud, end to end through the real HTTP app (in-process, PGlite in memory):
 * connecting, joining, selling on several tills, per-field merges, stock by adding, rejections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PIN, fail, ok, testClock } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { localizedName } from '../../src/shared/names';
import {
  enrolmentCode,
  firstTerminal,
  joinTerminal,
  ledgerOf,
  outboxSize,
  sell,
  signIn,
  stockOf,
  syncAll,
  terminal,
  type Terminal,
} from '../support/sync';

let cloud: TestCloud;
const open: Terminal[] = [];
const track = (t: Terminal) => (open.push(t), t);

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  for (const t of open) t.close();
  await cloud.close();
});

const defaultLocation = (t: Terminal) =>
  t.deps.sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;

async function twoTills() {
  const clock1 = testClock();
  const clock2 = testClock(clock1.now + 5);
  const t1 = track(terminal(cloud.transport, { clock: clock1 }));
  const first = await firstTerminal(t1, cloud.url);
  const code = await enrolmentCode(t1);
  const t2 = track(terminal(cloud.transport, { clock: clock2 }));
  const joined = await joinTerminal(t2, cloud.url, code.code);
  return { t1, t2, first, joined, code };
}

describe('connecting terminals', () => {
  it('the first terminal creates the organisation and sends its whole store; a second joins with a one-time code', async () => {
    const { t1, t2, first, joined } = await twoTills();
    expect(first.status).toMatchObject({ enrolled: true, online: true, pending: 0, orgName: 'Acme Grocers', terminalCode: 'T1' });
    expect(outboxSize(t1)).toBe(0);

    // The new terminal is set up from the cloud: its own code, the store, the catalog, the staff.
    expect(joined).toMatchObject({ enrolled: true, joining: false, online: true, terminalCode: 'T2', storeName: 'Corner Shop' });
    const status = await ok(t2, 'app.status', {}, 'x');
    expect(status).toMatchObject({ setupDone: true, storeName: 'Corner Shop', terminalCode: 'T2' });
    // Staff sign in on every terminal with the PIN they already have.
    await signIn(t2, first.adminId);
    const hit = await ok(t2, 'catalog.search', { q: 'cola' }, 's1');
    expect(hit.map((h) => h.sku)).toEqual(['COLA']);
    expect((await ok(t2, 'catalog.search', { q: '5000112637922' }, 's1'))[0]?.id).toBe(first.cola.id);
    expect((await ok(t2, 'catalog.get', { id: first.apple.id }, 's1')).altName).toBe('苹果');
    expect(await ok(t2, 'taxRates.list', {}, 's1')).toHaveLength(2);
    expect((await ok(t2, 'settings.get', {}, 's1')).currency).toBe('USD');
    // Its stock list shows the whole catalog, items never stocked included (at 0), as on the first till.
    const stockList = async (t: Terminal) => {
      const locationId = t.deps.sqlite.prepare('SELECT id FROM stock_locations WHERE is_default = 1').pluck().get() as string;
      return (await ok(t, 'stock.list', { locationId, sort: 'sku', offset: 0, limit: 50 }, 's1')).items.map((i) => [i.sku, i.qty]);
    };
    expect(await stockList(t2)).toEqual(await stockList(t1));
    expect((await stockList(t2)).length).toBe(3);
  });

  it('the stamping triggers exist only while a terminal is connected (they cost every write of a till without a cloud)', async () => {
    const triggers = (t: Terminal) =>
      t.deps.sqlite.prepare("SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'ct_sync_%'").pluck().get();
    const t1 = track(terminal(cloud.transport));
    expect(triggers(t1)).toBe(0);
    const first = await firstTerminal(t1, cloud.url, 'Trigger Grocers');
    expect(triggers(t1)).toBeGreaterThan(0);
    // An edit made while connected is stamped per field, as before.
    await ok(t1, 'catalog.update', { id: first.cola.id, price: 299 }, 's1');
    const clocks = t1.deps.sqlite
      .prepare("SELECT clocks FROM sync_clocks WHERE entity = 'product' AND entity_id = ?")
      .pluck()
      .get(first.cola.id);
    expect(JSON.parse(clocks as string)).toHaveProperty('price');
  });

  it('a one-time code works once', async () => {
    const { code } = await twoTills();
    const t3 = track(terminal(cloud.transport));
    const err = await fail(t3, 'sync.join', { serverUrl: cloud.url, code: code.code }, 'x');
    expect(err.code).toBe('NOT_FOUND');
    expect((await ok(t3, 'app.status', {}, 'x')).setupDone).toBe(false);
  });
});

describe('selling on several terminals', () => {
  it('sales on two tills, made offline, merge: each order once everywhere, stock goes down by both', async () => {
    const { t1, t2, first } = await twoTills();
    await signIn(t2, first.adminId);
    const cola = first.cola.id;
    cloud.transport.down = true;
    try {
      await sell(t1, [{ productId: cola, qty: 2000 }]);
      await sell(t2, [{ productId: cola, qty: 3000 }, { productId: first.bread.id }]);
      // Selling never needed the network; the attempt to sync fails and says offline.
      const s = await t1.sync.engine.syncNow();
      expect(s.online).toBe(false);
      expect(s.pending).toBeGreaterThan(0);
    } finally {
      cloud.transport.down = false;
    }
    await syncAll([t1, t2]);
    for (const t of [t1, t2]) {
      expect(outboxSize(t)).toBe(0);
      expect(stockOf(t, cola)).toBe(-5000);
      expect(ledgerOf(t, cola)).toBe(-5000);
      const numbers = t.deps.sqlite.prepare('SELECT number FROM orders ORDER BY number').pluck().all() as string[];
      expect(numbers).toEqual(['T1-000001', 'T2-000001']);
      expect(t.deps.sqlite.prepare('SELECT COUNT(*) FROM payments').pluck().get()).toBe(2);
    }
  });

  it('a product sold by the 斤 reaches the other till with its unit, and a weighed sale there comes back with it', async () => {
    const { t1, t2, first } = await twoTills();
    await signIn(t2, first.adminId);
    const pork = await ok(t1, 'catalog.create', {
      sku: 'PORK-JIN',
      name: '五花肉',
      unit: 'jin',
      price: 1800,
      cost: 900,
      barcodes: [],
      taxRateId: first.std.id,
    });
    await syncAll([t1, t2]);
    expect(t2.deps.sqlite.prepare('SELECT unit FROM products WHERE id = ?').pluck().get(pork.id)).toBe('jin');
    await sell(t2, [{ productId: pork.id, qty: 1360 }]);
    await syncAll([t1, t2]);
    for (const t of [t1, t2]) {
      expect(t.deps.sqlite.prepare('SELECT unit, qty FROM order_lines WHERE product_id = ?').get(pork.id)).toEqual({
        unit: 'jin',
        qty: 1360,
      });
      expect(stockOf(t, pork.id)).toBe(-1360);
    }
  });

  it('price and name edited on two tills merge per field; the same field edited on both: the later edit wins', async () => {
    const { t1, t2, first } = await twoTills();
    const id = first.bread.id;
    const edit = (t: Terminal, set: Record<string, unknown>) => {
      const cols = Object.keys(set)
        .map((k) => `${k} = @${k}`)
        .join(', ');
      t.deps.sqlite.transaction(() => {
        t.deps.sqlite.prepare(`UPDATE products SET ${cols}, hlc = @hlc WHERE id = @id`).run({ ...set, hlc: t.deps.hlc.now(), id });
        t.deps.sqlite
          .prepare("INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, 'product', ?, 'update', '{}', ?, ?)")
          .run(t.deps.ids(), id, t.deps.hlc.now(), t.deps.clock());
      })();
    };
    t1.clock.advance(1000);
    t2.clock.advance(1000);
    edit(t1, { price: 399 });
    t2.clock.advance(10);
    edit(t2, { name: 'Sourdough loaf' });
    t1.clock.advance(50);
    t2.clock.advance(100);
    edit(t2, { cost: 100 });
    edit(t1, { cost: 120 }); // t1's clock is behind t2's: t2's cost edit is the later one
    await syncAll([t1, t2]);
    for (const t of [t1, t2]) {
      const p = t.deps.sqlite.prepare('SELECT price, name, cost FROM products WHERE id = ?').get(id);
      expect(p).toEqual({ price: 399, name: 'Sourdough loaf', cost: 100 });
    }
  });
});

describe('pushing the outbox', () => {
  it('goes up in batches, the next read while the cloud applies one: an edit made meanwhile arrives, no change is sent twice', async () => {
    const t1 = track(terminal(cloud.transport, { sync: { pushBatch: 4 } }));
    const first = await firstTerminal(t1, cloud.url);
    const made: { id: string; name: string }[] = [];
    for (let k = 0; k < 10; k++)
      made.push(
        await ok(t1, 'catalog.create', {
          sku: `RA-${k}`,
          name: `Read ahead ${k}`,
          unit: 'each',
          price: 100 + k,
          cost: 50,
          barcodes: [],
          taxRateId: first.std.id,
        }),
      );
    const sent: number[] = [];
    let pushes = 0;
    cloud.transport.hook = async (req) => {
      if (req.path !== '/v1/push') return;
      pushes += 1;
      sent.push(...(req.body as { mutations: { m: number }[] }).mutations.map((m) => m.m));
      if (pushes === 1) {
        // By now the terminal has read the next batch, with the product edited here in it.
        await new Promise((r) => setTimeout(r, 20));
        await ok(t1, 'catalog.update', { id: made[6]!.id, name: 'Edited while in flight' });
      }
    };
    try {
      await syncAll([t1], 2);
    } finally {
      cloud.transport.hook = undefined;
    }
    expect(pushes).toBeGreaterThanOrEqual(3);
    expect(new Set(sent).size).toBe(sent.length);
    expect(outboxSize(t1)).toBe(0);
    const code = await enrolmentCode(t1);
    const t2 = track(terminal(cloud.transport));
    await joinTerminal(t2, cloud.url, code.code);
    const names = t2.deps.sqlite.prepare("SELECT name FROM products WHERE sku LIKE 'RA-%' ORDER BY sku").pluck().all();
    expect(names).toEqual(made.map((p, k) => (k === 6 ? 'Edited while in flight' : p.name)));
  });
});

describe('stores, conflicts and clocks', () => {
  it('settings reach every terminal of the store and no other; catalog and staff reach the whole organisation; stock is per store', async () => {
    const { t1, t2, first } = await twoTills();
    // An admin opens a second store and enrols a terminal there.
    await ok(t1, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
    const stores = await ok(t1, 'sync.createStore', { name: 'Harbour Branch' }, 's1');
    const branch = stores.find((s) => s.name === 'Harbour Branch')!;
    const code = await ok(t1, 'sync.createCode', { storeId: branch.id }, 's1');
    const t3 = track(terminal(cloud.transport, { clock: testClock(t1.clock.now + 7) }));
    const joined = await joinTerminal(t3, cloud.url, code.code);
    expect(joined).toMatchObject({ storeName: 'Harbour Branch', terminalCode: 'T3', joining: false });
    await signIn(t3, first.adminId);
    expect((await ok(t3, 'settings.get', {}, 's1')).storeName).toBe('Harbour Branch');
    expect((await ok(t3, 'settings.get', {}, 's1')).currency).toBe('USD');

    await ok(t1, 'settings.update', { receiptFooter: 'Thanks from the corner' }, 's1');
    await sell(t3, [{ productId: first.cola.id, qty: 4000 }]);
    await signIn(t2, first.adminId);
    await sell(t2, [{ productId: first.cola.id, qty: 1000 }]);
    await syncAll([t1, t2, t3]);
    expect((await ok(t2, 'settings.get', {}, 's1')).receiptFooter).toBe('Thanks from the corner');
    expect((await ok(t3, 'settings.get', {}, 's1')).receiptFooter).toBe('');
    // Stock: the corner shop's two tills see their own sale; the branch sees only its own.
    expect(stockOf(t1, first.cola.id)).toBe(-1000);
    expect(stockOf(t2, first.cola.id)).toBe(-1000);
    expect(stockOf(t3, first.cola.id)).toBe(-4000);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(1);
    expect(t3.deps.sqlite.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(1);

    // A manager signed in to the cloud sees sales and stock per store.
    const overview = await ok(t1, 'sync.overview', {}, 's1');
    const byName = Object.fromEntries(overview.map((s) => [s.name, s]));
    expect(byName['Corner Shop']).toMatchObject({ orders: 1, terminals: 2, currency: 'USD' });
    expect(byName['Harbour Branch']).toMatchObject({ orders: 1, terminals: 1, salesTotal: 600 });
    const stock = await ok(t1, 'sync.stock', { storeId: branch.id, q: 'cola', offset: 0, limit: 10 }, 's1');
    expect(stock.rows).toEqual([{ productId: first.cola.id, sku: 'COLA', name: 'Cola 330ml', altName: null, qty: -4000 }]);
  });

  it('the stock overview carries both names of a product, so a Chinese screen shows the Chinese one', async () => {
    const { t1, first } = await twoTills();
    await ok(
      t1,
      'stock.adjust',
      { productId: first.apple.id, locationId: defaultLocation(t1), mode: 'set', qty: 2500, reason: 'found' },
      's1',
    );
    await syncAll([t1]);
    await ok(t1, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
    const store = (await ok(t1, 'sync.overview', {}, 's1'))[0]!;
    const stock = await ok(t1, 'sync.stock', { storeId: store.id, q: '苹果', offset: 0, limit: 10 }, 's1');
    expect(stock.rows).toMatchObject([{ productId: first.apple.id, name: 'Apples', altName: '苹果', qty: 2500 }]);
    const row = stock.rows[0]!;
    expect(localizedName(row.name!, row.altName, 'zh-CN').primary).toBe('苹果');
    expect(localizedName(row.name!, row.altName, 'en').primary).toBe('Apples');
  });

  it('a terminal an admin removed says so on its status card, not "Online"', async () => {
    const { t1, t2, first } = await twoTills();
    await signIn(t2, first.adminId);
    await ok(t1, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
    const deviceId = (await ok(t2, 'sync.status', {}, 's1')).deviceId!;
    const stores = await ok(t1, 'sync.revokeDevice', { deviceId }, 's1');
    expect(stores.flatMap((s) => s.devices).find((d) => d.id === deviceId)?.revoked).toBe(true);
    await t2.sync.engine.syncNow();
    const status = await ok(t2, 'sync.status', {}, 's1');
    // The cloud still answers, refusing this terminal: the screen shows Removed for that (unit-tested with the screen).
    expect(status).toMatchObject({ online: true, lastError: { code: 'UNAUTHENTICATED' } });
    expect((await ok(t1, 'sync.status', {}, 's1')).lastError).toBeNull();
  });

  it('the same SKU created offline on two tills: the cloud refuses the second, a manager is told, and every till ends with both products', async () => {
    const { t1, t2, first } = await twoTills();
    await signIn(t2, first.adminId);
    cloud.transport.down = true;
    const a = await ok(
      t1,
      'catalog.create',
      { sku: 'NEW-1', name: 'Oat milk', unit: 'each', price: 250, cost: 100, barcodes: ['9300000000001'] },
      's1',
    );
    t2.clock.advance(3);
    const b = await ok(
      t2,
      'catalog.create',
      { sku: 'NEW-1', name: 'Almond milk', unit: 'each', price: 260, cost: 100, barcodes: ['9300000000001'] },
      's1',
    );
    await sell(t2, [{ productId: b.id }]);
    cloud.transport.down = false;
    await t1.sync.engine.syncNow();
    const s2 = await t2.sync.engine.syncNow();
    // The sale behind the refused product still went through: the queue did not stop.
    expect(s2.rejections).toBeGreaterThan(0);
    await syncAll([t1, t2]);
    const rows = (t: Terminal) =>
      t.deps.sqlite.prepare("SELECT id, sku, name FROM products WHERE name LIKE '%milk' ORDER BY name").all() as {
        id: string;
        sku: string;
        name: string;
      }[];
    expect(rows(t1)).toEqual(rows(t2));
    expect(rows(t1).map((r) => r.name)).toEqual(['Almond milk', 'Oat milk']);
    expect(rows(t1).find((r) => r.id === a.id)!.sku).toBe('NEW-1');
    expect(rows(t1).find((r) => r.id === b.id)!.sku).toBe('NEW-1~2');
    const code = (t: Terminal) => t.deps.sqlite.prepare("SELECT product_id FROM barcodes WHERE code = '9300000000001'").pluck().all();
    expect(code(t1)).toEqual([a.id]);
    expect(code(t2)).toEqual([a.id]);
    // Searching the new SKU on either till finds the renamed product.
    expect((await ok(t1, 'catalog.search', { q: 'Almond' }, 's1'))[0]?.id).toBe(b.id);
    expect((await ok(t1, 'sales.recent', { limit: 5 }, 's1')).length).toBe(1);
    const notices = await ok(t2, 'sync.localRejections', {}, 's1');
    expect(notices.map((n) => n.code).sort()).toEqual(expect.arrayContaining(['DUPLICATE', 'DUPLICATE_RESOLVED']));
    const cloudSide = await (async () => {
      await ok(t1, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
      return ok(t1, 'sync.cloudRejections', {}, 's1');
    })();
    expect(cloudSide.some((r) => r.code === 'DUPLICATE' && r.entityId === b.id && r.terminalCode === 'T2')).toBe(true);
  });

  it('a till whose clock runs a day fast cannot win every later edit', async () => {
    const { t1, t2, first } = await twoTills();
    t1.clock.advance(86_400_000);
    t1.deps.sqlite.transaction(() => {
      t1.deps.sqlite.prepare('UPDATE products SET price = 999, hlc = ? WHERE id = ?').run(t1.deps.hlc.now(), first.cola.id);
      t1.deps.sqlite
        .prepare("INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, 'product', ?, 'update', '{}', ?, ?)")
        .run(t1.deps.ids(), first.cola.id, t1.deps.hlc.now(), t1.deps.clock());
    })();
    await t1.sync.engine.syncNow();
    expect((await t1.sync.engine.syncNow()).clockSkewMs).toBeLessThan(-80_000_000);
    await t2.sync.engine.syncNow();
    t2.clock.advance(60_000);
    t2.deps.sqlite.transaction(() => {
      t2.deps.sqlite.prepare('UPDATE products SET price = 175, hlc = ? WHERE id = ?').run(t2.deps.hlc.now(), first.cola.id);
      t2.deps.sqlite
        .prepare("INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, 'product', ?, 'update', '{}', ?, ?)")
        .run(t2.deps.ids(), first.cola.id, t2.deps.hlc.now(), t2.deps.clock());
    })();
    await syncAll([t2, t1]);
    for (const t of [t1, t2]) expect(t.deps.sqlite.prepare('SELECT price FROM products WHERE id = ?').pluck().get(first.cola.id)).toBe(175);
  });
});

describe('rebuilding a terminal from the cloud', () => {
  it('a replacement machine gets the store, the stock and the old till’s sales, keeps its code, and numbers on', async () => {
    const { t1, t2, first } = await twoTills();
    await signIn(t2, first.adminId);
    await sell(t2, [{ productId: first.cola.id, qty: 2000 }]);
    await sell(t2, [{ productId: first.bread.id }]);
    await syncAll([t1, t2]);
    const old = t2.sync.engine.status();
    // T2's disk dies. The admin makes a replacement code on T1.
    await ok(t1, 'sync.cloudSignIn', { pin: ADMIN_PIN }, 's1');
    const code = await ok(t1, 'sync.createCode', { storeId: old.storeId!, replacesDeviceId: old.deviceId }, 's1');
    expect(code.replaces).toBe('T2');
    const fresh = track(terminal(cloud.transport, { clock: testClock(t1.clock.now + 1000) }));
    const joined = await joinTerminal(fresh, cloud.url, code.code);
    expect(joined).toMatchObject({ terminalCode: 'T2', joining: false, pending: 0 });
    await signIn(fresh, first.adminId);
    expect(stockOf(fresh, first.cola.id)).toBe(-2000);
    expect((await ok(fresh, 'sales.recent', { limit: 10 }, 's1')).map((o) => o.number).sort()).toEqual(['T2-000001', 'T2-000002']);
    const next = await sell(fresh, [{ productId: first.apple.id, qty: 500 }]);
    expect(next.number).toBe('T2-000003');
    // The lost machine, should it come back, is no longer enrolled.
    const back = await t2.sync.engine.syncNow();
    expect(back.lastError?.code).toBe('UNAUTHENTICATED');
    await syncAll([t1, fresh]);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(3);
  });
});
