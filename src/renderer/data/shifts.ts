import { call } from './call';

/** Shifts: cash-drawer sessions and their reports. */
export const shiftsData = {
  cashMove: call('shifts.cashMove'),
  close: call('shifts.close'),
  list: call('shifts.list'),
  noSale: call('shifts.noSale'),
  pdf: call('shifts.pdf'),
  print: call('shifts.print'),
  report: call('shifts.report'),
};
