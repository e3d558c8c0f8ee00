/**
 * A product's picture changed at any till of the store reaches the shop, and the newest one wins:
 * an older picture's upload, arriving late, never replaces a newer one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { ok } from '../../support/app';
import { backends, startTestCloud, type Backend, type TestCloud } from '../../support/cloud';
import { b64, png } from '../../support/pictures';
import { enrolmentCode, firstTerminal, joinTerminal, signIn, syncAll, terminal, type Terminal } from '../../support/sync';
import { testClock } from '../../support/app';

describe.each(backends())('pictures from any till on %s', (backend: Backend) => {
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

  const status = async (path: string) => (await cloud.app.fetch(new Request(`${cloud.url}${path}`))).status;
  const urlOf = (storeId: string, productId: string, name: string) => `/shop/${storeId}/pictures/${productId}/${name}/thumb`;
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'countertop-gaps-pic-'));
    dirs.push(d);
    return d;
  };

  async function twoPictureTills(org: string) {
    const clock = testClock();
    const a = terminal(cloud.transport, { clock, dataDir: dataDir() });
    open.push(a);
    const first = await firstTerminal(a, cloud.url, org);
    await ok(a, 'catalog.setOnlineListing', { productId: first.cola.id, soldOnline: true, description: '', safetyBuffer: null });
    const code = await enrolmentCode(a);
    const b = terminal(cloud.transport, { clock: testClock(clock.now + 5), dataDir: dataDir() });
    open.push(b);
    await joinTerminal(b, cloud.url, code.code);
    await signIn(b, first.adminId);
    await syncAll([a, b]);
    return { a, b, cola: first.cola.id, storeId: first.status.storeId! };
  }

  const set = async (t: Terminal, id: string, w: number) =>
    (await ok(t, 'catalog.setImage', { id, image: b64(png(w, 300)), thumb: b64(png(240, 180)) })).image!;

  it('a picture changed on the till that did not upload the first one reaches the shop', async () => {
    const { a, b, cola, storeId } = await twoPictureTills('Two Picture Tills');
    const first = await set(a, cola, 400);
    await syncAll([a, b]);
    expect(await status(urlOf(storeId, cola, first))).toBe(200);
    const second = await set(b, cola, 500);
    await syncAll([a, b]);
    expect(await status(urlOf(storeId, cola, second))).toBe(200);
    expect(await status(urlOf(storeId, cola, first))).toBe(404);
    const rows = await rowsOf<{ name: string }>(cloud.deps.db, sql`SELECT name FROM shop_pictures WHERE product_id = ${cola}`);
    expect(rows.map((r) => r.name)).toEqual([second]);
  });

  it('the newest picture wins: an older one set offline on another till and sent later never replaces it', async () => {
    const { a, b, cola, storeId } = await twoPictureTills('Newest Picture Wins');
    // A sets its picture first, offline; B sets a newer one and syncs before A comes back.
    const older = await set(a, cola, 400);
    await new Promise((r) => setTimeout(r, 5));
    const newer = await set(b, cola, 500);
    await syncAll([b]);
    expect(await status(urlOf(storeId, cola, newer))).toBe(200);
    await syncAll([a, b]);
    expect(await status(urlOf(storeId, cola, newer))).toBe(200);
    expect(await status(urlOf(storeId, cola, older))).toBe(404);
    const rows = await rowsOf<{ name: string }>(cloud.deps.db, sql`SELECT name FROM shop_pictures WHERE product_id = ${cola}`);
    expect(rows.map((r) => r.name)).toEqual([newer]);
    // Both tills now show the newest picture's name.
    for (const t of [a, b]) expect((await ok(t, 'catalog.get', { id: cola })).image).toBe(newer);
  });
});
