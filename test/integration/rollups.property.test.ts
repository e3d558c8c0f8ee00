/**
 * Rollups equal a from-scratch recomputation after random histories: sales through the router at
 * random times (so out of order), voided sales, refunds (refund-shaped events, as the refunds
 * feature reports them), and late-synced orders from another terminal with old timestamps and
 * customers. Also: every dashboard figure read from the rollups equals the same figure computed by
 * GROUP BY over the raw lines, for random date ranges.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeApp, ok, readyStore, ADMIN_PIN } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { priceCart } from '../../src/shared/pricing';
import { dayToIso, isoToDay } from '../../src/shared/business-day';
import { inTransaction } from '../../src/main/db/open';
import {
  applyPendingInsight,
  applyToRollups,
  rebuildRollups,
  recordSaleInsight,
  ROLLUP_TABLES,
  type RollupEvent,
} from '../../src/main/insight/rollups';
import {
  keyedTotals,
  rawCategoryTotals,
  rawDaily,
  rawHeatmap,
  rawPaymentMix,
  rawProductTotals,
  rawStaffTotals,
  heatmap,
  paymentMix,
  totalsOf,
  rawTotals,
  productList,
} from '../../src/main/insight/queries';
import { DIM } from '../../src/main/insight/rollups';
import { lineGrams } from '../../src/shared/units';

type App = ReturnType<typeof makeApp>;
const BASE = Date.UTC(2025, 0, 1);
const SPAN = 730 * 86_400_000;

/** The rollups as a reader sees them: queued sales are added first, as every insight read does. */
function snapshot(app: App): Record<string, unknown[]> {
  applyPendingInsight(app.deps);
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUP_TABLES)
    out[t] = app.deps.sqlite
      .prepare(`SELECT * FROM ${t}`)
      .raw()
      .all()
      .map((r) => JSON.stringify(r))
      .sort();
  return out;
}

let syncedSeq = 0;
/** An order that arrives late through sync from terminal T2: stored as is, then applied to the rollups. */
function syncedOrder(
  app: App,
  at: number,
  staffId: string,
  customerId: string | null,
  items: { id: string; price: number; cost: number; rateBp: number; qty: number; unit: string }[],
  card: boolean,
) {
  const db = app.deps.sqlite;
  const priced = priceCart({
    mode: 'inclusive',
    lines: items.map((p, i) => ({ id: String(i), unitPrice: p.price, qty: p.qty, taxRateBp: p.rateBp })),
  });
  const id = uuidv7(at);
  inTransaction(db, () => {
    db.prepare(
      `INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total, tax_total,
         total, paid, change, taxes, created_at, shift_id, customer_id) VALUES (?, ?, ?, ?, 'T2', ?, 'USD', 'inclusive', ?, ?, ?, ?, ?, 0, ?, ?, NULL, ?)`,
    ).run(
      id,
      `T2-${String(++syncedSeq).padStart(6, '0')}`,
      uuidv7(),
      uuidv7(),
      staffId,
      priced.subtotal,
      priced.discountTotal,
      priced.taxTotal,
      priced.total,
      priced.total,
      JSON.stringify(priced.taxes),
      at,
      customerId,
    );
    items.forEach((p, i) => {
      const l = priced.lines[i]!;
      db.prepare(
        `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, alt_name, unit, qty, unit_price, original_price, gross, discount,
           net, tax, tax_rate_bp, total, cost) VALUES (?, ?, ?, ?, 'X', 'X', NULL, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
      ).run(uuidv7(), id, i + 1, p.id, p.unit, p.qty, p.price, p.price, l.gross, l.net, l.tax, p.rateBp, l.total, p.cost);
    });
    db.prepare('INSERT INTO payments (id, order_id, kind, amount, tendered, created_at) VALUES (?, ?, ?, ?, NULL, ?)').run(
      uuidv7(),
      id,
      card ? 'card_external' : 'cash',
      priced.total,
      at,
    );
    recordSaleInsight(app.deps, id);
  });
}

describe('rollups', () => {
  it('equal a from-scratch recomputation and the raw GROUP BY figures after random histories', async () => {
    const action = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          t: fc.constant('sale' as const),
          at: fc.integer({ min: 0, max: SPAN }),
          items: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
          card: fc.boolean(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          t: fc.constant('void' as const),
          at: fc.integer({ min: 0, max: SPAN }),
          item: fc.integer({ min: 0, max: 4 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          t: fc.constant('refund' as const),
          at: fc.integer({ min: 0, max: SPAN }),
          item: fc.integer({ min: 0, max: 8 }),
          w: fc.integer({ min: 1, max: 9_999 }),
          amount: fc.integer({ min: 1, max: 900 }),
          card: fc.boolean(),
          customer: fc.option(fc.integer({ min: 0, max: 3 })),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          t: fc.constant('synced' as const),
          at: fc.integer({ min: 0, max: SPAN }),
          items: fc.array(
            fc.record({ p: fc.integer({ min: 0, max: 8 }), q: fc.integer({ min: 1, max: 3 }), w: fc.integer({ min: 1, max: 9_999 }) }),
            {
              minLength: 1,
              maxLength: 5,
            },
          ),
          customer: fc.option(fc.integer({ min: 0, max: 3 })),
          card: fc.boolean(),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(action, { minLength: 1, maxLength: 14 }),
        fc.array(fc.tuple(fc.integer({ min: -40, max: 760 }), fc.integer({ min: 0, max: 400 })), { minLength: 3, maxLength: 3 }),
        async (cutoff, actions, ranges) => {
          const app = makeApp();
          const { adminId, cola, bread, std, red } = await readyStore(app);
          await ok(app, 'insight.setBusinessDay', { cutoffHour: cutoff });
          const db = app.deps.sqlite;
          db.prepare(
            "INSERT INTO categories (id, name, alt_name, hlc) VALUES ('01900000-0000-7000-8000-00000000ca01', 'Drinks', '饮料', 'x')",
          ).run();
          db.prepare("UPDATE products SET category_id = '01900000-0000-7000-8000-00000000ca01' WHERE id = ?").run(cola.id);
          const chips = await ok(app, 'catalog.create', {
            sku: 'CHIPS',
            name: 'Chips',
            unit: 'each',
            price: 99,
            cost: 40,
            barcodes: ['4000000000001'],
            taxRateId: std.id,
          });
          const tea = await ok(app, 'catalog.create', {
            sku: 'TEA',
            name: 'Tea',
            unit: 'each',
            price: 450,
            cost: 300,
            barcodes: ['4000000000002'],
            taxRateId: red.id,
          });
          const eggs = await ok(app, 'catalog.create', {
            sku: 'EGGS',
            name: 'Eggs',
            unit: 'each',
            price: 289,
            cost: 199,
            barcodes: ['4000000000003'],
            taxRateId: red.id,
          });
          const drinks = '01900000-0000-7000-8000-00000000ca01';
          // Weighed products of every mass unit, in a category with pieces (Drinks) and without one.
          const weighed = [];
          for (const [i, unit] of (['kg', 'lb', 'jin', 'oz'] as const).entries()) {
            const w = await ok(app, 'catalog.create', {
              sku: `W${i}`,
              name: `Weighed ${unit}`,
              unit,
              price: 500 + i,
              cost: 200 + i,
              barcodes: [],
              taxRateId: red.id,
            });
            if (i % 2 === 0) db.prepare('UPDATE products SET category_id = ? WHERE id = ?').run(drinks, w.id);
            weighed.push({ id: w.id, code: '', price: 500 + i, cost: 200 + i, rateBp: 500, categoryId: i % 2 === 0 ? drinks : null, unit });
          }
          const products = [
            { id: cola.id, code: '5000112637922', price: 150, cost: 75, rateBp: 2000, categoryId: drinks, unit: 'each' },
            { id: bread.id, code: '4006381333931', price: 325, cost: 162, rateBp: 500, categoryId: null, unit: 'each' },
            { id: chips.id, code: '4000000000001', price: 99, cost: 40, rateBp: 2000, categoryId: null, unit: 'each' },
            { id: tea.id, code: '4000000000002', price: 450, cost: 300, rateBp: 500, categoryId: null, unit: 'each' },
            { id: eggs.id, code: '4000000000003', price: 289, cost: 199, rateBp: 500, categoryId: null, unit: 'each' },
            ...weighed,
          ];
          const customers = ['cust-a', 'cust-b', 'cust-c', 'cust-d'];
          const refunds: RollupEvent[] = [];
          for (const a of actions) {
            app.clock.now = BASE + a.at;
            if (a.t === 'sale' || a.t === 'void') {
              await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
              let cart = await ok(app, 'cart.get', {});
              for (const i of a.t === 'sale' ? a.items : [a.item]) cart = await ok(app, 'cart.scan', { code: products[i]!.code });
              if (a.t === 'void') await ok(app, 'cart.clear', {});
              else
                await ok(app, 'sales.complete', {
                  cartId: cart.id!,
                  checkoutId: uuidv7(),
                  tenders: a.card
                    ? [{ kind: 'card_external', amount: cart.priced.total, approved: true }]
                    : [{ kind: 'cash', amount: cart.priced.total + 100 }],
                });
            } else if (a.t === 'refund') {
              const p = products[a.item]!;
              const e: RollupEvent = {
                kind: 'refund',
                id: uuidv7(),
                at: BASE + a.at,
                staffId: adminId,
                customerId: a.customer === null ? null : customers[a.customer]!,
                shiftId: null,
                lines: [
                  {
                    productId: p.id,
                    categoryId: p.categoryId,
                    qty: p.unit === 'each' ? 1000 : a.w,
                    amount: a.amount,
                    tax: Math.floor(a.amount / 10),
                    discount: 0,
                    cost: Math.floor(a.amount / 3),
                    unit: p.unit,
                  },
                ],
                payments: [{ kind: a.card ? 'card_external' : 'cash', amount: a.amount }],
              };
              refunds.push(e);
              inTransaction(db, () => applyToRollups(app.deps, e));
            } else {
              syncedOrder(
                app,
                BASE + a.at,
                adminId,
                a.customer === null ? null : customers[a.customer]!,
                a.items.map((x) => ({ ...products[x.p]!, qty: products[x.p]!.unit === 'each' ? x.q * 1000 : x.w })),
                a.card,
              );
            }
          }

          // 1. The rollup tables equal a rebuild from the facts (plus the refund events).
          const incremental = snapshot(app);
          inTransaction(db, () => rebuildRollups(app.deps, { extra: refunds }));
          expect(snapshot(app)).toEqual(incremental);

          // 2. Every figure equals the raw GROUP BY (sales) plus the refund events, for random ranges.
          for (const [start, len] of ranges) {
            const from = isoToDay('2025-01-01') + start;
            const r = { from, to: from + len };
            const iso = { from: dayToIso(r.from), to: dayToIso(r.to) };
            const t = totalsOf(app.deps, r);
            const raw = rawTotals(app.deps, r);
            expect({ ...t, rCount: 0, rUnits: 0, rAmount: 0, rNet: 0, rCost: 0, rGrams: 0 }).toEqual(raw);
            const daily = rawDaily(app.deps, r);
            const rollDaily = app.deps.sqlite
              .prepare(
                'SELECT day, SUM(orders) AS orders, SUM(sales) AS sales, SUM(cost) AS cost FROM rollup_hourly WHERE day BETWEEN ? AND ? AND orders > 0 GROUP BY day',
              )
              .all(r.from, r.to) as { day: number; orders: number; sales: number; cost: number }[];
            expect(rollDaily.map((x) => [x.day, x.orders, x.sales, x.cost])).toEqual(
              [...daily.values()]
                .sort((a, b) => (a as unknown as { day: number }).day - (b as unknown as { day: number }).day)
                .map((x) => [(x as unknown as { day: number }).day, x.orders, x.sales, x.cost]),
            );
            expect(heatmap(app.deps, iso).filter((c) => c.orders > 0)).toEqual(rawHeatmap(app.deps, iso));
            expect(
              paymentMix(app.deps, iso)
                .filter((m) => m.orders > 0)
                .map(({ refunds: _r, ...m }) => m),
            ).toEqual(rawPaymentMix(app.deps, iso).map(({ refunds: _r, ...m }) => m));
            const prod = new Map(
              keyedTotals(app.deps, DIM.product, r)
                .filter((m) => m.orders > 0)
                .map((m) => [m.ref, { units: m.units, sales: m.sales, orders: m.orders, cost: m.cost, net: m.net }]),
            );
            const rawProd = new Map(
              [...rawProductTotals(app.deps, r)].map(([k, v]) => [
                k,
                { units: v.units, sales: v.sales, orders: v.orders, cost: v.cost, net: v.net },
              ]),
            );
            expect(prod).toEqual(rawProd);
            const cat = new Map(
              keyedTotals(app.deps, DIM.category, r)
                .filter((m) => m.orders > 0)
                .map((m) => [m.ref, { units: m.units, grams: m.grams, sales: m.sales, orders: m.orders }]),
            );
            expect(cat).toEqual(
              new Map(
                [...rawCategoryTotals(app.deps, r)].map(([k, v]) => [
                  k,
                  { units: v.units, grams: v.grams, sales: v.sales, orders: v.orders },
                ]),
              ),
            );
            const staff = new Map(
              keyedTotals(app.deps, DIM.staff, r)
                .filter((m) => m.orders > 0)
                .map((m) => [m.ref, { orders: m.orders, sales: m.sales }]),
            );
            expect(staff).toEqual(new Map([...rawStaffTotals(app.deps, r)].map(([k, v]) => [k, { orders: v.orders, sales: v.sales }])));
            // Refunds: the rollups hold exactly the refund events of the range.
            const expectedRefunds = refunds.filter((e) => businessDayOf(app, e.at) >= r.from && businessDayOf(app, e.at) <= r.to);
            expect(t.rCount).toBe(expectedRefunds.length);
            // Refunded pieces and weights apart: no weighed quantity in r_units, every one in r_grams.
            const refundLines = expectedRefunds.map((e) => e.lines[0]!);
            expect(t.rUnits).toBe(refundLines.filter((l) => l.unit === 'each').reduce((s, l) => s + l.qty, 0));
            expect(t.rGrams).toBe(refundLines.reduce((s, l) => s + lineGrams(l.qty, l.unit), 0));
            const byProduct = new Map<string, { rCount: number; rAmount: number; rUnits: number }>();
            const byTender = new Map<string, number>();
            for (const e of expectedRefunds) {
              const l = e.lines[0]!;
              const cur = byProduct.get(l.productId) ?? { rCount: 0, rAmount: 0, rUnits: 0 };
              byProduct.set(l.productId, { rCount: cur.rCount + 1, rAmount: cur.rAmount + l.amount, rUnits: cur.rUnits + l.qty });
              byTender.set(e.payments[0]!.kind, (byTender.get(e.payments[0]!.kind) ?? 0) + e.payments[0]!.amount);
            }
            const rolledRefunds = new Map(
              keyedTotals(app.deps, DIM.product, r)
                .filter((m) => m.rCount !== 0)
                .map((m) => [m.ref, { rCount: m.rCount, rAmount: m.rAmount, rUnits: m.rUnits }]),
            );
            expect(rolledRefunds).toEqual(byProduct);
            // Product ranking (cached bucket vectors) equals the raw figures less the refunds.
            const expectedRank = [...new Set([...rawProd.keys(), ...byProduct.keys()])]
              .map((id) => ({
                id,
                revenue: (rawProd.get(id)?.sales ?? 0) - (byProduct.get(id)?.rAmount ?? 0),
                units: rawProd.get(id)?.units ?? 0,
              }))
              .sort((a, b) => b.revenue - a.revenue || (a.id < b.id ? -1 : 1));
            const ranked = productList(app.deps, { ...iso, sort: 'revenue', dir: 'desc', limit: 50 });
            expect(ranked.items.map((p) => ({ id: p.productId, revenue: p.revenue, units: p.units }))).toEqual(expectedRank);
            expect(ranked.total).toBe(expectedRank.length);
            const byUnits = productList(app.deps, { ...iso, sort: 'units', dir: 'asc', limit: 50 }).items.map((p) => p.units);
            expect(byUnits).toEqual([...byUnits].sort((a, b) => a - b));
            expect(
              new Map(
                paymentMix(app.deps, iso)
                  .filter((m) => m.refunds !== 0)
                  .map((m) => [m.kind, m.refunds]),
              ),
            ).toEqual(byTender);
            expect(t.rAmount).toBe(expectedRefunds.reduce((s, e) => s + e.payments[0]!.amount, 0));
          }
          app.close();
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});

import { businessBucket } from '../../src/shared/business-day';
import { businessDaySettings } from '../../src/main/insight/settings';
function businessDayOf(app: App, at: number): number {
  const s = businessDaySettings(app.deps);
  return businessBucket(at, s.timezone, s.cutoffHour).day;
}
