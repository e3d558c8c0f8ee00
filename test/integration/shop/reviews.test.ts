import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { formatHlc } from '../../../src/shared/hlc';
import type { Enrolment, PushResponse } from '../../../src/shared/sync/protocol';
import { fail, ok } from '../../support/app';
import { fetchVia } from '../../support/cloud';
import { enrolmentCode, syncAll } from '../../support/sync';
import { Browser, hidden, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;

beforeAll(async () => {
  cloud = await startShopCloud();
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 60_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

const DAY = 86_400_000;
let buyers = 0;

/** A signed-in buyer's browser. */
async function signedIn(name = 'Li Lei') {
  const b = new Browser(cloud);
  await b.get(`${base}/account/signup`);
  const res = await b.post(`${base}/account/signup`, { login: `buyer${++buyers}@example.test`, name, password: 'a long pass 1234' });
  expect(res.status).toBe(303);
  return b;
}

/** The buyer pays for one of `productId`; returns the order and its line. */
async function bought(b: Browser, productId: string) {
  expect((await b.post(`${base}/cart/add`, { productId, qty: '1' })).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'pickup',
  });
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  expect((await b.get(gateway)).status).toBe(200);
  const tradeNo = (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
  await cloud.alipay.customerPays(tradeNo);
  const [row] = await rowsOf<{ order_id: string; line_id: string }>(
    cloud.deps.db,
    sql`SELECT o.id AS order_id, l.id AS line_id FROM shop_orders o JOIN shop_order_lines l ON l.order_id = o.id
        WHERE o.shop_number = ${tradeNo} AND o.state = 'paid'`,
  );
  expect(row).toBeDefined();
  return { orderId: row!.order_id, lineId: row!.line_id };
}

/** The till hands the order over (a step of the online order, pushed to the cloud). */
async function handedOver(orderId: string, kind: 'picked_up' | 'delivered' = 'picked_up') {
  await syncAll([shop.till]);
  shop.till.deps.sqlite
    .prepare(
      'INSERT INTO online_order_events (id, order_id, kind, carrier, tracking, note, terminal_code, staff_id, at) VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL, ?)',
    )
    .run(cloud.deps.ids(), orderId, kind, '', 'T1', shop.till.clock());
  await syncAll([shop.till]);
}

const newPath = (o: { orderId: string; lineId: string }) => `${base}/reviews/new?order=${o.orderId}&line=${o.lineId}`;

async function shopRating(productId: string) {
  const [r] = await rowsOf<{ s: string | number; n: string | number }>(
    cloud.deps.db,
    sql`SELECT rating_sum AS s, rating_count AS n FROM shop_products WHERE org_id = ${shop.orgId} AND product_id = ${productId}`,
  );
  return { sum: Number(r?.s ?? 0), count: Number(r?.n ?? 0) };
}

const tillRating = (productId: string) =>
  (shop.till.deps.sqlite.prepare('SELECT sum, count FROM product_ratings WHERE product_id = ?').get(productId) as
    { sum: number; count: number } | undefined) ?? { sum: 0, count: 0 };

describe('a buyer reviews what they bought', () => {
  it('only once it is in their hands; then once per line, shown on the product page and counted on both sides', async () => {
    const productId = await shop.product('Kettle', 9900, 50);
    const b = await signedIn();
    const line = await bought(b, productId);

    // Paid but not yet picked up: no review, and the order page offers none.
    const early = await b.get(newPath(line));
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('once it has been delivered or picked up');
    expect((await b.post(newPath(line), { rating: '5', comment: 'early' })).status).toBe(409);
    expect(await (await b.get(`${base}/orders/${line.orderId}`)).text()).not.toContain('/reviews/new');

    await handedOver(line.orderId);
    const orderPage = await (await b.get(`${base}/orders/${line.orderId}`)).text();
    expect(orderPage).toContain(`/reviews/new?order=${line.orderId}&amp;line=${line.lineId}`);
    expect((await b.get(newPath(line))).status).toBe(200);
    // A rating outside 1–5 is explained, nothing saved.
    const bad = await b.post(newPath(line), { rating: '6', comment: 'x' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose a rating from 1 to 5 stars');

    const saved = await b.post(newPath(line), { rating: '4', comment: 'Boils fast.\nQuiet too.' });
    expect(saved.status).toBe(303);
    const edit = saved.headers.get('location')!;
    expect(edit).toMatch(/\/reviews\/[0-9a-f-]{36}\/edit\?saved=1$/);
    expect(await (await b.get(edit)).text()).toContain('your review is saved');

    // A second review of the same line is refused; the form leads to the one written.
    expect((await b.post(newPath(line), { rating: '1', comment: 'again' })).status).toBe(409);
    const again = await b.get(newPath(line));
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(edit.replace('?saved=1', ''));
    const [n] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(*) AS n FROM shop_reviews WHERE order_line_id = ${line.lineId}`,
    );
    expect(Number(n!.n)).toBe(1);

    const product = await (await new Browser(cloud).get(`${base}/p/${productId}`)).text();
    expect(product).toContain('Boils fast.');
    expect(product).toContain('Verified purchase');
    expect(product).toContain('>Li<');
    expect(await shopRating(productId)).toEqual({ sum: 4, count: 1 });

    // The till pulls the review and counts it in the product's rating.
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 4, count: 1 });
    const listed = await ok(shop.till, 'reviews.list', { offset: 0, limit: 50 }, 's1');
    expect(listed.items.find((r) => r.productId === productId)).toMatchObject({ rating: 4, author: 'Li', hidden: false });

    // An edit within 30 days moves both ratings by the difference.
    expect((await b.post(edit.replace('?saved=1', ''), { rating: '2', comment: 'Leaks.' })).status).toBe(303);
    expect(await shopRating(productId)).toEqual({ sum: 2, count: 1 });
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 2, count: 1 });
    expect(await (await new Browser(cloud).get(`${base}/p/${productId}`)).text()).toContain('Leaks.');
  });

  it('someone else’s line or review is a 404; a guest is sent to sign in', async () => {
    const productId = await shop.product('Teapot', 5900, 50);
    const owner = await signedIn();
    const line = await bought(owner, productId);
    await handedOver(line.orderId, 'delivered');
    const res = await owner.post(newPath(line), { rating: '5', comment: 'Mine' });
    const edit = res.headers.get('location')!.replace('?saved=1', '');

    const other = await signedIn('Han Meimei');
    expect((await other.get(newPath(line))).status).toBe(404);
    expect((await other.post(newPath(line), { rating: '1', comment: 'not mine' })).status).toBe(404);
    expect((await other.get(edit)).status).toBe(404);
    expect((await other.post(edit, { rating: '1', comment: 'rewritten' })).status).toBe(404);
    // Guessed ids and junk are 404s too.
    expect((await other.get(`${base}/reviews/new?order=${line.orderId}&line=${cloud.deps.ids()}`)).status).toBe(404);
    expect((await other.get(`${base}/reviews/not-an-id/edit`)).status).toBe(404);
    // Not signed in: to the sign-in page, coming back here.
    const guest = new Browser(cloud);
    const g = await guest.get(newPath(line));
    expect(g.status).toBe(303);
    expect(g.headers.get('location')).toContain('/account/signin?next=');
    // Without the form's CSRF token, nothing is written.
    expect((await owner.post(edit, { rating: '1', comment: 'forged' }, { csrf: false })).status).toBe(403);
    const [r] = await rowsOf<{ rating: number; comment: string }>(
      cloud.deps.db,
      sql`SELECT rating, comment FROM shop_reviews WHERE order_line_id = ${line.lineId}`,
    );
    expect(r).toEqual({ rating: 5, comment: 'Mine' });
  });

  it('escapes what the buyer wrote on the product page', async () => {
    const productId = await shop.product('Pan', 4900, 50);
    const b = await signedIn('<img src=x onerror=alert(1)>');
    const line = await bought(b, productId);
    await handedOver(line.orderId);
    expect((await b.post(newPath(line), { rating: '5', comment: '<script>alert("x")</script> & "quotes"' })).status).toBe(303);
    const product = await (await new Browser(cloud).get(`${base}/p/${productId}`)).text();
    expect(product).not.toContain('<script>alert');
    expect(product).not.toContain('<img src=x');
    expect(product).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(product).toContain('&lt;img');
  });

  it('a review hidden by a manager leaves the page and both ratings; shown again, it comes back', async () => {
    const productId = await shop.product('Wok', 12900, 50);
    const b = await signedIn();
    const line = await bought(b, productId);
    await handedOver(line.orderId);
    await b.post(newPath(line), { rating: '1', comment: 'Rude words here' });
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 1, count: 1 });
    const review = (await ok(shop.till, 'reviews.list', { offset: 0, limit: 50 }, 's1')).items.find((r) => r.productId === productId)!;

    // A reason is required.
    const bare = await fail(shop.till, 'reviews.setHidden', { id: review.id, hidden: true, reason: ' ' }, 's1');
    expect(bare.code).toBe('VALIDATION');
    const hid = await ok(shop.till, 'reviews.setHidden', { id: review.id, hidden: true, reason: 'Abusive language' }, 's1');
    expect(hid).toMatchObject({ hidden: true, hiddenReason: 'Abusive language' });
    expect(tillRating(productId)).toEqual({ sum: 0, count: 0 });
    await syncAll([shop.till]);
    expect(await shopRating(productId)).toEqual({ sum: 0, count: 0 });
    const page = await (await new Browser(cloud).get(`${base}/p/${productId}`)).text();
    expect(page).not.toContain('Rude words here');
    expect(page).toContain('No reviews yet.');
    // The buyer sees why on their review; their edit does not show it again.
    const edit = `${base}/reviews/${review.id}/edit`;
    expect(await (await b.get(edit)).text()).toContain('The shop has hidden this review: Abusive language');
    expect((await b.post(edit, { rating: '2', comment: 'Rude words again' })).status).toBe(303);
    expect(await shopRating(productId)).toEqual({ sum: 0, count: 0 });
    expect(await (await new Browser(cloud).get(`${base}/p/${productId}`)).text()).not.toContain('Rude words');
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 0, count: 0 });

    await ok(shop.till, 'reviews.setHidden', { id: review.id, hidden: false, reason: '' }, 's1');
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 2, count: 1 });
    expect(await shopRating(productId)).toEqual({ sum: 2, count: 1 });
    expect(await (await new Browser(cloud).get(`${base}/p/${productId}`)).text()).toContain('Rude words again');
  });

  it('a till cannot rewrite a buyer’s rating or make up a review through a crafted push', async () => {
    const productId = await shop.product('Spoon', 900, 50);
    const b = await signedIn();
    const line = await bought(b, productId);
    await handedOver(line.orderId);
    await b.post(newPath(line), { rating: '5', comment: 'Shiny' });
    const [rev] = await rowsOf<{ id: string }>(cloud.deps.db, sql`SELECT id FROM shop_reviews WHERE order_line_id = ${line.lineId}`);

    const code = await enrolmentCode(shop.till);
    const enrolled = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/enrol',
      body: { code: code.code, terminalName: 'Rogue' },
      token: null,
      staffToken: null,
    })) as { status: number; body: Enrolment };
    expect(enrolled.status).toBe(200);
    const stamp = formatHlc(cloud.deps.clock() + 1000, 0, enrolled.body.device.terminalCode);
    const mutations = [
      { m: 1, e: 'product_review', i: rev!.id, d: { rating: 1 }, c: stamp },
      { m: 2, e: 'product_review', i: rev!.id, d: { comment: 'Awful', hidden: false }, c: stamp },
      {
        m: 3,
        e: 'product_review',
        i: cloud.deps.ids(),
        d: { hidden: true, hidden_reason: 'made up' },
        c: stamp,
      },
    ];
    const res = (await fetchVia(cloud.app, cloud.url, {
      method: 'POST',
      path: '/v1/push',
      body: { mutations },
      token: enrolled.body.token,
      staffToken: null,
    })) as { status: number; body: PushResponse };
    expect(res.status).toBe(200);
    expect(res.body.rejected.map((r) => [r.m, r.code])).toEqual([
      [1, 'FORBIDDEN'],
      [2, 'FORBIDDEN'],
      [3, 'FORBIDDEN'],
    ]);
    const [r] = await rowsOf<{ rating: number; comment: string }>(
      cloud.deps.db,
      sql`SELECT rating, comment FROM shop_reviews WHERE id = ${rev!.id}`,
    );
    expect(r).toEqual({ rating: 5, comment: 'Shiny' });
    expect(await shopRating(productId)).toEqual({ sum: 5, count: 1 });
    const [body] = await rowsOf<{ body: string }>(
      cloud.deps.db,
      sql`SELECT body FROM records WHERE entity = 'product_review' AND entity_id = ${rev!.id}`,
    );
    expect((JSON.parse(body!.body) as { d: { rating: number } }).d.rating).toBe(5);
    await syncAll([shop.till]);
    expect(tillRating(productId)).toEqual({ sum: 5, count: 1 });
  });
  // Last: it moves the cloud's clock a month ahead of the till's.
  it('is editable for 30 days, then no longer', async () => {
    const productId = await shop.product('Mug', 1900, 50);
    const b = await signedIn();
    const line = await bought(b, productId);
    await handedOver(line.orderId);
    const edit = (await b.post(newPath(line), { rating: '3', comment: 'ok' })).headers.get('location')!.replace('?saved=1', '');
    cloud.advance(29 * DAY);
    expect((await b.post(edit, { rating: '4', comment: 'better' })).status).toBe(303);
    cloud.advance(2 * DAY);
    const late = await b.get(edit);
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('30 days');
    expect((await b.post(edit, { rating: '1', comment: 'too late' })).status).toBe(409);
    const [r] = await rowsOf<{ rating: number; comment: string }>(
      cloud.deps.db,
      sql`SELECT rating, comment FROM shop_reviews WHERE order_line_id = ${line.lineId}`,
    );
    expect(r).toEqual({ rating: 4, comment: 'better' });
  });
});
