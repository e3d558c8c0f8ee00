/**
 * readBatch reads a batch's records per entity in one go; what it sends must be what reading each
 * outbox entry on its own (readMutable / readFact, the reference here) would send: the same
 * fields, stamps, barcodes, order lines and payments, tombstones, no-ops and raw payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSnapshot, readBatch, readFact, readMutable } from '../../src/main/sync/push';
import { getState } from '../../src/main/sync/state';
import { isMutable, metaOf } from '../../src/main/sync/tables';
import { syncEntity } from '../../src/shared/sync/entities';
import { compactStamps } from '../../src/shared/sync/merge';
import type { Mutation } from '../../src/shared/sync/protocol';
import { ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { firstTerminal, sell, terminal } from '../support/sync';

/** The batch as reading one entry at a time makes it. */
function referenceBatch(t: ReturnType<typeof terminal>, max: number): Mutation[] {
  const { sqlite } = t.deps;
  const base = getState(sqlite, 'mutationBase') ?? 0;
  const rows = sqlite
    .prepare('SELECT seq, entity, entity_id AS entityId, payload, hlc FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?')
    .all(base, max) as { seq: number; entity: string; entityId: string; payload: string; hlc: string }[];
  const out: Mutation[] = [];
  const last = new Map<string, number>();
  for (const r of rows) {
    const m = r.seq - base;
    const spec = syncEntity(r.entity);
    const meta = spec ? metaOf(sqlite, r.entity) : null;
    if (!spec || !meta) {
      out.push({ m, e: r.entity, i: r.entityId, raw: JSON.parse(r.payload) as unknown });
      continue;
    }
    if (spec.kind === 'local' || spec.localKeys?.includes(r.entityId)) {
      out.push({ m, e: r.entity, i: r.entityId, noop: true });
      continue;
    }
    const key = `${r.entity}/${r.entityId}`;
    const prev = last.get(key);
    if (prev !== undefined) {
      const earlier = out[prev]!;
      out[prev] = { m: earlier.m, e: earlier.e, i: earlier.i, noop: true };
      out.push({ ...earlier, m });
    } else if (isMutable(meta)) {
      const rec = readMutable(t.deps, meta, r.entityId, r.hlc);
      out.push(rec ? { m, e: r.entity, i: r.entityId, d: rec.d, c: compactStamps(rec.c) } : { m, e: r.entity, i: r.entityId, noop: true });
    } else {
      const fact = readFact(meta, r.entityId);
      out.push(
        fact
          ? { m, e: r.entity, i: r.entityId, d: fact.d, ...(fact.ch ? { ch: fact.ch } : {}) }
          : { m, e: r.entity, i: r.entityId, noop: true },
      );
    }
    last.set(key, out.length - 1);
  }
  return out;
}

describe('readBatch', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(async () => {
    await cloud.close();
  });

  it('sends what reading each entry on its own would send', async () => {
    const t = terminal(cloud.transport);
    const first = await firstTerminal(t, cloud.url);
    cloud.transport.down = true;
    // A snapshot of the whole store, then edits on top: per-field stamps, barcodes, a sale with
    // lines and a payment, a deleted setting, the same product twice, unknown and missing records.
    enqueueSnapshot(t.deps);
    await ok(t, 'catalog.update', { id: first.cola.id, price: 175, barcodes: ['5000112637922', '5000112637939'] }, 's1');
    await sell(t, [{ productId: first.cola.id, qty: 2000 }, { productId: first.bread.id }]);
    await ok(t, 'catalog.update', { id: first.cola.id, name: 'Cola 330 ml' }, 's1');
    await ok(t, 'settings.update', { receiptFooter: 'See you soon' }, 's1');
    const { sqlite } = t.deps;
    const stamp = t.deps.hlc.now();
    const addEntry = sqlite.prepare('INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    sqlite.prepare("DELETE FROM settings WHERE key = 'receiptFooter'").run();
    addEntry.run(t.deps.ids(), 'setting', 'receiptFooter', 'delete', '{}', stamp, 0);
    // Gone without a tombstone stamp of its own: it takes the entry's.
    addEntry.run(t.deps.ids(), 'setting', 'neverStored', 'delete', '{}', stamp, 0);
    addEntry.run(t.deps.ids(), 'gift_card', 'g1', 'insert', '{"amount":5}', stamp, 0);
    addEntry.run(t.deps.ids(), 'product', 'no-such-product', 'update', '{}', stamp, 0);
    addEntry.run(t.deps.ids(), 'order', 'no-such-order', 'insert', '{}', stamp, 0);
    addEntry.run(t.deps.ids(), 'product', first.apple.id, 'update', '{}', stamp, 0);

    const expected = referenceBatch(t, 10_000);
    expect(expected.length).toBeGreaterThan(10);
    for (const e of ['product', 'order', 'setting', 'gift_card', 'stock_movement'])
      expect(expected.some((m) => m.e === e && !m.noop)).toBe(true);
    expect(expected.some((m) => m.e === 'setting' && (m.d as { _deleted?: boolean } | undefined)?._deleted === true)).toBe(true);
    expect(readBatch(t.deps, 10_000)!.mutations).toEqual(expected);
    // Cut anywhere, as the engine reads it in pages.
    for (const max of [1, 3, 7]) expect(readBatch(t.deps, max)!.mutations).toEqual(referenceBatch(t, max));
    t.close();
  });
});
