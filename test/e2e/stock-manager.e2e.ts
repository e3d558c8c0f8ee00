import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type RunningHost } from './host';

// Demo catalog: Still Mineral Water 550ml, 148 in stock at the shop floor.
const WATER = { sku: 'DRK-0001', code: '6954321000017', name: 'Still Mineral Water 550ml', stock: 148 };

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

/** Calls the host's API as this page's signed-in session (for setup the test does not need to click through). */
async function api(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
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
  )) as { ok: boolean; value?: unknown; error?: { code: string } };
}

async function openMenu(page: Page, id: string) {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId(`nav-${id}`).click();
}

test('a manager receives a purchase order by scanning: stock rises and the low-stock badge clears; a clerk cannot open the stock editor', async ({
  page,
}) => {
  host = await startHost(tempDataDir());
  await page.goto(host.url);
  await page.getByTestId('setup-store-name').fill('Corner Market');
  await page.getByTestId('setup-admin-name').fill('Alice');
  await page.getByTestId('setup-pin').fill('2468');
  await page.getByTestId('setup-pin-confirm').fill('2468');
  await page.getByTestId('setup-demo').check();
  await page.getByTestId('setup-submit').click();
  await signIn(page, 'Alice', '2468');
  expect((await api(page, 'staff.create', { name: 'Mona', role: 'manager', pin: '1357' })).ok).toBe(true);
  expect((await api(page, 'staff.create', { name: 'Carl', role: 'clerk', pin: '8642' })).ok).toBe(true);
  expect((await api(page, 'suppliers.create', { name: 'Blue Spring Waters' })).ok).toBe(true);
  await page.getByTestId('lock-button').click();

  // The manager sets a reorder point in the stock editor: water is now low, and the badge says so.
  await signIn(page, 'Mona', '1357');
  await expect(page.getByTestId('low-stock-badge')).toHaveCount(0);
  await openMenu(page, 'stock');
  await page.getByTestId('stock-search').fill(WATER.code);
  await expect(page.getByTestId('stock-row')).toHaveCount(1);
  await expect(page.getByTestId('stock-row').getByTestId('stock-qty')).toHaveText(String(WATER.stock));
  await page.getByTestId('stock-row').click();
  const editor = page.getByTestId('stock-editor');
  await expect(editor).toBeVisible();
  const shop = editor.getByTestId('level-row').first();
  await shop.getByTestId('reorder-point').fill(String(WATER.stock));
  await shop.getByTestId('reorder-qty').fill('24');
  await shop.getByTestId('reorder-save').click();
  await expect(page.getByTestId('low-stock-badge')).toContainText('1');
  await editor.getByTestId('modal-close').click();

  // Low-stock suggestions become a draft order in one step.
  await page.getByTestId('low-stock-badge').click();
  await page.getByTestId('purchasing-tab-low').click();
  await expect(page.getByTestId('low-row')).toHaveCount(1);
  await expect(page.getByTestId('low-row')).toContainText(WATER.name);
  await page.locator('select').filter({ hasText: 'Blue Spring Waters' }).selectOption({ label: 'Blue Spring Waters' });
  await page.getByTestId('make-drafts').click();
  const po = page.getByTestId('po-dialog');
  await expect(po).toContainText('Draft');
  await expect(po.getByTestId('po-line-qty')).toHaveValue('24');
  await po.getByTestId('po-send').click();
  await expect(po).toContainText('Sent');

  // Receiving by scanning: a keyboard-wedge scanner types the code and Enter into the receive field.
  const scan = po.getByTestId('receive-scan');
  await expect(scan).toBeFocused();
  await page.keyboard.type(`${WATER.code}\n`, { delay: 5 });
  await expect(po.getByTestId('receive-last')).toContainText(WATER.name);
  await expect(po.getByTestId('po-line-received')).toHaveText('1');
  await po.getByTestId('receive-qty').fill('23');
  await scan.focus();
  await page.keyboard.type(`${WATER.code}\n`, { delay: 5 });
  await expect(po.getByTestId('po-line-received')).toHaveText('24');
  await expect(po).toContainText('Received');
  // The badge clears as soon as the stock is back above the reorder point.
  await expect(page.getByTestId('low-stock-badge')).toHaveCount(0);
  await po.getByTestId('modal-close').click();

  // Stock rose by what was received.
  await openMenu(page, 'stock');
  await page.getByTestId('stock-search').fill(WATER.sku);
  await expect(page.getByTestId('stock-row')).toHaveCount(1);
  await expect(page.getByTestId('stock-row').getByTestId('stock-qty')).toHaveText(String(WATER.stock + 24));
  // Back to the whole list: rows load again as they scroll into view.
  await page.getByTestId('stock-search').fill('');
  await expect.poll(() => page.getByTestId('stock-row').count()).toBeGreaterThan(5);
  await expect(page.getByTestId('stock-row').first()).toContainText('3-in-1 Coffee Mix');
  await page.getByTestId('lock-button').click();

  // A clerk: no Stock or Purchasing in the menu, and main refuses the stock editor's calls.
  await signIn(page, 'Carl', '8642');
  await page.getByTestId('nav-menu').click();
  await expect(page.getByTestId('nav-counts')).toBeVisible();
  await expect(page.getByTestId('nav-stock')).toHaveCount(0);
  await expect(page.getByTestId('nav-purchasing')).toHaveCount(0);
  await expect(page.getByTestId('low-stock-badge')).toHaveCount(0);
  const products = (await api(page, 'catalog.search', { q: WATER.code })) as { value: { id: string }[] };
  const id = products.value[0]!.id;
  for (const [channel, input] of [
    ['stock.item', { productId: id }],
    ['stock.list', { locationId: id, offset: 0, limit: 10 }],
    ['catalog.update', { id, price: 1 }],
  ] as const) {
    const res = await api(page, channel, input);
    expect(res.error?.code, channel).toBe('FORBIDDEN');
  }
});

test('in Chinese, a manager is told what is wrong in Chinese (empty or duplicate SKU, bad CSV rows, no supplier yet) and lists lead with Chinese names', async ({
  page,
}) => {
  host = await startHost(tempDataDir());
  await page.goto(host.url);
  await page.getByTestId('setup-store-name').fill('Corner Market');
  await page.getByTestId('setup-admin-name').fill('Alice');
  await page.getByTestId('setup-pin').fill('2468');
  await page.getByTestId('setup-pin-confirm').fill('2468');
  await page.getByTestId('setup-demo').check();
  await page.getByTestId('setup-submit').click();
  await signIn(page, 'Alice', '2468');
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await openMenu(page, 'stock');

  // Nothing filled in: the form names its own fields, not zod's English about "sku".
  await page.getByTestId('new-product').click();
  await page.getByTestId('product-save').click();
  const error = page.getByTestId('product-error');
  await expect(error).toHaveText('请填写：货号、名称、售价。');
  await page.getByTestId('product-sku').fill(WATER.sku);
  await page.getByTestId('product-name').fill('矿泉水');
  await page.getByTestId('product-price').fill('1');
  await page.getByTestId('product-save').click();
  await expect(error).toHaveText(`货号 ${WATER.sku} 已被其他商品使用。`);
  await page.getByTestId('modal-close').click();

  // A CSV with bad rows: each row and why, in Chinese; nothing can be imported as a whole.
  await page.getByTestId('import-csv').click();
  const csv = ['sku,name,price', 'NEW-1,One,1.50', 'NEW-2,,2.00', `${WATER.sku.toLowerCase()}x,Three,abc`].join('\n');
  await page.getByTestId('import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const rows = page.getByTestId('import-errors').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('3');
  await expect(rows.nth(0)).toContainText('名称为空');
  await expect(rows.nth(1)).toContainText('“abc”不是有效的价格');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  await page.getByTestId('modal-close').click();

  // No supplier yet: the new-order dialog says where to add one instead of "supplierId: Invalid UUID".
  await openMenu(page, 'purchasing');
  await page.getByTestId('po-new').click();
  await expect(page.getByTestId('po-no-suppliers')).toHaveText('请先添加供应商（采购 → 供应商）。');
  await expect(page.getByTestId('po-create')).toBeDisabled();
  await page.getByTestId('modal-close').click();

  // Empty tabs say so, in Chinese.
  await page.getByTestId('purchasing-tab-suppliers').click();
  await expect(page.getByTestId('suppliers-empty')).toHaveText('还没有供应商：请在上方添加第一个。');
  await page.getByTestId('purchasing-tab-low').click();
  await expect(page.getByTestId('low-empty')).toHaveText('此库位没有低于补货点的商品。');

  // The store's names are English, with Chinese second names: the low-stock list leads with the Chinese one.
  const hits = (await api(page, 'catalog.search', { q: WATER.code })) as { value: { id: string }[] };
  const locations = (await api(page, 'stock.locations', {})) as { value: { id: string; isDefault: boolean }[] };
  const rule = { reorderPoint: WATER.stock * 1000, reorderQty: 24_000 };
  const shopId = locations.value.find((l) => l.isDefault)!.id;
  expect((await api(page, 'stock.setReorder', { productId: hits.value[0]!.id, locationId: shopId, rule })).ok).toBe(true);
  await page.getByTestId('purchasing-tab-orders').click();
  await page.getByTestId('purchasing-tab-low').click();
  const name = page.getByTestId('low-row').locator('td').nth(1);
  await expect(name.locator('span.ellipsis')).toHaveText('矿泉水 550毫升');
  await expect(name.locator('small')).toHaveText(WATER.name);
  await expect(page.getByTestId('low-empty')).toHaveCount(0);
});
