import type { staffContract } from '../../shared/api/staff';
import type { Ctx, HandlersFor } from '../router';
import { staffOf } from '../router';
import { createStaff, listStaff, signIn, updateStaff } from './staff';
import { readSettings } from '../settings/settings';
import { syncRuntime } from '../sync/runtime';
import { staffPublisher } from '../sync/cloud';

/** Staff changes on a connected terminal go to the cloud under the acting admin's cloud session first. */
function publishStaffOf(ctx: Ctx) {
  const rt = syncRuntime(ctx.deps);
  return staffPublisher(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staffOf(ctx));
}

/** The session, signing in and out, and the staff an admin keeps. */
export const staffHandlers: HandlersFor<typeof staffContract> = {
  'session.me': (_i, { deps, session }) => ({
    staff: session.staff,
    idleLockMs: readSettings(deps).idleLockMinutes * 60_000,
  }),
  'staff.list': (_i, { deps }) => listStaff(deps).filter((s) => s.active),
  'staff.signIn': async (input, { deps, session }) => {
    const staff = await signIn(deps, input.staffId, input.pin);
    session.staff = staff;
    session.lastActivity = deps.clock();
    return { staff, idleLockMs: readSettings(deps).idleLockMinutes * 60_000 };
  },
  'staff.signOut': (_i, { deps, session }) => {
    session.staff = null;
    return { staff: null, idleLockMs: readSettings(deps).idleLockMinutes * 60_000 };
  },
  'staff.create': (input, ctx) => createStaff(ctx.deps, input, staffOf(ctx).id, publishStaffOf(ctx)),
  'staff.update': (input, ctx) => updateStaff(ctx.deps, input, staffOf(ctx).id, publishStaffOf(ctx)),
};
