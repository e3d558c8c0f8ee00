import { call } from './call';

/** Purchasing: suppliers and purchase orders. */
export const purchaseOrdersData = {
  addLines: call('po.addLines'),
  cancel: call('po.cancel'),
  close: call('po.close'),
  create: call('po.create'),
  csv: call('po.csv'),
  fromSuggestions: call('po.fromSuggestions'),
  get: call('po.get'),
  list: call('po.list'),
  pdf: call('po.pdf'),
  receive: call('po.receive'),
  receiveScan: call('po.receiveScan'),
  send: call('po.send'),
  updateLine: call('po.updateLine'),
};

export const suppliersData = {
  create: call('suppliers.create'),
  list: call('suppliers.list'),
  update: call('suppliers.update'),
};
