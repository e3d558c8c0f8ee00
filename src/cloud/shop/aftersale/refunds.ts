/**
 * Giving a shop order's money back through the provider the buyer paid with: one function per
 * provider behind a small switch, each answering in the same three words. The caller has recorded
 * the refund (with its fixed request number) before calling, and records the answer after.
 */
import { createAlipayGateway, type AlipayConfig } from '../../../main/payments/alipay';
import type { RefundAnswer, RefundRequest } from '../../../main/payments/gateway';
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
): Promise<ShopRefundResult> {
  switch (req.provider) {
    case 'alipay':
      return refundByAlipay(cfg?.alipay, req, step);
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
    // Alipay has no refund of this number: it never arrived, and sending it again is safe.
    if (q.state === 'failed' && q.code === 'REFUND_NOT_FOUND') return null;
    if (q.state === 'failed') return { state: 'failed', message: why(q) };
    return { state: 'pending', message: q.state === 'unknown' ? why(q) : unclear };
  };
  if (step === 'check') {
    const known = fromQuery(await gateway.queryRefund(r), 'Alipay is still processing the refund');
    if (known) return known;
  }
  const a = await gateway.refund(r);
  switch (a.state) {
    case 'refunded':
      return { state: 'refunded', providerRef: a.providerRef, amount: a.amount };
    case 'pending':
      return { state: 'pending', message: 'Alipay is processing the refund' };
    case 'failed':
      return { state: 'failed', message: why(a) };
    case 'unknown': {
      // The money may have moved: ask before anything else is decided.
      const q = fromQuery(await gateway.queryRefund(r), why(a));
      return q ?? { state: 'pending', message: why(a) };
    }
  }
}
