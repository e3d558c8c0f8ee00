import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { ADDRESS, count, sell, shop, stockOf, COLA } from '../support/shop';
import { cloudStamp, onlineOrder, onlineStep, pulledPage, reservation, shopStaffChange, type OnlineLine } from '../support/online-orders';

type Shop = Awaited<ReturnType<typeof shop>>;
const open: Shop['app'][] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});

async function store() {
  const s = await shop();
  open.push(s.app);
  const [location] = await ok(s.app, 'stock.locations', {}, 'mgr');
  const setStock = (productId: string, units: number) =>
    ok(s.app, 'stock.adjust', { productId, locationId: location!.id, mode: 'set', qty: units * 1000, reason: 'correction' }, 'mgr');
  await setStock(s.cola.id, 10);
  await setStock(s.bread.id, 10);
  const line = (p: { id: string; sku: string; name: string; price: number }, units: number): OnlineLine => ({
    productId: p.id,
    sku: p.sku,
    name: p.name,
    price: p.price,
    qty: units * 1000,
  });
  const now = s.app.deps.clock();
  return { ...s, setStock, line, now };
}

/** A store with a pulled online ship order (2 colas) and a pick-up order (1 bread, code 482913). */
async function withOnlineOrders() {
  const s = await store();
  const ship = onlineOrder({ lines: [s.line(s.cola, 2)], fulfilment: 'ship', shopNumber: 'W-000101', at: s.now - 60_000 });
  const pickup = onlineOrder({
    lines: [s.line(s.bread, 1)],
    fulfilment: 'pickup',
    shopNumber: 'W-000102',
    at: s.now - 30_000,
    contactName: 'Li Lei',
    code: '482913',
  });
  const stats = pulledPage(s.app, [shopStaffChange(cloudStamp(s.now - 100_000)), ...ship.changes, ...pickup.changes]);
  expect(stats.refused).toBe(0);
  return { ...s, ship: ship.id, pickup: pickup.id };
}

const steps = (app: Shop['app'], orderId: string) =>
  app.deps.sqlite
    .prepare('SELECT kind, carrier, tracking, terminal_code AS terminalCode FROM online_order_events WHERE order_id = ? ORDER BY at, rowid')
    .all(orderId) as { kind: string; carrier: string | null; tracking: string | null; terminalCode: string | null }[];

describe('pulled online orders', () => {
  it('apply with no journal entry, no shift and no stock moved, and are listed per channel', async () => {
    const s = await store();
    await sell(s.app, [COLA]);
    const journal = count(s.app, 'journal');
    const outbox = count(s.app, 'outbox');
    const ship = onlineOrder({ lines: [s.line(s.cola, 2)], fulfilment: 'ship', shopNumber: 'W-000101', at: s.now });
    const pickup = onlineOrder({ lines: [s.line(s.bread, 1)], fulfilment: 'pickup', shopNumber: 'W-000102', at: s.now + 1 });
    const stats = pulledPage(s.app, [shopStaffChange(cloudStamp(s.now)), ...ship.changes, ...pickup.changes]);
    expect(stats.refused).toBe(0);
    expect(count(s.app, 'journal')).toBe(journal);
    expect(count(s.app, 'outbox')).toBe(outbox);
    expect(stockOf(s.app, s.cola.id)).toBe(9000);
    expect(stockOf(s.app, s.bread.id)).toBe(10_000);

    const page = { offset: 0, limit: 20 };
    const online = await ok(s.app, 'orders.search', { ...page, channel: 'online' }, 'clerk');
    expect(online.items.map((o) => [o.number, o.channel, o.fulfilment, o.customerName])).toEqual([
      ['W-000102', 'online', 'pickup', 'Jane Buyer'],
      ['W-000101', 'online', 'ship', 'Jane Buyer'],
    ]);
    expect((await ok(s.app, 'orders.search', { ...page, channel: 'counter' }, 'clerk')).items.map((o) => o.channel)).toEqual(['counter']);
    expect((await ok(s.app, 'orders.search', page, 'clerk')).total).toBe(3);
    expect((await ok(s.app, 'orders.search', { ...page, q: 'w-000101' }, 'clerk')).items.map((o) => o.id)).toEqual([ship.id]);

    const detail = await ok(s.app, 'orders.detail', { id: ship.id }, 'clerk');
    expect(detail.channel).toBe('online');
    expect(detail.payments.map((p) => p.kind)).toEqual(['alipay']);
    const info = await ok(s.app, 'onlineOrders.get', { id: ship.id }, 'clerk');
    expect(info).toMatchObject({ shopNumber: 'W-000101', contactName: 'Jane Buyer', fulfilment: 'ship', state: 'toShip', shortages: [] });
    expect(info.address).toMatchObject({ line1: '1 Market St', country: 'US' });
    // The till names the delivery method as the store's shop does, in both languages.
    expect(info.shippingMethodNames).toEqual({ name: 'Standard delivery', nameZh: '标准快递' });
    expect((await ok(s.app, 'onlineOrders.get', { id: pickup.id }, 'clerk')).state).toBe('toPickUp');
    // A counter sale is not an online order.
    const counter = (await ok(s.app, 'orders.search', { ...page, channel: 'counter' }, 'clerk')).items[0]!;
    expect((await fail(s.app, 'onlineOrders.get', { id: counter.id }, 'clerk')).code).toBe('NOT_FOUND');
  });
});

describe('shipping an online order', () => {
  it('moves stock once, at the label, and writes packed, shipped and delivered steps for the buyer', async () => {
    const s = await withOnlineOrders();
    const queue = await ok(s.app, 'shipping.queue', { limit: 10 }, 'clerk');
    expect(queue.map((q) => [q.orderId, q.customerName, q.channel])).toEqual([[s.ship, 'Jane Buyer', 'online']]);
    // The clerk packs it first.
    expect((await ok(s.app, 'onlineOrders.markPacked', { id: s.ship }, 'clerk')).steps.map((x) => x.kind)).toEqual(['packed']);
    await ok(s.app, 'onlineOrders.markPacked', { id: s.ship }, 'clerk');
    const info = await ok(s.app, 'onlineOrders.get', { id: s.ship }, 'clerk');
    const detail = await ok(s.app, 'orders.detail', { id: s.ship }, 'clerk');
    const shipment = await ok(
      s.app,
      'shipping.create',
      {
        orderId: s.ship,
        lines: detail.lines.map((l) => ({ orderLineId: l.orderLineId, qty: l.toShipQty })),
        address: info.address!,
        parcel: { weightG: 800, lengthMm: 200, widthMm: 150, heightMm: 100 },
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(stockOf(s.app, s.cola.id)).toBe(8000);
    expect(steps(s.app, s.ship)).toEqual([
      { kind: 'packed', carrier: null, tracking: null, terminalCode: s.app.deps.terminalCode },
      { kind: 'shipped', carrier: 'Own courier', tracking: shipment.trackingNumber, terminalCode: s.app.deps.terminalCode },
    ]);
    expect(await ok(s.app, 'shipping.queue', { limit: 10 }, 'clerk')).toEqual([]);
    expect((await ok(s.app, 'onlineOrders.get', { id: s.ship }, 'clerk')).state).toBe('shipped');
    await ok(s.app, 'shipping.setStatus', { id: shipment.id, status: 'handed_over' }, 'mgr');
    await ok(s.app, 'shipping.setStatus', { id: shipment.id, status: 'delivered' }, 'mgr');
    // The courier's hand-over, entered by hand, is a tracking step the buyer sees.
    expect(steps(s.app, s.ship).map((x) => x.kind)).toEqual(['packed', 'shipped', 'tracking', 'delivered']);
    expect(
      s.app.deps.sqlite
        .prepare("SELECT status FROM online_order_events WHERE order_id = ? AND kind IN ('tracking', 'delivered') ORDER BY at, rowid")
        .pluck()
        .all(s.ship),
    ).toEqual(['handed_over', 'delivered']);
    expect(stockOf(s.app, s.cola.id)).toBe(8000);
    // Every step is queued for the cloud.
    expect(count(s.app, 'outbox', "entity = 'online_order_event'")).toBe(4);
    // A shipped order is not packed again.
    expect((await fail(s.app, 'onlineOrders.markPacked', { id: s.ship }, 'clerk')).details).toMatchObject({ reason: 'onlineDone' });
  });

  it('writes no online step for a counter order shipped later', async () => {
    const s = await withOnlineOrders();
    const jane = await ok(s.app, 'customers.create', { name: 'Jane Counter' }, 'clerk');
    const cart = await ok(s.app, 'cart.scan', { code: COLA }, 'clerk');
    await ok(s.app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    await ok(s.app, 'cart.setFulfilment', { fulfilment: 'ship' }, 'clerk');
    const order = await ok(
      s.app,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
      'clerk',
    );
    const detail = await ok(s.app, 'orders.detail', { id: order.id }, 'clerk');
    expect(detail.channel).toBe('counter');
    await ok(
      s.app,
      'shipping.create',
      {
        orderId: order.id,
        lines: detail.lines.map((l) => ({ orderLineId: l.orderLineId, qty: l.toShipQty })),
        address: ADDRESS,
        parcel: { weightG: 800, lengthMm: 200, widthMm: 150, heightMm: 100 },
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(count(s.app, 'online_order_events')).toBe(0);
  });
});

describe('picking up an online order', () => {
  it('checks the code with a lockout, then moves stock once and writes a picked_up step', async () => {
    const s = await withOnlineOrders();
    const list = await ok(s.app, 'onlineOrders.pickups', { limit: 10 }, 'clerk');
    expect(list.map((r) => [r.shopNumber, r.contactName, r.ready, r.short])).toEqual([['W-000102', 'Li Lei', false, false]]);
    expect((await ok(s.app, 'onlineOrders.pickups', { q: 'li', limit: 10 }, 'clerk')).length).toBe(1);
    expect((await ok(s.app, 'onlineOrders.pickups', { q: 'nobody', limit: 10 }, 'clerk')).length).toBe(0);

    for (let n = 1; n <= 4; n++) {
      const e = await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code: '000000' }, 'clerk');
      expect(e.code).toBe('VALIDATION');
      expect(e.details).toEqual({ reason: 'wrongCode', attemptsLeft: 5 - n });
    }
    const locked = await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code: '111111' }, 'clerk');
    expect(locked.code).toBe('LOCKED');
    // Locked: even the right code is not checked.
    expect((await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code: '482913' }, 'clerk')).code).toBe('LOCKED');
    expect((await ok(s.app, 'onlineOrders.pickups', { limit: 10 }, 'clerk'))[0]!.lockedUntil).toBeGreaterThan(s.app.deps.clock());
    expect(count(s.app, 'audit', "action = 'online.pickupCode' AND success = 0")).toBe(5);
    expect(stockOf(s.app, s.bread.id)).toBe(10_000);

    (s.app.deps.clock as unknown as { advance(ms: number): void }).advance(15 * 60_000 + 1);
    await ok(s.app, 'staff.signIn', { staffId: s.clerkId, pin: '3333' }, 'clerk');
    const done = await ok(s.app, 'onlineOrders.handOver', { id: s.pickup, code: ' 482913 ' }, 'clerk');
    expect(done.state).toBe('pickedUp');
    expect(stockOf(s.app, s.bread.id)).toBe(9000);
    const moves = s.app.deps.sqlite
      .prepare('SELECT qty_delta AS qty, kind, reason FROM stock_movements WHERE ref_id = ?')
      .all(s.pickup) as { qty: number; kind: string; reason: string }[];
    expect(moves).toEqual([{ qty: -1000, kind: 'sale', reason: 'Online order W-000102 picked up' }]);
    expect(steps(s.app, s.pickup).map((x) => [x.kind, x.terminalCode])).toEqual([['picked_up', s.app.deps.terminalCode]]);
    // Once only.
    const again = await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code: '482913' }, 'clerk');
    expect(again.details).toMatchObject({ reason: 'alreadyPickedUp' });
    expect(stockOf(s.app, s.bread.id)).toBe(9000);
    expect(await ok(s.app, 'onlineOrders.pickups', { limit: 10 }, 'clerk')).toEqual([]);
    // The till's journal still verifies: the shop's sale is not this till's to chain.
    await ok(s.app, 'staff.signIn', { staffId: s.managerId, pin: '2222' }, 'mgr');
    expect((await ok(s.app, 'journal.verify', {}, 'mgr')).ok).toBe(true);
    // A ship order is not handed over at the counter.
    expect((await fail(s.app, 'onlineOrders.handOver', { id: s.ship, code: '482913' }, 'clerk')).details).toMatchObject({
      reason: 'notPickup',
    });
  });

  it('reads the code as the shop printed it: full-width digits, spaces between groups, lower-case letters', async () => {
    const s = await store();
    const a = onlineOrder({ lines: [s.line(s.bread, 1)], fulfilment: 'pickup', shopNumber: 'W-000301', at: s.now, code: '482913' });
    const b = onlineOrder({ lines: [s.line(s.cola, 1)], fulfilment: 'pickup', shopNumber: 'W-000302', at: s.now, code: 'K7Q-42X' });
    pulledPage(s.app, [shopStaffChange(cloudStamp(s.now)), ...a.changes, ...b.changes]);
    expect((await ok(s.app, 'onlineOrders.handOver', { id: a.id, code: '４８２ ９１３' }, 'clerk')).state).toBe('pickedUp');
    expect((await fail(s.app, 'onlineOrders.handOver', { id: b.id, code: 'K7Q42X' }, 'clerk')).details).toMatchObject({
      reason: 'wrongCode',
    });
    expect((await ok(s.app, 'onlineOrders.handOver', { id: b.id, code: 'k7q-42x' }, 'clerk')).state).toBe('pickedUp');
  });

  it('refuses hostile codes with a validation error before any check', async () => {
    const s = await withOnlineOrders();
    for (const code of ['9'.repeat(10_240), '48\u000029', '48\u202e2913', '']) {
      const e = await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code }, 'clerk');
      expect(e.code).toBe('VALIDATION');
      // The issue names the field, so the screen says what a code looks like.
      expect((e.details as { path: unknown[] }[])[0]!.path).toEqual(['code']);
    }
    expect(count(s.app, 'audit', "action = 'online.pickupCode'")).toBe(0);
  });
});

describe('returning a pick-up order at the counter', () => {
  it('restocks only what was handed over', async () => {
    const s = await store();
    const two = onlineOrder({ lines: [s.line(s.bread, 2)], fulfilment: 'pickup', shopNumber: 'W-000201', at: s.now, code: '1234' });
    pulledPage(s.app, [shopStaffChange(cloudStamp(s.now)), ...two.changes]);
    const lineId = (await ok(s.app, 'orders.detail', { id: two.id }, 'clerk')).lines[0]!.orderLineId;
    const refund = (qty: number) =>
      ok(
        s.app,
        'refunds.create',
        { orderId: two.id, refundId: uuidv7(), lines: [{ orderLineId: lineId, qty, disposition: 'restock' }], method: 'cash' },
        'clerk',
      );
    // One of two is returned before pick-up: it never left, so it is not restocked.
    await refund(1000);
    expect(stockOf(s.app, s.bread.id)).toBe(10_000);
    await ok(s.app, 'onlineOrders.handOver', { id: two.id, code: '1234' }, 'clerk');
    expect(stockOf(s.app, s.bread.id)).toBe(9000);
    // The one handed over comes back.
    await refund(1000);
    expect(stockOf(s.app, s.bread.id)).toBe(10_000);
  });
});

describe('shortages and reservations', () => {
  it('shows managers the online orders the store is short of; clerks cannot list them', async () => {
    const s = await withOnlineOrders();
    expect(await ok(s.app, 'onlineOrders.shortages', { limit: 10 }, 'mgr')).toEqual([]);
    // The counter sold colas offline: 1 left for an online order of 2.
    await s.setStock(s.cola.id, 1);
    const short = await ok(s.app, 'onlineOrders.shortages', { limit: 10 }, 'mgr');
    expect(short.map((r) => [r.shopNumber, r.name, r.needed, r.inStock])).toEqual([['W-000101', 'Cola 330ml', 2000, 1000]]);
    expect((await ok(s.app, 'onlineOrders.get', { id: s.ship }, 'clerk')).shortages.map((x) => x.productId)).toEqual([s.cola.id]);
    expect((await ok(s.app, 'onlineOrders.get', { id: s.pickup }, 'clerk')).shortages).toEqual([]);
    expect((await fail(s.app, 'onlineOrders.shortages', { limit: 10 }, 'clerk')).code).toBe('FORBIDDEN');
    // A cancelled online order needs nothing.
    pulledPage(s.app, [onlineStep(s.ship, 'cancelled', s.now)]);
    expect(await ok(s.app, 'onlineOrders.shortages', { limit: 10 }, 'mgr')).toEqual([]);
    expect((await fail(s.app, 'onlineOrders.markPacked', { id: s.ship }, 'clerk')).details).toMatchObject({ reason: 'onlineCancelled' });
    // Nor is it shipped.
    expect(await ok(s.app, 'shipping.queue', { limit: 10 }, 'clerk')).toEqual([]);
    const detail = await ok(s.app, 'orders.detail', { id: s.ship }, 'clerk');
    const refused = await fail(
      s.app,
      'shipping.create',
      {
        orderId: s.ship,
        lines: detail.lines.map((l) => ({ orderLineId: l.orderLineId, qty: l.toShipQty })),
        address: ADDRESS,
        parcel: { weightG: 800, lengthMm: 200, widthMm: 150, heightMm: 100 },
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(refused.details).toMatchObject({ reason: 'onlineCancelled' });
    expect(stockOf(s.app, s.cola.id)).toBe(1000);
  });

  it('counts only held, unexpired reservations', async () => {
    const s = await store();
    const stamp = cloudStamp(s.now);
    const stats = pulledPage(s.app, [
      reservation(s.cola.id, 2000, s.now + 600_000, stamp),
      reservation(s.cola.id, 1000, s.now + 600_000, stamp),
      reservation(s.cola.id, 5000, s.now - 1, stamp),
      reservation(s.cola.id, 7000, s.now + 600_000, stamp, 'released'),
      reservation(s.bread.id, 1000, s.now + 600_000, stamp, 'consumed'),
    ]);
    expect(stats.refused).toBe(0);
    expect(await ok(s.app, 'onlineOrders.reserved', { productIds: [s.cola.id, s.bread.id] }, 'clerk')).toEqual({ [s.cola.id]: 3000 });
    // Reservations do not move stock.
    expect(stockOf(s.app, s.cola.id)).toBe(10_000);
  });
});

describe('hostile records from the cloud', () => {
  it('are refused when not of the exact shape, and shown as text when they are', async () => {
    const s = await withOnlineOrders();
    const bad = [
      onlineStep(s.ship, 'shipped', s.now, { tracking: '1Z<b>\u0007' }),
      onlineStep(s.ship, 'teleported', s.now),
      onlineStep(s.ship, 'shipped', s.now, { terminal_code: 'T1; DROP' }),
    ];
    expect(pulledPage(s.app, bad).refused).toBe(3);
    expect(steps(s.app, s.ship)).toEqual([]);

    const html = onlineOrder({
      lines: [s.line(s.cola, 1)],
      fulfilment: 'ship',
      shopNumber: 'W-000103',
      at: s.now,
      contactName: '<img src=x onerror=alert(1)>',
      address: { name: '<script>alert(1)</script>', line1: '1 Market St', city: 'SF', region: 'CA', postalCode: '94105', country: 'US' },
    });
    const odd = onlineOrder({
      lines: [s.line(s.cola, 1)],
      fulfilment: 'ship',
      shopNumber: 'W-000104',
      at: s.now,
      address: { name: 'X', line1: 'Y', city: 'Z', postalCode: '1', country: 'US', extra: { nested: true } },
    });
    expect(pulledPage(s.app, [...html.changes, ...odd.changes]).refused).toBe(0);
    const info = await ok(s.app, 'onlineOrders.get', { id: html.id }, 'clerk');
    // Kept as plain text: the screens render it through React, which escapes it.
    expect(info.contactName).toBe('<img src=x onerror=alert(1)>');
    expect(info.address?.name).toBe('<script>alert(1)</script>');
    // An address that is not one of ours is not offered as one.
    expect((await ok(s.app, 'onlineOrders.get', { id: odd.id }, 'clerk')).address).toBeNull();

    // Another till's hand-over, as the cloud relays it: the order is done here too, and no stock moves on this till.
    pulledPage(s.app, [onlineStep(s.pickup, 'picked_up', s.now, { terminal_code: 'T9' })]);
    expect((await fail(s.app, 'onlineOrders.handOver', { id: s.pickup, code: '482913' }, 'clerk')).details).toMatchObject({
      reason: 'alreadyPickedUp',
    });
    expect(stockOf(s.app, s.bread.id)).toBe(10_000);
  });
});
