import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../src/cloud/db/open';
import { usccCheck } from '../../../src/shared/invoices';
import { formatHlc } from '../../../src/shared/hlc';
import type { Enrolment, PushResponse } from '../../../src/shared/sync/protocol';
import { fail, ok, readyStore } from '../../support/app';
import { fetchVia } from '../../support/cloud';
import { shopOrg } from '../../support/shop-cloud';
import { enrolmentCode, sell, syncAll, terminal } from '../../support/sync';
import { Browser, startShopCloud, tillWithShop, type ShopCloud } from '../../support/shop-checkout';

let cloud: ShopCloud;
let shop: Awaited<ReturnType<typeof tillWithShop>>;
let base: string;

beforeAll(async () => {
  // A limit the whole file stays within, but a guesser does not.
  cloud = await startShopCloud({}, { receiptRateLimit: { burst: 60, perMinute: 6 } });
  shop = await tillWithShop(cloud);
  base = `/shop/${shop.storeId}`;
}, 180_000);
afterAll(async () => {
  shop.till.close();
  await cloud.close();
});

let buyers = 0;
async function signedIn(name = 'Li Lei') {
  const b = new Browser(cloud);
  await b.get(`${base}/account/signup`);
  const res = await b.post(`${base}/account/signup`, { login: `rbuyer${++buyers}@example.test`, name, password: 'a long pass 1234' });
  expect(res.status).toBe(303);
  return b;
}

/** The data of the first QR code in ESC/POS bytes (GS ( k … 31 50 30: store the symbol's data). */
function qrPayload(bytes: Buffer): string | null {
  for (let i = 0; i + 8 < bytes.length; i++) {
    if (bytes[i] === 0x1d && bytes[i + 1] === 0x28 && bytes[i + 2] === 0x6b && bytes[i + 5] === 0x31 && bytes[i + 6] === 0x50) {
      const len = bytes[i + 3]! + bytes[i + 4]! * 256 - 3;
      return bytes.subarray(i + 8, i + 8 + len).toString('latin1');
    }
  }
  return null;
}

/** A counter sale of cola and bread on the till, synced; its receipt's link. */
async function counterSale() {
  const order = await sell(shop.till, [{ productId: shop.cola.id }, { productId: shop.bread.id, qty: 2000 }]);
  await syncAll([shop.till]);
  const doc = await ok(shop.till, 'receipts.get', { orderId: order.id });
  expect(doc.onlineUrl).toBeTruthy();
  const url = new URL(doc.onlineUrl!);
  return { order, url: doc.onlineUrl!, path: url.pathname, key: url.pathname.split('/').pop()! };
}

const validUscc = (first17: string) => first17 + usccCheck(first17)!;

describe('the printed receipt links the sale to the web', () => {
  let sale: Awaited<ReturnType<typeof counterSale>>;

  it('prints a QR code of the sale’s own page: a random key, not the order’s id or number', async () => {
    sale = await counterSale();
    expect(sale.url).toBe(`${cloud.url}/shop/${shop.storeId}/r/${sale.key}`);
    expect(sale.key).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(sale.key).not.toContain(sale.order.id);
    expect(sale.key).not.toContain(sale.order.number);

    for (const width of [58, 80] as const) {
      const bytes = Buffer.from((await ok(shop.till, 'receipts.escpos', { orderId: sale.order.id, width })).base64, 'base64');
      expect(qrPayload(bytes)).toBe(sale.url);
      // The link is printed too, cut to the paper's width.
      const text = bytes.toString('latin1').replace(/[\n\r]/g, '');
      expect(text).toContain(sale.url.slice(0, width === 58 ? 32 : 48));
      expect(text).toContain('Scan for this receipt online');
    }

    // Another sale has another key; the cloud keeps only the key's hash.
    const other = await counterSale();
    expect(other.key).not.toBe(sale.key);
    const rows = await rowsOf<{ key_hash: string }>(
      cloud.deps.db,
      sql`SELECT key_hash FROM shop_receipts WHERE order_id = ${sale.order.id}`,
    );
    expect(rows).toEqual([{ key_hash: createHash('sha256').update(sale.key).digest('hex') }]);
  });

  it('a store without a cloud prints no link; a public shop address set by the admin replaces the sync address', async () => {
    await ok(shop.till, 'settings.update', { shopAddress: 'https://shop.example.com/' });
    const doc = await ok(shop.till, 'receipts.get', { orderId: sale.order.id });
    expect(doc.onlineUrl).toBe(`https://shop.example.com/shop/${shop.storeId}/r/${sale.key}`);
    expect((await fail(shop.till, 'settings.update', { shopAddress: 'javascript:alert(1)' })).code).toBe('VALIDATION');
    await ok(shop.till, 'settings.update', { shopAddress: null });
    expect((await ok(shop.till, 'receipts.get', { orderId: sale.order.id })).onlineUrl).toBe(sale.url);

    const alone = terminal(cloud.transport);
    try {
      const ready = await readyStore(alone);
      const order = await sell(alone, [{ productId: ready.cola.id }]);
      expect((await ok(alone, 'receipts.get', { orderId: order.id })).onlineUrl).toBeNull();
      const bytes = Buffer.from((await ok(alone, 'receipts.escpos', { orderId: order.id, width: 80 })).base64, 'base64');
      expect(qrPayload(bytes)).toBeNull();
    } finally {
      alone.close();
    }
  });

  it('the page shows that sale in the buyer’s language, with the store’s time', async () => {
    const b = new Browser(cloud);
    const en = await b.get(sale.path);
    expect(en.status).toBe(200);
    const page = await en.text();
    expect(page).toContain(`Receipt ${sale.order.number}`);
    expect(page).toContain('Cola 330ml');
    expect(page).toContain('Sourdough bread');
    expect(page).toContain('Sign in or create an account to claim this purchase');
    expect(page).toContain(`/account/signin?next=${encodeURIComponent(`${base}/r/${sale.key}`)}`);
    expect(page).toContain('Claim this purchase into your account to ask for an invoice.');
    const total = new Intl.NumberFormat('en', { style: 'currency', currency: 'CNY' }).format(sale.order.total / 100);
    expect(page).toContain(total);
    expect(en.headers.get('referrer-policy')).toBe('same-origin');

    const zh = await (await b.get(`${sale.path}?lang=zh-CN`)).text();
    expect(zh).toContain(`小票 ${sale.order.number}`);
    expect(zh).toContain('登录或注册账户后存入这笔消费');
    // A key typed from paper in lower case, with O for 0, still opens it.
    expect((await b.get(`${base}/r/${sale.key.toLowerCase().replace(/0/g, 'o')}`)).status).toBe(200);
  });

  it('unknown, malformed and other stores’ keys all get the same 404', async () => {
    const b = new Browser(cloud);
    const flipped = sale.key.slice(0, -1) + (sale.key.endsWith('A') ? 'B' : 'A');
    const other = await shopOrg(cloud.deps, 'Elsewhere');
    const answers = await Promise.all(
      [
        `${base}/r/${flipped}`,
        `${base}/r/${'0'.repeat(26)}`,
        `${base}/r/short`,
        `${base}/r/${sale.key}x`,
        `${base}/r/<script>`,
        `/shop/${other.storeId}/r/${sale.key}`,
        `${base}/account/purchases/${sale.order.id}`,
      ].map(async (p) => {
        const res = await b.get(p);
        return { status: res.status, text: await res.text() };
      }),
    );
    for (const a of answers.slice(0, 6)) {
      expect(a.status).toBe(404);
      expect(a.text).toContain('This page does not exist.');
    }
    // Not signed in: the buyer's copy asks for sign-in first, and says nothing of the sale.
    expect(answers[6]!.status).toBe(303);
  });

  it('a buyer claims the sale into their account; another buyer cannot', async () => {
    const a = await signedIn('Wang Fang');
    claimer = a;
    const before = await (await a.get(sale.path)).text();
    expect(before).toContain('Claim into my account');
    const claimed = await a.post(`${sale.path}/claim`, {});
    expect(claimed.status).toBe(303);
    expect(claimed.headers.get('location')).toBe(`${base}/r/${sale.key}?notice=claimedNow`);
    const after = await (await a.get(`${sale.path}?notice=claimedNow`)).text();
    expect(after).toContain('Done: this purchase is now in your account.');
    // Claiming again changes nothing.
    expect((await a.post(`${sale.path}/claim`, {})).status).toBe(303);

    const history = await (await a.get(`${base}/account/orders`)).text();
    expect(history).toContain('Purchases in store');
    expect(history).toContain(`${base}/account/purchases/${sale.order.id}`);
    const copy = await a.get(`${base}/account/purchases/${sale.order.id}`);
    expect(copy.status).toBe(200);
    expect(await copy.text()).toContain('This purchase is in your account.');

    const b = await signedIn('Zhang Wei');
    const refused = await b.post(`${sale.path}/claim`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('This purchase is kept in another account.');
    const seen = await (await b.get(sale.path)).text();
    expect(seen).toContain('This purchase is kept in another account.');
    expect(seen).not.toContain('/reviews/new');
    expect(seen).not.toContain('Request an invoice');
    expect((await b.get(`${base}/account/purchases/${sale.order.id}`)).status).toBe(404);
    expect(await (await b.get(`${base}/account/orders`)).text()).not.toContain(sale.order.id);
    expect((await b.get(`${sale.path}/invoice`)).status).toBe(403);
    expect((await b.post(`${sale.path}/invoice`, { title: 'Me', taxNumber: '', email: 'b@example.test' })).status).toBe(403);
    const lineId = shop.till.deps.sqlite.prepare('SELECT id FROM order_lines WHERE order_id = ?').pluck().get(sale.order.id) as string;
    expect((await b.get(`${base}/reviews/new?order=${sale.order.id}&line=${lineId}`)).status).toBe(404);
    const [row] = await rowsOf<{ n: string | number }>(
      cloud.deps.db,
      sql`SELECT COUNT(DISTINCT buyer_id) AS n FROM shop_receipts WHERE order_id = ${sale.order.id}`,
    );
    expect(Number(row!.n)).toBe(1);
  });

  let claimer: Browser;

  it('the claimer reviews what they bought at once: a verified purchase, counted at the till too', async () => {
    const page = await (await claimer.get(sale.path)).text();
    const links = [...page.matchAll(/href="([^"]*\/reviews\/new\?[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links).toHaveLength(2);
    expect((await claimer.get(links[0]!)).status).toBe(200);
    const saved = await claimer.post(links[0]!, { rating: '5', comment: 'Fresh every morning' });
    expect(saved.status).toBe(303);
    const [rev] = await rowsOf<{ order_id: string; rating: number }>(
      cloud.deps.db,
      sql`SELECT order_id, rating FROM shop_reviews WHERE order_id = ${sale.order.id}`,
    );
    expect(rev).toMatchObject({ order_id: sale.order.id, rating: 5 });
    expect(await (await claimer.get(sale.path)).text()).toContain('Edit your review');
    await syncAll([shop.till]);
    const tillReview = shop.till.deps.sqlite.prepare('SELECT rating FROM product_reviews WHERE order_id = ?').get(sale.order.id);
    expect(tillReview).toEqual({ rating: 5 });
  });

  it('an invoice request is checked, reaches the manager’s queue, and the decision comes back to the buyer', async () => {
    const form = await claimer.get(`${sale.path}/invoice`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Unified social credit code');

    // Hostile or wrong input is refused and shown back escaped.
    const markup = await claimer.post(`${sale.path}/invoice`, {
      title: 'Acme',
      taxNumber: '<script>alert(1)</script>',
      email: 'a@example.test',
    });
    expect(markup.status).toBe(400);
    const markupPage = await markup.text();
    expect(markupPage).toContain('A unified social credit code has 18 letters');
    expect(markupPage).not.toContain('<script>alert(1)</script>');
    expect(markupPage).toContain('&lt;SCRIPT&gt;');
    const long = await claimer.post(`${sale.path}/invoice`, { title: 'x'.repeat(101), taxNumber: '', email: 'a@example.test' });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('Enter the title the invoice is made out to');
    const code = validUscc('91350100M000100Y4');
    const badCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    expect((await claimer.post(`${sale.path}/invoice`, { title: 'Acme', taxNumber: badCheck, email: 'a@example.test' })).status).toBe(400);
    expect((await claimer.post(`${sale.path}/invoice`, { title: 'Acme', taxNumber: code, email: 'not-an-email' })).status).toBe(400);
    expect(await rowsOf(cloud.deps.db, sql`SELECT 1 FROM records WHERE entity = 'invoice_request'`)).toHaveLength(0);

    const title = '<img src=x onerror=alert(1)> 厦门示例有限公司';
    const sent = await claimer.post(`${sale.path}/invoice`, { title, taxNumber: code.toLowerCase(), email: 'Finance@Example.test' });
    expect(sent.status).toBe(303);
    const shown = await (await claimer.get(sent.headers.get('location')!)).text();
    expect(shown).toContain('Your request is sent: the store will send the invoice to finance@example.test.');
    expect(shown).toContain('waiting for the store');
    expect(shown).not.toContain('<img src=x');
    expect(shown).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // One request per sale.
    expect((await claimer.post(`${sale.path}/invoice`, { title: 'Again', taxNumber: '', email: 'a@example.test' })).status).toBe(409);

    await syncAll([shop.till]);
    const queue = await ok(shop.till, 'invoices.list', { status: 'open', offset: 0, limit: 50 });
    expect(queue.total).toBe(1);
    expect(queue.items[0]).toMatchObject({
      orderId: sale.order.id,
      orderNumber: sale.order.number,
      total: sale.order.total,
      title,
      taxNumber: code,
      email: 'finance@example.test',
      status: 'open',
    });
    const id = queue.items[0]!.id;
    expect((await fail(shop.till, 'invoices.issue', { id, invoiceNumber: '' })).code).toBe('VALIDATION');
    const issued = await ok(shop.till, 'invoices.issue', { id, invoiceNumber: '04400123 00012345' });
    expect(issued.status).toBe('issued');
    expect((await fail(shop.till, 'invoices.refuse', { id, reason: 'Too late' })).code).toBe('CONFLICT');
    expect((await ok(shop.till, 'invoices.list', { status: 'open', offset: 0, limit: 50 })).total).toBe(0);
    await syncAll([shop.till]);

    const final = await (await claimer.get(sale.path)).text();
    expect(final).toContain('Issued: invoice no. 04400123 00012345, sent to finance@example.test.');
    const zh = await (await claimer.get(`${sale.path}?lang=zh-CN`)).text();
    expect(zh).toContain('已开具：发票号码 04400123 00012345');
    // The buyer's fields are as they asked.
    const [rec] = await rowsOf<{ body: string }>(cloud.deps.db, sql`SELECT body FROM records WHERE entity = 'invoice_request'`);
    expect(JSON.parse(rec!.body).d).toMatchObject({ title, tax_number: code, status: 'issued', invoice_number: '04400123 00012345' });
  });

  it('a refused request tells the buyer why', async () => {
    const next = await counterSale();
    const a = await signedIn('Chen Jing');
    await a.post(`${next.path}/claim`, {});
    // Other countries' tax numbers are free-form, but this store trades in yuan: a person asks without one.
    expect((await a.post(`${next.path}/invoice`, { title: '陈静', taxNumber: '', email: 'chen@example.test' })).status).toBe(303);
    await syncAll([shop.till]);
    const [req] = (await ok(shop.till, 'invoices.list', { status: 'open', offset: 0, limit: 50 })).items;
    await ok(shop.till, 'invoices.refuse', { id: req!.id, reason: 'Bought with a coupon: ask at the counter' });
    await syncAll([shop.till]);
    expect(await (await a.get(next.path)).text()).toContain(
      'The store could not issue this invoice: Bought with a coupon: ask at the counter',
    );
  });

  it('a crafted till push cannot change what the buyer asked, nor make up a request', async () => {
    const [rec] = await rowsOf<{ entity_id: string; body: string }>(
      cloud.deps.db,
      sql`SELECT entity_id, body FROM records WHERE entity = 'invoice_request' AND body LIKE '%04400123%'`,
    );
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
      { m: 1, e: 'invoice_request', i: rec!.entity_id, d: { title: 'Hacked Ltd' }, c: stamp },
      { m: 2, e: 'invoice_request', i: rec!.entity_id, d: { email: 'thief@example.test', status: 'open' }, c: stamp },
      {
        m: 3,
        e: 'invoice_request',
        i: cloud.deps.ids(),
        d: { ...JSON.parse(rec!.body).d, order_id: sale.order.id, title: 'Made up' },
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
    const [after] = await rowsOf<{ body: string }>(
      cloud.deps.db,
      sql`SELECT body FROM records WHERE entity = 'invoice_request' AND entity_id = ${rec!.entity_id}`,
    );
    expect(after!.body).toBe(rec!.body);
  });

  it('a guesser is rate limited before any key is looked up', async () => {
    const b = new Browser(cloud);
    let limited: Response | null = null;
    for (let k = 0; k < 80 && !limited; k++) {
      const res = await b.get(`${base}/r/${String(k).padStart(26, '0')}`);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(404);
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited!.text()).toContain('Too many attempts');
    // The real key waits too: the limit is per address, before the lookup.
    expect((await b.get(sale.path)).status).toBe(429);
  });
});
