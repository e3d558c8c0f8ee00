import { call } from './call';

/** Price lists and customer groups. */
export const customerGroupsData = {
  create: call('customerGroups.create'),
  delete: call('customerGroups.delete'),
  list: call('customerGroups.list'),
};

export const priceListsData = {
  create: call('priceLists.create'),
  entries: call('priceLists.entries'),
  list: call('priceLists.list'),
  removeEntries: call('priceLists.removeEntries'),
  setEntries: call('priceLists.setEntries'),
  update: call('priceLists.update'),
};
