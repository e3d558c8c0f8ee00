import { outbox } from '../db/schema';
import type { Deps } from '../deps';

export interface Change {
  entity: string;
  entityId: string;
  op: 'insert' | 'update' | 'delete';
  payload: unknown;
}

/** Appended in the writer's own transaction, so a change is either committed and queued, or neither. */
export function appendOutbox(deps: Pick<Deps, 'db' | 'clock' | 'ids' | 'hlc'>, change: Change): void {
  deps.db
    .insert(outbox)
    .values({ id: deps.ids(), ...change, hlc: deps.hlc.now(), at: deps.clock() })
    .run();
}
