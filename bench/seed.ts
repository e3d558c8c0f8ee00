/**
 * Seeds a large catalog straight into the real schema with prepared statements, in a few big
 * transactions: products, barcodes (valid EAN-13), an opening stock movement + level, and the
 * `products_fts` row exactly as `createProduct` builds it (via the same `searchDoc`).
 */
import { writeUncaptured } from '../src/main/db/write-path';
import { fillSortKeys } from '../src/main/catalog/sort-key';
import type { App } from '../src/main/app';
import { searchDoc } from '../src/main/catalog/search-text';
import { defaultLocationId } from '../src/main/inventory/ledger';
import { ean13CheckDigit } from '../src/shared/scale-barcode';
import { msSince, pick, rng } from './stats';
import { CATEGORIES, LATIN_BRANDS, LATIN_DESCRIPTORS, LATIN_PRODUCTS, SIZES, ZH_BRANDS, ZH_DESCRIPTORS, ZH_PRODUCTS } from './words';

export interface SeedOptions {
  products: number;
  /** PRNG seed: the same seed gives the same catalog. */
  seed?: number;
  /** Products per transaction. */
  batch?: number;
  /** Share of Chinese names (the rest are Latin). */
  chineseShare?: number;
  log?: (msg: string) => void;
}

export interface SeedReport {
  products: number;
  latin: number;
  chinese: number;
  weighed: number;
  barcodes: number;
  totalMs: number;
  /** Time spent in searchDoc (pinyin for Chinese names), included in totalMs. */
  searchDocMs: number;
  /** Switching back to WAL (flushes the seed to disk), included in totalMs. */
  checkpointMs: number;
  dbBytes: number;
}

/** Primary barcode prefixes (GS1 country ranges; never 20–29, which are in-store scale labels). */
const PRIMARY_PREFIXES = ['690', '691', '692', '693', '694', '695', '500', '501', '502', '760', '800', '870', '871', '300', '301', '880'];
/** Secondary barcodes (multipacks, old packaging) use 400–409, which primaries never use. */
const SECONDARY_PREFIXES = ['400', '401', '402', '403', '404', '405', '406', '407', '408', '409'];

export function ean13(first12: string): string {
  return `${first12}${ean13CheckDigit(first12)}`;
}

/** A bijection on 0..1e9-1 (the multiplier is coprime to 10), so every product gets distinct digits. */
function scramble(i: number, mul: number, add: number): string {
  const v = (BigInt(i) * BigInt(mul) + BigInt(add)) % 1_000_000_000n;
  return v.toString().padStart(9, '0');
}

export function primaryBarcode(i: number): string {
  return ean13(`${PRIMARY_PREFIXES[i % PRIMARY_PREFIXES.length]}${scramble(i, 7919, 12345)}`);
}

export function secondaryBarcode(i: number): string {
  return ean13(`${SECONDARY_PREFIXES[i % SECONDARY_PREFIXES.length]}${scramble(i, 104729, 777)}`);
}

const SKU_PREFIX = ['DAI', 'BAK', 'DRK', 'SNK', 'PAN', 'FRZ', 'MEA', 'PRO', 'HOU', 'PER', 'PET', 'ALC'];

export interface GeneratedProduct {
  sku: string;
  name: string;
  altName: string | null;
  unit: 'each' | 'kg';
  price: number;
  cost: number;
  plu: string | null;
  barcodes: string[];
  category: number;
  chinese: boolean;
}

/** The i-th product of a catalog; `rand` drives names and prices, `i` keeps codes unique. */
export function generateProduct(i: number, rand: () => number, chineseShare: number, pluSeq: { next: number }): GeneratedProduct {
  const category = Math.floor(rand() * CATEGORIES.length);
  const sku = `${SKU_PREFIX[category]}-${String(i).padStart(7, '0')}`;
  const price = 50 + Math.floor(rand() * 4950);
  const cost = Math.floor(price * (0.4 + rand() * 0.35));
  // A few loose, weighed items: a PLU for the scale, no barcode.
  if (i % 500 === 250 && pluSeq.next < 99_999) {
    const plu = String(pluSeq.next++).padStart(5, '0');
    return {
      sku,
      name: `Loose ${pick(rand, LATIN_PRODUCTS.slice(-10))} ${plu}`,
      altName: null,
      unit: 'kg',
      price,
      cost,
      plu,
      barcodes: [],
      category,
      chinese: false,
    };
  }
  const barcodes = [primaryBarcode(i)];
  if (rand() < 0.1) barcodes.push(secondaryBarcode(i));
  const size = pick(rand, SIZES);
  if (rand() < chineseShare) {
    const [bz, be] = pick(rand, ZH_BRANDS);
    const [pz, pe] = pick(rand, ZH_PRODUCTS);
    const desc = rand() < 0.4 ? pick(rand, ZH_DESCRIPTORS) : null;
    return {
      sku,
      name: `${bz}${desc ? desc[0] : ''}${pz} ${size}`,
      altName: `${be} ${desc ? `${desc[1]} ` : ''}${pe} ${size}`,
      unit: 'each',
      price,
      cost,
      plu: null,
      barcodes,
      category,
      chinese: true,
    };
  }
  const brand = pick(rand, LATIN_BRANDS);
  const product = pick(rand, LATIN_PRODUCTS);
  const desc = rand() < 0.5 ? `${pick(rand, LATIN_DESCRIPTORS)} ` : '';
  return {
    sku,
    name: `${brand} ${desc}${product} ${size}`,
    altName: null,
    unit: 'each',
    price,
    cost,
    plu: null,
    barcodes,
    category,
    chinese: false,
  };
}

/**
 * Bulk-inserts `products` products into a set-up store. Durability is relaxed only while seeding
 * (journal_mode=OFF, synchronous=OFF, a big page cache) and restored before returning, so the
 * measured cases run with the app's own pragmas (WAL, synchronous=FULL).
 */
/** The seeded catalog is the store as it stands, not edits to send: it is written without capture. */
export function seedCatalog(app: App, opts: SeedOptions): SeedReport {
  return writeUncaptured(app.deps.sqlite, () => writeCatalog(app, opts));
}

function writeCatalog(app: App, opts: SeedOptions): SeedReport {
  const { sqlite } = app.deps;
  const deps = app.deps;
  const log = opts.log ?? (() => {});
  const batch = opts.batch ?? 50_000;
  const chineseShare = opts.chineseShare ?? 0.3;
  const rand = rng(opts.seed ?? 20261122);
  const t0 = process.hrtime.bigint();

  const syncBefore = sqlite.pragma('synchronous', { simple: true }) as number;
  const cacheBefore = sqlite.pragma('cache_size', { simple: true }) as number;
  // No rollback journal and no WAL while seeding: every page is written once, straight to the
  // database file (a crash mid-seed leaves a broken bench store, which is fine for a bench).
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1048576'); // 1 GiB while seeding

  const taxRates = (
    sqlite.prepare('SELECT id FROM tax_rates WHERE archived = 0 ORDER BY is_default DESC, rate_bp DESC').all() as { id: string }[]
  ).map((r) => r.id);
  if (taxRates.length === 0) throw new Error('Run setup before seeding');
  const locationId = defaultLocationId(deps);

  const insCategory = sqlite.prepare('INSERT INTO categories (id, name, alt_name, hlc) VALUES (?, ?, ?, ?)');
  const categoryIds = sqlite.transaction(() =>
    CATEGORIES.map(([name, alt]) => {
      const id = deps.ids();
      insCategory.run(id, name, alt, deps.hlc.now());
      return id;
    }),
  )();

  const insProduct = sqlite.prepare(
    `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
  );
  const insBarcode = sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
  const insFts = sqlite.prepare('INSERT INTO products_fts (rowid, text, py) VALUES (?, ?, ?)');
  const insMovement = sqlite.prepare(
    "INSERT INTO stock_movements (id, product_id, location_id, qty_delta, kind, ref_id, staff_id, at) VALUES (?, ?, ?, ?, 'opening', NULL, NULL, ?)",
  );
  const insLevel = sqlite.prepare('INSERT INTO stock_levels (product_id, location_id, qty) VALUES (?, ?, ?)');

  const pluSeq = { next: 1 };
  let latin = 0;
  let chinese = 0;
  let weighed = 0;
  let barcodeCount = 0;
  let searchDocMs = 0;

  const insertBatch = sqlite.transaction((from: number, to: number) => {
    // Search entries after every other row of the batch, as the app's bulk writers do: a write that
    // fires a trigger opens a statement savepoint, and FTS5 flushes its pending terms at each one.
    const entries: [number | bigint, string, string][] = [];
    for (let i = from; i < to; i++) {
      const p = generateProduct(i, rand, chineseShare, pluSeq);
      const now = deps.clock();
      const id = deps.ids();
      const info = insProduct.run(
        id,
        p.sku,
        p.name,
        p.altName,
        categoryIds[p.category]!,
        p.unit,
        p.price,
        p.cost,
        taxRates[i % 7 === 0 ? Math.min(1, taxRates.length - 1) : 0]!,
        p.plu,
        now,
        now,
        deps.hlc.now(),
      );
      for (const code of p.barcodes) insBarcode.run(code, id);
      const ts = process.hrtime.bigint();
      const doc = searchDoc(p);
      searchDocMs += msSince(ts);
      entries.push([info.lastInsertRowid, doc.text, doc.py]);
      const qty = p.unit === 'kg' ? 25_000 + Math.floor(rand() * 100_000) : (10 + Math.floor(rand() * 500)) * 1000;
      insMovement.run(deps.ids(), id, locationId, qty, now);
      insLevel.run(id, locationId, qty);
      barcodeCount += p.barcodes.length;
      if (p.unit === 'kg') weighed++;
      else if (p.chinese) chinese++;
      else latin++;
    }
    for (const e of entries) insFts.run(...e);
  });

  for (let from = 0; from < opts.products; from += batch) {
    const to = Math.min(opts.products, from + batch);
    insertBatch(from, to);
    const elapsed = msSince(t0) / 1000;
    log(
      `  seeded ${to.toLocaleString('en')} / ${opts.products.toLocaleString('en')} products (${elapsed.toFixed(1)} s, ${Math.round(to / elapsed).toLocaleString('en')}/s)`,
    );
  }

  // Every writer keeps a product's pinyin sort key; the bulk insert above is not one of them.
  fillSortKeys(sqlite);
  log(`  pinyin sort keys written (${(msSince(t0) / 1000).toFixed(1)} s)`);

  const tc = process.hrtime.bigint();
  sqlite.pragma('journal_mode = WAL');
  const checkpointMs = msSince(tc);
  sqlite.pragma(`cache_size = ${cacheBefore}`);
  sqlite.pragma(`synchronous = ${syncBefore}`);
  if (sqlite.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('could not restore WAL after seeding');
  const pageCount = sqlite.pragma('page_count', { simple: true }) as number;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  return {
    products: opts.products,
    latin,
    chinese,
    weighed,
    barcodes: barcodeCount,
    totalMs: msSince(t0),
    searchDocMs,
    checkpointMs,
    dbBytes: pageCount * pageSize,
  };
}
