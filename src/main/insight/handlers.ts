import type { insightContract } from '../../shared/api/insight';
import { businessToday, dayToIso } from '../../shared/business-day';
import type { HandlersFor } from '../router';
import type { Deps } from '../deps';
import { customerInsight, segmentMembers } from './customers';
import { categoryPerf, heatmap, parseRange, paymentMix, productList, series, staffPerf, summary } from './queries';
import { applyPendingInsight, rebuildRollups } from './rollups';
import { businessDaySettings, writeCutoff } from './settings';
import { suggestionsFor } from './suggestions';
import { channelSales, onlineFunnel } from './online';
// Registers refunds as a rollup source for rebuilds.
import './refund-source';
import { recordAudit } from '../audit/audit';
import { staffOf } from '../router';

function businessDayInfo(deps: Deps) {
  const s = businessDaySettings(deps);
  return { timezone: s.timezone, cutoffHour: s.cutoffHour, today: dayToIso(businessToday(deps.clock(), s.timezone, s.cutoffHour)) };
}

/** A read of the rollups: sales still queued are added first, so the figures include the last sale. */
function fresh<I, O>(read: (input: I, deps: Deps) => O): (input: I, ctx: { deps: Deps }) => O {
  return (input, { deps }) => {
    applyPendingInsight(deps);
    return read(input, deps);
  };
}

export const insightHandlers: HandlersFor<typeof insightContract> = {
  'insight.businessDay': (_i, { deps }) => businessDayInfo(deps),
  'insight.setBusinessDay': (input, ctx) => {
    const { deps } = ctx;
    const before = businessDaySettings(deps).cutoffHour;
    writeCutoff(deps, input.cutoffHour);
    // Every sale moves to the business day the new cutoff gives it.
    if (before !== input.cutoffHour) rebuildRollups(deps);
    recordAudit(deps, {
      staffId: staffOf(ctx).id,
      action: 'settings.businessDay',
      details: { from: before, to: input.cutoffHour },
      success: true,
    });
    return businessDayInfo(deps);
  },
  'insight.summary': fresh((input, deps) => summary(deps, input)),
  'insight.series': fresh((input, deps) => series(deps, input)),
  'insight.heatmap': fresh((input, deps) => heatmap(deps, input)),
  'insight.products': fresh((input, deps) => productList(deps, input)),
  'insight.categories': fresh((input, deps) => categoryPerf(deps, input)),
  'insight.payments': fresh((input, deps) => paymentMix(deps, input)),
  'insight.staff': fresh((input, deps) => {
    parseRange(input);
    return staffPerf(deps, input);
  }),
  'insight.customers': fresh((_i, deps) => customerInsight(deps, deps.clock())),
  'insight.segment': fresh((input, deps) => segmentMembers(deps, deps.clock(), input)),
  'insight.online': (input, { deps }) => onlineFunnel(deps, input),
  'insight.channels': fresh((input, deps) => channelSales(deps, input)),
  'insight.suggestions': fresh((input, deps) => suggestionsFor(deps, input.productIds, input.limit ?? 4)),
};
