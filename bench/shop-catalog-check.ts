/**
 * A quick check of the shop's catalog queries over 100,000 listed products (half Chinese names):
 * seeds the projections through the same projection a push runs, then times the product page's,
 * the lists' and search's queries. Run: `npx tsx bench/shop-catalog-check.ts [count]`
 * (DATABASE_URL set: on that PostgreSQL server, else in-memory PGlite).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openCloudStore } from '../src/cloud/db/open';
import { cloudDeps } from '../src/cloud/deps';
import { projectShopRecords } from '../src/cloud/shop/catalog/projection';
import { listProducts, productDetail, type ProductQuery } from '../src/cloud/shop/catalog/queries';
import { availableOnline } from '../src/cloud/shop/catalog/stock';
import { mutableBody } from '../src/cloud/records';
import { createOrg } from '../src/cloud/tenancy';
import { uuidv7 } from '../src/shared/ids';
import { LATIN_BRANDS, LATIN_PRODUCTS, SIZES, ZH_BRANDS, ZH_PRODUCTS } from './words';

const N = Number(process.argv[2] ?? 100_000);
const store = await openCloudStore({ databaseUrl: process.env.DATABASE_URL || null, dataDir: null });
const deps = cloudDeps(store.db);
const org = await createOrg(deps, { orgName: 'Bench', storeName: 'Bench', terminalName: 'T', terminalCode: 'T1' });
const orgId = org.org.id;
const storeId = org.store.id;
const ids: string[] = [];
const stamp = '1795352492042-0000-T1';
const t0 = performance.now();
let batchMs = 0;
for (let k = 0; k < N; k += 1000) {
  const rows: Parameters<typeof projectShopRecords>[2] = [];
  for (let j = k; j < Math.min(N, k + 1000); j++) {
    const id = uuidv7();
    ids.push(id);
    const zh = j % 2 === 1;
    const brand = zh ? ZH_BRANDS[j % ZH_BRANDS.length]! : null;
    const prod = zh ? ZH_PRODUCTS[(j >> 3) % ZH_PRODUCTS.length]! : null;
    const size = SIZES[j % SIZES.length]!;
    const name = zh
      ? `${brand![0]}${prod![0]} ${size}`
      : `${LATIN_BRANDS[j % LATIN_BRANDS.length]} ${LATIN_PRODUCTS[(j >> 3) % LATIN_PRODUCTS.length]} ${size}`;
    const d = {
      sku: `SKU-${j}`,
      name,
      alt_name: zh ? `${brand![1]} ${prod![1]} ${size}` : null,
      category_id: null,
      unit: 'each',
      price: 100 + (j % 5000),
      tax_rate_id: null,
      archived: false,
      image: null,
      created_at: j,
      updated_at: j,
    };
    const c = Object.fromEntries(Object.keys(d).map((f) => [f, stamp]));
    const base = { storeId: '', entityId: id, kind: 'mutable' as const, seq: j };
    rows.push({ ...base, entity: 'product', body: mutableBody('product', id, { d, c }) });
    const l = { sold_online: true, description: 'A product', safety_buffer: null, updated_at: 1 };
    rows.push({ ...base, entity: 'online_listing', body: mutableBody('online_listing', id, { d: l, c: { sold_online: stamp } }) });
    const m = uuidv7();
    rows.push({
      entity: 'stock_movement',
      storeId,
      entityId: m,
      kind: 'ledger' as const,
      seq: j,
      body: JSON.stringify({ e: 'stock_movement', i: m, d: { product_id: id, qty_delta: 1000 * (j % 50) } }),
    });
  }
  const b = performance.now();
  await store.db.transaction((tx) => projectShopRecords(tx, orgId, rows, { fresh: true }));
  // As db/planner-stats.ts does for the cloud as tables grow.
  if (k % 20_000 === 0) await store.db.execute(sql`ANALYZE shop_products, shop_search_tokens, shop_stock`);
  batchMs = Math.max(batchMs, performance.now() - b);
}
console.log(
  `seeded ${N} listed products in ${((performance.now() - t0) / 1000).toFixed(1)} s (slowest batch of 1,000 products + listings + movements: ${batchMs.toFixed(0)} ms)`,
);
await store.db.execute(sql`ANALYZE`);

async function time(label: string, f: () => Promise<unknown>, runs = 30) {
  await f();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    await f();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(46)} p50 ${ms[Math.floor(runs / 2)]!.toFixed(2)} ms  p95 ${ms[Math.floor(runs * 0.95)]!.toFixed(2)} ms`);
}
const list = (q: Partial<ProductQuery>) => () => listProducts(store.db, orgId, { sort: 'relevance', page: 1, ...q });
await time('product page (detail + availability)', async () => {
  const id = ids[Math.floor(Math.random() * ids.length)]!;
  await productDetail(store.db, orgId, id);
  await availableOnline(store.db, { orgId, storeId }, [id], Date.now());
});
await time('home: newest 24', list({ sort: 'newest' }));
await time('home: best selling 24', list({ sort: 'best' }));
await time('all, price ascending, page 50', list({ sort: 'price_asc', page: 50 }));
await time('search "tea" (relevance)', list({ q: 'tea' }));
await time('search "a" (one letter, relevance)', list({ q: 'a' }));
await time('search "acme milk"', list({ q: 'acme milk' }));
await time('search "牛奶"', list({ q: '牛奶' }));
await time('search "nn" (pinyin initials)', list({ q: 'nn' }));
await time('search "sku-4242"', list({ q: 'sku-4242' }));
await time('search "zzzz" (nothing)', list({ q: 'zzzz' }));
await time('search "tea" price 5–20, price desc', list({ q: 'tea', min: 500, max: 2000, sort: 'price_desc' }));
await store.close();
