import type { syncContract, LocalRejection } from '../../shared/api/sync';
import type { Deps } from '../deps';
import { staffOf, type HandlersFor } from '../router';
import { inTransaction } from '../db/open';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { isSetupDone } from '../settings/settings';
import { cloudSignIn, createOrganisation, joinOrganisation, rejoinOrganisation, signOutOfCloud, withStaff, cloudError } from './cloud';
import { readOfflineCardPolicy, writeOfflineCardPolicy } from './offline-cards';
import { syncRuntime } from './runtime';
import { getState } from './state';
import type { Cols, SqlRow } from '../db/rows';
import type { syncRejections } from '../db/schema';

type RejectionCol = SqlRow<typeof syncRejections>;

function localRejections(deps: Pick<Deps, 'sqlite'>): LocalRejection[] {
  return deps.sqlite
    .prepare(
      `SELECT id, mutation_id AS mutationId, entity, entity_id AS entityId, code, message, at, resolved_at AS resolvedAt
       FROM sync_rejections ORDER BY resolved_at IS NOT NULL, at DESC LIMIT 200`,
    )
    .all() as (Cols<typeof syncRejections, 'id' | 'entity' | 'code' | 'message' | 'at'> & {
    mutationId: RejectionCol['mutation_id'];
    entityId: RejectionCol['entity_id'];
    resolvedAt: RejectionCol['resolved_at'];
  })[] satisfies LocalRejection[];
}

export const syncHandlers: HandlersFor<typeof syncContract> = {
  'sync.status': (_i, { deps }) => syncRuntime(deps).engine.status(),
  'sync.now': async (_i, { deps }) => syncRuntime(deps).engine.syncNow(),
  'sync.createOrg': async (input, ctx) => createOrganisation(ctx.deps, syncRuntime(ctx.deps).engine, staffOf(ctx), input),
  'sync.join': async (input, { deps }) => joinOrganisation(deps, syncRuntime(deps).engine, input),
  'sync.joinStatus': (_i, { deps }) => {
    // Before sign-in, only while a join is under way (or the store is not set up yet).
    if (isSetupDone(deps) && getState(deps.sqlite, 'joining') !== true)
      throw new AppError('CONFLICT', 'This terminal is set up', { messageKey: 'sync.err.joinSetUp' });
    return syncRuntime(deps).engine.status();
  },
  'sync.rejoin': async (input, ctx) => rejoinOrganisation(ctx.deps, syncRuntime(ctx.deps).engine, staffOf(ctx), input),
  'sync.signOut': async (input, ctx) => signOutOfCloud(ctx.deps, syncRuntime(ctx.deps).engine, staffOf(ctx), input),
  'sync.offlinePolicy': (_i, { deps }) => readOfflineCardPolicy(deps),
  'sync.setOfflinePolicy': (input, ctx) => {
    const before = readOfflineCardPolicy(ctx.deps);
    const after = writeOfflineCardPolicy(ctx.deps, input);
    recordAudit(ctx.deps, { staffId: staffOf(ctx).id, action: 'sync.offlinePolicy', details: { from: before, to: after }, success: true });
    return after;
  },
  'sync.localRejections': (_i, { deps }) => localRejections(deps),
  'sync.resolveLocalRejection': (input, { deps }) => {
    const res = deps.sqlite
      .prepare('UPDATE sync_rejections SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL')
      .run(deps.clock(), input.id);
    if (res.changes === 0) throw new AppError('NOT_FOUND', 'Notice not found');
    return localRejections(deps);
  },
  'sync.cloudSession': (_i, ctx) => {
    const s = syncRuntime(ctx.deps).sessions.get(ctx.sessionKey, staffOf(ctx).id, ctx.deps.clock());
    return { signedIn: s !== null, staffName: s?.staff.name ?? null, expiresAt: s?.expiresAt ?? null };
  },
  'sync.cloudSignIn': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    const staff = staffOf(ctx);
    try {
      const s = await cloudSignIn(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staff, input.pin);
      return { signedIn: true, staffName: s.staff.name, expiresAt: s.expiresAt };
    } catch (err) {
      const e = cloudError(err);
      // A PIN the cloud refused is audited like a failed sign-in here (not a cloud that was not reached).
      const cloudCode = (e.details as { cloud?: string } | undefined)?.cloud;
      if (cloudCode === 'WRONG_PIN' || cloudCode === 'LOCKED')
        inTransaction(ctx.deps.sqlite, () =>
          recordAudit(ctx.deps, { staffId: staff.id, action: 'sync.cloudSignIn.failed', details: { code: cloudCode }, success: false }),
        );
      throw e;
    }
  },
  'sync.cloudSignOut': (_i, ctx) => {
    syncRuntime(ctx.deps).sessions.drop(ctx.sessionKey);
    return { signedIn: false, staffName: null, expiresAt: null };
  },
  'sync.overview': async (_i, ctx) => {
    const rt = syncRuntime(ctx.deps);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx), (client, token) => client.overview(token));
  },
  'sync.stock': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx), (client, token) =>
      client.stock(token, { storeId: input.storeId, search: input.q, offset: input.offset, limit: input.limit }),
    );
  },
  'sync.cloudRejections': async (_i, ctx) => {
    const rt = syncRuntime(ctx.deps);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx), (client, token) => client.rejections(token));
  },
  'sync.resolveCloudRejection': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx), async (client, token) => {
      await client.resolveRejection(token, input.id);
      return client.rejections(token);
    });
  },
  'sync.stores': async (_i, ctx) => {
    const rt = syncRuntime(ctx.deps);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx), (client, token) => client.stores(token));
  },
  'sync.createStore': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    const staff = staffOf(ctx);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staff, async (client, token) => {
      const store = await client.createStore(token, input.name);
      inTransaction(ctx.deps.sqlite, () =>
        recordAudit(ctx.deps, {
          staffId: staff.id,
          action: 'sync.createStore',
          target: store.id,
          details: { name: input.name },
          success: true,
        }),
      );
      return client.stores(token);
    });
  },
  'sync.createCode': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    const staff = staffOf(ctx);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staff, async (client, token) => {
      const code = await client.createCode(token, { storeId: input.storeId, replacesDeviceId: input.replacesDeviceId ?? null });
      inTransaction(ctx.deps.sqlite, () =>
        recordAudit(ctx.deps, {
          staffId: staff.id,
          action: 'sync.enrolmentCode',
          target: input.storeId,
          details: { replaces: code.replaces, expiresAt: code.expiresAt },
          success: true,
        }),
      );
      return code;
    });
  },
  'sync.revokeDevice': async (input, ctx) => {
    const rt = syncRuntime(ctx.deps);
    const staff = staffOf(ctx);
    return withStaff(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staff, async (client, token) => {
      await client.revoke(token, input.deviceId);
      inTransaction(ctx.deps.sqlite, () =>
        recordAudit(ctx.deps, { staffId: staff.id, action: 'sync.revokeDevice', target: input.deviceId, success: true }),
      );
      return client.stores(token);
    });
  },
};
