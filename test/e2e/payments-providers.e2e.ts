import { expect, test, type Browser, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, openView, scan, signIn } from './store';

/**
 * Each provider's happy path through the real backend, in both languages: an admin turns the
 * provider on in training mode (main starts its fake gateway on loopback, and a stand-in customer
 * acts on it), a clerk sells an item and takes the payment, the receipt names the provider, and
 * the admin finds the payment on the Payments screen. One host per language, shared by its tests
 * in order (the store keeps each provider turned on for the next), with two screens signed in
 * once: the admin's back office and the clerk's till.
 */

type Lang = 'en' | 'zh-CN';

// The demo catalog's water, scanned at the counter.
const WATER = '6954321000017';
// Payment codes as the customer's app shows them: Alipay's begin 25–30, WeChat Pay's 10–15 (18 digits).
// The training customer declines a code ending in 1 and pays any code ending otherwise (0) at once.
const ALIPAY_CODE = '286543210987654320';
const WECHAT_DECLINED = '134567890123456781';

const WORDS = {
  en: {
    alipay: 'Alipay',
    wechat: 'WeChat Pay',
    stripe: 'Stripe Terminal',
    card: 'Card (integrated)',
    cardExternal: 'Card (terminal)',
    cash: 'Cash',
    scan: 'Scan to pay',
    qr: 'Show QR',
    terminal: 'Card reader',
    saved: (p: string) => `${p} saved.`,
    connected: (p: string) => `Connected: ${p} answered a signed request.`,
    paidWith: (p: string) => `Paid with ${p}`,
    failed: 'Payment failed',
    insufficient: 'The customer’s balance is not enough',
    tradeNo: 'Trade no.',
    account: 'Account',
    paid: 'Paid',
    training: '(training)',
    stored: 'stored',
  },
  'zh-CN': {
    alipay: '支付宝',
    wechat: '微信支付',
    stripe: 'Stripe 刷卡终端',
    card: '银行卡（集成终端）',
    cardExternal: '银行卡（外接终端）',
    cash: '现金',
    scan: '扫码收款',
    qr: '出示收款码',
    terminal: '刷卡终端',
    saved: (p: string) => `${p}已保存。`,
    connected: (p: string) => `连接成功：${p}已响应签名请求。`,
    paidWith: (p: string) => `${p}已收款`,
    failed: '收款失败',
    insufficient: '顾客余额不足',
    tradeNo: '交易号',
    account: '账户',
    paid: '已支付',
    training: '(培训)',
    stored: '已保存',
  },
} as const;
type Words = (typeof WORDS)[Lang];
type Provider = 'alipay' | 'wechat' | 'stripe';

/**
 * A store in `lang` with its demo catalog, an admin (Alice 2468), a clerk (Carl 3333) and an open
 * shift. Both sell in yuan: Alipay's face-to-face payment takes CNY only (the English one is a shop
 * in China run in English, with tax-exclusive prices).
 */
async function prepareStore(host: RunningHost, lang: Lang) {
  const en = lang === 'en';
  await api(host, 'setup.run', {
    storeName: en ? 'Corner Market' : '街角小店',
    currency: 'CNY',
    priceMode: en ? 'exclusive' : 'inclusive',
    timezone: 'Asia/Shanghai',
    language: lang,
    taxRates: [{ name: en ? 'Sales tax' : '增值税', rateBp: en ? 800 : 1300, isDefault: true }],
    admin: { name: 'Alice', pin: '2468' },
    demoData: true,
  });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Alice')!.id, pin: '2468' }, sid);
  await api(host, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  await api(host, 'staff.signOut', {}, sid);
}

/** As the admin: Settings → Payments, the provider enabled in training mode, saved, and its connection tested. */
async function turnOn(page: Page, w: Words, provider: Provider) {
  await openView(page, 'settings-link');
  const form = page.getByTestId(`pay-provider-${provider}`);
  await expect(form).toContainText(w[provider]);
  // A yuan store gets no currency warning.
  await expect(page.getByTestId(`pay-currency-${provider}`)).toHaveCount(0);
  await page.getByTestId(`pay-enabled-${provider}`).check();
  await page.getByTestId(`pay-mode-${provider}`).selectOption('training');
  await page.getByTestId(`pay-save-${provider}`).click();
  await expect(page.getByTestId('info-banner')).toContainText(w.saved(w[provider]));
  await expect(page.getByTestId(`pay-error-${provider}`)).toHaveCount(0);
  // The fake gateway answers a signed query, as the provider would.
  await page.getByTestId(`pay-test-${provider}`).click();
  await expect(page.getByTestId(`pay-test-result-${provider}`)).toHaveText(w.connected(w[provider]));
}

/** As the clerk: one water in the cart and the payment dialog open; returns the total it shows. */
async function sellWater(page: Page): Promise<string> {
  await scan(page, [WATER]);
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('payment-dialog')).toBeVisible();
  return (await page.getByTestId('payment-total').textContent())!;
}

/** The receipt on screen: its total, one line per tender; returns the order number. */
async function checkReceipt(page: Page, total: string, lines: string[]): Promise<string> {
  const receipt = page.getByTestId('receipt-paper');
  await expect(receipt).toBeVisible();
  await expect(page.getByTestId('receipt-total')).toHaveText(total);
  for (const line of lines) await expect(receipt).toContainText(line);
  await expect(page.getByTestId('receipt-number')).toHaveText(/T1-\d{6}/);
  const number = (await page.getByTestId('receipt-number').textContent())!.match(/T1-\d{6}/)![0];
  await page.getByTestId('new-sale').click();
  await expect(page.getByTestId('cart-line')).toHaveCount(0);
  return number;
}

/** As the admin: the Payments screen finds the sale's payment by its order number, paid, with the provider's trade number. */
async function checkPaymentsScreen(page: Page, w: Words, provider: Provider, order: string, amount: string, ref: string, buyer: string) {
  await openView(page, 'nav-trades');
  await page.getByTestId('trade-search-order').fill(order);
  await page.getByTestId('trade-search-submit').click();
  const row = page.getByTestId('trade-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(order);
  await expect(row).toContainText(`${w[provider]} ${w.training}`);
  await expect(row).toContainText(amount);
  await expect(row).toContainText(w.paid);
  // The only match opens by itself.
  const detail = page.getByTestId('trade-detail');
  await expect(detail).toContainText(ref);
  await expect(detail).toContainText(buyer);
  await expect(page.getByTestId('reconciliation-none')).toBeVisible();
}

/** The provider's trade number and the buyer's masked account, as the receipt prints them. */
async function receiptPayment(page: Page): Promise<{ ref: string; account: string }> {
  // Asserted first, so that a missing line fails at once rather than at the test's timeout.
  await expect(page.getByTestId('receipt-trade-no')).toBeVisible();
  await expect(page.getByTestId('receipt-account')).toBeVisible();
  const ref = (await page.getByTestId('receipt-trade-no').textContent())!;
  const account = (await page.getByTestId('receipt-account').textContent())!;
  return { ref, account };
}

const LANGS = ['en', 'zh-CN'] as const;

/** Each language's store, started once. */
const hosts = new Map<Lang, Promise<RunningHost>>();
function hostFor(lang: Lang): Promise<RunningHost> {
  let h = hosts.get(lang);
  if (!h) {
    h = startHost(tempDataDir()).then(async (host) => {
      await prepareStore(host, lang);
      return host;
    });
    hosts.set(lang, h);
  }
  return h;
}
test.afterAll(async () => {
  await Promise.all([...hosts.values()].map((h) => h.then((x) => x.stop()).catch(() => undefined)));
  hosts.clear();
});

/** A screen of the store with `name` signed in, shared by the language's tests in order: it stays where the last one left it. */
async function screenOf(browser: Browser, host: RunningHost, name: string, pin: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
  await signIn(page, name, pin);
  return page;
}

for (const lang of LANGS) {
  const w = WORDS[lang];

  test.describe.serial(lang, () => {
    let admin: Page;
    let till: Page;
    // No fixture: the store starts while Chromium launches for the hook below.
    test.beforeAll(() => {
      void hostFor(lang).catch(() => undefined);
    });
    test.beforeAll(async ({ browser }) => {
      const host = await hostFor(lang);
      // The next language's store starts while this one's tests wait on the customer.
      for (const l of LANGS) void hostFor(l).catch(() => undefined);
      [admin, till] = await Promise.all([screenOf(browser, host, 'Alice', '2468'), screenOf(browser, host, 'Carl', '3333')]);
    });
    // The shared pages are not the fixture's: a failure's screenshots are taken here.
    test.afterEach(async () => {
      const info = test.info();
      if (info.status === info.expectedStatus) return;
      await admin?.screenshot({ path: info.outputPath('admin.png') });
      await till?.screenshot({ path: info.outputPath('till.png') });
    });
    test.afterAll(async () => {
      await Promise.all([admin?.close(), till?.close()]);
    });

    test(`${lang}: Alipay in training, part cash and the rest by the customer's payment code; receipt and Payments screen`, async () => {
      await turnOn(admin, w, 'alipay');
      const total = await sellWater(till);

      // Part in cash first: what is still due goes to Alipay.
      await till.getByTestId('cash-tendered').fill('0.50');
      await till.getByTestId('cash-add').click();
      await expect(till.getByTestId('tender-line')).toHaveCount(1);
      await expect(till.getByTestId('payment-due')).not.toHaveText(total);
      const due = (await till.getByTestId('payment-due').textContent())!;

      await expect(till.getByTestId('tender-scan')).toHaveText(w.scan);
      await till.getByTestId('tender-scan').click();
      await expect(till.getByTestId('pay-code-input')).toBeFocused();
      await till.keyboard.type(`${ALIPAY_CODE}\n`, { delay: 5 });
      await expect(till.getByTestId('trade-status')).toHaveAttribute('data-state', 'paid', { timeout: 15_000 });
      await expect(till.getByTestId('trade-status')).toContainText(w.paidWith(w.alipay));
      const tender = till.getByTestId('tender-line').nth(1);
      await expect(tender).toContainText(w.alipay);
      await expect(tender).toContainText(due);
      await expect(till.getByTestId('tender-account')).toHaveText(/^\s*\d{3}\*{4}\d{4}$/);
      await till.getByTestId('complete-sale').click();

      const { ref, account } = await receiptPayment(till);
      expect(ref).toMatch(new RegExp(`${w.tradeNo}\\s*\\d{16,}`));
      expect(account).toMatch(new RegExp(`${w.account}\\s*\\d{3}\\*{4}\\d{4}`));
      const order = await checkReceipt(till, total, [w.alipay, w.cash, due]);
      await checkPaymentsScreen(admin, w, 'alipay', order, due, ref.replace(w.tradeNo, '').trim(), account.replace(w.account, '').trim());
    });

    test(`${lang}: WeChat Pay in training, a declined code says why and keeps the cart; the Native QR then pays`, async () => {
      await turnOn(admin, w, 'wechat');
      const total = await sellWater(till);

      await till.getByTestId('tender-scan').click();
      await expect(till.getByTestId('pay-code-input')).toBeFocused();
      await till.keyboard.type(`${WECHAT_DECLINED}\n`, { delay: 5 });
      await expect(till.getByTestId('trade-status')).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
      await expect(till.getByTestId('trade-status')).toContainText(w.failed);
      await expect(till.getByTestId('trade-reason')).toContainText(w.insufficient);
      await expect(till.getByTestId('tender-line')).toHaveCount(0);
      await expect(till.getByTestId('payment-due')).toHaveText(total);
      await expect(till.getByTestId('cart-line')).toHaveCount(1);

      // Another tender: the QR the customer scans, with the provider's name and the amount.
      await expect(till.getByTestId('tender-qr')).toHaveText(w.qr);
      await till.getByTestId('tender-qr').click();
      await till.getByTestId('qr-wechat').click();
      await expect(till.getByTestId('trade-qr').locator('svg')).toBeVisible();
      await expect(till.getByTestId('trade-qr-provider')).toHaveText(w.wechat);
      await expect(till.getByTestId('trade-qr-amount')).toHaveText(total);
      await expect(till.getByTestId('complete-sale')).toBeDisabled();
      // The stand-in customer pays about four seconds after the QR shows.
      await expect(till.getByTestId('trade-status')).toHaveAttribute('data-state', 'paid', { timeout: 15_000 });
      await expect(till.getByTestId('tender-line')).toHaveCount(1);
      await expect(till.getByTestId('tender-line')).toContainText(w.wechat);
      await expect(till.getByTestId('tender-line')).toContainText(total);
      await till.getByTestId('complete-sale').click();

      const { ref, account } = await receiptPayment(till);
      expect(ref).toMatch(new RegExp(`${w.tradeNo}\\s*\\d{20,}`));
      expect(account).toContain('***');
      const order = await checkReceipt(till, total, [w.wechat]);
      await checkPaymentsScreen(admin, w, 'wechat', order, total, ref.replace(w.tradeNo, '').trim(), account.replace(w.account, '').trim());
    });

    test(`${lang}: Stripe Terminal in training, the amount goes to the reader and a card is read; receipt and Payments screen`, async () => {
      await turnOn(admin, w, 'stripe');
      // A key typed in is stored, said to be stored and never shown again; training keeps using the fake's own.
      const secret = admin.getByTestId('pay-secret-input-stripe-webhookSecret');
      await expect(secret).toHaveAttribute('type', 'password');
      await secret.fill('whsec_typed_by_the_admin');
      await admin.getByTestId('pay-save-stripe').click();
      await expect(admin.getByTestId('pay-secret-stored-stripe-webhookSecret')).toContainText(w.stored);
      await expect(secret).toHaveCount(0);
      const values = await admin.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
      expect(values.filter((v) => v.includes('whsec_typed'))).toEqual([]);
      const total = await sellWater(till);

      // A real card terminal replaces the simulated one.
      await expect(till.getByTestId('tender-integrated')).toHaveCount(0);
      // The reader's key and the external terminal's key read differently.
      await expect(till.getByTestId('tender-terminal')).toHaveText(w.terminal);
      await expect(till.getByTestId('tender-card')).toHaveText(w.cardExternal);
      await till.getByTestId('tender-terminal').click();
      await till.getByTestId('terminal-start').click();
      // The stand-in customer's card is read about three seconds after the amount reaches the reader.
      await expect(till.getByTestId('trade-status')).toHaveAttribute('data-state', 'paid', { timeout: 15_000 });
      // The card as a clerk reads it: the brand's name and the last four, masked once.
      const tender = till.getByTestId('tender-line');
      await expect(tender).toContainText(w.card);
      await expect(tender).toContainText('Visa •••• 4242');
      await expect(tender).toContainText(total);
      await expect(tender).not.toContainText('*');
      await till.getByTestId('complete-sale').click();

      const { ref, account } = await receiptPayment(till);
      expect(ref).toMatch(new RegExp(`${w.tradeNo}\\s*pi_\\w+`));
      expect(account).toMatch(new RegExp(`${w.account}\\s*\\*{4}4242`));
      const order = await checkReceipt(till, total, [w.card, 'Visa']);
      await checkPaymentsScreen(admin, w, 'stripe', order, total, ref.replace(w.tradeNo, '').trim(), 'Visa ****4242');
    });
  });
}
