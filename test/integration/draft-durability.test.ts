import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contract, type Channel } from '../../src/shared/api';
import { inTransaction } from '../../src/main/db/open';
import { makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tableCounts(app: ReturnType<typeof makeApp>): Map<string, number> {
  const names = app.deps.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")
    .pluck()
    .all() as string[];
  return new Map(names.map((n) => [n, (app.deps.sqlite.prepare(`SELECT COUNT(*) FROM "${n}"`).pluck().get() as number) ?? 0]));
}

describe('draft writes: the open cart commits without a flush, a sale with one', () => {
  it('only the scan and add-product channels are drafts', () => {
    const drafts = (Object.keys(contract) as Channel[]).filter((k) => (contract[k] as { draft?: true }).draft === true).sort();
    expect(drafts).toEqual(['cart.addProduct', 'cart.scan']);
  });

  it('a draft channel writes the cart and nothing else (no sale, stock, audit or sync row rides on it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-draft-'));
    dirs.push(dir);
    const app = makeApp({ dataDir: dir, quiet: true });
    const { cola } = await readyStore(app);
    await ok(app, 'cart.scan', { code: '5000112637922' }); // the cart exists from here on
    const before = tableCounts(app);
    await ok(app, 'cart.scan', { code: '4006381333931' });
    await ok(app, 'cart.scan', { code: '5000112637922' });
    await ok(app, 'cart.addProduct', { productId: cola.id, qty: 2000 });
    const after = tableCounts(app);
    const changed = [...after].filter(([t, n]) => before.get(t) !== n).map(([t]) => t);
    expect(changed).toEqual(['cart_lines']);
    // The connection is back to a flush per commit: the sale that follows is durable.
    expect(app.deps.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    const cart = await ok(app, 'cart.get', {});
    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 10_000 }] });
    expect(order.lines).toHaveLength(2);
    expect(app.deps.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    app.close();
  });

  it('restores the flush after a draft that fails, and leaves a lighter setting alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-draft-'));
    dirs.push(dir);
    const app = makeApp({ dataDir: dir, quiet: true });
    const sqlite = app.deps.sqlite;
    sqlite.exec('CREATE TABLE t (x INTEGER)');
    expect(() =>
      inTransaction(
        sqlite,
        () => {
          sqlite.prepare('INSERT INTO t VALUES (1)').run();
          throw new Error('boom');
        },
        'draft',
      ),
    ).toThrow('boom');
    expect(sqlite.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    inTransaction(sqlite, () => sqlite.prepare('INSERT INTO t VALUES (2)').run(), 'draft');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    sqlite.pragma('synchronous = NORMAL');
    inTransaction(sqlite, () => sqlite.prepare('INSERT INTO t VALUES (3)').run(), 'draft');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(sqlite.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(2);
    app.close();
  });
});
