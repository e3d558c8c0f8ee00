/** The shared state every bench case gets: one on-disk store, signed-in sessions, sampling helpers. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../src/main/host/paths';
import { createAlipayGateway, type AlipayKeyMode } from '../src/main/payments/alipay';
import type { ProviderGatewayConfig } from '../src/main/payments/config';
import type { PaymentGateway, ProviderId } from '../src/main/payments/gateway';
import type { Channel, InputOf, OutputOf } from '../src/shared/api';
import { rng } from './stats';

/** Cheap scrypt for the bench: the cost of PIN hashing is not what we measure. */
export const BENCH_PIN_PARAMS = { N: 1024, r: 8, p: 1 };
export const ADMIN = { name: 'Bench Admin', pin: '1234' };
export const CLERK = { name: 'Bench Clerk', pin: '5678' };
export const ADMIN_SESSION = 'bench-admin';
export const CLERK_SESSION = 'bench-clerk';
const META_FILE = 'bench-meta.json';

export interface BenchMeta {
  products: number;
  seed: number;
  adminId: string;
  clerkId: string;
  /** Past orders seeded (absent in stores kept from before they were seeded). */
  orders?: number;
  /** The growth recipe (grow.ts) this store was grown by; absent: as seeded. */
  grown?: number;
}

export interface BenchResult {
  id: string;
  /** Latencies in ms; memory in MB (p50/p99/budget/baseline in that unit). */
  unit: 'ms' | 'MB';
  n: number;
  p50: number;
  p99: number;
  rate?: number;
  budget: number;
  /** Which figure the budget bounds: at most, for p99 (the default) and p50; at least, for `rate`. */
  budgetOn?: 'p50' | 'p99' | 'rate';
  /** A second budget some cases have beside their latency: at least this `rate` as well. */
  minRate?: number;
  baseline: { name: string; p50: number; p99: number; rate?: number };
}

export interface BenchContext {
  app: App;
  dataDir: string;
  meta: BenchMeta;
  quick: boolean;
  log(msg: string): void;
  /** Per-case scratch shared between cases (e.g. the search query set). */
  memo: Map<string, unknown>;
  /** Random rows of a table by rowid (uniform over the seeded range), deterministic per seed. */
  sampleColumn(table: 'barcodes' | 'products', column: string, count: number, seed: number): string[];
  /** Signs the clerk in again (a case may start after a long idle gap, e.g. an index build). */
  signInClerk(): Promise<void>;
}

/** Training fakes a case has started (provider → URL): the bench store's training mode talks to them. */
export const BENCH_TRAINING = new Map<ProviderId, string>();

/**
 * Alipay from its stored settings, as a shop configures it. The bench store sells in USD (its seeded
 * history is in USD) and Alipay's face-to-face payment takes CNY only, so the amount is sent as
 * yuan: the bench measures the path, not the currency.
 */
function benchAlipay(cfg: ProviderGatewayConfig): PaymentGateway {
  const gw = createAlipayGateway({
    mode: cfg.mode,
    ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}),
    timeoutMs: cfg.timeoutMs,
    appId: cfg.fields['appId'] ?? '',
    keyMode: (cfg.fields['keyMode'] ?? 'publicKey') as AlipayKeyMode,
    privateKey: cfg.secrets['privateKey'] ?? '',
    ...(cfg.secrets['alipayPublicKey'] ? { alipayPublicKey: cfg.secrets['alipayPublicKey'] } : {}),
  });
  return { ...gw, pay: (req) => gw.pay({ ...req, currency: 'CNY' }) };
}

export function createBenchApp(dataDir: string): App {
  // No automatic backups: a copy of a 1M-product store in the middle of a case would be measured too.
  // Nor the background integrity check a till runs a minute after it opens (then daily): over a
  // 10 GB store it reads for minutes, a step at a time between calls, and would be in every tail.
  return createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    pinParams: BENCH_PIN_PARAMS,
    automaticBackups: false,
    backgroundCheck: false,
    gateways: { alipay: benchAlipay },
    trainingUrl: (provider) => BENCH_TRAINING.get(provider) ?? null,
  });
}

/** Calls the router and unwraps the value; any error envelope fails the bench loudly. */
export async function call<K extends Channel>(app: App, channel: K, input: InputOf<K>, session: string): Promise<OutputOf<K>> {
  const res = await app.router.call(channel, input, session);
  if (!res.ok) throw new Error(`${channel} failed: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.details ?? '')}`);
  return res.value as OutputOf<K>;
}

/** First-run setup through the router (no demo data), plus a clerk account. */
export async function setupBenchStore(app: App): Promise<{ adminId: string; clerkId: string }> {
  await call(
    app,
    'setup.run',
    {
      storeName: 'Bench Mart',
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
    ADMIN_SESSION,
  );
  const staff = await call(app, 'staff.list', {}, ADMIN_SESSION);
  const adminId = staff.find((s) => s.name === ADMIN.name)!.id;
  await call(app, 'staff.signIn', { staffId: adminId, pin: ADMIN.pin }, ADMIN_SESSION);
  const clerk = await call(app, 'staff.create', { name: CLERK.name, role: 'clerk', pin: CLERK.pin }, ADMIN_SESSION);
  return { adminId, clerkId: clerk.id };
}

export function readMeta(dataDir: string): BenchMeta | null {
  const file = join(dataDir, META_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchMeta) : null;
}

export function writeMeta(dataDir: string, meta: BenchMeta): void {
  writeFileSync(join(dataDir, META_FILE), JSON.stringify(meta, null, 2));
}

export function makeContext(app: App, dataDir: string, meta: BenchMeta, quick: boolean, log: (msg: string) => void): BenchContext {
  return {
    app,
    dataDir,
    meta,
    quick,
    log,
    memo: new Map(),
    sampleColumn(table, column, count, seed) {
      const { sqlite } = app.deps;
      const max = (sqlite.prepare(`SELECT MAX(rowid) AS m FROM ${table}`).get() as { m: number | null }).m ?? 0;
      if (max === 0) throw new Error(`${table} is empty: seed first`);
      const stmt = sqlite.prepare(`SELECT ${column} AS v FROM ${table} WHERE rowid = ?`);
      const rand = rng(seed);
      const out: string[] = [];
      let guard = 0;
      while (out.length < count && guard++ < count * 20) {
        const row = stmt.get(1 + Math.floor(rand() * max)) as { v: string } | undefined;
        if (row) out.push(row.v);
      }
      return out;
    },
    async signInClerk() {
      await call(app, 'staff.signIn', { staffId: meta.clerkId, pin: CLERK.pin }, CLERK_SESSION);
      // Selling needs an open cash-drawer shift on the terminal.
      if (!(await call(app, 'shifts.current', {}, CLERK_SESSION)).shift)
        await call(app, 'shifts.open', { counts: [{ value: 2000, pieces: 10 }] }, CLERK_SESSION);
    },
  };
}
