import { describe, expect, it } from 'vitest';
import { makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';
import { snapshotDb } from '../support/db-snapshot';

describe('a failed write', () => {
  it('disk full during checkout: an IO error, no half-written sale, and the same checkout succeeds once there is room', async () => {
    const app = makeApp();
    await readyStore(app);
    // 60 weighed lines (never merged): the order, its lines and its journal entry need new pages.
    let cart = await ok(app, 'cart.get', {});
    for (let i = 0; i < 60; i++) cart = await ok(app, 'cart.scan', { code: encodeScaleBarcode('21', '00042', 100 + i) });
    expect(cart.lines).toHaveLength(60);
    const sqlite = app.deps.sqlite;
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`); // the disk is now full
    const before = snapshotDb(sqlite);

    const checkoutId = uuidv7();
    const input = { cartId: cart.id!, checkoutId, tenders: [{ kind: 'cash' as const, amount: cart.priced.total }] };
    const res = await app.router.call('sales.complete', input, 's1');
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('IO');
      expect(res.error.message).toMatch(/storage/i);
    }
    const after = snapshotDb(sqlite);
    expect(after.counts).toEqual(before.counts);
    expect(after.hashes).toEqual(before.hashes);
    expect(sqlite.inTransaction).toBe(false);
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(60);

    sqlite.pragma('max_page_count = 1073741823');
    const order = await ok(app, 'sales.complete', input);
    expect(order.lines).toHaveLength(60);
    expect(order.number).toBe('T1-000001');
    expect((sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n).toBe(1);
  });
});
