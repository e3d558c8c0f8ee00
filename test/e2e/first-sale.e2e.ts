import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';

// Three "each" items of the demo catalog: water 0.69, cola 0.99, highlighter 1.49 = 3.17; a USD store
// defaults to tax-exclusive prices with one 8% rate, so the customer pays 3.17 + 0.25 = 3.42.
const SCANS = ['6954321000017', '6954321000048', '4006381333931'];

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

async function runSetup(page: Page, opts: { language: 'en' | 'zh-CN'; store: string; admin: string; pin: string }) {
  await page.getByTestId('setup-language').selectOption(opts.language);
  await page.getByTestId('setup-store-name').fill(opts.store);
  await page.getByTestId('setup-admin-name').fill(opts.admin);
  await page.getByTestId('setup-pin').fill(opts.pin);
  await page.getByTestId('setup-pin-confirm').fill(opts.pin);
  await page.getByTestId('setup-demo').check();
  await page.getByTestId('setup-submit').click();
}

async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

/** Selling needs an open cash-drawer shift: count a float of five 20s from the checkout's prompt. */
async function openShift(page: Page) {
  await expect(page.getByTestId('shift-required')).toBeVisible();
  await page.getByTestId('open-shift-button').click();
  await page.getByTestId('count-2000').fill('5');
  await page.getByTestId('open-shift-submit').click();
  await expect(page.getByTestId('shift-required')).toHaveCount(0);
}

async function stockOf(page: Page, query: string): Promise<string> {
  await page.getByTestId('search-input').fill(query);
  const hit = page.getByTestId('search-result').first();
  await expect(hit).toContainText(query);
  const stock = (await hit.getByTestId('hit-stock').textContent()) ?? '';
  await page.getByTestId('search-input').fill('');
  return stock.replace(/\D/g, '');
}

test('a new store: setup with demo data, sign in, scan three items, pay cash, receipt; the sale survives a restart', async ({ page }) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir);
  await page.goto(host.url);

  await runSetup(page, { language: 'en', store: 'Corner Market', admin: 'Alice', pin: '2468' });
  await signIn(page, 'Alice', '2468');
  await openShift(page);

  const waterBefore = Number(await stockOf(page, 'Still Mineral Water 550ml'));

  // A keyboard-wedge scanner: fast keys ending with Enter, with no field clicked first.
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  for (const code of SCANS) await page.keyboard.type(`${code}\n`, { delay: 5 });
  await expect(page.getByTestId('cart-line')).toHaveCount(3);
  await expect(page.getByTestId('cart-total')).toHaveText('$3.42');

  // An unknown barcode says so and changes nothing.
  await page.keyboard.type('1234567890128\n', { delay: 5 });
  await expect(page.getByTestId('error-banner')).toContainText('1234567890128');
  await expect(page.getByTestId('cart-line')).toHaveCount(3);

  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('5');
  await page.getByTestId('complete-sale').click();
  await expect(page.getByTestId('change-due')).toHaveText('$1.58');
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText('Corner Market');
  await expect(receipt).toContainText('Still Mineral Water');
  await expect(receipt).toContainText('$3.42');
  await expect(receipt).toContainText('T1-000001');
  await expect(receipt.locator('svg, canvas, img').first()).toBeVisible();
  await page.getByTestId('new-sale').click();
  await expect(page.getByTestId('cart-line')).toHaveCount(0);

  expect(Number(await stockOf(page, 'Still Mineral Water 550ml'))).toBe(waterBefore - 1);

  // Restart the host: the sale is still there.
  await host.stop();
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Alice', '2468');
  await page.getByTestId('recent-sales-button').click();
  await expect(page.getByTestId('recent-sale').first()).toContainText('T1-000001');
  await page.getByTestId('recent-sale').first().click();
  await expect(page.getByTestId('receipt')).toContainText('$3.42');
});

test('in Chinese: setup, a scanned sale paid by card on the external terminal, and the cart survives a crash', async ({ page }) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir);
  await page.goto(host.url);
  await runSetup(page, { language: 'zh-CN', store: '街角小店', admin: '王芳', pin: '1357' });
  await signIn(page, '王芳', '1357');
  await expect(page.getByTestId('pay-button')).toContainText('收款');
  await openShift(page);

  // Search by pinyin initials finds 苹果 products.
  await page.getByTestId('search-input').fill('pg');
  await expect(page.getByTestId('search-result').first()).toContainText('苹果');
  await page.getByTestId('search-input').fill('');

  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.type(`${SCANS[1]}\n`, { delay: 5 });
  await page.keyboard.type(`${SCANS[1]}\n`, { delay: 5 });
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('line-qty')).toHaveText('2');

  // Crash: SIGKILL the host. The open cart lives in the database.
  await host.stop('SIGKILL');
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, '王芳', '1357');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('line-qty')).toHaveText('2');

  // Pay by card on the external terminal: the clerk confirms approval and keeps only the last 4 digits.
  await page.getByTestId('pay-button').click();
  await page.getByTestId('tender-card').click();
  await page.getByTestId('card-last4').fill('4242');
  await page.getByTestId('card-approved').click();
  await page.getByTestId('complete-sale').click();
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText('街角小店');
  await expect(receipt).toContainText('4242');
  await expect(receipt).toContainText('合计');
});
