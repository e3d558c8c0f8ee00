import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { openStore, type Store } from '../../src/main/db/open';
import * as schema from '../../src/main/db/schema';
import { MIGRATIONS_DIR } from '../../src/main/host/paths';
import { ADMIN_PIN, makeApp, ok, setupStore } from '../support/app';
import { searchBacklog } from '../../src/main/catalog/search-backlog';
import { fillSortKeys, fillSortKeysStep, planSortKeyFill, sortKeysReady, writeSortKey } from '../../src/main/catalog/sort-key';
import { browseProducts } from '../../src/main/catalog/products';
import { appendJournal, canonicalJson, chainHash, GENESIS_HASH, JOURNAL_SECRETS, verifyJournal } from '../../src/main/journal/journal';
import { memorySecretStore } from '../../src/main/secrets/secrets';
import { UNITS } from '../../src/shared/units';

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}
const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
const sqlFiles = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

const tmp: string[] = [];
const stores: Store[] = [];
function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'countertop-mig-'));
  tmp.push(d);
  return d;
}
function open(file: string, dir = MIGRATIONS_DIR): Store {
  const s = openStore(file, dir);
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) if (s.sqlite.open) s.sqlite.close();
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A migrations folder holding only the first `n` migrations, as an older build shipped them. */
function firstMigrations(n: number): string {
  const dir = tmpDir();
  mkdirSync(join(dir, 'meta'));
  const entries = journal.entries.slice(0, n);
  for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

const objects = (s: Store) =>
  s.sqlite.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
const tables = (s: Store) =>
  objects(s)
    .filter((o) => o.type === 'table')
    .map((o) => o.name);
const applied = (s: Store) => (s.sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;

const EXPECTED_TABLES = [
  'audit',
  'barcodes',
  'cart_lines',
  'carts',
  'categories',
  'counters',
  'journal',
  'order_lines',
  'orders',
  'outbox',
  'payment_intents',
  'payments',
  'products',
  'products_fts',
  'settings',
  'staff',
  'stock_levels',
  'stock_locations',
  'stock_movements',
  'tax_rates',
];

describe('migrations', () => {
  it('the journal and the folder agree: every migration has its SQL file, every SQL file is journaled', () => {
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(journal.entries.map((e) => `${e.tag}.sql`).sort()).toEqual(sqlFiles);
    expect(journal.entries.map((e) => e.idx)).toEqual(journal.entries.map((_, i) => i));
    const whens = journal.entries.map((e) => e.when);
    expect([...whens].sort((a, b) => a - b)).toEqual(whens);
  });

  it.each(journal.entries.map((e, i) => [e.tag, i + 1] as const))('up to %s applies to an empty database', (_tag, n) => {
    const s = open(':memory:', firstMigrations(n));
    expect(applied(s)).toBe(n);
    expect(s.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(s.sqlite.pragma('foreign_key_check')).toEqual([]);
  });

  it.each(journal.entries.slice(1).map((e, i) => [e.tag, i + 1] as const))(
    '%s applies on top of a database migrated by the previous build',
    (_tag, prev) => {
      const file = join(tmpDir(), 'countertop.db');
      const old = open(file, firstMigrations(prev));
      expect(applied(old)).toBe(prev);
      old.sqlite.close();
      const s = open(file, firstMigrations(prev + 1));
      expect(applied(s)).toBe(prev + 1);
    },
  );

  it('the full set gives the expected tables, including outbox, journal, audit and products_fts', () => {
    const s = open(':memory:');
    const names = tables(s);
    for (const t of EXPECTED_TABLES) expect(names, t).toContain(t);
    const fts = objects(s).find((o) => o.name === 'products_fts')!;
    expect(fts.sql).toMatch(/USING fts5/i);
    expect(applied(s)).toBe(journal.entries.length);
  });

  it('the migrated database matches the drizzle schema (migrations were generated from it)', () => {
    const s = open(':memory:');
    const drizzleTables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => v instanceof SQLiteTable);
    expect(drizzleTables.length).toBeGreaterThan(10);
    for (const table of drizzleTables) {
      const config = getTableConfig(table);
      const cols = s.sqlite.prepare(`PRAGMA table_info("${config.name}")`).all() as { name: string; notnull: number; pk: number }[];
      expect(cols.length, `table ${config.name} exists`).toBeGreaterThan(0);
      expect(cols.map((c) => c.name).sort(), config.name).toEqual(config.columns.map((c) => c.name).sort());
      for (const col of config.columns) {
        const dbCol = cols.find((c) => c.name === col.name)!;
        expect(dbCol.notnull === 1 || dbCol.pk > 0, `${config.name}.${col.name} NOT NULL`).toBe(col.notNull);
      }
      for (const idx of config.indexes) {
        const name = idx.config.name;
        expect(
          objects(s).some((o) => o.type === 'index' && o.name === name),
          `index ${name}`,
        ).toBe(true);
      }
    }
  });

  it('re-opening an already migrated database is a no-op and keeps the data', async () => {
    const dir = tmpDir();
    const app = makeApp({ dataDir: dir });
    const { adminId } = await setupStore(app);
    const before = objects(app.store);
    const n = applied(app.store);
    app.close();

    const again = makeApp({ dataDir: dir });
    try {
      expect(applied(again.store)).toBe(n);
      expect(objects(again.store)).toEqual(before);
      expect((await ok(again, 'app.status', {})).setupDone).toBe(true);
      expect((await ok(again, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN })).staff?.id).toBe(adminId);
    } finally {
      again.close();
    }
    // And a third time, straight through openStore.
    const s = open(join(dir, 'countertop.db'));
    expect(applied(s)).toBe(n);
  });

  it('opening applies the pragmas: WAL on disk, foreign keys on, synchronous FULL, a busy timeout', () => {
    const file = join(tmpDir(), 'countertop.db');
    const s = open(file);
    expect(s.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(s.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(s.sqlite.pragma('temp_store', { simple: true })).toBe(2); // MEMORY: no temp-file journals
    expect(existsSync(`${file}-wal`)).toBe(true);
    // WAL is a property of the file: a plain connection sees it too.
    s.sqlite.close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('foreign keys are enforced: a barcode for a product that does not exist is refused', () => {
    const s = open(':memory:');
    expect(() =>
      s.sqlite.prepare("INSERT INTO barcodes (code, product_id) VALUES ('123', '01900000-0000-7000-8000-00000000dead')").run(),
    ).toThrow(/FOREIGN KEY/);
  });
});

/** A store migrated up to just before `tag`, given rows as an older build wrote them, then migrated through `tag`. */
function migratedThrough(tag: string, before: (old: Store) => void): Store {
  const n = journal.entries.findIndex((e) => e.tag === tag);
  const file = join(tmpDir(), 'countertop.db');
  const old = open(file, firstMigrations(n));
  before(old);
  old.sqlite.close();
  return open(file, firstMigrations(n + 1));
}

/** The search index migrated through `tag`, from two entries as the index had them then (names, codes, pinyin). */
function searchIndexMigrated(tag: string): { s: Store; fts: { sql: string | null } } {
  const s = migratedThrough(tag, (old) => {
    const ins = old.sqlite.prepare('INSERT INTO products_fts (rowid, text, codes, py) VALUES (?, ?, ?, ?)');
    ins.run(7, 'Whole Milk 1L', 'MILK-1 5012345678900', '');
    ins.run(9, '富 士 苹 果 Fuji Apple', 'APL-9', 'fushipingguo pingguo fspg pg');
  });
  return { s, fts: objects(s).find((o) => o.name === 'products_fts')! };
}

/** Rowids the search index matches for an FTS5 query, in order, as "7,9". */
const ftsMatch = (s: Store, q: string) =>
  (s.sqlite.prepare('SELECT rowid FROM products_fts WHERE products_fts MATCH ? ORDER BY rowid').pluck().all(q) as number[]).join(',');

describe('0006_search_prefixes', () => {
  it('rebuilds the search index with 1-6 letter prefixes, keeping every entry under its product rowid', () => {
    const { s, fts } = searchIndexMigrated('0006_search_prefixes');
    expect(fts.sql).toMatch(/prefix = '1 2 3 4 5 6'/);
    expect(objects(s).some((o) => o.name.startsWith('products_fts_new'))).toBe(false);
    const match = (q: string) => ftsMatch(s, q);
    expect(match('"whole"* AND "milk"*')).toBe('7');
    expect(match('"pingg"*')).toBe('9');
    expect(match('text:"苹 果"')).toBe('9');
    expect(match('"5012345678900"')).toBe('7');
    expect(s.sqlite.prepare('SELECT rowid, text, codes, py FROM products_fts ORDER BY rowid').all()).toEqual([
      { rowid: 7, text: 'Whole Milk 1L', codes: 'MILK-1 5012345678900', py: '' },
      { rowid: 9, text: '富 士 苹 果 Fuji Apple', codes: 'APL-9', py: 'fushipingguo pingguo fspg pg' },
    ]);
  });
});

describe('0009_cart_line_snapshot', () => {
  it('lines already in a cart take their product as it is, so an open or parked sale still shows and prices them', () => {
    const s = migratedThrough('0009_cart_line_snapshot', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO products (id, sku, name, alt_name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
        VALUES ('p1', 'APL-1', '富士苹果', 'Fuji apple', 'kg', 450, 200, 't1', 0, 0, 'h');
      INSERT INTO carts (id, terminal_code, status, created_at, updated_at) VALUES ('c1', 'T1', 'parked', 0, 0);
      INSERT INTO cart_lines (id, cart_id, product_id, position, qty, unit_price) VALUES ('l1', 'c1', 'p1', 1, 1250, 400);`),
    );
    expect(s.sqlite.prepare('SELECT sku, name, alt_name, unit, unit_price, original_price, tax_rate_id FROM cart_lines').all()).toEqual([
      { sku: 'APL-1', name: '富士苹果', alt_name: 'Fuji apple', unit: 'kg', unit_price: 400, original_price: 450, tax_rate_id: 't1' },
    ]);
  });
});

describe('0023_cart_line_category', () => {
  it('lines of open and parked sales take their product category, so category promotions still apply to them', () => {
    const s = migratedThrough('0023_cart_line_category', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO categories (id, name, hlc) VALUES ('c1', 'Fruit', 'h');
      INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, category_id, created_at, updated_at, hlc)
        VALUES ('p1', 'APL', 'Apple', 'kg', 450, 200, 't1', 'c1', 0, 0, 'h'), ('p2', 'BAG', 'Bag', 'each', 10, 5, 't1', NULL, 0, 0, 'h');
      INSERT INTO carts (id, terminal_code, status, created_at, updated_at)
        VALUES ('open', 'T1', 'open', 0, 0), ('parked', 'T1', 'parked', 0, 0), ('sold', 'T1', 'completed', 0, 0);
      INSERT INTO cart_lines (id, cart_id, product_id, position, qty, unit_price)
        VALUES ('l1', 'open', 'p1', 1, 1000, 450), ('l2', 'open', 'p2', 2, 1000, 10), ('l3', 'parked', 'p1', 1, 1000, 450),
               ('l4', 'sold', 'p1', 1, 1000, 450);`),
    );
    expect(s.sqlite.prepare('SELECT id, category_id FROM cart_lines ORDER BY id').raw().all()).toEqual([
      ['l1', 'c1'],
      ['l2', null],
      ['l3', 'c1'],
      ['l4', null],
    ]);
  });
});

describe('0011_search_without_codes', () => {
  it('rebuilds the search index without the codes column, keeping names, pinyin, prefixes and rowids', () => {
    const { s, fts } = searchIndexMigrated('0011_search_without_codes');
    expect(fts.sql).not.toMatch(/codes/);
    expect(fts.sql).toMatch(/prefix = '1 2 3 4 5 6'/);
    expect(fts.sql).toMatch(/tokenize = 'unicode61 remove_diacritics 2'/);
    expect(objects(s).some((o) => o.name.startsWith('products_fts_new'))).toBe(false);
    const match = (q: string) => ftsMatch(s, q);
    expect(match('"whole"* AND "milk"*')).toBe('7');
    expect(match('"pingg"*')).toBe('9');
    expect(match('"fspg"*')).toBe('9');
    expect(match('text:"苹 果"')).toBe('9');
    // Codes are no longer in the index: they are found from the products and barcodes indexes.
    expect(match('"5012345678900"')).toBe('');
    expect(match('"apl"*')).toBe('');
    expect(s.sqlite.prepare('SELECT * FROM products_fts ORDER BY rowid').all()).toEqual([
      { text: 'Whole Milk 1L', py: '' },
      { text: '富 士 苹 果 Fuji Apple', py: 'fushipingguo pingguo fspg pg' },
    ]);
    expect(s.sqlite.prepare('SELECT rowid FROM products_fts ORDER BY rowid').pluck().all()).toEqual([7, 9]);
  });
});

describe('0012_stock_levels_category', () => {
  it("copies each product's category onto its level rows, and keeps it there as products change", () => {
    const s = migratedThrough('0012_stock_levels_category', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO categories (id, name, hlc) VALUES ('c1', 'Fruit', 'h');
      INSERT INTO stock_locations (id, name, is_default, hlc) VALUES ('shop', 'Shop', 1, 'h');
      INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, category_id, created_at, updated_at, hlc)
        VALUES ('p1', 'APL', 'Apple', 'kg', 450, 200, 't1', 'c1', 0, 0, 'h'), ('p2', 'BAG', 'Bag', 'each', 10, 5, 't1', NULL, 0, 0, 'h');
      INSERT INTO stock_levels (product_id, location_id, qty) VALUES ('p1', 'shop', 5000), ('p2', 'shop', 0);`),
    );
    const cats = () => s.sqlite.prepare('SELECT product_id, category_id FROM stock_levels ORDER BY product_id').raw().all();
    expect(cats()).toEqual([
      ['p1', 'c1'],
      ['p2', null],
    ]);
    s.sqlite.exec("UPDATE products SET category_id = 'c1' WHERE id = 'p2'; UPDATE products SET category_id = NULL WHERE id = 'p1'");
    expect(cats()).toEqual([
      ['p1', null],
      ['p2', 'c1'],
    ]);
  });
});

describe('0013_search_backlog', () => {
  it('adds an empty backlog to an existing store: its products keep their entries and nothing waits', () => {
    const s = migratedThrough('0013_search_backlog', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
        VALUES ('p1', 'APL', 'Apple', 'kg', 450, 200, 't1', 0, 0, 'h');
      INSERT INTO products_fts (rowid, text, py) SELECT rowid, name, '' FROM products;`),
    );
    expect(searchBacklog(s.sqlite)).toBeNull();
    expect(s.sqlite.prepare("SELECT rowid FROM products_fts WHERE products_fts MATCH 'apple'").pluck().all()).toHaveLength(1);
  });
});

describe('0016_product_sort_keys', () => {
  it("adds the pinyin key table; the app fills it for the store's products, in pinyin order of the Chinese names", () => {
    const s = migratedThrough('0016_product_sort_keys', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO products (id, sku, name, alt_name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
        VALUES ('p1', 'TEA', 'Green Tea', '绿茶', 'each', 450, 200, 't1', 0, 0, 'h'),
               ('p2', 'CHA', '茶叶', 'Tea leaves', 'each', 450, 200, 't1', 0, 0, 'h'),
               ('p3', 'GE', '个人护理包', NULL, 'each', 450, 200, 't1', 0, 0, 'h');`),
    );
    expect(objects(s).some((o) => o.type === 'index' && o.name === 'product_sort_keys_zh_idx')).toBe(true);
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM product_sort_keys').pluck().get()).toBe(0);
    expect(fillSortKeys(s.sqlite)).toBe(3);
    expect(fillSortKeys(s.sqlite)).toBe(0);
    const order = s.sqlite
      .prepare(
        'SELECT p.sku FROM product_sort_keys k INDEXED BY product_sort_keys_zh_idx JOIN products p ON p.rowid = k.rowid ORDER BY k.zh',
      )
      .pluck()
      .all();
    // cha ye, ge ren, lü cha (by code point: 个 U+4E2A, 绿 U+7EFF, 茶 U+8336).
    expect(order).toEqual(['CHA', 'GE', 'TEA']);
  });

  it('fills the keys in steps from a kept cursor; until done, Chinese lists sort by name and leave no product out', () => {
    const s = migratedThrough('0016_product_sort_keys', (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO products (id, sku, name, alt_name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
        VALUES ('p1', 'TEA', 'Green Tea', '绿茶', 'each', 450, 200, 't1', 0, 0, 'h'),
               ('p2', 'CHA', '茶叶', 'Tea leaves', 'each', 450, 200, 't1', 0, 0, 'h'),
               ('p3', 'GE', '个人护理包', NULL, 'each', 450, 200, 't1', 0, 0, 'h');`),
    );
    const zhSkus = () => browseProducts(s, { language: 'zh-CN', offset: 0, limit: 10 }).items.map((p) => p.sku);
    expect(planSortKeyFill(s.sqlite)).toBe(true);
    expect(sortKeysReady(s.sqlite)).toBe(false);
    // One step of one product, then a product made meanwhile (its writer gives it its key).
    expect(fillSortKeysStep(s.sqlite, 1)).toBe(true);
    s.sqlite.exec(`INSERT INTO products (id, sku, name, alt_name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
      VALUES ('p4', 'AN', '安全帽', NULL, 'each', 450, 200, 't1', 0, 0, 'h')`);
    writeSortKey(s.sqlite, s.sqlite.prepare("SELECT rowid FROM products WHERE id = 'p4'").pluck().get() as number, { name: '安全帽' });
    // Mid-way every product is listed, by name.
    // (Green Tea, then 个 U+4E2A, 安 U+5B89, 茶 U+8336.)
    expect(zhSkus()).toEqual(['TEA', 'GE', 'AN', 'CHA']);
    // A close here keeps the cursor: the next open resumes, the new product's key does not hide the gap.
    expect(planSortKeyFill(s.sqlite)).toBe(true);
    while (fillSortKeysStep(s.sqlite, 1));
    expect(sortKeysReady(s.sqlite)).toBe(true);
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM product_sort_keys').pluck().get()).toBe(4);
    // an quan mao, cha ye, ge ren, lü cha.
    expect(zhSkus()).toEqual(['AN', 'CHA', 'GE', 'TEA']);
    expect(planSortKeyFill(s.sqlite)).toBe(false);
  });
});

describe('0014_imported_orders', () => {
  it('adds the source column: orders already rung up keep their rows and read as till sales', () => {
    const s = migratedThrough('0014_imported_orders', (old) =>
      old.sqlite.exec(`
      INSERT INTO staff (id, name, role, pin_hash, created_at, hlc) VALUES ('s1', 'Alice', 'admin', 'x', 0, 'h');
      INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
        tax_total, total, paid, change, taxes, created_at) VALUES ('o1', 'T1-000001', 'c1', 'k1', 'T1', 's1', 'USD', 'inclusive',
        150, 0, 25, 150, 200, 50, '[]', 1000);`),
    );
    expect(s.sqlite.prepare('SELECT id, source, total FROM orders').all()).toEqual([{ id: 'o1', source: null, total: 150 }]);
    s.sqlite.exec("UPDATE orders SET source = 'square' WHERE id = 'o1'");
    expect(s.sqlite.prepare('SELECT source FROM orders').pluck().get()).toBe('square');
  });
});

describe('0015_journal_key', () => {
  it('keeps existing entries as legacy (unkeyed) ones that still verify; the next entry is keyed and chains on', () => {
    let head = GENESIS_HASH;
    const s = migratedThrough('0015_journal_key', (old) => {
      const ins = old.sqlite.prepare(
        "INSERT INTO journal (seq, id, kind, ref_id, payload, prev_hash, hash, at) VALUES (?, ?, 'refund', ?, ?, ?, ?, 0)",
      );
      for (const seq of [1, 2]) {
        const payload = canonicalJson({ kind: 'refund', refId: `r${seq}`, document: { seq } });
        const hash = chainHash(head, payload);
        ins.run(seq, `j${seq}`, `r${seq}`, payload, head, hash);
        head = hash;
      }
    });
    expect(s.sqlite.prepare('SELECT key_id FROM journal').pluck().all()).toEqual([null, null]);
    const secrets = memorySecretStore();
    const deps = { sqlite: s.sqlite, secrets, clock: () => 1, ids: () => 'j3' };
    expect(verifyJournal(deps)).toMatchObject({ ok: true, legacy: 2, keyedFrom: null });
    appendJournal(deps, 'refund', 'r3', { seq: 3 });
    expect(secrets.get(JOURNAL_SECRETS.keyedFrom)).toBe('3');
    expect(verifyJournal(deps)).toMatchObject({ ok: true, entries: 3, legacy: 2, keyedFrom: 3 });
    expect(s.sqlite.prepare('SELECT prev_hash FROM journal WHERE seq = 3').pluck().get()).toBe(head);
  });
});

describe('sale units (no migration)', () => {
  it('the unit columns are plain text with no CHECK: a store migrated from the first build keeps its rows and takes every unit', () => {
    // The unit list lives in src/shared/units.ts (contract, drizzle types); SQLite never constrained it.
    const s = migratedThrough(journal.entries[journal.entries.length - 1]!.tag, (old) =>
      old.sqlite.exec(`
      INSERT INTO tax_rates (id, name, rate_bp, hlc) VALUES ('t1', 'Standard', 2000, 'h');
      INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc)
        VALUES ('p0', 'APL', 'Apple', 'kg', 450, 200, 't1', 0, 0, 'h');`),
    );
    for (const o of objects(s)) if (o.sql && /\bunit\b/.test(o.sql)) expect(o.sql).not.toMatch(/CHECK/i);
    const ins = s.sqlite.prepare(
      "INSERT INTO products (id, sku, name, unit, price, cost, tax_rate_id, created_at, updated_at, hlc) VALUES (?, ?, 'x', ?, 100, 0, 't1', 0, 0, 'h')",
    );
    for (const unit of UNITS) ins.run(`p-${unit}`, `SKU-${unit}`, unit);
    s.sqlite.exec("INSERT INTO carts (id, terminal_code, status, created_at, updated_at) VALUES ('c1', 'T1', 'open', 0, 0)");
    s.sqlite
      .prepare(
        "INSERT INTO cart_lines (id, cart_id, product_id, position, qty, unit_price, unit) VALUES ('l1', 'c1', 'p-jin', 1, 1360, 1800, 'jin')",
      )
      .run();
    expect(s.sqlite.prepare('SELECT unit FROM products ORDER BY id').pluck().all()).toEqual([...[...UNITS].sort(), 'kg']);
    expect(s.sqlite.prepare('SELECT unit FROM cart_lines').pluck().get()).toBe('jin');
  });
});

describe('0025_product_reviews', () => {
  it('adds an empty reviews table to a store with ratings: its aggregates stay as they were', () => {
    const s = migratedThrough('0025_product_reviews', (old) =>
      old.sqlite.exec(`
      PRAGMA foreign_keys = OFF;
      INSERT INTO product_ratings (product_id, count, sum, avg100) VALUES ('p1', 2, 9, 450);`),
    );
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM product_reviews').pluck().get()).toBe(0);
    expect(s.sqlite.prepare('SELECT count, sum, avg100 FROM product_ratings').get()).toEqual({ count: 2, sum: 9, avg100: 450 });
  });
});

describe('0026_shop_round_two (delivery)', () => {
  it('adds the carrier’s status, place and estimated day to online steps: the steps a store had read as before, with none', () => {
    const s = migratedThrough('0026_shop_round_two', (old) =>
      old.sqlite.exec(`
      INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at)
      VALUES ('e1', 'o1', 'shipped', 'SF Express', 'SF1', '', 'T1', NULL, 1);`),
    );
    expect(s.sqlite.prepare('SELECT kind, tracking, status, location, eta FROM online_order_events').all()).toEqual([
      { kind: 'shipped', tracking: 'SF1', status: null, location: null, eta: null },
    ]);
  });
});

describe('0026_shop_round_two (online_orders_index)', () => {
  it('indexes the online orders of a store that has some: the dashboard reads them through it', () => {
    const s = migratedThrough('0026_shop_round_two', (old) =>
      old.sqlite.exec(`
      PRAGMA foreign_keys = OFF;
      INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
                          tax_total, total, paid, change, taxes, created_at, source)
      VALUES ('o1', 'W1', 'c1', 'k1', 'WEB', 'st', 'CNY', 'inclusive', 100, 0, 0, 100, 100, 0, '[]', 5, 'online'),
             ('o2', 'S1', 'c2', 'k2', 'T1', 'st', 'CNY', 'inclusive', 200, 0, 0, 200, 200, 0, '[]', 6, NULL);`),
    );
    const plan = s.sqlite
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM orders WHERE source = 'online' AND created_at >= 0 AND created_at < 10")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('orders_online_idx');
    expect(s.sqlite.prepare("SELECT id FROM orders WHERE source = 'online' AND created_at >= 0").pluck().all()).toEqual(['o1']);
  });
});

describe('0026_shop_round_two (receipt_links)', () => {
  it('sales rung up before receipts had links keep their rows, without a key; the invoice queue starts empty', () => {
    const s = migratedThrough('0026_shop_round_two', (old) =>
      old.sqlite.exec(`
      INSERT INTO staff (id, name, role, pin_hash, created_at, hlc) VALUES ('s1', 'Alice', 'admin', 'x', 0, 'h');
      INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
        tax_total, total, paid, change, taxes, created_at) VALUES ('o1', 'T1-000001', 'c1', 'k1', 'T1', 's1', 'CNY', 'inclusive',
        150, 0, 25, 150, 200, 50, '[]', 1000);`),
    );
    expect(s.sqlite.prepare('SELECT id, receipt_key AS key, total FROM orders').all()).toEqual([{ id: 'o1', key: null, total: 150 }]);
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM invoice_requests').pluck().get()).toBe(0);
  });
});

describe('0026_shop_round_two (picture_uploads)', () => {
  it('adds an empty upload queue with its defaults, and leaves the sync state as it was', () => {
    const s = migratedThrough('0026_shop_round_two', (old) =>
      old.sqlite.exec(`
      PRAGMA foreign_keys = OFF;
      INSERT INTO sync_state (key, value) VALUES ('cursor', '5');`),
    );
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM picture_uploads').pluck().get()).toBe(0);
    s.sqlite.prepare("INSERT INTO picture_uploads (product_id, name) VALUES ('p1', 'x.png')").run();
    expect(s.sqlite.prepare('SELECT attempts, next_at, last_error FROM picture_uploads').get()).toEqual({
      attempts: 0,
      next_at: 0,
      last_error: null,
    });
    expect(s.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").pluck().get()).toBe('5');
  });
});

describe('0026_shop_round_two (aftersale)', () => {
  it('adds an empty table of online return requests to a store with online orders: their steps stay as they were', () => {
    const s = migratedThrough('0026_shop_round_two', (old) =>
      old.sqlite.exec(`
      PRAGMA foreign_keys = OFF;
      INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at)
        VALUES ('e1', 'o1', 'picked_up', NULL, NULL, '', 'T1', NULL, 5);`),
    );
    expect(s.sqlite.prepare('SELECT COUNT(*) FROM online_returns').pluck().get()).toBe(0);
    expect(s.sqlite.prepare('SELECT kind FROM online_order_events').pluck().all()).toEqual(['picked_up']);
  });
});
