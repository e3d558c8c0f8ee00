import type { purchasingContract } from '../../shared/api/purchasing';
import type { HandlersFor } from '../router';
import { staffOf } from '../router';
import { stockChanged } from '../inventory/ledger';
import * as po from './orders';
import { createSupplier, listSuppliers, updateSupplier } from './suppliers';

/** Runs a writing handler and tells open screens that stock changed. */
function changes<T>(ctx: { deps: Parameters<typeof stockChanged>[0] }, value: T): T {
  stockChanged(ctx.deps);
  return value;
}

/** Suppliers and purchase orders. */
export const purchasingHandlers: HandlersFor<typeof purchasingContract> = {
  'suppliers.list': (input, { deps }) => listSuppliers(deps, input.includeArchived ?? false),
  'suppliers.create': (input, { deps }) => createSupplier(deps, input),
  'suppliers.update': (input, { deps }) => updateSupplier(deps, input),

  'po.list': (input, { deps }) => po.listOrders(deps, input),
  'po.get': (input, { deps }) => po.getOrder(deps, input.id),
  'po.create': (input, ctx) => po.createOrder(ctx.deps, input, staffOf(ctx).id),
  'po.addLines': (input, { deps }) => po.addLines(deps, input.id, input.lines),
  'po.updateLine': (input, { deps }) => po.updateLine(deps, input),
  'po.send': (input, ctx) => po.sendOrder(ctx.deps, input.id, staffOf(ctx).id),
  // The document makers (pdf-lib, fonts, barcodes) load on first use, not at start.
  'po.pdf': async (input, { deps }) => (await import('./po-docs')).orderPdf(deps, input.id),
  'po.csv': async (input, { deps }) => (await import('./po-docs')).orderCsv(deps, input.id),
  'po.receiveScan': (input, ctx) => changes(ctx, po.receiveScan(ctx.deps, input, staffOf(ctx).id)),
  'po.receive': (input, ctx) => changes(ctx, po.receiveLines(ctx.deps, input, staffOf(ctx).id)),
  'po.close': (input, ctx) => po.closeOrder(ctx.deps, input.id, staffOf(ctx).id),
  'po.cancel': (input, ctx) => po.cancelOrder(ctx.deps, input.id, staffOf(ctx).id),
  'po.fromSuggestions': (input, ctx) => changes(ctx, po.ordersFromSuggestions(ctx.deps, input, staffOf(ctx).id)),
};
