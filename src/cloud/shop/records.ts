/**
 * The cloud writing records of a store itself (a reservation, a paid online order and its steps)
 * through the storage a till's push uses, so every till pulls them like any other change. Each
 * record is checked against its registry shape first: the cloud never writes what a till would
 * refuse on pull. Call inside a transaction; the organisation's row is locked by reserveSeqs.
 */
import { syncEntity, type SyncEntity } from '../../shared/sync/entities';
import { mergeRecord, type FieldRecord } from '../../shared/sync/merge';
import { checkRecord } from '../../shared/sync/validate';
import type { CloudDb } from '../db/open';
import type { CloudDeps } from '../deps';
import { insertFacts, loadRecords, mutableBody, parseMutableBody, recordKey, reserveSeqs, upsertRecords, type RecordRow } from '../records';
import { projectShopRecords } from './catalog/projection';

/** A record the cloud writes: a mutable one's fields (all or some), or a whole fact with its children. */
export interface ShopRecord {
  e: string;
  i: string;
  d: Record<string, unknown>;
  ch?: Record<string, Record<string, unknown>[]>;
}

export class ShopRecordRefused extends Error {}

export async function writeShopRecords(
  tx: CloudDb,
  deps: Pick<CloudDeps, 'clock' | 'hlc' | 'maxDriftMs'>,
  orgId: string,
  storeId: string,
  records: ShopRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const now = deps.clock();
  const scoped = (spec: SyncEntity) => (spec.scope === 'store' ? storeId : '');
  const specs = records.map((r) => {
    const spec = syncEntity(r.e);
    if (!spec || spec.kind === 'local') throw new ShopRecordRefused(`The cloud cannot write "${r.e}" records`);
    // Unique claims (SKU, barcodes) are settled by a till's push, never by the shop.
    if (spec.unique?.length) throw new ShopRecordRefused(`The shop does not write ${r.e} records`);
    return spec;
  });
  const stamped = records.map((r, k) => {
    const spec = specs[k]!;
    if (spec.kind !== 'mutable') return { r, c: undefined };
    const stamp = deps.hlc.now();
    return { r, c: Object.fromEntries(Object.keys(r.d).map((f) => [f, stamp])) };
  });
  for (const [k, { r, c }] of stamped.entries()) {
    const refusal = checkRecord(specs[k]!, { e: r.e, i: r.i, d: r.d, c, ch: r.ch }, { now, maxDriftMs: deps.maxDriftMs, ahead: 'refuse' });
    if (refusal) throw new ShopRecordRefused(`${r.e} ${r.i}: ${refusal.message}`);
  }

  let seq = await reserveSeqs(tx, orgId, records.length);
  const mutableKeys = records.flatMap((r, k) =>
    specs[k]!.kind === 'mutable' ? [{ entity: r.e, storeId: scoped(specs[k]!), entityId: r.i }] : [],
  );
  const existing = await loadRecords(tx, orgId, mutableKeys);
  const working = new Map<string, { row: Omit<RecordRow, 'body' | 'seq'>; rec: FieldRecord; seq: number; changed: boolean }>();
  const facts = new Map<string, RecordRow>();
  for (const [k, { r, c }] of stamped.entries()) {
    const spec = specs[k]!;
    const sid = scoped(spec);
    const key = recordKey(r.e, sid, r.i);
    const mySeq = seq++;
    if (spec.kind === 'mutable') {
      let w = working.get(key);
      const before = existing.get(key);
      const base = w?.rec ?? (before ? parseMutableBody(before.body) : null);
      const { merged, changed } = mergeRecord(base, { d: r.d, c: c! });
      if (!changed) continue;
      w ??= {
        row: { entity: r.e, storeId: sid, entityId: r.i, kind: 'mutable', uniq: null, refId: null, qty: null, amount: null, at: null },
        rec: merged,
        seq: mySeq,
        changed: true,
      };
      w.rec = merged;
      w.seq = mySeq;
      w.changed = true;
      working.set(key, w);
    } else if (!facts.has(key)) {
      const body = JSON.stringify(r.ch ? { e: r.e, i: r.i, d: r.d, ch: r.ch } : { e: r.e, i: r.i, d: r.d });
      const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
      const ledger = spec.kind === 'ledger' && spec.ledger;
      facts.set(key, {
        entity: r.e,
        storeId: sid,
        entityId: r.i,
        kind: spec.kind,
        body,
        uniq: null,
        refId: ledger ? String(r.d[ledger.groupBy[0]!] ?? '') : r.e === 'order' ? String(r.d.currency) : null,
        qty: ledger ? num(r.d[ledger.delta]) : null,
        amount: r.e === 'order' ? num(r.d.total) : null,
        at: num(r.d.at ?? r.d.created_at),
        seq: mySeq,
      });
    }
  }
  const upserts: RecordRow[] = [...working.entries()].map(([key, w]) => ({
    ...w.row,
    body: mutableBody(w.row.entity, w.row.entityId, w.rec),
    seq: w.seq,
    absent: !existing.has(key),
  }));
  await upsertRecords(tx, orgId, null, now, upserts);
  await insertFacts(tx, orgId, null, now, [...facts.values()]);
  await projectShopRecords(tx, orgId, [...upserts, ...facts.values()]);
}
