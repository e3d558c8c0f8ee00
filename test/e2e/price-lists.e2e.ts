import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { openView, scan, signIn } from './store';

/** Screenshots of the screen in both languages when PRICELIST_SHOTS names a folder. */
const SHOTS = process.env.PRICELIST_SHOTS ?? null;
const shot = async (page: Page, name: string) => {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

const COLA = '6954321000048';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

const WORDS = {
  en: { list: 'Member price', total: /\$0\.50/, group: 'Wholesale' },
  'zh-CN': { list: '会员价', total: /¥0\.50/, group: '批发' },
} as const;

for (const language of ['en', 'zh-CN'] as const) {
  test(`${language}: a manager makes a member price; the clerk attaches a member and the line and total show it`, async ({ page }) => {
    const words = WORDS[language];
    const dataDir = tempDataDir();
    execFileSync(process.execPath, ['--import', 'tsx', 'test/e2e/seed-aftersale.ts', dataDir, language], { encoding: 'utf8' });
    host = await startHost(dataDir);
    await page.goto(host.url);

    // The manager: a group, then a member price list with cola at 0.50.
    await signIn(page, 'Mona', '2222');
    await openView(page, 'nav-pricelists');
    await expect(page.getByTestId('price-lists-screen')).toBeVisible();
    await page.getByTestId('group-name').fill('Wholesale');
    await page.getByTestId('group-name-zh').fill('批发');
    await page.getByTestId('group-create').click();
    await expect(page.getByTestId('group-row')).toHaveCount(1);
    await expect(page.getByTestId('group-row')).toContainText(words.group);

    await page.getByTestId('list-name').fill('Member price');
    await page.getByTestId('list-name-zh').fill('会员价');
    await page.getByTestId('list-target').selectOption('members');
    await page.getByTestId('list-create').click();
    await expect(page.getByTestId('list-row')).toHaveCount(1);
    const entries = page.getByTestId('price-list-entries');
    await expect(entries).toContainText(words.list);
    await entries.getByTestId('entry-product').fill(COLA);
    await entries.getByTestId('entry-product-hit').first().click();
    await entries.getByTestId('entry-price').fill('0.50');
    await entries.getByTestId('entry-add').click();
    await expect(entries.getByTestId('entry-row')).toHaveCount(1);
    await expect(entries.getByTestId('entry-row')).toContainText('0.50');
    await shot(page, `price-lists-${language}`);
    await page.getByTestId('lock-button').click();

    // The clerk at the counter: shelf price first, the member price once Jane is on the sale.
    await signIn(page, 'Carl', '3333');
    await scan(page, [COLA]);
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    await expect(page.getByTestId('line-price-list')).toHaveCount(0);
    await expect(page.getByTestId('cart-total')).not.toHaveText(words.total);
    await page.getByTestId('attach-customer').click();
    await page.getByTestId('customer-search').fill('jane');
    await page.getByTestId('customer-picker').getByTestId('customer-row').first().click();
    await expect(page.getByTestId('line-price-list')).toHaveText(words.list);
    await expect(page.getByTestId('line-total')).toHaveText(words.total);
    await expect(page.getByTestId('cart-total')).toHaveText(words.total);
    await shot(page, `counter-member-price-${language}`);
  });
}
