import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface DbSnapshot {
  /** Row count per table (every table in sqlite_master, FTS shadow tables included). */
  counts: Record<string, number>;
  /** sha256 per table over its rows (sorted), so any changed value shows. */
  hashes: Record<string, string>;
  /** Highest rowid of the append-only queues. */
  maxRowid: { outbox: number; audit: number };
  /** The connection's total_changes(): any INSERT/UPDATE/DELETE moves it. */
  totalChanges: number;
}

function cell(v: unknown): unknown {
  return Buffer.isBuffer(v) ? `x'${v.toString('hex')}'` : typeof v === 'bigint' ? v.toString() : v;
}

export function tableNames(sqlite: Database): string[] {
  return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** A byte-for-byte view of the database's content, cheap enough for a small test store. */
export function snapshotDb(sqlite: Database): DbSnapshot {
  const counts: Record<string, number> = {};
  const hashes: Record<string, string> = {};
  for (const name of tableNames(sqlite)) {
    const q = `"${name.replace(/"/g, '""')}"`;
    counts[name] = (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${q}`).get() as { n: number }).n;
    const rows = (sqlite.prepare(`SELECT * FROM ${q}`).raw().all() as unknown[][]).map((r) => JSON.stringify(r.map(cell))).sort();
    hashes[name] = createHash('sha256').update(rows.join('\n')).digest('hex');
  }
  const max = (t: string) => (sqlite.prepare(`SELECT COALESCE(MAX(rowid), 0) AS m FROM ${t}`).get() as { m: number }).m;
  return {
    counts,
    hashes,
    maxRowid: { outbox: max('outbox'), audit: max('audit') },
    totalChanges: (sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n,
  };
}
