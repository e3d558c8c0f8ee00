import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { startHost, tempDataDir, type RunningHost } from './host';
import { demoStore, scan, signIn } from './store';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';

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

const CATEGORY_ORDER: Record<Lang, string[]> = {
  en: [
    'Bakery',
    'Beer, Wine & Spirits',
    'Dairy & Eggs',
    'Deli',
    'Frozen',
    'Fruit & Vegetables',
    'Household',
    'Pantry',
    'Personal Care',
    'Snacks & Sweets',
    'Soft Drinks',
    'Stationery',
    'Tea & Coffee',
  ],
  'zh-CN': [
    '茶叶咖啡',
    '个人护理',
    '家居清洁',
    '酒类',
    '冷冻食品',
    '粮油调味',
    '零食糖果',
    '面包烘焙',
    '乳品蛋类',
    '熟食冷切',
    '水果蔬菜',
    '文具',
    '饮料',
  ],
};

for (const language of LANGS) {
  test(`${language}: categories in the reader's order; text typed and Enter pressed at once adds the product`, async ({ page }) => {
    await demoSignedIn(page, language);
    // The category bar is in the reader's order: pinyin on a Chinese screen (code point order
    // would put 个人护理 first and 茶叶咖啡 near the end).
    await expect(page.getByTestId('category')).toHaveText(CATEGORY_ORDER[language]);
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

// 0.532 kg of Fuji apples (PLU 00001, 3.99/kg) from a scale label: 2.12 before the store's 8% tax.
const APPLES_532G = encodeScaleBarcode('20', '00001', 532);
const WATER = '6954321000017';

for (const language of LANGS) {
  test(`${language}: a reopened receipt offers Return; the order shows weights with units, receipt amounts, dates the screen's way`, async ({
    page,
  }) => {
    await demoSignedIn(page, language);
    await scan(page, [APPLES_532G, WATER]);
    await expect(page.getByTestId('cart-line')).toHaveCount(2);
    await page.getByTestId('pay-button').click();
    await page.getByTestId('cash-tendered').fill('10');
    await page.getByTestId('complete-sale').click();
    // Just sold: the receipt is about the next sale, not returns.
    await expect(page.getByTestId('change-due')).toBeVisible();
    await expect(page.getByTestId('receipt-return')).toHaveCount(0);
    await page.getByTestId('new-sale').click();

    // From Recent sales, the receipt has a Return action that opens the return flow for that sale.
    await page.getByTestId('recent-sales-button').click();
    await page.getByTestId('recent-sale').first().click();
    const returnButton = page.getByTestId('receipt-return');
    await expect(returnButton).toHaveText(language === 'en' ? 'Return items' : '退货');
    await expect(page.getByTestId('receipt')).toContainText('2.12');
    await shot(page, `receipt-return-${language}`);
    await returnButton.click();
    await expect(page.getByTestId('return-dialog')).toBeVisible();
    await expect(page.getByTestId('return-line')).toHaveCount(2);
    await shot(page, `return-dialog-${language}`);
    await page.getByTestId('modal-close').click();

    // The order: "0.532 kg", and line amounts as on the receipt (before tax in a tax-exclusive store).
    const lines = page.getByTestId('order-line');
    await expect(lines).toHaveCount(2);
    await expect(lines.nth(0).getByTestId('order-line-qty')).toHaveText(language === 'zh-CN' ? '0.532 千克' : '0.532 kg');
    await expect(lines.nth(0).getByTestId('order-line-total')).toHaveText(/^(US)?\$2\.12$/);
    await expect(lines.nth(1).getByTestId('order-line-qty')).toHaveText('1');
    await expect(lines.nth(1).getByTestId('order-line-total')).toHaveText(/^(US)?\$0\.69$/);
    await expect(page.getByTestId('order-tax-foot')).toContainText(
      language === 'en' ? 'Subtotal $2.81 · Tax $0.22' : '小计 US$2.81 · 税额 US$0.22',
    );

    // Date filters read and write dates the screen's way, whatever the browser's locale.
    const from = page.getByTestId('orders-from');
    await expect(from).toHaveAttribute('placeholder', language === 'en' ? 'mm/dd/yyyy' : '年/月/日');
    const today = new Date().toISOString().slice(0, 10);
    const [y, m, d] = today.split('-');
    await from.fill(language === 'en' ? `${m}/${d}/${y}` : `${y}/${m}/${d}`);
    await expect(page.getByTestId('order-row')).toHaveCount(1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const [ty, tm, td] = tomorrow.split('-');
    await from.fill(language === 'en' ? `${tm}/${td}/${ty}` : `${ty}/${tm}/${td}`);
    await expect(page.getByTestId('order-row')).toHaveCount(0);
    await from.fill(today);
    await from.blur();
    await expect(from).toHaveValue(language === 'en' ? `${m}/${d}/${y}` : `${y}/${m}/${d}`);
    await expect(page.getByTestId('order-row')).toHaveCount(1);
    await page.getByTestId('order-row').first().click();
    await shot(page, `order-detail-${language}`);
  });
}

const BAKERY: Record<Lang, string> = { en: 'Bakery', 'zh-CN': '面包烘焙' };
const BAKERY_FIRST: Record<Lang, string[]> = {
  en: ['Baguette', 'Blueberry Muffin', 'Brioche Loaf', 'Butter Croissants 4-pack', 'Chocolate Muffin'],
  'zh-CN': ['白吐司面包 800克', '布里欧修面包', '蛋挞 2个装', '法棍面包', '海绵蛋糕'],
};

/** Calls the host's API as this page's signed-in session. */
async function pageApi<T>(page: Page, channel: string, input: unknown): Promise<T> {
  type Storage = { getItem(key: string): string | null };
  const res = (await page.evaluate(
    async ([ch, inp]) => {
      const session = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.getItem('countertop.sessionId') ?? '';
      const r = await fetch('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-session': session },
        body: JSON.stringify({ channel: ch, input: inp }),
      });
      return r.json();
    },
    [channel, input] as const,
  )) as { ok: boolean; value?: T; error?: unknown };
  if (!res.ok) throw new Error(`${channel}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

async function productId(page: Page, code: string): Promise<string> {
  return (await pageApi<{ id: string }[]>(page, 'catalog.search', { q: code }))[0]!.id;
}

for (const language of LANGS) {
  test(`${language}: a draft purchase order's lines are edited and removed in place, labelled, and the list behind keeps up`, async ({
    page,
  }) => {
    await demoSignedIn(page, language);
    const supplier = await pageApi<{ id: string }>(page, 'suppliers.create', { name: 'Blue Spring Waters' });
    const locations = await pageApi<{ id: string; isDefault?: boolean }[]>(page, 'stock.locations', {});
    const water = await productId(page, '6954321000017');
    const cola = await productId(page, '6954321000048');
    await pageApi(page, 'po.create', {
      supplierId: supplier.id,
      locationId: locations[0]!.id,
      lines: [
        { productId: water, qty: 2000, unitCost: 50 },
        { productId: cola, qty: 2000, unitCost: 80 },
      ],
    });
    await page.getByTestId('nav-menu').click();
    await page.getByTestId('nav-purchasing').click();
    const row = page.getByTestId('po-row');
    await expect(row).toContainText('2.60');
    await row.click();

    const dialog = page.getByTestId('po-dialog');
    const waterName = language === 'en' ? 'Still Mineral Water 550ml' : '矿泉水 550毫升';
    const colaName = language === 'en' ? 'Coca-Cola 330ml Can' : '可口可乐 330毫升罐装';
    const qtyBox = dialog.getByLabel(language === 'en' ? `Quantity of ${waterName}` : `${waterName} 的数量`);
    await qtyBox.fill('10');
    await qtyBox.press('Enter');
    await expect(dialog.getByTestId('po-total')).toContainText('6.60');
    // The list behind the dialog already shows the new total.
    await expect(row).toContainText('6.60');
    const costBox = dialog.getByLabel(language === 'en' ? `Unit cost of ${waterName}` : `${waterName} 的单价`);
    await costBox.fill('0.4');
    await costBox.blur();
    await expect(dialog.getByTestId('po-total')).toContainText('5.60');
    await shot(page, `po-draft-${language}`);
    await dialog.getByRole('button', { name: language === 'en' ? `Remove ${colaName}` : `移除 ${colaName}` }).click();
    await expect(dialog.getByTestId('po-line')).toHaveCount(1);
    await expect(dialog.getByTestId('po-total')).toContainText('4.00');
    await expect(row).toContainText('4.00');

    // Sent: the lines are fixed, and the receiving quantity box is labelled.
    await dialog.getByTestId('po-send').click();
    await expect(dialog.getByTestId('po-line-qty')).toHaveCount(0);
    await expect(dialog.getByTestId('po-line-remove')).toHaveCount(0);
    await expect(dialog.getByLabel(language === 'en' ? 'Quantity received per scan' : '每次扫描收货数量')).toBeVisible();
    await shot(page, `po-sent-${language}`);
    await page.getByTestId('modal-close').click();

    // The stock list sorts by the name the screen shows: pinyin of the Chinese names on a Chinese
    // screen (code point order would start 全麦, 原味, 墨西哥…), the English names on an English one.
    await page.getByTestId('nav-menu').click();
    await page.getByTestId('nav-stock').click();
    await page.getByRole('combobox', { name: language === 'en' ? 'Category' : '分类' }).selectOption({ label: BAKERY[language] });
    const rows = page.getByTestId('stock-row');
    for (const [i, name] of BAKERY_FIRST[language].entries()) await expect(rows.nth(i)).toContainText(name);
    await shot(page, `stock-bakery-${language}`);
  });
}
