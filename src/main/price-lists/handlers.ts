import type { priceListsContract } from '../../shared/api/price-lists';
import { staffOf, type HandlersFor } from '../router';
import { createGroup, deleteGroup, listGroups, setCustomerGroup, updateGroup } from './groups';
import { createPriceList, listEntries, listPriceLists, removeEntries, setEntries, updatePriceList } from './price-lists';

export const priceListsHandlers: HandlersFor<typeof priceListsContract> = {
  'customerGroups.list': (_i, { deps }) => listGroups(deps),
  'customerGroups.create': (input, ctx) => createGroup(ctx.deps, input, staffOf(ctx).id),
  'customerGroups.update': (input, ctx) => updateGroup(ctx.deps, input, staffOf(ctx).id),
  'customerGroups.delete': (input, ctx) => deleteGroup(ctx.deps, input.id, staffOf(ctx).id),
  'customers.setGroup': (input, ctx) => setCustomerGroup(ctx.deps, input, staffOf(ctx).id),
  'priceLists.list': (_i, { deps }) => listPriceLists(deps),
  'priceLists.entries': (input, { deps }) => listEntries(deps, input),
  'priceLists.create': (input, ctx) => createPriceList(ctx.deps, input, staffOf(ctx).id),
  'priceLists.update': (input, ctx) => updatePriceList(ctx.deps, input, staffOf(ctx).id),
  'priceLists.setEntries': (input, ctx) => setEntries(ctx.deps, input, staffOf(ctx).id),
  'priceLists.removeEntries': (input, ctx) => removeEntries(ctx.deps, input, staffOf(ctx).id),
};
