import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, TEST_SIGNUP_SECRET, type TestCloud } from '../../support/cloud';

let cloud: TestCloud;
let storeId: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  const res = await cloud.app.fetch(
    new Request(`${cloud.url}/v1/orgs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signup-secret': TEST_SIGNUP_SECRET },
      body: JSON.stringify({
        orgName: 'Org <b>',
        storeName: 'Corner <script>alert(1)</script> Shop',
        terminalName: 'Till',
        terminalCode: 'T1',
      }),
    }),
  );
  const body = (await res.json()) as { storeId?: string; store?: { id: string } };
  storeId = body.storeId ?? body.store!.id;
});
afterAll(() => cloud.close());

const get = (path: string, headers: Record<string, string> = {}) => cloud.app.fetch(new Request(`${cloud.url}${path}`, { headers }));

describe('the shop frame', () => {
  it('serves a store’s home page with its name escaped', async () => {
    const res = await get(`/shop/${storeId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Corner &lt;script&gt;alert(1)&lt;/script&gt; Shop');
    expect(text).not.toContain('<script>alert(1)');
  });

  it('answers in Chinese when the browser prefers it, and on ?lang=', async () => {
    expect(await (await get(`/shop/${storeId}`, { 'accept-language': 'zh-CN,zh;q=0.9' })).text()).toContain('购物车');
    expect(await (await get(`/shop/${storeId}?lang=zh-CN`)).text()).toContain('购物车');
  });

  it('an unknown store or page is a 404', async () => {
    expect((await get(`/shop/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await get(`/shop/not-an-id`)).status).toBe(404);
    expect((await get(`/shop/${storeId}/no-such-page`)).status).toBe(404);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const res = await cloud.app.fetch(
      new Request(`${cloud.url}/shop/${storeId}/cart`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'x=1',
      }),
    );
    expect(res.status).toBe(403);
  });

  it('tells a Chinese buyer in Chinese that the form expired', async () => {
    const res = await cloud.app.fetch(
      new Request(`${cloud.url}/shop/${storeId}/cart/add?lang=zh-CN`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'x=1',
      }),
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('表单已过期');
  });
});
