import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { ADDRESS, BREAD, COLA, count, shop, stockOf } from '../support/shop';
import { snapshotDb } from '../support/db-snapshot';
import { uuidv7 } from '../../src/shared/ids';
import { validateAddress } from '../../src/shared/address';

type App = Awaited<ReturnType<typeof shop>>['app'];

/** Sells the codes to Jane as an order that ships later. */
async function shipOrder(app: App, codes: string[]) {
  const jane = await ok(app, 'customers.create', { name: `Jane ${uuidv7().slice(-6)}` }, 'clerk');
  for (const code of codes) await ok(app, 'cart.scan', { code }, 'clerk');
  await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
  await ok(app, 'cart.setFulfilment', { fulfilment: 'ship' }, 'clerk');
  const cart = await ok(app, 'cart.get', {}, 'clerk');
  return ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    'clerk',
  );
}

const PARCEL = { weightG: 1200, lengthMm: 300, widthMm: 200, heightMm: 100 };

describe('addresses', () => {
  it('are checked per country with an error per field', () => {
    expect(validateAddress(ADDRESS)).toEqual([]);
    expect(validateAddress({ ...ADDRESS, postalCode: '9410', region: 'XX' }).map((i) => [i.path.join('.'), i.code])).toEqual([
      ['address.postalCode', 'postalCode'],
      ['address.region', 'region'],
    ]);
    expect(validateAddress({ name: '', line1: '', city: '', postalCode: '', country: 'ZZ' }).map((i) => i.path[1])).toEqual([
      'name',
      'line1',
      'city',
      'country',
    ]);
    expect(validateAddress({ name: 'A', line1: 'B', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' })).toEqual([]);
    expect(
      validateAddress({ name: '张三', line1: '建国路1号', city: '北京', region: '北京市', postalCode: '100000', country: 'CN' }),
    ).toEqual([]);
    expect(
      validateAddress({ name: '张三', line1: '建国路1号', city: '北京', postalCode: '1000', country: 'CN' }).map((i) => i.path[1]),
    ).toEqual(['postalCode', 'region']);
    expect(validateAddress({ ...ADDRESS, country: 'CA', region: 'ON', postalCode: 'K1A0B1' })).toEqual([]);
  });
});

describe('shipping with the own courier', () => {
  it('stock leaves at fulfilment, not at sale; partial shipments; timeline to delivered', async () => {
    const { app, cola, bread } = await shop();
    const order = await shipOrder(app, [COLA, COLA, BREAD]);
    expect(stockOf(app, cola.id)).toBe(0);
    expect(stockOf(app, bread.id)).toBe(0);
    expect((await ok(app, 'shipping.queue', { limit: 10 }, 'clerk')).map((q) => q.orderId)).toEqual([order.id]);

    const colaLine = order.lines.find((l) => l.sku === 'COLA')!;
    const breadLine = order.lines.find((l) => l.sku === 'BREAD')!;
    expect(
      (
        await fail(
          app,
          'shipping.create',
          {
            orderId: order.id,
            lines: [{ orderLineId: colaLine.id, qty: 1000 }],
            address: ADDRESS,
            parcel: PARCEL,
            carrier: 'own',
            service: 'next_day',
          },
          'clerk',
        )
      ).code,
    ).toBe('FORBIDDEN');
    const first = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: colaLine.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(first).toMatchObject({ status: 'label_created', carrier: 'own', number: 'T1-S000001', orderNumber: order.number });
    expect(first.trackingNumber).toMatch(/^CTT1\d{10}$/);
    expect(first.eta).toBeGreaterThan(app.clock.now);
    expect(first.events.map((e) => e.status)).toEqual(['label_created']);
    expect(stockOf(app, cola.id)).toBe(-1000);
    expect(stockOf(app, bread.id)).toBe(0);

    let detail = await ok(app, 'orders.detail', { id: order.id }, 'clerk');
    expect(detail.lines.map((l) => [l.shippedQty, l.toShipQty])).toEqual([
      [1000, 1000],
      [0, 1000],
    ]);
    const tooMany = await fail(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: colaLine.id, qty: 2000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(tooMany).toMatchObject({ code: 'CONFLICT', details: { reason: 'alreadyShipped', left: 1000 } });

    const second = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [
          { orderLineId: colaLine.id, qty: 1000 },
          { orderLineId: breadLine.id, qty: 1000 },
        ],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'same_day',
      },
      'mgr',
    );
    expect(second.trackingNumber).not.toBe(first.trackingNumber);
    expect(stockOf(app, cola.id)).toBe(-2000);
    expect(stockOf(app, bread.id)).toBe(-1000);
    expect(await ok(app, 'shipping.queue', { limit: 10 }, 'clerk')).toEqual([]);

    for (const status of ['handed_over', 'in_transit', 'delivered'] as const)
      await ok(app, 'shipping.setStatus', { id: first.id, status }, 'mgr');
    const done = await ok(app, 'shipping.get', { id: first.id }, 'clerk');
    expect(done.events.map((e) => e.status)).toEqual(['label_created', 'handed_over', 'in_transit', 'delivered']);
    expect(done.status).toBe('delivered');
    const back = await fail(app, 'shipping.setStatus', { id: first.id, status: 'in_transit' }, 'mgr');
    expect(back).toMatchObject({ code: 'CONFLICT', details: { reason: 'badTransition' } });
    expect((await fail(app, 'shipping.cancel', { id: first.id }, 'mgr')).code).toBe('CONFLICT');
    detail = await ok(app, 'orders.detail', { id: order.id }, 'clerk');
    expect(detail.shipments.map((s) => s.status)).toEqual(['delivered', 'label_created']);
    expect((await ok(app, 'shipping.list', { status: 'active', offset: 0, limit: 10 }, 'clerk')).items.map((s) => s.id)).toEqual([
      second.id,
    ]);
    expect(
      (await ok(app, 'shipping.list', { status: 'all', q: first.trackingNumber, offset: 0, limit: 10 }, 'clerk')).items.map((s) => s.id),
    ).toEqual([first.id]);
  });

  it('a malformed address gets field errors and writes nothing; an order taken home cannot ship', async () => {
    const { app } = await shop();
    const order = await shipOrder(app, [COLA]);
    const before = snapshotDb(app.deps.sqlite);
    const err = await fail(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000 }],
        address: { ...ADDRESS, postalCode: 'ABC', city: ' ' },
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(err.code).toBe('VALIDATION');
    expect((err.details as { path: string[] }[]).map((d) => d.path.join('.'))).toEqual(['address.city', 'address.postalCode']);
    const after = snapshotDb(app.deps.sqlite);
    expect(after.counts).toEqual(before.counts);
    expect(after.hashes).toEqual(before.hashes);

    await ok(app, 'cart.scan', { code: BREAD }, 'clerk');
    const cart = await ok(app, 'cart.get', {}, 'clerk');
    const takeaway = await ok(
      app,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 325 }] },
      'clerk',
    );
    const home = await fail(
      app,
      'shipping.create',
      {
        orderId: takeaway.id,
        lines: [{ orderLineId: takeaway.lines[0]!.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(home).toMatchObject({ code: 'CONFLICT', details: { reason: 'notForShipping' } });
  });

  it('a cancelled shipment returns its stock and its label is refused', async () => {
    const { app, cola } = await shop();
    const order = await shipOrder(app, [COLA]);
    const s = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(stockOf(app, cola.id)).toBe(-1000);
    expect((await ok(app, 'shipping.label', { id: s.id, format: 'zpl' }, 'clerk')).trackingNumber).toBe(s.trackingNumber);
    const cancelled = await ok(app, 'shipping.cancel', { id: s.id }, 'mgr');
    expect(cancelled.status).toBe('cancelled');
    expect(stockOf(app, cola.id)).toBe(0);
    const label = await fail(app, 'shipping.label', { id: s.id, format: 'pdf' }, 'clerk');
    expect(label).toMatchObject({ code: 'CONFLICT', details: { reason: 'cancelled' } });
    expect((await fail(app, 'shipping.packingSlip', { id: s.id }, 'clerk')).code).toBe('CONFLICT');
    // The lines can ship again.
    expect((await ok(app, 'shipping.queue', { limit: 10 }, 'clerk')).map((q) => q.orderId)).toEqual([order.id]);
  });

  it('a parcel returned to the sender puts its goods back in stock once, and they can ship again', async () => {
    const { app, cola } = await shop();
    const order = await shipOrder(app, [COLA, COLA]);
    const line = order.lines[0]!;
    const s = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: line.id, qty: 2000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'own',
        service: 'next_day',
      },
      'mgr',
    );
    expect(stockOf(app, cola.id)).toBe(-2000);
    await ok(app, 'shipping.setStatus', { id: s.id, status: 'handed_over' }, 'mgr');
    await ok(app, 'shipping.setStatus', { id: s.id, status: 'returned', description: 'Refused by recipient' }, 'mgr');
    expect(stockOf(app, cola.id)).toBe(0);
    expect((await ok(app, 'shipping.queue', { limit: 10 }, 'clerk')).map((q) => [q.orderId, q.toShipQty])).toEqual([[order.id, 2000]]);
    // Refunding them now moves no stock again.
    await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: line.id, qty: 2000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(stockOf(app, cola.id)).toBe(0);
  });

  it('a ship order needs a customer; a return of unshipped goods cancels them without touching stock', async () => {
    const { app, cola } = await shop();
    await ok(app, 'cart.scan', { code: COLA }, 'clerk');
    await ok(app, 'cart.setFulfilment', { fulfilment: 'ship' }, 'clerk');
    const cart = await ok(app, 'cart.get', {}, 'clerk');
    const e = await fail(
      app,
      'sales.complete',
      { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 150 }] },
      'clerk',
    );
    expect(e).toMatchObject({ code: 'VALIDATION', details: { reason: 'shipNeedsCustomer' } });
    await ok(app, 'cart.clear', {}, 'clerk');

    const order = await shipOrder(app, [COLA]);
    await ok(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
      },
      'clerk',
    );
    expect(stockOf(app, cola.id)).toBe(0);
    expect(await ok(app, 'shipping.queue', { limit: 10 }, 'clerk')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// A fake carrier on 127.0.0.1 that follows the API documented in src/main/shipping/carriers.ts.

interface Fake {
  url: string;
  server: Server;
  requests: { method: string; path: string; auth: string | undefined; idem: string | undefined; body: unknown }[];
  events: Record<string, unknown[]>;
  pickedUp: Set<string>;
}

async function fakeCarrier(): Promise<Fake> {
  const fake: Omit<Fake, 'url' | 'server'> = { requests: [], events: {}, pickedUp: new Set() };
  let seq = 0;
  const byIdem = new Map<string, string>();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      const path = req.url ?? '';
      fake.requests.push({
        method: req.method ?? '',
        path,
        auth: req.headers.authorization,
        idem: req.headers['idempotency-key'] as string | undefined,
        body,
      });
      if (req.headers.authorization !== 'Bearer sk_test')
        return send(res, 401, { error: { code: 'unauthorized', message: 'Bad API key' } });
      if (req.method === 'POST' && path === '/v1/shipments') {
        const shipTo = (body?.shipTo ?? {}) as Record<string, string>;
        if (shipTo.postalCode === '99999')
          return send(res, 422, { error: { code: 'invalid_address', message: 'Postal code does not exist', field: 'postalCode' } });
        const idem = req.headers['idempotency-key'] as string;
        const tn = byIdem.get(idem) ?? `1ZFAKE${String(++seq).padStart(8, '0')}`;
        byIdem.set(idem, tn);
        fake.events[tn] ??= [
          { id: `evt_${tn}_0`, status: 'label_created', occurredAt: '2026-11-22T09:00:00Z', description: 'Label created', location: null },
        ];
        return send(res, 201, { trackingNumber: tn, estimatedDelivery: '2026-11-25' });
      }
      const m = path.match(/^\/v1\/shipments\/([^/]+)\/(events|cancel)$/);
      if (m && fake.events[m[1]!]) {
        if (m[2] === 'events' && req.method === 'GET') return send(res, 200, { events: fake.events[m[1]!] });
        if (m[2] === 'cancel' && req.method === 'POST')
          return fake.pickedUp.has(m[1]!)
            ? send(res, 409, { error: { code: 'already_picked_up', message: 'Already picked up' } })
            : send(res, 200, { cancelled: true });
      }
      return send(res, 404, { error: { code: 'not_found', message: 'No such shipment' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { ...fake, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

describe('the HTTP carrier adapter against a fake carrier', () => {
  it('buys a label, maps errors to fields, and applies tracking events idempotently', async () => {
    const { app, cola } = await shop();
    const fake = await fakeCarrier();
    servers.push(fake.server);
    expect((await ok(app, 'shipping.carriers', {}, 'clerk')).find((c) => c.id === 'api')?.configured).toBe(false);
    await ok(app, 'shipping.setCarrierApi', { config: { name: 'FastShip', baseUrl: fake.url, apiKey: 'sk_test' } }, 's1');
    // The key never leaves the terminal through sync or audit.
    expect(count(app, 'outbox', "payload LIKE '%sk_test%'")).toBe(0);
    expect(count(app, 'audit', "details LIKE '%sk_test%'")).toBe(0);

    const order = await shipOrder(app, [COLA, COLA]);
    const line = order.lines[0]!;
    const rejected = await fail(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: line.id, qty: 1000 }],
        address: { ...ADDRESS, postalCode: '99999' },
        parcel: PARCEL,
        carrier: 'api',
        service: 'standard',
      },
      'mgr',
    );
    expect(rejected.code).toBe('VALIDATION');
    expect((rejected.details as { path: string[] }[])[0]!.path).toEqual(['address', 'postalCode']);
    expect(count(app, 'shipments')).toBe(0);
    expect(stockOf(app, cola.id)).toBe(0);

    const s = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: line.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'api',
        service: 'express',
      },
      'mgr',
    );
    expect(s.trackingNumber).toBe('1ZFAKE00000001');
    expect(s.eta).toBe(Date.parse('2026-11-25'));
    const create = fake.requests.find(
      (r) =>
        r.method === 'POST' && r.path === '/v1/shipments' && (r.body as { shipTo: { postalCode: string } }).shipTo.postalCode === '94105',
    )!;
    expect(create).toMatchObject({
      auth: 'Bearer sk_test',
      idem: s.id,
      body: {
        reference: order.number,
        service: 'express',
        parcel: { weightGrams: 1200, lengthMm: 300, widthMm: 200, heightMm: 100 },
        shipTo: { country: 'US', region: 'CA' },
      },
    });

    fake.events[s.trackingNumber]!.push(
      { id: 'evt_2', status: 'picked_up', occurredAt: '2026-11-22T15:00:00Z', description: 'Picked up', location: 'San Francisco' },
      { id: 'evt_3', status: 'out_for_delivery', occurredAt: '2026-11-24T07:00:00Z', description: 'Out for delivery', location: 'Oakland' },
    );
    let t = await ok(app, 'shipping.refresh', { id: s.id }, 'clerk');
    expect(t.status).toBe('in_transit');
    expect(t.events.map((e) => e.status)).toEqual(['label_created', 'label_created', 'handed_over', 'in_transit']);
    const rows = count(app, 'shipment_events');
    const outbox = count(app, 'outbox');
    // The same timeline again changes nothing.
    await ok(app, 'shipping.refresh', { id: s.id }, 'clerk');
    expect(count(app, 'shipment_events')).toBe(rows);
    expect(count(app, 'outbox')).toBe(outbox);
    // A late, out-of-order scan is kept in the timeline but never moves the parcel backwards.
    fake.events[s.trackingNumber]!.push(
      { id: 'evt_4', status: 'delivered', occurredAt: '2026-11-24T11:00:00Z', description: 'Delivered', location: 'Oakland' },
      { id: 'evt_late', status: 'in_transit', occurredAt: '2026-11-24T12:00:00Z', description: 'Late scan', location: null },
    );
    t = await ok(app, 'shipping.refresh', { id: s.id }, 'clerk');
    expect(t.status).toBe('delivered');

    // Cancelling after pickup: the carrier refuses and nothing changes.
    const s2 = await ok(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: line.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'api',
        service: 'standard',
      },
      'mgr',
    );
    fake.pickedUp.add(s2.trackingNumber);
    expect((await fail(app, 'shipping.cancel', { id: s2.id }, 'mgr')).code).toBe('CONFLICT');
    expect((await ok(app, 'shipping.get', { id: s2.id }, 'clerk')).status).toBe('label_created');
    fake.pickedUp.delete(s2.trackingNumber);
    expect((await ok(app, 'shipping.cancel', { id: s2.id }, 'mgr')).status).toBe('cancelled');
  });

  it('an unreachable carrier is an IO error and writes nothing', async () => {
    const { app } = await shop();
    const fake = await fakeCarrier();
    const url = fake.url;
    await new Promise((r) => fake.server.close(r));
    await ok(app, 'shipping.setCarrierApi', { config: { name: 'FastShip', baseUrl: url, apiKey: 'sk_test' } }, 's1');
    const order = await shipOrder(app, [COLA]);
    const err = await fail(
      app,
      'shipping.create',
      {
        orderId: order.id,
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000 }],
        address: ADDRESS,
        parcel: PARCEL,
        carrier: 'api',
        service: 'standard',
      },
      'mgr',
    );
    expect(err.code).toBe('IO');
    expect(count(app, 'shipments')).toBe(0);
  });
});
