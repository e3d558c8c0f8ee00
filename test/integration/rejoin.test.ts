/**
 * A till whose cloud token is not on this machine (its secrets file is gone: a restore on another
 * computer, a new disk) joins its organisation again with a one-time code: nothing it wrote is
 * lost or doubled, its numbering continues, a code of another organisation changes nothing; and
 * it can always be disconnected instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS_FILE } from '../../src/main/secrets/secrets';
import { rowsOf, sql } from '../../src/cloud/db/open';
import { createSimulatedTerminal } from '../../src/main/payments/simulated-terminal';
import { fail, ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { enrolmentCode, firstTerminal, joinTerminal, sell, signIn, syncAll, terminal, type Terminal } from '../support/sync';

const tmpDirs: string[] = [];
const open: { close(): void }[] = [];
const clouds: TestCloud[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) a.close();
  for (const c of clouds.splice(0)) await c.close();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const track = <T extends { close(): void }>(a: T) => (open.push(a), a);

async function cloudOrders(cloud: TestCloud): Promise<{ id: string; number: string }[]> {
  const rows = await rowsOf<{ entity_id: string; body: string }>(
    cloud.store.db,
    sql`SELECT entity_id, body FROM records WHERE entity = 'order'`,
  );
  return rows.map((r) => ({ id: r.entity_id, number: (JSON.parse(r.body) as { d: { number: string } }).d.number }));
}

function ordersOf(t: Terminal): { id: string; number: string }[] {
  return t.deps.sqlite.prepare('SELECT id, number FROM orders ORDER BY number').all() as { id: string; number: string }[];
}

/** T1 (on disk) and T2 (in memory) synced; then T1 reopened without its secrets file. */
async function tokenlessTill() {
  const cloud = await startTestCloud();
  clouds.push(cloud);
  const dir = mkdtempSync(join(tmpdir(), 'countertop-rejoin-'));
  tmpDirs.push(dir);
  const t1 = terminal(cloud.transport, { dataDir: dir });
  const store = await firstTerminal(t1, cloud.url);
  await sell(t1, [{ productId: store.cola.id }]);
  const t2 = track(terminal(cloud.transport));
  await joinTerminal(t2, cloud.url, (await enrolmentCode(t1)).code);
  await syncAll([t1, t2]);
  const before = await ok(t1, 'sync.status', {}, 's1');
  t1.close();
  rmSync(join(dir, SECRETS_FILE));
  const moved = track(terminal(cloud.transport, { dataDir: dir }));
  await signIn(moved, store.adminId);
  await signIn(t2, store.adminId);
  return { cloud, dir, moved, t2, store, oldDeviceId: before.deviceId! };
}

describe('joining the cloud again', () => {
  it('a till without its token rejoins with a code replacing it: its tokenless sales reach the cloud once, numbering continues', async () => {
    const { cloud, moved, t2, store, oldDeviceId } = await tokenlessTill();
    expect(await moved.sync.engine.syncNow()).toMatchObject({ enrolled: true, online: false, lastError: { code: 'REJOIN' } });
    // Sales while tokenless stay here.
    await sell(moved, [{ productId: store.cola.id }]);
    await sell(moved, [{ productId: store.bread.id, qty: 2000 }]);
    expect(await cloudOrders(cloud)).toHaveLength(1);

    // A code of another organisation: refused, nothing changes here.
    const other = track(terminal(cloud.transport));
    await firstTerminal(other, cloud.url, 'Other Org');
    const foreign = await enrolmentCode(other);
    const outboxBefore = moved.deps.sqlite.prepare('SELECT COUNT(*) FROM outbox').pluck().get();
    const refused = await fail(moved, 'sync.rejoin', { code: foreign.code }, 's1');
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'sync.err.rejoinOtherOrg' } });
    const after = await ok(moved, 'sync.status', {}, 's1');
    expect(after).toMatchObject({ deviceId: oldDeviceId, terminalCode: 'T1', enrolled: true });
    expect((await moved.sync.engine.syncNow()).lastError?.code).toBe('REJOIN');
    expect(moved.deps.sqlite.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(outboxBefore);
    // The device the foreign code made does not linger in that organisation.
    const made = await rowsOf<{ revoked: unknown }>(
      cloud.store.db,
      sql`SELECT d.revoked_at AS revoked FROM devices d JOIN enrolment_codes c ON c.used_by = d.id WHERE c.store_id = ${foreign.storeId}`,
    );
    expect(made).toHaveLength(1);
    expect(made[0]!.revoked).not.toBeNull();

    // An admin on T2 makes a code that replaces T1; T1 joins again with it.
    const code = await enrolmentCode(t2, 's1', undefined, oldDeviceId);
    const status = await ok(moved, 'sync.rejoin', { code: code.code }, 's1');
    expect(status).toMatchObject({ enrolled: true, online: true, lastError: null, terminalCode: 'T1' });
    expect(status.deviceId).not.toBe(oldDeviceId);
    await syncAll([moved, t2]);
    expect((await ok(moved, 'sync.status', {}, 's1')).pending).toBe(0);

    // Every sale exactly once, in the cloud and on the other till.
    const inCloud = await cloudOrders(cloud);
    expect(inCloud).toHaveLength(3);
    expect(new Set(inCloud.map((o) => o.number)).size).toBe(3);
    expect(ordersOf(t2)).toEqual(ordersOf(moved));
    expect(ordersOf(t2)).toHaveLength(3);
    // The next sale continues the numbering, and travels.
    const next = await sell(moved, [{ productId: store.cola.id }]);
    expect(next.number).toBe('T1-000004');
    await syncAll([moved, t2]);
    expect(await cloudOrders(cloud)).toHaveLength(4);
    expect(ordersOf(t2).map((o) => o.number)).toContain('T1-000004');
    // Audited.
    const audit = moved.deps.sqlite.prepare("SELECT success FROM audit WHERE action = 'sync.rejoin' ORDER BY at").pluck().all();
    expect(audit).toEqual([0, 1]);
  });

  it('a plain code of the same store gives a new terminal code only when nothing of the old one is unsent', async () => {
    const { cloud, moved, t2, store } = await tokenlessTill();
    await sell(moved, [{ productId: store.cola.id }]);
    const plain = await enrolmentCode(t2);
    const refused = await fail(moved, 'sync.rejoin', { code: plain.code, serverUrl: cloud.url }, 's1');
    expect(refused.details).toMatchObject({ messageKey: 'sync.err.rejoinNeedsReplace', terminal: 'T1' });
    expect((await moved.sync.engine.syncNow()).lastError?.code).toBe('REJOIN');
    expect(await cloudOrders(cloud)).toHaveLength(1);
  });

  it('with nothing of its own unsent, a plain code of the same store makes it a new terminal, numbered afresh', async () => {
    const { cloud, moved, t2, oldDeviceId } = await tokenlessTill();
    const plain = await enrolmentCode(t2);
    const status = await ok(moved, 'sync.rejoin', { code: plain.code }, 's1');
    expect(status).toMatchObject({ online: true, lastError: null, terminalCode: 'T3' });
    expect(status.deviceId).not.toBe(oldDeviceId);
    await syncAll([moved, t2]);
    expect((await ok(moved, 'sync.status', {}, 's1')).pending).toBe(0);
    // Nothing it re-sent was another terminal's: no refusal at the cloud.
    const refused = await rowsOf(cloud.store.db, sql`SELECT code FROM rejections WHERE code NOT IN ('RESTORED', 'GAP_REBASED')`);
    expect(refused).toEqual([]);
    expect(await cloudOrders(cloud)).toHaveLength(1);
  });

  it('a till that is connected does not rejoin', async () => {
    const cloud = await startTestCloud();
    clouds.push(cloud);
    const t1 = track(terminal(cloud.transport));
    await firstTerminal(t1, cloud.url);
    const err = await fail(t1, 'sync.rejoin', { code: 'ABCD-EFGH-JKMN' }, 's1');
    expect(err.details).toMatchObject({ messageKey: 'sync.err.rejoinNotNeeded' });
  });

  it('a till without its token can sign out, its unsent offline card payments confirmed first', async () => {
    const { moved, store } = await tokenlessTill();
    Object.assign(moved.deps, { payments: createSimulatedTerminal({ delayMs: 0 }) });
    await ok(moved, 'sync.setOfflinePolicy', { maxPerSale: 5000, maxTotal: 8000, windowHours: 24 }, 's1');
    expect((await moved.sync.engine.syncNow()).lastError?.code).toBe('REJOIN');
    // A card sale while tokenless (the till counts as offline).
    await ok(moved, 'cart.addProduct', { productId: store.cola.id, qty: 2000 }, 's1');
    const cart = await ok(moved, 'cart.get', {}, 's1');
    let intent = await ok(moved, 'payments.startCard', { cartId: cart.id!, amount: cart.priced.total }, 's1');
    for (let k = 0; k < 200 && intent.status === 'pending'; k++) {
      await new Promise((r) => setTimeout(r, 5));
      intent = await ok(moved, 'payments.intent', { id: intent.id }, 's1');
    }
    expect(intent.status).toBe('approved');
    await ok(
      moved,
      'sales.complete',
      { cartId: cart.id!, checkoutId: randomUUID(), tenders: [{ kind: 'card_integrated', intentId: intent.id }] },
      's1',
    );
    expect((await ok(moved, 'sync.status', {}, 's1')).offlineCards.count).toBe(1);

    const ask = await fail(moved, 'sync.signOut', { discardPending: true }, 's1');
    expect(ask).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'sync.err.unsentOfflineCardsRejoin', count: 1 } });
    const out = await ok(moved, 'sync.signOut', { discardPending: true, discardOfflineCards: true }, 's1');
    expect(out).toMatchObject({ enrolled: false, lastError: null });
    // Selling goes on, and a card is an ordinary online payment again (no cloud: not offline).
    expect(moved.sync.engine.isOffline()).toBe(false);
    const audit = moved.deps.sqlite.prepare("SELECT details FROM audit WHERE action = 'sync.signOut'").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ tokenless: true, offlineCards: 1 });
  });
});
