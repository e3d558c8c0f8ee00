/**
 * The till's side of provider notifications, end to end: a till linked to a real cloud (HTTP on
 * loopback, PGlite), Alipay in training against the fake Alipay through the real gateway. Saving
 * the settings gives the cloud the notice key; a QR trade is registered and precreated with the
 * cloud's notify URL; the customer pays; the fake notifies the cloud, which verifies and records
 * it; the till's poller applies it, and the trade is paid without another query to the provider.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { serveCloud, type RunningCloud } from '../../src/cloud/server';
import { paymentNoticeKeys, paymentTrades } from '../../src/cloud/db/schema';
import { startFakeAlipay, type FakeAlipay } from '../../src/main/payments/fakes/alipay';
import { createAlipayGateway } from '../../src/main/payments/alipay';
import type { ProviderGatewayConfig } from '../../src/main/payments/config';
import { notifyUrl, registerTrade } from '../../src/main/payments/cloud-notices';
import { noticeCursor } from '../../src/main/payments/notice-poller';
import { cloudLink, type CloudLink } from '../../src/main/sync/state';
import { httpTransport, NetworkError, type SyncRequest, type SyncTransport } from '../../src/main/sync/transport';
import { uuidv7 } from '../../src/shared/ids';
import { ADMIN_PIN, ok, readyStore, setupStore, TEST_PIN_PARAMS, testClock } from '../support/app';
import { startTestCloud, TEST_SIGNUP_SECRET, type TestCloud } from '../support/cloud';
import { cloudApi, newCloudStore } from '../support/payment-cloud';
import { createFakeGateway, makePaymentsApp, tempDir, until } from '../support/fake-gateway';

let cloud: TestCloud;
let served: RunningCloud;
let fake: FakeAlipay;
const dir = tempDir();

/** The till's way to the cloud: real HTTP, every request recorded, and a switch to cut it. */
const seen: SyncRequest[] = [];
let down = false;
const real = httpTransport({ timeoutMs: 5000 });
const transport: SyncTransport = {
  request(base, req) {
    seen.push(req);
    if (down) return Promise.reject(new NetworkError('network down (test)'));
    return real.request(base, req);
  },
};

function till(): App {
  return createApp({
    dataDir: dir.dir,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    clock: testClock(),
    pinParams: TEST_PIN_PARAMS,
    sync: { autoStart: false, transport },
    gateways: {
      alipay: (cfg: ProviderGatewayConfig) =>
        createAlipayGateway({
          mode: cfg.mode,
          ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}),
          timeoutMs: cfg.timeoutMs,
          // The provider is queried again only after a minute: a trade paid sooner was paid by its notice.
          pollIntervalMs: 60_000,
          appId: cfg.fields['appId'] ?? '',
          keyMode: cfg.fields['keyMode'] === 'cert' ? 'cert' : 'publicKey',
          privateKey: cfg.secrets['privateKey'] ?? '',
          ...(cfg.secrets['alipayPublicKey'] ? { alipayPublicKey: cfg.secrets['alipayPublicKey'] } : {}),
        }),
    },
    trainingUrl: (p) => (p === 'alipay' ? fake.url : null),
    reconcileEveryMs: 0,
    noticePollMs: 50,
    backgroundCheck: false,
    automaticBackups: false,
    walCheckpointWorker: false,
  });
}

let app: App;
let adminId: string;
let storeId: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  served = await serveCloud(cloud.app as never, { port: 0 });
  fake = await startFakeAlipay();
  app = till();
  ({ adminId } = await setupStore(app, { currency: 'CNY', storeName: 'Tea House' }));
  await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
  await ok(app, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] });
  const rates = await ok(app, 'taxRates.list', {});
  await ok(app, 'catalog.create', {
    sku: 'TEA',
    name: 'Tea',
    unit: 'each',
    price: 625,
    cost: 300,
    barcodes: ['5000112637922'],
    taxRateId: rates[0]!.id,
  });
  await ok(app, 'sync.createOrg', { serverUrl: served.url, orgName: 'Tea House', signupSecret: TEST_SIGNUP_SECRET });
  storeId = cloudLink(app.deps.sqlite)!.storeId;
}, 60_000);

afterAll(async () => {
  app?.close();
  await fake?.close();
  await served?.close();
  await cloud?.close();
  dir.remove();
});

const alipaySettings = () => ({
  provider: 'alipay' as const,
  enabled: true,
  mode: 'training' as const,
  fields: { appId: fake.appId, keyMode: 'publicKey' },
  secrets: { privateKey: fake.merchantPrivateKey!, alipayPublicKey: fake.alipayPublicKey },
});

const tradeRow = (id: string) => app.deps.sqlite.prepare('SELECT * FROM trades WHERE id = ?').get(id) as Record<string, unknown>;
const count = (sql: string, ...args: unknown[]) =>
  app.deps.sqlite
    .prepare(sql)
    .pluck()
    .get(...args) as number;
const paidBy = (id: string) =>
  until(() => tradeRow(id)['state'] === 'paid', 5000, `trade ${id} paid (now ${String(tradeRow(id)['state'])})`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A QR trade for a new sale, once the till's first look at it (a query right after the precreate) is done. */
async function openQr() {
  const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
  const t = await ok(app, 'payments.showQr', { cartId: cart.id!, amount: cart.priced.total, provider: 'alipay' });
  await until(() => fake.requests.some((r) => r.method === 'alipay.trade.query' && r.outTradeNo === t.tradeNo), 3000, 'the first query');
  return { cartId: cart.id!, t };
}

async function post(url: string, notice: { headers: Record<string, string>; body: string }) {
  const res = await fetch(url, { method: 'POST', headers: notice.headers, body: notice.body });
  return res.text();
}

describe('a till linked to a cloud', () => {
  it('sends the notice key when an admin saves Alipay; without a cloud sign-in the save stands and says pending', async () => {
    const before = await ok(app, 'payments.saveConfig', alipaySettings());
    expect(before.providers.find((p) => p.provider === 'alipay')).toMatchObject({ enabled: true, noticeKey: 'pending' });
    expect(await ok(app, 'payments.config', {})).toEqual(before);

    await ok(app, 'sync.cloudSignIn', { pin: ADMIN_PIN });
    const after = await ok(app, 'payments.saveConfig', alipaySettings());
    expect(after.providers.find((p) => p.provider === 'alipay')?.noticeKey).toBe('sent');

    const [key] = await cloud.deps.db
      .select()
      .from(paymentNoticeKeys)
      .where(and(eq(paymentNoticeKeys.storeId, storeId), eq(paymentNoticeKeys.provider, 'alipay')));
    expect(key?.merchant).toBe(fake.appId);
    expect(JSON.parse(key!.material)).toEqual({ appId: fake.appId, alipayPublicKey: fake.alipayPublicKey });
    // The material is never written to the audit log.
    const audit = app.deps.sqlite.prepare("SELECT success, details FROM audit WHERE action = 'payments.noticeKey' ORDER BY rowid").all();
    expect(audit).toEqual([
      { success: 0, details: expect.stringContaining('cloudSignIn') },
      { success: 1, details: JSON.stringify({ merchant: fake.appId }) },
    ]);
    expect(JSON.stringify(app.deps.sqlite.prepare('SELECT * FROM audit').all())).not.toContain('BEGIN PUBLIC KEY');
  });

  it('a paid QR trade is finished by the notice through the cloud, with no query after the payment, and the sale completes', async () => {
    const { cartId, t } = await openQr();
    expect(t).toMatchObject({ state: 'waiting', method: 'qr', amount: 625 });
    expect(fake.trades.get(t.tradeNo)?.notifyUrl).toBe(`${served.url}/v1/payments/notify/alipay/${storeId}`);
    const [registered] = await cloud.deps.db.select().from(paymentTrades).where(eq(paymentTrades.tradeNo, t.tradeNo));
    expect(registered).toMatchObject({ storeId, provider: 'alipay', amount: 625, currency: 'CNY' });

    fake.customerScans(t.tradeNo);
    const sent = fake.requests.length;
    expect(await fake.customerPays(t.tradeNo)).toEqual([{ status: 200, body: 'success' }]);
    await paidBy(t.id);
    expect(fake.requests.slice(sent).filter((r) => r.method === 'alipay.trade.query')).toEqual([]);
    expect(count("SELECT COUNT(*) FROM audit WHERE action = 'payment.paid' AND target = ?", t.id)).toBe(1);

    const order = await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
    expect(order.payments).toEqual([expect.objectContaining({ kind: 'alipay', amount: 625 })]);
    expect(tradeRow(t.id)['order_id']).toBe(order.id);
    expect(noticeCursor(app.deps, storeId)).toBeGreaterThan(0);
  });

  it('a forged notice, or one for another store, never changes a trade; the genuine one does', async () => {
    const { cartId, t } = await openQr();
    fake.customerScans(t.tradeNo);
    expect((await fake.customerPays(t.tradeNo, { badSignature: true }))[0]!.body).toBe('fail');

    // Another store of the same cloud, with the same Alipay app, claims this trade number and its payment.
    const other = await newCloudStore(cloud, served.url, 'Elsewhere');
    const put = await cloudApi(
      served.url,
      'PUT',
      '/v1/payments/notice-keys',
      { provider: 'alipay', merchant: fake.appId, material: JSON.stringify({ appId: fake.appId, alipayPublicKey: fake.alipayPublicKey }) },
      other.e.token,
      other.staffToken,
    );
    expect(put.status).toBe(200);
    await registerTrade(other.cx, { provider: 'alipay', tradeNo: t.tradeNo, amount: 625, currency: 'CNY' });
    expect(await post(notifyUrl(other.cx.link, 'alipay'), fake.noticeFor(t.tradeNo))).toBe('success');

    const cursor = noticeCursor(app.deps, storeId);
    const reads = seen.length;
    await until(() => seen.slice(reads).filter((r) => r.path.startsWith('/v1/payments/notices')).length >= 3, 3000, 'notice reads');
    expect(tradeRow(t.id)['state']).toBe('waiting');
    expect(noticeCursor(app.deps, storeId)).toBe(cursor);

    expect(await post(notifyUrl(cloudLink(app.deps.sqlite)!, 'alipay'), fake.noticeFor(t.tradeNo))).toBe('success');
    await paidBy(t.id);
    await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
  });

  it('the cursor survives a restart: nothing is applied twice', async () => {
    const cursor = noticeCursor(app.deps, storeId);
    expect(cursor).toBeGreaterThan(0);
    const events = count('SELECT COUNT(*) FROM trade_events');
    const audits = count("SELECT COUNT(*) FROM audit WHERE action LIKE 'payment.%'");
    app.close();

    app = till();
    expect(noticeCursor(app.deps, storeId)).toBe(cursor);
    expect(count('SELECT COUNT(*) FROM trade_events')).toBe(events);
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    const reads = seen.length;
    const { cartId, t } = await openQr();
    await until(() => seen.slice(reads).some((r) => r.path.startsWith('/v1/payments/notices')), 3000, 'a notice read');
    const afters = seen
      .slice(reads)
      .filter((r) => r.path.startsWith('/v1/payments/notices'))
      .map((r) => Number(/after=(\d+)/.exec(r.path)![1]));
    expect(afters[0]).toBe(cursor);
    await sleep(200);
    // Only the new trade's steps were recorded: no earlier notice was applied again.
    expect(count('SELECT COUNT(*) FROM trade_events WHERE trade_id <> ?', t.id)).toBe(events);
    expect(count("SELECT COUNT(*) FROM audit WHERE action LIKE 'payment.%' AND target <> ?", t.id)).toBe(audits);

    fake.customerScans(t.tradeNo);
    expect(await fake.customerPays(t.tradeNo)).toEqual([{ status: 200, body: 'success' }]);
    await paidBy(t.id);
    expect(noticeCursor(app.deps, storeId)).toBeGreaterThan(cursor);
    await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: t.id }] });
  });

  it('a cloud that cannot be reached does not stop a QR payment: no notify URL, and the till polls the provider', async () => {
    down = true;
    try {
      const started = Date.now();
      const { t } = await openQr();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(t.state).toBe('waiting');
      expect(fake.trades.get(t.tradeNo)?.notifyUrl).toBeNull();
      const [registered] = await cloud.deps.db.select().from(paymentTrades).where(eq(paymentTrades.tradeNo, t.tradeNo));
      expect(registered).toBeUndefined();
    } finally {
      down = false;
    }
  });
});

describe('the poller against a scripted cloud', () => {
  it('applies each notice once in order; a refused one is audited and the cursor moves on; another till’s is passed over', async () => {
    const gw = createFakeGateway({ provider: 'alipay', pollIntervalMs: 60_000 });
    const till = makePaymentsApp({ alipay: gw });
    try {
      await readyStore(till);
      await ok(till, 'payments.saveConfig', {
        provider: 'alipay',
        enabled: true,
        mode: 'sandbox',
        fields: { appId: 'A' },
        secrets: { privateKey: 'K' },
      });
      const cart = await ok(till, 'cart.scan', { code: '5000112637922' });
      const t = await ok(till, 'payments.showQr', { cartId: cart.id!, amount: 150, provider: 'alipay' });
      expect(t.state).toBe('waiting');

      const paid = (amount: number) => ({ state: 'paid' as const, providerRef: 'ALI-1', amount, buyer: null, brand: null });
      const notices = [
        { seq: 4, provider: 'alipay', tradeNo: t.tradeNo, eventId: 'ev-4', answer: paid(1), receivedAt: 1 },
        { seq: 7, provider: 'alipay', tradeNo: 'T2OTHERTILL0001', eventId: 'ev-7', answer: paid(150), receivedAt: 2 },
        { seq: 9, provider: 'alipay', tradeNo: t.tradeNo, eventId: 'ev-9', answer: paid(150), receivedAt: 3 },
      ];
      const afters: number[] = [];
      const scripted: SyncTransport = {
        request(_base, req) {
          const after = Number(/after=(\d+)/.exec(req.path)?.[1] ?? -1);
          afters.push(after);
          const page = notices.filter((n) => n.seq > after).slice(0, 2);
          const more = notices.filter((n) => n.seq > after).length > 2;
          return Promise.resolve({ status: 200, body: { notices: page, cursor: page.at(-1)?.seq ?? after, more } });
        },
      };
      const link = { serverUrl: 'http://cloud.test', storeId: 'store-1' } as CloudLink;
      till.deps.trades.cloud = () => ({ access: { transport: scripted, link, token: 'device' }, online: true });

      await until(() => noticeCursor(till.deps, 'store-1') === 9, 6000, 'the cursor at 9');
      expect(afters.slice(0, 2)).toEqual([0, 7]);
      expect((await ok(till, 'payments.trade', { id: t.id })).state).toBe('paid');
      const refusals = () =>
        till.deps.sqlite.prepare("SELECT target, details FROM audit WHERE action = 'payment.notice' AND success = 0").all() as {
          target: string;
          details: string;
        }[];
      expect(refusals()).toEqual([{ target: t.id, details: expect.stringContaining('amountMismatch') }]);
      // Another store's cursor is not this one's.
      expect(noticeCursor(till.deps, 'store-2')).toBe(0);
      expect(gw.calls.query).toBeLessThanOrEqual(1);
    } finally {
      till.close();
    }
  });
});
