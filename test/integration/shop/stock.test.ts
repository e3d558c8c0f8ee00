/**
 * Availability online and reservations: the buffer, holds that expire, consumed holds that keep
 * holding until the order ships, the stock_reservation records tills pull, and the race for the
 * last units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { availableOnline, consumeHold, expireHolds, holdUnits, releaseHold } from '../../../src/cloud/shop/catalog/stock';
import { readPull } from '../../../src/cloud/pull';
import { reserveSeqs } from '../../../src/cloud/records';
import { uuidv7 } from '../../../src/shared/ids';
import { backends, notePostgresSkip, startTestCloud, type Backend, type TestCloud } from '../../support/cloud';
import { shopOrg, type ShopOrg } from '../../support/shop-cloud';

notePostgresSkip();

describe.each(backends())('stock online on %s', (backend: Backend) => {
  let cloud: TestCloud;
  let shop: ShopOrg;
  beforeAll(async () => {
    cloud = await startTestCloud({ backend });
    shop = await shopOrg(cloud.deps);
  });
  afterAll(() => cloud.close());

  const avail = async (id: string, now = cloud.deps.clock()) => (await availableOnline(cloud.deps.db, shop, [id], now)).get(id);
  const hold = (orderId: string, lines: { productId: string; qty: number }[], ttl = 15 * 60_000) =>
    cloud.deps.db.transaction((tx) =>
      holdUnits(tx, cloud.deps, { orgId: shop.orgId, storeId: shop.storeId, orderId, lines, expiresAt: cloud.deps.clock() + ttl }),
    );

  it('is the stock less the buffer (the listing’s, else the store’s) and what is held', async () => {
    const p = await shop.product({ name: 'Tea' });
    expect(await avail(p)).toBe(0);
    await shop.stock(p, 10_000);
    expect(await avail(p)).toBe(10_000);
    await shop.push([{ e: 'setting', i: 'onlineSafetyBuffer', d: { value: 2000 } }]);
    expect(await avail(p)).toBe(8000);
    await shop.listing(p, { safety_buffer: 1000 });
    expect(await avail(p)).toBe(9000);
    await shop.listing(p, { safety_buffer: null });
    expect(await avail(p)).toBe(8000);
    expect(await hold(uuidv7(), [{ productId: p, qty: 3000 }])).toEqual({ ok: true });
    expect(await avail(p)).toBe(5000);
    // A counter sale moves the stock: the web sees it at once.
    await shop.stock(p, -4000);
    expect(await avail(p)).toBe(1000);
    await shop.stock(p, -3000);
    expect(await avail(p)).toBe(0);
    await shop.push([{ e: 'setting', i: 'onlineSafetyBuffer', d: { value: 0 } }]);
  });

  it('a product not sold online, archived or unknown has nothing available', async () => {
    const off = await shop.product({ name: 'Hidden' }, { sold_online: false });
    const gone = await shop.product({ name: 'Old', archived: true });
    await shop.stock(off, 5000);
    await shop.stock(gone, 5000);
    const m = await availableOnline(cloud.deps.db, shop, [off, gone, uuidv7()], cloud.deps.clock());
    expect([...m.values()]).toEqual([0, 0, 0]);
    const r = await hold(uuidv7(), [{ productId: off, qty: 1000 }]);
    expect(r).toEqual({ ok: false, short: [{ productId: off, available: 0 }] });
  });

  it('holds all or nothing, says what is short, and a retry holds nothing twice', async () => {
    const a = await shop.product({ name: 'A' });
    const b = await shop.product({ name: 'B' });
    await shop.stock(a, 5000);
    await shop.stock(b, 1000);
    const order = uuidv7();
    expect(
      await hold(order, [
        { productId: a, qty: 2000 },
        { productId: b, qty: 2000 },
      ]),
    ).toEqual({
      ok: false,
      short: [{ productId: b, available: 1000 }],
    });
    expect(await avail(a)).toBe(5000);
    expect(
      await hold(order, [
        { productId: a, qty: 2000 },
        { productId: b, qty: 1000 },
      ]),
    ).toEqual({ ok: true });
    expect(
      await hold(order, [
        { productId: a, qty: 2000 },
        { productId: b, qty: 1000 },
      ]),
    ).toEqual({ ok: true });
    expect(await avail(a)).toBe(3000);
    expect(await avail(b)).toBe(0);
    // The buyer changes the cart: the new hold replaces the old one.
    expect(await hold(order, [{ productId: a, qty: 4000 }])).toEqual({ ok: true });
    expect(await avail(a)).toBe(1000);
    expect(await avail(b)).toBe(1000);
    // Released: everything is back; releasing again changes nothing.
    await cloud.deps.db.transaction((tx) => releaseHold(tx, cloud.deps, { orgId: shop.orgId, orderId: order }));
    await cloud.deps.db.transaction((tx) => releaseHold(tx, cloud.deps, { orgId: shop.orgId, orderId: order }));
    expect(await avail(a)).toBe(5000);
    await expect(hold(order, [{ productId: a, qty: 0 }])).rejects.toThrow();
  });

  it('an expired hold holds nothing and the sweep releases it; a consumed one holds until the order ships', async () => {
    const p = await shop.product({ name: 'Jam' });
    await shop.stock(p, 3000);
    const late = uuidv7();
    expect(await hold(late, [{ productId: p, qty: 1000 }], 60_000)).toEqual({ ok: true });
    expect(await avail(p)).toBe(2000);
    expect(await avail(p, cloud.deps.clock() + 61_000)).toBe(3000);
    expect(await cloud.deps.db.transaction((tx) => expireHolds(tx, cloud.deps, cloud.deps.clock() + 61_000))).toBeGreaterThanOrEqual(1);
    const [row] = await rowsOf<{ state: string }>(cloud.deps.db, sql`SELECT state FROM shop_reservations WHERE order_id = ${late}`);
    expect(row!.state).toBe('released');

    const paid = uuidv7();
    expect(await hold(paid, [{ productId: p, qty: 2000 }])).toEqual({ ok: true });
    expect(await cloud.deps.db.transaction((tx) => consumeHold(tx, cloud.deps, { orgId: shop.orgId, orderId: paid }))).toEqual({
      short: [],
    });
    expect(await cloud.deps.db.transaction((tx) => consumeHold(tx, cloud.deps, { orgId: shop.orgId, orderId: paid }))).toEqual({
      short: [],
    });
    // Paid, not yet shipped: still held, however long ago the hold would have expired.
    expect(await avail(p, cloud.deps.clock() + 3600_000)).toBe(1000);
    // The till ships it: its movement takes the units and the reservation stops holding them.
    await shop.stock(p, -2000);
    // The paid order's record, as the cloud writes it: a till reports steps of its store's online orders only.
    await cloud.deps.db.transaction(async (tx) => {
      const seq = await reserveSeqs(tx, shop.orgId, 1);
      await tx.execute(
        sql`INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, seq, updated_at)
            VALUES (${shop.orgId}, 'online_order', ${shop.storeId}, ${paid}, 'append-only', '{}', ${seq}, ${cloud.deps.clock()})`,
      );
    });
    const eventId = uuidv7();
    await shop.push([
      {
        e: 'online_order_event',
        i: eventId,
        d: {
          id: eventId,
          order_id: paid,
          kind: 'shipped',
          carrier: null,
          tracking: null,
          note: '',
          terminal_code: 'T1',
          staff_id: null,
          at: cloud.deps.clock(),
        },
      },
    ]);
    expect(await avail(p)).toBe(1000);
  });

  it('a hold that lapsed before payment and lost its units is reported short', async () => {
    const p = await shop.product({ name: 'Last one' });
    await shop.stock(p, 1000);
    const slow = uuidv7();
    expect(await hold(slow, [{ productId: p, qty: 1000 }], 60_000)).toEqual({ ok: true });
    // Two minutes later, by a clock the test owns: a wall-clock wait of a millisecond raced the
    // transaction's own start on a loaded machine.
    const later = { ...cloud.deps, clock: () => Date.now() + 120_000 };
    const second = uuidv7();
    const held = await cloud.deps.db.transaction((tx) =>
      holdUnits(tx, later, {
        orgId: shop.orgId,
        storeId: shop.storeId,
        orderId: second,
        lines: [{ productId: p, qty: 1000 }],
        expiresAt: later.clock() + 15 * 60_000,
      }),
    );
    expect(held).toEqual({ ok: true });
    const res = await cloud.deps.db.transaction((tx) => consumeHold(tx, later, { orgId: shop.orgId, orderId: slow }));
    expect(res.short).toEqual([{ productId: p, available: 0 }]);
  });

  it('every hold, release and consumption is a stock_reservation record the store’s tills pull', async () => {
    const p = await shop.product({ name: 'Pulled' });
    await shop.stock(p, 2000);
    const order = uuidv7();
    await hold(order, [{ productId: p, qty: 1000 }]);
    await cloud.deps.db.transaction((tx) => releaseHold(tx, cloud.deps, { orgId: shop.orgId, orderId: order }));
    const page = JSON.parse(await readPull(cloud.deps, shop.device, 0, 10_000)) as { changes: { e: string; d: unknown }[] };
    const recs = page.changes.filter((c) => c.e === 'stock_reservation' && (c.d as { order_id?: string }).order_id === order);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.d).toMatchObject({ product_id: p, order_id: order, qty: 1000, state: 'released' });
  });

  it('1,000 buyers racing for the last 10 units: exactly 10 holds', async () => {
    const p = await shop.product({ name: 'Last ten' });
    await shop.stock(p, 10_000);
    const results = await Promise.all(Array.from({ length: 1000 }, () => hold(uuidv7(), [{ productId: p, qty: 1000 }])));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await avail(p)).toBe(0);
    const [n] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM shop_reservations WHERE product_id = ${p} AND state = 'held'`,
    );
    expect(Number(n!.n)).toBe(10);
  }, 180_000);
});
