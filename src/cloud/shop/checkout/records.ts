/**
 * The records a paid online order becomes for the store's tills: an `order` fact (source 'online',
 * terminal 'WEB', rung up by the organisation's "Online shop" staff member), its `online_order`
 * and steps. Each is checked against the very shape a till checks when it pulls, then written to
 * the change log like a till's push (shop/records.ts, which also keeps the catalog's projections).
 */
import { createHash } from 'node:crypto';
import { rowsOf, sql, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { writeStaffRecords } from '../../staff';
import { writeShopRecords } from '../records';

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

/** Appends the facts to the store's change log, in order, checked as a till checks a pull (the catalog room's writer). */
export async function writeFacts(deps: CloudDeps, tx: CloudDb, orgId: string, storeId: string, facts: Fact[]): Promise<void> {
  await writeShopRecords(tx, deps, orgId, storeId, facts);
}
