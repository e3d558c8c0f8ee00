/**
 * Reading and writing `records` in bulk: one statement per batch, the rows passed as one JSON
 * parameter (jsonb_to_recordset), so a push of a thousand changes is a handful of round trips.
 */
import { sql } from 'drizzle-orm';
import type { SyncEntity } from '../shared/sync/entities';
import { compactStamps, type FieldRecord } from '../shared/sync/merge';
import { rowsOf, type CloudDb } from './db/open';

export interface RecordRow {
  entity: string;
  storeId: string;
  entityId: string;
  kind: SyncEntity['kind'];
  body: string;
  uniq: string[] | null;
  refId: string | null;
  qty: number | null;
  amount: number | null;
  at: number | null;
  seq: number;
}

/**
 * Hands out `n` change-log positions. The UPDATE locks the organisation's row until commit, so two
 * pushes to one organisation run one after the other and their positions become visible in order:
 * a pull never skips a position that commits later.
 */
export async function reserveSeqs(db: CloudDb, orgId: string, n: number): Promise<number> {
  const [row] = await rowsOf<{ last: string | number }>(
    db,
    sql`UPDATE orgs SET change_seq = change_seq + ${n} WHERE id = ${orgId} RETURNING change_seq AS last`,
  );
  if (!row) throw new Error(`organisation ${orgId} not found`);
  return Number(row.last) - n + 1;
}

export function mutableBody(entity: string, id: string, rec: FieldRecord): string {
  return JSON.stringify({ e: entity, i: id, d: rec.d, c: compactStamps(rec.c) });
}

export function parseMutableBody(body: string): FieldRecord {
  const parsed = JSON.parse(body) as { d: Record<string, unknown>; c: string | Record<string, string> };
  const c: Record<string, string> = {};
  for (const f of Object.keys(parsed.d)) c[f] = typeof parsed.c === 'string' ? parsed.c : (parsed.c[f] ?? '');
  return { d: parsed.d, c };
}

const json = (rows: unknown[]) => JSON.stringify(rows);

function toJsonRows(orgId: string, deviceId: string | null, now: number, rows: RecordRow[]) {
  return rows.map((r) => ({
    org_id: orgId,
    entity: r.entity,
    store_id: r.storeId,
    entity_id: r.entityId,
    kind: r.kind,
    body: r.body,
    uniq: r.uniq,
    ref_id: r.refId,
    qty: r.qty,
    amount: r.amount,
    at: r.at,
    seq: r.seq,
    device_id: deviceId,
    updated_at: now,
  }));
}

function recordset(rows: unknown[]) {
  return sql`jsonb_to_recordset(${json(rows)}::jsonb) AS x(org_id uuid, entity text, store_id text, entity_id text,
  kind text, body text, uniq jsonb, ref_id text, qty bigint, amount bigint, at bigint, seq bigint, device_id uuid, updated_at bigint)`;
}

const UNIQ = sql`CASE WHEN x.uniq IS NULL OR jsonb_typeof(x.uniq) <> 'array' THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.uniq)) END`;

/** Inserts or replaces mutable records (their merge already happened in the caller). */
export async function upsertRecords(db: CloudDb, orgId: string, deviceId: string | null, now: number, rows: RecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, uniq, ref_id, qty, amount, at, seq, device_id, updated_at)
    SELECT x.org_id, x.entity, x.store_id, x.entity_id, x.kind, x.body, ${UNIQ}, x.ref_id, x.qty, x.amount, x.at, x.seq, x.device_id, x.updated_at
    FROM ${recordset(toJsonRows(orgId, deviceId, now, rows))}
    ON CONFLICT (org_id, entity, store_id, entity_id) DO UPDATE SET
      body = excluded.body, uniq = excluded.uniq, seq = excluded.seq, device_id = excluded.device_id, updated_at = excluded.updated_at`);
}

/** Inserts facts once: a fact already there (a resent order) is left as it was. Returns how many were new. */
export async function insertFacts(db: CloudDb, orgId: string, deviceId: string | null, now: number, rows: RecordRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await rowsOf<{ n: string | number }>(
    db,
    sql`WITH ins AS (
      INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, uniq, ref_id, qty, amount, at, seq, device_id, updated_at)
      SELECT x.org_id, x.entity, x.store_id, x.entity_id, x.kind, x.body, NULL, x.ref_id, x.qty, x.amount, x.at, x.seq, x.device_id, x.updated_at
      FROM ${recordset(toJsonRows(orgId, deviceId, now, rows))}
      ON CONFLICT (org_id, entity, store_id, entity_id) DO NOTHING
      RETURNING 1)
    SELECT COUNT(*) AS n FROM ins`,
  );
  return Number(res[0]?.n ?? 0);
}

export interface ExistingRecord {
  entity: string;
  storeId: string;
  entityId: string;
  body: string;
  uniq: string[] | null;
}

/** Loads the current state of the given mutable records (one query). */
export async function loadRecords(
  db: CloudDb,
  orgId: string,
  keys: { entity: string; storeId: string; entityId: string }[],
): Promise<Map<string, ExistingRecord>> {
  const out = new Map<string, ExistingRecord>();
  if (keys.length === 0) return out;
  const rows = await rowsOf<{ entity: string; store_id: string; entity_id: string; body: string; uniq: string[] | null }>(
    db,
    sql`SELECT r.entity, r.store_id, r.entity_id, r.body, r.uniq FROM records r
        JOIN jsonb_to_recordset(${json(keys.map((k) => ({ e: k.entity, s: k.storeId, i: k.entityId })))}::jsonb) AS k(e text, s text, i text)
          ON r.entity = k.e AND r.store_id = k.s AND r.entity_id = k.i
        WHERE r.org_id = ${orgId}`,
  );
  for (const r of rows) {
    out.set(recordKey(r.entity, r.store_id, r.entity_id), {
      entity: r.entity,
      storeId: r.store_id,
      entityId: r.entity_id,
      body: r.body,
      uniq: r.uniq,
    });
  }
  return out;
}

export const recordKey = (entity: string, storeId: string, entityId: string) => `${entity}\u0000${storeId}\u0000${entityId}`;

/** Who holds each of these unique values now (`field=value` strings), per entity. */
export async function uniqueHolders(db: CloudDb, orgId: string, entity: string, values: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (values.length === 0) return out;
  const rows = await rowsOf<{ entity_id: string; uniq: string[] }>(
    db,
    sql`SELECT entity_id, uniq FROM records
        WHERE org_id = ${orgId} AND entity = ${entity} AND uniq && ARRAY(SELECT jsonb_array_elements_text(${json(values)}::jsonb))`,
  );
  const wanted = new Set(values);
  for (const r of rows) for (const v of r.uniq) if (wanted.has(v)) out.set(v, r.entity_id);
  return out;
}
