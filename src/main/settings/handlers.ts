import type { settingsContract } from '../../shared/api/settings';
import { staffOf, type HandlersFor } from '../router';
import { readSettings, writeSettings } from './settings';
import { recordAudit } from '../audit/audit';
import { rebuildRollups } from '../insight/rollups';

export const settingsHandlers: HandlersFor<typeof settingsContract> = {
  'settings.get': (_i, { deps }) => readSettings(deps),
  'settings.update': (input, ctx) => {
    const before = readSettings(ctx.deps);
    const after = writeSettings(ctx.deps, input);
    // Rollups are bucketed by business day in the store's time zone.
    if (after.timezone !== before.timezone) rebuildRollups(ctx.deps);
    recordAudit(ctx.deps, {
      staffId: staffOf(ctx).id,
      action: 'settings.update',
      details: Object.fromEntries(
        Object.keys(input).map((k) => [k, { from: before[k as keyof typeof before], to: after[k as keyof typeof after] }]),
      ),
      success: true,
    });
    return after;
  },
};
