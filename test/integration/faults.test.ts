import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';

function counts(app: ReturnType<typeof makeApp>) {
  const q = (sql: string) => (app.deps.sqlite.prepare(sql).get() as { n: number }).n;
  return {
    orders: q('SELECT COUNT(*) AS n FROM orders'),
    lines: q('SELECT COUNT(*) AS n FROM order_lines'),
    payments: q('SELECT COUNT(*) AS n FROM payments'),
    movements: q('SELECT COUNT(*) AS n FROM stock_movements'),
    journal: q('SELECT COUNT(*) AS n FROM journal'),
  };
}

describe('a failed write leaves no half-written sale', () => {
  it('disk full at the last write of a checkout: IO error, nothing written, the cart is kept, the retry succeeds', async () => {
    const app = makeApp();
    await readyStore(app);
    for (let i = 0; i < 5; i++) await ok(app, 'cart.scan', { code: i % 2 ? '5000112637922' : '4006381333931' });
    const cart = await ok(app, 'cart.get', {});
    const before = counts(app);
    // Inject SQLITE_FULL into the journal insert, the very last write of a sale. The statement is
    // prepared once per connection and kept, so the fault is armed at run time, not at prepare.
    const sqlite = app.deps.sqlite;
    const realPrepare = sqlite.prepare.bind(sqlite);
    let armed = true;
    sqlite.prepare = ((source: string) => {
      const stmt = realPrepare(source);
      if (!/insert into "?journal"?/i.test(source)) return stmt;
      return new Proxy(stmt, {
        get(target, prop, receiver) {
          if (prop === 'run' && armed)
            return () => {
              throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
            };
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    }) as typeof sqlite.prepare;

    const checkoutId = uuidv7();
    const err = await fail(app, 'sales.complete', { cartId: cart.id, checkoutId, tenders: [{ kind: 'cash', amount: 10_000 }] });
    expect(err.code).toBe('IO');
    expect(counts(app)).toEqual(before);
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(cart.lines.length);

    armed = false;
    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId, tenders: [{ kind: 'cash', amount: 10_000 }] });
    expect(order.lines).toHaveLength(cart.lines.length);
    expect(counts(app).orders).toBe(before.orders + 1);
  });

  it('a database that cannot grow (SQLITE_FULL for real) refuses new lines cleanly', async () => {
    const app = makeApp();
    await readyStore(app);
    const sqlite = app.deps.sqlite;
    sqlite.exec('CREATE TABLE filler (x BLOB)');
    sqlite.pragma(`max_page_count = ${(sqlite.pragma('page_count', { simple: true }) as number) + 1}`);
    try {
      for (;;) sqlite.prepare('INSERT INTO filler VALUES (randomblob(3000))').run();
    } catch {
      // full
    }
    const big = await fail(app, 'catalog.create', {
      sku: 'X'.repeat(64),
      name: 'N'.repeat(120),
      unit: 'each',
      price: 1,
      cost: 1,
      barcodes: Array.from({ length: 20 }, (_, i) => `B${i}${'9'.repeat(60)}`),
    });
    expect(big.code).toBe('IO');
    expect((sqlite.prepare('SELECT COUNT(*) AS n FROM products WHERE sku = ?').get('X'.repeat(64)) as { n: number }).n).toBe(0);
  });

  it('a read-only database: IO error on scan and checkout, nothing written', async () => {
    const app = makeApp();
    await readyStore(app);
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const before = counts(app);
    app.deps.sqlite.pragma('query_only = ON');
    expect((await fail(app, 'cart.scan', { code: '5000112637922' })).code).toBe('IO');
    expect(
      (await fail(app, 'sales.complete', { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 500 }] })).code,
    ).toBe('IO');
    app.deps.sqlite.pragma('query_only = OFF');
    expect(counts(app)).toEqual(before);
    expect((await ok(app, 'cart.get', {})).lines[0]!.qty).toBe(1000);
  });
});
