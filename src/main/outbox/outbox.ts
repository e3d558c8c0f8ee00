import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';

export interface Change {
  entity: string;
  entityId: string;
  op: 'insert' | 'update' | 'delete';
  payload: unknown;
}

/** A sale appends one, an import of 100,000 products as many. */
export const OUTBOX_INSERT_SQL = 'INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, ?, ?, ?, ?)';

/**
 * Appended in the writer's own transaction, so a change is either committed and queued, or neither.
 * Synced entities are queued by the write path (src/main/db/write-path.ts); this is for the local
 * ones, whose entries are acknowledged and never sent.
 */
export function appendOutbox(deps: Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc'>, change: Change): void {
  cachedStatement(deps.sqlite, OUTBOX_INSERT_SQL).run(
    deps.ids(),
    change.entity,
    change.entityId,
    change.op,
    JSON.stringify(change.payload ?? null),
    deps.hlc.now(),
    deps.clock(),
  );
}
