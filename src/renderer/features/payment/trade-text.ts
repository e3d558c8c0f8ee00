import type { PaymentKind } from '../../../shared/api/types';
import type { PaymentProviderId, ProviderStatus, Trade, TradeMethod } from '../../../shared/api/payments';
import { OPEN_TRADE_STATES } from '../../../shared/api/trade-states';

type T = (key: string, options?: Record<string, unknown>) => string;

/** The tender kind a paid trade becomes on the sale (Stripe is the integrated card). */
export function tradeTenderKind(provider: PaymentProviderId): PaymentKind {
  return provider === 'alipay' ? 'alipay' : provider === 'wechat' ? 'wechat_pay' : 'card_integrated';
}

export function isOpenTrade(trade: Pick<Trade, 'state'>): boolean {
  return OPEN_TRADE_STATES.includes(trade.state);
}

export function providerName(t: T, provider: PaymentProviderId): string {
  return t(`pay.providers.${provider}`);
}

/** Which of the new keys the dialog shows, from what main says is set up. */
export function availableMethods(providers: readonly ProviderStatus[]): {
  scan: ProviderStatus[];
  qr: ProviderStatus[];
  terminal: ProviderStatus[];
} {
  const has = (m: TradeMethod) => providers.filter((p) => p.methods.includes(m));
  return { scan: has('code'), qr: has('qr').filter((p) => p.provider !== 'stripe'), terminal: has('terminal') };
}

/**
 * Why a trade ended without money, in the clerk's words. Providers answer with their own codes
 * (Alipay's `ACQ.*` sub-codes, WeChat Pay's `err_code`, Stripe's decline codes); the common ones
 * are named, anything else is shown as the provider wrote it.
 */
export function tradeFailureReason(t: T, trade: Pick<Trade, 'state' | 'errorCode' | 'message' | 'deadline' | 'updatedAt'>): string {
  const code = (trade.errorCode ?? '').toUpperCase().replace(/^ACQ\./, '');
  // Said by our own gateways before any request: Alipay and WeChat Pay take yuan only.
  if (/^CURRENCY/.test(code)) return t('pay.reason.currency');
  if (/AUTH_?CODE|AUTHCODEEXPIRE|PAYMENT_AUTH_CODE|CODE_INVALID|CODE_EXPIRED/.test(code)) return t('pay.reason.codeInvalid');
  if (/BALANCE_NOT_ENOUGH|NOTENOUGH|INSUFFICIENT/.test(code)) return t('pay.reason.insufficient');
  if (/LIMIT/.test(code)) return t('pay.reason.limit');
  if (/TIMEOUT|EXPIRED|DEADLINE/.test(code)) return t('pay.reason.timeout');
  if (/CANCELLED_BY_CLERK|CLERK/.test(code)) return t('pay.reason.cancelledByClerk');
  if (/DECLINE|REFUSED|CARD_DECLINED/.test(code)) return t('pay.reason.declined');
  if (/CLOSE/.test(code)) return t('pay.reason.closed');
  if (trade.state === 'cancelled' && !code && trade.updatedAt >= trade.deadline) return t('pay.reason.timeout');
  if (trade.message) return t('pay.reason.provider', { message: trade.message });
  if (code) return t('pay.reason.provider', { message: code });
  return t('pay.reason.unknown');
}
