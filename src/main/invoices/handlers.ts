import type { invoicesContract } from '../../shared/api/invoices';
import { staffOf, type HandlersFor } from '../router';
import { decideInvoiceRequest, listInvoiceRequests } from './invoices';

/** The manager's queue of buyers' invoice requests. */
export const invoicesHandlers: HandlersFor<typeof invoicesContract> = {
  'invoices.list': (input, { deps }) => listInvoiceRequests(deps, input),
  'invoices.issue': (input, ctx) => decideInvoiceRequest(ctx.deps, { id: input.id, invoiceNumber: input.invoiceNumber }, staffOf(ctx).id),
  'invoices.refuse': (input, ctx) => decideInvoiceRequest(ctx.deps, { id: input.id, reason: input.reason }, staffOf(ctx).id),
};
