import { call } from './call';

/** Promotions. */
export const promotionsData = {
  create: call('promotions.create'),
  list: call('promotions.list'),
  report: call('promotions.report'),
  setActive: call('promotions.setActive'),
  try: call('promotions.try'),
  update: call('promotions.update'),
};
