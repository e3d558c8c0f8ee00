import type { Statement } from 'better-sqlite3';
import type { Sqlite } from './open';

/** Whole rows, or the first column only (`Statement.pluck()`). */
export type RowMode = 'rows' | 'pluck';

/**
 * Prepared statements keyed by SQL text, per connection. Compiling a statement costs more than
 * running most of ours, and the hot paths (a scan, a sale, a search keystroke) run a dozen or
 * more, so they are compiled once per connection. The map is the connection's own
 * (`sqlite.state.statements`, made by `openStore`): a reopened store (restore) starts with none,
 * and a closed one's go with it.
 *
 * The row mode is part of the key, so two callers of the same SQL cannot change each other's
 * results; never call `.pluck()` / `.raw()` on a cached statement, and never `.iterate()` one
 * (a statement being iterated cannot run again until the iteration ends).
 */
export function cachedStatement(sqlite: Sqlite, sql: string, mode: RowMode = 'rows'): Statement {
  const m = sqlite.state.statements;
  const key = mode === 'rows' ? sql : `pluck:${sql}`;
  let s = m.get(key);
  if (!s) {
    s = sqlite.prepare(sql);
    if (mode === 'pluck') s.pluck();
    m.set(key, s);
  }
  return s;
}
