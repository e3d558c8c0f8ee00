import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, openView, scan, signIn } from './store';

const SHOTS = process.env.COUNTER_EDGES_SHOTS ?? null;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
};

// Demo catalog: cola 0.99 (each), water 0.69 (each); Fuji apples are weighed (PLU 00001, 3.99/kg).
const COLA = '6954321000048';
const WATER = '6954321000017';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

type Lang = 'en' | 'zh-CN';
const T = {
  en: { admin: 'Alice', park: 'Park sale', parked: 'Parked sales', float: '$100.00', apple: 'Apple (Fuji)', apples: 'Fuji' },
  'zh-CN': { admin: '王芳', park: '挂单', parked: '取单', float: '¥100.00', apple: '富士苹果', apples: '富士' },
} as const;

/** A demo store in the given language and currency, set up through the API, with an open shift. */
async function openStore(page: Page, language: Lang, currency: 'USD' | 'CNY', opts: { clerk?: string } = {}) {
  host = await startHost(tempDataDir());
  const admin = T[language].admin;
  await api(host, 'setup.run', {
    storeName: language === 'en' ? 'Corner Market' : '街角小店',
    currency,
    priceMode: 'inclusive',
    timezone: 'UTC',
    language,
    taxRates: [{ name: language === 'en' ? 'Sales tax' : '增值税', rateBp: 800, isDefault: true }],
    admin: { name: admin, pin: '2468' },
    demoData: true,
  });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((x) => x.name === admin)!.id, pin: '2468' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  if (opts.clerk) await api(host, 'staff.create', { name: opts.clerk, role: 'clerk', pin: '1357' }, sid);
  await api(host, 'staff.signOut', {}, sid);
  await page.goto(host.url);
  await signIn(page, opts.clerk ?? admin, opts.clerk ? '1357' : '2468');
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`${lang}: a notice never blocks the top bar; park and parked sales have their own names`, async ({ page }) => {
    await openStore(page, lang, lang === 'en' ? 'USD' : 'CNY');
    await expect(page.getByTestId('park-sale')).toHaveText(T[lang].park);
    await expect(page.getByTestId('parked-open')).toContainText(T[lang].parked);

    await scan(page, [COLA]);
    await page.getByTestId('park-sale').click();
    const banner = page.getByTestId('info-banner');
    await expect(banner).toBeVisible();
    await shot(page, `notice-${lang}`);
    // The notice lies below the top bar, and a click there passes through.
    const bar = (await page.locator('header.topbar').boundingBox())!;
    const box = (await banner.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(bar.y + bar.height);
    await page.getByTestId('nav-menu').click();
    await expect(page.getByRole('menu')).toBeVisible();
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.getByTestId('recent-sales-button').click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  test(`${lang}: after Print, Enter starts a new sale; Escape closes the receipt with focus on the page`, async ({ page }) => {
    await openStore(page, lang, lang === 'en' ? 'USD' : 'CNY');
    // Headless Chromium's print dialog: nothing to wait for.
    await page.evaluate('window.print = () => undefined');
    const sell = async () => {
      await scan(page, [WATER]);
      await page.getByTestId('pay-button').click();
      await page.getByTestId('quick-cash').first().click();
      await page.getByTestId('complete-sale').click();
      await expect(page.getByTestId('receipt-dialog')).toBeVisible();
    };
    await sell();
    await page.getByTestId('print-receipt').click();
    await expect(page.getByTestId('new-sale')).toBeFocused();
    await shot(page, `receipt-after-print-${lang}`);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('receipt-dialog')).toHaveCount(0);
    await expect(page.getByTestId('cart-line')).toHaveCount(0);

    await sell();
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('receipt-dialog')).toHaveCount(0);
  });

  test(`${lang}: a weighed item asks for its weight, and the line's weight can be changed`, async ({ page }) => {
    await openStore(page, lang, lang === 'en' ? 'USD' : 'CNY');
    await page.getByTestId('search-input').fill(T[lang].apples);
    await expect(page.getByTestId('search-result').first()).toContainText(T[lang].apple);
    await page.getByTestId('search-input').press('Enter');
    const dialog = page.getByTestId('weight-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('cart-line')).toHaveCount(0);
    await expect(page.getByTestId('weight-input')).toBeFocused();
    await page.keyboard.type('0.75');
    await expect(page.getByTestId('weight-preview')).toContainText('2.99');
    await shot(page, `weight-dialog-${lang}`);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('line-qty')).toHaveText('0.750');

    // The weight reads as a field; a click re-opens the dialog with it.
    await page.getByTestId('line-weight').click();
    await expect(page.getByTestId('weight-input')).toHaveValue('0.750');
    await page.getByTestId('weight-input').fill('1.2');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('line-qty')).toHaveText('1.200');
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    await shot(page, `weighed-line-${lang}`);

    // A scale barcode carries the weight: no question asked (PLU 00001, 0.500 kg).
    await scan(page, ['2000001005002']);
    await expect(page.getByTestId('cart-line')).toHaveCount(2);
    await expect(dialog).toHaveCount(0);
  });

  test(`${lang}: the audit log reads in words`, async ({ page }) => {
    await openStore(page, lang, lang === 'en' ? 'USD' : 'CNY');
    await scan(page, [COLA]);
    await page.getByTestId('line-edit').click();
    await page.getByTestId('line-discount-value').fill('15');
    await page.getByTestId('line-discount-apply').click();
    await expect(page.getByTestId('line-discount-badge')).toBeVisible();
    await openView(page, 'nav-audit');
    const discount = page.locator('[data-testid="audit-row"][data-action="discount.line"]').getByTestId('audit-details');
    await expect(discount).toContainText('15%');
    await expect(discount).not.toContainText('bp');
    await expect(discount).not.toContainText('{');
    const float = page.locator('[data-testid="audit-row"][data-action="shift.open"]').getByTestId('audit-details');
    await expect(float).toContainText(T[lang].float);
    await expect(float).not.toContainText('10000');
    await shot(page, `audit-${lang}`);
  });
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`${lang}: manager approval says which item and which percent it approves`, async ({ page }) => {
    await openStore(page, lang, lang === 'en' ? 'USD' : 'CNY', { clerk: lang === 'en' ? 'Carl' : '小李' });
    await scan(page, [COLA]);
    await page.getByTestId('line-edit').click();
    await page.getByTestId('line-discount-value').fill('50');
    await page.getByTestId('line-discount-apply').click();
    const what = page.getByTestId('approval-what');
    await expect(what).toBeVisible();
    await expect(what).toContainText('50%');
    await expect(what).toContainText(lang === 'en' ? 'Cola' : '可乐');
    await shot(page, `approval-${lang}`);
  });
}

test('zh-CN: quick cash offers the notes a customer hands over, and card brands are in Chinese', async ({ page }) => {
  await openStore(page, 'zh-CN', 'CNY');
  await scan(page, Array(3).fill(COLA) as string[]);
  await page.getByTestId('pay-button').click();
  const quick = page.getByTestId('quick-cash');
  await expect(quick).toHaveCount(4);
  const texts = (await quick.allTextContents()).join(' ');
  expect(texts).toContain('¥5.00');
  expect(texts).toContain('¥10.00');
  expect(texts).toContain('¥20.00');
  expect(texts).not.toContain('¥3.00');
  await shot(page, 'quick-cash-zh-CN');
  await page.getByTestId('tender-card').click();
  await expect(page.getByTestId('card-brand').locator('option', { hasText: '银联' })).toHaveCount(1);
});

test('en: a manager changes tax rates in Settings; the next sale uses the new rate', async ({ page }) => {
  await openStore(page, 'en', 'USD');
  await openView(page, 'settings-link');
  const section = page.getByTestId('tax-rates');
  await expect(section.getByTestId('tax-rate-row')).toHaveCount(1);
  await page.getByTestId('tax-new-name').fill('Luxury');
  await page.getByTestId('tax-new-percent').fill('25');
  await page.getByTestId('tax-new-add').click();
  await expect(section.getByTestId('tax-rate-row')).toHaveCount(2);
  const luxury = section.locator('[data-testid="tax-rate-row"][data-name="Luxury"]');
  await luxury.getByTestId('tax-rate-name').fill('Luxury goods');
  await luxury.getByTestId('tax-rate-save').click();
  const renamed = section.locator('[data-testid="tax-rate-row"][data-name="Luxury goods"]');
  await expect(renamed).toBeVisible();
  // The default rate is in use by the demo items: it cannot be archived, and says so.
  const standard = section.locator('[data-testid="tax-rate-row"][data-name="Sales tax"]');
  await expect(standard.getByTestId('tax-rate-default')).toBeVisible();
  await renamed.getByTestId('tax-rate-archive').click();
  await expect(renamed).toContainText('Archived');
  await standard.getByTestId('tax-rate-percent').fill('10');
  await standard.getByTestId('tax-rate-save').click();
  await expect(page.getByTestId('tax-rate-error')).toHaveCount(0);
  await shot(page, 'tax-rates-en');
  await page.getByTestId('checkout-link').click();
  // Cola 0.99 tax-inclusive at 10%: 0.09 of tax.
  await scan(page, [COLA]);
  await page.getByTestId('pay-button').click();
  await page.getByTestId('quick-cash').first().click();
  await page.getByTestId('complete-sale').click();
  await expect(page.getByTestId('receipt')).toContainText('10%');
});

test('zh-CN: the tax rates section in Chinese', async ({ page }) => {
  await openStore(page, 'zh-CN', 'CNY');
  await openView(page, 'settings-link');
  const section = page.getByTestId('tax-rates');
  await expect(section).toContainText('税率');
  await expect(section.getByTestId('tax-rate-name')).toHaveValue('增值税');
  await page.getByTestId('tax-new-name').fill('增值税');
  await page.getByTestId('tax-new-percent').fill('6');
  await page.getByTestId('tax-new-add').click();
  await expect(page.getByTestId('tax-rate-error')).toContainText('已有名为 增值税 的税率');
  await page.getByTestId('tax-new-percent').fill('101');
  await page.getByTestId('tax-new-name').fill('低税率');
  await page.getByTestId('tax-new-add').click();
  await expect(page.getByTestId('tax-rate-error')).toContainText('0 到 100');
  await shot(page, 'tax-rates-zh-CN');
});
