/**
 * Giving a shop order's money back through the provider the buyer paid with: one function per
 * provider behind a small switch, each answering in the same three words. The caller has recorded
 * the refund (with its fixed request number) before calling, and records the answer after.
 */
import { createAlipayGateway, type AlipayConfig } from '../../../main/payments/alipay';
import type { PaymentGateway, RefundAnswer, RefundRequest } from '../../../main/payments/gateway';
import { failure, refundAnswer, stripeClient } from '../../../main/payments/stripe';
import { createWechatGateway } from '../../../main/payments/wechat';
import { isWechatV3, type ShopStripeConfig, type ShopWechatConfig } from '../payments/settings';
import { createWechatV3 } from '../payments/wechat-v3';
import type { ShopPaymentConfig } from '../checkout/payment';

export interface ShopRefundRequest {
  /** The order's provider, as shop_orders.provider names it. */
  provider: string;
  /** Our merchant trade number (the order's shop number). */
  tradeNo: string;
  /** Our refund request number: the same on every retry, so the provider pays it once. */
  requestNo: string;
  /** Minor units to give back now. */
  amount: number;
  /** What the buyer paid for the order. */
  total: number;
  currency: string;
  /** Shown to the buyer by the provider. */
  reason: string;
  /** The provider's own reference of the payment (shop_orders.provider_ref): Stripe refunds name its PaymentIntent. */
  providerRef?: string | null;
}

/**
 * refunded: the provider says the money went back. pending: no clear answer yet (accepted and
 * processing, a lost answer, a timeout): ask again later with the same request number. failed: the
 * provider refused it and no money moved; `message` says why.
 */
export type ShopRefundResult =
  | { state: 'refunded'; providerRef: string | null; amount: number }
  | { state: 'pending'; message: string }
  | { state: 'failed'; message: string };

/**
 * `send`: ask for the refund (first time, or again after a refusal). `check`: ask the provider what
 * became of it first, and send it again (same number) only when the provider has no such refund.
 */
export type RefundStep = 'send' | 'check';

export async function refundShopPayment(
  cfg: ShopPaymentConfig | null,
  req: ShopRefundRequest,
  step: RefundStep = 'send',
  clock: () => number = Date.now,
): Promise<ShopRefundResult> {
  switch (req.provider) {
    case 'alipay':
      return refundByAlipay(cfg?.alipay, req, step);
    case 'wechat':
      return refundByWechat(cfg?.wechat, req, step, clock);
    case 'stripe':
      return refundByStripe(cfg?.stripe, req, step);
    default:
      return { state: 'failed', message: `The shop cannot refund ${req.provider.slice(0, 40)} payments` };
  }
}

const why = (a: { code: string; message: string }) => (a.message ? `${a.code}: ${a.message}` : a.code).slice(0, 300);

/** alipay.trade.refund with out_request_no; alipay.trade.fastpay.refund.query whenever the answer is unclear. */
async function refundByAlipay(cfg: AlipayConfig | undefined, req: ShopRefundRequest, step: RefundStep): Promise<ShopRefundResult> {
  if (!cfg) return { state: 'failed', message: 'This store has no Alipay account set up for its shop' };
  let gateway;
  try {
    gateway = createAlipayGateway(cfg);
  } catch (err) {
    return { state: 'failed', message: `The store's Alipay settings are not usable: ${err instanceof Error ? err.message : String(err)}` };
  }
  return refundThrough(gateway, 'Alipay', 'REFUND_NOT_FOUND', req, step);
}

/**
 * WeChat Pay's refund with out_refund_no = our request number, so a retry is the same refund, and
 * its query whenever the answer is unclear: v3 /v3/refund/domestic/refunds (signed with the
 * merchant's key, the answer verified with the platform's), or v2 /secapi/pay/refund (the till's client).
 */
async function refundByWechat(
  cfg: ShopWechatConfig | undefined,
  req: ShopRefundRequest,
  step: RefundStep,
  clock: () => number,
): Promise<ShopRefundResult> {
  if (!cfg) return { state: 'failed', message: 'This store has no WeChat Pay account set up for its shop' };
  if (isWechatV3(cfg)) return refundThrough(createWechatV3(cfg, clock), 'WeChat Pay', 'RESOURCE_NOT_EXISTS', req, step);
  return refundThrough(createWechatGateway(cfg), 'WeChat Pay', 'REFUNDNOTEXIST', req, step);
}

/**
 * A refund through a provider's gateway: with `check`, its refund query first; then the refund
 * (the same request number every time); an unclear answer is queried before anything is decided.
 * `notFound` is the query's code for "no refund of this number" (it never arrived: safe to send).
 */
async function refundThrough(
  gateway: Pick<PaymentGateway, 'refund' | 'queryRefund'>,
  name: string,
  notFound: string,
  req: ShopRefundRequest,
  step: RefundStep,
): Promise<ShopRefundResult> {
  const r: RefundRequest = {
    tradeNo: req.tradeNo,
    refundNo: req.requestNo,
    amount: req.amount,
    total: req.total,
    currency: req.currency,
    reason: req.reason,
  };
  const fromQuery = (q: RefundAnswer, unclear: string): ShopRefundResult | null => {
    if (q.state === 'refunded') return { state: 'refunded', providerRef: q.providerRef, amount: q.amount };
    if (q.state === 'failed' && q.code === notFound) return null;
    if (q.state === 'failed') return { state: 'failed', message: why(q) };
    return { state: 'pending', message: q.state === 'unknown' ? why(q) : unclear };
  };
  if (step === 'check') {
    const known = fromQuery(await gateway.queryRefund(r), `${name} is still processing the refund`);
    if (known) return known;
  }
  const a = await gateway.refund(r);
  switch (a.state) {
    case 'refunded':
      return { state: 'refunded', providerRef: a.providerRef, amount: a.amount };
    case 'pending':
      return { state: 'pending', message: `${name} is processing the refund` };
    case 'failed':
      return { state: 'failed', message: why(a) };
    case 'unknown': {
      // The money may have moved: ask before anything else is decided.
      const q = fromQuery(await gateway.queryRefund(r), why(a));
      return q ?? { state: 'pending', message: why(a) };
    }
  }
}

/**
 * Stripe's refunds.create on the order's PaymentIntent, with an Idempotency-Key from our request
 * number (a retry within Stripe's 24 hours returns the first refund) and the number in its metadata
 * (a later check finds it in the intent's refunds, so it is never sent twice).
 */
async function refundByStripe(cfg: ShopStripeConfig | undefined, req: ShopRefundRequest, step: RefundStep): Promise<ShopRefundResult> {
  if (!cfg) return { state: 'failed', message: 'This store has no Stripe account set up for its shop' };
  const intent = req.providerRef ?? '';
  if (!/^pi_[A-Za-z0-9_]{1,200}$/.test(intent)) return { state: 'failed', message: 'The order has no Stripe payment to refund' };
  const stripe = stripeClient(cfg);
  const answered = (a: RefundAnswer): ShopRefundResult => {
    if (a.state === 'refunded') return { state: 'refunded', providerRef: a.providerRef, amount: a.amount };
    if (a.state === 'failed') return { state: 'failed', message: why(a) };
    return { state: 'pending', message: a.state === 'unknown' ? why(a) : 'Stripe is processing the refund' };
  };
  if (step === 'check') {
    try {
      const list = await stripe.refunds.list({ payment_intent: intent, limit: 100 });
      const mine = list.data.find((x) => x.metadata?.refund_no === req.requestNo);
      if (mine) return answered(refundAnswer(mine));
    } catch (err) {
      return { state: 'pending', message: why(failure(err)) };
    }
  }
  try {
    const r = await stripe.refunds.create(
      {
        payment_intent: intent,
        amount: req.amount,
        reason: 'requested_by_customer',
        metadata: { trade_no: req.tradeNo, refund_no: req.requestNo },
      },
      { idempotencyKey: `countertop-shop-re-${req.requestNo}` },
    );
    return answered(refundAnswer(r));
  } catch (err) {
    const f = failure(err);
    // A 4xx is Stripe saying no before anything moved; anything else may have moved money.
    return f.refused ? { state: 'failed', message: why(f) } : { state: 'pending', message: why(f) };
  }
}
