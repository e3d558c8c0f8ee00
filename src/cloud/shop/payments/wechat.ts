/**
 * WeChat Pay Native for shop orders, through the till's WeChat Pay client (the same signing,
 * answer verification and notice verification): the cloud creates the Native trade (unifiedorder,
 * trade_type NATIVE) and shows its code_url as a QR code the buyer scans with WeChat on their phone.
 * The order is paid only by a verified notification or by WeChat's answer to our query.
 *
 * The client speaks WeChat Pay API v2 (HMAC-SHA256 over the sorted fields with the merchant's API
 * key; src/main/payments/wechat/gateway.ts says why): a v2 notification carries no timestamp or
 * encrypted resource, so a replay is stopped by recording each transaction once, and a forged or
 * altered one by the sign.
 */
import {
  createWechatGateway,
  parseXml,
  peekWechatNoticeMerchant,
  verifyWechatNotice,
  verifyWechatSign,
  wechatNoticeReply,
  type WechatConfig,
} from '../../../main/payments/wechat';
import type { NoticeReply } from '../../../main/payments/gateway';
import type { CloudDeps } from '../../deps';
import { markPaid, type ShopOrder } from '../checkout/orders';
import { refuseNotice, type ShopPayments } from '../checkout/payment';
import type { OrderStock } from '../checkout/stock';
import { keepStart, startOf } from './starts';

function signedByStore(rawBody: string, apiKey: string): boolean {
  try {
    return verifyWechatSign(parseXml(rawBody), apiKey);
  } catch {
    return false;
  }
}

export type Started = { ok: true; ref: string; url: string | null } | { ok: false; message: string };

/** The order's Native trade at WeChat: the code_url kept from the first call, or a new one. */
export async function startWechat(
  deps: CloudDeps,
  cfg: WechatConfig,
  order: ShopOrder,
  notifyUrl: string,
  subject: string,
): Promise<Started> {
  const kept = await startOf(deps.db, order.id);
  if (kept) return { ok: true, ref: kept.ref, url: null };
  const answer = await createWechatGateway(cfg).precreate(
    { tradeNo: order.shopNumber, amount: order.total, currency: order.currency, subject, terminal: 'WEB' },
    notifyUrl,
  );
  if (!('qr' in answer)) return { ok: false, message: `${answer.code}: ${answer.message}` };
  const now = deps.clock();
  const start = await keepStart(deps.db, {
    orderId: order.id,
    provider: 'wechat',
    ref: answer.qr,
    url: null,
    createdAt: now,
    checkedAt: now,
  });
  return { ok: true, ref: start.ref, url: null };
}

/**
 * One WeChat Pay notification for a shop order: the sign with the store's API key, the merchant
 * (appid, mch_id, sub_mch_id), then the order (this store's trade number, its provider, amount and
 * currency). "SUCCESS" stops WeChat's re-sending, so a refused one answers "FAIL".
 */
export async function receiveWechatNotice(
  deps: CloudDeps,
  stock: OrderStock,
  payments: ShopPayments,
  at: { orgId: string; storeId: string },
  headers: Record<string, string>,
  rawBody: string,
): Promise<NoticeReply> {
  const refuse = (reason: string, message: string, n: { eventId?: string; tradeNo?: string } = {}) =>
    refuseNotice(deps, at, 'wechat', reason, message, rawBody, n);
  const cfg = payments(at.storeId)?.wechat;
  if (!cfg) {
    await refuse('no_key', 'this store takes no WeChat Pay payments online');
    return wechatNoticeReply(false);
  }
  const notice = verifyWechatNotice({ appId: cfg.appId, mchId: cfg.mchId, subMchId: cfg.subMchId, apiKey: cfg.apiKey }, headers, rawBody);
  if (!notice) {
    // Told apart only for the person reading the record: either way nothing changes.
    const named = peekWechatNoticeMerchant(rawBody);
    const other = named && (named.appId !== cfg.appId || named.mchId !== cfg.mchId || (named.subMchId ?? '') !== (cfg.subMchId ?? ''));
    if (other) await refuse('wrong_merchant', `the notification names merchant ${named.mchId.slice(0, 32)}, not this store’s`);
    else if (signedByStore(rawBody, cfg.apiKey))
      await refuse('bad_notice', 'the notification is signed but is not a payment in CNY of a trade of ours');
    else await refuse('bad_signature', 'the notification does not verify with the store’s WeChat Pay API key');
    return wechatNoticeReply(false);
  }
  const ids = { eventId: notice.eventId, tradeNo: notice.tradeNo };
  // A failed payment changes nothing here (an order that is never paid expires).
  if (notice.answer.state !== 'paid') return wechatNoticeReply(true);
  const paid = await markPaid(deps, stock, at.storeId, notice.tradeNo, {
    provider: 'wechat',
    eventId: notice.eventId,
    providerRef: notice.answer.providerRef,
    amount: notice.answer.amount,
    // The client accepts a paid answer in CNY only.
    currency: 'CNY',
    account: notice.answer.buyer,
  });
  if (!paid.ok) {
    await refuse(paid.reason === 'not_found' ? 'unknown_trade' : paid.reason, paid.message, ids);
    return wechatNoticeReply(false);
  }
  return wechatNoticeReply(true);
}

/** Asks WeChat about a pending order (the notification may be lost or late): paid when WeChat says so, for the order's amount. */
export async function confirmWechat(deps: CloudDeps, stock: OrderStock, cfg: WechatConfig, order: ShopOrder): Promise<boolean> {
  const answer = await createWechatGateway(cfg).query(order.shopNumber);
  if (answer.state !== 'paid') return false;
  const paid = await markPaid(deps, stock, order.storeId, order.shopNumber, {
    provider: 'wechat',
    eventId: `query:${answer.providerRef}`,
    providerRef: answer.providerRef,
    amount: answer.amount,
    currency: 'CNY',
    account: answer.buyer,
  });
  return paid.ok;
}
