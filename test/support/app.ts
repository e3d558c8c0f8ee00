import type { TrainingUrl } from '../../src/main/payments/config';
import { createApp, type App } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import type { Channel, InputOf, OutputOf } from '../../src/shared/api';
import type { Result } from '../../src/shared/errors';
import type { PaymentProvider } from '../../src/main/payments/provider';
import type { SyncOptions } from '../../src/main/sync/runtime';
import { NetworkError, type SyncTransport } from '../../src/main/sync/transport';

/** Cheap scrypt for tests; a dedicated test checks the OWASP defaults. */
export const TEST_PIN_PARAMS = { N: 2 ** 10, r: 8, p: 1 };

export interface TestClock {
  now: number;
  (): number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)): TestClock {
  const f = (() => f.now) as TestClock;
  f.now = start;
  f.advance = (ms: number) => {
    f.now += ms;
  };
  return f;
}

export function makeApp(
  opts: {
    dataDir?: string | null;
    clock?: TestClock;
    payments?: PaymentProvider;
    terminalCode?: string;
    sync?: SyncOptions;
    trainingUrl?: TrainingUrl;
    /** Background jobs that write on their own timers (the integrity check's audit row): off for tests that diff the store around each call. */
    quiet?: boolean;
  } = {},
): App & {
  clock: TestClock;
} {
  const clock = opts.clock ?? testClock();
  const app = createApp({
    dataDir: opts.dataDir ?? null,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    clock,
    pinParams: TEST_PIN_PARAMS,
    ...(opts.payments ? { payments: opts.payments } : {}),
    ...(opts.terminalCode ? { terminalCode: opts.terminalCode } : {}),
    ...(opts.trainingUrl ? { trainingUrl: opts.trainingUrl } : {}),
    ...(opts.quiet ? { backgroundCheck: false as const, weightFix: false as const } : {}),
    // Tests never reach a real network: without a transport of their own, the cloud is unreachable.
    sync: opts.sync ?? { autoStart: false, transport: NO_CLOUD },
  });
  return Object.assign(app, { clock });
}

/** A cloud that cannot be reached (fails at once). */
export const NO_CLOUD: SyncTransport = {
  request: () => Promise.reject(new NetworkError('no network in tests')),
};

/** Calls the router like a transport would and unwraps the value, failing loudly otherwise. */
export async function ok<K extends Channel>(app: App, channel: K, input: InputOf<K>, session = 's1'): Promise<OutputOf<K>> {
  const res = await app.router.call(channel, input, session);
  if (!res.ok) throw new Error(`${channel} failed: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.details ?? '')}`);
  return res.value as OutputOf<K>;
}

export async function fail<K extends Channel>(
  app: App,
  channel: K,
  input: unknown,
  session = 's1',
): Promise<Extract<Result<unknown>, { ok: false }>['error']> {
  const res = await app.router.call(channel, input, session);
  if (res.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return res.error;
}

export const ADMIN_PIN = '1234';

export async function setupStore(app: App, over: Partial<InputOf<'setup.run'>> = {}): Promise<{ adminId: string }> {
  await ok(app, 'setup.run', {
    storeName: 'Corner Shop',
    currency: 'USD',
    priceMode: 'inclusive',
    timezone: 'Europe/London',
    language: 'en',
    taxRates: [
      { name: 'Standard', rateBp: 2000, isDefault: true },
      { name: 'Reduced', rateBp: 500, isDefault: false },
    ],
    admin: { name: 'Alice', pin: ADMIN_PIN },
    demoData: false,
    ...over,
  });
  const staff = await ok(app, 'staff.list', {});
  return { adminId: staff.find((s) => s.name === (over.admin?.name ?? 'Alice'))!.id };
}

/** Setup, sign in the admin on `session`, and add a small catalog. */
export async function readyStore(app: App, session = 's1', setup: Partial<InputOf<'setup.run'>> = {}) {
  const { adminId } = await setupStore(app, setup);
  await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN }, session);
  // Selling needs an open cash-drawer shift: a $100 float in twenties.
  await ok(app, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, session);
  const rates = await ok(app, 'taxRates.list', {}, session);
  const std = rates.find((r) => r.rateBp === 2000)!;
  const red = rates.find((r) => r.rateBp === 500)!;
  const mk = (sku: string, name: string, price: number, barcodes: string[], extra: Record<string, unknown> = {}) =>
    ok(
      app,
      'catalog.create',
      { sku, name, unit: 'each', price, cost: Math.floor(price / 2), barcodes, taxRateId: std.id, ...extra },
      session,
    );
  const cola = await mk('COLA', 'Cola 330ml', 150, ['5000112637922']);
  const bread = await mk('BREAD', 'Sourdough bread', 325, ['4006381333931'], { taxRateId: red.id });
  const apple = await mk('APPLE', 'Apples', 299, [], { unit: 'kg', plu: '00042', altName: '苹果', taxRateId: red.id });
  return { adminId, std, red, cola, bread, apple };
}
