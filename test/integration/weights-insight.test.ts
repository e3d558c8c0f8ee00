/**
 * The dashboard counts weighed items apart from pieces: `items`/`units` are pieces, weights of
 * every unit are totalled in grams (rounded once). Stores whose rollups were written before that
 * (kilograms added to pieces) are corrected in the background to what a rebuild gives.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PIN, makeApp, NO_CLOUD, ok, readyStore, TEST_PIN_PARAMS, testClock } from '../support/app';
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { uuidv7 } from '../../src/shared/ids';
import { isoToDay } from '../../src/shared/business-day';
import { inTransaction } from '../../src/main/db/open';
import { applyPendingInsight, DIM, rebuildRollups, ROLLUP_TABLES } from '../../src/main/insight/rollups';
import { keyedTotals, totalsOf } from '../../src/main/insight/queries';
import { correctWeighedRollups, startWeightFix, weightFixPending } from '../../src/main/insight/weight-fix';

type App = ReturnType<typeof makeApp>;
const PRODUCE = '01900000-0000-7000-8000-00000000ca02';

async function world(dataDir: string | null = null) {
  const app = makeApp({ dataDir });
  const base = await readyStore(app);
  app.deps.sqlite.prepare(`INSERT INTO categories (id, name, alt_name, hlc) VALUES (?, 'Produce', '生鲜', 'x')`).run(PRODUCE);
  const mk = async (sku: string, unit: 'each' | 'kg' | 'lb' | 'jin' | 'oz', price: number) => {
    const p = await ok(app, 'catalog.create', {
      sku,
      name: sku,
      unit,
      price,
      cost: Math.floor(price / 2),
      barcodes: [],
      taxRateId: base.red.id,
    });
    app.deps.sqlite.prepare('UPDATE products SET category_id = ? WHERE id = ?').run(PRODUCE, p.id);
    return p.id;
  };
  const ids = {
    pear: await mk('PEAR', 'each', 80),
    melon: await mk('MELON', 'kg', 300),
    beef: await mk('BEEF', 'lb', 899),
    rice: await mk('RICE', 'jin', 250),
    tea: await mk('TEA', 'oz', 1200),
  };
  return { app, ...base, ids };
}

/** One cash sale of the given (product, thousandths) lines. */
async function sell(app: App, lines: [string, number][]) {
  await ok(app, 'cart.clear', {});
  let cart = await ok(app, 'cart.get', {});
  for (const [productId, qty] of lines) cart = await ok(app, 'cart.addProduct', { productId, qty });
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] });
}

const today = async (app: App) => (await ok(app, 'insight.businessDay', {})).today;
const dayRange = (iso: string) => ({ from: isoToDay(iso), to: isoToDay(iso) });

function snapshot(app: Pick<App, 'deps'>): Record<string, string[]> {
  applyPendingInsight(app.deps);
  return Object.fromEntries(
    ROLLUP_TABLES.map((t) => [
      t,
      (app.deps.sqlite.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort(),
    ]),
  );
}

describe('weights apart from pieces on the dashboard', () => {
  it('a sale of 3 pieces and 1.5 kg: 3 items and 1,500 g on the summary and on its category', async () => {
    const { app, ids } = await world();
    await sell(app, [
      [ids.pear, 3000],
      [ids.melon, 1500],
    ]);
    const day = await today(app);
    const s = await ok(app, 'insight.summary', { from: day, to: day });
    expect(s.current).toMatchObject({ items: 3000, weightGrams: 1500 });
    const cats = await ok(app, 'insight.categories', { from: day, to: day });
    expect(cats).toEqual([expect.objectContaining({ categoryId: PRODUCE, units: 3000, weightGrams: 1500, orders: 1 })]);
    // Per product, each keeps its own quantity.
    const products = await ok(app, 'insight.products', { from: day, to: day, sort: 'units', dir: 'desc', limit: 5 });
    expect(products.items.map((p) => [p.sku, p.units, p.unit])).toEqual([
      ['PEAR', 3000, 'each'],
      ['MELON', 1500, 'kg'],
    ]);
  });

  it('2 lb and 1 斤 of one category: 907.18474 g + 500 g, rounded once to 1,407 g; three 1 lb sales are 1,361 g, not 3 × 454', async () => {
    const { app, ids } = await world();
    await sell(app, [
      [ids.beef, 2000],
      [ids.rice, 1000],
    ]);
    const day = await today(app);
    expect((await ok(app, 'insight.summary', { from: day, to: day })).current).toMatchObject({ items: 0, weightGrams: 1407 });
    expect((await ok(app, 'insight.categories', { from: day, to: day }))[0]).toMatchObject({ units: 0, weightGrams: 1407 });

    const { app: other, ids: o } = await world();
    for (let i = 0; i < 3; i++) await sell(other, [[o.beef, 1000]]);
    const d2 = await today(other);
    expect((await ok(other, 'insight.summary', { from: d2, to: d2 })).current.weightGrams).toBe(1361);
    expect((await ok(other, 'insight.categories', { from: d2, to: d2 }))[0]!.weightGrams).toBe(1361);
    app.close();
    other.close();
  });

  it('refunds likewise: refunded pieces in r_units, refunded weight in r_grams; a rebuild agrees', async () => {
    const { app, ids } = await world();
    const order = await sell(app, [
      [ids.pear, 2000],
      [ids.beef, 1500],
      [ids.tea, 4000],
    ]);
    const line = (sku: string) => order.lines.find((l) => l.sku === sku)!;
    await ok(app, 'refunds.create', {
      orderId: order.id,
      refundId: uuidv7(),
      lines: [
        { orderLineId: line('PEAR').id, qty: 1000, disposition: 'restock' },
        { orderLineId: line('BEEF').id, qty: 500, disposition: 'writeoff' },
        { orderLineId: line('TEA').id, qty: 4000, disposition: 'restock' },
      ],
      method: 'cash',
    });
    const day = await today(app);
    applyPendingInsight(app.deps);
    const t = totalsOf(app.deps, dayRange(day));
    // 1.5 lb + 4 oz = 680.388555 + 113.3980925 g; refunded 0.5 lb + 4 oz = 226.796185 + 113.3980925 g.
    expect({ units: t.units, grams: Math.round(t.grams), rUnits: t.rUnits, rGrams: Math.round(t.rGrams) }).toEqual({
      units: 2000,
      grams: 794,
      rUnits: 1000,
      rGrams: 340,
    });
    const [cat] = keyedTotals(app.deps, DIM.category, dayRange(day));
    expect({ rUnits: cat!.rUnits, rGrams: Math.round(cat!.rGrams) }).toEqual({ rUnits: 1000, rGrams: 340 });
    const before = snapshot(app);
    inTransaction(app.deps.sqlite, () => rebuildRollups(app.deps));
    expect(snapshot(app)).toEqual(before);
  });
});

/** Found by name: its number may change when migrations from other branches land first. */
const MIGRATION_FILE = join(
  MIGRATIONS_DIR,
  readdirSync(MIGRATIONS_DIR).find((f) => f.endsWith('_rollup_weights.sql'))!,
);

const LATER_FILES = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f > basename(MIGRATION_FILE));
const LATER_MIGRATIONS = LATER_FILES.length;
/**
 * What the migrations after the weights one create (read from their files), dropped with them to
 * make a file from before it; the newest first.
 */
const LATER_TABLES = LATER_FILES.flatMap((f) =>
  [...readFileSync(join(MIGRATIONS_DIR, f), 'utf8').matchAll(/CREATE TABLE `([^`]+)`/g)].map((m) => m[1]!),
).reverse();
/** Columns the later migrations add to older tables, dropped likewise (table, column). */
const LATER_COLUMNS = LATER_FILES.flatMap((f) =>
  [...readFileSync(join(MIGRATIONS_DIR, f), 'utf8').matchAll(/ALTER TABLE `([^`]+)` ADD `([^`]+)`/g)].map((m) => [m[1]!, m[2]!] as const),
).reverse();

/** Indexes the later migrations add to older tables, dropped likewise. */
const LATER_INDEXES = LATER_FILES.flatMap((f) =>
  [...readFileSync(join(MIGRATIONS_DIR, f), 'utf8').matchAll(/CREATE (?:UNIQUE )?INDEX `([^`]+)`/g)].map((m) => m[1]!),
);

/** The data part of the migration that added grams, as it runs on an upgraded store. */
function migrationData(): string {
  return readFileSync(MIGRATION_FILE, 'utf8')
    .split('--> statement-breakpoint')
    .filter((s) => /INSERT INTO `rollup_weight_fix`/.test(s))
    .join(';\n');
}

/**
 * Rewrites the rollups as the code before weights wrote them: every quantity, pieces or mass,
 * in `units`, no grams. That is what a rebuild gives when every line is sold by the piece.
 */
function asOldCodeWrote(app: App): void {
  const db = app.deps.sqlite;
  inTransaction(db, () => {
    db.exec(`CREATE TEMP TABLE ou AS SELECT id, unit FROM order_lines; CREATE TEMP TABLE pu AS SELECT id, unit FROM products;
      UPDATE order_lines SET unit = 'each'; UPDATE products SET unit = 'each';`);
    rebuildRollups(app.deps);
    db.exec(`UPDATE order_lines SET unit = (SELECT unit FROM temp.ou WHERE ou.id = order_lines.id);
      UPDATE products SET unit = (SELECT unit FROM temp.pu WHERE pu.id = products.id); DROP TABLE temp.ou; DROP TABLE temp.pu;`);
  });
}

describe('stores upgraded with mixed rollups', () => {
  async function oldStore(dataDir: string | null = null) {
    const w = await world(dataDir);
    const { app, ids, cola, adminId } = w;
    const later = async (ms: number) => {
      app.clock.now += ms;
      await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    };
    const o1 = await sell(app, [
      [ids.pear, 3000],
      [ids.melon, 1500],
      [cola.id, 2000],
    ]);
    await later(26 * 3_600_000);
    await sell(app, [
      [ids.beef, 2000],
      [ids.rice, 1000],
      [ids.tea, 250],
    ]);
    await later(40 * 86_400_000);
    await sell(app, [[ids.beef, 333]]);
    const line = o1.lines.find((l) => l.sku === 'MELON')!;
    await ok(app, 'refunds.create', {
      orderId: o1.id,
      refundId: uuidv7(),
      lines: [{ orderLineId: line.id, qty: 700, disposition: 'restock' }],
      method: 'cash',
    });
    applyPendingInsight(app.deps);
    const expected = (() => {
      inTransaction(app.deps.sqlite, () => rebuildRollups(app.deps));
      return snapshot(app);
    })();
    asOldCodeWrote(app);
    return { ...w, expected };
  }

  it('the migration notes the old lines and the correction, in small steps, turns the old rollups into a rebuild’s', async () => {
    const { app, expected } = await oldStore();
    expect(snapshot(app)).not.toEqual(expected);
    app.deps.sqlite.exec(migrationData());
    expect(weightFixPending(app.deps)).toBe(true);
    let steps = 0;
    while (!correctWeighedRollups(app.deps, { rows: 2 })) steps++;
    expect(steps).toBeGreaterThan(3);
    expect(weightFixPending(app.deps)).toBe(false);
    expect(snapshot(app)).toEqual(expected);
    // Done is done: a further step changes nothing.
    expect(correctWeighedRollups(app.deps)).toBe(true);
    expect(snapshot(app)).toEqual(expected);
    app.close();
  });

  it('sales after the upgrade, and sales still queued at it, are not corrected twice; an interrupted correction resumes', async () => {
    const { app, ids } = await oldStore();
    // A sale committed but not yet added to the rollups when the store was upgraded.
    const queued = await sell(app, [[ids.melon, 2500]]);
    app.deps.sqlite.prepare('DELETE FROM insight_pending').run();
    app.deps.sqlite.prepare('INSERT INTO insight_pending (order_id) VALUES (?)').run(queued.id);
    app.deps.sqlite.exec(migrationData());
    // The new code adds the queued sale, and a sale after the upgrade, right.
    applyPendingInsight(app.deps);
    await sell(app, [
      [ids.rice, 1200],
      [ids.pear, 1000],
    ]);
    applyPendingInsight(app.deps);
    // A step that fails rolls back with its progress.
    const progress = () => app.deps.sqlite.prepare('SELECT source, done FROM rollup_weight_fix ORDER BY source').raw().all();
    expect(correctWeighedRollups(app.deps, { rows: 3 })).toBe(false);
    const saved = progress();
    const mid = snapshot(app);
    app.deps.sqlite.exec("CREATE TEMP TRIGGER boom BEFORE UPDATE ON rollup_hourly BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
    expect(() => correctWeighedRollups(app.deps, { rows: 1_000 })).toThrow(/disk gone/);
    expect(progress()).toEqual(saved);
    expect(snapshot(app)).toEqual(mid);
    app.deps.sqlite.exec('DROP TRIGGER temp.boom');
    // Steps bounded by weighed lines rather than rowids (a store selling mostly by weight).
    while (!correctWeighedRollups(app.deps, { rows: 1_000, lines: 1 }));
    const corrected = snapshot(app);
    inTransaction(app.deps.sqlite, () => rebuildRollups(app.deps));
    expect(corrected).toEqual(snapshot(app));
    app.close();
  });

  it('runs in the background once the app is up, and a rebuild meanwhile ends it', async () => {
    const { app, expected } = await oldStore();
    app.deps.sqlite.exec(migrationData());
    const fix = startWeightFix(app.deps, { firstAfterMs: 0, pauseMs: 0, rows: 2 });
    await fix.done;
    expect(snapshot(app)).toEqual(expected);

    asOldCodeWrote(app);
    app.deps.sqlite.exec(migrationData());
    inTransaction(app.deps.sqlite, () => rebuildRollups(app.deps));
    expect(weightFixPending(app.deps)).toBe(false);
    expect(snapshot(app)).toEqual(expected);
    app.close();
  });

  it('a store file upgraded by the app: the real migration runs at open, then the app corrects the rollups in the background', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'countertop-weights-'));
    try {
      const { app, expected } = await oldStore(dir);
      // The file as an older build left it: no grams columns, no correction table, the migration not applied.
      const hash = createHash('sha256').update(readFileSync(MIGRATION_FILE, 'utf8')).digest('hex');
      app.deps.sqlite.exec(`ALTER TABLE rollup_hourly DROP COLUMN grams; ALTER TABLE rollup_hourly DROP COLUMN r_grams;
        ALTER TABLE rollup_keyed DROP COLUMN grams; ALTER TABLE rollup_keyed DROP COLUMN r_grams; DROP TABLE rollup_weight_fix;`);
      const applied = app.deps.sqlite.prepare('SELECT created_at AS at FROM __drizzle_migrations WHERE hash = ?').get(hash) as {
        at: number;
      };
      // Nor any later one: the migrator applies only what is newer than the newest it has applied.
      for (const index of LATER_INDEXES) app.deps.sqlite.exec(`DROP INDEX IF EXISTS ${index}`);
      for (const later of LATER_TABLES) app.deps.sqlite.exec(`DROP TABLE ${later}`);
      for (const [table, column] of LATER_COLUMNS)
        if (!LATER_TABLES.includes(table)) app.deps.sqlite.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
      expect(app.deps.sqlite.prepare('DELETE FROM __drizzle_migrations WHERE created_at >= ?').run(applied.at).changes).toBe(
        1 + LATER_MIGRATIONS,
      );
      app.close();

      const again = createApp({
        dataDir: dir,
        migrationsDir: MIGRATIONS_DIR,
        resourcesDir: RESOURCES_DIR,
        clock: testClock(),
        pinParams: TEST_PIN_PARAMS,
        sync: { autoStart: false, transport: NO_CLOUD },
        weightFix: { firstAfterMs: 0, pauseMs: 0 },
      });
      expect(weightFixPending(again.deps)).toBe(true);
      for (let i = 0; i < 500 && weightFixPending(again.deps); i++) await new Promise((r) => setTimeout(r, 10));
      expect(weightFixPending(again.deps)).toBe(false);
      expect(snapshot(again)).toEqual(expected);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new store has nothing to correct', async () => {
    const app = makeApp();
    await readyStore(app);
    expect(weightFixPending(app.deps)).toBe(false);
    app.close();
  });
});
