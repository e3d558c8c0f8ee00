/**
 * Cloud sync. The cloud runs as its own process (`src/cloud/cli.ts`, as `npm run cloud`
 * starts it) on PGlite in a temporary folder, and again on PostgreSQL when DATABASE_URL is set
 * (ids suffixed `_pg`). Terminals are real on-disk stores in this process, talking HTTP.
 *
 * - sync_push: row changes pushed into the cloud (half new products with barcodes — per-field
 *   merge and unique checks — half stock movements), 1,000 per request, through the engine's push
 *   loop: read from the outbox, sent, applied in one transaction, acknowledged (the next batch is
 *   read while the cloud applies one). p50/p99 are ms per 1,000 changes; `rate` is changes per
 *   second over the whole run, the budget: at least 10,000/s. Baseline: the same
 *   number of rows bulk-inserted straight into a table of the same engine (no HTTP, no merge).
 * - sync_initial_pull_100k: a new terminal joins with a one-time code and pulls a 100,000-product
 *   catalog (names in Latin and Chinese, barcodes) until it is set up: found by barcode, SKU and
 *   name. Its name index is then written in the background; the log shows when it is complete.
 *   Budget: p50 ≤ 3,000 ms. Baseline: the same 100,000 products and their barcodes inserted with
 *   raw better-sqlite3 statements into a fresh store (and, logged, then their search entries).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createApp, type App } from '../../src/main/app';
import { inTransaction } from '../../src/main/db/open';
import { captureRecords, writeInBulk } from '../../src/main/db/write-path';
import { MIGRATIONS_DIR, REPO_ROOT, RESOURCES_DIR } from '../../src/main/host/paths';
import { recordMovement, defaultLocationId } from '../../src/main/inventory/ledger';
import { searchDoc } from '../../src/main/catalog/search-text';
import { searchBacklog } from '../../src/main/catalog/search-backlog';
import { hashPin } from '../../src/main/staff/pin';
import { readBatch } from '../../src/main/sync/push';
import { pushOutbox } from '../../src/main/sync/push-loop';
import { cloudLink, deviceToken } from '../../src/main/sync/state';
import { CloudClient, httpTransport } from '../../src/main/sync/transport';
import { openCloudStore } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { createEnrolmentCode, createOrg } from '../../src/cloud/tenancy';
import { mutableBody, reserveSeqs, upsertRecords, type RecordRow } from '../../src/cloud/records';
import { uniqueValues } from '../../src/cloud/push';
import { syncEntity } from '../../src/shared/sync/entities';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { ADMIN, BENCH_PIN_PARAMS, call, type BenchContext, type BenchResult } from '../context';
import { generateProduct } from '../seed';
import { msSince, rng, summarize } from '../stats';
import type { BenchCase } from './types';

const DATABASE_URL = process.env.DATABASE_URL || null;
const PUSH_BATCH = 1000;

interface CloudProcess {
  url: string;
  stop(): Promise<void>;
}

/** `npm run cloud` as a child process; PostgreSQL when `databaseUrl`, else PGlite in `dataDir`. */
/** The bench cloud's sign-up secret (sign-up is closed on a cloud without one). */
export const BENCH_SIGNUP_SECRET = 'bench-signup-secret';

export function startCloud(dataDir: string, databaseUrl: string | null, extraEnv: Record<string, string> = {}): Promise<CloudProcess> {
  const env = { ...process.env, ...extraEnv };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  env.CLOUD_SIGNUP_SECRET = BENCH_SIGNUP_SECRET;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // Extra Node flags for the cloud process, e.g. CLOUD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p".
      ...(process.env.CLOUD_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'src/cloud/cli.ts',
      '--data',
      dataDir,
      '--port',
      '0',
    ],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the cloud did not start:\n${out}`)), 180_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cloud exited with ${code}:\n${out}`));
    });
  });
}

export function terminalApp(dataDir: string): App {
  return createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    pinParams: BENCH_PIN_PARAMS,
    automaticBackups: false,
    sync: { autoStart: false, pushBatch: PUSH_BATCH },
  });
}

async function setupTerminal(app: App, session: string): Promise<void> {
  await call(
    app,
    'setup.run',
    {
      storeName: 'Sync Bench',
      currency: 'USD',
      priceMode: 'inclusive',
      timezone: 'Europe/London',
      language: 'en',
      taxRates: [
        { name: 'Standard', rateBp: 2000, isDefault: true },
        { name: 'Reduced', rateBp: 500, isDefault: false },
      ],
      admin: ADMIN,
      demoData: false,
    },
    session,
  );
  const staff = await call(app, 'staff.list', {}, session);
  await call(app, 'staff.signIn', { staffId: staff[0]!.id, pin: ADMIN.pin }, session);
}

/** Raw bulk insert of `n` rows into a records-like table of the same engine: the database's own pace. */
async function rawInsertBaseline(databaseUrl: string | null, n: number): Promise<{ samples: number[]; totalMs: number }> {
  const rows = Array.from({ length: n }, (_, k) => ({
    id: uuidv7(),
    body: JSON.stringify({ e: 'product', i: k, d: { sku: `RAW-${k}`, name: `Raw ${k}`, price: k } }),
    seq: k,
  }));
  const ddl = `CREATE TEMP TABLE bench_records (org_id uuid, entity text, entity_id text, body text, seq bigint, PRIMARY KEY (org_id, entity, entity_id))`;
  const ins = `INSERT INTO bench_records SELECT '00000000-0000-7000-8000-000000000000', 'product', x.id, x.body, x.seq
               FROM jsonb_to_recordset($1::jsonb) AS x(id text, body text, seq bigint) ON CONFLICT DO NOTHING`;
  const samples: number[] = [];
  const t0 = process.hrtime.bigint();
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(ddl);
      for (let i = 0; i < n; i += PUSH_BATCH) {
        const t = process.hrtime.bigint();
        await client.query('BEGIN');
        await client.query(ins, [JSON.stringify(rows.slice(i, i + PUSH_BATCH))]);
        await client.query('COMMIT');
        samples.push(msSince(t));
      }
    } finally {
      await client.end();
    }
  } else {
    const db = new PGlite();
    await db.waitReady;
    try {
      await db.exec(ddl);
      for (let i = 0; i < n; i += PUSH_BATCH) {
        const t = process.hrtime.bigint();
        await db.transaction(async (tx) => {
          await tx.query(ins, [JSON.stringify(rows.slice(i, i + PUSH_BATCH))]);
        });
        samples.push(msSince(t));
      }
    } finally {
      await db.close();
    }
  }
  return { samples, totalMs: msSince(t0) };
}

async function pushRun(ctx: BenchContext, databaseUrl: string | null): Promise<BenchResult> {
  const id = databaseUrl ? 'sync_push_pg' : 'sync_push';
  const total = ctx.quick ? 6000 : 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-push-'));
  const cloud = await startCloud(join(dir, 'cloud'), databaseUrl);
  const app = terminalApp(join(dir, 'terminal'));
  try {
    await setupTerminal(app, 'admin');
    await call(
      app,
      'sync.createOrg',
      { serverUrl: cloud.url, orgName: `Push bench ${Date.now()}`, signupSecret: BENCH_SIGNUP_SECRET },
      'admin',
    );
    const { sqlite } = app.deps;
    // The changes: new products (with a barcode) and stock movements, as the domain writes them.
    const products = total / 2;
    const rand = rng(606);
    const taxRate = sqlite.prepare('SELECT id FROM tax_rates LIMIT 1').pluck().get() as string;
    const ids: string[] = [];
    inTransaction(sqlite, () => {
      const insP = sqlite.prepare(
        `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc)
         VALUES (?, ?, ?, NULL, NULL, 'each', ?, ?, ?, NULL, 0, ?, ?, ?)`,
      );
      const insB = sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
      // As a bulk writer does: one entry per product, through the write path.
      writeInBulk(app.deps, 'product', () => {
        for (let k = 0; k < products; k++) {
          const pid = app.deps.ids();
          const now = app.deps.clock();
          const stamp = app.deps.hlc.now();
          insP.run(pid, `PUSH-${k}`, `Push item ${k}`, 100 + Math.floor(rand() * 900), 50, taxRate, now, now, stamp);
          insB.run(`29${String(k).padStart(11, '0')}`, pid);
          captureRecords(app.deps, 'product', [pid]);
          ids.push(pid);
        }
      });
      const loc = defaultLocationId(app.deps);
      for (let k = 0; k < total - products; k++)
        recordMovement(app.deps, { productId: ids[k % ids.length]!, locationId: loc, qtyDelta: 1000 * (1 + (k % 5)), kind: 'receipt' });
    });
    const link = cloudLink(sqlite)!;
    const client = new CloudClient(httpTransport(), link.serverUrl, deviceToken(app.deps.secrets, link)!);
    const samples: number[] = [];
    let sent = 0;
    const t0 = process.hrtime.bigint();
    // The engine's own push loop (read ahead while the cloud applies a batch); a sample is the
    // time from one answer to the next, per 1,000 changes.
    let last = t0;
    await pushOutbox(app.deps, client, link.deviceId, {
      batchSize: PUSH_BATCH,
      maxBatches: 10_000,
      onAnswer(res, batch) {
        if (res.rejected.length) throw new Error(`the cloud refused ${res.rejected.length} changes: ${JSON.stringify(res.rejected[0])}`);
        const now = process.hrtime.bigint();
        samples.push((Number(now - last) / 1e6) * (1000 / batch.mutations.length));
        last = now;
        sent += batch.mutations.length;
      },
    });
    if (readBatch(app.deps, 1)) throw new Error('the outbox is not empty after the push');
    const totalMs = msSince(t0);
    const s = summarize(samples);
    const rate = (sent / totalMs) * 1000;
    ctx.log(
      `   ${id}: ${sent.toLocaleString('en')} changes in ${(totalMs / 1000).toFixed(2)} s = ${Math.round(rate).toLocaleString('en')}/s`,
    );
    const base = await rawInsertBaseline(databaseUrl, sent);
    const bs = summarize(base.samples);
    return {
      id,
      unit: 'ms',
      n: sent,
      p50: s.p50,
      p99: s.p99,
      rate,
      budget: 10_000,
      budgetOn: 'rate',
      baseline: {
        name: `raw bulk INSERT (${databaseUrl ? 'PostgreSQL' : 'PGlite'}), 1,000 rows per statement`,
        p50: bs.p50,
        p99: bs.p99,
        rate: (sent / base.totalMs) * 1000,
      },
    };
  } finally {
    app.close();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 100,000-product organisation written straight into the cloud's database, plus one code per run. */
export async function seedCloudCatalog(opts: {
  dataDir: string;
  databaseUrl: string | null;
  products: number;
  codes: number;
}): Promise<string[]> {
  const store = await openCloudStore(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: opts.dataDir });
  try {
    const deps = cloudDeps(store.db);
    const org = await createOrg(deps, {
      orgName: `Pull bench ${Date.now()}`,
      storeName: 'Pull Bench',
      terminalName: 'Till 1',
      terminalCode: 'T1',
    });
    const stamp = formatHlc(Date.now() - 60_000, 0, 'T1');
    const mutable = (entity: string, storeId: string, entityId: string, d: Record<string, unknown>): Omit<RecordRow, 'seq'> => ({
      entity,
      storeId,
      entityId,
      kind: 'mutable',
      body: mutableBody(entity, entityId, { d, c: Object.fromEntries(Object.keys(d).map((k) => [k, stamp])) }),
      uniq: syncEntity(entity)?.unique ? uniqueValues(syncEntity(entity)!, d) : null,
      refId: null,
      qty: null,
      amount: null,
      at: null,
    });
    const now = Date.now();
    const std = uuidv7();
    const red = uuidv7();
    const adminId = uuidv7();
    const head: Omit<RecordRow, 'seq'>[] = [
      mutable('tax_rate', '', std, { name: 'Standard', rate_bp: 2000, is_default: true, archived: false }),
      mutable('tax_rate', '', red, { name: 'Reduced', rate_bp: 500, is_default: false, archived: false }),
      mutable('staff', '', adminId, {
        name: ADMIN.name,
        role: 'admin',
        pin_hash: await hashPin(ADMIN.pin, BENCH_PIN_PARAMS),
        active: true,
        created_at: now,
      }),
      mutable('stock_location', org.store.id, uuidv7(), { name: 'Shop floor', is_default: true }),
    ];
    for (const [k, v] of Object.entries({
      storeName: 'Pull Bench',
      currency: 'USD',
      priceMode: 'inclusive',
      timezone: 'Europe/London',
      language: 'en',
    }))
      head.push(mutable('setting', org.store.id, k, { value: v, _deleted: false }));
    const categories = Array.from({ length: 12 }, (_, k) => ({ id: uuidv7(), name: `Category ${k}` }));
    for (const c of categories) head.push(mutable('category', '', c.id, { name: c.name, alt_name: null }));
    const rand = rng(20261122);
    const plu = { next: 1 };
    const write = async (rows: Omit<RecordRow, 'seq'>[]) => {
      const first = await reserveSeqs(store.db, org.org.id, rows.length);
      await upsertRecords(
        store.db,
        org.org.id,
        org.device.id,
        now,
        rows.map((r, k) => ({ ...r, seq: first + k })),
      );
    };
    await write(head);
    const CHUNK = 5000;
    for (let i = 0; i < opts.products; i += CHUNK) {
      const rows: Omit<RecordRow, 'seq'>[] = [];
      for (let k = i; k < Math.min(opts.products, i + CHUNK); k++) {
        const p = generateProduct(k, rand, 0.3, plu);
        rows.push(
          mutable('product', '', uuidv7(), {
            sku: p.sku,
            name: p.name,
            alt_name: p.altName,
            category_id: categories[p.category % categories.length]!.id,
            unit: p.unit,
            price: p.price,
            cost: p.cost,
            tax_rate_id: k % 7 === 0 ? red : std,
            plu: p.plu,
            archived: false,
            created_at: now,
            updated_at: now,
            barcodes: p.barcodes,
          }),
        );
      }
      await write(rows);
    }
    const device = { id: org.device.id, orgId: org.org.id, storeId: org.store.id, terminalCode: 'T1', name: 'Till 1' };
    const staff = { id: adminId, name: ADMIN.name, role: 'admin' as const };
    const codes: string[] = [];
    for (let k = 0; k < opts.codes; k++) codes.push((await createEnrolmentCode(deps, device, staff, { storeId: org.store.id })).code);
    return codes;
  } finally {
    await store.close();
  }
}

/**
 * The floor of the local work: the same products (with categories) and barcodes inserted with raw
 * statements into a fresh store, 20,000 a transaction; then, as its own figure, their search
 * entries (which a joining terminal writes after it is set up).
 */
function rawApplyBaseline(dir: string, products: number): { rowsMs: number; withIndexMs: number } {
  const app = terminalApp(dir);
  try {
    const { sqlite } = app.deps;
    const rand = rng(20261122);
    const plu = { next: 1 };
    const list = Array.from({ length: products }, (_, k) => generateProduct(k, rand, 0.3, plu));
    const t0 = process.hrtime.bigint();
    const insP = sqlite.prepare(
      `INSERT INTO products (id, sku, name, alt_name, category_id, unit, price, cost, tax_rate_id, plu, archived, created_at, updated_at, hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'x', ?, 0, 0, 0, 'h')`,
    );
    const insB = sqlite.prepare('INSERT INTO barcodes (code, product_id) VALUES (?, ?)');
    const insF = sqlite.prepare('INSERT INTO products_fts (rowid, text, py) VALUES (?, ?, ?)');
    sqlite.pragma('foreign_keys = OFF');
    const rowids: (number | bigint)[] = [];
    for (let i = 0; i < products; i += 20_000)
      inTransaction(sqlite, () => {
        for (let k = i; k < Math.min(products, i + 20_000); k++) {
          const p = list[k]!;
          const id = uuidv7();
          rowids.push(insP.run(id, p.sku, p.name, p.altName, `c${p.category % 12}`, p.unit, p.price, p.cost, p.plu).lastInsertRowid);
          for (const code of p.barcodes) insB.run(code, id);
        }
      });
    const rowsMs = msSince(t0);
    for (let i = 0; i < products; i += 20_000)
      inTransaction(sqlite, () => {
        for (let k = i; k < Math.min(products, i + 20_000); k++) {
          const doc = searchDoc(list[k]!);
          insF.run(rowids[k]!, doc.text, doc.py);
        }
      });
    return { rowsMs, withIndexMs: msSince(t0) };
  } finally {
    app.close();
  }
}

async function pullRun(ctx: BenchContext, databaseUrl: string | null): Promise<BenchResult> {
  const id = databaseUrl ? 'sync_initial_pull_100k_pg' : 'sync_initial_pull_100k';
  const products = 100_000;
  const runs = ctx.quick ? 2 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-pull-'));
  try {
    ctx.log(`   ${id}: seeding ${products.toLocaleString('en')} products into the cloud (${databaseUrl ? 'PostgreSQL' : 'PGlite'})…`);
    const codes = await seedCloudCatalog({ dataDir: join(dir, 'cloud'), databaseUrl, products, codes: runs });
    const cloud = await startCloud(join(dir, 'cloud'), databaseUrl);
    const samples: number[] = [];
    try {
      for (let r = 0; r < runs; r++) {
        const app = terminalApp(join(dir, `terminal-${r}`));
        try {
          const t0 = process.hrtime.bigint();
          const status = await call(app, 'sync.join', { serverUrl: cloud.url, code: codes[r]! }, 'joiner');
          const ms = msSince(t0);
          const n = app.deps.sqlite.prepare('SELECT COUNT(*) FROM products').pluck().get() as number;
          if (status.joining || n !== products)
            throw new Error(`run ${r}: joined=${!status.joining}, ${n} products, ${JSON.stringify(status.lastError)}`);
          // Set up and selling; the name index is still being written in the background. A name
          // search meanwhile scans the waiting names; the time until the index is complete is shown.
          const name = app.deps.sqlite.prepare('SELECT name FROM products ORDER BY rowid LIMIT 1 OFFSET 50000').pluck().get() as string;
          const staff = await call(app, 'staff.list', {}, 'joiner');
          await call(app, 'staff.signIn', { staffId: staff.find((x) => x.name === ADMIN.name)!.id, pin: ADMIN.pin }, 'joiner');
          const tSearch = process.hrtime.bigint();
          const hits = await call(app, 'catalog.search', { q: name }, 'joiner');
          const searchMs = msSince(tSearch);
          if (!hits.some((h) => h.name === name)) throw new Error(`run ${r}: a name search right after joining did not find "${name}"`);
          while (searchBacklog(app.deps.sqlite)) await new Promise((done) => setImmediate(done));
          const indexedMs = msSince(t0);
          samples.push(ms);
          ctx.log(
            `   ${id} run ${r + 1}: ${Math.round(ms)} ms to set up; a name search meanwhile ${searchMs.toFixed(1)} ms; name index complete at ${Math.round(indexedMs)} ms`,
          );
        } finally {
          app.close();
        }
      }
    } finally {
      await cloud.stop();
    }
    const base = rawApplyBaseline(join(dir, 'baseline'), products);
    ctx.log(
      `   ${id} baseline: raw insert of the products and barcodes ${Math.round(base.rowsMs)} ms; with their search entries ${Math.round(base.withIndexMs)} ms`,
    );
    const s = summarize(samples);
    return {
      id,
      unit: 'ms',
      n: samples.length,
      p50: s.p50,
      p99: s.p99,
      budget: 3000,
      budgetOn: 'p50',
      baseline: { name: 'raw better-sqlite3 insert of the same products and barcodes', p50: base.rowsMs, p99: base.rowsMs },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const syncPush: BenchCase = {
  id: 'sync_push',
  title: 'row changes pushed into the cloud (ms per 1,000; rate = changes/s, at least 10,000; PGlite, and PostgreSQL as sync_push_pg)',
  budget: 10_000,
  async run(ctx) {
    const out = [await pushRun(ctx, null)];
    if (DATABASE_URL) out.push(await pushRun(ctx, DATABASE_URL));
    else ctx.log('   sync_push_pg skipped: DATABASE_URL is not set');
    return out;
  },
};

export const syncInitialPull: BenchCase = {
  id: 'sync_initial_pull_100k',
  title: 'a new terminal joins and pulls a 100,000-product catalog (p50 ≤ 3,000 ms; PGlite, and PostgreSQL as _pg)',
  budget: 3000,
  async run(ctx) {
    const out = [await pullRun(ctx, null)];
    if (DATABASE_URL) out.push(await pullRun(ctx, DATABASE_URL));
    else ctx.log('   sync_initial_pull_100k_pg skipped: DATABASE_URL is not set');
    return out;
  },
};

export const SYNC_CASES: BenchCase[] = [syncPush, syncInitialPull];
