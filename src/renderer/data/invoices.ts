import { call } from './call';

/** Buyers' invoice requests: the manager's queue, issue and refuse. */
export const invoicesData = {
  list: call('invoices.list'),
  issue: call('invoices.issue'),
  refuse: call('invoices.refuse'),
};
