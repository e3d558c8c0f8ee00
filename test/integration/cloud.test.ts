/**
 * The cloud on its own, through its HTTP API: the push protocol (duplicates skipped, gaps refused,
 * nothing applied from a failed batch), business rejections, the clock-drift guard, the pull
 * cursor, and tenancy (another organisation's data cannot be reached). Runs on PGlite, and on
 * PostgreSQL when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { formatHlc } from '../../src/shared/hlc';
import type { Enrolment, Mutation, PullResponse, PushResponse } from '../../src/shared/sync/protocol';
import { TEST_SIGNUP_SECRET, backends, fetchVia, notePostgresSkip, startTestCloud, type Backend, type TestCloud } from '../support/cloud';
import { hashPin } from '../../src/main/staff/pin';
import { TEST_PIN_PARAMS } from '../support/app';

notePostgresSkip();

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

describe.each(backends())('the cloud on %s', (backend: Backend) => {
  let cloud: TestCloud;
  let now = T0;
  beforeAll(async () => {
    cloud = await startTestCloud({ backend, clock: () => now });
  });
  afterAll(async () => {
    await cloud.close();
  });

  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null, staffToken?: string | null) => {
    const res = await fetchVia(cloud.app, cloud.url, { method, path, body, token: token ?? null, staffToken: staffToken ?? null });
    return res as { status: number; body: T };
  };
  const stamp = (ms: number, node = 'T1') => formatHlc(ms, 0, node);
  /** A staff record as a till sends it with the organisation's creation. */
  const member = async (id: string, name: string, role: 'clerk' | 'manager' | 'admin', pin: string) => ({
    i: id,
    d: { name, role, pin_hash: await hashPin(pin, TEST_PIN_PARAMS), active: true, created_at: now },
    c: stamp(now),
  });
  const newOrg = async (name = 'Org', staff?: Awaited<ReturnType<typeof member>>[]) => {
    const res = await call<Enrolment>('POST', '/v1/orgs', {
      orgName: name,
      storeName: `${name} shop`,
      terminalName: 'Till 1',
      terminalCode: 'T1',
      signupSecret: TEST_SIGNUP_SECRET,
      ...(staff ? { staff } : {}),
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const product = (id: string, fields: Record<string, unknown>, at: number): Omit<Mutation, 'm'> => ({
    e: 'product',
    i: id,
    d: fields,
    c: stamp(at),
  });
  const push = (token: string, first: number, items: Omit<Mutation, 'm'>[], rebase?: boolean) =>
    call<PushResponse & { error?: { code: string }; lastMutationId?: number }>(
      'POST',
      '/v1/push',
      { mutations: items.map((x, k) => ({ ...x, m: first + k })), ...(rebase ? { rebase } : {}) },
      token,
    );
  const pullAll = async (token: string, cursor = 0) => {
    const out: PullResponse['changes'] = [];
    for (let n = 0; n < 100; n++) {
      const res = await call<PullResponse>('GET', `/v1/pull?cursor=${cursor}&limit=2`, undefined, token);
      expect(res.status).toBe(200);
      out.push(...res.body.changes);
      cursor = res.body.cursor;
      if (!res.body.more) break;
    }
    return { changes: out, cursor };
  };

  it('applies a batch once: a resent batch is skipped, a later id without its predecessors is refused', async () => {
    const org = await newOrg();
    const p = uuidv7(now);
    const a = await push(org.token, 1, [
      product(p, { sku: 'A1', name: 'Apple', price: 100 }, now),
      { e: 'stock_movement', i: uuidv7(now), d: { product_id: p, location_id: 'L', qty_delta: 5000, kind: 'opening', at: now } },
    ]);
    expect(a.status).toBe(200);
    expect(a.body.lastMutationId).toBe(2);
    // The same batch again (its answer was lost): nothing new, and the answer says where the cloud is.
    const again = await push(org.token, 1, [
      product(p, { sku: 'A1', name: 'Apple', price: 100 }, now),
      { e: 'stock_movement', i: uuidv7(now), d: { product_id: p, location_id: 'L', qty_delta: 5000, kind: 'opening', at: now } },
    ]);
    expect(again.body.lastMutationId).toBe(2);
    const gap = await push(org.token, 4, [product(p, { price: 150 }, now + 1)]);
    expect(gap.status).toBe(409);
    expect(gap.body).toMatchObject({ error: { code: 'GAP' }, lastMutationId: 2 });
    const { changes } = await pullAll(org.token);
    // Own facts are not sent back; the product is, once, at its first price.
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ e: 'product', i: p, d: { price: 100 } });
    // A batch overlapping what was applied: only the new part applies.
    const overlap = await push(org.token, 2, [
      { e: 'stock_movement', i: uuidv7(now), d: { product_id: p, qty_delta: 1 } },
      product(p, { price: 150 }, now + 1),
    ]);
    expect(overlap.body.lastMutationId).toBe(3);
    expect((await pullAll(org.token)).changes[0]).toMatchObject({ d: { price: 150 } });
  });

  it('a batch that fails half way applies nothing and is not acknowledged', async () => {
    const org = await newOrg();
    const p = uuidv7(now);
    const marker = `boom${uuidv7(now).replace(/-/g, '')}`;
    // A fault injected into the database: writing this batch's rejection fails, after its product was written.
    await cloud.store.db.execute(`ALTER TABLE rejections ADD CONSTRAINT ${marker} CHECK (entity <> '${marker}')`);
    try {
      const res = await push(org.token, 1, [product(p, { sku: 'X', name: 'Half' }, now), { e: marker, i: 'x', raw: 1 }]);
      expect(res.status).toBe(500);
    } finally {
      await cloud.store.db.execute(`ALTER TABLE rejections DROP CONSTRAINT ${marker}`);
    }
    expect((await pullAll(org.token)).changes).toHaveLength(0);
    // Nothing was acknowledged: the terminal sends the same batch again, from id 1.
    const again = await push(org.token, 1, [product(p, { sku: 'X', name: 'Half' }, now), { e: marker, i: 'x', raw: 1 }]);
    expect(again.body.lastMutationId).toBe(2);
    expect((await pullAll(org.token)).changes.map((c) => c.i)).toEqual([p]);
    // Ids must be consecutive within a batch.
    const bad = await call<{ error: { code: string } }>(
      'POST',
      '/v1/push',
      {
        mutations: [
          { ...product(p, { sku: 'X' }, now), m: 3 },
          { ...product(p, { sku: 'Y' }, now), m: 5 },
        ],
      },
      org.token,
    );
    expect(bad.status).toBe(400);
  });

  it('merges fields by clock, and clamps stamps from a clock far in the future', async () => {
    const org = await newOrg();
    const p = uuidv7(now);
    await push(org.token, 1, [product(p, { sku: 'S', name: 'Soap', price: 100 }, now)]);
    // A terminal whose clock is a day ahead edits the price...
    await push(org.token, 2, [{ e: 'product', i: p, d: { price: 999 }, c: stamp(now + 86_400_000, 'T9') }]);
    // ...and a terminal with the right clock edits it a minute later: the real later edit wins.
    now += 60_000;
    await push(org.token, 3, [{ e: 'product', i: p, d: { price: 120, name: 'Soap bar' }, c: stamp(now, 'T2') }]);
    // An older edit of the name loses.
    await push(org.token, 4, [{ e: 'product', i: p, d: { name: 'Old soap' }, c: stamp(now - 30_000, 'T3') }]);
    const rec = (await pullAll(org.token)).changes.find((c) => c.i === p)!;
    expect(rec.d).toMatchObject({ sku: 'S', name: 'Soap bar', price: 120 });
  });

  it('records a duplicate SKU or barcode as a rejection for a manager and keeps the queue moving', async () => {
    const staffId = uuidv7(now);
    const org = await newOrg('Org', [await member(staffId, 'Mona', 'manager', '2468')]);
    const p1 = uuidv7(now);
    const p2 = uuidv7(now + 1);
    const p3 = uuidv7(now + 2);
    const res = await push(org.token, 1, [
      product(p1, { sku: 'DUP', name: 'First', barcodes: ['111'] }, now),
      product(p2, { sku: 'DUP', name: 'Second', barcodes: ['222'] }, now),
      product(p3, { sku: 'OTHER', name: 'Third', barcodes: ['111'] }, now),
      { e: 'stock_movement', i: uuidv7(now), d: { product_id: p1, qty_delta: 1 } },
      { e: 'gift_card', i: 'g1', raw: { amount: 5 } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.lastMutationId).toBe(5);
    expect(res.body.rejected.map((r) => [r.m, r.code])).toEqual([
      [2, 'DUPLICATE'],
      [3, 'DUPLICATE'],
      // A fact travels whole: a stock movement without its location and kind is not one a till writes.
      [4, 'INVALID'],
      [5, 'UNKNOWN_ENTITY'],
    ]);
    expect(res.body.rejected[0]!.message).toMatch(/SKU DUP/);
    expect(res.body.rejected[1]!.message).toMatch(/Barcode 111/);
    // Renamed later, the second product gets in.
    const later = await push(org.token, 6, [product(p2, { sku: 'DUP-2', name: 'Second', barcodes: ['222'] }, now + 5)]);
    expect(later.body.rejected).toEqual([]);
    // A product may take a value another one gave up in the same batch.
    const swap = await push(org.token, 7, [product(p1, { sku: 'FREE' }, now + 10), product(p2, { sku: 'DUP' }, now + 10)]);
    expect(swap.body.rejected).toEqual([]);
    // A manager signed in to the cloud sees the rejections.
    const wrong = await call<{ error: { code: string } }>('POST', '/v1/staff-sessions', { staffId, pin: '1111' }, org.token);
    expect(wrong.body.error.code).toBe('WRONG_PIN');
    const session = await call<{ token: string }>('POST', '/v1/staff-sessions', { staffId, pin: '2468' }, org.token);
    expect(session.status).toBe(200);
    const list = await call<{ code: string; entityId: string }[]>('GET', '/v1/rejections', undefined, org.token, session.body.token);
    expect(list.body.map((r) => r.code).sort()).toEqual(['DUPLICATE', 'DUPLICATE', 'INVALID', 'UNKNOWN_ENTITY']);
    const noStaff = await call<{ error: { code: string } }>('GET', '/v1/rejections', undefined, org.token);
    expect(noStaff.status).toBe(401);
  });

  it('unique values move with their records across batches, and each organisation has its own', async () => {
    const org = await newOrg();
    const other = await newOrg('Other');
    const [p1, p2, p3] = [uuidv7(now), uuidv7(now + 1), uuidv7(now + 2)];
    const first = await push(org.token, 1, [
      product(p1, { sku: 'A', barcodes: ['100', '101'] }, now),
      product(p2, { sku: 'B', barcodes: ['200'] }, now),
    ]);
    expect(first.body.rejected).toEqual([]);
    // Another organisation may use the same values.
    const elsewhere = await push(other.token, 1, [product(uuidv7(now), { sku: 'A', barcodes: ['100'] }, now)]);
    expect(elsewhere.body.rejected).toEqual([]);
    // Still held by p1 in a later batch; the same values again on p1 itself are no clash.
    const held = await push(org.token, 3, [
      product(p3, { sku: 'C', barcodes: ['101'] }, now + 1),
      product(p1, { sku: 'A', barcodes: ['100', '101'] }, now + 1),
    ]);
    expect(held.body.rejected.map((r) => [r.m, r.code])).toEqual([[3, 'DUPLICATE']]);
    // p1 gives up barcode 101, p2 its SKU and barcode: they are free for the next batch.
    const release = await push(org.token, 5, [
      product(p1, { barcodes: ['100'] }, now + 2),
      product(p2, { sku: 'B2', barcodes: [] }, now + 2),
    ]);
    expect(release.body.rejected).toEqual([]);
    const taken = await push(org.token, 7, [product(p3, { sku: 'B', barcodes: ['101', '200'] }, now + 3)]);
    expect(taken.body.rejected).toEqual([]);
    // …and now held by p3.
    const again = await push(org.token, 8, [product(uuidv7(now + 9), { sku: 'D', barcodes: ['200'] }, now + 4)]);
    expect(again.body.rejected.map((r) => r.message)).toEqual([expect.stringMatching(/Barcode 200/)]);
  });

  it('a pull page is consistent: records appear once, in their latest state, and the cursor never skips a change', async () => {
    const org = await newOrg();
    const ids = [0, 1, 2, 3, 4].map((k) => uuidv7(now + k));
    await push(
      org.token,
      1,
      ids.map((id, k) => product(id, { sku: `P${k}`, price: k }, now)),
    );
    const first = await pullAll(org.token);
    expect(first.changes.map((c) => c.i)).toEqual(ids);
    // Edit the first one: it moves to the end of the log.
    await push(org.token, 6, [product(ids[0]!, { price: 50 }, now + 1)]);
    const next = await pullAll(org.token, first.cursor);
    expect(next.changes.map((c) => [c.i, (c.d as { price: number }).price])).toEqual([[ids[0], 50]]);
    expect((await pullAll(org.token, next.cursor)).changes).toEqual([]);
  });

  it('another organisation’s data cannot be reached', async () => {
    const admin = uuidv7(now);
    const bAdmin = uuidv7(now + 1);
    const a = await newOrg('Alpha', [await member(admin, 'Ann', 'admin', '1234')]);
    const b = await newOrg('Beta', [await member(bAdmin, 'Bo', 'admin', '1234')]);
    const secret = uuidv7(now);
    await push(b.token, 1, [
      product(secret, { sku: 'SECRET', name: 'Beta only', price: 1 }, now),
      { e: 'order', i: uuidv7(now), d: { id: 'o', total: 500, currency: 'USD', created_at: now } },
    ]);
    // Alpha pushes a change to the same product id: it lands in Alpha's namespace, not Beta's.
    await push(a.token, 1, [product(secret, { sku: 'MINE', name: 'Alpha product', price: 2 }, now + 1)]);
    const seenByA = (await pullAll(a.token)).changes.filter((c) => c.e === 'product');
    expect(seenByA.map((c) => (c.d as { name: string }).name)).toEqual(['Alpha product']);
    const seenByB = (await pullAll(b.token)).changes;
    expect(seenByB.find((c) => c.i === secret)?.d).toMatchObject({ name: 'Beta only', sku: 'SECRET' });

    // Alpha's admin, signed in to Alpha's cloud, cannot touch Beta's store, terminals or rejections.
    const s = (await call<{ token: string }>('POST', '/v1/staff-sessions', { staffId: admin, pin: '1234' }, a.token)).body.token;
    expect((await call('GET', `/v1/stores/${b.store.id}/stock`, undefined, a.token, s)).status).toBe(404);
    expect((await call('POST', '/v1/enrolment-codes', { storeId: b.store.id }, a.token, s)).status).toBe(404);
    expect((await call('POST', `/v1/devices/${b.device.id}/revoke`, {}, a.token, s)).status).toBe(404);
    const overview = await call<{ id: string }[]>('GET', '/v1/overview', undefined, a.token, s);
    expect(overview.body.map((x) => x.id)).toEqual([a.store.id]);
    const stores = await call<{ id: string }[]>('GET', '/v1/stores', undefined, a.token, s);
    expect(stores.body.map((x) => x.id)).toEqual([a.store.id]);
    // Beta's staff cannot sign in through Alpha's terminal either.
    expect((await call('POST', '/v1/staff-sessions', { staffId: admin, pin: '1234' }, b.token)).status).toBe(404);
    // A Beta session token is useless with Alpha's device token.
    const bs = (await call<{ token: string }>('POST', '/v1/staff-sessions', { staffId: bAdmin, pin: '1234' }, b.token)).body.token;
    expect((await call('GET', '/v1/overview', undefined, a.token, bs)).status).toBe(401);
    // No token, a wrong token, a revoked token: refused.
    expect((await call('GET', '/v1/pull')).status).toBe(401);
    expect((await call('GET', '/v1/pull', undefined, 'ctd_nope')).status).toBe(401);
    expect((await call('POST', '/v1/leave', {}, a.token)).status).toBe(200);
    expect((await call('GET', '/v1/pull', undefined, a.token)).status).toBe(401);
  });

  it('enrolment codes: one use, expiry, and a replacement terminal takes over the old one', async () => {
    const admin = uuidv7(now);
    const org = await newOrg('Org', [await member(admin, 'Ann', 'admin', '1234')]);
    const s = (await call<{ token: string }>('POST', '/v1/staff-sessions', { staffId: admin, pin: '1234' }, org.token)).body.token;
    const code = (await call<{ code: string }>('POST', '/v1/enrolment-codes', { storeId: org.store.id }, org.token, s)).body.code;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const t2 = await call<Enrolment>('POST', '/v1/enrol', { code: code.toLowerCase().replace(/-/g, ' '), terminalName: 'Till 2' });
    expect(t2.status).toBe(200);
    expect(t2.body.device.terminalCode).toBe('T2');
    expect((await call('POST', '/v1/enrol', { code, terminalName: 'Till 3' })).status).toBe(404);
    const old = (await call<{ code: string }>('POST', '/v1/enrolment-codes', { storeId: org.store.id }, org.token, s)).body.code;
    now += 25 * 3600_000;
    expect((await call('POST', '/v1/enrol', { code: old, terminalName: 'Late' })).status).toBe(404);
    // Rebuild T2 on a new machine: the replacement keeps T2; the old token stops working.
    const s2 = (await call<{ token: string }>('POST', '/v1/staff-sessions', { staffId: admin, pin: '1234' }, org.token)).body.token;
    const rep = (
      await call<{ code: string; replaces: string }>(
        'POST',
        '/v1/enrolment-codes',
        { storeId: org.store.id, replacesDeviceId: t2.body.device.id },
        org.token,
        s2,
      )
    ).body;
    expect(rep.replaces).toBe('T2');
    const t2b = await call<Enrolment>('POST', '/v1/enrol', { code: rep.code, terminalName: 'Till 2 (new)' });
    expect(t2b.body).toMatchObject({ device: { terminalCode: 'T2' }, replaces: 'T2' });
    expect((await call('GET', '/v1/pull', undefined, t2.body.token)).status).toBe(401);
    expect((await call('GET', '/v1/pull', undefined, t2b.body.token)).status).toBe(200);
  });
});
