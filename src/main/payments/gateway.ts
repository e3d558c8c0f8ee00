/**
 * One interface for every electronic payment provider (Alipay, WeChat Pay, Stripe Terminal, and the
 * training fakes that speak the same protocols). A gateway only talks to its provider: it signs the
 * request, verifies the answer's signature, and maps the provider's words to ours. It never writes
 * to the database; the trade state machine (trades.ts) records every step around each call.
 *
 * Every call resolves (never rejects) with what we learned. A transport error, a timeout, a
 * signature that does not verify or an answer we cannot read is `unknown`: the money may or may
 * not have moved, so the caller queries before doing anything else.
 */

export type ProviderId = 'alipay' | 'wechat' | 'stripe';

/** Where a gateway sends its requests: the provider's production or sandbox host, or a training fake on loopback. */
export type GatewayMode = 'production' | 'sandbox' | 'training';

/** How the customer pays: shows a payment code (付款码), scans the shop's QR, or uses a card reader. */
export type TradeMethod = 'code' | 'qr' | 'terminal';

export interface PayRequest {
  /** Our merchant trade number (out_trade_no): unique, written to SQLite before this call. */
  tradeNo: string;
  /** Minor units of `currency`. */
  amount: number;
  /** ISO 4217, upper case (CNY, USD…). */
  currency: string;
  /** What the customer sees on their statement: the store's name and the order. */
  subject: string;
  /** The customer's payment code as scanned (only for method `code`). Never stored in full. */
  authCode?: string;
  /** The terminal's code (T1…), sent as the provider's terminal / device id. */
  terminal: string;
}

/** What a provider said about a trade. */
export type TradeAnswer =
  /** Paid: money has moved. `buyer` is already masked (e.g. 138****1234, ****4242). */
  | { state: 'paid'; providerRef: string; amount: number; buyer: string | null; brand: string | null }
  /** Still waiting for the customer (Alipay 10003, WeChat USERPAYING, a card not yet presented). */
  | { state: 'waiting'; providerRef?: string | null }
  /** Definitely not paid and will not be (declined, code expired, insufficient balance): no money moved. */
  | { state: 'failed'; code: string; message: string }
  /** Closed, cancelled or reversed: no money kept. */
  | { state: 'closed'; code?: string; message?: string }
  /** The provider has no such trade (the request never arrived). */
  | { state: 'not_found' }
  /** We do not know (system error, lost answer, bad signature): query before anything else. */
  | { state: 'unknown'; code: string; message: string };

export interface QrAnswer {
  /** The content of the QR code the till shows (Alipay qr_code, WeChat code_url). */
  qr: string;
}

export interface RefundRequest {
  tradeNo: string;
  /** Our refund request number (out_request_no / out_refund_no): the same on every retry. */
  refundNo: string;
  /** Minor units to refund now. */
  amount: number;
  /** The trade's whole amount (WeChat asks for it). */
  total: number;
  currency: string;
  reason: string;
}

export type RefundAnswer =
  | { state: 'refunded'; providerRef: string | null; amount: number }
  | { state: 'pending' }
  | { state: 'failed'; code: string; message: string }
  | { state: 'unknown'; code: string; message: string };

/** An asynchronous notification from the provider, after its signature was verified. */
export interface VerifiedNotice {
  provider: ProviderId;
  /** The merchant it was addressed to (app id / mch id / account): checked against ours. */
  merchant: string;
  tradeNo: string;
  /** Provider's own id of the event or trade, to record it once. */
  eventId: string;
  answer: TradeAnswer;
}

export interface NoticeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PaymentGateway {
  readonly provider: ProviderId;
  readonly mode: GatewayMode;
  /** Provider-published interval between queries while the customer confirms. */
  readonly pollIntervalMs: number;
  /** The merchant id notifications must name (app id, mch id, Stripe account). */
  readonly merchant: string;
  /** Customer-presented code (Alipay bar_code, WeChat micropay / codepay). */
  pay(req: PayRequest): Promise<TradeAnswer>;
  /** Merchant-presented QR (Alipay precreate, WeChat Native). */
  precreate(req: PayRequest, notifyUrl: string | null): Promise<QrAnswer | Extract<TradeAnswer, { state: 'failed' | 'unknown' }>>;
  /** Card terminal: asks the reader to take the amount (Stripe: card_present PaymentIntent processed on the reader). */
  startTerminal?(req: PayRequest): Promise<TradeAnswer>;
  query(tradeNo: string): Promise<TradeAnswer>;
  /**
   * Abandons a trade that is not paid, or gives back one that is (Alipay cancel, WeChat reverse,
   * Stripe cancel): `closed` when no money is kept.
   */
  cancel(tradeNo: string): Promise<TradeAnswer>;
  refund(req: RefundRequest): Promise<RefundAnswer>;
  queryRefund(req: RefundRequest): Promise<RefundAnswer>;
  /**
   * Checks a notification's signature (and decrypts it where the provider encrypts): null when it
   * does not verify. `reply` is what the provider expects back.
   */
  verifyNotice(headers: Record<string, string>, rawBody: string): VerifiedNotice | null;
  noticeReply(ok: boolean): NoticeReply;
  /** One signed call that proves the credentials (a query of a trade that does not exist). */
  testConnection(): Promise<{ ok: true } | { ok: false; code: string; message: string }>;
}

/**
 * A scanned payment code, routed by its prefix: Alipay codes are 16–24 digits beginning 25–30;
 * WeChat Pay codes are 18 digits beginning 10–15. Anything else is not a payment code.
 */
export function providerOfCode(code: string): Extract<ProviderId, 'alipay' | 'wechat'> | null {
  const c = code.trim();
  if (/^1[0-5]\d{16}$/.test(c)) return 'wechat';
  if (/^(2[5-9]|30)\d{14,22}$/.test(c)) return 'alipay';
  return null;
}

/** Keeps what a receipt may show of an account: the first 3 and last 4 characters, the rest starred. */
export function maskAccount(value: string | null | undefined): string | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  if (v.includes('*')) return v.slice(0, 40);
  if (v.length <= 4) return `****${v}`.slice(-8);
  const at = v.indexOf('@');
  if (at > 0) return `${v.slice(0, Math.min(3, at))}***${v.slice(at)}`.slice(0, 40);
  return `${v.slice(0, Math.min(3, v.length - 4))}****${v.slice(-4)}`;
}

/** The gateway of a provider as configured now, or null (disabled, not set up, no factory). */
export interface Gateways {
  (provider: ProviderId): PaymentGateway | null;
  /** Forgets built gateways after the settings changed. */
  invalidate(): void;
}
