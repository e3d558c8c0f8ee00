import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, openView, scan, signIn } from './store';

const SHOTS = process.env.CARD_SHOTS ?? null;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

// Demo catalog: cola 0.99 (each).
const COLA = '6954321000048';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

type Lang = 'en' | 'zh-CN';
const T = {
  en: { admin: 'Alice', sold: 'Card', balance: (a: string) => `$${a}`, toppedUp: 'Topped up', tender: 'Gift / stored-value card' },
  'zh-CN': { admin: '王芳', sold: '已售出卡', balance: (a: string) => `¥${a}`, toppedUp: '充值成功', tender: '储值卡' },
} as const;

async function openStore(page: Page, language: Lang) {
  host = await startHost(tempDataDir());
  const admin = T[language].admin;
  await api(host, 'setup.run', {
    storeName: language === 'en' ? 'Corner Market' : '街角小店',
    currency: language === 'en' ? 'USD' : 'CNY',
    priceMode: 'inclusive',
    timezone: 'UTC',
    language,
    taxRates: [{ name: language === 'en' ? 'Sales tax' : '增值税', rateBp: 800, isDefault: true }],
    admin: { name: admin, pin: '2468' },
    demoData: true,
  });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((x) => x.name === admin)!.id, pin: '2468' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  // A bonus rule, so the top-up shows it: top up 20 or more, get 2.
  await api(
    host,
    'cards.setSettings',
    { bonusRules: [{ minTopUp: 2000, bonus: 200 }], expiryMonths: 12, cnRules: 'auto', offlineMaxPerSpend: 0, offlineMaxTotal: 0 },
    sid,
  );
  await api(host, 'staff.signOut', {}, sid);
  await page.goto(host.url);
  await signIn(page, admin, '2468');
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`${lang}: sell a card, top it up with a bonus, pay part of a sale with it, and see the balance`, async ({ page }) => {
    await openStore(page, lang);
    await openView(page, 'nav-cards');

    await page.getByTestId('issue-amount').fill('50');
    await page.getByTestId('issue-submit').click();
    await expect(page.getByTestId('cards-notice')).toContainText(T[lang].sold);
    const panel = page.getByTestId('card-panel');
    await expect(page.getByTestId('card-balance')).toHaveText(T[lang].balance('50.00'));
    const number = (await panel.locator('.mono').textContent())!.trim();
    expect(number).toMatch(/^\d{16}$/);

    await page.getByTestId('topup-amount').fill('20');
    await expect(page.getByTestId('topup-bonus')).toContainText('2.00');
    await page.getByTestId('topup-submit').click();
    await expect(page.getByTestId('cards-notice')).toContainText(T[lang].toppedUp);
    await expect(page.getByTestId('card-balance')).toHaveText(T[lang].balance('72.00'));
    if (lang === 'zh-CN') await expect(page.getByTestId('cn-active')).toBeVisible();
    await shot(page, `cards-${lang}`);

    // Two colas (1.98): 0.50 from the card, the rest in cash.
    await page.getByTestId('checkout-link').click();
    await scan(page, [COLA, COLA]);
    await page.getByTestId('pay-button').click();
    await page.getByTestId('tender-stored-value').click();
    await page.getByTestId('tender-card-number').fill(number);
    await page.getByTestId('tender-card-check').click();
    await expect(page.getByTestId('tender-card-balance')).toContainText('72.00');
    await page.getByTestId('tender-card-amount').fill('0.50');
    await page.getByTestId('tender-card-add').click();
    await expect(page.getByTestId('tender-line')).toContainText(T[lang].tender);
    await expect(page.getByTestId('payment-due')).toContainText('1.48');
    await shot(page, `tender-${lang}`);
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('quick-cash').first().click();
    await page.getByTestId('complete-sale').click();
    await expect(page.getByTestId('receipt-dialog')).toBeVisible();
    await page.keyboard.press('Escape');

    await openView(page, 'nav-cards');
    await page.getByTestId('card-number').fill(number);
    await page.getByTestId('card-lookup').click();
    await expect(page.getByTestId('card-balance')).toHaveText(T[lang].balance('71.50'));
    await expect(page.getByTestId('card-history').locator('tr')).toHaveCount(4);
    await shot(page, `balance-${lang}`);
  });
}
