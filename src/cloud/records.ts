/**
 * Reading and writing `records` in bulk: one statement per batch, the rows passed as one array
 * parameter per column, so a push of a thousand changes is a handful of round trips. Lookups name
 * the full key prefix so each is an index probe per value whatever the planner knows about the
 * table (on PGlite the statistics are only as fresh as db/planner-stats.ts keeps them).
 */
import { sql, type SQL } from 'drizzle-orm';
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
  /** The unique values the record held before this write (mutable records the caller merged into). */
  prevUniq?: string[] | null;
  /**
   * The caller looked the record up under the organisation's lock and it is not there: inserted
   * without a conflict check (a quarter cheaper), with the checked insert as a fallback.
   */
  absent?: boolean;
}

export interface UpsertOptions {
  /** Whether no record held this unique value when the caller looked, under the same lock. */
  unclaimed?: (entity: string, value: string) => boolean;
}

const UNIQUE_VIOLATION = '23505';

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Inserts `rows` with `insert(list, conflict)`. Those `known` to be absent (the caller looked them
 * up under the organisation's lock) go without a conflict clause, in a savepoint: ON CONFLICT
 * probes the key before inserting, a quarter of the cost, where the plain insert lets the index's
 * own check do it once. Should one be there after all, they go again with `onConflict`, as the
 * rest do.
 */
async function insertKnownNew<T>(
  db: CloudDb,
  rows: T[],
  known: (row: T) => boolean,
  insert: (list: T[], conflict: SQL) => SQL,
  onConflict: SQL,
): Promise<void> {
  const fresh = rows.filter(known);
  const rest = rows.filter((r) => !known(r));
  if (fresh.length > 0)
    try {
      await db.transaction(async (sp) => {
        await sp.execute(insert(fresh, sql``));
      });
    } catch (err) {
      if (pgCode(err) !== UNIQUE_VIOLATION) throw err;
      rest.push(...fresh);
    }
  if (rest.length > 0) await db.execute(insert(rest, onConflict));
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

/** One `text[]` parameter (not a list of parameters): the statement stays the same size. */
const textArray = (values: (string | null)[]) => sql`${sql.param(values)}::text[]`;

/** Separators for `joined` below: a value holding one (never JSON text or an id we make) goes as an array. */
const RS = '\u001e';
const NULL_MARK = '\u001f';

/**
 * Values as one `text[]`, sent as one string the database splits: PGlite parses a big array
 * parameter at a fraction of the speed it splits a plain string (a push of 1,000 changes sends
 * eleven such columns). Nulls travel as a mark the split turns back into NULL.
 */
function joined(values: (string | null)[]) {
  const text = values.map((v) => v ?? NULL_MARK).join(RS);
  // An empty string would split into no element at all.
  if (text === '' || values.some((v) => v !== null && (v.includes(RS) || v.includes(NULL_MARK)))) return textArray(values);
  return sql`string_to_array(${text}::text, chr(30), chr(31))`;
}

const joinedBigints = (values: (number | null)[]) => sql`${joined(values.map((v) => (v === null ? null : String(v))))}::bigint[]`;

/** A `text[]` literal as array_in reads it: every element quoted, `\` and `"` escaped. */
export const textArrayLiteral = (values: string[]) => `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/** The rows as columns: `FROM <this> AS x(entity, store_id, …)` zips them back into rows. */
function columns(rows: RecordRow[]) {
  return sql`unnest(
    ${joined(rows.map((r) => r.entity))}, ${joined(rows.map((r) => r.storeId))}, ${joined(rows.map((r) => r.entityId))},
    ${joined(rows.map((r) => r.kind))}, ${joined(rows.map((r) => r.body))},
    ${joined(rows.map((r) => (r.uniq ? textArrayLiteral(r.uniq) : null)))}, ${joined(rows.map((r) => r.refId))},
    ${joinedBigints(rows.map((r) => r.qty))}, ${joinedBigints(rows.map((r) => r.amount))}, ${joinedBigints(rows.map((r) => r.at))},
    ${joinedBigints(rows.map((r) => r.seq))}) AS x(entity, store_id, entity_id, kind, body, uniq, ref_id, qty, amount, at, seq)`;
}

/**
 * Moves the rows' unique claims from what each record held (`prevUniq`) to what it holds now
 * (`uniq`). Releases go first, so a value handed from one record to another in one batch is free
 * when it is claimed.
 */
async function moveClaims(db: CloudDb, orgId: string, rows: RecordRow[], unclaimed?: UpsertOptions['unclaimed']): Promise<void> {
  const released = new Map<string, { values: string[]; ids: string[] }>();
  const claimed = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const next = new Set(r.uniq ?? []);
    const prev = new Set(r.prevUniq ?? []);
    for (const v of prev) {
      if (next.has(v)) continue;
      let rel = released.get(r.entity);
      if (!rel) released.set(r.entity, (rel = { values: [], ids: [] }));
      rel.values.push(v);
      rel.ids.push(r.entityId);
    }
    for (const v of next) {
      if (prev.has(v)) continue;
      let cl = claimed.get(r.entity);
      if (!cl) claimed.set(r.entity, (cl = new Map()));
      // One row per value: ON CONFLICT DO UPDATE may not touch a row twice in one statement.
      cl.set(v, r.entityId);
    }
  }
  for (const [entity, rel] of released)
    await db.execute(sql`
      DELETE FROM record_uniques WHERE org_id = ${orgId} AND entity = ${entity} AND value = ANY(${joined(rel.values)})
        AND (value, entity_id) IN (SELECT * FROM unnest(${joined(rel.values)}, ${joined(rel.ids)}))`);
  const takeOver = sql` ON CONFLICT (org_id, entity, value) DO UPDATE SET entity_id = excluded.entity_id`;
  for (const [entity, cl] of claimed)
    await insertKnownNew(
      db,
      [...cl],
      ([value]) => unclaimed?.(entity, value) ?? false,
      (list, conflict) => sql`
        INSERT INTO record_uniques (org_id, entity, value, entity_id)
        SELECT ${orgId}::uuid, ${entity}, x.value, x.entity_id
        FROM unnest(${joined(list.map(([v]) => v))}, ${joined(list.map(([, id]) => id))}) AS x(value, entity_id)${conflict}`,
      takeOver,
    );
}

/**
 * Inserts or replaces mutable records (their merge already happened in the caller) and moves
 * their unique claims.
 */
export async function upsertRecords(
  db: CloudDb,
  orgId: string,
  deviceId: string | null,
  now: number,
  rows: RecordRow[],
  opts: UpsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  await moveClaims(db, orgId, rows, opts.unclaimed);
  const insert = (list: RecordRow[], conflict: SQL) => sql`
    INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, uniq, ref_id, qty, amount, at, seq, device_id, updated_at)
    SELECT ${orgId}::uuid, x.entity, x.store_id, x.entity_id, x.kind, x.body, x.uniq::text[], x.ref_id, x.qty, x.amount, x.at, x.seq, ${deviceId}::uuid, ${now}::bigint
    FROM ${columns(list)}${conflict}`;
  const replace = sql`
    ON CONFLICT (org_id, entity, store_id, entity_id) DO UPDATE SET
      body = excluded.body, uniq = excluded.uniq, seq = excluded.seq, device_id = excluded.device_id, updated_at = excluded.updated_at`;
  await insertKnownNew(db, rows, (r) => r.absent === true, insert, replace);
}

/** Inserts facts once: a fact already there (a resent order) is left as it was. Returns how many were new. */
export async function insertFacts(db: CloudDb, orgId: string, deviceId: string | null, now: number, rows: RecordRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await rowsOf<{ n: string | number }>(
    db,
    sql`WITH ins AS (
      INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, uniq, ref_id, qty, amount, at, seq, device_id, updated_at)
      SELECT ${orgId}::uuid, x.entity, x.store_id, x.entity_id, x.kind, x.body, NULL, x.ref_id, x.qty, x.amount, x.at, x.seq, ${deviceId}::uuid, ${now}::bigint
      FROM ${columns(rows)}
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

/** Loads the current state of the given mutable records (one query per entity and store). */
export async function loadRecords(
  db: CloudDb,
  orgId: string,
  keys: { entity: string; storeId: string; entityId: string }[],
): Promise<Map<string, ExistingRecord>> {
  const out = new Map<string, ExistingRecord>();
  const groups = new Map<string, { entity: string; storeId: string; ids: string[] }>();
  for (const k of keys) {
    const g = recordKey(k.entity, k.storeId, '');
    let group = groups.get(g);
    if (!group) groups.set(g, (group = { entity: k.entity, storeId: k.storeId, ids: [] }));
    group.ids.push(k.entityId);
  }
  for (const g of groups.values()) {
    const rows = await rowsOf<{ entity_id: string; body: string; uniq: string[] | null }>(
      db,
      sql`SELECT entity_id, body, uniq FROM records
          WHERE org_id = ${orgId} AND entity = ${g.entity} AND store_id = ${g.storeId} AND entity_id = ANY(${joined(g.ids)})`,
    );
    for (const r of rows)
      out.set(recordKey(g.entity, g.storeId, r.entity_id), {
        entity: g.entity,
        storeId: g.storeId,
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
  const rows = await rowsOf<{ value: string; entity_id: string }>(
    db,
    sql`SELECT value, entity_id FROM record_uniques WHERE org_id = ${orgId} AND entity = ${entity} AND value = ANY(${joined(values)})`,
  );
  for (const r of rows) out.set(r.value, r.entity_id);
  return out;
}
