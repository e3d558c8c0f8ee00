/**
 * Promotions and price lists online: a basket costs what the till charges for it at the same
 * moment (tax inclusive and exclusive), only the promotions that hold for this store now apply,
 * a forged form changes nothing, a price change is shown before the order is placed, and the paid
 * order reaches the till with its promotion shares, so the till's report counts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { dayToIso, isoToDay } from '../../../src/shared/business-day';
import type { Cart } from '../../../src/shared/api/types';
import { ok } from '../../support/app';
import { syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;
const promo: Record<string, string> = {};
let storeList = '';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

type Shop = Awaited<ReturnType<typeof tillWithShop>>;

async function createPromotion(s: Shop, promotion: Record<string, unknown>): Promise<string> {
  const p = await ok(s.till, 'promotions.create', { promotion: promotion as never }, 's1');
  return p.promotion.id;
}

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud, 'inclusive');
  base = `/shop/${shop.storeId}`;
  const now = cloud.deps.clock();
  promo.cola = await createPromotion(shop, {
    name: 'Second at half price',
    nameZh: '第二件半价',
    rule: { kind: 'buy_x_get_y', scope: { kind: 'products', productIds: [shop.cola.id] }, buyQty: 1, getQty: 1, getBp: 5000 },
    stacking: 'stackable',
    priority: 2,
    conditions: { storeIds: [shop.storeId] },
  });
  promo.bread = await createPromotion(shop, {
    name: 'Bread 10% off',
    nameZh: '面包九折',
    rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [shop.bread.id] }, bp: 1000 },
    stacking: 'stackable',
    priority: 1,
  });
  // None of these may apply: over, not yet begun, another store's, and one for members only.
  promo.expired = await createPromotion(shop, {
    name: 'Last month’s sale',
    rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 5000 },
    stacking: 'stackable',
    priority: 5,
    conditions: { startDate: day(now - 40 * DAY), endDate: day(now - 10 * DAY) },
  });
  promo.future = await createPromotion(shop, {
    name: 'Next month’s sale',
    rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 5000 },
    stacking: 'stackable',
    priority: 5,
    conditions: { startDate: day(now + 10 * DAY) },
  });
  promo.otherStore = await createPromotion(shop, {
    name: 'Another store only',
    rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 5000 },
    stacking: 'stackable',
    priority: 5,
    conditions: { storeIds: ['00000000-0000-4000-8000-00000000beef'] },
  });
  promo.members = await createPromotion(shop, {
    name: 'Members half price',
    rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 5000 },
    stacking: 'stackable',
    priority: 5,
    conditions: { memberOnly: true },
  });
  // The store's own price for apples (everyone in the store), and a members' price that needs a customer.
  const list = await ok(
    shop.till,
    'priceLists.create',
    { name: 'Store price', nameZh: '门店价', target: { kind: 'store', storeId: shop.storeId } },
    's1',
  );
  storeList = list.id;
  await ok(shop.till, 'priceLists.setEntries', { listId: list.id, entries: [{ productId: shop.apple.id, price: 249 }] }, 's1');
  const members = await ok(shop.till, 'priceLists.create', { name: 'Members', target: { kind: 'members' } }, 's1');
  await ok(shop.till, 'priceLists.setEntries', { listId: members.id, entries: [{ productId: shop.bread.id, price: 100 }] }, 's1');
  await shop.till.sync.engine.syncNow();
}, 240_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

/** The till's cart for a basket, read as the clerk sees it, then cleared so the next one starts empty. */
async function tillCart(s: Shop, basket: { productId: string; qty: number }[]): Promise<Cart> {
  for (const b of basket) await ok(s.till, 'cart.addProduct', { productId: b.productId, qty: b.qty }, 's1');
  const cart = await ok(s.till, 'cart.get', {}, 's1');
  await ok(s.till, 'cart.clear', {}, 's1');
  return cart;
}

async function fill(b: Browser, s: Shop, basket: { productId: string; qty: string }[]) {
  for (const i of basket) expect((await b.post(`/shop/${s.storeId}/cart/add`, i)).status).toBe(303);
}

async function shopOrder(idem: string) {
  const [row] = await rowsOf<{ id: string; subtotal: number; tax_total: number; total: number; shop_number: string }>(
    cloud.deps.db,
    sql`SELECT id, shop_number, subtotal::int AS subtotal, tax_total::int AS tax_total, total::int AS total FROM shop_orders WHERE idempotency_key = ${idem}`,
  );
  return row ?? null;
}

async function orderLines(orderId: string) {
  return rowsOf<{
    product_id: string;
    unit_price: number;
    net: number;
    tax: number;
    total: number;
    discount: number;
    promotions: string | null;
  }>(
    cloud.deps.db,
    sql`SELECT product_id, unit_price::int AS unit_price, net::int AS net, tax::int AS tax, total::int AS total, discount::int AS discount, promotions
        FROM shop_order_lines WHERE order_id = ${orderId} ORDER BY position`,
  );
}

/** The till's lines as the order should keep them, in the online cart's order. */
function tillLines(cart: Cart, order: string[]) {
  return order.map((id) => {
    const i = cart.lines.findIndex((l) => l.productId === id);
    const l = cart.lines[i]!;
    const p = cart.priced.lines[i]!;
    return {
      product_id: id,
      unit_price: l.unitPrice,
      net: p.net,
      tax: p.tax,
      total: p.total,
      discount: p.lineDiscount + p.promotionDiscount + p.cartDiscount,
      shares: (l.promotions ?? []).map((s) => ({ promotionId: s.promotionId, amount: s.amount })),
    };
  });
}

const basket = () => [
  { productId: shop.cola.id, qty: 3000 },
  { productId: shop.bread.id, qty: 1000 },
  { productId: shop.apple.id, qty: 733 },
];

describe('the same basket at the till and online, tax inclusive', () => {
  it('costs the same, line by line, with the same promotions and list price; the order reaches the till with its shares and counts in its report', async () => {
    const till = await tillCart(shop, basket());
    // The till applies exactly the two promotions and the store's list.
    expect(till.applied.map((a) => a.promotionId).sort()).toEqual([promo.cola!, promo.bread!].sort());
    expect(till.lines.find((l) => l.productId === shop.apple.id)).toMatchObject({ unitPrice: 249 });
    expect(till.priced.discountTotal).toBe(75 + 33);

    const b = new Browser(cloud);
    await fill(b, shop, [
      { productId: shop.cola.id, qty: '3' },
      { productId: shop.bread.id, qty: '1' },
      { productId: shop.apple.id, qty: '0.733' },
    ]);
    // The cart names each promotion as the till does, with its discount, in both languages.
    const cartPage = await (await b.get(`${base}/cart`)).text();
    expect(cartPage).toContain('Second at half price −CN¥0.75');
    expect(cartPage).toContain('Bread 10% off −CN¥0.33');
    expect(cartPage).toContain('Price: Store price');
    expect(cartPage).not.toMatch(/Last month|Next month|Another store|Members/);
    const zh = await (await b.get(`${base}/cart?lang=zh-CN`)).text();
    expect(zh).toContain('第二件半价');
    expect(zh).toContain('面包九折');
    expect(zh).toContain('门店价');

    const form = await (await b.get(`${base}/checkout?lang=en`)).text();
    expect(form).toContain('Promotion: Second at half price');
    const idem = hidden(form, 'idem');
    expect(hidden(form, 'seen')).toBe(String(till.priced.total));
    const res = await b.post(`${base}/checkout`, {
      idem,
      seen: hidden(form, 'seen'),
      name: 'Li Lei',
      phone: '13800000000',
      method: 'pickup',
    });
    expect(res.status).toBe(303);
    const order = (await shopOrder(idem))!;
    expect(order).toMatchObject({ subtotal: till.priced.subtotal, tax_total: till.priced.taxTotal, total: till.priced.total });
    const lines = await orderLines(order.id);
    expect(
      lines.map(({ promotions, ...l }) => ({
        ...l,
        shares: ((promotions ? JSON.parse(promotions) : []) as { promotionId: string; amount: number }[]).map((s) => ({
          promotionId: s.promotionId,
          amount: s.amount,
        })),
      })),
    ).toEqual(tillLines(till, [shop.cola.id, shop.bread.id, shop.apple.id]));

    // Paid, and pulled by the till: the order carries each line's shares and the list, like a counter sale.
    const gateway = res.headers.get('location')!;
    expect((await b.get(gateway)).status).toBe(200);
    expect(await cloud.alipay.customerPays(order.shop_number)).toEqual([{ status: 200, body: 'success' }]);
    await syncAll([shop.till]);
    const shares = shop.till.deps.sqlite
      .prepare(
        `SELECT l.product_id AS productId, s.promotion_id AS promotionId, s.name, s.name_zh AS nameZh, s.amount
         FROM order_line_promotions s JOIN order_lines l ON l.id = s.order_line_id WHERE s.order_id = ? ORDER BY l.position`,
      )
      .all(order.id);
    expect(shares).toEqual([
      { productId: shop.cola.id, promotionId: promo.cola, name: 'Second at half price', nameZh: '第二件半价', amount: 75 },
      { productId: shop.bread.id, promotionId: promo.bread, name: 'Bread 10% off', nameZh: '面包九折', amount: 33 },
    ]);
    const listed = shop.till.deps.sqlite
      .prepare('SELECT price_list_id AS id, name, shelf_price AS shelf FROM order_line_price_lists WHERE order_id = ?')
      .all(order.id);
    expect(listed).toEqual([{ id: storeList, name: 'Store price', shelf: 299 }]);
    expect(shop.till.deps.sqlite.prepare('SELECT COUNT(*) FROM sync_rejections').pluck().get()).toBe(0);
    const detail = await ok(shop.till, 'orders.detail', { id: order.id }, 's1');
    expect(detail.order.lines[0]!.promotions).toEqual([expect.objectContaining({ promotionId: promo.cola, amount: 75 })]);

    const d = isoToDay(day(cloud.deps.clock()));
    const report = await ok(shop.till, 'promotions.report', { from: dayToIso(d - 2), to: dayToIso(d + 2) }, 's1');
    const rows = new Map(report.rows.map((r) => [r.promotionId, r]));
    expect(rows.get(promo.cola!)).toMatchObject({ sales: 1, units: 3000, discount: 75, revenue: till.priced.total });
    expect(rows.get(promo.bread!)).toMatchObject({ sales: 1, units: 1000, discount: 33 });
    expect(report.rows).toHaveLength(2);

    // The buyer's order page names the promotions too.
    const page = await (await b.get(cloud.alipay.trades.get(order.shop_number)!.returnUrl!.replace(cloud.url, ''))).text();
    expect(page).toContain('Second at half price −CN¥0.75');
    expect(page).toContain('Promotion: Bread 10% off');
  }, 180_000);

  it('shows a single unit’s promotional or list price on product pages and cards, struck through, in both languages', async () => {
    const b = new Browser(cloud);
    const bread = await (await b.get(`${base}/p/${shop.bread.id}`)).text();
    expect(bread).toMatch(/<s class="regular"[^>]*>CN¥3\.25<\/s>/);
    expect(bread).toContain('Now CN¥2.92 with Bread 10% off');
    const apple = await (await b.get(`${base}/p/${shop.apple.id}?lang=zh-CN`)).text();
    expect(apple).toContain('门店价：现价 ¥2.49');
    // One cola alone gets nothing: the half price needs a second one.
    const cola = await (await b.get(`${base}/p/${shop.cola.id}`)).text();
    expect(cola).not.toContain('class="regular"');
    const list = await (await b.get(`${base}/search?lang=en`)).text();
    expect(list).toContain('Now CN¥2.92 with Bread 10% off');
  }, 60_000);

  it('a forged form (price, discount, total, negative quantity) changes nothing', async () => {
    const b = new Browser(cloud);
    const bad = await b.post(`${base}/cart/add`, { productId: shop.bread.id, qty: '-2' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role="alert"');
    await b.post(`${base}/cart/add`, {
      productId: shop.bread.id,
      qty: '1',
      price: '1',
      unitPrice: '1',
      discount: '300',
      promotionId: promo.expired!,
    });
    expect((await b.post(`${base}/cart/update`, { productId: shop.bread.id, qty: '-1' })).status).toBe(400);
    const form = await (await b.get(`${base}/checkout`)).text();
    const idem = hidden(form, 'idem');
    // A total the page never showed is not placed: the page comes back with the real one.
    const forged = await b.post(`${base}/checkout`, { idem, seen: '1', name: 'Li Lei', phone: '13800000000', method: 'pickup' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('A price or a promotion changed');
    expect(await shopOrder(idem)).toBeNull();
    const res = await b.post(`${base}/checkout`, {
      idem,
      seen: hidden(form, 'seen'),
      name: 'Li Lei',
      phone: '13800000000',
      method: 'pickup',
      total: '1',
      subtotal: '1',
      discount: '324',
      shipping: '-100',
    });
    expect(res.status).toBe(303);
    // One bread at 3.25 less its 10%: what the till charges, whatever the form said.
    expect(await shopOrder(idem)).toMatchObject({ subtotal: 325, total: 292 });
  }, 60_000);

  it('a promotion paused between the checkout page and the order is re-priced, and the buyer sees the new total before placing', async () => {
    const b = new Browser(cloud);
    await fill(b, shop, [{ productId: shop.bread.id, qty: '2' }]);
    const form = await (await b.get(`${base}/checkout`)).text();
    const idem = hidden(form, 'idem');
    expect(hidden(form, 'seen')).toBe('585');
    await ok(shop.till, 'promotions.setActive', { id: promo.bread!, active: false }, 's1');
    await shop.till.sync.engine.syncNow();
    try {
      const again = await b.post(`${base}/checkout`, { idem, seen: '585', name: 'Li Lei', phone: '13800000000', method: 'pickup' });
      expect(again.status).toBe(400);
      const shown = await again.text();
      expect(shown).toContain('A price or a promotion changed');
      expect(shown).toContain('CN¥6.50');
      expect(hidden(shown, 'seen')).toBe('650');
      expect(await shopOrder(idem)).toBeNull();
      const placed = await b.post(`${base}/checkout`, { idem, seen: '650', name: 'Li Lei', phone: '13800000000', method: 'pickup' });
      expect(placed.status).toBe(303);
      expect(await shopOrder(idem)).toMatchObject({ total: 650 });
    } finally {
      await ok(shop.till, 'promotions.setActive', { id: promo.bread!, active: true }, 's1');
      await shop.till.sync.engine.syncNow();
    }
  }, 60_000);
  it('a record the engine would misread (a malformed promotion, a negative list price) prices nothing rather than stopping the shop', async () => {
    const now = cloud.deps.clock();
    const put = (entity: string, id: string, d: Record<string, unknown>) => sql`
      INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, seq, updated_at)
      VALUES (${shop.orgId}, ${entity}, '', ${id}, 'mutable', ${JSON.stringify({ d, c: '0' })}, 0, ${now})`;
    await cloud.deps.db.execute(
      put('promotion', '00000000-0000-4000-8000-0000000000b1', {
        definition: {
          id: '00000000-0000-4000-8000-0000000000b1',
          name: 'Everything free',
          rule: { kind: 'percent_off', scope: { kind: 'all' }, bp: 10_000_000 },
        },
        active: true,
        created_at: now,
        updated_at: now,
      }),
    );
    await cloud.deps.db.execute(
      put('price_list_entry', '00000000-0000-4000-8000-0000000000b2', {
        price_list_id: storeList,
        product_id: shop.cola.id,
        min_qty: 0,
        price: -500,
        updated_at: now,
      }),
    );
    const b = new Browser(cloud);
    await fill(b, shop, [{ productId: shop.cola.id, qty: '1' }]);
    const form = await (await b.get(`${base}/checkout?lang=en`)).text();
    expect(hidden(form, 'seen')).toBe('150');
    expect(form).not.toContain('Everything free');
  }, 60_000);
});

describe('the same basket at the till and online, tax exclusive', () => {
  it('costs the same, line by line, with a spend threshold and a percent off', async () => {
    const ex = await tillWithShop(cloud, 'exclusive');
    try {
      await createPromotion(ex, {
        name: 'Spend 5, save 1',
        nameZh: '满5减1',
        rule: { kind: 'threshold', scope: { kind: 'all' }, tiers: [{ minSpend: 500, off: { kind: 'amount', minor: 100 } }] },
        stacking: 'stackable',
        priority: 1,
      });
      await createPromotion(ex, {
        name: 'Cola 15% off',
        rule: { kind: 'percent_off', scope: { kind: 'products', productIds: [ex.cola.id] }, bp: 1500 },
        stacking: 'stackable',
        priority: 2,
      });
      await ex.till.sync.engine.syncNow();
      const till = await tillCart(ex, [
        { productId: ex.cola.id, qty: 3000 },
        { productId: ex.bread.id, qty: 1000 },
        { productId: ex.apple.id, qty: 733 },
      ]);
      expect(till.applied).toHaveLength(2);
      expect(till.priced.total).toBe(till.priced.subtotal - till.priced.discountTotal + till.priced.taxTotal);

      const b = new Browser(cloud);
      await fill(b, ex, [
        { productId: ex.cola.id, qty: '3' },
        { productId: ex.bread.id, qty: '1' },
        { productId: ex.apple.id, qty: '0.733' },
      ]);
      const exBase = `/shop/${ex.storeId}`;
      const form = await (await b.get(`${exBase}/checkout`)).text();
      const idem = hidden(form, 'idem');
      const res = await b.post(`${exBase}/checkout`, {
        idem,
        seen: hidden(form, 'seen'),
        name: 'Li Lei',
        phone: '13800000000',
        method: 'pickup',
      });
      expect(res.status).toBe(303);
      const order = (await shopOrder(idem))!;
      expect(order).toMatchObject({ subtotal: till.priced.subtotal, tax_total: till.priced.taxTotal, total: till.priced.total });
      const lines = await orderLines(order.id);
      expect(lines.map(({ promotions: _p, ...l }) => l)).toEqual(
        tillLines(till, [ex.cola.id, ex.bread.id, ex.apple.id]).map(({ shares: _s, ...l }) => l),
      );
    } finally {
      ex.till.close();
    }
  }, 240_000);
});
