// Two tills and the cloud, as the README walks a new user through it: connect the first till, join a
// second with a one-time code (in Chinese), a price edit travels, both sell while the cloud is down,
// and after it restarts the stock on both tills is the sum of their sales.
import { expect, test, type Page } from '@playwright/test';
import { E2E_SIGNUP_SECRET, freePort, startCloud, startHost, tempDataDir, type RunningHost } from './host';
import { demoStore, openView, scan, signIn } from './store';

// Demo catalog: Still Mineral Water 550ml, 148 in stock, $0.69.
const WATER = { sku: 'DRK-0001', code: '6954321000017', stock: 148 };

const running: RunningHost[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function stockOf(page: Page): Promise<{ qty: number; text: string }> {
  await page.getByTestId('search-input').fill(WATER.code);
  const hit = page.getByTestId('search-result').first();
  await expect(hit).toContainText(WATER.sku);
  const qty = Number(((await hit.getByTestId('hit-stock').textContent()) ?? '').replace(/\D/g, ''));
  const text = (await hit.textContent()) ?? '';
  await page.getByTestId('search-input').fill('');
  return { qty, text };
}

async function sellWater(page: Page, n: number) {
  await scan(page, Array<string>(n).fill(WATER.code));
  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('20');
  await page.getByTestId('complete-sale').click();
  await page.getByTestId('new-sale').click();
}

async function syncNow(page: Page) {
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-now')).toBeEnabled();
}

test('two tills: connect, join by code in Chinese, a price travels, offline sales converge after the cloud restarts', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const port = await freePort();
  const cloudDir = tempDataDir();
  const [cloud, host1, host2] = await Promise.all([startCloud(cloudDir, port), startHost(tempDataDir()), startHost(tempDataDir())]);
  running.push(cloud, host1, host2);
  await demoStore(host1);
  const t1 = await browser.newPage();
  const t2 = await browser.newPage();

  // Till 1 (an admin) connects: an unreachable address says so, the right one connects.
  await t1.goto(host1.url);
  await signIn(t1, 'Alice', '2468');
  await openView(t1, 'nav-sync');
  await t1.getByTestId('sync-server').fill(`http://127.0.0.1:${await freePort()}`);
  await t1.getByTestId('sync-create-org').click();
  await expect(t1.getByText('The cloud cannot be reached. Check the network and the address.')).toBeVisible();
  await t1.getByTestId('sync-server').fill(cloud.url);
  await t1.getByTestId('sync-create-org').click();
  await expect(t1.getByText('The sign-up secret is wrong. Ask whoever runs the cloud for it.')).toBeVisible();
  await t1.getByTestId('sync-signup-secret').fill(E2E_SIGNUP_SECRET);
  await t1.getByTestId('sync-create-org').click();
  await expect(t1.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'online');

  // It signs in to the cloud and makes a one-time code for a new till.
  await t1.getByTestId('sync-cloud-pin').fill('2468');
  await t1.getByTestId('sync-cloud-signin').click();
  await t1.getByTestId('sync-add-terminal').click();
  const code = (await t1.getByTestId('sync-code').textContent())!;

  // Till 2 is set up in Chinese by joining: a wrong code is refused in Chinese; the right one downloads the store.
  await t2.goto(host2.url);
  await t2.getByTestId('setup-language').selectOption('zh-CN');
  await t2.getByTestId('setup-join').click();
  await t2.getByTestId('join-server').fill(cloud.url);
  await t2.getByTestId('join-code').fill('AAAA-BBBB-CCCC');
  await t2.getByTestId('join-submit').click();
  await expect(t2.getByTestId('error-banner')).toHaveText('代码无效、已使用或已过期。请向管理员索取新代码。');
  await t2.getByTestId('join-code').fill(code);
  await t2.getByTestId('join-submit').click();
  // The store's language is English, but this till was set up in Chinese and stays so.
  await signIn(t2, 'Alice', '2468');
  await expect(t2.getByTestId('pay-button')).toContainText('收款');
  await t2.getByTestId('open-shift-button').click();
  await t2.getByTestId('count-2000').fill('5');
  await t2.getByTestId('open-shift-submit').click();
  await expect(t2.getByTestId('shift-required')).toHaveCount(0);

  // A price edited on till 1 reaches till 2.
  await openView(t1, 'nav-stock');
  await t1.getByTestId('stock-search').fill(WATER.sku);
  await expect(t1.getByTestId('stock-row')).toHaveCount(1);
  await t1.getByTestId('stock-row').click();
  await t1.getByTestId('editor-tab-details').click();
  await t1.getByTestId('product-price').fill('0.89');
  await t1.getByTestId('product-save').click();
  await expect(t1.getByTestId('info-banner')).toBeVisible();
  await t1.getByTestId('modal-close').click();
  await expect.poll(async () => (await stockOf(t2)).text, { timeout: 15_000 }).toContain('0.89');

  // The cloud dies; both tills keep selling.
  await cloud.stop('SIGKILL');
  await t1.getByTestId('info-banner').waitFor({ state: 'detached' });
  await t1.getByTestId('checkout-link').click();
  await sellWater(t1, 2);
  await sellWater(t2, 1);
  await openView(t2, 'nav-sync');
  await syncNow(t2);
  // No false "Synced": the till says, in its language, that the cloud cannot be reached.
  await expect(t2.getByTestId('error-banner')).toContainText('无法连接云端。请检查网络和地址。');
  await expect(t2.getByTestId('sync-last-error')).toHaveText('最近的问题: 无法连接云端。请检查网络和地址。');
  await expect(t2.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'offline');
  await expect(t2.getByTestId('sync-pending')).toBeVisible();
  await expect(t1.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });

  // The cloud comes back at the same address: both send, both pull, stock is the sum on both.
  running.splice(running.indexOf(cloud), 1, await startCloud(cloudDir, port));
  await openView(t1, 'nav-sync');
  await syncNow(t1);
  await syncNow(t2);
  await syncNow(t1);
  for (const page of [t1, t2]) {
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'online');
    await expect(page.getByTestId('sync-pending-count')).toHaveText('0');
    await page.getByTestId('checkout-link').click();
    expect((await stockOf(page)).qty).toBe(WATER.stock - 3);
  }
});
