import type { paymentsContract } from '../../shared/api/payments';
import type { HandlersFor } from '../router';
import { AppError } from '../errors';

// Placeholder until the trade state machine lands: every payment channel answers UNAVAILABLE.
const unavailable = (): never => {
  throw new AppError('UNAVAILABLE', 'Payment providers are not set up');
};

export const paymentsHandlers: HandlersFor<typeof paymentsContract> = {
  'payments.providers': () => [],
  'payments.payByCode': unavailable,
  'payments.showQr': unavailable,
  'payments.startTerminal': unavailable,
  'payments.trade': unavailable,
  'payments.cancelTrade': unavailable,
  'payments.queryTrade': unavailable,
  'payments.findTrades': () => [],
  'payments.refunds': () => [],
  'payments.reconciliation': () => [],
  'payments.config': unavailable,
  'payments.saveConfig': unavailable,
  'payments.testConnection': unavailable,
};
