import { call } from './call';

/** The numbers: the dashboard, customer insight and product performance. */
export const insightData = {
  products: call('insight.products'),
  segment: call('insight.segment'),
  suggestions: call('insight.suggestions'),
  online: call('insight.online'),
  channels: call('insight.channels'),
};
