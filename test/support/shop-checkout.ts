/**
 * A cloud serving the online shop with checkout on a real port (the fake Alipay posts its
 * notifications to it), a till that made the organisation with a CNY catalog, and a buyer's
 * browser (cookies kept, forms posted with their CSRF token).
 */
import { ensureShopProjections } from '../../src/cloud/shop/catalog/projection';
import type { Hono } from 'hono';
import { openCloudStore, rowsOf, sql } from '../../src/cloud/db/open';
import { cloudDeps, type CloudDeps } from '../../src/cloud/deps';
import { buildCloudApp, serveCloud, type RunningCloud } from '../../src/cloud/server';
import type { CheckoutOptions } from '../../src/cloud/shop/checkout/access';
import type { ShopOptions } from '../../src/cloud/shop/routes';
import { catalogStock, type OrderStock } from '../../src/cloud/shop/checkout/stock';
import type { ShopPaymentConfig } from '../../src/cloud/shop/checkout/payment';
import { startFakeAlipay, type FakeAlipay } from '../../src/main/payments/fakes/alipay';
import type { SyncTransport } from '../../src/main/sync/transport';
import { ok, readyStore, TEST_PIN_PARAMS, testClock } from './app';
import { fetchVia, TEST_SIGNUP_SECRET } from './cloud';
import { terminal, type Terminal } from './sync';

export interface ShopCloud {
  deps: CloudDeps;
  app: Hono;
  url: string;
  transport: SyncTransport;
  alipay: FakeAlipay;
  /** What each store's shop pays with (tests change it). */
  payments: Map<string, ShopPaymentConfig>;
  stock: OrderStock;
  /** Moves the cloud's clock (expiry). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export const SHOP_SECRET = 'test-shop-secret-0123456789abcdef';

export async function startShopCloud(
  over: Partial<CheckoutOptions> = {},
  shopOpts: Omit<ShopOptions, 'checkout'> = {},
): Promise<ShopCloud> {
  const store = await openCloudStore({ dataDir: null });
  const started = Date.now();
  let offset = 0;
  const epoch = testClock().now;
  const deps = cloudDeps(store.db, {
    noteWrites: store.noteWrites,
    pinParams: TEST_PIN_PARAMS,
    clock: () => epoch + offset + (Date.now() - started),
  });
  const alipay = await startFakeAlipay({ now: () => deps.clock() });
  const payments = new Map<string, ShopPaymentConfig>();
  const stock = over.stock ?? catalogStock;
  const checkout: CheckoutOptions = {
    payments: (storeId) => payments.get(storeId) ?? null,
    stock,
    secret: SHOP_SECRET,
    ...over,
  };
  const app = buildCloudApp(deps, {
    signupSecret: TEST_SIGNUP_SECRET,
    rateLimit: false,
    shop: { checkout, ...shopOpts },
  }) as unknown as Hono;
  const running: RunningCloud = await serveCloud(app as never, { port: 0 });
  const transport: SyncTransport = { request: (_base, req) => fetchVia(app, running.url, req) };
  return {
    deps,
    app,
    url: running.url,
    transport,
    alipay,
    payments,
    stock,
    advance: (ms) => {
      offset += ms;
    },
    async close() {
      await alipay.close();
      await running.close();
      await store.close();
    },
  };
}

/** The fake's merchant set up as the store's Alipay account. */
export function alipayFor(fake: FakeAlipay): ShopPaymentConfig {
  return {
    alipay: {
      mode: 'training',
      baseUrl: fake.url,
      appId: fake.appId,
      keyMode: 'publicKey',
      privateKey: fake.merchantPrivateKey!,
      alipayPublicKey: fake.alipayPublicKey,
    },
  };
}

/** A till that made the organisation: a CNY store with cola (20%), bread and apples by the kg (5%), all sold online. */
export async function tillWithShop(cloud: ShopCloud, priceMode: 'inclusive' | 'exclusive' = 'inclusive') {
  const till: Terminal = terminal(cloud.transport);
  const ready = await readyStore(till, 's1', { currency: 'CNY', priceMode });
  const status = await ok(till, 'sync.createOrg', { serverUrl: cloud.url, orgName: 'Acme', signupSecret: TEST_SIGNUP_SECRET }, 's1');
  const now = till.clock();
  const [location] = await ok(till, 'stock.locations', {}, 's1');
  /** The till counts the product's stock (units), and the cloud hears of it. */
  const setStock = async (productId: string, units: number) => {
    await ok(
      till,
      'stock.adjust',
      { productId, locationId: location!.id, mode: 'set', qty: units * 1000, reason: 'correction', note: '' },
      's1',
    );
    await till.sync.engine.syncNow();
  };
  const listed = async (productId: string, units: number) => {
    till.deps.sqlite
      .prepare(
        'INSERT INTO online_listings (product_id, sold_online, description, safety_buffer, updated_at, hlc) VALUES (?, 1, ?, NULL, ?, ?)',
      )
      .run(productId, '', now, till.deps.hlc.now());
    await setStock(productId, units);
  };
  for (const p of [ready.cola, ready.bread, ready.apple]) await listed(p.id, 1000);
  const storeId = status.storeId!;
  const [org] = await rowsOf<{ org_id: string }>(cloud.deps.db, sql`SELECT org_id FROM stores WHERE id = ${storeId}`);
  const orgId = org!.org_id;
  // The shop's first visit: from now on its catalog is kept as the till's records arrive.
  await ensureShopProjections(cloud.deps, orgId);
  cloud.payments.set(storeId, alipayFor(cloud.alipay));
  /** A new product sold online with `units` in stock. */
  const product = async (name: string, price: number, units: number) => {
    const p = await ok(
      till,
      'catalog.create',
      { sku: name.toUpperCase(), name, unit: 'each', price, cost: 10, barcodes: [], taxRateId: ready.std.id },
      's1',
    );
    await listed(p.id, units);
    return p.id;
  };
  return { till, storeId, orgId, setStock, product, ...ready };
}

/** A buyer's browser: keeps cookies, follows nothing on its own, posts forms with the page's CSRF token. */
export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly cloud: { url: string },
    readonly ua = 'Mozilla/5.0 (X11; Linux x86_64)',
  ) {}

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    this.csrf = this.cookies.get('shop_csrf') ?? this.csrf;
  }

  private headers(extra: Record<string, string> = {}) {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'user-agent': this.ua, ...extra };
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(path.startsWith('http') ? path : `${this.cloud.url}${path}`, { headers: this.headers(), redirect: 'manual' });
    this.keep(res);
    return res;
  }

  async post(path: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<Response> {
    if (!this.csrf) await this.get(path.replace(/\/[^/]*$/, '') || '/');
    const body = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: this.csrf }), ...fields }).toString();
    const res = await fetch(`${this.cloud.url}${path}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body,
      redirect: 'manual',
    });
    this.keep(res);
    return res;
  }
}

/** The value of a hidden field in a page. */
export function hidden(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no ${name} field`);
  return m[1]!;
}
