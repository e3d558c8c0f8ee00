// A printed receipt links the counter to the web: the clerk sells at the till, the receipt shows a
// QR code of the sale's page online; the customer opens it (in Chinese), signs up, claims the sale
// into the new account and asks for an invoice; the manager issues it from the till's queue and the
// customer's page says so.
import { expect, test, type Page } from '@playwright/test';
import { startHost, startShopCloud, tempDataDir, type RunningHost } from './host';
import { api, scan, signIn } from './store';

const running: RunningHost[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

const WATER = '6954321000017';
const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/receiptclaim-${name}.png`, fullPage: true });

/** The unified social credit code with its check character (GB 32100-2015), for the form. */
function uscc(first17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((s, ch, i) => s + alphabet.indexOf(ch) * weights[i]!, 0);
  return first17 + alphabet[(31 - (sum % 31)) % 31]!;
}

test('a receipt’s QR opens the sale online; the customer claims it into a new account in Chinese and gets an invoice', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const [cloud, host] = await Promise.all([startShopCloud(tempDataDir()), startHost(tempDataDir())]);
  running.push(cloud, host);

  await api(host, 'setup.run', {
    storeName: '街角超市',
    currency: 'CNY',
    priceMode: 'inclusive',
    timezone: 'Asia/Shanghai',
    language: 'zh-CN',
    taxRates: [{ name: '增值税', rateBp: 1300, isDefault: true }],
    admin: { name: 'Admin', pin: '1234' },
    demoData: true,
  });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Admin')!.id, pin: '1234' }, sid);
  await api(host, 'sync.createOrg', { serverUrl: cloud.url, orgName: '街角', signupSecret: 'e2e-signup-secret' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 10000, pieces: 2 }] }, sid);

  // The clerk sells two bottles of water for cash; the receipt carries the QR code and the link.
  const clerk = await browser.newPage();
  await clerk.goto(host.url);
  await signIn(clerk, 'Admin', '1234');
  await scan(clerk, [WATER, WATER]);
  await clerk.getByTestId('pay-button').click();
  await clerk.getByTestId('cash-tendered').fill('100');
  await clerk.getByTestId('complete-sale').click();
  const qr = clerk.getByTestId('receipt-online-qr');
  await expect(qr).toBeVisible();
  const link = (await qr.getAttribute('data-value')) ?? '';
  expect(link).toMatch(new RegExp(`^${cloud.url}/shop/[0-9a-f-]{36}/r/[0-9A-Z]{26}$`));
  await expect(clerk.getByTestId('receipt-online')).toContainText(link);
  await shot(clerk, 'till-receipt');
  const number = ((await clerk.getByTestId('receipt-number').textContent()) ?? '').match(/T1-\d+/)?.[0] ?? '';
  expect(number).not.toBe('');
  await clerk.getByTestId('new-sale').click();
  await api(host, 'sync.now', {}, sid);

  // The customer scans it: the sale's page, in Chinese.
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 420, height: 860 } });
  const buyer = await ctx.newPage();
  await buyer.goto(link);
  await expect(buyer.locator('h1')).toHaveText(`小票 ${number}`);
  await expect(buyer.locator('main')).toContainText('矿泉水');
  await shot(buyer, 'receipt-zh');

  // Claim: sign up first, then back to the receipt.
  await buyer.getByRole('link', { name: '登录或注册账户后存入这笔消费' }).click();
  await buyer.getByRole('link', { name: /注册/ }).last().click();
  await buyer.locator('#f-login').fill('lei@example.com');
  await buyer.locator('#f-name').fill('李雷');
  await buyer.locator('#f-password').fill('茉莉花茶与包子-2026');
  await buyer.getByRole('button', { name: '注册' }).click();
  await expect(buyer).toHaveURL(link);
  await buyer.getByRole('button', { name: '存入我的账户' }).click();
  await expect(buyer.locator('main')).toContainText('完成：这笔消费已存入您的账户。');
  await expect(buyer.getByRole('link', { name: '评价' }).first()).toBeVisible();
  await shot(buyer, 'claimed-zh');

  // Ask for an invoice: a wrong credit code is explained, a right one is sent.
  await buyer.getByRole('link', { name: '申请发票' }).click();
  await buyer.locator('input[name="title"]').fill('上海街角贸易有限公司');
  await buyer.locator('input[name="taxNumber"]').fill('91310000MA1FL0000X');
  await buyer.getByRole('button', { name: '提交申请' }).click();
  await expect(buyer.locator('main')).toContainText('统一社会信用代码为 18 位字母和数字');
  await shot(buyer, 'invoice-error-zh');
  await buyer.locator('input[name="taxNumber"]').fill(uscc('91310000MA1FL0000'));
  await buyer.getByRole('button', { name: '提交申请' }).click();
  await expect(buyer.locator('main')).toContainText('申请已提交');
  await expect(buyer.locator('main')).toContainText('等待商家开具');
  await shot(buyer, 'invoice-requested-zh');

  // The order history lists the purchase in store.
  await buyer.goto(`${new URL(link).origin}${new URL(link).pathname.replace(/\/r\/.*$/, '')}/account/orders`);
  await expect(buyer.locator('main')).toContainText('门店消费');
  await expect(buyer.locator('main')).toContainText(number);

  // The manager issues it from the till's queue (Online orders → Invoices).
  await api(host, 'sync.now', {}, sid);
  await clerk.getByTestId('nav-menu').click();
  await clerk.getByTestId('nav-online').click();
  await clerk.getByTestId('online-tab-invoices').click();
  const row = clerk.getByTestId('invoice-row').first();
  await expect(row).toContainText('上海街角贸易有限公司');
  await expect(row).toContainText(number);
  await shot(clerk, 'till-invoice-queue');
  await row.getByTestId('invoice-issue').click();
  await clerk.getByTestId('invoice-decide-value').fill('31000000 00012345');
  await shot(clerk, 'till-invoice-issue');
  await clerk.getByTestId('invoice-decide-confirm').click();
  await expect(clerk.getByTestId('invoice-row')).toHaveCount(0);
  await api(host, 'sync.now', {}, sid);

  await buyer.goto(link);
  await expect(buyer.locator('main')).toContainText('已开具：发票号码 31000000 00012345');
  await shot(buyer, 'invoice-issued-zh');
});
