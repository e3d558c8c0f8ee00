import { call } from './call';

/** Selling: the cart on main, orders, refunds, exchanges and parked sales. */
export const cartData = {
  setCustomer: call('cart.setCustomer'),
  setFulfilment: call('cart.setFulfilment'),
};

export const exchangesData = {
  complete: call('exchanges.complete'),
};

export const ordersData = {
  detail: call('orders.detail'),
  lookup: call('orders.lookup'),
  search: call('orders.search'),
};

export const parkedData = {
  discard: call('parked.discard'),
  list: call('parked.list'),
  park: call('parked.park'),
  resume: call('parked.resume'),
};

export const refundsData = {
  create: call('refunds.create'),
  receiptless: call('refunds.receiptless'),
  voidSale: call('refunds.voidSale'),
};

export const salesData = {
  recent: call('sales.recent'),
};
