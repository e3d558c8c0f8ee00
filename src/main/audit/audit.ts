import type { Deps } from '../deps';
import { cachedStatement } from '../db/statements';

export interface AuditEntry {
  staffId: string | null;
  action: string;
  target?: string | null;
  details?: unknown;
  approvedBy?: string | null;
  success: boolean;
}

/** A raw statement: cart edits and voids audit on the counter's hot path. Same encoding as the schema (JSON details, 0/1 success). */
const INSERT_AUDIT =
  'INSERT INTO audit (id, at, staff_id, action, target, details, terminal_code, approved_by, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Privileged actions and failed sign-ins: who, what, when, terminal, approver, outcome. */
export function recordAudit(deps: Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'terminalCode'>, e: AuditEntry): void {
  cachedStatement(deps.sqlite, INSERT_AUDIT).run(
    deps.ids(),
    deps.clock(),
    e.staffId,
    e.action,
    e.target ?? null,
    e.details === undefined || e.details === null ? null : JSON.stringify(e.details),
    deps.terminalCode,
    e.approvedBy ?? null,
    e.success ? 1 : 0,
  );
}
