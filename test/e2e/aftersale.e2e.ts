import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

function seed(dataDir: string, language: 'en' | 'zh-CN' = 'en'): { order: { id: string; number: string; total: number } } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/e2e/seed-aftersale.ts', dataDir, language], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { order: { id: string; number: string; total: number } };
}

async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

async function stockOf(page: Page, query: string): Promise<number> {
  await page.getByTestId('search-input').fill(query);
  const hit = page.getByTestId('search-result').first();
  await expect(hit).toContainText(query);
  const stock = (await hit.getByTestId('hit-stock').textContent()) ?? '';
  await page.getByTestId('search-input').fill('');
  return Number(stock.replace(/[^\d-]/g, ''));
}

/** A keyboard-wedge scanner: fast keys ending with Enter, with no field clicked first. */
async function scan(page: Page, code: string) {
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.type(`${code}\n`, { delay: 5 });
}

/** A barcode typed into the search box and entered (the counter's other way in; steadier on a busy machine). */
async function enterCode(page: Page, code: string, lines: number) {
  await page.getByTestId('search-input').fill(code);
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('cart-line')).toHaveCount(lines);
}

test('a clerk returns one item of an earlier sale by scanning its receipt and refunds it in cash', async ({ page }) => {
  const dataDir = tempDataDir();
  const { order } = seed(dataDir);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');
  const colaBefore = await stockOf(page, 'Cola 330ml');

  // The receipt's barcode is the order number: scanning it at the counter opens the order.
  await scan(page, order.number);
  const detail = page.getByTestId('order-detail');
  await expect(detail.getByTestId('order-number')).toHaveText(order.number);
  await expect(detail.getByTestId('order-line')).toHaveCount(2);

  await detail.getByTestId('order-return').click();
  const dialog = page.getByTestId('return-dialog');
  const colaRow = dialog.getByTestId('return-line').filter({ hasText: 'Cola' });
  await colaRow.getByTestId('return-inc').click();
  await expect(colaRow.getByTestId('return-qty')).toHaveValue('1');
  await dialog.getByTestId('refund-method-cash').click();
  await expect(dialog.getByTestId('return-total')).toHaveText('$0.99');
  await dialog.getByTestId('return-confirm').click();

  await expect(page.getByTestId('refund-done')).toContainText('$0.99');
  await expect(page.getByTestId('refund-done')).toContainText('Cash');
  await expect(detail.getByTestId('order-refund')).toHaveCount(1);
  await expect(detail.getByTestId('order-refunded')).toContainText('$0.99');

  // Returning the same cola again is refused: only one of the two is left to return.
  await detail.getByTestId('order-return').click();
  const again = page.getByTestId('return-dialog').getByTestId('return-line').filter({ hasText: 'Cola' });
  await again.getByTestId('return-qty').fill('2');
  await expect(page.getByTestId('return-dialog').getByTestId('return-confirm')).toBeDisabled();
  await page.getByTestId('return-dialog').getByTestId('modal-close').click();

  // The cola went back on the shelf.
  await page.getByTestId('checkout-link').click();
  expect(await stockOf(page, 'Cola 330ml')).toBe(colaBefore + 1);
});

test('a Chinese store shows product names in the screen language on orders and returns', async ({ page }) => {
  // Its products are named in Chinese, with English as the alternate name (the reverse of an English store).
  const dataDir = tempDataDir();
  const { order } = seed(dataDir, 'zh-CN');
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');
  await scan(page, order.number);
  const detail = page.getByTestId('order-detail');
  await expect(detail.getByTestId('order-line').filter({ hasText: '可口可乐 330毫升罐装' })).toHaveCount(1);
  await expect(detail).not.toContainText('Coca-Cola');
  await detail.getByTestId('order-return').click();
  const dialog = page.getByTestId('return-dialog');
  await expect(dialog.getByTestId('return-line').filter({ hasText: '矿泉水 550毫升' })).toHaveCount(1);
  await expect(dialog).not.toContainText('Still Mineral Water');
  await dialog.getByTestId('modal-close').click();

  await page.getByTestId('language-switch').selectOption('en');
  await expect(detail.getByTestId('order-line').filter({ hasText: 'Coca-Cola 330ml Can' })).toHaveCount(1);
  await expect(detail).not.toContainText('可口可乐');
});

test('a manager ships an order to a customer, prints its label and marks it delivered', async ({ page }) => {
  const dataDir = tempDataDir();
  seed(dataDir);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Mona', '2222');

  // Sell to Jane, to be shipped: stock does not move yet.
  const waterBefore = await stockOf(page, 'Still Mineral Water 550ml');
  await enterCode(page, '6954321000017', 1);
  await page.getByTestId('attach-customer').click();
  await page.getByTestId('customer-search').fill('jane');
  await page.getByTestId('customer-picker').getByTestId('customer-row').first().click();
  await expect(page.getByTestId('sale-customer')).toContainText('Jane Doe');
  await page.getByTestId('ship-toggle').click();
  await expect(page.getByTestId('ship-toggle')).toBeChecked();
  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('5');
  await page.getByTestId('complete-sale').click();
  await page.getByTestId('new-sale').click();
  expect(await stockOf(page, 'Still Mineral Water 550ml')).toBe(waterBefore);

  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-shipping').click();
  await page.getByTestId('ship-queue-row').filter({ hasText: 'Jane Doe' }).getByTestId('ship-order').click();
  const form = page.getByTestId('shipment-create');
  await expect(form.getByTestId('addr-name')).toHaveValue('Jane Doe');
  await form.getByTestId('addr-line1').fill('1 Market St');
  await form.getByTestId('addr-city').fill('San Francisco');
  await form.getByTestId('addr-region').fill('CA');
  await form.getByTestId('addr-postalCode').fill('9410');
  await form.getByTestId('ship-create').click();
  // A malformed address: an error on the field, nothing created.
  await expect(form.getByTestId('addr-error-postalCode')).toBeVisible();
  await form.getByTestId('addr-postalCode').fill('94105');
  await expect(form.getByTestId('addr-error-postalCode')).toHaveCount(0);
  await form.getByTestId('ship-create').click();

  const shipment = page.getByTestId('shipment-detail');
  await expect(shipment.getByTestId('shipment-status')).toHaveText('Label created');
  const tracking = (await shipment.getByTestId('tracking-number').textContent())!;
  expect(tracking).toMatch(/^CTT1\d{10}$/);
  await page.getByTestId('checkout-link').click();
  expect(await stockOf(page, 'Still Mineral Water 550ml')).toBe(waterBefore - 1);
  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-shipping').click();
  await page.getByTestId('shipment-row').filter({ hasText: tracking }).click();

  // The label: shown at 4×6 with the tracking barcode, printed, and downloadable as PDF.
  await shipment.getByTestId('open-label').click();
  const label = page.getByTestId('label-dialog');
  await expect(label.getByTestId('label-paper')).toContainText('Jane Doe');
  await expect(label.getByTestId('label-paper')).toContainText('94105');
  await expect(label.getByTestId('label-barcode')).toBeVisible();
  // Count print requests instead of opening the browser's print dialog.
  type Printable = { print(): void; printed: number };
  await page.evaluate(() => {
    const w = globalThis as unknown as Printable;
    w.printed = 0;
    w.print = () => {
      w.printed += 1;
    };
  });
  await label.getByTestId('label-print').click();
  expect(await page.evaluate(() => (globalThis as unknown as Printable).printed)).toBe(1);
  const [download] = await Promise.all([page.waitForEvent('download'), label.getByTestId('label-pdf').click()]);
  expect(download.suggestedFilename()).toBe(`label-${tracking}.pdf`);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await label.getByTestId('modal-close').click();

  for (const status of ['handed_over', 'in_transit', 'delivered']) await shipment.getByTestId(`mark-${status}`).click();
  await expect(shipment.getByTestId('shipment-status')).toHaveText('Delivered');
  await expect(shipment.getByTestId('timeline').locator('li')).toHaveCount(4);
});

test('a parked sale survives a restart of the host and shows who parked it', async ({ page }) => {
  const dataDir = tempDataDir();
  seed(dataDir);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');
  await enterCode(page, '6954321000048', 1);
  await enterCode(page, '6954321000017', 2);
  await page.getByTestId('park-sale').click();
  await expect(page.getByTestId('cart-line')).toHaveCount(0);
  await expect(page.getByTestId('parked-open')).toContainText('1');

  // The next customer is served meanwhile.
  await enterCode(page, '6954321000048', 1);

  await host.stop();
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');
  await page.getByTestId('parked-open').click();
  const row = page.getByTestId('parked-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('parked-by')).toHaveText('Carl');
  await row.getByTestId('parked-resume').click();
  // The parked sale is back; the one in progress was parked in its place.
  await expect(page.getByTestId('cart-line')).toHaveCount(2);
  await expect(page.getByTestId('parked-open')).toContainText('1');
});

test('a receiptless return: the amount follows the quantity, a line can be removed, a manager approves', async ({ page }) => {
  const dataDir = tempDataDir();
  seed(dataDir);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');
  const waterBefore = await stockOf(page, 'Mineral Water 550ml');

  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('receiptless-open').click();
  const dialog = page.getByTestId('receiptless-dialog');
  for (const q of ['Mineral Water 550ml', 'Cola 330ml']) {
    await dialog.getByTestId('receiptless-search').fill(q);
    await dialog
      .getByRole('button', { name: new RegExp(q) })
      .first()
      .click();
  }
  await expect(dialog.getByTestId('receiptless-amount')).toHaveCount(2);
  // Two waters at today's price; then the cola is taken off again.
  await dialog.getByTestId('receiptless-units').first().fill('2');
  await expect(dialog.getByTestId('receiptless-amount').first()).toHaveValue('1.38');
  await dialog.getByTestId('receiptless-remove').nth(1).click();
  await expect(dialog.getByTestId('receiptless-amount')).toHaveCount(1);
  // A cleared quantity blocks the refund instead of turning into 1.
  await dialog.getByTestId('receiptless-units').first().fill('');
  await expect(dialog.getByTestId('receiptless-confirm')).toBeDisabled();
  await dialog.getByTestId('receiptless-units').first().fill('2');
  await expect(dialog.getByTestId('receiptless-confirm')).toContainText('$1.38');
  await dialog.getByTestId('receiptless-confirm').click();

  const approval = page.getByTestId('approval-dialog');
  await approval.getByTestId('approver-Mona').click();
  await approval.getByTestId('approval-pin').fill('2222');
  await approval.getByTestId('approval-submit').click();
  await expect(dialog).toHaveCount(0);

  await page.getByTestId('checkout-link').click();
  expect(await stockOf(page, 'Mineral Water 550ml')).toBe(waterBefore + 2);
});
