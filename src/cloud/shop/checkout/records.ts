/**
 * The records a paid online order becomes for the store's tills: an `order` fact (source 'online',
 * terminal 'WEB', rung up by the organisation's "Online shop" staff member), its `online_order`
 * and steps. Each is checked against the very shape a till checks when it pulls, then written to
 * the change log like a till's push.
 */
import { createHash } from 'node:crypto';
import { syncEntity, type SharedEntity } from '../../../shared/sync/entities';
import { checkRecord } from '../../../shared/sync/validate';
import { rowsOf, sql, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { insertFacts, reserveSeqs, type RecordRow } from '../../records';
import { writeStaffRecords } from '../../staff';

/** The terminal code online orders carry (a till's codes are T1, T2…: never this). */
export const ONLINE_TERMINAL = 'WEB';

/** The organisation's "Online shop" staff member: one per organisation, its id derived from the organisation's. */
export function onlineStaffId(orgId: string): string {
  const h = createHash('sha256').update(`online-shop-staff:${orgId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes the "Online shop" staff record once per organisation: inactive, with a PIN hash of random
 * bytes that no PIN produces, so it names the web's sales on every till and can never sign in.
 */
export async function ensureOnlineStaff(deps: CloudDeps, tx: CloudDb, orgId: string): Promise<string> {
  const id = onlineStaffId(orgId);
  const [have] = await rowsOf<{ n: number }>(
    tx,
    sql`SELECT 1 AS n FROM records WHERE org_id = ${orgId} AND entity = 'staff' AND store_id = '' AND entity_id = ${id}`,
  );
  if (have) return id;
  const p = deps.pinParams;
  const pinHash = `scrypt$${p.N}$${p.r}$${p.p}$${deps.randomBytes(16).toString('base64')}$${deps.randomBytes(32).toString('base64')}`;
  await writeStaffRecords(deps, tx, orgId, null, [
    { i: id, d: { name: 'Online shop', role: 'clerk', pin_hash: pinHash, active: false, created_at: deps.clock() }, c: deps.hlc.now() },
  ]);
  return id;
}

export interface Fact {
  e: 'order' | 'online_order' | 'online_order_event';
  i: string;
  d: Record<string, unknown>;
  ch?: Record<string, Record<string, unknown>[]>;
}

/** Appends the facts to the store's change log, in order; each must be exactly what a till accepts. */
export async function writeFacts(deps: CloudDeps, tx: CloudDb, orgId: string, storeId: string, facts: Fact[]): Promise<void> {
  if (facts.length === 0) return;
  const now = deps.clock();
  for (const f of facts) {
    const refusal = checkRecord(syncEntity(f.e) as SharedEntity, f, { now, maxDriftMs: deps.maxDriftMs, ahead: 'clamp' });
    if (refusal) throw new Error(`the shop made a ${f.e} a till would refuse: ${refusal.message}`);
  }
  let seq = await reserveSeqs(tx, orgId, facts.length);
  const rows: RecordRow[] = facts.map((f) => {
    const isOrder = f.e === 'order';
    return {
      entity: f.e,
      storeId,
      entityId: f.i,
      kind: 'append-only',
      body: JSON.stringify(f.ch ? { e: f.e, i: f.i, d: f.d, ch: f.ch } : { e: f.e, i: f.i, d: f.d }),
      uniq: null,
      // The projections a till's push gives the same facts (reports read them).
      refId: isOrder ? String(f.d.currency) : null,
      qty: null,
      amount: isOrder ? Number(f.d.total) : null,
      at: Number(isOrder ? f.d.created_at : (f.d.at ?? f.d.created_at)),
      seq: seq++,
    };
  });
  await insertFacts(tx, orgId, null, now, rows);
}
