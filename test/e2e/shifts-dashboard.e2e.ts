import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { seedHistory } from '../../src/main/setup/history';
import { startHost, tempDataDir, type RunningHost } from './host';

/** `SCREENSHOTS=1 npm run test:e2e` refreshes the README's pictures; otherwise they go to test-results. */
const SHOTS = process.env['SCREENSHOTS'] ? 'docs/screenshots' : 'test-results/screenshots';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

/** A demo store (USD, prices before tax), an extra staff member, and optionally a sales history. */
async function prepareStore(dataDir: string, staff: { name: string; role: 'clerk' | 'manager'; pin: string }, history = 0) {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });
  try {
    const call = async (channel: string, input: unknown) => {
      const r = await app.router.call(channel, input, 'prep');
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value as { id: string }[] & { id: string };
    };
    await call('setup.run', {
      storeName: 'Corner Market',
      currency: 'USD',
      priceMode: 'exclusive',
      timezone: 'UTC',
      language: 'en',
      taxRates: [{ name: 'Sales tax', rateBp: 800, isDefault: true }],
      admin: { name: 'Alice', pin: '2468' },
      demoData: true,
    });
    const list = (await call('staff.list', {})) as unknown as { id: string; name: string }[];
    await call('staff.signIn', { staffId: list.find((s) => s.name === 'Alice')!.id, pin: '2468' });
    await call('staff.create', staff);
    if (history > 0) seedHistory(app.deps, { orders: history, avgLines: 3, days: 90, endAt: Date.now() - 3_600_000, seed: 11 });
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
  await page.getByTestId(`nav-${id}`).click();
}

test('a clerk opens a shift with a counted float, sells, closes with a shortage and sees it on the Z report', async ({ page }) => {
  const dataDir = tempDataDir();
  await prepareStore(dataDir, { name: 'Carl', role: 'clerk', pin: '3333' });
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Carl', '3333');

  // No shift yet: paying prompts to open one.
  await expect(page.getByTestId('shift-required')).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.type('6954321000017\n', { delay: 5 });
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('open-shift-dialog')).toBeVisible();
  // Float: five $20 notes and ten $1 notes = $110.00.
  await page.getByTestId('count-2000').fill('5');
  await page.getByTestId('count-100').fill('10');
  await expect(page.getByTestId('count-total')).toHaveText('$110.00');
  await page.getByTestId('open-shift-submit').click();
  await expect(page.getByTestId('shift-required')).toHaveCount(0);

  // Sell: water 0.69 + cola 0.99 + 8% tax = 1.81, paid cash.
  await page.keyboard.type('6954321000048\n', { delay: 5 });
  await expect(page.getByTestId('cart-total')).toHaveText('$1.81');
  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('5');
  await page.getByTestId('complete-sale').click();
  await expect(page.getByTestId('change-due')).toHaveText('$3.19');
  await page.getByTestId('new-sale').click();

  // Close the shift: the drawer should hold 111.81, but only the float is there.
  await openView(page, 'shifts');
  await expect(page.getByTestId('shift-expected')).toHaveText('$111.81');
  await page.getByTestId('close-shift').click();
  await page.getByTestId('count-2000').fill('5');
  await page.getByTestId('count-100').fill('10');
  await page.getByTestId('close-shift-submit').click();
  const z = page.getByTestId('z-report');
  await expect(z).toBeVisible();
  await expect(page.getByTestId('report-expected')).toHaveText('$111.81');
  await expect(page.getByTestId('report-counted')).toHaveText('$110.00');
  await expect(page.getByTestId('report-over-short-label')).toHaveText('Short');
  await expect(page.getByTestId('report-over-short')).toHaveText('-$1.81');
  await expect(page.getByTestId('report-orders')).toHaveText('1');
  await expect(z.getByTestId('report-tender')).toContainText('Cash');
  // The till has no open shift again.
  await expect(page.getByTestId('open-shift-button')).toBeVisible();
});

test('a manager opens the dashboard and sees charts with data, as tables too; a range ending before it starts is refused', async ({
  page,
}) => {
  const dataDir = tempDataDir();
  await prepareStore(dataDir, { name: 'Mona', role: 'manager', pin: '2222' }, 2500);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await signIn(page, 'Mona', '2222');
  await openView(page, 'dashboard');

  await expect(page.getByTestId('kpi-orders-value')).not.toHaveText('0');
  await expect(page.getByTestId('kpi-revenue-value')).not.toHaveText('$0.00');
  for (const chart of ['chart-time', 'chart-heatmap', 'chart-top-products', 'chart-payments', 'chart-staff', 'chart-top-categories']) {
    await expect(page.getByTestId(chart).locator('svg.recharts-surface').first()).toBeVisible();
  }
  await expect(page.getByTestId('chart-heatmap').locator('rect[fill^="rgba(37, 99, 235"]').first()).toBeVisible();
  // Every chart has a table view.
  await page.getByTestId('chart-top-products-table').click();
  await expect(page.getByTestId('chart-top-products-rows').locator('tbody tr')).toHaveCount(10);
  await page.getByTestId('chart-top-products-chart').click();
  await expect(page.getByTestId('product-row').first()).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  await page.getByTestId('dashboard').evaluate((e) => e.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/dashboard-en.png` });

  // Comparison: a week by week view of the last 90 days.
  await page.getByTestId('preset-d90').click();
  await expect(page.getByTestId('granularity-week')).toHaveClass(/segment-active/);

  // A range that ends before it starts.
  await page.getByTestId('range-from').fill('2026-03-10');
  await page.getByTestId('range-to').fill('2026-03-01');
  await expect(page.getByTestId('range-error')).toHaveText('The range ends before it starts.');
  await expect(page.getByTestId('range-apply')).toBeDisabled();

  // Both languages.
  await page.locator('.lang-switch select').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '销售看板' })).toBeVisible();
  await page.getByTestId('preset-d30').click();
  await expect(page.getByTestId('kpi-revenue')).toContainText('营业额');
  await expect(page.getByTestId('granularity-day')).toHaveClass(/segment-active/);
  await page.getByTestId('dashboard').evaluate((e) => e.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/dashboard-zh-CN.png` });
});
