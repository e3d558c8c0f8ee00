import { chromium, type Page } from '@playwright/test';
import { startHost, tempDataDir } from './test/e2e/host';

async function api(page: Page, channel: string, input: unknown) {
  return page.evaluate(async ([ch, inp]) => {
    const res = await fetch('/api/invoke', { method: 'POST', headers: { 'content-type': 'application/json', 'x-session': sessionStorage.getItem('countertop.sessionId') ?? '' }, body: JSON.stringify({ channel: ch, input: inp }) });
    return res.json();
  }, [channel, input] as const);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
for (const lang of ['en', 'zh-CN'] as const) {
  const host = await startHost(tempDataDir());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(host.url);
    await page.getByTestId('setup-language').selectOption(lang);
    await page.getByTestId('setup-store-name').fill(lang === 'en' ? 'Corner Market' : '街角小店');
    await page.getByTestId('setup-admin-name').fill('Alice');
    await page.getByTestId('setup-pin').fill('2468');
    await page.getByTestId('setup-pin-confirm').fill('2468');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('staff-Alice').click();
    await page.getByTestId('pin-input').fill('2468');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('search-input').waitFor();
    const sup = (await api(page, 'suppliers.create', { name: lang === 'en' ? 'Blue Spring Waters' : '清泉饮品' })) as { value: { id: string } };
    const locs = (await api(page, 'stock.locations', {})) as { value: { id: string; isDefault: boolean }[] };
    const shop = locs.value.find((l) => l.isDefault)!.id;
    const hits = (await api(page, 'catalog.search', { q: '6954321000', limit: 6 })) as { value: { id: string; barcode: string }[] };
    for (const h of hits.value) {
      await api(page, 'catalog.update', { id: h.id, supplierId: sup.value.id });
      await api(page, 'stock.setReorder', { productId: h.id, locationId: shop, rule: { reorderPoint: 200000, reorderQty: 48000 } });
    }
    await page.reload();
    await page.getByTestId('nav-menu').click();
    await page.getByTestId('nav-stock').click();
    await page.getByTestId('stock-row').first().waitFor();
    await page.waitForTimeout(600);
    await page.screenshot({ path: `docs/screenshots/stock-${lang === 'en' ? 'en' : 'zh'}.png` });
    await page.getByTestId('low-stock-badge').click();
    await page.getByTestId('purchasing-tab-low').click();
    await page.getByTestId('low-row').first().waitFor();
    await page.screenshot({ path: `/tmp/low-${lang}.png` });
    await page.getByTestId('make-drafts').click();
    await page.getByTestId('po-send').click();
    await page.getByTestId('receive-scan').fill(hits.value[0]!.barcode);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(800); await page.screenshot({ path: '/tmp/dbg-' + lang + '.png' }); await page.getByTestId('receive-last').waitFor();
    await page.getByTestId('receive-qty').fill('12');
    await page.getByTestId('receive-scan').fill(hits.value[1]!.barcode);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await page.screenshot({ path: `docs/screenshots/receiving-${lang === 'en' ? 'en' : 'zh'}.png` });
  } finally {
    await page.close();
    await host.stop();
  }
}
await browser.close();
