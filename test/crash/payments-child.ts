/**
 * The till process of the payments crash harness (payments-crash.ts): the app on a data folder,
 * its Alipay gateway a thin HTTP client of the harness's fake (which outlives every kill), driven
 * in-process through the router like a clerk would. It may SIGKILL itself at a named point; the
 * harness kills it at the points it sees from the provider's side.
 *
 * Usage: tsx payments-child.ts <dataDir> <fakeUrl> <sale|recover> <crashPoint|none> <variant>
 */
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import type { PaymentGateway, TradeAnswer } from '../../src/main/payments/gateway';
import { reconcileOnce } from '../../src/main/payments/reconciler';
import { NetworkError } from '../../src/main/sync/transport';
import { uuidv7 } from '../../src/shared/ids';
import type { Result } from '../../src/shared/errors';

const [dataDir, fakeUrl, mode, crashAt, variant] = process.argv.slice(2) as [string, string, 'sale' | 'recover', string, string];
const PIN = '1234';
const CODE = '281234567890123456';

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

async function remote<T>(method: string, args: unknown[], lost: T): Promise<T> {
  try {
    const res = await fetch(`${fakeUrl}/call`, { method: 'POST', body: JSON.stringify({ method, args }) });
    if (!res.ok) return lost;
    return (await res.json()) as T;
  } catch (err) {
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    return { ...(lost as object), code: typeof code === 'string' ? code : 'ECONNRESET' } as T;
  }
}

const LOST: TradeAnswer = { state: 'unknown', code: 'ECONNRESET', message: 'lost' };

const gateway: PaymentGateway = {
  provider: 'alipay',
  mode: 'sandbox',
  pollIntervalMs: 5,
  merchant: 'M-TEST',
  async pay(req) {
    if (crashAt === 'beforeCall') die();
    const a = await remote('pay', [req], LOST);
    if (crashAt === 'afterAnswer') die();
    return a;
  },
  precreate: (req) => remote('precreate', [req, null], LOST as Extract<TradeAnswer, { state: 'unknown' }>),
  query: (no) => remote('query', [no], LOST),
  cancel: (no) => remote('cancel', [no], LOST),
  refund: (req) => remote('refund', [req], { state: 'unknown', code: 'ECONNRESET', message: 'lost' }),
  queryRefund: (req) => remote('queryRefund', [req], { state: 'unknown', code: 'ECONNRESET', message: 'lost' }),
  verifyNotice: () => null,
  noticeReply: () => ({ status: 200, headers: {}, body: '' }),
  testConnection: () => Promise.resolve({ ok: true }),
};

const app = createApp({
  dataDir,
  migrationsDir: MIGRATIONS_DIR,
  resourcesDir: RESOURCES_DIR,
  pinParams: { N: 2 ** 10, r: 8, p: 1 },
  sync: { autoStart: false, transport: { request: () => Promise.reject(new NetworkError('no cloud')) } },
  gateways: { alipay: () => gateway },
  reconcileEveryMs: 50,
  backgroundCheck: false,
  automaticBackups: false,
  walCheckpointWorker: false,
});

async function call<T>(channel: string, input: unknown): Promise<Result<T>> {
  return (await app.router.call(channel, input, 's')) as Result<T>;
}
async function must<T>(channel: string, input: unknown): Promise<T> {
  const r = await call<T>(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

interface TradeView {
  id: string;
  state: string;
  orderId: string | null;
  cartId: string;
}

async function signIn(): Promise<void> {
  const staff = await must<{ id: string; name: string }[]>('staff.list', {});
  await must('staff.signIn', { staffId: staff[0]!.id, pin: PIN });
}

/** Every trade and refund final (or the provider unreachable for too long). */
async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await reconcileOnce(app.deps);
    const open = app.deps.sqlite
      .prepare(
        `SELECT (SELECT COUNT(*) FROM trades WHERE state IN ('created', 'sent', 'waiting', 'unknown', 'cancelling'))
              + (SELECT COUNT(*) FROM trade_refunds WHERE state IN ('requested', 'sent', 'unknown')) AS n`,
      )
      .get() as { n: number };
    if (open.n === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('trades or refunds left unresolved');
}

async function sale(): Promise<void> {
  await must('setup.run', {
    storeName: 'Crash Shop',
    currency: 'CNY',
    priceMode: 'inclusive',
    timezone: 'Asia/Shanghai',
    language: 'en',
    taxRates: [{ name: 'Std', rateBp: 600, isDefault: true }],
    admin: { name: 'Alice', pin: PIN },
    demoData: false,
  });
  await signIn();
  await must('shifts.open', { counts: [{ value: 10000, pieces: 1 }] });
  const rates = await must<{ id: string }[]>('taxRates.list', {});
  await must('catalog.create', {
    sku: 'TEA',
    name: 'Tea',
    unit: 'each',
    price: 1250,
    cost: 500,
    barcodes: ['6901234567892'],
    taxRateId: rates[0]!.id,
  });
  await must('payments.saveConfig', { provider: 'alipay', enabled: true, mode: 'sandbox', fields: {}, secrets: { privateKey: 'K' } });
  const cart = await must<{ id: string; priced: { total: number } }>('cart.scan', { code: '6901234567892' });
  console.log(`READY ${cart.id}`);
  const first = await call<TradeView>('payments.payByCode', { cartId: cart.id, amount: cart.priced.total, code: CODE });
  let trade = first.ok ? first.value : null;
  if (trade && trade.state !== 'paid' && trade.state !== 'failed' && trade.state !== 'cancelled') {
    for (let i = 0; i < 500 && trade && !['paid', 'failed', 'cancelled'].includes(trade.state); i++) {
      await new Promise((r) => setTimeout(r, 5));
      trade = await must<TradeView>('payments.trade', { id: trade.id });
    }
  }
  if (!trade || trade.state !== 'paid') {
    console.log('UNPAID');
    app.close();
    return;
  }
  if (crashAt === 'beforeSale') die();
  if (variant === 'void') {
    // The customer walks away: the sale is voided and the paid trade must go back by itself.
    await must('cart.clear', {});
    await reconcileOnce(app.deps);
  } else {
    const order = await must<{ id: string }>('sales.complete', {
      cartId: cart.id,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'trade', tradeId: trade.id }],
    });
    if (crashAt === 'afterSale') die();
    if (variant === 'refund') {
      await must('refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' });
      await reconcileOnce(app.deps);
    }
  }
  await settle();
  console.log('DONE');
  app.close();
}

/** After a kill: the reconciler finishes every trade; the clerk completes the sale with a paid trade, or voids it. */
async function recover(): Promise<void> {
  await signIn();
  await settle();
  const cart = app.deps.sqlite.prepare("SELECT id FROM carts WHERE status = 'open'").get() as { id: string } | undefined;
  if (cart) {
    const paid = app.deps.sqlite.prepare("SELECT id FROM trades WHERE cart_id = ? AND state = 'paid' AND order_id IS NULL").get(cart.id) as
      { id: string } | undefined;
    if (paid && variant !== 'void')
      await must('sales.complete', { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'trade', tradeId: paid.id }] });
    else await must('cart.clear', {});
  }
  await settle();
  console.log('DONE');
  app.close();
}

// The app's payment timers do not hold the process open (a host's server does): this run does.
const alive = setInterval(() => undefined, 1000);
(mode === 'sale' ? sale() : recover())
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
    app.close();
  })
  .finally(() => clearInterval(alive));
