/**
 * Online orders through a real cloud: the shop's records are stored as the shop will store them,
 * a till pulls them, ships one and hands the other over, and its steps and stock movements reach
 * the cloud (accepted, as its own terminal's) and a second till.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { enrolmentCode, firstTerminal, joinTerminal, signIn, stockOf, syncAll, terminal, type Terminal } from '../support/sync';
import { cloudStamp, onlineOrder, reservation, shopStaffChange } from '../support/online-orders';
import { writeToCloud } from '../support/online-orders-cloud';
import { testClock } from '../support/app';

let cloud: TestCloud;
const open: Terminal[] = [];
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  for (const t of open) t.close();
  await cloud.close();
});

describe('online orders through the cloud', () => {
  it('are pulled by the store’s tills; their steps and stock movements go back and reach every till', async () => {
    const clock = testClock();
    const t1 = terminal(cloud.transport, { clock });
    open.push(t1);
    const first = await firstTerminal(t1, cloud.url);
    const storeId = (await ok(t1, 'sync.status', {}, 's1')).storeId!;
    const [location] = await ok(t1, 'stock.locations', {}, 's1');
    for (const p of [first.cola, first.bread])
      await ok(t1, 'stock.adjust', { productId: p.id, locationId: location!.id, mode: 'set', qty: 5000, reason: 'correction' }, 's1');

    const now = cloud.deps.clock();
    const ship = onlineOrder({
      lines: [{ productId: first.cola.id, sku: 'COLA', name: first.cola.name, price: first.cola.price, qty: 2000 }],
      fulfilment: 'ship',
      shopNumber: 'W-000301',
      at: now,
    });
    const pickup = onlineOrder({
      lines: [{ productId: first.bread.id, sku: 'BREAD', name: first.bread.name, price: first.bread.price, qty: 1000 }],
      fulfilment: 'pickup',
      shopNumber: 'W-000302',
      at: now + 1,
      code: '777123',
    });
    await writeToCloud(cloud, storeId, [
      shopStaffChange(cloudStamp(now)),
      ...ship.changes,
      ...pickup.changes,
      reservation(first.cola.id, 1000, now + 3_600_000, cloudStamp(now)),
    ]);
    await syncAll([t1], 1);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
    const online = await ok(t1, 'orders.search', { channel: 'online', offset: 0, limit: 10 }, 's1');
    expect(online.items.map((o) => o.number).sort()).toEqual(['W-000301', 'W-000302']);
    expect(await ok(t1, 'onlineOrders.reserved', { productIds: [first.cola.id] }, 's1')).toEqual({ [first.cola.id]: 1000 });

    const info = await ok(t1, 'onlineOrders.get', { id: ship.id }, 's1');
    const detail = await ok(t1, 'orders.detail', { id: ship.id }, 's1');
    await ok(
      t1,
      'shipping.create',
      {
        orderId: ship.id,
        lines: detail.lines.map((l) => ({ orderLineId: l.orderLineId, qty: l.toShipQty })),
        address: info.address!,
        parcel: { weightG: 800, lengthMm: 200, widthMm: 150, heightMm: 100 },
        carrier: 'own',
        service: 'next_day',
      },
      's1',
    );
    await ok(t1, 'onlineOrders.handOver', { id: pickup.id, code: '777123' }, 's1');
    await syncAll([t1], 2);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(0);
    expect(t1.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);

    // The cloud holds the till's steps, as its terminal's.
    const steps = await cloud.store.db.execute(
      `SELECT body FROM records WHERE entity = 'online_order_event' ORDER BY seq` as unknown as Parameters<
        typeof cloud.store.db.execute
      >[0],
    );
    const bodies = (steps as unknown as { rows: { body: string }[] }).rows.map((r) => JSON.parse(r.body) as { d: Record<string, unknown> });
    expect(bodies.map((b) => [b.d.order_id, b.d.kind, b.d.terminal_code])).toEqual([
      [ship.id, 'packed', 'T1'],
      [ship.id, 'shipped', 'T1'],
      [pickup.id, 'picked_up', 'T1'],
    ]);
    expect(bodies[1]!.d.tracking).toMatch(/^CT/);

    // A second till of the store sees the orders done and the same stock.
    const code = await enrolmentCode(t1);
    const t2 = terminal(cloud.transport, { clock: testClock(clock.now + 5) });
    open.push(t2);
    await joinTerminal(t2, cloud.url, code.code);
    await signIn(t2, first.adminId);
    expect((await ok(t2, 'onlineOrders.get', { id: ship.id }, 's1')).state).toBe('shipped');
    expect((await ok(t2, 'onlineOrders.get', { id: pickup.id }, 's1')).state).toBe('pickedUp');
    expect(await ok(t2, 'onlineOrders.pickups', { limit: 10 }, 's1')).toEqual([]);
    expect(await ok(t2, 'shipping.queue', { limit: 10 }, 's1')).toEqual([]);
    expect(await ok(t2, 'onlineOrders.shortages', { limit: 10 }, 's1')).toEqual([]);
    expect(stockOf(t2, first.cola.id)).toBe(3000);
    expect(stockOf(t2, first.bread.id)).toBe(4000);
    expect(stockOf(t1, first.bread.id)).toBe(4000);
  });
});
