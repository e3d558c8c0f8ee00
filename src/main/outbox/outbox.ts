import type { Statement } from 'better-sqlite3';
import type { Deps } from '../deps';

export interface Change {
  entity: string;
  entityId: string;
  op: 'insert' | 'update' | 'delete';
  payload: unknown;
}

/** Prepared once per connection: a sale appends one, an import of 100,000 products as many. */
const inserts = new WeakMap<object, Statement>();

/** Appended in the writer's own transaction, so a change is either committed and queued, or neither. */
export function appendOutbox(deps: Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc'>, change: Change): void {
  let stmt = inserts.get(deps.sqlite);
  if (!stmt) {
    stmt = deps.sqlite.prepare('INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    inserts.set(deps.sqlite, stmt);
  }
  stmt.run(deps.ids(), change.entity, change.entityId, change.op, JSON.stringify(change.payload ?? null), deps.hlc.now(), deps.clock());
}
