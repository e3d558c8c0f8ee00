import type { countsContract } from '../../shared/api/counts';
import { staffOf, type HandlersFor } from '../router';
import { stockChanged } from '../inventory/ledger';
import * as counts from './counts';

/** Runs a writing handler and tells open screens that stock changed. */
function changes<T>(ctx: { deps: Parameters<typeof stockChanged>[0] }, value: T): T {
  stockChanged(ctx.deps);
  return value;
}

/** Stock counts: clerks count, a manager approves; the approval moves stock. */
export const countsHandlers: HandlersFor<typeof countsContract> = {
  'counts.list': (input, { deps }) => counts.listCounts(deps, input.status),
  'counts.create': (input, ctx) => counts.createCount(ctx.deps, input, staffOf(ctx).id),
  'counts.get': (input, { deps }) => counts.getCount(deps, input.id),
  'counts.scan': (input, ctx) => counts.scanCount(ctx.deps, input, staffOf(ctx).id),
  'counts.setQty': (input, ctx) => counts.setCountQty(ctx.deps, input, staffOf(ctx).id),
  'counts.submit': (input, { deps }) => counts.submitCount(deps, input.id),
  'counts.variance': (input, { deps }) => counts.varianceReport(deps, input.id),
  'counts.approve': (input, ctx) => changes(ctx, counts.approveCount(ctx.deps, input, staffOf(ctx).id)),
  'counts.cancel': (input, ctx) => counts.cancelCount(ctx.deps, input.id, staffOf(ctx).id),
};
