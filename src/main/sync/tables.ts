/**
 * How each synced entity maps onto local tables, read from the drizzle schema: which columns
 * travel, which hold JSON or booleans (sent as real JSON values, stored as SQLite text / 0-1),
 * and prepared statements to read and write them. Identifiers come from the schema, never from
 * the wire.
 */
import type { Statement } from 'better-sqlite3';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../db/schema';
import { connectionSlot, slotOf, type Sqlite } from '../db/open';
import { allSyncEntities, DELETED_FIELD, syncEntity, type SyncEntity } from '../../shared/sync/entities';

export type ColumnKind = 'json' | 'bool' | 'plain';

export interface TableInfo {
  name: string;
  columns: Map<string, ColumnKind>;
}

const TABLES = new Map<string, TableInfo>();
for (const t of Object.values(schema) as unknown[]) {
  if (!(t instanceof SQLiteTable)) continue;
  const cfg = getTableConfig(t);
  const columns = new Map<string, ColumnKind>();
  for (const c of cfg.columns)
    columns.set(c.name, c.columnType === 'SQLiteTextJson' ? 'json' : c.columnType === 'SQLiteBoolean' ? 'bool' : 'plain');
  TABLES.set(cfg.name, { name: cfg.name, columns });
}

export function tableInfo(name: string): TableInfo {
  const t = TABLES.get(name);
  if (!t) throw new Error(`sync: table ${name} is not in the drizzle schema`);
  return t;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** A SQLite value as it travels: JSON text parsed, 0/1 booleans as true/false. */
export function toWire(kind: ColumnKind | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'json' && typeof v === 'string') {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  if (kind === 'bool') return v === 1 || v === true;
  return v;
}

/** A wire value as SQLite stores it. */
export function toSqlite(kind: ColumnKind | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'json') return JSON.stringify(v);
  if (kind === 'bool') return v === true || v === 1 ? 1 : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

export interface MutableMeta {
  spec: SyncEntity;
  table: TableInfo;
  /** Columns that travel (not the key, not `hlc`, not local ones). */
  fields: string[];
  /** Every field name of a record: columns, set fields, and `_deleted` for deletable entities. */
  allFields: string[];
  select: Statement;
  selectClocks: Statement;
  sets: { field: string; table: string; fk: string; column: string; select: Statement; del: Statement; ins: Statement }[];
}

export interface FactMeta {
  spec: SyncEntity;
  table: TableInfo;
  columns: string[];
  select: Statement;
  children: { table: TableInfo; fk: string; columns: string[]; select: Statement }[];
}

/** Each synced entity's metadata and prepared statements, built on first use on this connection. */
const META = connectionSlot('sync table metadata', () => new Map<string, MutableMeta | FactMeta>());

export function mutableFields(spec: SyncEntity): string[] {
  const t = tableInfo(spec.table);
  return [...t.columns.keys()].filter((c) => c !== spec.key && c !== 'hlc' && !(spec.local ?? []).includes(c));
}

function build(sqlite: Sqlite, spec: SyncEntity): MutableMeta | FactMeta {
  const table = tableInfo(spec.table);
  if (spec.kind === 'mutable') {
    const fields = mutableFields(spec);
    const sets = (spec.sets ?? []).map((s) => ({
      ...s,
      select: sqlite.prepare(`SELECT ${q(s.column)} AS v FROM ${q(s.table)} WHERE ${q(s.fk)} = ? ORDER BY ${q(s.column)}`).pluck(),
      del: sqlite.prepare(`DELETE FROM ${q(s.table)} WHERE ${q(s.fk)} = ? AND ${q(s.column)} = ?`),
      ins: sqlite.prepare(`INSERT INTO ${q(s.table)} (${q(s.fk)}, ${q(s.column)}) VALUES (?, ?)`),
    }));
    return {
      spec,
      table,
      fields,
      allFields: [...fields, ...sets.map((s) => s.field), ...(spec.deletable ? [DELETED_FIELD] : [])],
      select: sqlite.prepare(`SELECT ${[q(spec.key), 'hlc', ...fields.map(q)].join(', ')} FROM ${q(spec.table)} WHERE ${q(spec.key)} = ?`),
      selectClocks: sqlite.prepare('SELECT clocks FROM sync_clocks WHERE entity = ? AND entity_id = ?').pluck(),
      sets,
    };
  }
  const columns = [...table.columns.keys()];
  return {
    spec,
    table,
    columns,
    select: sqlite.prepare(`SELECT ${columns.map(q).join(', ')} FROM ${q(spec.table)} WHERE ${q(spec.key)} = ?`),
    children: (spec.children ?? []).map((ch) => {
      const t = tableInfo(ch.table);
      const cols = [...t.columns.keys()];
      return {
        table: t,
        fk: ch.fk,
        columns: cols,
        select: sqlite.prepare(`SELECT ${cols.map(q).join(', ')} FROM ${q(ch.table)} WHERE ${q(ch.fk)} = ? ORDER BY rowid`),
      };
    }),
  };
}

export function metaOf(sqlite: Sqlite, entity: string): MutableMeta | FactMeta | null {
  const cache = slotOf(sqlite, META);
  const hit = cache.get(entity);
  if (hit) return hit;
  const spec = syncEntity(entity);
  if (!spec) return null;
  const meta = build(sqlite, spec);
  cache.set(entity, meta);
  return meta;
}

export const isMutable = (m: MutableMeta | FactMeta): m is MutableMeta => m.spec.kind === 'mutable';

export function mutableEntities(): SyncEntity[] {
  return allSyncEntities().filter((e) => e.kind === 'mutable');
}

export { q as quoteIdent };

/** Prepared statements keyed by SQL text, per connection (the store's one statement cache). */
export { cachedStatement as stmt } from '../db/statements';
