import { mkdirSync } from 'node:fs';
import { expect, test, type Page, type Route } from '@playwright/test';
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import type { PaymentsConfigView, Trade, TradeProblem } from '../../src/shared/api/payments';
import { startHost, tempDataDir, type RunningHost } from './host';

/** `SCREENSHOTS=1` refreshes the README's pictures; otherwise they go to test-results. */
const SHOTS = process.env['SCREENSHOTS'] ? 'docs/screenshots' : 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

type Lang = 'en' | 'zh-CN';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

/** A demo store in the given language with an open shift, an admin (Alice 2468) and a clerk (Carl 3333). */
async function prepareStore(dataDir: string, language: Lang) {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });
  try {
    const call = async (channel: string, input: unknown) => {
      const r = await app.router.call(channel, input, 'prep');
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value;
    };
    await call('setup.run', {
      storeName: language === 'en' ? 'Corner Market' : '街角小店',
      currency: language === 'en' ? 'USD' : 'CNY',
      priceMode: language === 'en' ? 'exclusive' : 'inclusive',
      timezone: language === 'en' ? 'UTC' : 'Asia/Shanghai',
      language,
      taxRates: [{ name: language === 'en' ? 'Sales tax' : '增值税', rateBp: language === 'en' ? 800 : 1300, isDefault: true }],
      admin: { name: 'Alice', pin: '2468' },
      demoData: true,
    });
    const list = (await call('staff.list', {})) as { id: string; name: string }[];
    await call('staff.signIn', { staffId: list.find((s) => s.name === 'Alice')!.id, pin: '2468' });
    await call('staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    await call('shifts.open', { counts: [{ value: 2000, pieces: 5 }] });
  } finally {
    app.close();
  }
}

async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

async function openView(page: Page, id: string) {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId(id === 'settings' ? 'settings-link' : `nav-${id}`).click();
}

/** Scans an item (water) with the wedge scanner and opens the payment dialog. */
async function sellWater(page: Page) {
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.type('6954321000017\n', { delay: 5 });
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('payment-dialog')).toBeVisible();
}

type Answer = (input: Record<string, unknown>) => unknown;

/**
 * Answers chosen channels in the page's calls to the host, as the payments backend would; every
 * other call (and every channel not named) reaches the real host and its placeholder. The map can
 * be filled later in the test.
 */
async function answer(page: Page, answers: Record<string, Answer> = {}): Promise<Record<string, Answer>> {
  await page.route('**/api/invoke', async (route: Route) => {
    const body = route.request().postDataJSON() as { channel: string; input: Record<string, unknown> };
    const a = answers[body.channel];
    if (!a) return route.continue();
    return route.fulfill({ json: { ok: true, value: a(body.input) } });
  });
  return answers;
}

const T0 = Date.UTC(2026, 11, 6, 8, 0);
function trade(over: Partial<Trade>): Trade {
  return {
    id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60',
    tradeNo: 'T1-P-000001',
    cartId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e',
    orderId: null,
    orderNumber: null,
    provider: 'alipay',
    method: 'code',
    mode: 'training',
    amount: 69,
    currency: 'USD',
    state: 'waiting',
    qr: null,
    providerRef: null,
    buyer: null,
    brand: null,
    errorCode: null,
    message: null,
    deadline: T0 + 60_000,
    refunded: 0,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

const WORDS = {
  en: {
    offline: 'Mobile payment is unavailable right now (offline)',
    alipayOffline: 'Alipay is unavailable right now (offline)',
    scan: 'Scan to pay',
    waiting: 'Waiting for the customer to confirm',
    alipay: 'Alipay',
    wechat: 'WeChat Pay',
    stored: 'stored',
    settings: 'Payments',
    cancelled: 'Payment cancelled',
    reconcile: 'The customer paid but no sale was recorded',
  },
  'zh-CN': {
    offline: '移动支付暂时不可用（离线）',
    alipayOffline: '支付宝暂时不可用（离线）',
    scan: '扫码收款',
    waiting: '等待顾客确认',
    alipay: '支付宝',
    wechat: '微信支付',
    stored: '已保存',
    settings: '收款设置',
    cancelled: '收款已取消',
    reconcile: '顾客已付款但没有记录销售',
  },
} as const;

for (const lang of ['en', 'zh-CN'] as const) {
  const w = WORDS[lang];

  test(`${lang}: with a provider offline the dialog says so at once; an UNAVAILABLE answer loses nothing and cash completes the sale`, async ({
    page,
  }) => {
    const dataDir = tempDataDir();
    await prepareStore(dataDir, lang);
    host = await startHost(dataDir);
    await answer(page, {
      'payments.providers': () => [
        { provider: 'alipay', mode: 'production', methods: ['code', 'qr'], reachable: false },
        { provider: 'wechat', mode: 'production', methods: ['code', 'qr'], reachable: true },
      ],
    });
    await page.goto(host.url);
    await signIn(page, 'Carl', '3333');
    await sellWater(page);

    // Said at once, without a spinner: Alipay is out, WeChat Pay still works.
    await expect(page.getByTestId('mobile-offline')).toContainText(w.alipayOffline, { timeout: 2000 });
    await expect(page.getByTestId('tender-scan')).toHaveText(w.scan);
    await page.getByTestId('tender-qr').click();
    await expect(page.getByTestId('qr-alipay')).toBeDisabled();
    await expect(page.getByTestId('qr-wechat')).toBeEnabled();
    await page.screenshot({ path: `${SHOTS}/pay-offline-${lang}.png` });

    // The placeholder backend answers UNAVAILABLE: the dialog says offline, keeps the cart and the other tenders.
    await page.getByTestId('tender-scan').click();
    await expect(page.getByTestId('pay-code-input')).toBeFocused();
    await page.keyboard.type('134567890123456789\n', { delay: 5 });
    await expect(page.getByTestId('mobile-offline')).toContainText(w.offline);
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    await expect(page.getByTestId('trade-status')).toHaveCount(0);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('quick-cash').first().click();
    await page.getByTestId('complete-sale').click();
    await expect(page.getByTestId('receipt-paper')).toBeVisible();
  });

  test(`${lang}: with no provider set up the dialog offers no provider keys, and every call's UNAVAILABLE is the offline note`, async ({
    page,
  }) => {
    const dataDir = tempDataDir();
    await prepareStore(dataDir, lang);
    host = await startHost(dataDir);
    await page.goto(host.url);
    await signIn(page, 'Carl', '3333');
    await sellWater(page);
    // payments.providers answers [] today: nothing is set up, so no key shows and cash works as before.
    await expect(page.getByTestId('tender-scan')).toHaveCount(0);
    await expect(page.getByTestId('tender-cash')).toBeVisible();
    await expect(page.getByTestId('tender-integrated')).toBeVisible();
  });

  test(`${lang}: a scanned code waits for the customer, Cancel says why; then a paid trade is a tender and the rest is due`, async ({
    page,
  }) => {
    const dataDir = tempDataDir();
    await prepareStore(dataDir, lang);
    host = await startHost(dataDir);
    const currency = lang === 'en' ? 'USD' : 'CNY';
    let state: Trade = trade({ currency });
    const calls: { channel: string; input: unknown }[] = [];
    const answers = await answer(page, {
      'payments.providers': () => [{ provider: 'alipay', mode: 'training', methods: ['code', 'qr'], reachable: true }],
      'payments.payByCode': (input) => {
        calls.push({ channel: 'payByCode', input });
        state = trade({
          currency,
          amount: input['amount'] as number,
          cartId: input['cartId'] as string,
          state: 'waiting',
          updatedAt: Date.now(),
        });
        return state;
      },
      'payments.showQr': (input) => {
        state = trade({
          currency,
          method: 'qr',
          qr: 'https://qr.alipay.com/bax08431qfvmyjtnlz1k0052',
          amount: input['amount'] as number,
          state: 'waiting',
          updatedAt: Date.now(),
        });
        return state;
      },
      'payments.trade': () => state,
      'payments.cancelTrade': () => {
        state = { ...state, state: 'cancelled', errorCode: null, updatedAt: Date.now() };
        return state;
      },
    });
    await page.goto(host.url);
    await signIn(page, 'Carl', '3333');
    await sellWater(page);
    const due = Number((await page.getByTestId('payment-total').textContent())!.replace(/[^\d.]/g, '')) * 100;

    await page.getByTestId('tender-scan').click();
    await expect(page.getByTestId('pay-code-input')).toBeFocused();
    await page.keyboard.type('286543210987654321\n', { delay: 5 });
    await expect(page.getByTestId('trade-status')).toHaveAttribute('data-state', 'waiting');
    await expect(page.getByTestId('trade-status')).toContainText(w.waiting);
    await expect(page.getByTestId('complete-sale')).toBeDisabled();
    expect(calls[0]!.input).toMatchObject({ amount: Math.round(due), code: '286543210987654321' });
    await page.screenshot({ path: `${SHOTS}/pay-waiting-${lang}.png` });
    await page.getByTestId('trade-cancel').click();
    await expect(page.getByTestId('trade-status')).toHaveAttribute('data-state', 'cancelled');
    await expect(page.getByTestId('trade-status')).toContainText(w.cancelled);
    await expect(page.getByTestId('tender-line')).toHaveCount(0);

    // The QR the customer scans, with the amount and the provider's name.
    await page.getByTestId('tender-qr').click();
    await page.getByTestId('qr-alipay').click();
    await expect(page.getByTestId('trade-qr').locator('svg')).toBeVisible();
    await expect(page.getByTestId('trade-qr-provider')).toHaveText(w.alipay);
    await page.screenshot({ path: `${SHOTS}/pay-qr-${lang}.png` });
    // The provider says paid (the poll picks it up): a tender with the masked account; split with cash.
    state = {
      ...state,
      amount: 50,
      state: 'paid',
      buyer: '138****1234',
      providerRef: '2026120622001412341234567890',
      updatedAt: Date.now() + 1000,
    };
    await expect(page.getByTestId('trade-status')).toHaveAttribute('data-state', 'paid');
    await expect(page.getByTestId('tender-line')).toHaveCount(1);
    await expect(page.getByTestId('tender-line')).toContainText(w.alipay);
    await expect(page.getByTestId('tender-account')).toHaveText('138****1234');
    await page.screenshot({ path: `${SHOTS}/pay-paid-${lang}.png` });

    // Cash pays the rest. Checkout gets the trade as a tender (its handling is the backend's, answered
    // here as it will answer), and the on-screen receipt names the provider, its trade number and the buyer.
    const total = Math.round(due);
    let completeInput: Record<string, unknown> | null = null;
    const order = {
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70',
      number: 'T1-000001',
      checkoutId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a71',
      createdAt: T0,
      staffName: 'Carl',
      terminalCode: 'T1',
      currency,
      priceMode: 'inclusive',
      subtotal: total,
      discountTotal: 0,
      taxTotal: 0,
      total,
      paid: total,
      change: 0,
      taxes: [],
      lines: [
        {
          id: 'l1',
          productId: 'p1',
          sku: 'W',
          name: 'Still Mineral Water 550ml',
          altName: '矿泉水 550毫升',
          unit: 'each',
          qty: 1000,
          unitPrice: total,
          discount: 0,
          tax: 0,
          taxRateBp: 0,
          total,
        },
      ],
      payments: [
        {
          id: 'pa',
          kind: 'alipay',
          amount: 50,
          tendered: null,
          brand: null,
          last4: null,
          reference: '2026120622001412341234567890',
          account: '138****1234',
        },
        { id: 'pc', kind: 'cash', amount: total - 50, tendered: total - 50, brand: null, last4: null, reference: null },
      ],
    };
    Object.assign(answers, {
      'sales.complete': (input: Record<string, unknown>) => {
        completeInput = input;
        return order;
      },
      'receipts.get': () => ({
        storeName: lang === 'en' ? 'Corner Market' : '街角小店',
        footer: '',
        language: lang,
        timezone: 'UTC',
        order,
      }),
    });
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('quick-cash').first().click();
    await page.getByTestId('complete-sale').click();
    await expect.poll(() => completeInput).not.toBeNull();
    expect(completeInput!['tenders']).toEqual([
      { kind: 'trade', tradeId: state.id },
      { kind: 'cash', amount: total - 50 },
    ]);
    const receipt = page.getByTestId('receipt-paper');
    await expect(receipt).toContainText(w.alipay);
    await expect(page.getByTestId('receipt-account')).toContainText('138****1234');
    await expect(page.getByTestId('receipt-trade-no')).toContainText('2026120622001412341234567890');
    await page.screenshot({ path: `${SHOTS}/pay-receipt-${lang}.png` });
  });

  test(`${lang}: Settings → Payments shows stored secrets as stored, never their values, and saves and tests`, async ({ page }) => {
    const dataDir = tempDataDir();
    await prepareStore(dataDir, lang);
    host = await startHost(dataDir);
    const answers = await answer(page);
    await page.goto(host.url);
    await signIn(page, 'Alice', '2468');

    const view: PaymentsConfigView = {
      cashierTimeoutSec: 60,
      providers: [
        {
          provider: 'alipay',
          enabled: true,
          mode: 'sandbox',
          fields: { appId: '2021000123456789', keyMode: 'publicKey' },
          secretsSet: ['privateKey', 'alipayPublicKey'],
        },
        { provider: 'wechat', enabled: false, mode: 'training', fields: {}, secretsSet: [] },
        { provider: 'stripe', enabled: false, mode: 'training', fields: {}, secretsSet: [] },
      ],
    };
    let saved: Record<string, unknown> | null = null;
    Object.assign(answers, {
      'payments.config': () => view,
      'payments.saveConfig': (input: Record<string, unknown>) => {
        saved = input;
        return view;
      },
      'payments.testConnection': () => ({ ok: false, code: 'isv.invalid-signature', message: 'invalid signature' }),
    });
    await openView(page, 'shifts');
    await openView(page, 'settings');
    const alipay = page.getByTestId('pay-provider-alipay');
    await expect(alipay).toContainText(w.alipay);
    await expect(page.getByTestId('pay-provider-wechat')).toContainText(w.wechat);
    await expect(page.getByTestId('pay-field-alipay-appId')).toHaveValue('2021000123456789');
    await expect(page.getByTestId('pay-secret-stored-alipay-privateKey')).toContainText(w.stored);
    await expect(page.getByTestId('pay-secret-input-alipay-privateKey')).toHaveCount(0);
    // WeChat has nothing stored: empty inputs, never pre-filled.
    await expect(page.getByTestId('pay-secret-input-wechat-apiKey')).toHaveValue('');
    await expect(page.getByTestId('pay-secret-input-wechat-apiKey')).toHaveAttribute('type', 'password');
    // Tall enough for the whole Payments card (the screen scrolls inside its own pane).
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page.getByTestId('pay-settings').screenshot({ path: `${SHOTS}/pay-settings-${lang}.png` });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId('pay-replace-alipay-privateKey').click();
    await expect(page.getByTestId('pay-secret-input-alipay-privateKey')).toHaveValue('');
    await page.getByTestId('pay-secret-input-alipay-privateKey').fill('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    await page.getByTestId('pay-save-alipay').click();
    await expect.poll(() => saved).not.toBeNull();
    expect(saved).toMatchObject({
      provider: 'alipay',
      enabled: true,
      mode: 'sandbox',
      fields: { appId: '2021000123456789', keyMode: 'publicKey' },
      secrets: { privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' },
    });
    // The typed key is gone from the page once saved.
    await expect(page.getByTestId('pay-secret-input-alipay-privateKey')).toHaveCount(0);
    await page.getByTestId('pay-test-alipay').click();
    await expect(page.getByTestId('pay-test-result-alipay')).toContainText('invalid signature');
  });

  test(`${lang}: the Payments screen finds a trade, asks the provider, and explains what needs attention`, async ({ page }) => {
    const dataDir = tempDataDir();
    await prepareStore(dataDir, lang);
    host = await startHost(dataDir);
    const answers = await answer(page);
    await page.goto(host.url);
    await signIn(page, 'Alice', '2468');
    // With the placeholder: nothing found, nothing to reconcile.
    await openView(page, 'trades');
    await expect(page.getByTestId('reconciliation-none')).toBeVisible();

    const currency = lang === 'en' ? 'USD' : 'CNY';
    const paid = trade({
      currency,
      state: 'paid',
      orderNumber: 'T1-000007',
      buyer: '138****1234',
      providerRef: '2026120622001412341234567890',
      refunded: 20,
    });
    const orphan = trade({
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61',
      tradeNo: 'T1-P-000002',
      provider: 'wechat',
      currency,
      state: 'paid',
    });
    const problems: TradeProblem[] = [{ trade: orphan, kind: 'paid_without_sale', detail: '' }];
    let queried = false;
    Object.assign(answers, {
      'payments.findTrades': () => [paid, orphan],
      'payments.reconciliation': () => problems,
      'payments.refunds': () => [
        {
          id: 'r1',
          refundNo: 'T1-R-000001',
          tradeId: paid.id,
          refundId: null,
          amount: 20,
          state: 'refunded',
          message: null,
          createdAt: T0,
          updatedAt: T0,
        },
      ],
      'payments.queryTrade': () => {
        queried = true;
        return paid;
      },
    });
    await openView(page, 'shifts');
    await openView(page, 'trades');
    await expect(page.getByTestId('trade-row')).toHaveCount(2);
    await page.getByTestId('trade-search-order').fill('T1-000007');
    await page.getByTestId('trade-search-submit').click();
    await page.getByTestId('trade-row').first().click();
    await expect(page.getByTestId('trade-detail')).toContainText('2026120622001412341234567890');
    await expect(page.getByTestId('trade-refunds')).toContainText('T1-R-000001');
    await page.getByTestId('trade-query').click();
    await expect.poll(() => queried).toBe(true);
    await expect(page.getByTestId('reconciliation-item')).toContainText(w.reconcile);
    await expect(page.getByTestId('reconciliation-item')).toContainText(w.wechat);
    await page.setViewportSize({ width: 1280, height: 1600 });
    await page.screenshot({ path: `${SHOTS}/pay-trades-${lang}.png` });
  });
}

test('zh-CN, with the payments backend: a scanned Alipay code in training mode is paid and the receipt prints 支付宝 and the masked account', async ({
  page,
}) => {
  const dataDir = tempDataDir();
  await prepareStore(dataDir, 'zh-CN');
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Alice', '2468');
  await openView(page, 'settings');
  await page.getByTestId('pay-enabled-alipay').check();
  await page.getByTestId('pay-mode-alipay').selectOption('training');
  await page.getByTestId('pay-save-alipay').click();
  await expect(page.getByTestId('pay-error-alipay')).toHaveCount(0);
  await page.getByTestId('checkout-link').click();
  await sellWater(page);
  await page.getByTestId('tender-scan').click();
  await expect(page.getByTestId('pay-code-input')).toBeFocused();
  await page.keyboard.type('286543210987654320\n', { delay: 5 });
  await expect(page.getByTestId('trade-status')).toHaveAttribute('data-state', /sent|waiting|paid/);
  await expect(page.getByTestId('trade-status')).toHaveAttribute('data-state', 'paid', { timeout: 30_000 });
  await expect(page.getByTestId('tender-line')).toContainText('支付宝');
  await page.getByTestId('complete-sale').click();
  const receipt = page.getByTestId('receipt-paper');
  await expect(receipt).toContainText('支付宝');
  await expect(page.getByTestId('receipt-account')).toContainText(/\d{3}\*{4}\d{4}/);
  await expect(page.getByTestId('receipt-trade-no')).toContainText(/\d{16,}/);
});
