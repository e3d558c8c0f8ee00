import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { TradeState } from './trade-states';
import type { CardIntent } from './types';

/**
 * Electronic payments through a provider (Alipay, WeChat Pay, Stripe Terminal): every attempt is a
 * trade, recorded before any network call and driven to a final state.
 */
export type PaymentProviderId = 'alipay' | 'wechat' | 'stripe';
export type TradeMethod = 'code' | 'qr' | 'terminal';
export type PaymentMode = 'production' | 'sandbox' | 'training';
export { OPEN_TRADE_STATES, type TradeState } from './trade-states';

export interface Trade {
  id: string;
  /** Our merchant trade number (out_trade_no). */
  tradeNo: string;
  cartId: string;
  orderId: string | null;
  orderNumber: string | null;
  provider: PaymentProviderId;
  method: TradeMethod;
  mode: PaymentMode;
  amount: number;
  currency: string;
  state: TradeState;
  /** The QR the customer scans (method `qr`), while the trade is open. */
  qr: string | null;
  /** The provider's own trade number (what the customer's app shows). */
  providerRef: string | null;
  /** The buyer's account, masked (138****1234), or the card's last digits. */
  buyer: string | null;
  brand: string | null;
  /** Why it failed or what is unresolved, in the provider's words. */
  errorCode: string | null;
  message: string | null;
  /** When the cashier timeout cancels an unconfirmed trade (epoch ms). */
  deadline: number;
  /** Minor units refunded through the provider so far. */
  refunded: number;
  createdAt: number;
  updatedAt: number;
}

export interface TradeRefund {
  id: string;
  refundNo: string;
  tradeId: string;
  refundId: string | null;
  amount: number;
  state: 'requested' | 'sent' | 'refunded' | 'failed' | 'unknown';
  message: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A trade whose state at the provider and in our records disagree, or that needs a person. */
export interface TradeProblem {
  trade: Trade;
  kind: 'paid_without_sale' | 'sale_without_paid_trade' | 'unresolved' | 'refund_unresolved' | 'amount_mismatch' | 'notice_refused';
  detail: string;
}

export interface ProviderStatus {
  provider: PaymentProviderId;
  mode: PaymentMode;
  methods: TradeMethod[];
  /** False when the till cannot reach the provider right now (offline): the dialog offers other tenders. */
  reachable: boolean;
}

/** Settings of one provider as the renderer sees them: never a secret, only whether one is stored. */
export interface ProviderConfigView {
  provider: PaymentProviderId;
  enabled: boolean;
  mode: PaymentMode;
  /** Alipay app id, WeChat mch id + app id, Stripe reader id and location. */
  fields: Record<string, string>;
  /** Names of the secrets stored (private key, API key, certificates…), never their values. */
  secretsSet: string[];
  /**
   * On a till connected to a cloud: whether the cloud holds what verifies this provider's
   * notifications (`pending`: saved here only; save again while signed in to the cloud). Absent
   * when not connected or the provider is off.
   */
  noticeKey?: 'sent' | 'pending';
}

export interface PaymentsConfigView {
  providers: ProviderConfigView[];
  /** Seconds an unconfirmed trade may wait before it is cancelled (the cashier timeout). */
  cashierTimeoutSec: number;
}

const provider = z.enum(['alipay', 'wechat', 'stripe']);
const mode = z.enum(['production', 'sandbox', 'training']);
/** A key or certificate in PEM or base64, or an API key: printable key characters and line breaks only. */
const secretValue = z.string().regex(/^[A-Za-z0-9+/=_\-.: \r\n]{0,16384}$/, 'a key, certificate or API key');

export const paymentsContract = {
  'payments.providers': channel<ProviderStatus[]>()({ input: c.empty, role: 'clerk', writes: false }),
  /** The customer shows a payment code; the provider is chosen by the code's prefix. */
  'payments.payByCode': channel<Trade>()({
    input: z.object({ cartId: c.id, amount: c.minor.min(1), code: z.string().regex(/^\d{16,24}$/, 'a payment code') }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  /** The till shows a QR the customer scans. */
  'payments.showQr': channel<Trade>()({
    input: z.object({ cartId: c.id, amount: c.minor.min(1), provider: z.enum(['alipay', 'wechat']) }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  /** The card terminal takes the amount. */
  'payments.startTerminal': channel<Trade>()({
    input: z.object({ cartId: c.id, amount: c.minor.min(1) }).strict(),
    role: 'clerk',
    writes: 'own',
  }),
  'payments.trade': channel<Trade>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'payments.cancelTrade': channel<Trade>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: 'own' }),
  /** Asks the provider now and applies its answer. */
  'payments.queryTrade': channel<Trade>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: 'own' }),
  'payments.findTrades': channel<Trade[]>()({
    input: z
      .object({
        orderNumber: safeLine(40).optional(),
        tradeNo: safeLine(64).optional(),
        open: z.boolean().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
  'payments.refunds': channel<TradeRefund[]>()({ input: z.object({ tradeId: c.id }).strict(), role: 'manager', writes: false }),
  'payments.reconciliation': channel<TradeProblem[]>()({ input: c.empty, role: 'manager', writes: false }),
  'payments.config': channel<PaymentsConfigView>()({ input: c.empty, role: 'admin', writes: false }),
  'payments.saveConfig': channel<PaymentsConfigView>()({
    input: z
      .object({
        provider,
        enabled: z.boolean(),
        mode,
        fields: z.record(z.string().regex(/^[a-zA-Z]{1,40}$/), safeLine(200)),
        /** Secrets to store (absent: keep the stored one; empty string: remove it). */
        secrets: z.record(z.string().regex(/^[a-zA-Z]{1,40}$/), secretValue).optional(),
        cashierTimeoutSec: z.number().int().min(15).max(600).optional(),
      })
      .strict(),
    role: 'admin',
    writes: 'own',
  }),
  'payments.testConnection': channel<{ ok: true } | { ok: false; code: string; message: string }>()({
    input: z.object({ provider }).strict(),
    role: 'admin',
    writes: 'own',
  }),
};

/** The integrated card terminal's payment intents. */
export const cardIntentsContract = {
  'payments.startCard': channel<CardIntent>()({
    input: z.object({ cartId: c.id, amount: c.minor.min(1) }).strict(),
    role: 'clerk',
    writes: true,
  }),
  'payments.intent': channel<CardIntent>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'payments.cancelCard': channel<CardIntent>()({
    input: z.object({ id: c.id }).strict(),
    role: 'clerk',
    writes: true,
  }),
};
