import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { MAX_ORDER_PRODUCTS, projectRecommendations } from '../../../src/cloud/shop/recommend/projection';
import { uuidv7 } from '../../../src/shared/ids';
import { ok } from '../../support/app';
import { shopOrg } from '../../support/shop-cloud';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';
import { openShift, syncAll } from '../../support/sync';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;
/** Product names by id, for readable expectations. */
const names = new Map<string, string>();
const ids: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

async function product(name: string, units = 100, categoryId: string | null = null) {
  const id = await shop.product(name, 1000, units);
  if (categoryId) {
    await ok(shop.till, 'catalog.update', { id, categoryId }, 's1');
    await syncAll([shop.till], 1);
  }
  names.set(id, name);
  ids[name] = id;
  return id;
}

/** A cash sale at the counter of one of each product, for `customerId` if given. */
async function counterSale(products: string[], customerId: string | null = null) {
  await openShift(shop.till);
  for (const productId of products) await ok(shop.till, 'cart.addProduct', { productId }, 's1');
  if (customerId) await ok(shop.till, 'cart.setCustomer', { customerId }, 's1');
  const cart = await ok(shop.till, 'cart.get', {}, 's1');
  return ok(
    shop.till,
    'sales.complete',
    { cartId: cart.id!, checkoutId: randomUUID(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    's1',
  );
}

let buyers = 0;
async function signedIn() {
  const b = new Browser(cloud);
  await b.get(`${base}/account/signup`);
  const res = await b.post(`${base}/account/signup`, {
    login: `rec${++buyers}@example.test`,
    name: 'Li Lei',
    password: 'a long pass 1234',
  });
  expect(res.status).toBe(303);
  return b;
}

/** The buyer pays online for one of each product (picked up in store). */
async function paidOnline(b: Browser, products: string[]) {
  for (const productId of products) expect((await b.post(`${base}/cart/add`, { productId, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, { idem: hidden(form, 'idem'), name: 'Li Lei', email: 'li@example.com', method: 'pickup' });
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  expect((await b.get(gateway)).status).toBe(200);
  const tradeNo = (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
  await cloud.alipay.customerPays(tradeNo);
  const [row] = await rowsOf<{ id: string }>(
    cloud.deps.db,
    sql`SELECT id FROM shop_orders WHERE shop_number = ${tradeNo} AND state = 'paid'`,
  );
  expect(row).toBeDefined();
  return row!.id;
}

/** The products of one recommendation section of a page, in the order shown, by name. */
function section(pageHtml: string, kind: string): string[] {
  const m = new RegExp(`<section class="recs" data-recs="${kind}">([\\s\\S]*?)</section>`).exec(pageHtml);
  if (!m) return [];
  return [...m[1]!.matchAll(/href="[^"]*\/p\/([0-9a-f-]{36})"/g)].map((x) => names.get(x[1]!) ?? x[1]!);
}

const productPage = async (name: string, lang = 'en') => {
  const res = await new Browser(cloud).get(`${base}/p/${ids[name]}?lang=${lang}`);
  expect(res.status).toBe(200);
  return res.text();
};

async function pairCount(orgId: string): Promise<number> {
  const [r] = await rowsOf<{ n: string | number }>(cloud.deps.db, sql`SELECT COUNT(*) AS n FROM shop_rec_pairs WHERE org_id = ${orgId}`);
  return Number(r!.n);
}

describe('recommendations from the counter and the web', () => {
  it('ranks what is bought with a product by co-purchases normalised by popularity, counter and online alike', async () => {
    const kitchen = await ok(shop.till, 'catalog.categoryCreate', { name: 'Kitchen', altName: '厨房' }, 's1');
    await product('Tea');
    await product('Cups', 100, kitchen.id);
    await product('Kettle', 100, kitchen.id);
    await product('Honey');
    await product('Lemon');
    await product('Biscuits');
    names.set(shop.cola.id, 'Cola');
    ids.Cola = shop.cola.id;

    for (let k = 0; k < 3; k++) await counterSale([ids.Tea!, ids.Cups!]);
    for (let k = 0; k < 2; k++) await counterSale([ids.Tea!, ids.Honey!]);
    // Cola is in every other basket: twice with tea, as often as honey, but it is no sign of tea.
    for (let k = 0; k < 2; k++) await counterSale([ids.Tea!, ids.Cola!]);
    for (let k = 0; k < 6; k++) await counterSale([ids.Cola!, ids.Biscuits!]);
    await counterSale([ids.Kettle!]);
    await syncAll([shop.till]);
    // An online order counts as the till's do.
    await paidOnline(await signedIn(), [ids.Tea!, ids.Lemon!]);

    // Cups 3/√3, honey 2/√2, lemon 1/√1, cola 2/√8.
    const en = await productPage('Tea');
    expect(section(en, 'together')).toEqual(['Cups', 'Honey', 'Lemon', 'Cola']);
    expect(en).toContain('Frequently bought together');
    // Little history is not the case here: no best sellers fill in.
    expect(section(en, 'fallback')).toEqual([]);
    const zh = await productPage('Tea', 'zh-CN');
    expect(zh).toContain('经常一起购买');
    expect(section(zh, 'together')).toEqual(['Cups', 'Honey', 'Lemon', 'Cola']);
    // Both ways round: tea is what goes with honey.
    expect(section(await productPage('Honey'), 'together')[0]).toBe('Tea');
  });

  it('shows what the same customers bought in their other orders, at the counter and online', async () => {
    await product('Jam');
    await product('Scarf');
    for (const name of ['Ann', 'Bob']) {
      const customer = await ok(shop.till, 'customers.create', { name }, 's1');
      await counterSale([ids.Tea!], customer.id);
      await counterSale([ids.Jam!], customer.id);
    }
    await syncAll([shop.till]);
    const buyer = await signedIn();
    await paidOnline(buyer, [ids.Tea!]);
    await paidOnline(buyer, [ids.Scarf!]);
    // An anonymous sale of tea and jam together is "bought together", not a customer's other order.
    const page = await productPage('Tea');
    expect(section(page, 'also')).toEqual(['Jam', 'Scarf']);
    expect(page).toContain('Customers who bought this also bought');
    expect(await productPage('Tea', 'zh-CN')).toContain('买了此商品的顾客还买了');
    // Never the product itself, never twice on a page.
    const together = section(page, 'together');
    expect(together).not.toContain('Tea');
    expect(section(page, 'also').filter((n) => together.includes(n))).toEqual([]);
  });

  it('fills a new product’s page with best sellers of its category, then of the shop', async () => {
    const [kitchen] = await rowsOf<{ category_id: string }>(
      cloud.deps.db,
      sql`SELECT category_id FROM shop_categories WHERE org_id = ${shop.orgId} AND name = 'Kitchen'`,
    );
    await product('Teapot', 10, kitchen!.category_id);
    const page = await productPage('Teapot');
    expect(section(page, 'together')).toEqual([]);
    expect(section(page, 'also')).toEqual([]);
    const fallback = section(page, 'fallback');
    // Cups sold three, the kettle one: the kitchen first, then the shop's best sellers (tea, then cola).
    expect(fallback.slice(0, 4)).toEqual(['Cups', 'Kettle', 'Tea', 'Cola']);
    expect(fallback).toHaveLength(6);
    expect(fallback).not.toContain('Teapot');
    expect(page).toContain('You may also like');
    expect(await productPage('Teapot', 'zh-CN')).toContain('猜你喜欢');
  });

  it('suggests the cart’s top co-purchases that are not in it yet, in both languages', async () => {
    const b = new Browser(cloud);
    expect((await b.post(`${base}/cart/add`, { productId: ids.Tea!, qty: '1' })).status).toBe(303);
    expect((await b.post(`${base}/cart/add`, { productId: ids.Cups!, qty: '1' })).status).toBe(303);
    const cart = await (await b.get(`${base}/cart`)).text();
    // Tea's neighbours but cups (in the cart); cups' only one is tea. Three: the kitchen's best seller tops it up.
    expect(section(cart, 'cart')).toEqual(['Honey', 'Lemon', 'Cola']);
    expect(section(cart, 'fallback')).toEqual(['Kettle']);
    const zh = await (await b.get(`${base}/cart?lang=zh-CN`)).text();
    expect(zh).toContain('常与购物车中的商品一起购买');
    // An empty cart suggests nothing.
    expect(section(await (await new Browser(cloud).get(`${base}/cart`)).text(), 'cart')).toEqual([]);
  });

  it('never shows a product that is not sold online or is out of stock online, on any list', async () => {
    // A spoon goes with tea more than anything, but it is not sold online.
    const spoon = await ok(
      shop.till,
      'catalog.create',
      { sku: 'SPOON', name: 'Spoon', unit: 'each', price: 300, cost: 100, barcodes: [], taxRateId: shop.std.id },
      's1',
    );
    names.set(spoon.id, 'Spoon');
    for (let k = 0; k < 5; k++) await counterSale([ids.Tea!, spoon.id]);
    // Cups sell out online (the buffer-free stock is zero).
    await shop.setStock(ids.Cups!, 0);
    await syncAll([shop.till]);
    const page = await productPage('Tea');
    expect(section(page, 'together')).toEqual(['Honey', 'Lemon', 'Cola']);
    expect(page).not.toContain(spoon.id);
    expect(page).not.toContain(`/p/${ids.Cups}"`);
    expect(section(await productPage('Teapot'), 'fallback')).not.toContain('Cups');
    const b = new Browser(cloud);
    await b.post(`${base}/cart/add`, { productId: ids.Honey!, qty: '1' });
    const cart = await (await b.get(`${base}/cart`)).text();
    expect(section(cart, 'cart')).toEqual(['Tea']);
    expect(cart).not.toContain(spoon.id);
    expect(cart).not.toContain(`/p/${ids.Cups}"`);
    await shop.setStock(ids.Cups!, 100);
    expect(section(await productPage('Tea'), 'together')[0]).toBe('Cups');
  });

  it('escapes the names it shows', async () => {
    const evil = await product('<img src=x onerror=alert(1)>Mug');
    await counterSale([ids.Biscuits!, evil]);
    await syncAll([shop.till]);
    const page = await productPage('Biscuits');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;Mug');
    expect(page).not.toContain('<img src=x');
  });

  it('takes a voided sale back out of the counts', async () => {
    await product('Mustard');
    await product('Pretzels');
    const sale = await counterSale([ids.Mustard!, ids.Pretzels!]);
    await syncAll([shop.till]);
    expect(section(await productPage('Mustard'), 'together')).toEqual(['Pretzels']);
    await ok(shop.till, 'refunds.voidSale', { orderId: sale.id, refundId: uuidv7(), method: 'original' }, 's1');
    await syncAll([shop.till]);
    expect(section(await productPage('Mustard'), 'together')).toEqual([]);
    const left = await rowsOf<{ n: number }>(
      cloud.deps.db,
      sql`SELECT n FROM shop_rec_pairs WHERE org_id = ${shop.orgId} AND product_a = ${ids.Mustard!}`,
    );
    expect(left).toEqual([]);
  });

  it('is never moved by another organisation’s sales, even of the same product ids', async () => {
    const before = await productPage('Tea');
    const other = await shopOrg(cloud.deps, 'Intruder shop');
    const intruder = await other.product({ name: 'Intruder' });
    await other.stock(intruder, 100_000);
    for (let k = 0; k < 10; k++)
      await other.sale([
        { productId: ids.Tea!, qty: 1000 },
        { productId: ids.Biscuits!, qty: 1000 },
        { productId: intruder, qty: 1000 },
      ]);
    const after = await productPage('Tea');
    expect(section(after, 'together')).toEqual(section(before, 'together'));
    expect(section(after, 'also')).toEqual(section(before, 'also'));
    expect(after).not.toContain(intruder);
    expect(after).not.toContain('Intruder');
    // The other shop's own page knows only its own sales.
    const theirs = await (await new Browser(cloud).get(`/shop/${other.storeId}/p/${intruder}`)).text();
    expect(theirs).not.toContain('Honey');
  });

  it('counts an organisation’s earlier sales once when its projection is first needed', async () => {
    const snapshot = async () => ({
      pairs: await rowsOf(
        cloud.deps.db,
        sql`SELECT product_a, product_b, n FROM shop_rec_pairs WHERE org_id = ${shop.orgId} ORDER BY product_a, product_b`,
      ),
      products: await rowsOf(
        cloud.deps.db,
        sql`SELECT product_id, orders FROM shop_rec_products WHERE org_id = ${shop.orgId} AND orders > 0 ORDER BY product_id`,
      ),
      lines: await rowsOf(
        cloud.deps.db,
        sql`SELECT customer_key, order_id, product_id FROM shop_rec_customer_lines WHERE org_id = ${shop.orgId}
            ORDER BY customer_key, order_id, product_id`,
      ),
    });
    const kept = await snapshot();
    expect(kept.pairs.length).toBeGreaterThan(10);
    expect(kept.lines.length).toBeGreaterThan(5);
    const page = await productPage('Tea');
    // As if the organisation's history predated the projection.
    for (const table of ['shop_rec_pairs', 'shop_rec_products', 'shop_rec_customer_lines', 'shop_rec_orders', 'shop_rec_built_orgs'])
      await cloud.deps.db.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE org_id = ${shop.orgId}`);
    const rebuilt = await productPage('Tea');
    expect(await snapshot()).toEqual(kept);
    expect(section(rebuilt, 'together')).toEqual(section(page, 'together'));
    expect(section(rebuilt, 'also')).toEqual(section(page, 'also'));
    // Once: the next page finds it built and counts nothing again.
    await productPage('Tea');
    expect(await snapshot()).toEqual(kept);
  });
});

describe('what one order may write', () => {
  const line = (orderId: string, productId: string, total: number) => ({ product_id: productId, order_id: orderId, qty: 1000, total });
  const orderRow = (storeId: string, orderId: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    entity: 'order',
    kind: 'append-only' as const,
    storeId,
    entityId: orderId,
    body: JSON.stringify({
      e: 'order',
      i: orderId,
      d: { id: orderId, customer_id: null, created_at: 1, source: null, ...extra },
      ch: { order_lines: lines },
    }),
  });
  const project = (orgId: string, rows: Parameters<typeof projectRecommendations>[2]) =>
    cloud.deps.db.transaction((tx) => projectRecommendations(tx, orgId, rows));

  it('counts a 200-line order by its 20 most valuable products: at most 380 pairs', async () => {
    const org = await shopOrg(cloud.deps, 'Wholesale');
    const products = Array.from({ length: 200 }, () => uuidv7());
    const orderId = uuidv7();
    await org.push([
      {
        e: 'order',
        i: orderId,
        d: {
          id: orderId,
          number: 'T1-9001',
          checkout_id: uuidv7(),
          cart_id: uuidv7(),
          terminal_code: 'T1',
          staff_id: uuidv7(),
          customer_id: null,
          fulfilment: 'now',
          currency: 'CNY',
          price_mode: 'inclusive',
          subtotal: 0,
          discount_total: 0,
          tax_total: 0,
          total: 0,
          paid: 0,
          change: 0,
          taxes: [],
          created_at: cloud.deps.clock(),
          shift_id: null,
          source: null,
        },
        ch: {
          order_lines: products.map((p, k) => ({
            id: uuidv7(),
            order_id: orderId,
            position: k,
            product_id: p,
            sku: 'X',
            name: 'X',
            alt_name: null,
            unit: 'each',
            qty: 1000,
            unit_price: k * 10,
            original_price: k * 10,
            gross: k * 10,
            discount: 0,
            net: k * 10,
            tax: 0,
            tax_rate_bp: 0,
            total: k * 10,
            cost: 0,
          })),
        },
      },
    ]);
    expect(MAX_ORDER_PRODUCTS).toBe(20);
    expect(await pairCount(org.orgId)).toBe(20 * 19);
    const [counted] = await rowsOf<{ products: string[] }>(
      cloud.deps.db,
      sql`SELECT products FROM shop_rec_orders WHERE org_id = ${org.orgId} AND order_id = ${orderId}`,
    );
    expect(counted!.products).toEqual(products.slice(180).reverse());
  });

  it('counts a resent order once, and never an order whose void or cancellation came first', async () => {
    const org = await shopOrg(cloud.deps, 'Edge cases');
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const first = uuidv7();
    const sale = orderRow(org.storeId, first, [line(first, a, 100), line(first, b, 50)]);
    await project(org.orgId, [sale]);
    await project(org.orgId, [sale]);
    const n = async (x: string, y: string) =>
      Number(
        (
          await rowsOf<{ n: number }>(
            cloud.deps.db,
            sql`SELECT n FROM shop_rec_pairs WHERE org_id = ${org.orgId} AND product_a = ${x} AND product_b = ${y}`,
          )
        )[0]?.n ?? 0,
      );
    expect(await n(a, b)).toBe(1);
    expect(await n(b, a)).toBe(1);

    // A void that arrives before its sale: the sale, when it comes, is not counted.
    const voided = uuidv7();
    const body = (d: Record<string, unknown>) => JSON.stringify({ d });
    await project(org.orgId, [
      { entity: 'refund', kind: 'append-only', storeId: org.storeId, entityId: uuidv7(), body: body({ order_id: voided, kind: 'void' }) },
    ]);
    await project(org.orgId, [orderRow(org.storeId, voided, [line(voided, a, 100), line(voided, c, 50)])]);
    expect(await n(a, c)).toBe(0);

    // An online order cancelled after it was paid; a return leaves the counts as they are.
    const online = uuidv7();
    await project(org.orgId, [orderRow(org.storeId, online, [line(online, b, 100), line(online, c, 50)], { source: 'online' })]);
    expect(await n(b, c)).toBe(1);
    await project(org.orgId, [
      { entity: 'refund', kind: 'append-only', storeId: org.storeId, entityId: uuidv7(), body: body({ order_id: online, kind: 'return' }) },
    ]);
    expect(await n(b, c)).toBe(1);
    const cancel = {
      entity: 'online_order_event',
      kind: 'append-only' as const,
      storeId: org.storeId,
      entityId: uuidv7(),
      body: body({ order_id: online, kind: 'cancelled' }),
    };
    await project(org.orgId, [cancel]);
    await project(org.orgId, [cancel]);
    expect(await n(b, c)).toBe(0);
    expect(await n(a, b)).toBe(1);
    // Another store's void of an order with the same id takes nothing back here.
    await project(org.orgId, [
      { entity: 'refund', kind: 'append-only', storeId: uuidv7(), entityId: uuidv7(), body: body({ order_id: first, kind: 'void' }) },
    ]);
    expect(await n(a, b)).toBe(1);
  });
});
