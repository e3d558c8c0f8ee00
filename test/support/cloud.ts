/**
 * A cloud for tests: the real HTTP app (hono) over an in-memory PGlite database, or over the
 * PostgreSQL server in DATABASE_URL. Terminals reach it through an in-process transport that
 * builds real Requests (no sockets), which a test can make fail on purpose.
 */
import type { Hono } from 'hono';
import { openCloudStore, type CloudStore } from '../../src/cloud/db/open';
import { cloudDeps, type CloudDeps } from '../../src/cloud/deps';
import { buildCloudApp } from '../../src/cloud/server';
import type { ShopOptions } from '../../src/cloud/shop/routes';
import type { SyncRequest, SyncResponse, SyncTransport } from '../../src/main/sync/transport';
import { NetworkError } from '../../src/main/sync/transport';
import { TEST_PIN_PARAMS, testClock } from './app';

export type Backend = 'pglite' | 'postgres';

/** The test cloud's sign-up secret: creating an organisation needs it, as on a real cloud. */
export const TEST_SIGNUP_SECRET = 'test-signup-secret';

export const DATABASE_URL = process.env.DATABASE_URL || null;

/** The backends this run can test: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function backends(): Backend[] {
  return DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function notePostgresSkip(): void {
  if (!DATABASE_URL)
    console.info('[cloud tests] DATABASE_URL is not set: the PostgreSQL variant is skipped (PGlite only). .ci/run sets it.');
}

export interface TestCloud {
  store: CloudStore;
  deps: CloudDeps;
  app: Hono;
  url: string;
  /** Every terminal's transport: `down` makes requests fail as if the network were gone. */
  transport: SyncTransport & { down: boolean; calls: number; hook?: (req: SyncRequest) => Promise<void> | void };
  close(): Promise<void>;
}

export async function fetchVia(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  baseUrl: string,
  req: SyncRequest,
): Promise<SyncResponse> {
  const headers: Record<string, string> = {};
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.staffToken) headers['x-staff-token'] = req.staffToken;
  const res = await app.fetch(
    new Request(`${baseUrl}${req.path}`, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export async function startTestCloud(
  opts: { backend?: Backend; clock?: () => number; maxDriftMs?: number; shop?: ShopOptions } = {},
): Promise<TestCloud> {
  const backend = opts.backend ?? 'pglite';
  const store = await openCloudStore(backend === 'postgres' ? { databaseUrl: DATABASE_URL, poolSize: 4 } : { dataDir: null });
  // Unless a test brings its own, the cloud's clock starts where the tills' test clocks start and
  // runs in real time: on the wall clock, a run after 09:00 UTC on the tills' date (or any later
  // day) would put the cloud ahead of every till and decide clock-skew cases by when CI runs.
  const started = Date.now();
  const epoch = testClock().now;
  const deps = cloudDeps(store.db, {
    noteWrites: store.noteWrites,
    pinParams: TEST_PIN_PARAMS,
    buyerPasswordParams: TEST_PIN_PARAMS,
    clock: opts.clock ?? (() => epoch + (Date.now() - started)),
    ...(opts.maxDriftMs !== undefined ? { maxDriftMs: opts.maxDriftMs } : {}),
  });
  // In-process requests have no address, so they would all share one rate-limit bucket.
  const app = buildCloudApp(deps, {
    signupSecret: TEST_SIGNUP_SECRET,
    rateLimit: false,
    shop: { rateLimit: false, ...opts.shop },
  }) as unknown as Hono;
  const url = 'http://cloud.test';
  const transport: TestCloud['transport'] = {
    down: false,
    calls: 0,
    async request(_base, req) {
      transport.calls += 1;
      if (transport.down) throw new NetworkError('network down (test)');
      await transport.hook?.(req);
      return fetchVia(app, url, req);
    },
  };
  return { store, deps, app, url, transport, close: () => store.close() };
}
