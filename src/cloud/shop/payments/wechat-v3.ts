/**
 * WeChat Pay API v3 for the shop, on Node's crypto alone (WeChat publishes no Node SDK of its own):
 * every request is signed with the merchant's RSA key (WECHATPAY2-SHA256-RSA2048), every answer and
 * notification is verified with the platform's public key (SHA256withRSA over
 * `timestamp\nnonce\nbody\n`, at most five minutes old), and a notification's `resource` is opened
 * with the APIv3 key (AEAD_AES_256_GCM). Amounts are fen; the shop takes CNY only.
 */
import { X509Certificate, createDecipheriv, createPrivateKey, createPublicKey, createSign, createVerify, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { GatewayMode, RefundAnswer, RefundRequest } from '../../../main/payments/gateway';

export const WECHAT_V3_HOST = 'https://api.mch.weixin.qq.com';
/** Answers and notifications signed longer ago than this are refused (a replay or a wrong clock). */
export const WECHAT_V3_TOLERANCE_MS = 5 * 60_000;

export interface WechatV3Config {
  /** Chosen by the operator in the payments file; an entry without it is the older v2 API. */
  api: 'v3';
  mode: GatewayMode;
  appId: string;
  mchId: string;
  /** The serial number of the merchant's API certificate (the key below). */
  serialNo: string;
  /** apiclient_key.pem: the merchant's RSA private key. Secret. */
  privateKey: string;
  /** The 32-character APIv3 key set in the merchant platform: it opens notifications. Secret. */
  apiV3Key: string;
  /** WeChat Pay's public key (PEM) or platform certificate, which signs answers and notifications. */
  platformPublicKey: string;
  /** Its serial (PUB_KEY_ID_… or the certificate's); taken from the certificate when absent. */
  platformSerial?: string;
  /** Another host (a fake on loopback in training and tests). */
  baseUrl?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** The platform key and the serial that names it, from a public-key PEM or a certificate. */
export function platformKeyOf(cfg: Pick<WechatV3Config, 'platformPublicKey' | 'platformSerial'>): { key: KeyObject; serial: string } {
  if (cfg.platformPublicKey.includes('BEGIN CERTIFICATE')) {
    const cert = new X509Certificate(cfg.platformPublicKey);
    return { key: cert.publicKey, serial: (cfg.platformSerial ?? cert.serialNumber).toUpperCase() };
  }
  return { key: createPublicKey(cfg.platformPublicKey), serial: (cfg.platformSerial ?? '').toUpperCase() };
}

/** The Authorization header of one request: the merchant's signature over method, path with query, time, nonce and body. */
export function v3Authorization(
  cfg: Pick<WechatV3Config, 'mchId' | 'serialNo' | 'privateKey'>,
  method: string,
  pathWithQuery: string,
  body: string,
  now: number,
  nonce = randomBytes(16).toString('hex'),
): string {
  const timestamp = String(Math.floor(now / 1000));
  const signature = createSign('RSA-SHA256')
    .update(`${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`)
    .sign(createPrivateKey(cfg.privateKey), 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${cfg.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${cfg.serialNo}"`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'bad_signature' | 'stale'; message: string };

/**
 * Whether headers and body were signed by WeChat Pay's platform key: the serial it names is the
 * configured one, the signature verifies, and the timestamp is within five minutes of `now`. A
 * probe signature (WECHATPAY/SIGNTEST/…) never verifies.
 */
export function verifyV3Signature(
  platform: { key: KeyObject; serial: string },
  headers: Record<string, string>,
  body: string,
  now: number,
): SignatureCheck {
  const ts = headers['wechatpay-timestamp'] ?? '';
  const nonce = headers['wechatpay-nonce'] ?? '';
  const signature = headers['wechatpay-signature'] ?? '';
  const serial = (headers['wechatpay-serial'] ?? '').toUpperCase();
  if (!/^\d{1,12}$/.test(ts) || !nonce || nonce.length > 64 || !/^[A-Za-z0-9+/=]{1,1024}$/.test(signature))
    return { ok: false, reason: 'bad_signature', message: 'the Wechatpay-* signature headers are missing or malformed' };
  if (platform.serial && serial !== platform.serial)
    return { ok: false, reason: 'bad_signature', message: `signed by platform key ${serial.slice(0, 64)}, not the configured one` };
  const good = attempt(() => createVerify('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`).verify(platform.key, signature, 'base64'));
  if (!good) return { ok: false, reason: 'bad_signature', message: 'the signature does not verify with WeChat Pay’s platform key' };
  // Checked after the signature, so that "stale" names a genuine old message (a replay), not a forgery.
  if (Math.abs(now - Number(ts) * 1000) > WECHAT_V3_TOLERANCE_MS)
    return { ok: false, reason: 'stale', message: 'signed more than five minutes away from our clock (a replay?)' };
  return { ok: true };
}

export interface V3Resource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/** Opens a notification's resource with the APIv3 key; null when it was altered or is not ours. */
export function decryptResource(apiV3Key: string, r: V3Resource): string | null {
  if (r.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string') return null;
  const key = Buffer.from(apiV3Key, 'utf8');
  const data = Buffer.from(r.ciphertext, 'base64');
  if (key.length !== 32 || data.length <= 16 || r.nonce.length === 0 || r.nonce.length > 64) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(r.nonce, 'utf8'));
    d.setAuthTag(data.subarray(data.length - 16));
    d.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
    return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A v3 transaction as the query answers it and a TRANSACTION.SUCCESS notification carries it. */
export interface V3Transaction {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  amount?: { total?: number; currency?: string; payer_total?: number };
  payer?: { openid?: string };
}

type Call = { ok: true; status: number; json: unknown } | { ok: false; status: number; code: string; message: string; unclear: boolean };

/** Whether a 4xx code says the request was refused before anything happened at WeChat. */
const UNCLEAR_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'BANKERROR']);

export function createWechatV3(cfg: WechatV3Config, clock: () => number = Date.now) {
  const host = (cfg.baseUrl ?? WECHAT_V3_HOST).replace(/\/$/, '');
  const platform = platformKeyOf(cfg);

  /** One signed call; the answer is used only when WeChat's signature over it verifies. */
  async function call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Call> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${host}${path}`, {
        method,
        headers: {
          authorization: v3Authorization(cfg, method, path, body, clock()),
          accept: 'application/json',
          'user-agent': 'Countertop-shop/1 (WeChatPay-APIv3)',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body }),
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (err) {
      return { ok: false, status: 0, code: 'NETWORK', message: err instanceof Error ? err.message : String(err), unclear: true };
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    // A 5xx from a proxy carries no signature; it says only that the answer is unknown.
    if (res.status >= 500) return { ok: false, status: res.status, code: 'SYSTEM_ERROR', message: `HTTP ${res.status}`, unclear: true };
    const signed = verifyV3Signature(platform, headers, text, clock());
    if (!signed.ok)
      return { ok: false, status: res.status, code: 'INVALID_SIGNATURE', message: `the answer ${signed.message}`, unclear: true };
    const json = attempt(() => (text ? (JSON.parse(text) as unknown) : null), undefined);
    if (json === undefined) return { ok: false, status: res.status, code: 'BAD_ANSWER', message: 'the answer is not JSON', unclear: true };
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, json };
    const e = (json ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code.slice(0, 64) : `HTTP_${res.status}`;
    const message = typeof e.message === 'string' ? e.message.slice(0, 200) : '';
    return { ok: false, status: res.status, code, message, unclear: UNCLEAR_CODES.has(code) || res.status === 429 };
  }

  const mine = (t: V3Transaction) => t.mchid === cfg.mchId && t.appid === cfg.appId;
  const tradePath = (tradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(tradeNo)}`;

  return {
    /** A Native trade: the code_url the buyer's WeChat scans. */
    async native(t: {
      tradeNo: string;
      amount: number;
      description: string;
      notifyUrl: string;
      expiresAt: number;
    }): Promise<{ ok: true; codeUrl: string } | { ok: false; code: string; message: string }> {
      const r = await call('POST', '/v3/pay/transactions/native', {
        appid: cfg.appId,
        mchid: cfg.mchId,
        // WeChat counts 127 bytes at most; Chinese characters are three each.
        description: cutBytes(t.description, 127),
        out_trade_no: t.tradeNo,
        time_expire: beijingIso(t.expiresAt),
        notify_url: t.notifyUrl,
        amount: { total: t.amount, currency: 'CNY' },
      });
      if (!r.ok) return { ok: false, code: r.code, message: r.message };
      const url = (r.json as { code_url?: unknown } | null)?.code_url;
      if (typeof url !== 'string' || !/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9_-]{1,64}$/.test(url))
        return { ok: false, code: 'BAD_ANSWER', message: 'the answer has no code_url' };
      return { ok: true, codeUrl: url };
    },

    /** The trade's state at WeChat: paid only for this merchant's own trade of this number. */
    async query(
      tradeNo: string,
    ): Promise<
      | { state: 'paid'; transactionId: string; amount: number; currency: string; openid: string | null }
      | { state: 'open' | 'closed' | 'not_found' }
      | { state: 'unknown'; message: string }
    > {
      const r = await call('GET', `${tradePath(tradeNo)}?mchid=${encodeURIComponent(cfg.mchId)}`);
      if (!r.ok) return r.code === 'ORDER_NOT_EXIST' ? { state: 'not_found' } : { state: 'unknown', message: `${r.code}: ${r.message}` };
      const t = (r.json ?? {}) as V3Transaction;
      if (!mine(t) || t.out_trade_no !== tradeNo) return { state: 'unknown', message: 'the answer is about another merchant or trade' };
      if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') {
        if (typeof t.transaction_id !== 'string' || !Number.isInteger(t.amount?.total))
          return { state: 'unknown', message: 'the answer has no transaction or amount' };
        return {
          state: 'paid',
          transactionId: t.transaction_id.slice(0, 64),
          amount: t.amount!.total!,
          currency: t.amount?.currency ?? 'CNY',
          openid: t.payer?.openid?.slice(0, 128) ?? null,
        };
      }
      if (t.trade_state === 'NOTPAY' || t.trade_state === 'USERPAYING') return { state: 'open' };
      return { state: 'closed' };
    },

    /** Closes an unpaid trade, so that its QR code can no longer be paid. */
    async close(tradeNo: string): Promise<boolean> {
      const r = await call('POST', `${tradePath(tradeNo)}/close`, { mchid: cfg.mchId });
      return r.ok;
    },

    /** A refund by out_refund_no (our fixed request number: a retry is the same refund). */
    async refund(req: RefundRequest): Promise<RefundAnswer> {
      const r = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: req.tradeNo,
        out_refund_no: req.refundNo,
        reason: cutBytes(req.reason, 80),
        amount: { refund: req.amount, total: req.total, currency: 'CNY' },
      });
      return refundAnswer(r, req);
    },

    async queryRefund(req: RefundRequest): Promise<RefundAnswer> {
      return refundAnswer(await call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(req.refundNo)}`), req);
    },
  };
}
export type WechatV3Client = ReturnType<typeof createWechatV3>;

function refundAnswer(r: Call, req: RefundRequest): RefundAnswer {
  if (!r.ok)
    return r.unclear ? { state: 'unknown', code: r.code, message: r.message } : { state: 'failed', code: r.code, message: r.message };
  const a = (r.json ?? {}) as { refund_id?: unknown; out_refund_no?: unknown; status?: unknown; amount?: { refund?: unknown } };
  if (a.out_refund_no !== req.refundNo) return { state: 'unknown', code: 'BAD_ANSWER', message: 'the answer is about another refund' };
  const ref = typeof a.refund_id === 'string' ? a.refund_id.slice(0, 64) : null;
  switch (a.status) {
    case 'SUCCESS':
      return { state: 'refunded', providerRef: ref, amount: typeof a.amount?.refund === 'number' ? a.amount.refund : req.amount };
    case 'PROCESSING':
      return { state: 'pending' };
    case 'CLOSED':
      return { state: 'failed', code: 'CLOSED', message: 'WeChat Pay closed the refund' };
    case 'ABNORMAL':
      // The buyer's card or account could not take the money: WeChat keeps it until the merchant acts.
      return { state: 'failed', code: 'ABNORMAL', message: 'WeChat Pay could not return the money to the buyer’s account' };
    default:
      return { state: 'unknown', code: 'BAD_ANSWER', message: 'the answer has no refund status' };
  }
}

/** The value of `f`, or `fallback` when it throws (a malformed key, signature or JSON is simply not good). */
function attempt<T, F = false>(f: () => T, fallback: F = false as F): T | F {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** Cuts a text to at most `max` UTF-8 bytes without splitting a character. */
export function cutBytes(s: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    n += Buffer.byteLength(ch);
    if (n > max) break;
    out += ch;
  }
  return out;
}

/** RFC 3339 in Beijing time, as WeChat writes time_expire. */
function beijingIso(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
