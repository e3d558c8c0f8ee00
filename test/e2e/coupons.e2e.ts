import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, demoStore, openView, scan, signIn } from './store';

/** Screens of this feature, in both languages, for a person to look at. */
const SHOTS = process.env['COUPON_SHOTS'] ?? 'test-results/coupon-shots';
const WATER = '6954321000017';
const COLA = '6954321000048';

const T = {
  en: { admin: 'Alice', name: 'Ten off', used: 'already been used', invalid: 'not a valid coupon code', applied: 'Coupon' },
  'zh-CN': { admin: '王芳', name: '九折券', used: '已经用过', invalid: '不是有效的优惠券码', applied: '优惠券' },
} as const;

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

async function shot(page: Page, lang: string, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  // Each screen from its top (a string: this file is typed without the DOM library).
  await page.evaluate("document.querySelector('.settings-main')?.scrollTo(0, 0)");
  await page.screenshot({ path: `${SHOTS}/${lang}-${name}.png`, fullPage: true });
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`${lang}: a manager makes a batch of coupons, a clerk redeems one, the second use is refused`, async ({ page }) => {
    const words = T[lang];
    host = await startHost(tempDataDir());
    await demoStore(host, { language: lang, admin: words.admin });
    const url = new URL(host.url);
    const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
    const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
    const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
    await api(host, 'staff.signIn', { staffId: staff.find((s) => s.name === words.admin)!.id, pin: '2468' }, sid);
    await api(host, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, sid);

    await page.goto(host.url);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await signIn(page, words.admin, '2468');
    await openView(page, 'nav-coupons');
    await expect(page.getByTestId('coupons-none')).toBeVisible();
    await page.getByTestId('coupon-form-name').fill(words.name);
    await page.getByTestId('coupon-form-value').fill('10');
    await page.getByTestId('coupon-form-batch').check();
    await page.getByTestId('coupon-form-count').fill('25');
    await page.getByTestId('coupon-form-submit').click();
    await expect(page.getByTestId('coupon-campaign')).toHaveCount(1);
    await expect(page.getByTestId('coupon-campaign-codes')).toContainText('25');
    await shot(page, lang, 'campaigns');
    await page.getByTestId('coupon-campaign-open').click();
    await expect(page.getByTestId('coupon-code-row')).toHaveCount(25);
    const code = (await page.getByTestId('coupon-code-text').first().textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    await shot(page, lang, 'codes');
    await page.getByTestId('coupons-tab-conflicts').click();
    await expect(page.getByTestId('coupon-conflicts-none')).toBeVisible();
    await shot(page, lang, 'conflicts');
    await page.getByTestId('checkout-link').click();
    await page.getByTestId('lock-button').click();

    // The clerk: two items, then the coupon through the Coupon button.
    await signIn(page, 'Carl', '3333');
    await scan(page, [WATER, COLA]);
    await expect(page.getByTestId('cart-line')).toHaveCount(2);
    const before = await page.getByTestId('cart-total').textContent();
    await page.getByTestId('coupon-button').click();
    // A mistyped code is refused as not a code.
    await page.getByTestId('coupon-code').fill(`${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`);
    await page.getByTestId('coupon-apply').click();
    await expect(page.getByTestId('error-banner')).toContainText(words.invalid);
    await page.getByTestId('coupon-code').fill(code.toLowerCase());
    await page.getByTestId('coupon-apply').click();
    await expect(page.getByTestId('coupon-dialog')).toHaveCount(0);
    await expect(page.getByTestId('cart-coupon')).toContainText(code);
    await expect(page.getByTestId('cart-coupon-amount')).not.toHaveText('');
    expect(await page.getByTestId('cart-total').textContent()).not.toBe(before);
    await shot(page, lang, 'till-coupon');
    await page.getByTestId('pay-button').click();
    await page.getByTestId('cash-tendered').fill('20');
    await page.getByTestId('complete-sale').click();
    await expect(page.getByTestId('change-due')).toBeVisible();
    // The receipt names the coupon on each line it took from.
    await expect(page.getByTestId('receipt-promotion').first()).toContainText(words.applied);
    await shot(page, lang, 'receipt');
    await page.getByTestId('new-sale').click();

    // The same code again, this time scanned into the scan box: refused, the sale unchanged.
    await scan(page, [WATER]);
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    const search = page.getByTestId('search-input');
    await search.fill(code);
    await search.press('Enter');
    await expect(page.getByTestId('error-banner')).toContainText(words.used);
    await expect(page.getByTestId('cart-coupon')).toHaveCount(0);
    await shot(page, lang, 'till-used');
  });
}
