/**
 * WeChat Pay Native for shop orders: the cloud creates the Native trade and shows its code_url as a
 * QR code the buyer scans with WeChat on their phone. The order is paid only by a verified
 * notification or by WeChat's answer to our query.
 *
 * A store's entry picks the API. v3 (wechat-v3.ts): requests signed with the merchant's RSA key,
 * answers and notifications verified with the platform key and refused when older than five
 * minutes, the notification's transaction opened with the APIv3 key, then checked against the
 * store's merchant and order. v2 (the till's client, HMAC-SHA256 with the API key; kept for entries
 * written before v3): a v2 notification carries no timestamp or encrypted resource, so a replay is
 * stopped by recording each transaction once, and a forged or altered one by the sign.
 */
import {
  createWechatGateway,
  parseXml,
  peekWechatNoticeMerchant,
  verifyWechatNotice,
  verifyWechatSign,
  wechatNoticeReply,
} from '../../../main/payments/wechat';
import type { NoticeReply } from '../../../main/payments/gateway';
import type { CloudDeps } from '../../deps';
import type { ShopOrder } from '../checkout/orders';
import { refuseNotice, type ShopPayments } from '../checkout/payment';
import type { OrderStock } from '../checkout/stock';
import { isWechatV3, type ShopWechatConfig } from './settings';
import { settleConfirmed, type RefuseNotice } from './settle';
import { keepStart, startOf } from './starts';
import {
  createWechatV3,
  decryptResource,
  platformKeyOf,
  verifyV3Signature,
  type V3Resource,
  type V3Transaction,
  type WechatV3Config,
} from './wechat-v3';

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
  cfg: ShopWechatConfig,
  order: ShopOrder,
  notifyUrl: string,
  subject: string,
): Promise<Started> {
  const kept = await startOf(deps.db, order.id);
  if (kept) return { ok: true, ref: kept.ref, url: null };
  let codeUrl: string;
  if (isWechatV3(cfg)) {
    const answer = await createWechatV3(cfg, deps.clock).native({
      tradeNo: order.shopNumber,
      amount: order.total,
      description: subject,
      notifyUrl,
      expiresAt: order.expiresAt,
    });
    if (!answer.ok) return { ok: false, message: `${answer.code}: ${answer.message}` };
    codeUrl = answer.codeUrl;
  } else {
    const answer = await createWechatGateway(cfg).precreate(
      { tradeNo: order.shopNumber, amount: order.total, currency: order.currency, subject, terminal: 'WEB' },
      notifyUrl,
    );
    if (!('qr' in answer)) return { ok: false, message: `${answer.code}: ${answer.message}` };
    codeUrl = answer.qr;
  }
  const now = deps.clock();
  const start = await keepStart(deps.db, {
    orderId: order.id,
    provider: 'wechat',
    ref: codeUrl,
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
    return rawBody.trimStart().startsWith('{') ? v3Reply(false) : wechatNoticeReply(false);
  }
  if (isWechatV3(cfg)) return receiveV3(deps, stock, cfg, at.storeId, headers, rawBody, refuse);
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
  // A failed payment changes nothing here (an order that is never paid expires).
  if (notice.answer.state !== 'paid') return wechatNoticeReply(true);
  const paid = await settleConfirmed(
    deps,
    stock,
    at.storeId,
    notice.tradeNo,
    {
      provider: 'wechat',
      eventId: notice.eventId,
      providerRef: notice.answer.providerRef,
      amount: notice.answer.amount,
      // The client accepts a paid answer in CNY only.
      currency: 'CNY',
      account: notice.answer.buyer,
    },
    refuse,
  );
  return wechatNoticeReply(paid);
}

/** WeChat Pay v3 wants 200 (or 204) with no body for a notification taken, and 4xx with a JSON code otherwise (it sends again). */
function v3Reply(ok: boolean): NoticeReply {
  if (ok) return { status: 200, headers: {}, body: '' };
  return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'FAIL', message: '拒绝' }) };
}

/**
 * A v3 notification, checked in this order: the platform's signature over the exact body and its
 * time (five minutes), the resource opened with the APIv3 key (an altered one does not open), the
 * merchant and appid inside it, then the order (this store's trade, its amount and currency).
 */
async function receiveV3(
  deps: CloudDeps,
  stock: OrderStock,
  cfg: WechatV3Config,
  storeId: string,
  headers: Record<string, string>,
  rawBody: string,
  refuse: RefuseNotice,
): Promise<NoticeReply> {
  const signed = verifyV3Signature(platformKeyOf(cfg), headers, rawBody, deps.clock());
  if (!signed.ok) {
    await refuse(signed.reason, `the notification: ${signed.message}`);
    return v3Reply(false);
  }
  let event: { id?: unknown; event_type?: unknown; resource?: V3Resource };
  try {
    event = JSON.parse(rawBody) as typeof event;
  } catch {
    await refuse('bad_notice', 'the notification is not JSON');
    return v3Reply(false);
  }
  const eventId = typeof event.id === 'string' ? event.id : '';
  // Refund and other events are WeChat's news for the merchant; a refund is settled by our own query.
  if (event.event_type !== 'TRANSACTION.SUCCESS') return v3Reply(true);
  const plain = event.resource && typeof event.resource === 'object' ? decryptResource(cfg.apiV3Key, event.resource) : null;
  if (plain === null) {
    await refuse('bad_notice', 'the notification’s resource does not open with the store’s APIv3 key (altered, or not ours)', { eventId });
    return v3Reply(false);
  }
  let t: V3Transaction;
  try {
    t = JSON.parse(plain) as V3Transaction;
  } catch {
    await refuse('bad_notice', 'the notification’s transaction is not JSON', { eventId });
    return v3Reply(false);
  }
  const tradeNo = typeof t.out_trade_no === 'string' ? t.out_trade_no.slice(0, 64) : '';
  if (t.mchid !== cfg.mchId || t.appid !== cfg.appId) {
    await refuse('wrong_merchant', `the notification names merchant ${String(t.mchid).slice(0, 32)}, not this store’s`, {
      eventId,
      tradeNo,
    });
    return v3Reply(false);
  }
  // A failed payment changes nothing here (an order that is never paid expires).
  if (t.trade_state !== 'SUCCESS') return v3Reply(true);
  const total = t.amount?.total;
  if (!tradeNo || typeof t.transaction_id !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(t.transaction_id) || !Number.isInteger(total)) {
    await refuse('bad_notice', 'the notification names no trade, transaction or amount', { eventId, tradeNo });
    return v3Reply(false);
  }
  const paid = await settleConfirmed(
    deps,
    stock,
    storeId,
    tradeNo,
    {
      provider: 'wechat',
      // The transaction, not the notification: WeChat sends one payment under several notification ids.
      eventId: t.transaction_id,
      providerRef: t.transaction_id,
      amount: total!,
      currency: t.amount?.currency ?? '',
      account: t.payer?.openid?.slice(0, 128) ?? null,
    },
    refuse,
  );
  return v3Reply(paid);
}

/** Asks WeChat about a pending order (the notification may be lost or late): paid when WeChat says so, for the order's amount. */
export async function confirmWechat(deps: CloudDeps, stock: OrderStock, cfg: ShopWechatConfig, order: ShopOrder): Promise<boolean> {
  if (isWechatV3(cfg)) {
    const a = await createWechatV3(cfg, deps.clock).query(order.shopNumber);
    if (a.state !== 'paid') return false;
    return settleConfirmed(deps, stock, order.storeId, order.shopNumber, {
      provider: 'wechat',
      eventId: `query:${a.transactionId}`,
      providerRef: a.transactionId,
      amount: a.amount,
      currency: a.currency,
      account: a.openid,
    });
  }
  const answer = await createWechatGateway(cfg).query(order.shopNumber);
  if (answer.state !== 'paid') return false;
  return settleConfirmed(deps, stock, order.storeId, order.shopNumber, {
    provider: 'wechat',
    eventId: `query:${answer.providerRef}`,
    providerRef: answer.providerRef,
    amount: answer.amount,
    currency: 'CNY',
    account: answer.buyer,
  });
}
