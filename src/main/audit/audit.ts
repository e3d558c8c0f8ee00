import { audit } from '../db/schema';
import type { Deps } from '../deps';

export interface AuditEntry {
  staffId: string | null;
  action: string;
  target?: string | null;
  details?: unknown;
  approvedBy?: string | null;
  success: boolean;
}

/** Privileged actions and failed sign-ins: who, what, when, terminal, approver, outcome. */
export function recordAudit(deps: Pick<Deps, 'db' | 'clock' | 'ids' | 'terminalCode'>, e: AuditEntry): void {
  deps.db
    .insert(audit)
    .values({
      id: deps.ids(),
      at: deps.clock(),
      staffId: e.staffId,
      action: e.action,
      target: e.target ?? null,
      details: e.details ?? null,
      terminalCode: deps.terminalCode,
      approvedBy: e.approvedBy ?? null,
      success: e.success,
    })
    .run();
}
