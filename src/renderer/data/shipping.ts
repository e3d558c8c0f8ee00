import { call } from './call';

/** Shipping: shipments, labels and packing slips. */
export const shippingData = {
  cancel: call('shipping.cancel'),
  carriers: call('shipping.carriers'),
  create: call('shipping.create'),
  get: call('shipping.get'),
  label: call('shipping.label'),
  list: call('shipping.list'),
  packingSlip: call('shipping.packingSlip'),
  queue: call('shipping.queue'),
  refresh: call('shipping.refresh'),
  setCarrierApi: call('shipping.setCarrierApi'),
  setStatus: call('shipping.setStatus'),
};
