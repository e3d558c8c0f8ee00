import { call } from './call';

/** Online orders at the till: pick-up, packing, shortages, units held online. */
export const onlineOrdersData = {
  get: call('onlineOrders.get'),
  pickups: call('onlineOrders.pickups'),
  markPacked: call('onlineOrders.markPacked'),
  handOver: call('onlineOrders.handOver'),
  shortages: call('onlineOrders.shortages'),
  reserved: call('onlineOrders.reserved'),
  returns: call('onlineOrders.returns'),
  decideReturn: call('onlineOrders.decideReturn'),
  returnDays: call('onlineOrders.returnDays'),
  setReturnDays: call('onlineOrders.setReturnDays'),
  shopSettings: call('onlineOrders.shopSettings'),
  setShopSettings: call('onlineOrders.setShopSettings'),
};
