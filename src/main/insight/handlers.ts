import type { insightContract } from '../../shared/api/insight';
import { businessToday, dayToIso } from '../../shared/business-day';
import type { HandlersFor } from '../router';
import type { Deps } from '../deps';
import { customerInsight, segmentMembers } from './customers';
import { categoryPerf, heatmap, parseRange, paymentMix, productList, series, staffPerf, summary } from './queries';
import { rebuildRollups } from './rollups';
import { businessDaySettings, writeCutoff } from './settings';
import { suggestionsFor } from './suggestions';
// Registers refunds as a rollup source for rebuilds.
import './refund-source';
import { recordAudit } from '../audit/audit';
import { staffOf } from '../router';

function businessDayInfo(deps: Deps) {
  const s = businessDaySettings(deps);
  return { timezone: s.timezone, cutoffHour: s.cutoffHour, today: dayToIso(businessToday(deps.clock(), s.timezone, s.cutoffHour)) };
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
  'insight.summary': (input, { deps }) => summary(deps, input),
  'insight.series': (input, { deps }) => series(deps, input),
  'insight.heatmap': (input, { deps }) => heatmap(deps, input),
  'insight.products': (input, { deps }) => productList(deps, input),
  'insight.categories': (input, { deps }) => categoryPerf(deps, input),
  'insight.payments': (input, { deps }) => paymentMix(deps, input),
  'insight.staff': (input, { deps }) => {
    parseRange(input);
    return staffPerf(deps, input);
  },
  'insight.customers': (_i, { deps }) => customerInsight(deps, deps.clock()),
  'insight.segment': (input, { deps }) => segmentMembers(deps, deps.clock(), input),
  'insight.suggestions': (input, { deps }) => suggestionsFor(deps, input.productIds, input.limit ?? 4),
};
