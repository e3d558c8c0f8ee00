import type { inventoryContract } from '../../shared/api/inventory';
import type { HandlersFor } from '../router';
import { staffOf } from '../router';
import { stockChanged } from './ledger';
import { inTransaction } from '../db/open';
import { withoutCommitCheckpoint } from '../db/checkpointer';
import * as stock from './stock';
import { lowStock, lowStockCount } from './reorder';
import * as csv from './csv';

/** Runs a writing handler and tells open screens that stock changed. */
function changes<T>(ctx: { deps: Parameters<typeof stockChanged>[0] }, value: T): T {
  stockChanged(ctx.deps);
  return value;
}

/** Stock and CSV import/export. */
export const inventoryHandlers: HandlersFor<typeof inventoryContract> = {
  'stock.locations': (_i, { deps }) => stock.listLocations(deps),
  'stock.locationCreate': (input, ctx) => stock.createLocation(ctx.deps, input.name, staffOf(ctx).id),
  'stock.locationUpdate': (input, ctx) => stock.updateLocation(ctx.deps, input, staffOf(ctx).id),
  'stock.list': (input, { deps }) => stock.listStock(deps, input),
  'stock.count': (input, { deps }) => stock.countStock(deps, input),
  'stock.item': (input, { deps }) => stock.stockItem(deps, input.productId),
  'stock.movements': (input, { deps }) => stock.listMovements(deps, input),
  'stock.adjust': (input, ctx) => changes(ctx, stock.adjustStock(ctx.deps, input, staffOf(ctx).id)),
  'stock.writeOff': (input, ctx) => changes(ctx, stock.writeOff(ctx.deps, input, staffOf(ctx).id)),
  'stock.transfer': (input, ctx) => changes(ctx, stock.transferStock(ctx.deps, input, staffOf(ctx).id)),
  'stock.flagged': (input, { deps }) => stock.flaggedLevels(deps, input),
  'stock.setReorder': (input, ctx) => changes(ctx, stock.setReorderRule(ctx.deps, input, staffOf(ctx).id)),
  'stock.lowStock': (input, { deps }) => lowStock(deps, input),
  'stock.lowStockCount': (_i, { deps }) => lowStockCount(deps),
  'stock.valuation': (input, { deps }) => stock.valuation(deps, input.locationId ?? null),

  'imports.begin': (input, { deps }) => csv.beginImport(deps, input.kind, input.locationId),
  'imports.chunk': (input, { deps }) => csv.addChunk(deps, input.importId, input.seq, input.text),
  'imports.preview': (input, { deps }) => csv.previewImport(deps, input.importId),
  'imports.commit': (input, ctx) =>
    withoutCommitCheckpoint(ctx.deps.sqlite, ctx.deps.checkpointer, () =>
      inTransaction(ctx.deps.sqlite, () => changes(ctx, csv.commitImport(ctx.deps, input.importId, input.onlyValid, staffOf(ctx).id))),
    ),
  'exports.csv': (input, { deps }) => {
    const out = input.kind === 'products' ? csv.exportProducts(deps) : csv.exportStock(deps, input.locationId);
    return { ...out, fileName: `${input.kind}-${new Date(deps.clock()).toISOString().slice(0, 10)}.csv` };
  },
};
