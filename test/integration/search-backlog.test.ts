/**
 * A joining terminal's big first download leaves its products' name index to a background pass
 * (catalog/search-backlog.ts), and their level rows too (inventory/level-rows.ts). Until it is
 * done, search still finds products by name; edits made meanwhile are what gets indexed; a restart
 * finishes the job; level rows that came before their product still get its category.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillSearchBacklog, searchBacklog } from '../../src/main/catalog/search-backlog';
import { defaultLocationId } from '../../src/main/inventory/ledger';
import { applyPage } from '../../src/main/sync/pull';
import { getState, setState } from '../../src/main/sync/state';
import { startLevelFill } from '../../src/main/inventory/level-rows';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { makeApp, NO_CLOUD, ok, readyStore } from '../support/app';
import { pulledProduct } from '../support/sync';

const stamp = formatHlc(Date.UTC(2026, 0, 1), 0, 'T9');

/** 600 products as a first download brings them: every tenth has a Chinese name. */
function catalogPage(taxRateId: string) {
  return Array.from({ length: 600 }, (_, k) =>
    pulledProduct(
      taxRateId,
      k,
      k % 10 === 0
        ? { sku: `CN-${k}`, name: `苹果汁 ${k}`, barcode: `69${String(k).padStart(11, '0')}` }
        : { sku: `W-${k}`, name: `Widget ${k}`, barcode: `77${String(k).padStart(11, '0')}` },
      stamp,
    ),
  );
}

/** A stock receipt recorded by another terminal, as the cloud sends it. */
function movement(productId: string, locationId: string, qty: number) {
  const id = uuidv7();
  return { e: 'stock_movement', i: id, d: { id, product_id: productId, location_id: locationId, qty_delta: qty, kind: 'receipt', at: 1 } };
}

const ftsCount = (app: ReturnType<typeof makeApp>) => app.deps.sqlite.prepare('SELECT COUNT(*) FROM products_fts').pluck().get() as number;
const names = async (app: ReturnType<typeof makeApp>, q: string) => (await ok(app, 'catalog.search', { q })).map((h) => h.name);

describe('a first download', () => {
  it('is searchable by name at once; the index is written after, with the edits made meanwhile', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: NO_CLOUD } });
    try {
      const { std } = await readyStore(app);
      const before = ftsCount(app);
      setState(app.deps.sqlite, 'joining', true);
      const page = catalogPage(std.id);
      const loc = defaultLocationId(app.deps);
      applyPage(app.deps, { changes: [...page, movement(page[597]!.i, loc, 5)], cursor: 1 });
      setState(app.deps.sqlite, 'joining', null);

      // None of them indexed yet, yet they are found by name, SKU and barcode.
      expect(searchBacklog(app.deps.sqlite)).not.toBeNull();
      expect(ftsCount(app)).toBe(before);
      expect(await names(app, 'widget 599')).toEqual(['Widget 599']);
      expect(await names(app, '苹果汁 590')).toEqual(['苹果汁 590']);
      expect((await ok(app, 'catalog.search', { q: 'W-598' }))[0]?.name).toBe('Widget 598');
      expect(await names(app, 'cola')).toEqual(['Cola 330ml']);
      const stock = await ok(app, 'stock.list', { locationId: loc, q: 'widget 597', offset: 0, limit: 10 });
      expect(stock.items.map((i) => i.name)).toEqual(['Widget 597']);

      // A rename and an archive while waiting: the index gets the product as it is then.
      const renamed = page[1]!.i;
      await ok(app, 'catalog.update', { id: renamed, name: 'Gizmo deluxe' });
      await ok(app, 'catalog.archive', { id: page[2]!.i, archived: true });
      expect(await names(app, 'gizmo')).toEqual(['Gizmo deluxe']);

      // Their level rows (stock 0 at the default location) come after the download too.
      const levels = () => app.deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels').pluck().get() as number;
      expect(levels()).toBe(3 + 1);
      startLevelFill(app.deps, () => setState(app.deps.sqlite, 'levelsPending', null), 100);
      for (let k = 0; k < 50 && getState(app.deps.sqlite, 'levelsPending'); k++) await new Promise((r) => setImmediate(r));
      expect(getState(app.deps.sqlite, 'levelsPending')).toBeNull();
      expect(levels()).toBe(3 + 600);
      const listed = await ok(app, 'stock.list', { locationId: loc, q: 'widget 598', offset: 0, limit: 10 });
      expect(listed.items.map((i) => [i.name, i.qty])).toEqual([['Widget 598', 0]]);

      let chunks = 0;
      while (fillSearchBacklog(app.deps, 250)) chunks += 1;
      expect(chunks).toBeGreaterThan(1);
      expect(searchBacklog(app.deps.sqlite)).toBeNull();
      // Every product has one entry (the store's own three were rewritten, not doubled), but the archived one.
      expect(ftsCount(app)).toBe(before + 600 - 1);
      expect(await names(app, 'gizmo')).toEqual(['Gizmo deluxe']);
      expect(await names(app, 'widget 1')).not.toContain('Widget 1');
      expect(await names(app, 'widget 2')).not.toContain('Widget 2');
      // Pinyin initials work once indexed.
      expect((await names(app, 'pgz')).length).toBeGreaterThan(0);
      expect(await names(app, 'cola')).toEqual(['Cola 330ml']);
    } finally {
      app.close();
    }
  });

  it('while waiting, names match as the index will: pinyin initials, Unicode and full-width case', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: NO_CLOUD } });
    try {
      const { std } = await readyStore(app);
      setState(app.deps.sqlite, 'joining', true);
      const page = [
        pulledProduct(std.id, 0, { sku: 'PG-1', name: '苹果', barcode: '6900000000011' }, stamp),
        pulledProduct(std.id, 1, { sku: 'AP-1', name: 'ÄPFEL BOSKOOP', barcode: '6900000000028' }, stamp),
        // Enough more to make the page a first download's bulk page.
        ...catalogPage(std.id).filter((c) => !c.d.name.startsWith('苹果')),
      ];
      applyPage(app.deps, { changes: page, cursor: 1 });
      setState(app.deps.sqlite, 'joining', null);
      expect(searchBacklog(app.deps.sqlite)).not.toBeNull();
      const waiting = { pg: await names(app, 'pg'), apfel: await names(app, 'äpfel'), wide: await names(app, 'ＡＰＦＥＬ') };
      while (fillSearchBacklog(app.deps));
      // The same searches once the entries are written find the same products.
      expect(waiting).toEqual({ pg: await names(app, 'pg'), apfel: await names(app, 'äpfel'), wide: await names(app, 'ＡＰＦＥＬ') });
      // (The store's own Apples, 苹果 in Chinese, was indexed at setup.)
      expect(waiting).toEqual({ pg: ['苹果', 'Apples'], apfel: ['ÄPFEL BOSKOOP'], wide: ['ÄPFEL BOSKOOP'] });
    } finally {
      app.close();
    }
  });

  it('a terminal that was already set up writes the entries with the page', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: NO_CLOUD } });
    try {
      const { std } = await readyStore(app);
      const before = ftsCount(app);
      applyPage(app.deps, { changes: catalogPage(std.id), cursor: 1 });
      expect(searchBacklog(app.deps.sqlite)).toBeNull();
      expect(ftsCount(app)).toBe(before + 600);
      // And their level rows.
      expect(app.deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels').pluck().get()).toBe(3 + 600);
      expect((await names(app, 'pgz')).length).toBeGreaterThan(0);
    } finally {
      app.close();
    }
  });

  it('closing before the index is complete: the next start completes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-backlog-'));
    try {
      const first = makeApp({ dataDir: dir, sync: { autoStart: false, transport: NO_CLOUD } });
      const { std } = await readyStore(first);
      setState(first.deps.sqlite, 'joining', true);
      applyPage(first.deps, { changes: catalogPage(std.id), cursor: 1 });
      setState(first.deps.sqlite, 'joining', null);
      fillSearchBacklog(first.deps, 100);
      expect(searchBacklog(first.deps.sqlite)).not.toBeNull();
      first.close();

      const again = makeApp({ dataDir: dir, sync: { autoStart: false, transport: NO_CLOUD } });
      try {
        const waiting = () => searchBacklog(again.deps.sqlite) !== null || getState(again.deps.sqlite, 'levelsPending') !== null;
        for (let k = 0; k < 50 && waiting(); k++) await new Promise((r) => setImmediate(r));
        expect(waiting()).toBe(false);
        expect(ftsCount(again)).toBe(603);
        expect(again.deps.sqlite.prepare('SELECT COUNT(*) FROM stock_levels').pluck().get()).toBe(603);
      } finally {
        again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stock that arrives before its product gets the product category', async () => {
    const app = makeApp({ sync: { autoStart: false, transport: NO_CLOUD } });
    try {
      const { std } = await readyStore(app);
      const cat = await ok(app, 'catalog.categoryCreate', { name: 'Snacks' });
      const loc = defaultLocationId(app.deps);
      const page = catalogPage(std.id);
      const product = page[599]!;
      product.d.category_id = cat.id;
      applyPage(app.deps, { changes: [movement(product.i, loc, 12), ...page], cursor: 1 });
      const level = app.deps.sqlite.prepare('SELECT qty, category_id AS cat FROM stock_levels WHERE product_id = ?').get(product.i);
      expect(level).toEqual({ qty: 12, cat: cat.id });
      // The trigger is back for every later writer.
      const names = app.deps.sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products'")
        .pluck()
        .all();
      expect(names).toContain('stock_levels_category_on_new_product');
    } finally {
      app.close();
    }
  });
});
