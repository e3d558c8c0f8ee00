import { createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { maskAccount, type NoticeReply, type TradeAnswer, type VerifiedNotice } from '../gateway';
import { yuanToFen } from './amount';
import { loadPublicKey } from './keys';

/**
 * What the cloud needs to verify an Alipay notification for one store: the app id it must name and
 * Alipay's public key (or, in the certificate mode, Alipay's public certificate, whose key is used).
 * No private key: the cloud never holds one.
 */
export interface AlipayNoticeMaterial {
  appId: string;
  alipayPublicKey?: string | KeyObject;
  alipayPublicCert?: string;
}

function publicKeyOf(material: AlipayNoticeMaterial): KeyObject | string | null {
  try {
    if (material.alipayPublicKey) {
      return typeof material.alipayPublicKey === 'string' ? loadPublicKey(material.alipayPublicKey).pem : material.alipayPublicKey;
    }
    if (material.alipayPublicCert) {
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(material.alipayPublicCert)?.[0];
      if (pem) return new X509Certificate(pem).publicKey;
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * The string Alipay signs in an asynchronous notification: every parameter except `sign` and
 * `sign_type`, empty ones left out, sorted by name, `name=value` with the values as sent (already
 * form-decoded once, never decoded again), joined by '&'.
 */
export function noticeSignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** A trade as Alipay reports it in a query or a notification, in our words. */
export function answerOfTradeStatus(fields: Record<string, unknown>): TradeAnswer {
  const status = fields.trade_status;
  const ref = typeof fields.trade_no === 'string' && fields.trade_no ? fields.trade_no : null;
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
    const amount = yuanToFen(fields.total_amount);
    if (amount === null || !ref)
      return { state: 'unknown', code: 'BAD_ANSWER', message: 'a paid trade without a readable amount or trade number' };
    const buyer = typeof fields.buyer_logon_id === 'string' ? maskAccount(fields.buyer_logon_id) : null;
    return { state: 'paid', providerRef: ref, amount, buyer, brand: null };
  }
  if (status === 'WAIT_BUYER_PAY') return { state: 'waiting', providerRef: ref };
  if (status === 'TRADE_CLOSED') return { state: 'closed', code: 'TRADE_CLOSED', message: 'closed, cancelled or fully refunded' };
  return { state: 'unknown', code: 'BAD_ANSWER', message: `unexpected trade_status ${String(status).slice(0, 40)}` };
}

function verifies(content: string, sign: string, key: KeyObject | string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(key, sign, 'base64');
  } catch {
    return false;
  }
}

function header(headers: Record<string, string>, name: string): string {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return '';
}

/**
 * Verifies an Alipay asynchronous notification (a form-encoded POST): RSA2 over the sorted
 * parameters with Alipay's public key, addressed to our app id, about a trade with a number and an
 * amount. Null when anything does not hold: a forged, altered or misaddressed notice changes nothing.
 */
export function verifyAlipayNotice(
  material: AlipayNoticeMaterial,
  headers: Record<string, string>,
  rawBody: string,
): VerifiedNotice | null {
  const type = header(headers, 'content-type');
  if (type && !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return null;
  if (rawBody.length > 64 * 1024) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawBody)) {
    // A repeated parameter is not something Alipay sends; refusing it avoids signing one value and reading another.
    if (k in params) return null;
    params[k] = v;
  }
  const sign = params.sign;
  if (!sign || (params.sign_type && params.sign_type !== 'RSA2')) return null;
  const key = publicKeyOf(material);
  if (!key) return null;
  if (!verifies(noticeSignContent(params), sign, key)) return null;
  if (!material.appId || params.app_id !== material.appId) return null;
  const tradeNo = params.out_trade_no;
  const eventId = params.notify_id;
  if (!tradeNo || !eventId) return null;
  const answer = answerOfTradeStatus(params);
  if (answer.state === 'unknown') return null;
  return { provider: 'alipay', merchant: params.app_id, tradeNo, eventId, answer };
}

/** Alipay stops re-sending a notification only on the literal body "success". */
export function alipayNoticeReply(ok: boolean): NoticeReply {
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: ok ? 'success' : 'fail' };
}
