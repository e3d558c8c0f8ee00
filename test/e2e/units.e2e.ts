import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, scan, signIn } from './store';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

/** A store without demo data, an open shift, and one weighed product sold per `unit` with a scale PLU. */
async function store(h: RunningHost, opts: { language: 'en' | 'zh-CN'; currency: string; unit: string; price: number; name: string }) {
  await api(h, 'setup.run', {
    storeName: opts.language === 'en' ? 'Corner Market' : '街角小店',
    currency: opts.currency,
    priceMode: 'inclusive',
    timezone: 'UTC',
    language: opts.language,
    taxRates: [{ name: 'Tax', rateBp: 0, isDefault: true }],
    admin: { name: 'Alice', pin: '2468' },
    demoData: false,
  });
  const url = new URL(h.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(h, 'staff.list', {}, sid);
  await api(h, 'staff.signIn', { staffId: staff[0]!.id, pin: '2468' }, sid);
  await api(h, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  await api(
    h,
    'catalog.create',
    { sku: 'W1', name: opts.name, unit: opts.unit, price: opts.price, cost: 0, barcodes: [], plu: '00077' },
    sid,
  );
  await api(h, 'staff.signOut', {}, sid);
}

async function unitChoices(page: Page): Promise<string[]> {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-stock').click();
  await page.getByTestId('new-product').click();
  const values = await page
    .getByTestId('product-unit')
    .locator('option')
    .evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
  await page.keyboard.press('Escape');
  await page.getByTestId('checkout-link').click();
  return values;
}

/** From the receipt to the shift screen's X report (pieces and weight apart). */
async function xReport(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-shifts').click();
  await page.getByTestId('x-report-button').click();
}

test('a Chinese store sells by the 斤: the editor offers 斤, a scale label of 0.680 kg sells 1.360 斤, cart and receipt say 斤', async ({
  page,
}) => {
  host = await startHost(tempDataDir());
  await store(host, { language: 'zh-CN', currency: 'CNY', unit: 'jin', price: 1800, name: '五花肉' });
  await page.goto(host.url);
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await signIn(page, 'Alice', '2468');
  expect(await unitChoices(page)).toEqual(['each', 'jin', 'kg', 'g']);

  await scan(page, [encodeScaleBarcode('21', '00077', 680)]);
  const line = page.getByTestId('cart-line');
  await expect(line).toContainText('1.360');
  await expect(line).toContainText('斤');
  await expect(page.getByTestId('cart-total')).toHaveText('¥24.48');
  await page.screenshot({ path: 'test-results/units-zh-cart.png' });

  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('50');
  await page.getByTestId('complete-sale').click();
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText('1.360 斤 × ¥18.00/斤');
  await page.screenshot({ path: 'test-results/units-zh-receipt.png' });
  await xReport(page);
  await expect(page.getByTestId('report-items')).toHaveText('0');
  await expect(page.getByTestId('report-weighed')).toHaveText('0.680 千克');
  await page.screenshot({ path: 'test-results/units-zh-report.png' });
});

test('a US store sells by the pound: the editor offers lb and oz, a scale label of 680 g sells 1.499 lb, cart and receipt say lb', async ({
  page,
}) => {
  host = await startHost(tempDataDir());
  await store(host, { language: 'en', currency: 'USD', unit: 'lb', price: 399, name: 'Cherries' });
  await page.goto(host.url);
  await page.getByTestId('language-switch').selectOption('en');
  await signIn(page, 'Alice', '2468');
  expect(await unitChoices(page)).toEqual(['each', 'lb', 'oz', 'kg', 'g']);

  await scan(page, [encodeScaleBarcode('21', '00077', 680)]);
  const line = page.getByTestId('cart-line');
  await expect(line).toContainText('1.499');
  await expect(line).toContainText('lb');
  await expect(page.getByTestId('cart-total')).toHaveText('$5.98'); // 3.99 × 1.499 = 5.98101
  await page.screenshot({ path: 'test-results/units-en-cart.png' });

  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('10');
  await page.getByTestId('complete-sale').click();
  await expect(page.getByTestId('receipt')).toContainText('1.499 lb × $3.99/lb');
  await page.screenshot({ path: 'test-results/units-en-receipt.png' });
  await xReport(page);
  await expect(page.getByTestId('report-items')).toHaveText('0');
  await expect(page.getByTestId('report-weighed')).toHaveText('0.680 kg'); // 1.499 lb = 679.934 g
  await page.screenshot({ path: 'test-results/units-en-report.png' });
});
