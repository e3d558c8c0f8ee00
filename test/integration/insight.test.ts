import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore, ADMIN_PIN } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { inTransaction } from '../../src/main/db/open';
import { APPLY_DELAY_MS, applyToRollups, rebuildRollups } from '../../src/main/insight/rollups';
import { seedHistory } from '../../src/main/setup/history';

type App = ReturnType<typeof makeApp>;

async function sell(app: App, codes: string[], card = false) {
  let cart = await ok(app, 'cart.get', {});
  for (const code of codes) cart = await ok(app, 'cart.scan', { code });
  return ok(app, 'sales.complete', {
    cartId: cart.id!,
    checkoutId: uuidv7(),
    tenders: card ? [{ kind: 'card_external', amount: cart.priced.total, approved: true }] : [{ kind: 'cash', amount: cart.priced.total }],
  });
}

const COLA = '5000112637922';
const BREAD = '4006381333931';

describe('insight', () => {
  it('a date range that ends before it starts, or an impossible date, is refused with a clear reason', async () => {
    const app = makeApp();
    await readyStore(app);
    for (const ch of ['insight.summary', 'insight.heatmap', 'insight.payments', 'insight.categories', 'insight.staff'] as const) {
      const err = await fail(app, ch, { from: '2026-03-10', to: '2026-03-01' });
      expect(err.code, ch).toBe('VALIDATION');
      expect(err.message).toMatch(/ends \(2026-03-01\) before it starts \(2026-03-10\)/);
    }
    expect((await fail(app, 'insight.series', { from: '2026-02-30', to: '2026-03-01', granularity: 'day' })).message).toMatch(/not a date/);
    expect((await fail(app, 'insight.products', { from: '2026-03-10', to: '2026-03-01', sort: 'units', dir: 'desc', limit: 5 })).code).toBe(
      'VALIDATION',
    );
  });

  it('a sale commits without touching the rollups; they follow moments later, and a read before then still counts it', async () => {
    const app = makeApp();
    await readyStore(app);
    const rollupRows = () => app.deps.sqlite.prepare('SELECT COUNT(*) FROM rollup_keyed').pluck().get() as number;
    const pending = () => app.deps.sqlite.prepare('SELECT COUNT(*) FROM insight_pending').pluck().get() as number;
    const before = rollupRows();
    await sell(app, [COLA, BREAD]);
    expect(pending()).toBe(1);
    expect(rollupRows()).toBe(before);
    // Read at once: the queued sale is added first.
    const today = (await ok(app, 'insight.businessDay', {})).today;
    const s = await ok(app, 'insight.summary', { from: today, to: today });
    expect(s.current.orders).toBe(1);
    expect(pending()).toBe(0);
    expect(rollupRows()).toBeGreaterThan(before);
    // Without a read, the queue empties by itself shortly after the sale.
    await sell(app, [COLA]);
    expect(pending()).toBe(1);
    await new Promise((r) => setTimeout(r, APPLY_DELAY_MS + 100));
    expect(pending()).toBe(0);
    expect((await ok(app, 'insight.summary', { from: today, to: today })).current.orders).toBe(2);
  });

  it('dashboard figures: KPIs with the previous period, series by day/week/month, heat map, products, categories, tenders, staff', async () => {
    const app = makeApp(); // 2026-11-22 09:00 UTC (a Sunday), store in Europe/London
    const { cola, adminId } = await readyStore(app);
    const at = async (ms: number) => {
      app.clock.now = ms;
      await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    };
    await sell(app, [COLA, COLA, BREAD]); // 1.50×2 + 3.25 = 6.25 cash
    await at(Date.UTC(2026, 10, 22, 12, 0));
    await sell(app, [BREAD], true); // 3.25 card at 12:00
    await at(Date.UTC(2026, 10, 15, 18, 30)); // the week before
    await sell(app, [COLA]);
    await at(Date.UTC(2026, 10, 22, 17, 0));
    // A refund of one cola (as the refunds feature reports it), paid back in cash.
    inTransaction(app.deps.sqlite, () =>
      applyToRollups(app.deps, {
        kind: 'refund',
        id: uuidv7(),
        at: app.clock(),
        staffId: null,
        customerId: null,
        shiftId: null,
        lines: [{ productId: cola.id, categoryId: null, qty: 1000, amount: 150, tax: 25, discount: 0, cost: 75, unit: 'each' }],
        payments: [{ kind: 'cash', amount: 150 }],
      }),
    );

    const s = await ok(app, 'insight.summary', { from: '2026-11-16', to: '2026-11-22', compare: true });
    expect(s.current).toMatchObject({ orders: 2, sales: 950, refundAmount: 150, revenue: 800, avgBasket: 475, items: 4000 });
    expect(s.current.returnsRateBp).toBe(Math.round((150 * 10000) / 950));
    expect(s.previous).toMatchObject({ from: '2026-11-09', to: '2026-11-15', kpis: { orders: 1, sales: 150 } });

    const week = await ok(app, 'insight.series', { from: '2026-11-01', to: '2026-11-22', granularity: 'week', compare: false });
    expect(week.points.map((p) => [p.start, p.orders])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 0],
      ['2026-11-09', 1],
      ['2026-11-16', 2],
    ]);
    const month = await ok(app, 'insight.series', { from: '2026-10-15', to: '2026-11-22', granularity: 'month' });
    expect(month.points.map((p) => [p.start, p.end, p.sales])).toEqual([
      ['2026-10-15', '2026-10-31', 0],
      ['2026-11-01', '2026-11-22', 1100],
    ]);
    const heat = await ok(app, 'insight.heatmap', { from: '2026-11-22', to: '2026-11-22' });
    // 09:00 and 12:00 UTC are 09:00 and 12:00 in London in November; a Sunday is weekday 6.
    expect(heat).toEqual([
      { weekday: 6, hour: 9, orders: 1, sales: 625 },
      { weekday: 6, hour: 12, orders: 1, sales: 325 },
    ]);

    const top = await ok(app, 'insight.products', { from: '2026-11-16', to: '2026-11-22', sort: 'revenue', dir: 'desc', limit: 10 });
    expect(top.items.map((p) => [p.sku, p.revenue, p.units])).toEqual([
      ['BREAD', 650, 2000],
      ['COLA', 150, 2000],
    ]);
    expect(top.total).toBe(2);
    expect(top.ratingAvailable).toBe(false);
    const byUnitsAsc = await ok(app, 'insight.products', { from: '2026-11-01', to: '2026-11-22', sort: 'units', dir: 'asc', limit: 1 });
    expect(byUnitsAsc.items.map((p) => p.sku)).toEqual(['BREAD']);
    expect(byUnitsAsc.total).toBe(2);
    const byPrice = await ok(app, 'insight.products', { from: '2026-11-01', to: '2026-11-22', sort: 'price', dir: 'desc', limit: 5 });
    expect(byPrice.items.map((p) => p.price)).toEqual([325, 150]);
    const byMargin = await ok(app, 'insight.products', { from: '2026-11-01', to: '2026-11-22', sort: 'margin', dir: 'desc', limit: 5 });
    expect(byMargin.items[0]!.margin).toBeGreaterThanOrEqual(byMargin.items[1]!.margin);
    expect(
      (await fail(app, 'insight.products', { from: '2026-11-01', to: '2026-11-22', sort: 'rating', dir: 'desc', limit: 5 })).message,
    ).toMatch(/feedback/);

    const tenders = await ok(app, 'insight.payments', { from: '2026-11-16', to: '2026-11-22' });
    expect(tenders).toEqual([
      { kind: 'cash', orders: 1, amount: 625, refunds: 150 },
      { kind: 'card_external', orders: 1, amount: 325, refunds: 0 },
    ]);
    const staff = await ok(app, 'insight.staff', { from: '2026-11-16', to: '2026-11-22' });
    expect(staff).toEqual([expect.objectContaining({ name: 'Alice', orders: 2, sales: 950, avgBasket: 475 })]);
    const cats = await ok(app, 'insight.categories', { from: '2026-11-16', to: '2026-11-22' });
    expect(cats).toEqual([expect.objectContaining({ categoryId: null, units: 4000, sales: 950 })]);
  });

  it('product rankings follow new sales, late-synced sales in old periods, and rebuilds (no stale cache)', async () => {
    const app = makeApp();
    const { adminId } = await readyStore(app);
    const range = { from: '2026-01-01', to: '2026-11-22', sort: 'revenue' as const, dir: 'desc' as const, limit: 5 };
    await sell(app, [BREAD]);
    expect((await ok(app, 'insight.products', range)).items.map((p) => [p.sku, p.revenue])).toEqual([['BREAD', 325]]);
    await sell(app, [COLA, COLA, COLA]);
    expect((await ok(app, 'insight.products', range)).items.map((p) => [p.sku, p.revenue])).toEqual([
      ['COLA', 450],
      ['BREAD', 325],
    ]);
    // A sale rung up back in March (as a late sync would store it) lands in March's buckets.
    app.clock.now = Date.UTC(2026, 2, 3, 10);
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    await sell(app, [BREAD, BREAD]);
    expect((await ok(app, 'insight.products', range)).items.map((p) => [p.sku, p.revenue])).toEqual([
      ['BREAD', 975],
      ['COLA', 450],
    ]);
    expect((await ok(app, 'insight.products', { ...range, from: '2026-03-01', to: '2026-03-31' })).items.map((p) => p.sku)).toEqual([
      'BREAD',
    ]);
    await ok(app, 'insight.setBusinessDay', { cutoffHour: 2 });
    expect((await ok(app, 'insight.products', range)).total).toBe(2);
  });

  it('a day read by a ranking is kept packed, survives a restart, and any later sale on that day replaces it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ct-packed-'));
    try {
      let app = makeApp({ dataDir });
      const { adminId } = await readyStore(app);
      // Tuesday 3 to Wednesday 4 March: two day buckets, no bigger one fits inside.
      const days = { from: '2026-03-03', to: '2026-03-04', sort: 'revenue' as const, dir: 'desc' as const, limit: 5 };
      const ranked = async () => (await ok(app, 'insight.products', days)).items.map((p) => [p.sku, p.revenue]);
      const packed = () => app.deps.sqlite.prepare('SELECT COUNT(*) FROM rollup_packed').pluck().get() as number;
      app.clock.now = Date.UTC(2026, 2, 3, 10);
      await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
      await sell(app, [BREAD]);
      expect(await ranked()).toEqual([['BREAD', 325]]);
      expect(packed()).toBe(2);

      // A later sale on the 3rd (a late sync stores it so): the packed day must not answer any more.
      await sell(app, [COLA, COLA, COLA]);
      await new Promise((r) => setTimeout(r, APPLY_DELAY_MS + 50));
      expect(packed()).toBe(1);
      expect(await ranked()).toEqual([
        ['COLA', 450],
        ['BREAD', 325],
      ]);
      app.close();

      // A new process has no vectors in memory: the figures come from the packed days.
      app = makeApp({ dataDir });
      expect(packed()).toBe(2);
      await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
      expect(await ranked()).toEqual([
        ['COLA', 450],
        ['BREAD', 325],
      ]);
      // A rebuild packs every day that has sales (here the 3rd), so the first ranking after it reads
      // no day from rows.
      rebuildRollups(app.deps);
      expect(app.deps.sqlite.prepare('SELECT day FROM rollup_packed').pluck().all()).toEqual([
        Math.floor(Date.UTC(2026, 2, 3) / 86_400_000),
      ]);
      expect(await ranked()).toEqual([
        ['COLA', 450],
        ['BREAD', 325],
      ]);
      app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the business-day cutoff moves late-night sales to the day before, and a time-zone change rebuilds the rollups', async () => {
    const app = makeApp({ clock: undefined });
    await readyStore(app);
    const { adminId } = { adminId: (await ok(app, 'session.me', {})).staff!.id };
    app.clock.now = Date.UTC(2026, 10, 21, 1, 30); // Saturday 01:30 in London
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    await sell(app, [COLA]);
    const day = async (d: string) => (await ok(app, 'insight.summary', { from: d, to: d })).current.orders;
    expect([await day('2026-11-20'), await day('2026-11-21')]).toEqual([0, 1]);
    expect((await ok(app, 'insight.setBusinessDay', { cutoffHour: 4 })).cutoffHour).toBe(4);
    expect([await day('2026-11-20'), await day('2026-11-21')]).toEqual([1, 0]);
    // Heat map: still 1 a.m., on the Friday business day.
    expect(await ok(app, 'insight.heatmap', { from: '2026-11-20', to: '2026-11-20' })).toEqual([
      { weekday: 4, hour: 1, orders: 1, sales: 150 },
    ]);
    await ok(app, 'settings.update', { timezone: 'America/New_York' }); // 01:30 UTC = 20:30 the evening before
    expect([await day('2026-11-20'), await day('2026-11-21')]).toEqual([1, 0]);
    expect(await ok(app, 'insight.heatmap', { from: '2026-11-20', to: '2026-11-20' })).toEqual([
      { weekday: 4, hour: 20, orders: 1, sales: 150 },
    ]);
    expect((await ok(app, 'insight.businessDay', {})).timezone).toBe('America/New_York');
  });

  it('frequently bought together: suggestions with support, confidence and lift, never what is in the cart', async () => {
    const app = makeApp();
    const { std } = await readyStore(app);
    await ok(app, 'catalog.create', {
      sku: 'CHIPS',
      name: 'Chips',
      unit: 'each',
      price: 99,
      cost: 40,
      barcodes: ['4000000000001'],
      taxRateId: std.id,
    });
    await ok(app, 'catalog.create', {
      sku: 'SALSA',
      name: 'Salsa',
      unit: 'each',
      price: 250,
      cost: 100,
      barcodes: ['4000000000002'],
      taxRateId: std.id,
    });
    // Chips go with salsa; cola and bread are bought alone.
    for (let i = 0; i < 4; i++) await sell(app, ['4000000000001', '4000000000002']);
    await sell(app, ['4000000000001']);
    for (let i = 0; i < 3; i++) await sell(app, [COLA]);
    await sell(app, [BREAD]);
    await sell(app, [BREAD, COLA]);
    await ok(app, 'cart.scan', { code: '4000000000001' });
    const s = await ok(app, 'insight.suggestions', {});
    expect(s.map((x) => x.sku)).toEqual(['SALSA']);
    // 4 of 10 baskets hold both; 4 of the 5 with chips hold salsa; salsa is in 4 of 10 → lift 2.
    expect(s[0]).toMatchObject({ supportBp: 4000, confidenceBp: 8000, lift100: 200 });
    await ok(app, 'cart.scan', { code: '4000000000002' });
    expect((await ok(app, 'insight.suggestions', {})).map((x) => x.sku)).not.toContain('SALSA');
    // A pair seen once is not enough; lift at or below 1 is not suggested.
    expect(await ok(app, 'insight.suggestions', { productIds: [(await ok(app, 'catalog.search', { q: 'Cola' }))[0]!.id] })).toEqual([]);
  });

  it('customers: repeat rate and RFM segments with their members; orders without a customer do not count', async () => {
    const app = makeApp();
    await readyStore(app);
    seedHistory(app.deps, { orders: 600, avgLines: 2, days: 200, endAt: app.clock(), seed: 3, customers: 40 });
    const c = await ok(app, 'insight.customers', {});
    const withCustomer = app.deps.sqlite.prepare('SELECT COUNT(DISTINCT customer_id) AS n, COUNT(customer_id) AS o FROM orders').get() as {
      n: number;
      o: number;
    };
    expect(c.customers).toBe(withCustomer.n);
    expect(c.identifiedOrders).toBe(withCustomer.o);
    const repeat = app.deps.sqlite
      .prepare(
        'SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id HAVING COUNT(*) >= 2)',
      )
      .pluck()
      .get() as number;
    expect(c.repeatCustomers).toBe(repeat);
    expect(c.segments.reduce((s, x) => s + x.customers, 0)).toBe(c.customers);
    const champions = await ok(app, 'insight.segment', { segment: 'champions', limit: 200 });
    expect(champions.total).toBe(c.segments.find((x) => x.segment === 'champions')!.customers);
    for (const m of champions.items) expect(m.r >= 4 && m.f >= 4).toBe(true);
    const hibernating = await ok(app, 'insight.segment', { segment: 'hibernating', limit: 200 });
    for (const m of hibernating.items) expect(m.r <= 2 && m.f <= 2).toBe(true);
    if (champions.items.length && hibernating.items.length)
      expect(Math.min(...champions.items.map((m) => m.recencyDays))).toBeLessThanOrEqual(
        Math.max(...hibernating.items.map((m) => m.recencyDays)),
      );
  });
});
