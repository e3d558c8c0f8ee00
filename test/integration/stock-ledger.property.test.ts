/**
 * The stock ledger under random sequences of everything that moves stock — sales, returns,
 * receipts against purchase orders, adjustments, write-offs, approved counts and transfers — mixed
 * with things that must NOT move it (price edits, reorder rules, draft orders, unapproved counts).
 * After every step: each level equals the sum of its movements, and equals a simple model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/main/db/open';
import { recordMovement } from '../../src/main/inventory/ledger';
import { ok } from '../support/app';
import { ledgerMismatches, levels, sell, stockWorld } from '../support/inventory';

type Op =
  | { kind: 'sale'; p: number; qty: number }
  | { kind: 'return'; p: number; qty: number }
  | { kind: 'receipt'; p: number; qty: number; loc: number }
  | { kind: 'adjust'; p: number; qty: number; loc: number }
  | { kind: 'set'; p: number; qty: number; loc: number }
  | { kind: 'writeoff'; p: number; qty: number; loc: number }
  | { kind: 'count'; p: number; qty: number; loc: number }
  | { kind: 'transfer'; p: number; qty: number; from: number }
  | { kind: 'noise'; p: number; what: 'price' | 'reorder' | 'draft' | 'countScan' };

const units = fc.integer({ min: 1, max: 9 }).map((n) => n * 1000);
const p = fc.integer({ min: 0, max: 2 });
const loc = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('sale' as const), p, qty: units }),
  fc.record({ kind: fc.constant('return' as const), p, qty: units }),
  fc.record({ kind: fc.constant('receipt' as const), p, qty: units, loc }),
  fc.record({
    kind: fc.constant('adjust' as const),
    p,
    qty: fc
      .integer({ min: -5, max: 5 })
      .filter((n) => n !== 0)
      .map((n) => n * 1000),
    loc,
  }),
  fc.record({ kind: fc.constant('set' as const), p, qty: fc.integer({ min: 0, max: 20 }).map((n) => n * 1000), loc }),
  fc.record({ kind: fc.constant('writeoff' as const), p, qty: units, loc }),
  fc.record({ kind: fc.constant('count' as const), p, qty: fc.integer({ min: 0, max: 30 }).map((n) => n * 1000), loc }),
  fc.record({ kind: fc.constant('transfer' as const), p, qty: units, from: loc }),
  fc.record({
    kind: fc.constant('noise' as const),
    p,
    what: fc.constantFrom('price' as const, 'reorder' as const, 'draft' as const, 'countScan' as const),
  }),
);

describe('stock ledger (property)', () => {
  it('every level equals the sum of its movements and the model, after any sequence of stock operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const w = await stockWorld();
        const { app } = w;
        try {
          const products = [w.cola, w.bread, w.apple];
          const locs = [w.shop.id, w.back.id];
          const model = levels(app);
          const key = (pi: number, li: string) => `${products[pi]!.id}@${li}`;
          const bump = (pi: number, li: string, d: number) => model.set(key(pi, li), (model.get(key(pi, li)) ?? 0) + d);
          for (const o of ops) {
            const product = products[o.p]!;
            switch (o.kind) {
              case 'sale':
                await sell(app, product.id, o.qty);
                bump(o.p, w.shop.id, -o.qty);
                break;
              case 'return':
                inTransaction(app.deps.sqlite, () =>
                  recordMovement(app.deps, { productId: product.id, locationId: w.shop.id, qtyDelta: o.qty, kind: 'return', refId: null }),
                );
                bump(o.p, w.shop.id, o.qty);
                break;
              case 'receipt': {
                const po = await ok(
                  app,
                  'po.create',
                  { supplierId: w.supplier.id, locationId: locs[o.loc]!, lines: [{ productId: product.id, qty: o.qty }] },
                  'mgr',
                );
                await ok(app, 'po.send', { id: po.id }, 'mgr');
                await ok(app, 'po.receiveScan', { id: po.id, code: product.sku, qty: o.qty }, 'mgr');
                bump(o.p, locs[o.loc]!, o.qty);
                break;
              }
              case 'adjust':
                await ok(
                  app,
                  'stock.adjust',
                  { productId: product.id, locationId: locs[o.loc]!, mode: 'delta', qty: o.qty, reason: 'correction' },
                  'mgr',
                );
                bump(o.p, locs[o.loc]!, o.qty);
                break;
              case 'set':
                await ok(
                  app,
                  'stock.adjust',
                  { productId: product.id, locationId: locs[o.loc]!, mode: 'set', qty: o.qty, reason: 'found' },
                  'mgr',
                );
                model.set(key(o.p, locs[o.loc]!), o.qty);
                break;
              case 'writeoff':
                await ok(app, 'stock.writeOff', { productId: product.id, locationId: locs[o.loc]!, qty: o.qty, reason: 'damaged' }, 'mgr');
                bump(o.p, locs[o.loc]!, -o.qty);
                break;
              case 'count': {
                const c = await ok(app, 'counts.create', { name: 'Spot', scope: 'partial', locationId: locs[o.loc]!, blind: true }, 'mgr');
                await ok(app, 'counts.setQty', { id: c.id, productId: product.id, counted: o.qty }, 'clerk');
                await ok(app, 'counts.submit', { id: c.id }, 'clerk');
                await ok(app, 'counts.approve', { id: c.id, uncounted: 'ignore' }, 'mgr');
                model.set(key(o.p, locs[o.loc]!), o.qty);
                break;
              }
              case 'transfer': {
                const from = locs[o.from]!;
                const to = locs[1 - o.from]!;
                await ok(app, 'stock.transfer', { fromId: from, toId: to, lines: [{ productId: product.id, qty: o.qty }] }, 'mgr');
                bump(o.p, from, -o.qty);
                bump(o.p, to, o.qty);
                break;
              }
              case 'noise': {
                const before = levels(app);
                if (o.what === 'price') await ok(app, 'catalog.update', { id: product.id, price: product.price + 7, cost: 1 }, 'mgr');
                if (o.what === 'reorder')
                  await ok(
                    app,
                    'stock.setReorder',
                    { productId: product.id, locationId: w.back.id, rule: { reorderPoint: 5000, reorderQty: 10000 } },
                    'mgr',
                  );
                if (o.what === 'draft')
                  await ok(
                    app,
                    'po.create',
                    { supplierId: w.supplier.id, locationId: w.shop.id, lines: [{ productId: product.id, qty: 4000 }] },
                    'mgr',
                  );
                if (o.what === 'countScan') {
                  const c = await ok(app, 'counts.create', { name: 'Open', scope: 'full', locationId: w.shop.id, blind: false }, 'mgr');
                  await ok(app, 'counts.scan', { id: c.id, code: product.sku }, 'clerk');
                }
                // Nothing here is a movement: every level stays as it was (a new 0 row at most).
                const after = levels(app);
                for (const [k, v] of after) expect(v, k).toBe(before.get(k) ?? 0);
                for (const [k, v] of after) if (!model.has(k)) model.set(k, v);
                break;
              }
            }
            expect(ledgerMismatches(app)).toEqual([]);
            const actual = levels(app);
            for (const [k, v] of model) expect(actual.get(k) ?? 0, `${o.kind} → ${k}`).toBe(v);
          }
        } finally {
          app.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});
