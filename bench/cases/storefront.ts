/**
 * The online shop under load. One cloud process (`src/cloud/cli.ts`, as `npm run cloud` starts
 * it) on PGlite in a temporary folder, or on PostgreSQL when DATABASE_URL is set (ids suffixed
 * `_pg`), serves a store whose catalog is written straight into the cloud's database first: each
 * product, its online listing and a stock movement as records (the push's upsertRecords and
 * insertFacts) and projected by the push's own projectShopRecords, half the names Chinese with an
 * English second name. Size: STOREFRONT_PRODUCTS (default 100,000; 20,000 with --quick; the
 * 1,000,000-product run is for PostgreSQL).
 *
 * - storefront_product_page: 50 buyers fetch random product pages over HTTP. `rate`: pages per
 *   second when each buyer asks again as soon as answered (at least 300). p50/p99: the server's own
 *   time per page (its Server-Timing header: from the request reaching the app until the page is
 *   complete, waits for the database included) while the 50 send 300 pages a second between them.
 *   Budget: p99 ≤ 50 ms and the rate.
 * - storefront_recommend: the same, for products with sales (n/5 baskets seeded), whose pages read
 *   "bought together" and "customers also bought" from history rather than the best sellers.
 * - storefront_search: 50 buyers at once search with mixed queries: Latin words and prefixes,
 *   Chinese characters, pinyin initials, a SKU, words that match nothing. Budget: p99 ≤ 50 ms.
 * Baseline of both: the same number of requests, 50 at once, to /v1/health in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openCloudStore, rowsOf } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { createOrg } from '../../src/cloud/tenancy';
import { insertFacts, mutableBody, reserveSeqs, upsertRecords, type RecordRow } from '../../src/cloud/records';
import { projectShopRecords, syllablesOf } from '../../src/cloud/shop/catalog/projection';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import type { BenchContext, BenchResult } from '../context';
import { msSince, rng, summarize } from '../stats';
import { LATIN_BRANDS, LATIN_PRODUCTS, SIZES, ZH_BRANDS, ZH_PRODUCTS } from '../words';
import { startCloud } from './sync';
import type { BenchCase } from './types';

const DATABASE_URL = process.env.DATABASE_URL || null;
const BUYERS = 50;
const PAGE_BUDGET_MS = 50;
const PAGE_RATE_BUDGET = 300;

interface ShopBench {
  base: string;
  url: string;
  dir: string;
  productIds: string[];
  /** Products with sales: their pages show recommendations from history. */
  soldIds: string[];
  stop(): Promise<void>;
}

function catalogSize(ctx: BenchContext): number {
  const asked = Number(process.env.STOREFRONT_PRODUCTS);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return ctx.quick ? 20_000 : 100_000;
}

/** The store's catalog written into the cloud's records and shop projections, as pushes would leave them. */
async function seedShop(
  dataDir: string,
  databaseUrl: string | null,
  n: number,
  log: (m: string) => void,
  opts: { stock?: number; orgName?: string } = {},
) {
  const store = await openCloudStore(databaseUrl ? { databaseUrl } : { dataDir });
  try {
    const deps = cloudDeps(store.db);
    const org = await createOrg(deps, {
      orgName: opts.orgName ?? `Shop bench ${Date.now()}`,
      storeName: 'Shop Bench',
      terminalName: 'Till 1',
      terminalCode: 'T1',
    });
    const orgId = org.org.id;
    const storeId = org.store.id;
    const stamp = formatHlc(Date.now() - 60_000, 0, 'T1');
    const now = Date.now();
    const stamps = (d: Record<string, unknown>) => Object.fromEntries(Object.keys(d).map((k) => [k, stamp]));
    const row = (entity: string, store: string, id: string, kind: RecordRow['kind'], body: string): Omit<RecordRow, 'seq'> => ({
      entity,
      storeId: store,
      entityId: id,
      kind,
      body,
      uniq: null,
      refId: null,
      qty: null,
      amount: null,
      at: null,
    });
    const write = async (mutable: Omit<RecordRow, 'seq'>[], facts: Omit<RecordRow, 'seq'>[]) => {
      await store.db.transaction(async (tx) => {
        const first = await reserveSeqs(tx, orgId, mutable.length + facts.length);
        const m = mutable.map((r, k) => ({ ...r, seq: first + k }));
        const f = facts.map((r, k) => ({ ...r, seq: first + mutable.length + k }));
        await upsertRecords(tx, orgId, org.device.id, now, m);
        await insertFacts(tx, orgId, org.device.id, now, f);
        await projectShopRecords(tx, orgId, [...m, ...f], { fresh: true });
      });
    };
    const taxId = uuidv7();
    const tax = { name: 'Standard', rate_bp: 1300, is_default: true, archived: false };
    // A store in yuan, prices tax-inclusive (Alipay takes yuan only).
    const settings = Object.entries({ currency: 'CNY', priceMode: 'inclusive' }).map(([key, value]) =>
      row('setting', storeId, key, 'mutable', mutableBody('setting', key, { d: { value }, c: stamps({ value }) })),
    );
    await write([row('tax_rate', '', taxId, 'mutable', mutableBody('tax_rate', taxId, { d: tax, c: stamps(tax) })), ...settings], []);
    const rand = rng(20261206);
    const ids: string[] = [];
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < n; k += 1000) {
      const mutable: Omit<RecordRow, 'seq'>[] = [];
      const facts: Omit<RecordRow, 'seq'>[] = [];
      for (let j = k; j < Math.min(n, k + 1000); j++) {
        const id = uuidv7();
        ids.push(id);
        const zh = j % 2 === 1;
        const size = SIZES[j % SIZES.length]!;
        const brand = ZH_BRANDS[j % ZH_BRANDS.length]!;
        const prod = ZH_PRODUCTS[(j >> 3) % ZH_PRODUCTS.length]!;
        const d = {
          sku: `SKU-${j}`,
          name: zh
            ? `${brand[0]}${prod[0]} ${size}`
            : `${LATIN_BRANDS[j % LATIN_BRANDS.length]} ${LATIN_PRODUCTS[(j >> 3) % LATIN_PRODUCTS.length]} ${size}`,
          alt_name: zh ? `${brand[1]} ${prod[1]} ${size}` : null,
          category_id: null,
          unit: 'each',
          price: 100 + Math.floor(rand() * 5000),
          tax_rate_id: taxId,
          archived: false,
          image: null,
          created_at: now - (n - j) * 1000,
          updated_at: now,
        };
        mutable.push(row('product', '', id, 'mutable', mutableBody('product', id, { d, c: stamps(d) })));
        const l = { sold_online: true, description: 'A product for the bench.', safety_buffer: null, updated_at: now };
        mutable.push(row('online_listing', '', id, 'mutable', mutableBody('online_listing', id, { d: l, c: stamps(l) })));
        const m = uuidv7();
        const mv = { product_id: id, location_id: 'bench', qty_delta: 1000 * (opts.stock ?? 1 + (j % 50)), reason: 'receive', at: now };
        facts.push({
          ...row('stock_movement', storeId, m, 'ledger', JSON.stringify({ e: 'stock_movement', i: m, d: mv })),
          qty: mv.qty_delta,
        });
      }
      await write(mutable, facts);
      if (k > 0 && k % 20_000 === 0) log(`   storefront: ${k.toLocaleString('en')} products written…`);
      if (k % 20_000 === 0) await store.db.execute(sql`ANALYZE shop_products, shop_search_tokens, shop_stock`);
    }
    // A sales history for recommendations: baskets of 2–6, skewed towards a head of best-sellers,
    // one in three with one of n/20 customers; counted by the push's keepers as they are written.
    const sold = new Set<string>();
    const orders = opts.stock === undefined ? Math.floor(n / 5) : 0;
    for (let k = 0; k < orders; k += 500) {
      const facts: Omit<RecordRow, 'seq'>[] = [];
      for (let j = k; j < Math.min(orders, k + 500); j++) {
        const oid = uuidv7();
        const basket = new Set<string>();
        const size = 2 + Math.floor(rand() * 5);
        while (basket.size < size) basket.add(ids[Math.floor(rand() * rand() * ids.length)]!);
        for (const p of basket) sold.add(p);
        const customer = `00000000-0000-7000-8000-${String(j % Math.max(1, Math.floor(n / 20))).padStart(12, '0')}`;
        const d = { id: oid, customer_id: j % 3 === 0 ? customer : null, created_at: now - (orders - j) * 1000, source: null };
        const lines = [...basket].map((p, q) => ({ id: uuidv7(), order_id: oid, position: q, product_id: p, qty: 1000, total: 100 + q }));
        facts.push(row('order', storeId, oid, 'append-only', JSON.stringify({ e: 'order', i: oid, d, ch: { order_lines: lines } })));
      }
      await write([], facts);
    }
    if (orders > 0) log(`   storefront: ${orders.toLocaleString('en')} sales written for recommendations`);
    // The shop's projections are complete: its first visit has nothing to build.
    await store.db.execute(sql`INSERT INTO shop_projected_orgs (org_id, built_at) VALUES (${orgId}, ${now}) ON CONFLICT DO NOTHING`);
    await store.db.execute(sql`INSERT INTO shop_rec_built_orgs (org_id, built_at) VALUES (${orgId}, ${now}) ON CONFLICT DO NOTHING`);
    await store.db.execute(sql`ANALYZE`);
    log(`   storefront: ${n.toLocaleString('en')} listed products written in ${(msSince(t0) / 1000).toFixed(1)} s`);
    return { storeId, ids, sold: [...sold] };
  } finally {
    await store.close();
  }
}

/** A catalog an earlier run kept (complete: its recommendations were built last), or null. */
async function keptShop(databaseUrl: string, orgName: string, log: (m: string) => void) {
  const store = await openCloudStore({ databaseUrl });
  try {
    const [org] = await rowsOf<{ org_id: string; store_id: string }>(
      store.db,
      sql`SELECT o.id AS org_id, s.id AS store_id FROM orgs o JOIN stores s ON s.org_id = o.id
          WHERE o.name = ${orgName} AND EXISTS (SELECT 1 FROM shop_rec_built_orgs r WHERE r.org_id = o.id)
          ORDER BY o.id DESC LIMIT 1`,
    );
    if (!org) return null;
    const ids = await rowsOf<{ product_id: string }>(store.db, sql`SELECT product_id FROM shop_products WHERE org_id = ${org.org_id}`);
    const sold = await rowsOf<{ product_id: string }>(store.db, sql`SELECT product_id FROM shop_rec_products WHERE org_id = ${org.org_id}`);
    log(`   storefront: reusing the kept catalog of ${ids.length.toLocaleString('en')} products`);
    return { storeId: org.store_id, ids: ids.map((r) => r.product_id), sold: sold.map((r) => r.product_id) };
  } finally {
    await store.close();
  }
}

async function startShop(ctx: BenchContext, databaseUrl: string | null): Promise<ShopBench> {
  const key = `storefront:${databaseUrl ? 'pg' : 'pglite'}`;
  const kept = ctx.memo.get(key) as ShopBench | undefined;
  if (kept) return kept;
  const dir = mkdtempSync(join(tmpdir(), 'countertop-bench-shop-'));
  const n = catalogSize(ctx);
  // STOREFRONT_KEEP=1 (PostgreSQL only): the catalog stays in the database and the next run with
  // the same size reuses it (a 1,000,000-product catalog takes many minutes to write).
  const keep = databaseUrl && process.env.STOREFRONT_KEEP === '1' ? `Shop bench kept ${n}` : null;
  const { storeId, ids, sold } =
    (keep ? await keptShop(databaseUrl!, keep, ctx.log) : null) ??
    (await seedShop(dir, databaseUrl, n, ctx.log, { orgName: keep ?? undefined }));
  const cloud = await startCloud(dir, databaseUrl, { CLOUD_SERVER_TIMING: '1' });
  const shop: ShopBench = {
    base: `${cloud.url}/shop/${storeId}`,
    url: cloud.url,
    dir,
    productIds: ids,
    soldIds: sold,
    stop: async () => {
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  ctx.memo.set(key, shop);
  return shop;
}

interface Load {
  server: number[];
  wallMs: number;
  failures: number;
}

/**
 * The buyers' connections: kept alive, one per buyer and process. The buyers are node:http, not
 * fetch: on this 2-core machine the load runs beside the server and the database, and fetch's web
 * streams cost the load about as much CPU as the cloud process it measures (measured: 18.7 s of
 * CPU against the cloud's 17.3 s for one quick search run), which real buyers on their own
 * phones would not take from the shop.
 */
const buyerAgent = new Agent({ keepAlive: true, maxSockets: BUYERS });

/** One GET: its status and Server-Timing header, the body read and dropped. */
function get(url: string, lang: string): Promise<{ status: number; timing: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: buyerAgent, headers: { 'accept-language': lang } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, timing: String(res.headers['server-timing'] ?? '') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * `total` GETs, `BUYERS` at a time, each worker a buyer with its own connection; the server's time
 * per answer. With several origins (cloud processes on one database) request i goes to origin i mod n.
 */
async function load(
  paths: (i: number) => string,
  total: number,
  origin: string | string[],
  opts: { perSecond?: number } = {},
): Promise<Load> {
  const origins = Array.isArray(origin) ? origin : [origin];
  const server: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = process.hrtime.bigint();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: BUYERS }, async () => {
      for (let i = next++; i < total; i = next++) {
        // Paced: request i is due at i / perSecond; a buyer whose answer came late sends at once.
        if (opts.perSecond) {
          const wait = start + (i * 1000) / opts.perSecond - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const res = await get(`${origins[i % origins.length]}${paths(i)}`, i % 2 ? 'zh-CN' : 'en');
        if (res.status !== 200) failures++;
        const dur = /app;dur=([\d.]+)/.exec(res.timing);
        if (dur) server.push(Number(dur[1]));
      }
    }),
  );
  return { server, wallMs: msSince(t0), failures };
}

/** Queries as buyers type them: Latin words and prefixes, Chinese, pinyin initials, a SKU, nothing. */
export function searchQueries(): string[] {
  const q: string[] = [];
  for (let k = 0; k < 40; k++) {
    const latin = LATIN_PRODUCTS[(k * 7) % LATIN_PRODUCTS.length]!.toLowerCase();
    const zh = ZH_PRODUCTS[(k * 5) % ZH_PRODUCTS.length]!;
    q.push(
      latin.split(' ')[0]!,
      latin.slice(0, 3),
      zh[0],
      zh[0].slice(0, 1),
      initialsOf(zh[0]),
      `${LATIN_BRANDS[k % LATIN_BRANDS.length]!.toLowerCase()} ${latin}`,
      `sku-${k * 997}`,
      `zq${k}x`,
    );
  }
  return q.filter((s) => s.trim() !== '');
}

/** The pinyin initials a buyer types for a Chinese name (牛奶 → nn). */
function initialsOf(zh: string): string {
  return syllablesOf(zh)
    .map((w) => w[0] ?? '')
    .join('');
}

async function pageCase(ctx: BenchContext, databaseUrl: string | null, id: string, sold = false): Promise<BenchResult> {
  const shop = await startShop(ctx, databaseUrl);
  const total = ctx.quick ? 3000 : 10_000;
  const pick = rng(7);
  const pool = sold ? shop.soldIds : shop.productIds;
  const paths = Array.from({ length: total }, () => `${new URL(shop.base).pathname}/p/${pool[Math.floor(pick() * pool.length)]}`);
  await load((i) => paths[i % 200]!, 200, shop.url); // warm-up
  // The rate: 50 buyers, each asking again as soon as answered (as fast as the process serves).
  const flat = await load((i) => paths[(i * 7) % total]!, total, shop.url);
  const rate = (total / flat.wallMs) * 1000;
  // The latency: 50 buyers at once sending 300 pages a second between them, the rate the shop must hold.
  const run = await load((i) => paths[i]!, total, shop.url, { perSecond: PAGE_RATE_BUDGET });
  const base = await load(() => '/v1/health', total, shop.url, { perSecond: PAGE_RATE_BUDGET });
  if (run.failures + flat.failures > 0) throw new Error(`${id}: ${run.failures + flat.failures} product pages failed`);
  const s = summarize(run.server);
  const b = summarize(base.server);
  const f = summarize(flat.server);
  ctx.log(
    `   ${id}: ${Math.round(rate)} pages/s at most (budget ≥ ${PAGE_RATE_BUDGET}; server p50 ${f.p50.toFixed(1)} / p99 ${f.p99.toFixed(1)} ms then); ` +
      `at ${PAGE_RATE_BUDGET}/s p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} ms`,
  );
  if (rate < PAGE_RATE_BUDGET) ctx.log(`   ${id}: FAILED the rate budget (${Math.round(rate)} < ${PAGE_RATE_BUDGET} pages/s)`);
  return {
    id,
    unit: 'ms',
    n: s.n,
    p50: s.p50,
    p99: s.p99,
    rate,
    budget: PAGE_BUDGET_MS,
    minRate: PAGE_RATE_BUDGET,
    baseline: {
      name: `/v1/health, ${BUYERS} buyers at ${PAGE_RATE_BUDGET}/s, same run`,
      p50: b.p50,
      p99: b.p99,
      rate: (total / base.wallMs) * 1000,
    },
  };
}

async function searchCase(ctx: BenchContext, databaseUrl: string | null, id: string): Promise<BenchResult> {
  const shop = await startShop(ctx, databaseUrl);
  const total = ctx.quick ? 3000 : 10_000;
  const queries = searchQueries();
  const prefix = new URL(shop.base).pathname;
  const path = (i: number) => `${prefix}/search?q=${encodeURIComponent(queries[i % queries.length]!)}`;
  await load(path, 200, shop.url);
  const flat = await load(path, total, shop.url);
  const run = await load(path, total, shop.url, { perSecond: PAGE_RATE_BUDGET });
  const base = await load(() => '/v1/health', total, shop.url, { perSecond: PAGE_RATE_BUDGET });
  if (run.failures + flat.failures > 0) throw new Error(`${id}: ${run.failures + flat.failures} searches failed`);
  const s = summarize(run.server);
  const b = summarize(base.server);
  const f = summarize(flat.server);
  ctx.log(
    `   ${id}: ${Math.round((total / flat.wallMs) * 1000)} searches/s at most (server p50 ${f.p50.toFixed(1)} / p99 ${f.p99.toFixed(1)} ms then); ` +
      `at ${PAGE_RATE_BUDGET}/s p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} ms`,
  );
  try {
    return {
      id,
      unit: 'ms',
      n: s.n,
      p50: s.p50,
      p99: s.p99,
      rate: (total / run.wallMs) * 1000,
      budget: PAGE_BUDGET_MS,
      baseline: { name: `/v1/health, ${BUYERS} at once, same run`, p50: b.p50, p99: b.p99, rate: (total / base.wallMs) * 1000 },
    };
  } finally {
    // The search case runs last on its database: the cloud and its folder go.
    await shop.stop();
    ctx.memo.delete(`storefront:${databaseUrl ? 'pg' : 'pglite'}`);
  }
}

const PROCESSES = 3;

/**
 * storefront_three_processes_pg: three cloud processes on one PostgreSQL database serve the same
 * store; 50 buyers at once fetch product pages and searches (alternately), each request to the next
 * process. Shows the shop keeps nothing between requests in a process and scales out: the rate is
 * all three together, each buyer asking again as soon as answered; p50/p99 are the server's times
 * with the 50 buyers sending 300 requests a second between them. Budget: p99 ≤ 50 ms of server time.
 */
async function threeProcessCase(ctx: BenchContext, databaseUrl: string, id: string): Promise<BenchResult> {
  const shop = await startShop(ctx, databaseUrl);
  const extra = [
    await startCloud(shop.dir, databaseUrl, { CLOUD_SERVER_TIMING: '1' }),
    await startCloud(shop.dir, databaseUrl, { CLOUD_SERVER_TIMING: '1' }),
  ];
  try {
    const origins = [shop.url, ...extra.map((c) => c.url)];
    const total = ctx.quick ? 3000 : 10_000;
    const pick = rng(11);
    const prefix = new URL(shop.base).pathname;
    const queries = searchQueries();
    const paths = Array.from({ length: total }, (_, i) =>
      i % 2 === 0
        ? `${prefix}/p/${shop.productIds[Math.floor(pick() * shop.productIds.length)]}`
        : `${prefix}/search?q=${encodeURIComponent(queries[i % queries.length]!)}`,
    );
    await load((i) => paths[i % 300]!, 300, origins);
    const flat = await load((i) => paths[(i * 7) % total]!, total, origins);
    const run = await load((i) => paths[i]!, total, origins, { perSecond: PAGE_RATE_BUDGET });
    const base = await load(() => '/v1/health', total, origins, { perSecond: PAGE_RATE_BUDGET });
    if (run.failures + flat.failures > 0) throw new Error(`${id}: ${run.failures + flat.failures} pages failed`);
    const s = summarize(run.server);
    const b = summarize(base.server);
    const f = summarize(flat.server);
    const rate = (total / flat.wallMs) * 1000;
    ctx.log(
      `   ${id}: ${Math.round(rate)} pages/s at most from ${PROCESSES} processes on one database (server p50 ${f.p50.toFixed(1)} / p99 ${f.p99.toFixed(1)} ms then); ` +
        `at ${PAGE_RATE_BUDGET}/s p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} ms`,
    );
    return {
      id,
      unit: 'ms',
      n: s.n,
      p50: s.p50,
      p99: s.p99,
      rate,
      budget: PAGE_BUDGET_MS,
      baseline: {
        name: `/v1/health on the same ${PROCESSES} processes at ${PAGE_RATE_BUDGET}/s, same run`,
        p50: b.p50,
        p99: b.p99,
        rate: (total / base.wallMs) * 1000,
      },
    };
  } finally {
    await Promise.all(extra.map((c) => c.stop()));
  }
}

/** Cookies of one buyer (name → value): every answer's Set-Cookie kept, sent back on the next request. */
class Jar {
  private readonly kept = new Map<string, string>();
  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      this.kept.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  get(name: string): string {
    return this.kept.get(name) ?? '';
  }
  header(): string {
    return [...this.kept].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const LAST_UNITS = 10;
const RACERS = 1000;

/**
 * storefront_last_units: 1,000 buyers race through the shop for the last 10 units of a product:
 * each opens the product page, adds one to the cart, checks out (pick-up) — and sends the same
 * checkout again, as a retried request would — then pays on the fake Alipay's cashier, whose
 * signed notice reaches the cloud. Passes when exactly 10 orders are paid, no more units are sold
 * than there were, and no buyer got two orders. The figure is the whole race's time.
 */
async function lastUnitsCase(ctx: BenchContext, databaseUrl: string | null, id: string, processes = 1): Promise<BenchResult> {
  const { startFakeAlipay } = await import('../../src/main/payments/fakes/alipay');
  const dir = mkdtempSync(join(tmpdir(), 'countertop-bench-race-'));
  const alipay = await startFakeAlipay();
  let clouds: Awaited<ReturnType<typeof startCloud>>[] = [];
  const stopAll = async () => {
    await Promise.all(clouds.map((c) => c.stop()));
    clouds = [];
  };
  try {
    const { storeId, ids } = await seedShop(dir, databaseUrl, 1, ctx.log, { stock: LAST_UNITS });
    const productId = ids[0]!;
    const paymentsFile = join(dir, 'payments.json');
    writeFileSync(
      paymentsFile,
      JSON.stringify({
        [storeId]: {
          alipay: {
            mode: 'training',
            baseUrl: alipay.url,
            appId: alipay.appId,
            keyMode: 'publicKey',
            privateKey: alipay.merchantPrivateKey,
            alipayPublicKey: alipay.alipayPublicKey,
          },
        },
      }),
      { mode: 0o600 },
    );
    const env = { SHOP_SECRET: 'bench-shop-secret-0123456789abcdef-0123', SHOP_PAYMENTS_FILE: paymentsFile };
    // Several processes on one database: each step of a buyer's journey goes to the next process,
    // so nothing a buyer needs may live in one process's memory.
    for (let k = 0; k < processes; k++) clouds.push(await startCloud(dir, databaseUrl, env));
    let turn = 0;
    const origin = () => clouds[turn++ % clouds.length]!.url;
    const outcome = { paid: 0, short: 0, other: 0, retriedDiffers: 0 };
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: BUYERS }, async () => {
        for (let i = next++; i < RACERS; i = next++) {
          const jar = new Jar();
          const go = async (url: string, init: RequestInit = {}) => {
            const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
            jar.keep(res);
            return res;
          };
          const post = (path: string, fields: Record<string, string>) => {
            const at = origin();
            return go(`${at}/shop/${storeId}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', origin: at },
              body: new URLSearchParams({ _csrf: jar.get('shop_csrf'), ...fields }).toString(),
            });
          };
          await (await go(`${origin()}/shop/${storeId}/p/${productId}`)).arrayBuffer();
          await (await post(`/cart/add`, { productId, qty: '1' })).arrayBuffer();
          const form = {
            name: `Buyer ${i}`,
            phone: `138${String(i).padStart(8, '0')}`,
            email: '',
            method: 'pickup',
            idem: `race-${i}-${'x'.repeat(12)}`,
            note: '',
          };
          const first = await post(`/checkout`, form);
          await first.arrayBuffer();
          const cashier = first.headers.get('location');
          if (first.status === 409) {
            outcome.short++;
            continue;
          }
          if (first.status !== 303 || !cashier?.startsWith(alipay.url)) {
            outcome.other++;
            continue;
          }
          // The same submit again (a retried request): the same order's cashier, never a second order.
          const again = await post(`/checkout`, form);
          await again.arrayBuffer();
          if (
            new URL(again.headers.get('location') ?? '', alipay.url).searchParams.get('biz_content') !==
            new URL(cashier).searchParams.get('biz_content')
          )
            outcome.retriedDiffers++;
          const page = await (await fetch(cashier)).text();
          const trade = /name="out_trade_no" value="([^"]+)"/.exec(page)?.[1];
          if (!trade) {
            outcome.other++;
            continue;
          }
          const paid = await fetch(`${alipay.url}/cashier/pay`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ out_trade_no: trade }).toString(),
          });
          await paid.arrayBuffer();
          outcome.paid++;
        }
      }),
    );
    const ms = msSince(t0);
    await stopAll();
    // What the database holds: paid orders and the units they took.
    const store = await openCloudStore(databaseUrl ? { databaseUrl } : { dataDir: dir });
    const [row] = await rowsOf<{ orders: string | number; units: string | number | null; buyers: string | number }>(
      store.db,
      sql`SELECT count(DISTINCT o.id) AS orders, sum(l.qty) AS units, count(DISTINCT o.contact_phone) AS buyers
          FROM shop_orders o JOIN shop_order_lines l ON l.order_id = o.id
          WHERE o.store_id = ${storeId} AND o.state = 'paid'`,
    );
    await store.close();
    const orders = Number(row?.orders ?? 0);
    const units = Number(row?.units ?? 0) / 1000;
    const buyers = Number(row?.buyers ?? 0);
    const pass = orders === LAST_UNITS && units === LAST_UNITS && buyers === orders && outcome.retriedDiffers === 0 && outcome.other === 0;
    ctx.log(
      `   ${id}: ${pass ? 'PASS' : 'FAIL'} in ${(ms / 1000).toFixed(1)} s on ${processes} cloud process(es): ${orders} paid orders for ${units} units (of ${LAST_UNITS}), ` +
        `${outcome.paid} buyers reached the cashier, ${outcome.short} told the units were gone, ${outcome.other} other answers, ` +
        `${outcome.retriedDiffers} retried submits answered differently`,
    );
    if (!pass) throw new Error(`${id}: the race oversold, undersold or doubled an order (see the log)`);
    return {
      id,
      unit: 'ms',
      n: RACERS,
      p50: ms,
      p99: ms,
      budget: 120_000,
      baseline: { name: 'none (pass/fail; the figure is the whole race)', p50: ms, p99: ms },
    };
  } finally {
    await stopAll();
    await alipay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const STOREFRONT_CASES: BenchCase[] = [
  {
    id: 'storefront_product_page',
    title: `Shop product pages, ${BUYERS} buyers at once over HTTP, one cloud process on PGlite (server time per page)`,
    budget: PAGE_BUDGET_MS,
    run: (ctx) => pageCase(ctx, null, 'storefront_product_page'),
  },
  {
    id: 'storefront_recommend',
    title: `Shop product pages of products with sales (bought together, customers also bought), ${BUYERS} buyers at once, on PGlite`,
    budget: PAGE_BUDGET_MS,
    run: (ctx) => pageCase(ctx, null, 'storefront_recommend', true),
  },
  {
    id: 'storefront_search',
    title: `Shop search, ${BUYERS} buyers at once, Latin / 中文 / pinyin initials, on PGlite (server time per search)`,
    budget: PAGE_BUDGET_MS,
    run: (ctx) => searchCase(ctx, null, 'storefront_search'),
  },
  {
    id: 'storefront_last_units',
    title: `${RACERS} buyers race through checkout and Alipay for the last ${LAST_UNITS} units, on PGlite (pass/fail; the whole race's time)`,
    budget: 120_000,
    run: (ctx) => lastUnitsCase(ctx, null, 'storefront_last_units'),
  },
  ...(DATABASE_URL
    ? [
        {
          id: 'storefront_product_page_pg',
          title: `Shop product pages, ${BUYERS} buyers at once, on PostgreSQL`,
          budget: PAGE_BUDGET_MS,
          run: (ctx: BenchContext) => pageCase(ctx, DATABASE_URL, 'storefront_product_page_pg'),
        },
        {
          id: 'storefront_three_processes_pg',
          title: `Shop pages and searches, ${BUYERS} buyers at once, ${PROCESSES} cloud processes on one PostgreSQL database`,
          budget: PAGE_BUDGET_MS,
          run: (ctx: BenchContext) => threeProcessCase(ctx, DATABASE_URL, 'storefront_three_processes_pg'),
        },
        {
          id: 'storefront_recommend_pg',
          title: `Shop product pages of products with sales, ${BUYERS} buyers at once, on PostgreSQL`,
          budget: PAGE_BUDGET_MS,
          run: (ctx: BenchContext) => pageCase(ctx, DATABASE_URL, 'storefront_recommend_pg', true),
        },
        {
          id: 'storefront_search_pg',
          title: `Shop search, ${BUYERS} buyers at once, on PostgreSQL`,
          budget: PAGE_BUDGET_MS,
          run: (ctx: BenchContext) => searchCase(ctx, DATABASE_URL, 'storefront_search_pg'),
        },
        {
          id: 'storefront_last_units_pg',
          title: `${RACERS} buyers race for the last ${LAST_UNITS} units, on PostgreSQL`,
          budget: 120_000,
          run: (ctx: BenchContext) => lastUnitsCase(ctx, DATABASE_URL, 'storefront_last_units_pg'),
        },
        {
          id: 'storefront_last_units_pg_x3',
          title: `${RACERS} buyers race for the last ${LAST_UNITS} units through ${PROCESSES} cloud processes on one PostgreSQL database`,
          budget: 120_000,
          run: (ctx: BenchContext) => lastUnitsCase(ctx, DATABASE_URL, 'storefront_last_units_pg_x3', PROCESSES),
        },
      ]
    : []),
];
