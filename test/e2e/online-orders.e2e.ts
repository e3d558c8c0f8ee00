import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

function seed(dataDir: string, language: 'en' | 'zh-CN'): { ship: string; pickup: string } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/e2e/seed-online-orders.ts', dataDir, language], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { ship: string; pickup: string };
}

async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

async function go(page: Page, view: string) {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId(`nav-${view}`).click();
}

async function openOnlineOrder(page: Page, shopNumber: string) {
  await go(page, 'orders');
  await page.getByTestId('orders-channel').selectOption('online');
  await expect(page.getByTestId('order-row')).toHaveCount(2);
  await page.getByTestId('order-row').filter({ hasText: shopNumber }).click();
  await expect(page.getByTestId('online-shop-number')).toContainText(shopNumber);
}

test('the store ships an online order with a tracking number and hands a pick-up order over after a wrong, then the right code', async ({
  page,
}) => {
  const dataDir = tempDataDir();
  seed(dataDir, 'en');
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Admin', '1234');

  // Orders: the online channel, with the shop's number, buyer and fulfilment.
  await openOnlineOrder(page, 'W-000101');
  const online = page.getByTestId('online-order');
  await expect(online.getByTestId('online-buyer')).toHaveText('Jane Buyer');
  await expect(online.getByTestId('online-fulfilment')).toHaveText('Ships to the buyer');
  await expect(online.getByTestId('online-state')).toHaveText('To ship');
  await expect(online.getByTestId('online-address')).toContainText('1 Market St');
  await page.screenshot({ path: '/tmp/shoptill-order-en.png' });

  // Shipping: it waits with the counter's own ship orders; the label form has the buyer's address.
  await go(page, 'shipping');
  await page.getByTestId('ship-queue-row').filter({ hasText: 'Jane Buyer' }).getByTestId('ship-order').click();
  const form = page.getByTestId('shipment-create');
  await expect(form.getByTestId('addr-line1')).toHaveValue('1 Market St');
  await expect(form.getByTestId('addr-postalCode')).toHaveValue('94105');
  await form.getByTestId('ship-create').click();
  const shipment = page.getByTestId('shipment-detail');
  const tracking = (await shipment.getByTestId('tracking-number').textContent())!;
  expect(tracking).toMatch(/^CT/);
  await expect(page.getByTestId('ship-queue-row')).toHaveCount(0);

  // The buyer's timeline: packed, then shipped with the carrier and tracking number.
  await openOnlineOrder(page, 'W-000101');
  await expect(online.getByTestId('online-state')).toHaveText('Shipped');
  await expect(online.getByTestId('online-step')).toHaveCount(2);
  await expect(online.getByTestId('online-step').nth(1)).toContainText(tracking);
  await page.screenshot({ path: '/tmp/shoptill-shipped-en.png' });

  // Pick-up: a wrong code is refused with the tries left; the right one hands the order over.
  await go(page, 'online');
  await page.getByTestId('pickup-row').filter({ hasText: 'W-000102' }).click();
  await page.getByTestId('pickup-code').fill('000000');
  await page.getByTestId('pickup-submit').click();
  await expect(page.getByTestId('pickup-error')).toContainText('not this order’s code');
  await expect(page.getByTestId('pickup-error')).toContainText('4');
  await page.screenshot({ path: '/tmp/shoptill-pickup-wrong-en.png' });
  await page.getByTestId('pickup-code').fill('482913');
  await page.getByTestId('pickup-submit').click();
  await expect(page.getByTestId('pickup-empty')).toBeVisible();
  await page.screenshot({ path: '/tmp/shoptill-pickup-done-en.png' });

  await openOnlineOrder(page, 'W-000102');
  await expect(online.getByTestId('online-state')).toHaveText('Picked up');

  // The product's stock shows the units an unpaid web order holds.
  await go(page, 'stock');
  await page.getByTestId('stock-search').fill('6954321000048');
  await expect(page.getByTestId('stock-row')).toHaveCount(1);
  await page.getByTestId('stock-row').click();
  await expect(page.getByTestId('stock-editor').getByTestId('reserved-online')).toContainText('3');
  await page.screenshot({ path: '/tmp/shoptill-reserved-en.png' });
});

test('in Chinese: the pick-up counter, a wrong code, and a shortage the manager sees', async ({ page }) => {
  const dataDir = tempDataDir();
  seed(dataDir, 'zh-CN');
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Admin', '1234');

  await go(page, 'online');
  await expect(page.getByTestId('pickup-row')).toHaveCount(1);
  await page.getByTestId('pickup-row').click();
  await expect(page.getByTestId('online-fulfilment')).toHaveText('到店自提');
  await page.getByTestId('pickup-code').fill('123456');
  await page.getByTestId('pickup-submit').click();
  await expect(page.getByTestId('pickup-error')).toContainText('自提码不正确');
  await page.screenshot({ path: '/tmp/shoptill-pickup-zh.png' });

  await page.getByTestId('online-tab-shortages').click();
  await expect(page.getByTestId('shortage-row')).toHaveCount(1);
  await expect(page.getByTestId('shortage-row')).toContainText('W-000101');
  await page.screenshot({ path: '/tmp/shoptill-shortages-zh.png' });

  await page.getByTestId('shortage-row').click();
  await expect(page.getByTestId('online-shortage')).toContainText('缺货');
  await expect(page.getByTestId('online-state')).toHaveText('待发货');
  await page.screenshot({ path: '/tmp/shoptill-order-zh.png' });
});
