import type { adminContract } from '../../shared/api/admin';
import { staffOf, type Ctx, type HandlersFor } from '../router';
import { AppError } from '../errors';
import { inTransaction } from '../db/open';
import { recordAudit } from '../audit/audit';
import { auditFacets, listAudit } from '../audit/browse';
import { journalReport } from '../journal/report';
import { invalidateSettings } from '../settings/settings';
import { readBackupConfig, writeBackupConfig } from './config';
import type { DataSafety } from './service';
import { lastIntegrityCheck } from './background-check';

function safetyOf(ctx: Ctx): DataSafety {
  const s = ctx.deps.dataSafety;
  if (!s) throw new AppError('CONFLICT', 'Backups need a data folder (this store runs in memory)');
  return s;
}

const notInRecovery = () => {
  throw new AppError('CONFLICT', 'Countertop is not in recovery: restore from Settings instead');
};

/** Backups, restore, export, the journal check and the audit log. */
export const adminHandlers: HandlersFor<typeof adminContract> = {
  'backup.list': (_i, ctx) => safetyOf(ctx).overview(),
  'backup.create': async (_i, ctx) => {
    const staffId = staffOf(ctx).id;
    const info = await safetyOf(ctx).backupNow('manual');
    const { deps } = ctx;
    inTransaction(deps.sqlite, () => recordAudit(deps, { staffId, action: 'backup.create', target: info.name, success: true }));
    return info;
  },
  'backup.restore': (input, ctx) => safetyOf(ctx).restore(input.name, { staffId: staffOf(ctx).id, fromRecovery: false }),
  'backup.delete': (input, ctx) => safetyOf(ctx).remove(input.name, staffOf(ctx).id),
  'backup.configure': (input, ctx) => {
    const before = readBackupConfig(ctx.deps);
    const after = writeBackupConfig(ctx.deps, input);
    invalidateSettings(ctx.deps);
    recordAudit(ctx.deps, { staffId: staffOf(ctx).id, action: 'backup.configure', details: { from: before, to: after }, success: true });
    // The next automatic backup follows the new interval (after this transaction commits).
    const safety = ctx.deps.dataSafety;
    if (safety) setImmediate(() => safety.schedule());
    return after;
  },
  'data.export': (_i, ctx) => safetyOf(ctx).exportAll(staffOf(ctx).id),
  'integrity.status': (_i, { deps }) => lastIntegrityCheck(deps.sqlite),
  'journal.verify': (_i, { deps }) => journalReport(deps),
  'audit.list': (input, { deps }) => listAudit(deps, input),
  'audit.facets': (_i, { deps }) => auditFacets(deps),
  'recovery.restore': notInRecovery,
  'recovery.startEmpty': notInRecovery,
};
