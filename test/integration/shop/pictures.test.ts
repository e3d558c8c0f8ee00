/**
 * Product pictures online: a manager sets a picture at the till, the till sends it to the cloud
 * after the product's record, and the shop serves it (thumbnails on lists, the full picture on the
 * product page), cached for good under a versioned URL. Uploads are checked as hostile: another
 * organisation's product, a script dressed as a JPEG, an oversized body, a name the record does not
 * carry.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { createOrg } from '../../../src/cloud/tenancy';
import { cloudLink, deviceToken } from '../../../src/main/sync/state';
import { NetworkError } from '../../../src/main/sync/transport';
import { ok, readyStore } from '../../support/app';
import { backends, startTestCloud, TEST_SIGNUP_SECRET, type Backend, type TestCloud } from '../../support/cloud';
import { b64, jpegHeader, png } from '../../support/pictures';
import { firstTerminal, syncAll, terminal, type Terminal } from '../../support/sync';

describe.each(backends())('product pictures online on %s', (backend: Backend) => {
  let cloud: TestCloud;
  const open: Terminal[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    cloud = await startTestCloud({ backend });
  });
  afterEach(() => {
    for (const t of open.splice(0)) t.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  afterAll(() => cloud.close());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await cloud.app.fetch(new Request(`${cloud.url}${path}`, { headers }));
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const page = async (storeId: string, path: string, lang = 'en') => {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(`/shop/${storeId}${path}${sep}lang=${lang}`);
    return { status: res.status, text: res.bytes.toString('utf8') };
  };
  const put = async (token: string | null, productId: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await cloud.app.fetch(
      new Request(`${cloud.url}/v1/pictures/${productId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as { stored?: boolean; error?: { code: string } } };
  };

  const FULL = png(600, 400, [30, 120, 200]);
  const THUMB = png(240, 160, [30, 120, 200]);

  /** A till with a data folder (pictures are files), connected as a new organisation; Cola listed online with stock. */
  async function shopTill(orgName: string) {
    const dir = mkdtempSync(join(tmpdir(), 'countertop-pictures-'));
    dirs.push(dir);
    const t = terminal(cloud.transport, { dataDir: dir });
    open.push(t);
    const store = await firstTerminal(t, cloud.url, orgName);
    for (const p of [store.cola, store.bread])
      await ok(t, 'catalog.setOnlineListing', { productId: p.id, soldOnline: true, description: '', safetyBuffer: null });
    const locationId = (await ok(t, 'stock.item', { productId: store.cola.id })).levels[0]!.locationId;
    await ok(t, 'stock.adjust', { productId: store.cola.id, locationId, mode: 'set', qty: 10_000, reason: 'correction' });
    const token = deviceToken(t.deps.secrets, cloudLink(t.deps.sqlite)!)!;
    return { t, dir, store, storeId: store.status.storeId!, token };
  }

  const setPicture = (t: Terminal, id: string, full = FULL, thumb = THUMB) =>
    ok(t, 'catalog.setImage', { id, image: b64(full), thumb: b64(thumb) });
  const queued = (t: Terminal) => t.deps.sqlite.prepare('SELECT COUNT(*) FROM picture_uploads').pluck().get() as number;
  const urlOf = (storeId: string, productId: string, name: string, size: 'thumb' | 'full') =>
    `/shop/${storeId}/pictures/${productId}/${name}/${size}`;

  describe('product pictures from the till to the shop', () => {
    it('a picture set at the till is served by the shop: thumbnails on lists, the full picture on the product page', async () => {
      const { t, dir, store, storeId } = await shopTill('Picture Org');
      const cola = await setPicture(t, store.cola.id);
      const name = cola.image!;
      expect(queued(t)).toBe(1);
      await syncAll([t]);
      expect(queued(t)).toBe(0);

      // The bytes are the till's files, with the type read from them and a year's cache.
      const thumb = await get(urlOf(storeId, cola.id, name, 'thumb'));
      expect(thumb.status).toBe(200);
      expect(thumb.bytes.equals(readFileSync(join(dir, 'images', `${name}.thumb`)))).toBe(true);
      expect(thumb.headers.get('content-type')).toBe('image/png');
      expect(thumb.headers.get('x-content-type-options')).toBe('nosniff');
      expect(thumb.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(thumb.headers.get('set-cookie')).toBeNull();
      const full = await get(urlOf(storeId, cola.id, name, 'full'));
      expect(full.bytes.equals(readFileSync(join(dir, 'images', name)))).toBe(true);
      expect(full.bytes.equals(thumb.bytes)).toBe(false);
      // A browser that has it is told so, without the bytes.
      const etag = thumb.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      const again = await get(urlOf(storeId, cola.id, name, 'thumb'), { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.bytes.length).toBe(0);
      expect((await get(urlOf(storeId, cola.id, name, 'full'), { 'if-none-match': etag })).status).toBe(200);
      const head = await cloud.app.fetch(new Request(`${cloud.url}${urlOf(storeId, cola.id, name, 'thumb')}`, { method: 'HEAD' }));
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('image/png');
      expect((await head.arrayBuffer()).byteLength).toBe(0);
      // Anything but the two sizes, or a name that is not a picture's, is no picture.
      expect((await get(`/shop/${storeId}/pictures/${cola.id}/${name}/medium`)).status).toBe(404);
      expect((await get(`/shop/${storeId}/pictures/${cola.id}/..%2F..%2Fetc/thumb`)).status).toBe(404);

      // Product page: the full picture with its size, the thumbnail in srcset.
      const product = await page(storeId, `/p/${cola.id}`);
      expect(product.text).toContain(`src="${urlOf(storeId, cola.id, name, 'full')}"`);
      expect(product.text).toContain(
        `srcset="${urlOf(storeId, cola.id, name, 'thumb')} 240w, ${urlOf(storeId, cola.id, name, 'full')} 600w"`,
      );
      expect(product.text).toMatch(/width="600"\s+height="400"/);
      expect(product.text).toContain('alt="Cola 330ml"');

      // Lists: the thumbnail, lazily, with its size; never the full picture. Bread has none: a placeholder.
      for (const path of ['', '/search?q=cola', '/search']) {
        const list = await page(storeId, path);
        expect(list.text).toContain(`src="${urlOf(storeId, cola.id, name, 'thumb')}"`);
        expect(list.text).toMatch(/width="240"\s+height="160"\s+loading="lazy"/);
        expect(list.text).not.toContain('/full');
      }
      const all = await page(storeId, '/search');
      expect(all.text).toContain(`/p/${store.bread.id}`);
      expect(all.text).toContain('aria-label="No picture yet"');
      expect((await page(storeId, '/search', 'zh-CN')).text).toContain('aria-label="暂无图片"');
      // Its own picture is the placeholder (recommended products below may show theirs).
      const bread = (await page(storeId, `/p/${store.bread.id}`)).text;
      expect(bread).toContain('class="hero ph"');
      expect(bread).not.toContain('class="hero"');
    });

    it('a changed picture replaces the old URL, a removed one leaves the shop, an unlisted product serves none', async () => {
      const { t, store, storeId } = await shopTill('Changing Org');
      const first = (await setPicture(t, store.cola.id)).image!;
      await syncAll([t]);
      expect((await get(urlOf(storeId, store.cola.id, first, 'thumb'))).status).toBe(200);

      const second = (await setPicture(t, store.cola.id, jpegHeader(800, 600, 5000), jpegHeader(240, 180, 900))).image!;
      expect(second).not.toBe(first);
      expect(second).toMatch(/\.jpg$/);
      await syncAll([t]);
      expect((await get(urlOf(storeId, store.cola.id, first, 'thumb'))).status).toBe(404);
      const now = await get(urlOf(storeId, store.cola.id, second, 'thumb'));
      expect(now.status).toBe(200);
      expect(now.headers.get('content-type')).toBe('image/jpeg');
      const list = await page(storeId, '/search?q=cola');
      expect(list.text).toContain(urlOf(storeId, store.cola.id, second, 'thumb'));
      expect(list.text).not.toContain(first);
      // One row per product: the old bytes are gone from the database.
      const rows = await rowsOf<{ name: string }>(cloud.deps.db, sql`SELECT name FROM shop_pictures WHERE product_id = ${store.cola.id}`);
      expect(rows.map((r) => r.name)).toEqual([second]);

      // Not sold online: no picture either.
      await ok(t, 'catalog.setOnlineListing', { productId: store.cola.id, soldOnline: false, description: '', safetyBuffer: null });
      await syncAll([t]);
      expect((await get(urlOf(storeId, store.cola.id, second, 'thumb'))).status).toBe(404);
      await ok(t, 'catalog.setOnlineListing', { productId: store.cola.id, soldOnline: true, description: '', safetyBuffer: null });
      await syncAll([t]);
      expect((await get(urlOf(storeId, store.cola.id, second, 'thumb'))).status).toBe(200);

      await ok(t, 'catalog.clearImage', { id: store.cola.id });
      await syncAll([t]);
      expect((await get(urlOf(storeId, store.cola.id, second, 'thumb'))).status).toBe(404);
      expect(await rowsOf(cloud.deps.db, sql`SELECT 1 FROM shop_pictures WHERE product_id = ${store.cola.id}`)).toEqual([]);
      const gone = await page(storeId, `/p/${store.cola.id}`);
      expect(gone.text).not.toContain('/pictures/');
      expect(gone.text).toContain('aria-label="No picture yet"');
    });

    it('an upload cut off by the network is retried later, also after the till restarts, and arrives once', async () => {
      const { t, dir, store, storeId } = await shopTill('Retry Org');
      const name = (await setPicture(t, store.cola.id)).image!;
      let refusals = 0;
      cloud.transport.hook = (req) => {
        if (req.path.startsWith('/v1/pictures/')) {
          refusals += 1;
          throw new NetworkError('picture upload cut off (test)');
        }
      };
      try {
        await syncAll([t], 1);
      } finally {
        cloud.transport.hook = undefined;
      }
      expect(refusals).toBe(1);
      // The record went; the picture waits, backed off, and the sync itself is fine.
      expect((await ok(t, 'sync.status', {})).lastError).toBeNull();
      const waiting = t.deps.sqlite.prepare('SELECT name, attempts, next_at, last_error FROM picture_uploads').get() as {
        name: string;
        attempts: number;
        next_at: number;
        last_error: string;
      };
      expect(waiting).toMatchObject({ name, attempts: 1 });
      expect(waiting.last_error).toContain('cut off');
      expect((await get(urlOf(storeId, store.cola.id, name, 'thumb'))).status).toBe(404);

      // Not before its time.
      await syncAll([t], 1);
      expect(queued(t)).toBe(1);

      // The till is closed and opened again on its data folder: the queue is still there.
      const clock = t.clock;
      t.close();
      open.splice(open.indexOf(t), 1);
      clock.advance(60_000);
      const again = terminal(cloud.transport, { dataDir: dir, clock });
      open.push(again);
      expect(queued(again)).toBe(1);
      await syncAll([again], 1);
      expect(queued(again)).toBe(0);
      expect((await get(urlOf(storeId, store.cola.id, name, 'thumb'))).status).toBe(200);

      // The same picture sent again (a retry whose answer was lost) is acknowledged and not written twice.
      const token = deviceToken(again.deps.secrets, cloudLink(again.deps.sqlite)!)!;
      const [before] = await rowsOf<{ uploaded_at: string }>(
        cloud.deps.db,
        sql`SELECT uploaded_at FROM shop_pictures WHERE product_id = ${store.cola.id}`,
      );
      const retry = await put(token, store.cola.id, { name, full: b64(FULL), thumb: b64(THUMB) });
      expect(retry).toEqual({ status: 200, body: { stored: false } });
      const [after] = await rowsOf<{ uploaded_at: string }>(
        cloud.deps.db,
        sql`SELECT uploaded_at FROM shop_pictures WHERE product_id = ${store.cola.id}`,
      );
      expect(after).toEqual(before);
    });

    it('pictures set before the till joined a cloud are sent once it has', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'countertop-pictures-'));
      dirs.push(dir);
      const t = terminal(cloud.transport, { dataDir: dir });
      open.push(t);
      const store = await readyStore(t);
      const name = (await setPicture(t, store.cola.id)).image!;
      // Nothing queued survives the wait here (say the queue was lost with an older version): the join finds it anyway.
      t.deps.sqlite.prepare('DELETE FROM picture_uploads').run();
      const status = await ok(t, 'sync.createOrg', { serverUrl: cloud.url, orgName: 'Late Org', signupSecret: TEST_SIGNUP_SECRET });
      await ok(t, 'catalog.setOnlineListing', { productId: store.cola.id, soldOnline: true, description: '', safetyBuffer: null });
      await syncAll([t]);
      expect((await get(urlOf(status.storeId!, store.cola.id, name, 'full'))).status).toBe(200);
    });
  });

  describe('uploads are checked as hostile', () => {
    it('refuses a script or HTML dressed as a picture, whatever its name or Content-Type says', async () => {
      const { t, store, storeId, token } = await shopTill('Target Org');
      const name = (await setPicture(t, store.cola.id, jpegHeader(800, 600, 4000), jpegHeader(240, 180, 800))).image!;
      await syncAll([t]);
      const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
      const polyglot = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), html]);
      for (const bad of [html, polyglot]) {
        const res = await put(
          token,
          store.cola.id,
          { name, full: b64(bad), thumb: b64(jpegHeader(240, 180, 800)) },
          { 'content-type': 'image/jpeg' },
        );
        expect(res.status).toBe(400);
        expect(res.body.error?.code).toBe('NOT_A_PICTURE');
        const res2 = await put(token, store.cola.id, { name, full: b64(jpegHeader(800, 600, 4000)), thumb: b64(bad) });
        expect(res2.body.error?.code).toBe('NOT_A_PICTURE');
      }
      // A PNG under a .jpg name was not made by the till.
      const mislabelled = await put(token, store.cola.id, { name, full: b64(FULL), thumb: b64(THUMB) });
      expect(mislabelled.body.error?.code).toBe('NOT_A_PICTURE');
      // What is served is still the till's picture.
      const served = await get(urlOf(storeId, store.cola.id, name, 'full'));
      expect(served.status).toBe(200);
      expect(served.bytes.equals(jpegHeader(800, 600, 4000))).toBe(true);
      expect(served.headers.get('content-type')).toBe('image/jpeg');
    });

    it("refuses a picture for another organisation's product, and the other shop does not serve it", async () => {
      const victim = await shopTill('Victim Org');
      const name = (await setPicture(victim.t, victim.store.cola.id)).image!;
      await syncAll([victim.t]);
      const attacker = await createOrg(cloud.deps, { orgName: 'Attacker', storeName: 'Bad Shop', terminalName: 'X', terminalCode: 'T1' });
      const evil = png(600, 400, [0, 0, 0]);
      const res = await put(attacker.token, victim.store.cola.id, { name, full: b64(evil), thumb: b64(THUMB) });
      expect(res.status).toBe(404);
      const served = await get(urlOf(victim.storeId, victim.store.cola.id, name, 'full'));
      expect(served.bytes.equals(FULL)).toBe(true);
      // The attacker's shop does not show the victim's picture either.
      expect((await get(urlOf(attacker.store.id, victim.store.cola.id, name, 'full'))).status).toBe(404);
      // No credentials, no upload.
      expect((await put(null, victim.store.cola.id, { name, full: b64(evil), thumb: b64(THUMB) })).status).toBe(401);
    });

    it('refuses a name the product does not carry, a name for another product, and malformed bodies', async () => {
      const { t, store, token } = await shopTill('Names Org');
      const name = (await setPicture(t, store.cola.id)).image!;
      await syncAll([t]);
      const other = `${store.cola.id}-${'a'.repeat(12)}.png`;
      expect((await put(token, store.cola.id, { name: other, full: b64(FULL), thumb: b64(THUMB) })).body.error?.code).toBe('NOT_CURRENT');
      expect((await put(token, store.bread.id, { name, full: b64(FULL), thumb: b64(THUMB) })).status).toBe(400);
      expect((await put(token, store.cola.id, { name: '../../etc/passwd', full: b64(FULL), thumb: b64(THUMB) })).status).toBe(400);
      expect((await put(token, store.cola.id, { name, full: '<script>', thumb: b64(THUMB) })).status).toBe(400);
      expect((await put(token, store.cola.id, 'not json')).status).toBe(400);
      expect((await put(token, store.cola.id, { name, full: b64(FULL), thumb: b64(THUMB), extra: 1 })).status).toBe(400);
    });

    it('refuses an oversized body before reading it, and pictures over the size caps', async () => {
      const { t, store, token } = await shopTill('Big Org');
      const name = (await setPicture(t, store.cola.id)).image!;
      await syncAll([t]);
      const huge = 'A'.repeat(4_000_000);
      const declared = await put(token, store.cola.id, { name, full: huge, thumb: '' }, { 'content-length': String(huge.length + 100) });
      expect(declared.status).toBe(413);
      const streamed = await cloud.app.fetch(
        new Request(`${cloud.url}/v1/pictures/${store.cola.id}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}` },
          body: new ReadableStream({
            start(ctrl) {
              for (let k = 0; k < 40; k++) ctrl.enqueue(new TextEncoder().encode('A'.repeat(100_000)));
              ctrl.close();
            },
          }),
          duplex: 'half',
        } as RequestInit),
      );
      expect(streamed.status).toBe(413);
      // A thumbnail over its cap, inside a body under the limit.
      const fatThumb = jpegHeader(240, 180, 141_000);
      const res = await put(token, store.cola.id, { name, full: b64(FULL), thumb: b64(fatThumb) });
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe('TOO_LARGE');
    });
  });
});
