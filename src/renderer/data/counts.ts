import { call } from './call';

/** Stock counts. */
export const countsData = {
  approve: call('counts.approve'),
  cancel: call('counts.cancel'),
  create: call('counts.create'),
  get: call('counts.get'),
  list: call('counts.list'),
  scan: call('counts.scan'),
  setQty: call('counts.setQty'),
  submit: call('counts.submit'),
  variance: call('counts.variance'),
};
