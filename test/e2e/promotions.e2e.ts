import { rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, openView, scan, signIn } from './store';

/** Screenshots of the screen, the form, try-a-cart and the counter, looked at by a person after a change. */
const SHOTS = process.env.PROMO_SHOTS ?? '/tmp/promo-shots';
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

const TEA = { sku: 'TEA-500', barcode: '6900000000017', price: 600 };

let host: RunningHost | null = null;
test.afterEach(async () => {
  const dir = host?.dataDir;
  await host?.stop();
  host = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Lang = 'en' | 'zh-CN';
const T = {
  en: {
    admin: 'Alice',
    clerk: 'Carl',
    currency: 'USD',
    tea: 'Green Tea 500ml',
    name: 'Second at half price',
    summary: 'Second at 50% off',
    running: 'Running',
    paused: 'Paused',
    off: '−$3.00',
    total: '$9.00',
    required: 'Enter a name.',
  },
  'zh-CN': {
    admin: '王芳',
    clerk: '李明',
    currency: 'CNY',
    tea: '绿茶 500毫升',
    name: '第二件半价',
    summary: '第二件半价',
    running: '进行中',
    paused: '已暂停',
    off: '−¥3.00',
    total: '¥9.00',
    required: '请输入名称。',
  },
} as const;

/** A store in the language (prices include tax) with a clerk, green tea at 6.00 and an open shift. */
async function openStore(page: Page, lang: Lang) {
  host = await startHost(tempDataDir());
  const w = T[lang];
  await api(host, 'setup.run', {
    storeName: lang === 'en' ? 'Corner Market' : '街角小店',
    currency: w.currency,
    priceMode: 'inclusive',
    timezone: 'UTC',
    language: lang,
    taxRates: [{ name: lang === 'en' ? 'Sales tax' : '增值税', rateBp: 600, isDefault: true }],
    admin: { name: w.admin, pin: '2468' },
    demoData: false,
  });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((x) => x.name === w.admin)!.id, pin: '2468' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  await api(host, 'staff.create', { name: w.clerk, role: 'clerk', pin: '1357' }, sid);
  await api(
    host,
    'catalog.create',
    { sku: TEA.sku, name: 'Green Tea 500ml', altName: '绿茶 500毫升', unit: 'each', price: TEA.price, cost: 300, barcodes: [TEA.barcode] },
    sid,
  );
  await api(host, 'staff.signOut', {}, sid);
  await page.goto(host.url);
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`${lang}: a manager sets up second-at-half-price, tries a cart; the clerk sells two; the receipt and the report show the discount`, async ({
    page,
  }) => {
    const w = T[lang];
    await openStore(page, lang);
    await signIn(page, w.admin, '2468');
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await openView(page, 'nav-promotions');
    await expect(page.getByTestId('promo-none')).toBeVisible();
    await shot(page, `screen-empty-${lang}`);

    // The form: buy 1 get 1 at 50% off on green tea, picked by search.
    await page.getByTestId('promo-add').click();
    const form = page.getByTestId('promo-form');
    await page.getByTestId('promo-kind').selectOption('buy_x_get_y');
    await page.getByTestId('promo-scope-products').check();
    await page.getByTestId('promo-products-search').fill(TEA.sku);
    await page.getByTestId('promo-products-hit').first().click();
    await expect(page.getByTestId('promo-products-chip')).toHaveText(new RegExp(w.tea));
    await expect(page.getByTestId('promo-get-percent')).toHaveValue('50');

    // Without a name: the error is beside the field, in the screen's language, and nothing is saved.
    await page.getByTestId('promo-save').click();
    await expect(form.getByTestId('promo-field-error')).toHaveText(w.required);
    expect(await api<unknown[]>(host!, 'promotions.list', {}, await apiSession(host!, w.admin))).toHaveLength(0);
    await page.getByTestId('promo-name').fill('Second at half price');
    await page.getByTestId('promo-name-zh').fill('第二件半价');
    await expect(form.getByTestId('promo-field-error')).toHaveCount(0);
    await shot(page, `form-${lang}`);

    // Try a cart with the draft (not yet saved): two teas, the second at half price.
    await page.getByTestId('promo-try-search').fill(TEA.sku);
    await page.getByTestId('promo-try-hit').first().click();
    await page.getByTestId('promo-try-qty').fill('2');
    await expect(page.getByTestId('promo-try-share')).toContainText(w.name);
    await expect(page.getByTestId('promo-try-share')).toContainText(w.off);
    await expect(page.getByTestId('promo-try-total')).toHaveText(w.total);
    await page.getByTestId('promo-try').scrollIntoViewIfNeeded();
    await shot(page, `try-${lang}`);

    await page.getByTestId('promo-save').click();
    await expect(page.getByTestId('promo-form')).toHaveCount(0);
    const row = page.getByTestId('promo-row');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('promo-state')).toHaveText(w.running);
    await expect(row.getByTestId('promo-summary')).toHaveText(w.summary);
    await expect(row.getByTestId('promo-row-name')).toHaveText(w.name);
    await shot(page, `screen-${lang}`);

    // Edit opens what is stored (the product by its name); pause and resume change the state at once.
    await row.getByTestId('promo-edit').click();
    await expect(page.getByTestId('promo-name')).toHaveValue('Second at half price');
    await expect(page.getByTestId('promo-products-chip')).toContainText(w.tea);
    await page.getByTestId('promo-cancel').click();
    await expect(page.getByTestId('promo-form')).toHaveCount(0);
    await row.getByTestId('promo-toggle').click();
    await expect(row.getByTestId('promo-state')).toHaveText(w.paused);
    await row.getByTestId('promo-toggle').click();
    await expect(row.getByTestId('promo-state')).toHaveText(w.running);
    await page.getByTestId('lock-button').click();

    // The clerk scans two: the line explains the promotion, the total is 9.00; paid in cash.
    await signIn(page, w.clerk, '1357');
    // The manager's "saved" notice has gone by now; the counter is clear for its screenshot.
    await expect(page.getByTestId('info-banner')).toHaveCount(0);
    await scan(page, [TEA.barcode, TEA.barcode]);
    await expect(page.getByTestId('line-promotion')).toContainText(w.name);
    await expect(page.getByTestId('line-promotion')).toContainText(w.off);
    await expect(page.getByTestId('cart-total')).toHaveText(w.total);
    await expect(page.getByTestId('cart-discount')).toHaveText(w.off);
    await expect(page.getByTestId('cart-promotion')).toContainText(w.name);
    await shot(page, `counter-${lang}`);
    await page.getByTestId('pay-button').click();
    await page.getByTestId('quick-cash').first().click();
    await page.getByTestId('complete-sale').click();
    const receipt = page.getByTestId('receipt-dialog');
    await expect(receipt).toBeVisible();
    await expect(receipt).toContainText(w.off);
    await expect(receipt.getByTestId('receipt-promotion')).toContainText(w.name);
    await expect(receipt).toContainText(w.total);
    await shot(page, `receipt-${lang}`);
    const number = /\S+-\d+/.exec((await receipt.getByTestId('receipt-number').textContent()) ?? '')![0];
    await page.keyboard.press('Escape');

    // The order keeps the explanation: its receipt's barcode opens it at the counter.
    await scan(page, [number]);
    const detail = page.getByTestId('order-detail');
    await expect(detail.getByTestId('order-line-promotion')).toContainText(w.name);
    await expect(detail.getByTestId('order-line-promotion')).toContainText(w.off);
    await page.keyboard.press('Escape');
    await page.getByTestId('lock-button').click();

    // The report shows the discount given, in the store's currency.
    await signIn(page, w.admin, '2468');
    await openView(page, 'nav-promotions');
    const reportRow = page.getByTestId('promo-report-row');
    await expect(reportRow).toHaveCount(1);
    await expect(reportRow).toContainText(w.name);
    await expect(reportRow.getByTestId('promo-report-discount')).toHaveText(w.off.replace('−', ''));
    await page.getByTestId('promo-report').scrollIntoViewIfNeeded();
    await shot(page, `report-${lang}`);
  });
}

/** A session of its own for the API, signed in as `name`, to read the store behind the page's back. */
async function apiSession(h: RunningHost, name: string): Promise<string> {
  const url = new URL(h.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(h, 'staff.list', {}, sid);
  await api(h, 'staff.signIn', { staffId: staff.find((x) => x.name === name)!.id, pin: '2468' }, sid);
  return sid;
}
