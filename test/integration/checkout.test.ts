import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';
import { verifyJournal } from '../../src/main/journal/journal';

describe('checkout through the router', () => {
  it('scans, pays cash with change, and writes one complete sale', async () => {
    const app = makeApp();
    const { cola, bread } = await readyStore(app);
    await ok(app, 'cart.scan', { code: '5000112637922' });
    await ok(app, 'cart.scan', { code: '5000112637922' });
    const cart = await ok(app, 'cart.scan', { code: '4006381333931' });
    expect(cart.lines).toHaveLength(2);
    expect(cart.lines[0]!.qty).toBe(2000);
    expect(cart.priced.total).toBe(150 * 2 + 325);

    const short = await fail(app, 'sales.complete', { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 500 }] });
    expect(short.code).toBe('INSUFFICIENT_PAYMENT');
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(2);

    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] });
    expect(order.total).toBe(625);
    expect(order.change).toBe(375);
    expect(order.payments).toEqual([expect.objectContaining({ kind: 'cash', amount: 625, tendered: 1000 })]);
    expect(order.number).toBe('T1-000001');
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(0);
    expect((await ok(app, 'catalog.get', { id: cola.id })).stock).toBe(-2000);
    expect((await ok(app, 'catalog.get', { id: bread.id })).stock).toBe(-1000);
    expect(verifyJournal(app.deps)).toMatchObject({ ok: true, entries: 1 });
    const outbox = app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity = 'order'").get() as { n: number };
    expect(outbox.n).toBe(1);
  });

  it('a line keeps the product as it was scanned; an edit made meanwhile applies to the next scan', async () => {
    const app = makeApp();
    const { cola } = await readyStore(app);
    await ok(app, 'cart.scan', { code: '5000112637922' });
    await ok(app, 'catalog.update', { id: cola.id, name: 'Cola Zero 330ml', price: 175 });
    let cart = await ok(app, 'cart.get', {});
    expect(cart.lines).toEqual([
      expect.objectContaining({ name: 'Cola 330ml', sku: 'COLA', unitPrice: 150, originalPrice: 150, taxRateBp: 2000 }),
    ]);
    cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    expect(cart.lines.map((l) => [l.name, l.qty, l.unitPrice])).toEqual([
      ['Cola 330ml', 1000, 150],
      ['Cola Zero 330ml', 1000, 175],
    ]);
    expect(cart.priced.total).toBe(325);
    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 325 }] });
    expect(order.lines.map((l) => l.name)).toEqual(['Cola 330ml', 'Cola Zero 330ml']);
  });

  it('an unknown barcode leaves the cart as it was', async () => {
    const app = makeApp();
    await readyStore(app);
    await ok(app, 'cart.scan', { code: '5000112637922' });
    const err = await fail(app, 'cart.scan', { code: '0000000000000' });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('0000000000000');
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(1);
  });

  it('decodes weight and price scale labels', async () => {
    const app = makeApp();
    await readyStore(app);
    let cart = await ok(app, 'cart.scan', { code: encodeScaleBarcode('21', '00042', 532) });
    expect(cart.lines[0]).toMatchObject({ qty: 532, unit: 'kg' });
    expect(cart.priced.lines[0]!.gross).toBe(159); // 2.99 × 0.532 = 1.59068
    cart = await ok(app, 'cart.scan', { code: encodeScaleBarcode('26', '00042', 450) });
    expect(cart.priced.lines[1]!.gross).toBe(450);
  });

  it('the same checkout submitted 100 times, concurrently, makes one sale', async () => {
    const app = makeApp();
    await readyStore(app);
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const checkoutId = uuidv7();
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        app.router.call('sales.complete', { cartId: cart.id, checkoutId, tenders: [{ kind: 'cash', amount: 200 }] }, 's1'),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = new Set(results.map((r) => (r.ok ? (r.value as { id: string }).id : '')));
    expect(ids.size).toBe(1);
    const n = app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number };
    expect(n.n).toBe(1);
    const pays = app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM payments').get() as { n: number };
    expect(pays.n).toBe(1);
  });
});
