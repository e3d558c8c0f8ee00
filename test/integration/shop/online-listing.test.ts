/**
 * A manager lists a product online at the till; the listing syncs to the cloud and the product
 * appears on the store's shop. A clerk cannot list; hostile descriptions are escaped or refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fail, ok, readyStore } from '../../support/app';
import { startTestCloud, type TestCloud } from '../../support/cloud';
import { firstTerminal, syncAll, terminal, type Terminal } from '../../support/sync';

let cloud: TestCloud;
const open: Terminal[] = [];
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});
afterAll(() => cloud.close());

const page = async (storeId: string, path: string) => {
  const res = await cloud.app.fetch(new Request(`${cloud.url}/shop/${storeId}${path}`));
  return { status: res.status, text: await res.text() };
};

describe('listing products online from the till', () => {
  it('a listed product with stock shows on the shop with its description; unlisting hides it', async () => {
    const t = terminal(cloud.transport);
    open.push(t);
    const store = await firstTerminal(t, cloud.url, 'Online Org');
    const storeId = store.status.storeId!;
    const cola = store.cola;
    expect(await ok(t, 'catalog.onlineListing', { productId: cola.id })).toEqual({
      productId: cola.id,
      soldOnline: false,
      description: '',
      safetyBuffer: null,
      storeSafetyBuffer: 0,
    });
    await syncAll([t]);
    expect((await page(storeId, `/p/${cola.id}`)).status).toBe(404);

    const listed = await ok(t, 'catalog.setOnlineListing', {
      productId: cola.id,
      soldOnline: true,
      description: 'Ice cold <b>fizz</b>\n<script>alert(1)</script>',
      safetyBuffer: 2000,
    });
    expect(listed.soldOnline).toBe(true);
    expect(await ok(t, 'catalog.setOnlineSafetyBuffer', { qty: 1000 })).toEqual({ storeSafetyBuffer: 1000 });
    const locationId = (await ok(t, 'stock.item', { productId: cola.id })).levels[0]!.locationId;
    await ok(t, 'stock.adjust', { productId: cola.id, locationId, mode: 'set', qty: 10_000, reason: 'correction' });
    await syncAll([t]);

    const p = await page(storeId, `/p/${cola.id}`);
    expect(p.status).toBe(200);
    expect(p.text).toContain('Cola 330ml');
    expect(p.text).toMatch(/\$1\.50/);
    expect(p.text).toContain('Ice cold &lt;b&gt;fizz&lt;/b&gt;');
    expect(p.text).not.toContain('<script>alert(1)');
    // 10 on hand, 2 kept back by the listing's own buffer: 8 available.
    expect(p.text).toContain('data-available="8000"');
    expect(p.text).toContain('In stock');
    const search = await page(storeId, '/search?q=cola');
    expect(search.text).toContain(`/p/${cola.id}`);

    // Back to the store's buffer (1): 9 available.
    await ok(t, 'catalog.setOnlineListing', { productId: cola.id, soldOnline: true, description: '', safetyBuffer: null });
    await syncAll([t]);
    expect((await page(storeId, `/p/${cola.id}`)).text).toContain('data-available="9000"');

    await ok(t, 'catalog.setOnlineListing', { productId: cola.id, soldOnline: false, description: '', safetyBuffer: null });
    await syncAll([t]);
    expect((await page(storeId, `/p/${cola.id}`)).status).toBe(404);
    expect((await page(storeId, '/search?q=cola')).text).not.toContain(`/p/${cola.id}`);
  });

  it('a clerk can neither read nor change a listing; a description over 4,000 characters is refused', async () => {
    const t = terminal(cloud.transport);
    open.push(t);
    // A store without a cloud: staff are made at the till.
    const store = await readyStore(t);
    await ok(t, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    const staff = await ok(t, 'staff.list', {});
    await ok(t, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Carl')!.id, pin: '3333' }, 'clerk');
    const input = { productId: store.cola.id, soldOnline: true, description: 'x', safetyBuffer: null };
    expect((await fail(t, 'catalog.setOnlineListing', input, 'clerk')).code).toBe('FORBIDDEN');
    expect((await fail(t, 'catalog.setOnlineSafetyBuffer', { qty: 5 }, 'clerk')).code).toBe('FORBIDDEN');
    expect((await fail(t, 'catalog.onlineListing', { productId: store.cola.id }, 'clerk')).code).toBe('FORBIDDEN');

    const long = await fail(t, 'catalog.setOnlineListing', { ...input, description: 'x'.repeat(5000) });
    expect(long.code).toBe('VALIDATION');
    expect(JSON.stringify(long.details)).toContain('description');
    expect((await fail(t, 'catalog.setOnlineListing', { ...input, description: 'a\u202Eb' })).code).toBe('VALIDATION');
    expect((await fail(t, 'catalog.setOnlineListing', { ...input, safetyBuffer: -1 })).code).toBe('VALIDATION');
    expect((await fail(t, 'catalog.setOnlineListing', { ...input, productId: '01a24d33-c939-7ab9-ac7c-049aca4cbc77' })).code).toBe(
      'NOT_FOUND',
    );
    expect((await ok(t, 'catalog.onlineListing', { productId: store.cola.id })).soldOnline).toBe(false);
  });
});
