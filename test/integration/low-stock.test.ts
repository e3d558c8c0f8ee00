/**
 * The low-stock list computes sales velocity and what is on order in grouped passes; read page by
 * page it must give exactly what the per-item lookups gave, at one location and at all of them.
 */
import { describe, expect, it } from 'vitest';
import { lowStock, suggest, VELOCITY_DAYS } from '../../src/main/inventory/reorder';
import type { LowStockRow } from '../../src/shared/api/inventory-types';
import { ok } from '../support/app';
import { stockWorld } from '../support/inventory';

const DAY = 86_400_000;

/** The list as it was computed before: two correlated lookups per low item. */
const PER_ITEM_SQL = `SELECT s.product_id AS productId, p.sku, p.name, p.alt_name AS altName, p.unit, s.location_id AS locationId,
    l.name AS locationName, s.qty, s.reorder_point AS reorderPoint, s.reorder_qty AS reorderQty, p.cost, p.supplier_id AS supplierId,
    sup.name AS supplierName,
    COALESCE((SELECT -SUM(m.qty_delta) FROM stock_movements m
              WHERE m.product_id = s.product_id AND m.at >= @since AND m.location_id = s.location_id
                AND m.kind IN ('sale', 'return')), 0) AS sold,
    COALESCE((SELECT SUM(MAX(pl.qty_ordered - pl.qty_received, 0)) FROM purchase_order_lines pl
              JOIN purchase_orders po ON po.id = pl.po_id
              WHERE pl.product_id = s.product_id AND po.location_id = s.location_id
                AND po.status IN ('draft', 'sent', 'partial')), 0) AS onOrder
  FROM stock_levels s JOIN products p ON p.id = s.product_id
  JOIN stock_locations l ON l.id = s.location_id LEFT JOIN suppliers sup ON sup.id = p.supplier_id
  WHERE s.reorder_point IS NOT NULL AND s.qty <= s.reorder_point AND (@loc IS NULL OR s.location_id = @loc)
  ORDER BY p.name, p.rowid`;

describe('low-stock list', () => {
  it('read in pages, equals the per-item computation', async () => {
    const w = await stockWorld();
    const { app } = w;
    const { sqlite } = app.deps;
    const now = app.deps.clock();
    const ids: string[] = [];
    for (let k = 0; k < 30; k++) {
      const p = await ok(
        app,
        'catalog.create',
        {
          sku: `LS-${k}`,
          name: k % 3 === 0 ? `Same name` : `Item ${String.fromCharCode(90 - k)}`,
          unit: k % 4 === 0 ? 'kg' : 'each',
          price: 500,
          cost: 200 + k,
          barcodes: [],
          ...(k % 5 === 0 ? {} : { supplierId: w.supplier.id }),
        },
        'mgr',
      );
      ids.push(p.id);
      for (const [i, loc] of [w.shop, w.back].entries()) {
        if ((k + i) % 7 === 0) continue; // some items have no rule at one location
        await ok(app, 'stock.adjust', { productId: p.id, locationId: loc.id, mode: 'set', qty: (k % 6) * 1000, reason: 'found' }, 'mgr');
        await ok(
          app,
          'stock.setReorder',
          { productId: p.id, locationId: loc.id, rule: { reorderPoint: 4000, reorderQty: 1000 + (k % 3) * 2000 } },
          'mgr',
        );
      }
    }
    // Sales and returns inside and outside the window, at both locations.
    const ins = sqlite.prepare(
      'INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)',
    );
    let n = 0;
    for (const [k, id] of ids.entries())
      for (const loc of [w.shop, w.back])
        for (let j = 0; j < k % 5; j++) {
          const days = (k * 7 + j * 11) % 40; // some older than the window
          ins.run(app.deps.ids(), id, loc.id, j === 3 ? 1000 : -1000 * (1 + (j % 3)), j === 3 ? 'return' : 'sale', now - days * DAY - 1000);
          n++;
        }
    expect(n).toBeGreaterThan(50);
    // Open and closed orders.
    const po = await ok(
      app,
      'po.create',
      {
        supplierId: w.supplier.id,
        locationId: w.shop.id,
        lines: ids.slice(0, 8).map((productId, i) => ({ productId, qty: 1000 * (i + 1) })),
      },
      'mgr',
    );
    await ok(
      app,
      'po.create',
      { supplierId: w.supplier.id, locationId: w.back.id, lines: ids.slice(4, 12).map((productId) => ({ productId, qty: 3000 })) },
      'mgr',
    );
    await ok(app, 'po.send', { id: po.id }, 'mgr');

    const perItem = (loc: string | undefined) => {
      const raw = sqlite.prepare(PER_ITEM_SQL).all({ since: now - VELOCITY_DAYS * DAY, loc: loc ?? null }) as (Omit<
        LowStockRow,
        'dailySales' | 'suggestedQty'
      > & { sold: number })[];
      return raw.map(({ sold, ...r }) => ({ ...r, ...suggest({ ...r, sold }) }));
    };
    // A long list works out every item's figures once and keeps them until something is written.
    const wholePages = (loc: string | undefined) => {
      const out: LowStockRow[] = [];
      for (let offset = 0; ; offset += 5) {
        const page = lowStock(app.deps, { ...(loc ? { locationId: loc } : {}), offset, limit: 5 }, { wholeFrom: 1 });
        out.push(...page.items);
        if (offset + 5 >= page.total) break;
      }
      return out;
    };
    for (const loc of [w.shop.id, undefined]) expect(wholePages(loc)).toEqual(perItem(loc));
    ins.run(app.deps.ids(), ids[1]!, w.shop.id, -7000, 'sale', now - 1000);
    expect(wholePages(w.shop.id)).toEqual(perItem(w.shop.id));

    for (const loc of [w.shop.id, undefined]) {
      const raw = sqlite.prepare(PER_ITEM_SQL).all({ since: now - VELOCITY_DAYS * DAY, loc: loc ?? null }) as (Omit<
        LowStockRow,
        'dailySales' | 'suggestedQty'
      > & { sold: number })[];
      const expected = raw.map(({ sold, ...r }) => ({ ...r, ...suggest({ ...r, sold }) }));
      expect(expected.length).toBeGreaterThan(10);
      expect(expected.some((r) => r.onOrder > 0)).toBe(true);
      const paged: LowStockRow[] = [];
      for (let offset = 0; ; offset += 7) {
        const page = await ok(app, 'stock.lowStock', { ...(loc ? { locationId: loc } : {}), offset, limit: 7 }, 'mgr');
        expect(page.total).toBe(expected.length);
        paged.push(...page.items);
        if (offset + 7 >= page.total) break;
      }
      expect(paged).toEqual(expected);
      const whole = await ok(app, 'stock.lowStock', { ...(loc ? { locationId: loc } : {}), offset: 0, limit: 10_000 }, 'mgr');
      expect(whole.items).toEqual(expected);
    }
  });
});
