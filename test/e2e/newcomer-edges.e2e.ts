import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { startHost, tempDataDir, type RunningHost } from './host';
import { demoStore, signIn } from './store';

type Lang = 'en' | 'zh-CN';
const LANGS: Lang[] = ['en', 'zh-CN'];

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

/** Screens worth looking at by eye land in /tmp/newcomer-shots (not asserted on). */
async function shot(page: Page, name: string) {
  mkdirSync('/tmp/newcomer-shots', { recursive: true });
  await page.screenshot({ path: `/tmp/newcomer-shots/${name}.png` });
}

async function demoSignedIn(page: Page, language: Lang) {
  host = await startHost(tempDataDir());
  await demoStore(host, { language });
  await page.goto(host.url);
  await signIn(page, 'Alice', '2468');
}

test.describe('setup in a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });
  test('opens in Chinese, with the demo-data box unticked', async ({ page }) => {
    host = await startHost(tempDataDir());
    await page.goto(host.url);
    await expect(page.getByTestId('setup-language')).toHaveValue('zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('欢迎使用 Countertop');
    await expect(page.getByTestId('setup-demo')).not.toBeChecked();
    await shot(page, 'setup-zh');
  });
});

test.describe('setup in an English browser', () => {
  test.use({ locale: 'en-US' });
  test('opens in English, with the demo-data box unticked', async ({ page }) => {
    host = await startHost(tempDataDir());
    await page.goto(host.url);
    await expect(page.getByTestId('setup-language')).toHaveValue('en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Countertop');
    await expect(page.getByTestId('setup-demo')).not.toBeChecked();
    await shot(page, 'setup-en');
  });
});

for (const language of LANGS) {
  test(`${language}: text typed and Enter pressed at once adds the product (no wait for the search)`, async ({ page }) => {
    await demoSignedIn(page, language);
    const search = page.getByTestId('search-input');
    // fill + Enter lands well inside the search's debounce: the results are not back yet.
    await search.fill('DRK-0004');
    await search.press('Enter');
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    await expect(page.getByTestId('cart-line')).toContainText(language === 'en' ? 'Coca-Cola 330ml' : '可口可乐 330毫升');
    await search.fill(language === 'en' ? 'Sparkling Water' : '苏打水');
    await search.press('Enter');
    await expect(page.getByTestId('cart-line')).toHaveCount(2);
    await expect(search).toHaveValue('');
  });
}
