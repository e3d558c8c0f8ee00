import { call } from './call';

/** Provider payments: the card and mobile tenders, trades, provider settings. */
export const paymentsData = {
  config: call('payments.config'),
  findTrades: call('payments.findTrades'),
  queryTrade: call('payments.queryTrade'),
  reconciliation: call('payments.reconciliation'),
  refunds: call('payments.refunds'),
  saveConfig: call('payments.saveConfig'),
  testConnection: call('payments.testConnection'),
};
