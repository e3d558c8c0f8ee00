/**
 * A search page is the same whichever way it is found: walking the listed products in the page's
 * order (broad terms, as at a million products) or looking the matches up by id and sorting them.
 * Small limits make this catalog's terms broad, and each page found by walking is compared with
 * the same page found by the lookup, for every sort, page, filter and kind of term.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { listProducts, SORTS, type ProductQuery, type SearchLimits } from '../../../src/cloud/shop/catalog/queries';
import { uuidv7 } from '../../../src/shared/ids';
import { backends, startTestCloud, type Backend, type TestCloud } from '../../support/cloud';
import { shopOrg, type ShopOrg } from '../../support/shop-cloud';

const BRANDS = ['Milky Way', 'Mild', 'Silver Spoon', 'Sunny', 'Mountain', '蒙牛', '良品铺子'];
const GOODS = ['Milk', 'Butter', 'Mild Cheese', 'Tea', '牛奶', '花生', 'Mints'];
const SIZES = ['1L', '250g', 'x24'];

describe.each(backends())('search plans on %s', (backend: Backend) => {
  let cloud: TestCloud;
  let shop: ShopOrg;
  let categoryId: string;

  beforeAll(async () => {
    cloud = await startTestCloud({ backend });
    shop = await shopOrg(cloud.deps, 'Plans');
    categoryId = uuidv7();
    await shop.push([{ e: 'category', i: categoryId, d: { name: 'Dairy', alt_name: '乳品', archived: false } }]);
    let k = 0;
    for (const brand of BRANDS)
      for (const good of GOODS)
        for (const size of SIZES) {
          k++;
          await shop.product(
            {
              name: `${brand} ${good} ${size}`,
              price: 100 + ((k * 37) % 900),
              created_at: 1_000 + ((k * 11) % 150),
              category_id: k % 3 ? categoryId : null,
            },
            k % 17 === 0 ? { sold_online: false } : { sold_online: true },
          );
        }
    // Names so long that their tokens are not kept on the row (search_words = ''): found through the token index.
    for (let j = 0; j < 3; j++) {
      const long = Array.from({ length: 470 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7 + j * 131) % 20000))).join('');
      await shop.product(
        { name: `${BRANDS[j]} 牛奶 ${long}`, price: 150 + j * 200, created_at: 1_100 + j, category_id: categoryId },
        { sold_online: true },
      );
    }
    const [unkept] = await rowsOf<{ n: number }>(
      cloud.deps.db,
      sql`SELECT count(*)::int AS n FROM shop_products WHERE org_id = ${shop.orgId} AND search_words = ''`,
    );
    expect(unkept!.n).toBe(3);
    // Sales and ratings as the till's facts would leave them, with ties, so the orders are tested whole.
    await cloud.deps.db.execute(sql`UPDATE shop_products SET
      sold_count = (abs(hashtext(product_id)) % 40) * 1000,
      rating_sum = (abs(hashtext(product_id || 'r')) % 5) * 3, rating_count = (abs(hashtext(product_id || 'r')) % 5)
      WHERE org_id = ${shop.orgId}`);
  });
  afterAll(() => cloud.close());

  it('finds the same page walking as looking up, for every sort, page and filter', async () => {
    const ways: string[] = [];
    const trace = (how: 'lookup' | 'walk' | 'rank') => ways.push(how);
    const walkings: SearchLimits[] = [
      { narrow: 4, walk: 40, trace },
      { narrow: 4, walk: 120, trace },
      // Read by rank: ranks read whole, and ranks with more tokens than that left to the walk.
      { narrow: 4, walk: 120, perRank: 500, trace },
      { narrow: 4, walk: 120, perRank: 3, trace },
    ];
    const lookingUp: SearchLimits = { narrow: Number.MAX_SAFE_INTEGER, walk: 0 };
    const queries = [
      'm',
      'mi',
      'milk',
      'mild',
      'mil but',
      's',
      'silver spoon',
      'sunny milk 1l',
      '牛',
      '蒙牛',
      '牛奶',
      'mn',
      'x',
      'zzz',
      'm_%',
    ];
    let compared = 0;
    for (const q of queries)
      for (const sort of SORTS)
        for (const page of [1, 2, 3])
          for (const filter of [{}, { categoryId }, { min: 300, max: 700 }]) {
            const query: ProductQuery = { q, sort, page, ...filter };
            const looked = await listProducts(cloud.deps.db, shop.orgId, query, undefined, lookingUp);
            for (const walking of walkings) {
              const walked = await listProducts(cloud.deps.db, shop.orgId, query, undefined, walking);
              expect({ q, sort, page, filter, walk: walking.walk, ids: walked.items.map((p) => p.id), more: walked.more }).toEqual({
                q,
                sort,
                page,
                filter,
                walk: walking.walk,
                ids: looked.items.map((p) => p.id),
                more: looked.more,
              });
            }
            compared += looked.items.length;
          }
    expect(compared).toBeGreaterThan(2000);
    // Both ways were taken: pages the walk filled, and pages it could not (deep, rare, none).
    expect(ways.filter((w) => w === 'walk').length).toBeGreaterThan(100);
    expect(ways.filter((w) => w === 'lookup').length).toBeGreaterThan(100);
    expect(ways.filter((w) => w === 'rank').length).toBeGreaterThan(10);
  });

  it("keeps each search token's rank with its product's sales and listing", async () => {
    const wrong = () =>
      rowsOf<{ n: number }>(
        cloud.deps.db,
        sql`SELECT count(*)::int AS n FROM shop_search_tokens t JOIN shop_products p ON p.org_id = t.org_id AND p.product_id = t.product_id
            WHERE t.org_id = ${shop.orgId} AND t.rank <> shop_search_rank(p.listed, p.sold_count)`,
      );
    const [ranked] = await rowsOf<{ n: number }>(
      cloud.deps.db,
      sql`SELECT count(DISTINCT rank)::int AS n FROM shop_search_tokens WHERE org_id = ${shop.orgId}`,
    );
    // Unlisted, unsold and several ranks of sales: the fixture's sales moved the tokens.
    expect(ranked!.n).toBeGreaterThan(4);
    expect((await wrong())[0]!.n).toBe(0);
    // A sale that doubles a product's sales, a return, a listing taken off the shop and a new product.
    await cloud.deps.db
      .execute(sql`UPDATE shop_products SET sold_count = sold_count * 2 + 1000 WHERE org_id = ${shop.orgId} AND product_id IN (
      SELECT product_id FROM shop_products WHERE org_id = ${shop.orgId} ORDER BY product_id LIMIT 20)`);
    await cloud.deps.db.execute(sql`UPDATE shop_products SET sold_count = 0 WHERE org_id = ${shop.orgId} AND product_id IN (
      SELECT product_id FROM shop_products WHERE org_id = ${shop.orgId} ORDER BY product_id DESC LIMIT 5)`);
    const [first] = await rowsOf<{ product_id: string }>(
      cloud.deps.db,
      sql`SELECT product_id FROM shop_products WHERE org_id = ${shop.orgId} AND listed ORDER BY product_id LIMIT 1`,
    );
    await shop.listing(first!.product_id, { sold_online: false });
    const fresh = await shop.product(
      { name: 'Mild Milk Tea 500ml', price: 300, created_at: 2_000, category_id: null },
      { sold_online: true },
    );
    // A sale at a till, through the push: its product climbs ranks.
    await shop.sale([{ productId: fresh, qty: 64_000 }]);
    const [climbed] = await rowsOf<{ rank: number }>(
      cloud.deps.db,
      sql`SELECT min(rank)::int AS rank FROM shop_search_tokens WHERE org_id = ${shop.orgId} AND product_id = ${fresh}`,
    );
    // 64,000 thousandths: 16 bits long, then 111, so rank 16 × 8 + 7.
    expect(climbed!.rank).toBe(135);
    expect((await wrong())[0]!.n).toBe(0);
    const [gone] = await rowsOf<{ n: number }>(
      cloud.deps.db,
      sql`SELECT count(*)::int AS n FROM shop_search_tokens WHERE org_id = ${shop.orgId} AND product_id = ${first!.product_id} AND rank = -1`,
    );
    expect(gone!.n).toBeGreaterThan(0);
  });

  it('ranks names that start with what was typed first, walking the others', async () => {
    const ways: string[] = [];
    // "mi" is broad here, and the names that start with it are few enough to be read whole.
    const query: ProductQuery = { q: 'mi', sort: 'relevance', page: 2 };
    const walked = await listProducts(cloud.deps.db, shop.orgId, query, undefined, {
      narrow: 50,
      walk: 120,
      trace: (how) => ways.push(how),
    });
    expect(ways).toEqual(['walk']);
    const names = walked.items.map((p) => p.name.toLowerCase());
    const firstOther = names.findIndex((n) => !n.startsWith('mi'));
    expect(firstOther).toBeGreaterThan(0);
    expect(names.slice(firstOther).every((n) => !n.startsWith('mi'))).toBe(true);
    const looked = await listProducts(cloud.deps.db, shop.orgId, query, undefined, { narrow: Number.MAX_SAFE_INTEGER, walk: 0 });
    expect(walked.items.map((p) => p.id)).toEqual(looked.items.map((p) => p.id));
  });
});
