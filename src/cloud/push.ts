/**
 * Applying a terminal's batch of mutations: one transaction, all or nothing.
 *
 * - Mutation ids are per device and go 1, 2, 3, … The device's last applied id is read under a
 *   row lock; ids at or below it were applied before (a resent batch, a duplicate request) and are
 *   skipped; a batch that starts after last+1 is refused with GAP (nothing is applied) so the
 *   terminal can resend what is missing.
 * - The answer is sent only after COMMIT: a terminal deletes its outbox entries only for ids the
 *   cloud has durably applied. If the answer is lost, the resend is skipped as a duplicate.
 * - A business rejection (a SKU or barcode already used by another product, an entity this build
 *   does not know) is recorded in `rejections` for a manager and the mutation counts as applied,
 *   so one bad change never blocks the queue behind it. So is every record a device may not write:
 *   an entity only a signed-in admin changes (staff), a field or value of a shape a till never
 *   produces, a clock stamp that is not one, a fact made by another terminal. Such a record is
 *   never applied and never reaches another till.
 */
import { sql } from 'drizzle-orm';
import { hlcWall } from '../shared/hlc';
import { DELETED_FIELD, syncEntity, type SyncEntity } from '../shared/sync/entities';
import { expandStamps, mergeRecord, type FieldRecord } from '../shared/sync/merge';
import { checkRecord } from '../shared/sync/validate';
import type { Mutation, PushRequest, PushResponse, Rejection } from '../shared/sync/protocol';
import { rowsOf, type CloudDb } from './db/open';
import { recordJournalHead } from './journal-heads';
import { rejections } from './db/schema';
import { CloudHttpError, type CloudDeps } from './deps';
import {
  insertFacts,
  loadRecords,
  mutableBody,
  parseMutableBody,
  recordKey,
  reserveSeqs,
  uniqueHolders,
  upsertRecords,
  type RecordRow,
} from './records';
import type { AuthDevice } from './tenancy';
import { refuseTillStep } from './shop/delivery/guard';
import { projectShopRecords } from './shop/catalog/projection';
import { refundApprovedReturns, settleReturnDecision } from './shop/aftersale/aftersale';
import { TILL_ONLINE_EVENT_KINDS } from '../shared/sync/shapes';

interface Working {
  entity: string;
  storeId: string;
  entityId: string;
  rec: FieldRecord | null;
  uniq: string[] | null;
  /** What the record claimed before this batch (as stored), for moving its claims. */
  prevUniq: string[] | null;
  changed: boolean;
  seq: number;
}

/** `field=value` for the entity's unique fields (each element of a set-valued field). */
export function uniqueValues(spec: SyncEntity, d: Record<string, unknown>): string[] | null {
  if (!spec.unique || spec.unique.length === 0) return null;
  if (d[DELETED_FIELD] === true) return [];
  const out: string[] = [];
  for (const f of spec.unique) {
    const v = d[f];
    if (Array.isArray(v)) for (const x of v) out.push(`${f}=${String(x)}`);
    else if (v !== null && v !== undefined && v !== '') out.push(`${f}=${String(v)}`);
  }
  return out;
}

const FIELD_LABEL: Record<string, string> = { sku: 'SKU', plu: 'PLU', barcodes: 'Barcode' };

/** Reads the projections reports need from a fact, by entity. */
function project(spec: SyncEntity, d: Record<string, unknown>): Pick<RecordRow, 'refId' | 'qty' | 'amount' | 'at'> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  if (spec.kind === 'ledger' && spec.ledger)
    return { refId: String(d[spec.ledger.groupBy[0]!] ?? ''), qty: num(d[spec.ledger.delta]), amount: null, at: num(d.at) };
  if (spec.entity === 'order')
    return { refId: typeof d.currency === 'string' ? d.currency : null, qty: null, amount: num(d.total), at: num(d.created_at) };
  return { refId: null, qty: null, amount: null, at: num(d.at ?? d.created_at) };
}

export async function applyPush(deps: CloudDeps, device: AuthDevice, req: PushRequest): Promise<PushResponse> {
  const muts = req.mutations;
  for (let k = 1; k < muts.length; k++)
    if (muts[k]!.m !== muts[k - 1]!.m + 1) throw new CloudHttpError(400, 'VALIDATION', 'Mutation ids in a batch must be consecutive');

  return deps.db.transaction(async (tx) => {
    const res = await applyInTransaction(tx);
    // With the batch, in its commit: the terminal learns the journal head the cloud holds for it.
    const journalHead = await recordJournalHead({ ...deps, db: tx }, device, req.journalHead);
    return { ...res, journalHead };
  });

  async function applyInTransaction(tx: CloudDb): Promise<PushResponse> {
    const now = deps.clock();
    const [dev] = await rowsOf<{ last: string | number; revoked: string | number | null; epoch: string | null }>(
      tx,
      sql`SELECT last_mutation_id AS last, revoked_at AS revoked, epoch FROM devices WHERE id = ${device.id} FOR UPDATE`,
    );
    if (!dev || dev.revoked !== null) throw new CloudHttpError(401, 'UNAUTHENTICATED', 'This terminal is no longer enrolled');
    let last = Number(dev.last);
    let restored = false;
    if (req.epoch && req.epoch !== dev.epoch) {
      // A request from before the terminal's latest restore, arriving late: its ids mean nothing now.
      if (dev.epoch && req.epoch < dev.epoch) throw new CloudHttpError(409, 'STALE_EPOCH', 'This request predates the terminal’s restore');
      restored = true;
      await tx.execute(sql`UPDATE devices SET epoch = ${req.epoch} WHERE id = ${device.id}`);
    }
    const rejected: Rejection[] = [];
    const rejectionRows: (typeof rejections.$inferInsert)[] = [];
    const reject = (m: Mutation, code: string, message: string) => {
      rejected.push({ m: m.m, e: m.e, i: m.i, code, message });
      rejectionRows.push({
        id: deps.ids(),
        orgId: device.orgId,
        storeId: device.storeId,
        deviceId: device.id,
        mutationId: m.m,
        entity: m.e,
        entityId: m.i,
        code,
        message,
        body: JSON.stringify({ d: m.d ?? null, ch: m.ch ?? null, raw: m.raw ?? null }),
        createdAt: now,
      });
    };

    if (restored) {
      rejectionRows.push({
        id: deps.ids(),
        orgId: device.orgId,
        storeId: device.storeId,
        deviceId: device.id,
        mutationId: muts[0]!.m,
        entity: '*',
        entityId: '*',
        code: 'RESTORED',
        message: `${device.terminalCode} restored a backup; its changes continue from ${muts[0]!.m} (it had sent up to ${last})`,
        createdAt: now,
      });
      last = muts[0]!.m - 1;
    }
    if (req.rebase && muts[0]!.m > last + 1) {
      rejectionRows.push({
        id: deps.ids(),
        orgId: device.orgId,
        storeId: device.storeId,
        deviceId: device.id,
        mutationId: muts[0]!.m,
        entity: '*',
        entityId: '*',
        code: 'GAP_REBASED',
        message: `Changes ${last + 1}–${muts[0]!.m - 1} from ${device.terminalCode} never arrived; the terminal sent a full copy of its data instead`,
        createdAt: now,
      });
      last = muts[0]!.m - 1;
    }
    const fresh = muts.filter((m) => m.m > last);
    // A resent batch gets the answer the first one got: the rejections recorded for its ids.
    const seen = muts.filter((m) => m.m <= last);
    if (seen.length > 0) {
      const again = await rowsOf<{ m: string | number; e: string; i: string; code: string; message: string }>(
        tx,
        sql`SELECT mutation_id AS m, entity AS e, entity_id AS i, code, message FROM rejections
            WHERE device_id = ${device.id} AND mutation_id BETWEEN ${seen[0]!.m} AND ${seen[seen.length - 1]!.m} AND code <> 'GAP_REBASED'
            ORDER BY mutation_id`,
      );
      for (const r of again) rejected.push({ m: Number(r.m), e: r.e, i: r.i, code: r.code, message: r.message });
    }
    if (fresh.length === 0) {
      await tx.execute(sql`UPDATE devices SET last_seen_at = ${now} WHERE id = ${device.id}`);
      return { lastMutationId: last, rejected, serverTime: now };
    }
    if (fresh[0]!.m !== last + 1)
      throw new CloudHttpError(409, 'GAP', `Expected change ${last + 1} from this terminal, got ${fresh[0]!.m}`, { lastMutationId: last });

    // From here on the organisation is locked: pushes to one organisation apply one at a time.
    let seq = await reserveSeqs(tx, device.orgId, fresh.length);

    const scopeOf = (spec: SyncEntity) => (spec.scope === 'store' ? device.storeId : '');
    const mutableKeys: { entity: string; storeId: string; entityId: string }[] = [];
    for (const m of fresh) {
      const spec = syncEntity(m.e);
      if (spec?.kind === 'mutable' && !m.noop) mutableKeys.push({ entity: m.e, storeId: scopeOf(spec), entityId: m.i });
    }
    const existing = await loadRecords(tx, device.orgId, mutableKeys);
    const working = new Map<string, Working>();
    for (const [k, r] of existing)
      working.set(k, {
        entity: r.entity,
        storeId: r.storeId,
        entityId: r.entityId,
        rec: parseMutableBody(r.body),
        uniq: r.uniq,
        prevUniq: r.uniq,
        changed: false,
        seq: 0,
      });

    // Who holds the unique values this batch brings in (per entity), kept current as the batch applies.
    const holders = new Map<string, Map<string, string>>();
    const wanted = new Map<string, Set<string>>();
    for (const m of fresh) {
      const spec = syncEntity(m.e);
      if (!spec?.unique || !m.d) continue;
      const vals = uniqueValues(spec, m.d) ?? [];
      let set = wanted.get(m.e);
      if (!set) wanted.set(m.e, (set = new Set()));
      for (const v of vals) set.add(v);
    }
    for (const [entity, vals] of wanted) holders.set(entity, await uniqueHolders(tx, device.orgId, entity, [...vals]));
    // Values nobody held when the batch began: their claims are new rows (the organisation is locked).
    const heldAtStart = new Map([...holders].map(([entity, held]) => [entity, new Set(held.keys())]));
    const unclaimed = (entity: string, value: string) => !(heldAtStart.get(entity)?.has(value) ?? false);

    const facts = new Map<string, RecordRow>();
    // A batch repeats a few stamps thousands of times: remember the ones found in range. (A stamp
    // too far ahead is replaced by a fresh one each time, as each field needs its own.)
    const inRange = new Set<string>();
    const clamp = (stamp: string) => {
      if (inRange.has(stamp)) return stamp;
      if (hlcWall(stamp) > now + deps.maxDriftMs) return deps.hlc.now();
      inRange.add(stamp);
      return stamp;
    };

    for (const m of fresh) {
      const mySeq = seq++;
      if (m.noop) continue;
      const spec = syncEntity(m.e);
      if (!spec) {
        reject(m, 'UNKNOWN_ENTITY', `The cloud does not know "${m.e}" records yet; kept here for a manager`);
        continue;
      }
      if (spec.kind === 'local' || spec.localKeys?.includes(m.i)) continue;
      // A device token says which terminal speaks, not what it may decide: each record is checked
      // against the registry before it can reach the log (and through it, every other till).
      if (spec.devices !== 'write') {
        reject(m, 'FORBIDDEN', `A terminal cannot change ${m.e} records; a signed-in admin changes them in the cloud`);
        continue;
      }
      const refusal = checkRecord(spec, m, { now, maxDriftMs: deps.maxDriftMs, ahead: 'clamp' });
      if (refusal) {
        reject(m, refusal.code, refusal.message);
        continue;
      }
      if (!m.d) continue;
      // A till records the steps it takes; cancellations, requests and refunds are the shop's word.
      if (m.e === 'online_order_event' && !(TILL_ONLINE_EVENT_KINDS as readonly unknown[]).includes(m.d.kind)) {
        reject(m, 'FORBIDDEN', `A terminal cannot record a ${String(m.d.kind).slice(0, 40)} step of an online order`);
        continue;
      }
      if (spec.terminalField && m.d[spec.terminalField] !== device.terminalCode) {
        reject(m, 'NOT_YOURS', `${device.terminalCode} cannot write a ${m.e} made by another terminal`);
        continue;
      }
      if (m.e === 'online_order_event') {
        const refused = await refuseTillStep(tx, device, m.d);
        if (refused) {
          reject(m, 'FORBIDDEN', refused);
          continue;
        }
      }
      const storeId = scopeOf(spec);
      if (spec.kind === 'mutable') {
        const sent = expandStamps(m.c, m.d);
        if (!sent) {
          reject(m, 'MALFORMED', 'A field of the change has no clock stamp');
          continue;
        }
        let stamps = sent;
        for (const f of Object.keys(stamps)) stamps[f] = clamp(stamps[f]!);
        const key = recordKey(m.e, storeId, m.i);
        let w = working.get(key);
        let data = m.d;
        if (spec.deviceFields) {
          // A till may only amend such a record, in the fields it owns (a manager hides a buyer's
          // review). It sends the whole record back: another field passes only while it would
          // not move it, and only the till's own fields are merged.
          const allowed = spec.deviceFields;
          const base = w?.rec;
          const moves = (f: string) =>
            !base || base.c[f] === undefined || (stamps[f]! > base.c[f]! && JSON.stringify(base.d[f]) !== JSON.stringify(data[f]));
          if (!base || Object.keys(data).some((f) => !allowed.includes(f) && moves(f))) {
            reject(m, 'FORBIDDEN', `A terminal may change only ${allowed.join(', ')} of an existing ${m.e}`);
            continue;
          }
          data = Object.fromEntries(Object.entries(data).filter(([f]) => allowed.includes(f)));
          for (const f of Object.keys(stamps)) if (!allowed.includes(f)) delete stamps[f];
          if (m.e === 'online_return') ({ d: data, c: stamps } = settleReturnDecision(base, { d: data, c: stamps }, deps.hlc, allowed));
        }
        if (!w)
          working.set(key, (w = { entity: m.e, storeId, entityId: m.i, rec: null, uniq: null, prevUniq: null, changed: false, seq: 0 }));
        const { merged, changed } = mergeRecord(w.rec, { d: data, c: stamps });
        if (!changed) continue;
        const uniq = uniqueValues(spec, merged.d);
        if (uniq) {
          const held = holders.get(m.e) ?? new Map<string, string>();
          const clash = uniq.find((v) => {
            const h = held.get(v);
            return h !== undefined && h !== m.i;
          });
          if (clash) {
            const [field, value] = [clash.slice(0, clash.indexOf('=')), clash.slice(clash.indexOf('=') + 1)];
            reject(m, 'DUPLICATE', `${FIELD_LABEL[field] ?? field} ${value} is already used by another ${m.e}`);
            continue;
          }
          for (const v of w.uniq ?? []) if (held.get(v) === m.i) held.delete(v);
          for (const v of uniq) held.set(v, m.i);
          holders.set(m.e, held);
        }
        w.rec = merged;
        w.uniq = uniq;
        w.changed = true;
        w.seq = mySeq;
      } else {
        const key = recordKey(m.e, storeId, m.i);
        if (facts.has(key)) continue;
        const body = JSON.stringify(m.ch ? { e: m.e, i: m.i, d: m.d, ch: m.ch } : { e: m.e, i: m.i, d: m.d });
        facts.set(key, { entity: m.e, storeId, entityId: m.i, kind: spec.kind, body, uniq: null, ...project(spec, m.d), seq: mySeq });
      }
    }

    const upserts: RecordRow[] = [];
    for (const w of working.values()) {
      if (!w.changed || !w.rec) continue;
      upserts.push({
        entity: w.entity,
        storeId: w.storeId,
        entityId: w.entityId,
        kind: 'mutable',
        body: mutableBody(w.entity, w.entityId, w.rec),
        uniq: w.uniq,
        prevUniq: w.prevUniq,
        absent: !existing.has(recordKey(w.entity, w.storeId, w.entityId)),
        refId: null,
        qty: null,
        amount: null,
        at: null,
        seq: w.seq,
      });
    }
    await upsertRecords(tx, device.orgId, device.id, now, upserts, { unclaimed });
    await insertFacts(tx, device.orgId, device.id, now, [...facts.values()]);
    // The online shop's catalog, stock and ratings follow in the same transaction.
    await projectShopRecords(tx, device.orgId, [...upserts, ...facts.values()]);
    // A return a manager approved gets its refund recorded with the approval, sent after the commit.
    await refundApprovedReturns(tx, deps, device.orgId, upserts);
    if (rejectionRows.length > 0) await tx.insert(rejections).values(rejectionRows);
    const lastId = fresh[fresh.length - 1]!.m;
    await tx.execute(sql`UPDATE devices SET last_mutation_id = ${lastId}, last_seen_at = ${now} WHERE id = ${device.id}`);
    return { lastMutationId: lastId, rejected, serverTime: now };
  }
}
