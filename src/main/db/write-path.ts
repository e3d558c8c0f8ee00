/**
 * The write path: what turns a write of a synced row into an outbox entry, derived from the entity
 * registry (src/shared/sync/entities.ts) rather than written by hand next to each INSERT.
 *
 * Facts (`append-only` and `ledger` entities: an order, a refund, a stock movement, a coupon code)
 * are captured by TEMP triggers on their tables: inserting the record's row queues one entry
 * (entity, key, 'insert') with a fresh clock stamp, in the writer's own statement, so the change is
 * committed and queued, or neither. The entry only says "this record changed": the push reads the
 * record (with its children: an order's lines and payments) from its tables when it sends it, so
 * children written after their parent in the same transaction travel with it and the entry carries
 * no payload of its own.
 *
 * Triggers rather than a repository layer: every INSERT into a fact table is captured whoever
 * writes it (a handler, an import, a repair), the capture costs no call from JavaScript per row
 * (it runs inside SQLite's statement), and a new fact entity is captured by being declared.
 *
 * Rows written by sync itself (pulled from the cloud) are not captured: the triggers ask
 * `ct_capture()`, which is 0 while pulled rows are applied (sync/tracking.ts).
 */
import type { Sqlite } from './open';
import { allSyncEntities, type SyncEntity } from '../../shared/sync/entities';

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The outbox entry of a captured write; `ct_id`, `ct_hlc` and `ct_now` are this connection's id source and clocks. */
const entry = (entity: string, keyExpr: string, op: 'insert' | 'update' | 'delete') =>
  `INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (ct_id(), ${lit(entity)}, ${keyExpr}, '${op}', 'null', ct_hlc(), ct_now());`;

/** Entities whose rows are captured by the triggers. */
export function capturedEntities(): SyncEntity[] {
  return allSyncEntities().filter((e) => e.kind === 'append-only' || e.kind === 'ledger');
}

function captureTriggers(spec: SyncEntity): string[] {
  const name = q(`ct_cap_${spec.table}_ins`);
  return [
    `CREATE TEMP TRIGGER ${name} AFTER INSERT ON main.${q(spec.table)} WHEN ct_capture() = 1 BEGIN
      ${entry(spec.entity, `NEW.${q(spec.key)}`, 'insert')}
    END`,
  ];
}

function installedCaptureTriggers(sqlite: Sqlite): string[] {
  return sqlite.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'ct_cap_%'").pluck().all() as string[];
}

/**
 * (Re)creates the capture triggers on this connection. They live with the connection, not in the
 * file, so they follow the registry and the schema at every start. The SQL functions they call are
 * registered by the caller (sync/tracking.ts, with the other per-connection sync functions).
 */
export function installCapture(sqlite: Sqlite): void {
  for (const name of installedCaptureTriggers(sqlite)) sqlite.exec(`DROP TRIGGER IF EXISTS temp.${q(name)}`);
  for (const spec of capturedEntities()) for (const ddl of captureTriggers(spec)) sqlite.exec(ddl);
}
