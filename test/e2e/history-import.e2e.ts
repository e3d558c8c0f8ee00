import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

/** Calls the host's API as this page's signed-in session. */
async function api(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown }> {
  type Storage = { getItem(key: string): string | null };
  return (await page.evaluate(
    async ([ch, inp]) => {
      const session = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.getItem('countertop.sessionId') ?? '';
      const res = await fetch('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-session': session },
        body: JSON.stringify({ channel: ch, input: inp }),
      });
      return res.json();
    },
    [channel, input] as const,
  )) as { ok: boolean; value?: unknown };
}

const CUSTOMERS = [
  'Customer name,Email,Phone,Customer code,Note,First visit,Total visits,Points balance',
  '陈美,mei@example.com,13800138000,L1,,2024-01-02,3,45',
].join('\n');

const SHOPIFY = [
  'Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,Billing Name,Payment Method',
  '#1001,mei@example.com,paid,CNY,30.00,0.00,0.00,30.00,2025-04-01 10:00:00 +0800,2,Green tea,15.00,TEA-1,0.00,陈美,Cash',
  '#1002,mei@example.com,paid,CNY,15.00,0.00,0.00,15.00,2025-04-02 11:00:00 +0800,1,Green tea,15.00,TEA-1,0.00,陈美,Alipay',
  '#1003,,paid,CNY,15.00,0.00,0.00,15.00,2025-04-03 11:00:00 +0800,-1,Green tea,15.00,TEA-1,0.00,,Cash',
].join('\n');

test('in Chinese, a manager brings customers and past Shopify sales along: preview, row errors, counts, and the dashboard shows them', async ({
  page,
}) => {
  host = await startHost(tempDataDir());
  await page.goto(host.url);
  await page.getByTestId('setup-store-name').fill('Corner Market');
  await page.getByTestId('setup-admin-name').fill('Alice');
  await page.getByTestId('setup-pin').fill('2468');
  await page.getByTestId('setup-pin-confirm').fill('2468');
  await page.getByTestId('setup-submit').click();
  await signIn(page, 'Alice', '2468');
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await page.getByTestId('nav-menu').click();
  await page.getByTestId('nav-stock').click();

  // Customers from Loyverse.
  await page.getByTestId('import-csv').click();
  await page.getByTestId('import-kind-customers').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CUSTOMERS) });
  await expect(page.getByTestId('import-summary')).toHaveText('共 1 行：新顾客 1 位，已有顾客 0 位，0 处错误');
  await page.getByTestId('import-commit').click();
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);

  // Sales from Shopify: the negative quantity is a row error, said in Chinese; the valid orders go in.
  await page.getByTestId('import-csv').click();
  await page.getByTestId('import-kind-sales').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(SHOPIFY) });
  await expect(page.getByTestId('import-summary')).toContainText('2 笔订单');
  await expect(page.getByTestId('import-summary')).toContainText('找到顾客 1 位');
  const rows = page.getByTestId('import-errors').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText('数量“-1”必须大于零');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  await page.getByTestId('import-valid').click();
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);

  // Importing the same file again adds nothing.
  await page.getByTestId('import-csv').click();
  await page.getByTestId('import-kind-sales').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(SHOPIFY) });
  await expect(page.getByTestId('import-summary')).toContainText('2 笔之前已导入');
  await page.getByTestId('modal-close').click();

  const summary = (await api(page, 'insight.summary', { from: '2025-04-01', to: '2025-04-02' })) as {
    value: { current: { orders: number; sales: number } };
  };
  expect(summary.value.current.orders).toBe(2);
  const customers = (await api(page, 'insight.customers', {})) as { value: { repeatCustomers: number } };
  expect(customers.value.repeatCustomers).toBe(1);
});
