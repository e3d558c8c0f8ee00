/**
 * The catalog online, as a buyer sees it: what a till pushes (products, listings, prices, stock,
 * sales, ratings) shows on the shop's pages, in both languages, escaped, and nothing else does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { uuidv7 } from '../../../src/shared/ids';
import { backends, startTestCloud, type Backend, type TestCloud } from '../../support/cloud';
import { shopOrg, type ShopOrg } from '../../support/shop-cloud';

describe.each(backends())('the catalog online on %s', (backend: Backend) => {
  let cloud: TestCloud;
  let shop: ShopOrg;
  let other: ShopOrg;

  beforeAll(async () => {
    cloud = await startTestCloud({ backend });
    shop = await shopOrg(cloud.deps, 'Corner Shop');
    other = await shopOrg(cloud.deps, 'Elsewhere');
    await shop.push([{ e: 'setting', i: 'currency', d: { value: 'CNY' } }]);
  });
  afterAll(() => cloud.close());

  const get = async (path: string, lang = 'en') => {
    const sep = path.includes('?') ? '&' : '?';
    // The home page is `/shop/<store>` (a trailing slash redirects there).
    const res = await cloud.app.fetch(new Request(`${cloud.url}/shop/${shop.storeId}${path === '/' ? '' : path}${sep}lang=${lang}`));
    return { status: res.status, text: await res.text() };
  };
  /** Product ids in page order, from the cards' links. */
  const ids = (text: string) => [...text.matchAll(/href="\/shop\/[^/]+\/p\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

  it('shows a listed product with its price, tax note, availability and an add-to-cart form', async () => {
    const p = await shop.product({ name: 'Oolong Tea', alt_name: '乌龙茶', price: 2550 }, { sold_online: true, description: 'Roasted.' });
    await shop.stock(p, 20_000);
    const page = await get(`/p/${p}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Oolong Tea');
    expect(page.text).toContain('乌龙茶');
    expect(page.text).toMatch(/¥25\.50/);
    expect(page.text).toContain('Price includes 13% tax');
    expect(page.text).toContain('In stock');
    expect(page.text).toContain(`action="/shop/${shop.storeId}/cart/add"`);
    expect(page.text).toContain(`name="productId" value="${p}"`);
    expect(page.text).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{32,}"/);
    expect(page.text).toContain('Roasted.');
    const zh = await get(`/p/${p}`, 'zh-CN');
    expect(zh.text).toContain('加入购物车');
    expect(zh.text).toContain('价格已含 13% 税');
    expect(zh.text).toContain('有货');
  });

  it('a price changed at the till shows after its push; so does a new tax rate', async () => {
    const p = await shop.product({ name: 'Price Watch', price: 1000 });
    await shop.stock(p, 5000);
    expect((await get(`/p/${p}`)).text).toMatch(/¥10\.00/);
    await shop.push([{ e: 'product', i: p, d: { price: 1290, updated_at: cloud.deps.clock() } }]);
    expect((await get(`/p/${p}`)).text).toMatch(/¥12\.90/);
    await shop.push([{ e: 'tax_rate', i: shop.taxRateId, d: { rate_bp: 900 } }]);
    expect((await get(`/p/${p}`)).text).toContain('Price includes 9% tax');
    await shop.push([{ e: 'tax_rate', i: shop.taxRateId, d: { rate_bp: 1300 } }]);
    // A new price keeps the search words; a new name replaces them.
    expect(ids((await get('/search?q=watch')).text)).toEqual([p]);
    await shop.push([{ e: 'product', i: p, d: { name: 'Wall Clock 钟', updated_at: cloud.deps.clock() } }]);
    expect(ids((await get('/search?q=watch')).text)).toEqual([]);
    expect(ids((await get('/search?q=clock')).text)).toEqual([p]);
    expect(ids((await get(`/search?q=${encodeURIComponent('钟')}`)).text)).toEqual([p]);
    expect(ids((await get('/search?q=zhong')).text)).toEqual([p]);
  });

  it('says only N left, and out of stock without a form', async () => {
    const p = await shop.product({ name: 'Scarce' });
    await shop.stock(p, 3000);
    expect((await get(`/p/${p}`)).text).toContain('Only 3 left');
    expect((await get(`/p/${p}`, 'zh-CN')).text).toContain('仅剩 3 件');
    await shop.stock(p, -3000);
    const out = await get(`/p/${p}`);
    expect(out.text).toContain('Out of stock');
    expect(out.text).not.toContain('/cart/add');
  });

  it('a product not sold online, archived, unknown, malformed or another organisation’s is a 404', async () => {
    const unlisted = await shop.product({ name: 'Backroom' }, { sold_online: false });
    const noListing = await shop.product({ name: 'Never listed' }, null);
    const archived = await shop.product({ name: 'Gone', archived: true });
    const foreign = await other.product({ name: 'Foreign' });
    for (const id of [unlisted, noListing, archived, foreign, uuidv7(), 'x<script>'])
      expect((await get(`/p/${encodeURIComponent(id)}`)).status, id).toBe(404);
    const listed = await shop.product({ name: 'Listed later' }, { sold_online: false });
    expect((await get(`/p/${listed}`)).status).toBe(404);
    await shop.listing(listed, { sold_online: true });
    expect((await get(`/p/${listed}`)).status).toBe(200);
    await shop.push([{ e: 'product', i: listed, d: { archived: true } }]);
    expect((await get(`/p/${listed}`)).status).toBe(404);
    // Nor do they show in search or on the home page.
    const home = await get('/');
    expect(home.status).toBe(200);
    for (const id of [unlisted, noListing, archived, foreign, listed]) expect(ids(home.text)).not.toContain(id);
    expect(ids((await get('/search?q=foreign')).text)).toEqual([]);
    expect(ids((await get('/search?q=backroom')).text)).toEqual([]);
  });

  it('escapes what a till wrote: HTML in a name or description is text', async () => {
    const p = await shop.product(
      { name: '<img src=x onerror=alert(1)>' },
      { sold_online: true, description: '<script>alert("x")</script>\nline two' },
    );
    const page = await get(`/p/${p}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;');
  });

  it('finds Latin words by prefix, Chinese characters, pinyin initials and full pinyin, and the SKU', async () => {
    const apple = await shop.product({ name: '富士苹果', alt_name: 'Fuji Apple', sku: 'FRU-001' });
    const pear = await shop.product({ name: '香梨', alt_name: 'Fragrant Pear' });
    const search = async (q: string, lang = 'en') => ids((await get(`/search?q=${encodeURIComponent(q)}`, lang)).text);
    expect(await search('apple')).toEqual([apple]);
    expect(await search('APP')).toEqual([apple]);
    expect(await search('苹果')).toEqual([apple]);
    expect(await search('果苹')).toEqual([]);
    expect(await search('pg')).toEqual([apple]);
    expect(await search('pingguo')).toEqual([apple]);
    expect(await search('fspg')).toEqual([apple]);
    expect(await search('xl')).toContain(pear);
    expect(await search('fru-001')).toEqual([apple]);
    expect(await search('fuji apple')).toEqual([apple]);
    expect(await search('fuji pear')).toEqual([]);
    expect(await search('%')).toEqual(expect.any(Array));
    const none = await get(`/search?q=${encodeURIComponent('<b>zzz</b>')}`);
    expect(none.text).toContain('Nothing matches “&lt;b&gt;zzz&lt;/b&gt;”');
    expect((await get(`/search?q=zzz`, 'zh-CN')).text).toContain('没有找到');
  });

  it('a hostile search (wildcards, a backslash, NUL, the last code point, a huge query) is an ordinary answer', async () => {
    const plum = await shop.product({ name: 'Plum Jam', alt_name: '李子酱' });
    const search = async (q: string) => {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return ids(res.text);
    };
    expect(await search('plum')).toEqual([plum]);
    // LIKE's wildcards and escape are the buyer's characters, never patterns.
    expect(await search('pl%m')).not.toContain(plum);
    expect(await search('p_um')).not.toContain(plum);
    expect(await search('plum\\')).toEqual([plum]);
    expect(await search('plum\u0000')).toEqual([plum]);
    expect(await search('plum\u{10FFFF}')).toEqual([plum]);
    expect(await search('\u{10FFFF}plum')).toEqual([plum]);
    expect(await search(`plum ${'x'.repeat(4000)}`)).toEqual([]);
    expect(await search('李子\u0000')).toEqual([plum]);
  });

  it('sorts by price, newest, best selling and rating, filters by price and category, in pages of 24', async () => {
    const catId = uuidv7();
    await shop.push([{ e: 'category', i: catId, d: { name: 'Widgets', alt_name: '小部件', archived: false } }]);
    const made: string[] = [];
    for (let k = 0; k < 30; k++)
      made.push(await shop.product({ name: `Widget ${k}`, price: 100 * (k + 1), created_at: 1_000 + k, category_id: catId }));
    const list = async (qs: string) => ids((await get(`/search?q=widget&${qs}`)).text);
    const asc = await list('sort=price_asc');
    expect(asc).toEqual(made.slice(0, 24));
    expect(await list('sort=price_asc&page=2')).toEqual(made.slice(24));
    expect(await list('sort=price_desc')).toEqual([...made].reverse().slice(0, 24));
    expect(await list('sort=newest')).toEqual([...made].reverse().slice(0, 24));
    const first = await get('/search?q=widget&sort=price_asc');
    expect(first.text).toContain('rel="next"');
    expect(first.text).not.toContain('rel="prev"');
    const second = await get('/search?q=widget&sort=price_asc&page=2');
    expect(second.text).toContain('rel="prev"');
    expect(second.text).not.toContain('rel="next"');
    // Prices are typed in the currency's units: 5.00 to 7.00 is widgets 4, 5 and 6.
    expect(await list('sort=price_asc&min=5&max=7')).toEqual(made.slice(4, 7));
    expect((await get('/search?q=widget&min=abc')).text).toContain('Prices are amounts like 12 or 12.50.');
    // Best selling: sales at the counter; rating: the ratings customers gave.
    await shop.sale([{ productId: made[3]!, qty: 5000 }]);
    await shop.sale([{ productId: made[7]!, qty: 2000 }]);
    expect((await list('sort=best')).slice(0, 2)).toEqual([made[3], made[7]]);
    const rate = async (productId: string, rating: number) => {
      const id = uuidv7();
      await shop.push([
        {
          e: 'feedback',
          i: id,
          d: {
            id,
            order_id: uuidv7(),
            order_line_id: uuidv7(),
            product_id: productId,
            customer_id: null,
            rating,
            comment: '',
            staff_id: null,
            created_at: 1,
          },
        },
      ]);
    };
    await rate(made[9]!, 5);
    await rate(made[2]!, 4);
    await rate(made[2]!, 2);
    expect((await list('sort=rating')).slice(0, 2)).toEqual([made[9], made[2]]);
    // The category's own page, and the home page's list of categories.
    const catPage = await get(`/c/${catId}?sort=price_asc`);
    expect(catPage.status).toBe(200);
    expect(catPage.text).toContain('Widgets');
    expect(ids(catPage.text)).toEqual(made.slice(0, 24));
    expect((await get('/')).text).toContain(`/c/${catId}`);
    expect(await list(`cat=${catId}&sort=price_asc&max=2`)).toEqual(made.slice(0, 2));
    expect((await get(`/c/${uuidv7()}`)).status).toBe(404);
    expect((await get(`/c/nope`)).status).toBe(404);
    // A silly page number or sort falls back rather than fails.
    expect((await get('/search?q=widget&page=-3&sort=drop%20table')).status).toBe(200);
  });

  it('a fact sent twice (a till resending after a lost answer) counts once', async () => {
    const p = await shop.product({ name: 'Resent' });
    const id = uuidv7();
    const movement = {
      e: 'stock_movement',
      i: id,
      d: {
        id,
        product_id: p,
        location_id: uuidv7(),
        qty_delta: 7000,
        kind: 'receipt',
        ref_id: null,
        staff_id: null,
        at: 1,
        reason: null,
        unit_cost: null,
      },
    };
    await shop.push([movement]);
    await shop.push([movement]);
    expect((await get(`/p/${p}`)).text).toContain('In stock');
    const [row] = await rowsOf<{ on_hand: string | number }>(
      cloud.deps.db,
      sql`SELECT on_hand FROM shop_stock WHERE org_id = ${shop.orgId} AND product_id = ${p}`,
    );
    expect(Number(row!.on_hand)).toBe(7000);
  });

  it('keeps no catalog for an organisation whose shop nobody has visited, and builds it on the first visit', async () => {
    const counter = await shopOrg(cloud.deps, 'Counter only', { opened: false });
    const p = await counter.product({ name: 'Quiet Goods', price: 1500 });
    await counter.stock(p, 4000);
    const kept = async (table: string) =>
      (
        await rowsOf<{ n: string | number }>(
          cloud.deps.db,
          sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE org_id = ${counter.orgId}`,
        )
      )[0]!.n;
    expect(Number(await kept('shop_products'))).toBe(0);
    expect(Number(await kept('shop_stock'))).toBe(0);
    const res = await cloud.app.fetch(new Request(`${cloud.url}/shop/${counter.storeId}/p/${p}?lang=en`));
    const text = await res.text();
    expect(text).toMatch(/¥15\.00/);
    expect(text).toContain('Only 4 left');
    // From then on, every push keeps it.
    await counter.push([{ e: 'product', i: p, d: { price: 1750, updated_at: cloud.deps.clock() } }]);
    expect(await (await cloud.app.fetch(new Request(`${cloud.url}/shop/${counter.storeId}/p/${p}?lang=en`))).text()).toMatch(/¥17\.50/);
  });

  it('an organisation whose records predate the shop gets the same projections on its first visit', async () => {
    const p = await shop.product({ name: 'Old timer', price: 4200 });
    await shop.stock(p, 2000);
    await shop.sale([{ productId: p, qty: 1000 }]);
    const before = await rowsOf<Record<string, unknown>>(
      cloud.deps.db,
      sql`SELECT * FROM shop_products WHERE org_id = ${shop.orgId} ORDER BY product_id`,
    );
    const stockBefore = await rowsOf<Record<string, unknown>>(
      cloud.deps.db,
      sql`SELECT * FROM shop_stock WHERE org_id = ${shop.orgId} ORDER BY store_id, product_id`,
    );
    for (const t of [
      'shop_products',
      'shop_search_tokens',
      'shop_categories',
      'shop_tax_rates',
      'shop_store_settings',
      'shop_stock',
      'shop_projected_orgs',
    ])
      await cloud.deps.db.execute(sql`DELETE FROM ${sql.identifier(t)} WHERE org_id = ${shop.orgId}`);
    // Two buyers arrive first at once: one builds, the other finds it built.
    const [a, b] = await Promise.all([get(`/p/${p}`), get(`/search?q=timer`)]);
    expect(a.text).toMatch(/¥42\.00/);
    expect(ids(b.text)).toEqual([p]);
    const after = await rowsOf<Record<string, unknown>>(
      cloud.deps.db,
      sql`SELECT * FROM shop_products WHERE org_id = ${shop.orgId} ORDER BY product_id`,
    );
    expect(after).toEqual(before);
    expect(
      await rowsOf<Record<string, unknown>>(
        cloud.deps.db,
        sql`SELECT * FROM shop_stock WHERE org_id = ${shop.orgId} ORDER BY store_id, product_id`,
      ),
    ).toEqual(stockBefore);
  });
});
