// Paying in a store's online shop with WeChat Pay (API v3, the fake merchant's QR code scanned by
// a "phone") in Chinese, and with Stripe Checkout (the fake hosted page, its webhook) in English:
// each buyer ends on their order page, paid, and the till sees both orders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startHost, startShopCloud, tempDataDir, type RunningHost } from './host';
import { api } from './store';

const running: RunningHost[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

const COLA = '6954321000048';
const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/shoppay-${name}.png`, fullPage: true });

async function tillSession(host: RunningHost): Promise<(channel: string, input: unknown) => Promise<unknown>> {
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Admin')!.id, pin: '1234' }, sid);
  return (channel, input) => api(host, channel, input, sid);
}

/** A guest buyer puts cola in the cart and fills the checkout for pick-up, paying with `provider`. */
async function toCheckout(browser: Browser, shopUrl: string, locale: 'zh-CN' | 'en-US', provider: 'wechat' | 'stripe') {
  const ctx = await browser.newContext({ locale, viewport: { width: 1000, height: 900 } });
  const buyer = await ctx.newPage();
  await buyer.goto(`${shopUrl}/search?q=kkkl`);
  await buyer
    .getByRole('link', { name: /可口可乐/ })
    .first()
    .click();
  await buyer.getByRole('button', { name: locale === 'zh-CN' ? '加入购物车' : 'Add to cart' }).click();
  await buyer.goto(`${shopUrl}/checkout`);
  await buyer.locator('input[name="name"]').fill(locale === 'zh-CN' ? '李雷' : 'Jane Doe');
  await buyer.locator('input[name="email"]').fill(locale === 'zh-CN' ? 'lei@example.com' : 'jane@example.com');
  await buyer.locator('input[name="phone"]').fill('13800138000');
  await buyer.locator('input[name="method"][value="pickup"]').check();
  await buyer.locator(`input[name="provider"][value="${provider}"]`).check();
  return { ctx, buyer };
}

test('a buyer pays with WeChat Pay in Chinese (QR, phone, notice) and another with Stripe Checkout in English; both orders are paid', async ({
  browser,
}) => {
  test.setTimeout(400_000);
  const cloudDir = tempDataDir();
  const [cloud, host] = await Promise.all([startShopCloud(cloudDir, ['--pay-fakes']), startHost(tempDataDir())]);
  running.push(cloud, host);
  const fakes = JSON.parse(readFileSync(join(cloudDir, 'pay-fakes.json'), 'utf8')) as { wechat: string; stripe: string };

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
  const till = await tillSession(host);
  const status = (await till('sync.createOrg', { serverUrl: cloud.url, orgName: '街角', signupSecret: 'e2e-signup-secret' })) as {
    storeId: string;
  };
  const cola = ((await till('catalog.search', { q: COLA })) as { id: string }[])[0]!;
  await till('catalog.setOnlineListing', { productId: cola.id, soldOnline: true, description: '冰镇更好喝。', safetyBuffer: null });
  await till('sync.now', {});
  const shopUrl = `${cloud.url}/shop/${status.storeId}`;

  // WeChat Pay, in Chinese: the checkout offers it; the QR page shows the code, the amount and the time left.
  const wx = await toCheckout(browser, shopUrl, 'zh-CN', 'wechat');
  await expect(wx.buyer.getByText('微信支付').first()).toBeVisible();
  await shot(wx.buyer, 'checkout-wechat-zh');
  await wx.buyer.getByRole('button', { name: '提交订单并付款' }).click();
  await expect(wx.buyer.locator('h1')).toHaveText('微信支付');
  await expect(wx.buyer.locator('#qr svg')).toBeVisible();
  await expect(wx.buyer.getByRole('status')).toHaveText('正在等待付款……');
  const amount = (await wx.buyer.getByTestId('amount').textContent()) ?? '';
  expect(amount).toMatch(/¥\s?\d+\.\d\d/);
  await shot(wx.buyer, 'wechat-qr-zh');

  // The buyer's phone scans the code: WeChat shows the same amount; the buyer confirms.
  const codeUrl = (await wx.buyer.locator('#wxpay').getAttribute('data-code-url'))!;
  expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
  const phoneCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 700 } });
  const phone = await phoneCtx.newPage();
  await phone.goto(`${fakes.wechat}/phone/scan?code=${encodeURIComponent(codeUrl)}`);
  await expect(phone.locator('#amount')).toHaveText(amount.replace(/[^\d.]/g, ''));
  await shot(phone, 'wechat-phone');
  await phone.getByRole('button', { name: '确认支付' }).click();
  await expect(phone.getByRole('status')).toHaveText('支付成功');

  // The verified, decrypted notice paid the order: the QR page's polling takes the buyer to it.
  await expect(wx.buyer.getByText('已付款').first()).toBeVisible({ timeout: 20_000 });
  await expect(wx.buyer).toHaveURL(/\/orders\/[0-9a-f-]{36}\?key=/);
  const wechatNumber = ((await wx.buyer.locator('h1').textContent()) ?? '').match(/W[\d-]+/)?.[0] ?? '';
  expect(wechatNumber).not.toBe('');
  await shot(wx.buyer, 'wechat-order-paid-zh');
  await phoneCtx.close();
  await wx.ctx.close();

  // Stripe Checkout, in English: off to Stripe's hosted page, pay, and back to the order, paid.
  const st = await toCheckout(browser, shopUrl, 'en-US', 'stripe');
  await shot(st.buyer, 'checkout-stripe-en');
  await st.buyer.getByRole('button', { name: 'Place order and pay' }).click();
  await expect(st.buyer).toHaveURL(new RegExp(`^${fakes.stripe.replace(/[.]/g, '\\.')}/checkout/pay/cs_test_`));
  await expect(st.buyer.locator('#amount')).toContainText('CNY');
  await shot(st.buyer, 'stripe-hosted');
  await st.buyer.getByRole('button', { name: 'Pay' }).click();
  await expect(st.buyer).toHaveURL(/\/orders\/[0-9a-f-]{36}\?key=/);
  await expect(st.buyer.getByText('Paid').first()).toBeVisible({ timeout: 20_000 });
  const stripeNumber = ((await st.buyer.locator('h1').textContent()) ?? '').match(/W[\d-]+/)?.[0] ?? '';
  expect(stripeNumber).not.toBe('');
  await shot(st.buyer, 'stripe-order-paid-en');
  await st.ctx.close();

  // The till pulls both as paid online orders, each with its provider's tender.
  await till('sync.now', {});
  const found = (await till('orders.search', { channel: 'online', offset: 0, limit: 20 })) as { items: { id: string }[] };
  const kinds: string[] = [];
  for (const o of found.items) {
    const d = (await till('orders.detail', { id: o.id })) as { payments: { kind: string }[] };
    kinds.push(...d.payments.map((p) => p.kind));
  }
  expect(kinds.sort()).toEqual(['card_integrated', 'wechat_pay']);
});
