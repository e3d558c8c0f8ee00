/**
 * Online payment for shop orders: Alipay page pay (desktop) or mobile-web pay, through the same
 * Alipay client code as the till (signing, notice verification, trade query). An order is paid only
 * on a verified notification or on the provider's answer to our query, never because the buyer's
 * browser came back. Refused notifications are recorded with why, beside the tills' (the
 * `payment_notice_rejections` a manager already reads), and change nothing.
 */
import {
  alipayNoticeReply,
  alipayPagePayUrl,
  createAlipayGateway,
  verifyAlipayNotice,
  type AlipayConfig,
} from '../../../main/payments/alipay';
import type { NoticeReply } from '../../../main/payments/gateway';
import { paymentNoticeRejections } from '../../db/schema';
import type { CloudDeps } from '../../deps';
import { markPaid, type ShopOrder } from './orders';
import type { OrderStock } from './stock';
import type { ShopStripeConfig, ShopWechatConfig } from '../payments/settings';

/**
 * A store's payment credentials for its shop. They include the app's private key (the shop signs
 * the buyer's redirect), so they come from the server's configuration (a file only its user reads),
 * never from the database.
 */
export interface ShopPaymentConfig {
  alipay?: AlipayConfig;
  /** WeChat Pay Native (the buyer scans a QR code), API v3 or v2; see shop/payments. */
  wechat?: ShopWechatConfig;
  /** Stripe Checkout (Stripe's hosted payment page); see shop/payments. */
  stripe?: ShopStripeConfig;
}
export type ShopPayments = (storeId: string) => ShopPaymentConfig | null;

export function startAlipay(
  cfg: AlipayConfig,
  order: ShopOrder,
  subject: string,
  urls: { notifyUrl: string; returnUrl: string },
  mobile: boolean,
  now: number,
): string {
  return alipayPagePayUrl(cfg, {
    tradeNo: order.shopNumber,
    amount: order.total,
    currency: order.currency,
    subject,
    notifyUrl: urls.notifyUrl,
    returnUrl: urls.returnUrl,
    mobile,
    timeoutMinutes: Math.max(1, Math.floor((order.expiresAt - now) / 60_000)),
  });
}

export const isMobile = (userAgent: string | undefined) => /Mobile|Android|iPhone|iPad|HarmonyOS/i.test(userAgent ?? '');

const refuse = (
  deps: CloudDeps,
  at: { orgId: string; storeId: string },
  reason: string,
  message: string,
  rawBody: string,
  n: { eventId?: string; tradeNo?: string } = {},
) => refuseNotice(deps, at, 'alipay', reason, message, rawBody, n);

/** Records a refused notification for a shop order (beside the tills'), with why; it changes nothing else. */
export async function refuseNotice(
  deps: CloudDeps,
  at: { orgId: string; storeId: string },
  provider: 'alipay' | 'wechat' | 'stripe',
  reason: string,
  message: string,
  rawBody: string,
  n: { eventId?: string; tradeNo?: string } = {},
): Promise<void> {
  await deps.db.insert(paymentNoticeRejections).values({
    id: deps.ids(),
    orgId: at.orgId,
    storeId: at.storeId,
    provider,
    reason,
    message: `Shop: ${message}`,
    eventId: n.eventId?.slice(0, 200) ?? null,
    tradeNo: n.tradeNo?.slice(0, 64) ?? null,
    body: rawBody.slice(0, 4096),
    receivedAt: deps.clock(),
  });
}

/**
 * One Alipay notification for a shop order: signature (the store's Alipay public key), merchant
 * (its app id), then the order (this store's trade number, pending or expired, the same amount).
 * Returns the reply Alipay expects: "success" stops its retries, so a refused one says "fail".
 */
export async function receiveAlipayNotice(
  deps: CloudDeps,
  stock: OrderStock,
  payments: ShopPayments,
  at: { orgId: string; storeId: string },
  headers: Record<string, string>,
  rawBody: string,
): Promise<NoticeReply> {
  const cfg = payments(at.storeId)?.alipay;
  if (!cfg) {
    await refuse(deps, at, 'no_key', 'this store takes no Alipay payments online', rawBody);
    return alipayNoticeReply(false);
  }
  // Verified against the app id the notice names, so that a notice for another merchant is told apart from a forgery.
  const named = new URLSearchParams(rawBody).get('app_id') ?? '';
  const notice = verifyAlipayNotice(
    {
      appId: named,
      ...(cfg.alipayPublicKey ? { alipayPublicKey: cfg.alipayPublicKey } : {}),
      ...(cfg.alipayPublicCert ? { alipayPublicCert: cfg.alipayPublicCert } : {}),
    },
    headers,
    rawBody,
  );
  if (!notice) {
    await refuse(deps, at, 'bad_signature', 'the notification does not verify with the store’s Alipay key', rawBody);
    return alipayNoticeReply(false);
  }
  const ids = { eventId: notice.eventId, tradeNo: notice.tradeNo };
  if (notice.merchant !== cfg.appId) {
    await refuse(deps, at, 'wrong_merchant', `the notification names app ${notice.merchant.slice(0, 64)}, not this store’s`, rawBody, ids);
    return alipayNoticeReply(false);
  }
  // A waiting or closed trade changes nothing here (an order that is never paid expires).
  if (notice.answer.state !== 'paid') return alipayNoticeReply(true);
  const paid = await markPaid(deps, stock, at.storeId, notice.tradeNo, {
    provider: 'alipay',
    eventId: notice.eventId,
    providerRef: notice.answer.providerRef,
    amount: notice.answer.amount,
    account: notice.answer.buyer,
  });
  if (!paid.ok) {
    await refuse(deps, at, paid.reason === 'not_found' ? 'unknown_trade' : paid.reason, paid.message, rawBody, ids);
    return alipayNoticeReply(false);
  }
  return alipayNoticeReply(true);
}

/**
 * Asks Alipay about a pending order (the buyer came back before the notification): paid when
 * Alipay says so for the order's amount. Any other answer leaves the order as it was.
 */
export async function confirmByQuery(deps: CloudDeps, stock: OrderStock, cfg: AlipayConfig, order: ShopOrder): Promise<boolean> {
  let answer;
  try {
    answer = await createAlipayGateway(cfg).query(order.shopNumber);
  } catch {
    return false;
  }
  if (answer.state !== 'paid') return false;
  const paid = await markPaid(deps, stock, order.storeId, order.shopNumber, {
    provider: 'alipay',
    eventId: `query:${answer.providerRef}`,
    providerRef: answer.providerRef,
    amount: answer.amount,
    account: answer.buyer,
  });
  return paid.ok;
}
