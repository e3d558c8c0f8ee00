/**
 * WeChat Pay for the counter: 付款码 (the customer shows a payment code; v2 `micropay`) and Native
 * (the till shows a QR; v2 `unifiedorder` with trade_type NATIVE), with query, reverse, close,
 * refund and refund query, signed and verified by hand with node:crypto.
 *
 * Why API v2 (XML, HMAC-SHA256) and not v3:
 * - WeChat Pay did publish a v3 code payment (`POST /v3/pay/transactions/codepay`, with its own
 *   reverse) in 2024, but no library this project has installed speaks it, and we add no npm package
 *   for payments beyond the providers' own SDKs; v3 would mean building RSA-SHA256 request signing
 *   with the merchant's API certificate key, answer verification against WeChat Pay's platform
 *   certificates or public key (downloaded and rotated), and AES-256-GCM decryption of Native
 *   notifications with a second (APIv3) key: a much larger surface to get right and to fake.
 * - v2 `micropay` is still the documented, in-service 付款码 API for ordinary and service-provider
 *   merchants, with the complete point-of-sale rule set we follow (USERPAYING and SYSTEMERROR are
 *   queried every ~5 s, an unconfirmed trade is reversed after the cashier timeout, `recall=Y` means
 *   reverse again, WeChat itself revokes an unpaid code payment after 45 s); WeChat's own staff
 *   advise tills not to switch everything to v3 at once.
 * - v2 signing is a keyed HMAC over sorted fields: a few lines of node:crypto, checked by a fake that
 *   verifies it independently, with no third-party code between the API key and the money.
 * Reverse and refund (/secapi/…) need the merchant's API client certificate (mutual TLS): give the
 * PEM certificate and key, or the PKCS#12 (apiclient_cert.p12, password = merchant id).
 */
import https from 'node:https';
import tls from 'node:tls';
import type {
  GatewayMode,
  NoticeReply,
  PayRequest,
  PaymentGateway,
  QrAnswer,
  RefundAnswer,
  RefundRequest,
  TradeAnswer,
  VerifiedNotice,
} from '../gateway';
import { postXml } from './http';
import { SIGN_TYPE, nonceStr, verifyWechatSign, wechatSign } from './sign';
import { buildXml, parseXml } from './xml';

export interface WechatConfig {
  mode: GatewayMode;
  /** 公众号 / 小程序 / APP appid bound to the merchant. */
  appId: string;
  /** 商户号 (the service provider's, in service-provider mode). */
  mchId: string;
  /** 子商户号, only when a service provider takes payments for this shop. */
  subMchId?: string;
  /** 子商户 appid (service-provider mode, optional). */
  subAppId?: string;
  /** The v2 API key (32 characters) set in the merchant platform. Secret. */
  apiKey: string;
  /** apiclient_cert.pem: the merchant's API client certificate, for reverse and refund. Secret. */
  apiClientCert?: string;
  /** apiclient_key.pem. Secret. */
  apiClientKey?: string;
  /** apiclient_cert.p12 in base64, instead of the two PEMs (its password is the merchant id). Secret. */
  apiClientP12?: string;
  /** Another host (a training fake on loopback). */
  baseUrl?: string;
  /** Per request. Default 15 s: a code payment can take seconds at WeChat. */
  timeoutMs?: number;
  /** Between queries while the customer confirms. Default 5 s, WeChat's published guidance. */
  pollIntervalMs?: number;
  /** Before a reverse answered `recall=Y` is sent again. Default 1 s. */
  recallDelayMs?: number;
  /** One more CA to trust for the server's certificate (a TLS-terminating proxy; tests). The public roots stay trusted. */
  serverCa?: string;
  /** spbill_create_ip: the IP of the machine calling WeChat. Default 127.0.0.1 (a till behind NAT cannot know better). */
  clientIp?: string;
}

/** Non-secret settings an admin enters. */
export const CONFIG_FIELDS = ['appId', 'mchId', 'subMchId', 'subAppId'] as const;
/** Stored through deps.secrets as `payments:wechat:<name>`. */
export const SECRET_FIELDS = ['apiKey', 'apiClientCert', 'apiClientKey', 'apiClientP12'] as const;

export const WECHAT_PRODUCTION_URL = 'https://api.mch.weixin.qq.com';
/** WeChat's guidance for a code payment: query every ~5 s (3–5 s) while the customer confirms. */
export const WECHAT_POLL_INTERVAL_MS = 5000;
/** WeChat revokes an unpaid code payment by itself 45 s after it was created; a cashier timeout should not exceed it by much. */
export const WECHAT_AUTO_REVOKE_MS = 45_000;
/**
 * unifiedorder requires a notify_url. With no cloud to receive notifications the till polls, and
 * this address (which answers nothing) stands in.
 */
export const NO_NOTIFY_URL = 'https://127.0.0.1/wechat-notify-unused';

/** What verifying a notification needs: the merchant's identity and API key. */
export interface WechatNoticeMaterial {
  appId: string;
  mchId: string;
  subMchId?: string;
  apiKey: string;
}

/** Failures found before anything was sent: no money can have moved. */
const NOT_SENT = new Set(['NOT_CONFIGURED', 'NO_CLIENT_CERT']);

type Reply =
  | { ok: true; f: Record<string, string> }
  /** The request surely was not processed (a signed business refusal is handled by the caller from `f`). */
  | { ok: false; code: string; message: string };

/** Errors after which WeChat says nothing was charged: the code or the account is refused. */
const PAY_DECLINED = new Set([
  'AUTHCODEEXPIRE',
  'NOTENOUGH',
  'NOTSUPORTCARD',
  'AUTH_CODE_ERROR',
  'AUTH_CODE_INVALID',
  'BUYER_MISMATCH',
  'NOAUTH',
  'PARAM_ERROR',
  'LACK_PARAMS',
  'XML_FORMAT_ERROR',
  'REQUIRE_POST_METHOD',
  'POST_DATA_EMPTY',
  'NOT_UTF8',
  'SIGNERROR',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'APPID_MCHID_NOT_MATCH',
  'INVALID_REQUEST',
  'TRADE_ERROR',
]);
const REFUND_REFUSED = new Set([
  'NOTENOUGH',
  'TRADE_OVERDUE',
  'USER_ACCOUNT_ABNORMAL',
  'INVALID_TRANSACTIONID',
  'INVALID_REQ_TOO_MUCH',
  'INVALID_REQUEST',
  'PARAM_ERROR',
  'ORDERNOTEXIST',
  'ERROR',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'APPID_MCHID_NOT_MATCH',
  'SIGNERROR',
  'XML_FORMAT_ERROR',
  'REQUIRE_POST_METHOD',
  'POST_DATA_EMPTY',
  'NOT_UTF8',
]);
const MAX_RECALLS = 5;

const SUCCESS_REPLY = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
const FAIL_REPLY = '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[REFUSED]]></return_msg></xml>';

/** What WeChat expects back from a notification: SUCCESS stops its re-sending. */
export function wechatNoticeReply(ok: boolean): NoticeReply {
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: ok ? SUCCESS_REPLY : FAIL_REPLY };
}

/** WeChat gives only an openid (an app-scoped pseudonym): the receipt shows its last 4 characters. */
export function wechatBuyer(openid: string | undefined): string | null {
  const v = (openid ?? '').trim();
  return v.length >= 4 ? `WeChat ****${v.slice(-4)}` : null;
}

const int = (v: string | undefined): number | null => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null);
const clip = (s: string, n: number): string =>
  Array.from(s.replace(/\]\]>/g, ''))
    .map((ch) => (ch.charCodeAt(0) < 0x20 ? ' ' : ch))
    .slice(0, n)
    .join('');
const unknown = (code: string, message: string): TradeAnswer => ({ state: 'unknown', code, message });
const errOf = (f: Record<string, string>): { code: string; message: string } => ({
  code: f.err_code || 'FAIL',
  message: f.err_code_des || f.return_msg || f.err_code || 'refused',
});

/** A paid trade as WeChat describes it (micropay success, orderquery SUCCESS/REFUND, notification). */
function paidAnswer(f: Record<string, string>, tradeNo: string): TradeAnswer {
  const amount = int(f.total_fee);
  if (f.out_trade_no !== tradeNo) return unknown('MISMATCH', 'the answer names another trade');
  if (amount === null) return unknown('BAD_ANSWER', 'no total_fee in a paid answer');
  if ((f.fee_type ?? 'CNY') !== 'CNY') return unknown('MISMATCH', `paid in ${f.fee_type}`);
  return { state: 'paid', providerRef: f.transaction_id || '', amount, buyer: wechatBuyer(f.openid), brand: null };
}

/** orderquery's trade_state, mapped. */
function tradeStateAnswer(f: Record<string, string>, tradeNo: string): TradeAnswer {
  const state = f.trade_state ?? '';
  switch (state) {
    // REFUND: paid, and a refund has since been requested; the money was taken.
    case 'SUCCESS':
    case 'REFUND':
      return paidAnswer(f, tradeNo);
    case 'USERPAYING':
    case 'NOTPAY':
    case 'ACCEPT':
      return { state: 'waiting', providerRef: f.transaction_id || null };
    case 'CLOSED':
    case 'REVOKED':
      return { state: 'closed', code: state, message: f.trade_state_desc ?? state };
    case 'PAYERROR':
      return { state: 'failed', code: state, message: f.trade_state_desc ?? 'payment failed' };
    default:
      return unknown(state || 'BAD_ANSWER', f.trade_state_desc ?? 'unreadable trade state');
  }
}

/**
 * No keep-alive: a pooled connection that WeChat closed while idle would turn a payment into an
 * `unknown` (and a 5 s query); a fresh TLS handshake per call costs far less at the counter.
 */
function agentOptions(cfg: WechatConfig): https.AgentOptions {
  return { keepAlive: false, ...(cfg.serverCa ? { ca: [...tls.rootCertificates, cfg.serverCa] } : {}) };
}

function secureAgent(cfg: WechatConfig): https.Agent | null {
  if (cfg.apiClientCert && cfg.apiClientKey)
    return new https.Agent({ ...agentOptions(cfg), cert: cfg.apiClientCert, key: cfg.apiClientKey });
  if (cfg.apiClientP12)
    return new https.Agent({ ...agentOptions(cfg), pfx: Buffer.from(cfg.apiClientP12, 'base64'), passphrase: cfg.mchId });
  return null;
}

export function createWechatGateway(cfg: WechatConfig): PaymentGateway {
  // Sandbox and training have no default host: v2's simulation system (仿真测试系统) signs with MD5
  // and a separate sandbox key only, which we do not speak; training is the loopback fake's URL.
  const base = (cfg.baseUrl ?? (cfg.mode === 'production' ? WECHAT_PRODUCTION_URL : '')).replace(/\/+$/, '');
  const timeoutMs = cfg.timeoutMs ?? 15_000;
  const recallDelayMs = cfg.recallDelayMs ?? 1000;
  const merchant = cfg.subMchId || cfg.mchId;
  const plainAgent = new https.Agent(agentOptions(cfg));
  let certAgent: https.Agent | null | undefined;
  const material: WechatNoticeMaterial = { appId: cfg.appId, mchId: cfg.mchId, subMchId: cfg.subMchId, apiKey: cfg.apiKey };

  /** Signs, sends, reads and verifies one call. */
  async function call(path: string, params: Record<string, string>, secure = false): Promise<Reply> {
    if (!base) return { ok: false, code: 'NOT_CONFIGURED', message: `no WeChat Pay address for ${cfg.mode} mode` };
    const https_ = base.startsWith('https:');
    let agent: https.Agent | undefined;
    if (https_) {
      if (secure) {
        if (certAgent === undefined) certAgent = secureAgent(cfg);
        if (!certAgent) return { ok: false, code: 'NO_CLIENT_CERT', message: 'reverse and refund need the API client certificate' };
        agent = certAgent;
      } else agent = plainAgent;
    }
    const fields: Record<string, string> = { appid: cfg.appId, mch_id: cfg.mchId };
    if (cfg.subMchId) fields.sub_mch_id = cfg.subMchId;
    if (cfg.subAppId) fields.sub_appid = cfg.subAppId;
    Object.assign(fields, params, { nonce_str: nonceStr(), sign_type: SIGN_TYPE });
    fields.sign = wechatSign(fields, cfg.apiKey);
    const res = await postXml(`${base}${path}`, buildXml(fields), { timeoutMs, agent });
    if (!res.ok) return { ok: false, code: res.code, message: res.message };
    let f: Record<string, string>;
    try {
      f = parseXml(res.body);
    } catch (e) {
      return { ok: false, code: 'BAD_ANSWER', message: (e as Error).message };
    }
    if (f.return_code !== 'SUCCESS') {
      // WeChat does not sign a communication failure, so it is a hint, never a fact about money.
      const msg = f.return_msg ?? 'FAIL';
      return { ok: false, code: /签名|sign/i.test(msg) ? 'SIGNERROR' : 'RETURN_FAIL', message: msg };
    }
    if (!verifyWechatSign(f, cfg.apiKey)) return { ok: false, code: 'BAD_SIGNATURE', message: 'the answer is not signed with our API key' };
    if (f.appid !== undefined && f.appid !== cfg.appId)
      return { ok: false, code: 'WRONG_MERCHANT', message: 'the answer names another appid' };
    if (f.mch_id !== cfg.mchId) return { ok: false, code: 'WRONG_MERCHANT', message: 'the answer names another merchant' };
    if (cfg.subMchId && f.sub_mch_id !== undefined && f.sub_mch_id !== cfg.subMchId)
      return { ok: false, code: 'WRONG_MERCHANT', message: 'the answer names another sub-merchant' };
    return { ok: true, f };
  }

  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  function checkMoney(amount: number, currency: string): TradeAnswer | null {
    if (currency !== 'CNY') return { state: 'failed', code: 'CURRENCY', message: 'WeChat Pay takes CNY only' };
    if (!Number.isSafeInteger(amount) || amount <= 0)
      return { state: 'failed', code: 'AMOUNT', message: 'the amount must be a positive number of fen' };
    return null;
  }

  async function orderquery(tradeNo: string): Promise<{ answer: TradeAnswer; f?: Record<string, string> }> {
    const r = await call('/pay/orderquery', { out_trade_no: tradeNo });
    if (!r.ok) return { answer: unknown(r.code, r.message) };
    if (r.f.result_code === 'SUCCESS') return { answer: tradeStateAnswer(r.f, tradeNo), f: r.f };
    if (r.f.err_code === 'ORDERNOTEXIST') return { answer: { state: 'not_found' }, f: r.f };
    const e = errOf(r.f);
    return { answer: unknown(e.code, e.message), f: r.f };
  }

  async function reverse(tradeNo: string): Promise<TradeAnswer> {
    for (let attempt = 0; attempt < MAX_RECALLS; attempt++) {
      const r = await call('/secapi/pay/reverse', { out_trade_no: tradeNo }, true);
      if (!r.ok) return unknown(r.code, r.message);
      // recall=Y: WeChat's rule is to send the reverse again.
      if (r.f.recall === 'Y') {
        await wait(recallDelayMs);
        continue;
      }
      if (r.f.result_code === 'SUCCESS') return { state: 'closed', code: 'REVOKED', message: 'reversed' };
      if (r.f.err_code === 'ORDERNOTEXIST') return { state: 'not_found' };
      const e = errOf(r.f);
      // REVERSE_EXPIRE and the rest: the money may be kept; the caller queries (and refunds a paid trade).
      return unknown(e.code, e.message);
    }
    return unknown('RECALL', 'WeChat still asks to reverse again');
  }

  async function closeNative(tradeNo: string): Promise<TradeAnswer> {
    const r = await call('/pay/closeorder', { out_trade_no: tradeNo });
    if (!r.ok) return unknown(r.code, r.message);
    if (r.f.result_code === 'SUCCESS' || r.f.err_code === 'ORDERCLOSED') return { state: 'closed', code: 'CLOSED', message: 'closed' };
    // ORDERPAID: the customer paid meanwhile; the query says so, and the caller refunds.
    if (r.f.err_code === 'ORDERPAID') return (await orderquery(tradeNo)).answer;
    const e = errOf(r.f);
    return unknown(e.code, e.message);
  }

  async function refundQuery(req: RefundRequest): Promise<RefundAnswer> {
    const r = await call('/pay/refundquery', { out_refund_no: req.refundNo });
    if (!r.ok) return { state: 'unknown', code: r.code, message: r.message };
    const f = r.f;
    if (f.result_code !== 'SUCCESS') {
      const e = errOf(f);
      // REFUNDNOTEXIST: the refund never arrived; sending it again with the same number is safe.
      if (e.code === 'REFUNDNOTEXIST') return { state: 'failed', code: e.code, message: e.message };
      return { state: 'unknown', code: e.code, message: e.message };
    }
    if (f.out_trade_no !== undefined && f.out_trade_no !== req.tradeNo)
      return { state: 'unknown', code: 'MISMATCH', message: 'the answer names another trade' };
    const count = int(f.refund_count) ?? 0;
    for (let i = 0; i < Math.min(count, 50); i++) {
      if (f[`out_refund_no_${i}`] !== req.refundNo) continue;
      const status = f[`refund_status_${i}`];
      const amount = int(f[`refund_fee_${i}`]);
      if (status === 'SUCCESS') {
        if (amount === null) return { state: 'unknown', code: 'BAD_ANSWER', message: 'no refund_fee' };
        return { state: 'refunded', providerRef: f[`refund_id_${i}`] || null, amount };
      }
      if (status === 'PROCESSING') return { state: 'pending' };
      if (status === 'CHANGE')
        return {
          state: 'failed',
          code: 'CHANGE',
          message: "the refund to the buyer's bank card failed: finish it in the WeChat Pay merchant platform",
        };
      if (status === 'REFUNDCLOSE') return { state: 'failed', code: 'REFUNDCLOSE', message: 'the refund was closed' };
      return { state: 'unknown', code: status ?? 'BAD_ANSWER', message: 'unreadable refund status' };
    }
    return { state: 'unknown', code: 'MISMATCH', message: 'the answer does not list our refund' };
  }

  return {
    provider: 'wechat',
    mode: cfg.mode,
    pollIntervalMs: cfg.pollIntervalMs ?? WECHAT_POLL_INTERVAL_MS,
    merchant,

    async pay(req: PayRequest): Promise<TradeAnswer> {
      const bad = checkMoney(req.amount, req.currency);
      if (bad) return bad;
      const code = (req.authCode ?? '').trim();
      if (!/^\d{16,24}$/.test(code)) return { state: 'failed', code: 'AUTH_CODE_INVALID', message: 'not a WeChat payment code' };
      const r = await call('/pay/micropay', {
        device_info: clip(req.terminal, 32),
        body: clip(req.subject, 40) || 'Countertop',
        out_trade_no: req.tradeNo,
        total_fee: String(req.amount),
        fee_type: 'CNY',
        spbill_create_ip: cfg.clientIp ?? '127.0.0.1',
        auth_code: code,
      });
      if (!r.ok) return NOT_SENT.has(r.code) ? { state: 'failed', code: r.code, message: r.message } : unknown(r.code, r.message);
      if (r.f.result_code === 'SUCCESS') return paidAnswer(r.f, req.tradeNo);
      const e = errOf(r.f);
      if (e.code === 'USERPAYING') return { state: 'waiting', providerRef: r.f.transaction_id || null };
      if (e.code === 'ORDERCLOSED' || e.code === 'ORDERREVERSED') return { state: 'closed', code: e.code, message: e.message };
      if (PAY_DECLINED.has(e.code)) return { state: 'failed', code: e.code, message: e.message };
      // SYSTEMERROR, BANKERROR, ORDERPAID, OUT_TRADE_NO_USED and anything unlisted: query first.
      return unknown(e.code, e.message);
    },

    async precreate(req: PayRequest, notifyUrl: string | null): Promise<QrAnswer | Extract<TradeAnswer, { state: 'failed' | 'unknown' }>> {
      const bad = checkMoney(req.amount, req.currency);
      if (bad) return bad as Extract<TradeAnswer, { state: 'failed' }>;
      const r = await call('/pay/unifiedorder', {
        device_info: clip(req.terminal, 32),
        body: clip(req.subject, 40) || 'Countertop',
        out_trade_no: req.tradeNo,
        total_fee: String(req.amount),
        fee_type: 'CNY',
        spbill_create_ip: cfg.clientIp ?? '127.0.0.1',
        notify_url: notifyUrl ?? NO_NOTIFY_URL,
        trade_type: 'NATIVE',
        product_id: req.tradeNo,
      });
      if (!r.ok) return { state: NOT_SENT.has(r.code) ? 'failed' : 'unknown', code: r.code, message: r.message };
      if (r.f.result_code === 'SUCCESS') {
        const qr = r.f.code_url ?? '';
        if (!/^weixin:\/\/\S{1,200}$/.test(qr)) return { state: 'unknown', code: 'BAD_ANSWER', message: 'no code_url' };
        return { qr };
      }
      const e = errOf(r.f);
      if (e.code === 'SYSTEMERROR' || e.code === 'ORDERPAID' || e.code === 'OUT_TRADE_NO_USED' || e.code === 'BANKERROR')
        return { state: 'unknown', code: e.code, message: e.message };
      return { state: 'failed', code: e.code, message: e.message };
    },

    async query(tradeNo: string): Promise<TradeAnswer> {
      return (await orderquery(tradeNo)).answer;
    },

    async cancel(tradeNo: string): Promise<TradeAnswer> {
      // Reverse is for code payments only; a Native trade is closed if unpaid, or left paid for a refund.
      const q = await orderquery(tradeNo);
      if (q.f?.trade_type === 'NATIVE') {
        if (q.answer.state === 'waiting') return closeNative(tradeNo);
        return q.answer;
      }
      if (q.answer.state === 'closed') return q.answer;
      return reverse(tradeNo);
    },

    async refund(req: RefundRequest): Promise<RefundAnswer> {
      if (req.currency !== 'CNY') return { state: 'failed', code: 'CURRENCY', message: 'WeChat Pay takes CNY only' };
      if (!Number.isSafeInteger(req.amount) || req.amount <= 0 || !Number.isSafeInteger(req.total) || req.amount > req.total)
        return { state: 'failed', code: 'AMOUNT', message: 'the refund must be between 1 fen and the trade amount' };
      const r = await call(
        '/secapi/pay/refund',
        {
          out_trade_no: req.tradeNo,
          out_refund_no: req.refundNo,
          total_fee: String(req.total),
          refund_fee: String(req.amount),
          refund_fee_type: 'CNY',
          refund_desc: clip(req.reason, 80),
        },
        true,
      );
      if (!r.ok) {
        if (NOT_SENT.has(r.code)) return { state: 'failed', code: r.code, message: r.message };
        return { state: 'unknown', code: r.code, message: r.message };
      }
      if (r.f.result_code === 'SUCCESS') {
        if (r.f.out_refund_no !== req.refundNo || int(r.f.refund_fee) !== req.amount)
          return { state: 'unknown', code: 'MISMATCH', message: 'the answer names another refund' };
        // SUCCESS means accepted; the refund query says whether the money went back yet.
        const q = await refundQuery(req);
        return q.state === 'refunded' ? q : { state: 'pending' };
      }
      const e = errOf(r.f);
      if (REFUND_REFUSED.has(e.code)) return { state: 'failed', code: e.code, message: e.message };
      // SYSTEMERROR, BIZERR_NEED_RETRY, FREQUENCY_LIMITED…: retry with the same out_refund_no.
      return { state: 'unknown', code: e.code, message: e.message };
    },

    queryRefund: refundQuery,

    verifyNotice(headers: Record<string, string>, rawBody: string): VerifiedNotice | null {
      return verifyWechatNotice(material, headers, rawBody);
    },

    noticeReply: wechatNoticeReply,

    async testConnection(): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
      if (cfg.apiClientCert || cfg.apiClientKey || cfg.apiClientP12) {
        try {
          if (cfg.apiClientP12) tls.createSecureContext({ pfx: Buffer.from(cfg.apiClientP12, 'base64'), passphrase: cfg.mchId });
          else tls.createSecureContext({ cert: cfg.apiClientCert, key: cfg.apiClientKey });
        } catch (e) {
          return { ok: false, code: 'CLIENT_CERT', message: `the API client certificate cannot be used: ${(e as Error).message}` };
        }
      }
      const r = await call('/pay/orderquery', { out_trade_no: `CTTEST${nonceStr().slice(0, 20)}` });
      if (!r.ok) return { ok: false, code: r.code, message: r.message };
      if (r.f.err_code === 'ORDERNOTEXIST') return { ok: true };
      const e = errOf(r.f);
      return { ok: false, code: e.code, message: e.message };
    },
  };
}

/**
 * Which merchant a notification claims to be for, read without verifying anything: only to choose
 * whose API key to verify it with. Null when the body is not a WeChat notification.
 */
export function peekWechatNoticeMerchant(rawBody: string): { appId: string; mchId: string; subMchId: string | null } | null {
  try {
    const f = parseXml(rawBody);
    if (!f.appid || !f.mch_id) return null;
    return { appId: f.appid, mchId: f.mch_id, subMchId: f.sub_mch_id || null };
  } catch {
    return null;
  }
}

/**
 * Verifies a payment result notification (支付结果通知) from its raw body: the HMAC-SHA256 sign with
 * the merchant's API key, then that it is addressed to this merchant (appid, mch_id, sub_mch_id).
 * v2 sends no signature headers; `headers` is accepted for the common shape. Null when any check fails.
 */
export function verifyWechatNotice(
  material: WechatNoticeMaterial,
  _headers: Record<string, string>,
  rawBody: string,
): VerifiedNotice | null {
  let f: Record<string, string>;
  try {
    f = parseXml(rawBody);
  } catch {
    return null;
  }
  if (f.return_code !== 'SUCCESS') return null;
  if (!material.apiKey || !verifyWechatSign(f, material.apiKey)) return null;
  if (f.appid !== material.appId || f.mch_id !== material.mchId) return null;
  if ((f.sub_mch_id ?? '') !== (material.subMchId ?? '')) return null;
  const tradeNo = f.out_trade_no ?? '';
  if (!/^[A-Za-z0-9_\-*|]{1,32}$/.test(tradeNo)) return null;
  const eventId = f.transaction_id ?? '';
  if (!/^[A-Za-z0-9]{1,64}$/.test(eventId)) return null;
  const answer: TradeAnswer = f.result_code === 'SUCCESS' ? paidAnswer(f, tradeNo) : { state: 'failed', ...errOf(f) };
  if (answer.state === 'unknown') return null;
  return { provider: 'wechat', merchant: material.subMchId || material.mchId, tradeNo, eventId, answer };
}
