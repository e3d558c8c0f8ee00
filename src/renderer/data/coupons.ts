import { call } from './call';

/** Coupons: campaigns, codes and conflicts. */
export const couponsData = {
  campaigns: call('coupons.campaigns'),
  codes: call('coupons.codes'),
  conflicts: call('coupons.conflicts'),
  create: call('coupons.create'),
  csv: call('coupons.csv'),
  pdf: call('coupons.pdf'),
  policy: call('coupons.policy'),
  setActive: call('coupons.setActive'),
  setPolicy: call('coupons.setPolicy'),
};
