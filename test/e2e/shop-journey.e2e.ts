// The buyer's journey through a store's online shop, with the store's till on the other side: a
// buyer signs up in Chinese, finds water by its pinyin initials, pays with the (fake) Alipay cashier,
// the till sees the order and ships it, the buyer follows the parcel and confirms receipt; then a
// pick-up order the clerk hands over after checking the buyer's code.
import { expect, test, type Page } from '@playwright/test';
import { startHost, startShopCloud, tempDataDir, type RunningHost } from './host';
import { api, signIn } from './store';

const running: RunningHost[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

const WATER = '6954321000017';
const COLA = '6954321000048';
const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/shopjourney-${name}.png`, fullPage: true });

/** A signed-in API session on the till (the manager), for the set-up a test does not watch. */
async function tillSession(host: RunningHost): Promise<(channel: string, input: unknown) => Promise<unknown>> {
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Admin')!.id, pin: '1234' }, sid);
  return (channel, input) => api(host, channel, input, sid);
}

async function go(page: Page, view: string) {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId(`nav-${view}`).click();
}

test('a buyer signs up in Chinese, pays with Alipay, follows the parcel the till ships and confirms receipt; a pick-up order is handed over', async ({
  browser,
}) => {
  test.setTimeout(400_000);
  const [cloud, host] = await Promise.all([startShopCloud(tempDataDir()), startHost(tempDataDir())]);
  running.push(cloud, host);

  // The store: a Chinese supermarket in yuan that joins the cloud and lists water and cola online.
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
  const hits = (await till('catalog.search', { q: WATER })) as { id: string }[];
  const colaHits = (await till('catalog.search', { q: COLA })) as { id: string }[];
  for (const p of [hits[0]!, colaHits[0]!])
    await till('catalog.setOnlineListing', { productId: p.id, soldOnline: true, description: '冰镇更好喝。', safetyBuffer: null });
  await till('sync.now', {});
  const shopUrl = `${cloud.url}/shop/${status.storeId}`;

  // The buyer, whose browser prefers Chinese, signs up.
  const buyerCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 420, height: 860 } });
  const buyer = await buyerCtx.newPage();
  await buyer.goto(shopUrl);
  await expect(buyer.locator('h1, h2').first()).toBeVisible();
  await shot(buyer, 'home-zh');
  await buyer.goto(`${shopUrl}/account/signup`);
  await buyer.locator('#f-login').fill('mei@example.com');
  await buyer.locator('#f-name').fill('韩梅梅');
  await buyer.locator('#f-password').fill('绿茶与饺子-2026');
  await shot(buyer, 'signup-zh');
  await buyer.getByRole('button', { name: '注册' }).click();
  await expect(buyer).toHaveURL(/\/account/);
  await expect(buyer.getByText('韩梅梅').first()).toBeVisible();
  await shot(buyer, 'account-zh');

  // Pinyin initials of 矿泉水 find the water; its page adds it to the cart.
  await buyer.locator('input[name="q"]').first().fill('kqs');
  await buyer.locator('input[name="q"]').first().press('Enter');
  await expect(buyer).toHaveURL(/\/search\?q=kqs/);
  await shot(buyer, 'search-zh');
  await buyer
    .getByRole('link', { name: /矿泉水/ })
    .first()
    .click();
  await expect(buyer.locator('h1')).toContainText('矿泉水');
  await shot(buyer, 'product-zh');
  await buyer.locator('input[name="qty"]').fill('2');
  await buyer.getByRole('button', { name: '加入购物车' }).click();
  await buyer.goto(`${shopUrl}/cart`);
  await expect(buyer.locator('main, body').first()).toContainText('矿泉水');
  await shot(buyer, 'cart-zh');

  // Checkout with a delivery address, then Alipay's cashier, then back to the shop: paid.
  await buyer
    .getByRole('link', { name: '去结算' })
    .or(buyer.getByRole('button', { name: '去结算' }))
    .first()
    .click();
  await expect(buyer.locator('input[name="name"]')).toHaveValue('韩梅梅');
  await buyer.locator('input[name="phone"]').fill('13800138000');
  await buyer.locator('input[name="method"]:not([value="pickup"])').first().check();
  await buyer.locator('input[name="a_name"]').fill('韩梅梅');
  await buyer.locator('select[name="a_country"]').selectOption('CN');
  await buyer.locator('input[name="a_line1"]').fill('南京西路 1 号');
  await buyer.locator('input[name="a_city"]').fill('上海');
  await buyer.locator('input[name="a_region"]').fill('上海市');
  await buyer.locator('input[name="a_postalCode"]').fill('200040');
  await shot(buyer, 'checkout-zh');
  await buyer.getByRole('button', { name: '提交订单并付款' }).click();
  await expect(buyer.getByRole('button', { name: /确认付款/ })).toBeVisible();
  await shot(buyer, 'alipay-cashier');
  await buyer.getByRole('button', { name: /确认付款/ }).click();
  await expect(buyer.getByText('已付款').first()).toBeVisible({ timeout: 15_000 });
  const orderUrl = buyer.url();
  const shopNumber = ((await buyer.locator('h1').textContent()) ?? '').match(/W[\d-]+/)?.[0] ?? '';
  expect(shopNumber).not.toBe('');
  await shot(buyer, 'order-paid-zh');

  // The till pulls it: Orders, online channel; Shipping ships it with a tracking number.
  await till('sync.now', {});
  const clerk = await browser.newPage();
  await clerk.goto(host.url);
  await signIn(clerk, 'Admin', '1234');
  await go(clerk, 'orders');
  await clerk.getByTestId('orders-channel').selectOption('online');
  await clerk.getByTestId('order-row').filter({ hasText: shopNumber }).click();
  await expect(clerk.getByTestId('online-shop-number')).toContainText(shopNumber);
  await expect(clerk.getByTestId('online-buyer')).toHaveText('韩梅梅');
  await shot(clerk, 'till-order-zh');
  await go(clerk, 'shipping');
  await clerk.getByTestId('ship-queue-row').filter({ hasText: '韩梅梅' }).getByTestId('ship-order').click();
  await expect(clerk.getByTestId('shipment-create').getByTestId('addr-line1')).toHaveValue('南京西路 1 号');
  await shot(clerk, 'till-ship-form-zh');
  await clerk.getByTestId('shipment-create').getByTestId('ship-create').click();
  const tracking = ((await clerk.getByTestId('shipment-detail').getByTestId('tracking-number').textContent()) ?? '').trim();
  expect(tracking).not.toBe('');
  await shot(clerk, 'till-shipped-zh');
  await till('sync.now', {});

  // The buyer sees it shipped, with carrier and tracking number.
  await buyer.goto(orderUrl);
  await expect(buyer.locator('.timeline')).toContainText('已发货');
  await expect(buyer.locator('.timeline')).toContainText(tracking);
  await expect(buyer.getByRole('button', { name: '确认收货' })).toHaveCount(0);
  await shot(buyer, 'order-shipped-zh');

  // Delivered (the carrier's last event), then the buyer confirms receipt.
  const shipments = (await till('shipping.list', { status: 'all', offset: 0, limit: 50 })) as {
    items: { id: string; trackingNumber: string | null }[];
  };
  const shipment = shipments.items.find((s) => s.trackingNumber === tracking)!;
  await till('shipping.setStatus', { id: shipment.id, status: 'delivered' });
  await till('sync.now', {});
  await buyer.goto(orderUrl);
  await expect(buyer.locator('.timeline')).toContainText('已送达');
  await buyer.getByRole('button', { name: '确认收货' }).click();
  await expect(buyer.locator('.timeline')).toContainText('已确认收货');
  await expect(buyer.getByRole('button', { name: '确认收货' })).toHaveCount(0);
  await shot(buyer, 'order-received-zh');

  // A pick-up order: cola, paid; the page shows the code the clerk checks at the counter.
  await buyer.goto(`${shopUrl}/search?q=kkkl`);
  await buyer
    .getByRole('link', { name: /可口可乐/ })
    .first()
    .click();
  await buyer.getByRole('button', { name: '加入购物车' }).click();
  await buyer.goto(`${shopUrl}/checkout`);
  await buyer.locator('input[name="phone"]').fill('13800138000');
  await buyer.locator('input[name="method"][value="pickup"]').check();
  await buyer.getByRole('button', { name: '提交订单并付款' }).click();
  await buyer.getByRole('button', { name: /确认付款/ }).click();
  await expect(buyer.getByText('已付款').first()).toBeVisible({ timeout: 15_000 });
  const code = ((await buyer.locator('.code').textContent()) ?? '').replace(/\s/g, '');
  expect(code).toMatch(/^\w{6,}$/);
  const pickupNumber = ((await buyer.locator('h1').textContent()) ?? '').match(/W[\d-]+/)?.[0] ?? '';
  await shot(buyer, 'order-pickup-zh');

  await till('sync.now', {});
  await go(clerk, 'online');
  await clerk.getByTestId('pickup-row').filter({ hasText: pickupNumber }).click();
  await clerk.getByTestId('pickup-code').fill(code);
  await shot(clerk, 'till-pickup-zh');
  await clerk.getByTestId('pickup-submit').click();
  await expect(clerk.getByTestId('pickup-empty')).toBeVisible();
  await till('sync.now', {});
  await buyer.reload();
  await expect(buyer.locator('.timeline')).toContainText('已自提');

  // The buyer's order list, and the same pages in English.
  await buyer.goto(`${shopUrl}/account/orders`);
  await expect(buyer.getByRole('link', { name: shopNumber })).toBeVisible();
  await shot(buyer, 'orders-zh');
  for (const [name, path] of [
    ['home', ''],
    ['search', '/search?q=kqs'],
    ['cart', '/cart'],
    ['orders', '/account/orders'],
    ['account', '/account'],
  ] as const) {
    await buyer.goto(`${shopUrl}${path}${path.includes('?') ? '&' : '?'}lang=en`);
    await shot(buyer, `${name}-en`);
  }
  await buyer.goto(`${orderUrl}${orderUrl.includes('?') ? '&' : '?'}lang=en`);
  await expect(buyer.locator('.timeline')).toContainText('Receipt confirmed');
  await shot(buyer, 'order-received-en');
  await buyerCtx.close();
});
