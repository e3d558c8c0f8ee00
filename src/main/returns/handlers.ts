import type { returnsContract } from '../../shared/api/returns';
import { staffOf, type HandlersFor } from '../router';
import { inTransaction } from '../db/open';
import { approvalFor } from '../staff/staff';
import { completeExchange, createRefund, getRefund, receiptlessRefund, voidSale } from './refunds';

/** Returns, voids and exchanges. */
export const returnsHandlers: HandlersFor<typeof returnsContract> = {
  'refunds.create': (input, ctx) => createRefund(ctx.deps, staffOf(ctx), input),
  // A manager's approval PIN is hashed before the write transaction opens (writes: 'own').
  'refunds.receiptless': async (input, ctx) => {
    const approval = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'refund.receiptless');
    return inTransaction(ctx.deps.sqlite, () => receiptlessRefund(ctx.deps, staffOf(ctx), { ...input, approval }));
  },
  'refunds.voidSale': async (input, ctx) => {
    const approval = await approvalFor(ctx.deps, staffOf(ctx), input.approval, 'sale.undo');
    return inTransaction(ctx.deps.sqlite, () => voidSale(ctx.deps, staffOf(ctx), { ...input, approval }));
  },
  'refunds.get': (input, { deps }) => getRefund(deps, input.id),
  'exchanges.complete': (input, ctx) => completeExchange(ctx.deps, staffOf(ctx), input),
};
