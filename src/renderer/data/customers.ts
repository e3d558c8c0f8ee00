import { call } from './call';

/** Customers, their loyalty points and their feedback. */
export const customersData = {
  adjustCredit: call('customers.adjustCredit'),
  create: call('customers.create'),
  get: call('customers.get'),
  redeemPoints: call('customers.redeemPoints'),
  search: call('customers.search'),
  setGroup: call('customers.setGroup'),
  update: call('customers.update'),
};

export const feedbackData = {
  add: call('feedback.add'),
  forProduct: call('feedback.forProduct'),
  products: call('feedback.products'),
};

export const loyaltyData = {
  rules: call('loyalty.rules'),
  setRules: call('loyalty.setRules'),
};
