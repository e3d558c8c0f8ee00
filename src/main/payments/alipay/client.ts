import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { AlipaySdk, AlipaySdkConfig } from 'alipay-sdk';
import type { GatewayMode, PaymentGateway, PayRequest, QrAnswer, RefundAnswer, RefundRequest, TradeAnswer } from '../gateway';
import { maskAccount } from '../gateway';
import { fenToYuan, yuanToFen } from './amount';
import { AlipayConfigError, loadCertificates, loadPrivateKey, loadPublicKey } from './keys';
import { alipayNoticeReply, answerOfTradeStatus, verifyAlipayNotice, type AlipayNoticeMaterial } from './notice';
import { alipaySdkModule } from '../sdks';

/**
 * Alipay 当面付 (face-to-face payment) on the Alipay team's own SDK (`alipay-sdk`), through the
 * openapi v2 gateway methods (alipay.trade.pay / precreate / query / cancel / refund /
 * fastpay.refund.query) that 当面付 is documented on. The SDK signs each request RSA2, sends it, and
 * verifies the answer's signature (we ask it to: it does not by default); this file maps Alipay's
 * codes to ours. Every call resolves: whatever did not give a clear answer is `unknown`.
 */

export type AlipayKeyMode = 'publicKey' | 'cert';

export interface AlipayConfig {
  mode: GatewayMode;
  /** The gateway's origin, e.g. a training fake's URL; '/gateway.do' is added unless the URL already names a path. */
  baseUrl?: string;
  /** Per request; an answer later than this is `unknown`. Default 15 s. */
  timeoutMs?: number;
  /** Between queries while the customer confirms (10003 / WAIT_BUYER_PAY). Default 5 s, Alipay's 当面付 guidance. */
  pollIntervalMs?: number;
  appId: string;
  keyMode: AlipayKeyMode;
  /** The app's private key: PEM or the bare base64 Alipay's key tool gives (PKCS8 or PKCS1). */
  privateKey: string;
  /** Public-key mode: Alipay's public key (bare base64 or PEM). */
  alipayPublicKey?: string;
  /** Certificate mode: appCertPublicKey_<appid>.crt, alipayCertPublicKey_RSA2.crt, alipayRootCert.crt, as PEM text. */
  appCert?: string;
  alipayPublicCert?: string;
  alipayRootCert?: string;
  /** For the certificates' validity; default Date.now. */
  now?: () => number;
}

/** Settings that are not secret (kept in the config, shown in Settings). */
export const CONFIG_FIELDS = ['appId', 'keyMode'] as const;
/** Stored through deps.secrets as payments:alipay:<name>; which ones are needed depends on keyMode. */
export const SECRET_FIELDS = ['privateKey', 'alipayPublicKey', 'appCert', 'alipayPublicCert', 'alipayRootCert'] as const;

export const ALIPAY_GATEWAYS: Record<Exclude<GatewayMode, 'training'>, string> = {
  production: 'https://openapi.alipay.com/gateway.do',
  sandbox: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
};
export const ALIPAY_POLL_INTERVAL_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 15_000;

/** 40004 answers that are not a business refusal: the money may have moved, so we query. */
const UNKNOWN_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'ACQ.TRADE_HAS_SUCCESS', 'aop.ACQ.SYSTEM_ERROR']);

export function gatewayUrl(cfg: AlipayConfig): string {
  if (cfg.baseUrl) {
    const u = new URL(cfg.baseUrl);
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/gateway.do';
    return u.toString();
  }
  if (cfg.mode === 'training') throw new AlipayConfigError('baseUrl', 'training mode needs the training gateway URL');
  return ALIPAY_GATEWAYS[cfg.mode];
}

/** Alipay refuses / = & in subject; the rest of a store name and order number is kept. */
export function cleanSubject(subject: string): string {
  const s = subject
    .replace(/[/=&\p{Cc}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return (s || 'Countertop').slice(0, 256);
}

interface AlipayAnswer {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
}

type Exchange = { ok: true; answer: AlipayAnswer } | { ok: false; code: string; message: string };

/** What went wrong when the SDK threw: the request may or may not have been processed. */
function transportFailure(err: unknown): { code: string; message: string } {
  const e = err as { name?: string; message?: string; code?: string; cause?: { name?: string; code?: string; message?: string } };
  const causeName = `${e.cause?.name ?? ''} ${e.cause?.code ?? ''}`;
  const message = String(e.message ?? err).slice(0, 200);
  if (/timeout/i.test(causeName)) return { code: 'TIMEOUT', message: 'Alipay did not answer in time' };
  if (/HttpClient Request error/.test(message)) {
    const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/.test(`${causeName} ${e.cause?.message ?? ''}`);
    return refused
      ? { code: 'UNREACHABLE', message: 'Alipay cannot be reached' }
      : { code: 'CONNECTION_LOST', message: 'the connection to Alipay was lost before an answer' };
  }
  // The SDK says 验签失败 when the answer's signature does not verify; a missing sign throws a TypeError.
  if (/验签|sign/i.test(message) || e.code === 'ERR_INVALID_ARG_TYPE')
    return { code: 'BAD_ANSWER_SIGNATURE', message: "the answer's signature does not verify with Alipay's public key" };
  if (/HTTP 请求错误/.test(message)) return { code: 'BAD_ANSWER', message: 'Alipay answered with an HTTP error' };
  return { code: 'BAD_ANSWER', message: 'the answer could not be read' };
}

function describe(a: AlipayAnswer): { code: string; message: string } {
  return {
    code: String(a.sub_code || a.code || 'UNKNOWN').slice(0, 80),
    message: String(a.sub_msg || a.msg || '').slice(0, 200),
  };
}

/**
 * The SDK keeps both keys as PEM text and hands that text to node:crypto's sign and verify on every
 * request, which parses the key again each time: for the private key that costs more than the
 * signature itself. Both take a parsed KeyObject wherever they take PEM, so the SDK is given the
 * keys parsed once, when the gateway is built (and rebuilt when Settings saves new ones).
 */
function useParsedKeys(sdk: AlipaySdk, privateKey: KeyObject, alipayPublicKey: KeyObject): void {
  const config = sdk.config as unknown as { privateKey: string | KeyObject; alipayPublicKey: string | KeyObject };
  config.privateKey = privateKey;
  config.alipayPublicKey = alipayPublicKey;
}

export function createAlipayGateway(cfg: AlipayConfig): PaymentGateway {
  if (!/^\d{6,32}$/.test(cfg.appId ?? '')) throw new AlipayConfigError('appId', 'the app id is the digits Alipay assigned');
  const now = cfg.now ?? Date.now;
  const privateKey = loadPrivateKey(cfg.privateKey ?? '');
  const sdkConfig: AlipaySdkConfig = {
    appId: cfg.appId,
    privateKey: privateKey.pem,
    keyType: 'PKCS8',
    signType: 'RSA2',
    gateway: gatewayUrl(cfg),
    timeout: cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    camelcase: false,
  };
  let alipayPublicKeyPem: string;
  if (cfg.keyMode === 'cert') {
    if (!cfg.appCert) throw new AlipayConfigError('appCert', 'the certificate mode needs the app public key certificate');
    if (!cfg.alipayPublicCert)
      throw new AlipayConfigError('alipayPublicCert', "the certificate mode needs Alipay's public key certificate");
    if (!cfg.alipayRootCert) throw new AlipayConfigError('alipayRootCert', "the certificate mode needs Alipay's root certificate");
    alipayPublicKeyPem = loadCertificates(
      { appCert: cfg.appCert, alipayPublicCert: cfg.alipayPublicCert, alipayRootCert: cfg.alipayRootCert },
      privateKey.key,
      now(),
    ).alipayPublicKey;
    // The SDK derives app_cert_sn / alipay_root_cert_sn from these and the public key from the Alipay certificate.
    sdkConfig.appCertContent = cfg.appCert;
    sdkConfig.alipayPublicCertContent = cfg.alipayPublicCert;
    sdkConfig.alipayRootCertContent = cfg.alipayRootCert;
  } else if (cfg.keyMode === 'publicKey') {
    if (!cfg.alipayPublicKey) throw new AlipayConfigError('alipayPublicKey', "the public-key mode needs Alipay's public key");
    alipayPublicKeyPem = loadPublicKey(cfg.alipayPublicKey).pem;
    sdkConfig.alipayPublicKey = alipayPublicKeyPem;
  } else {
    throw new AlipayConfigError('keyMode', "keyMode is 'publicKey' or 'cert'");
  }
  const noticeMaterial: AlipayNoticeMaterial = { appId: cfg.appId, alipayPublicKey: alipayPublicKeyPem };
  const sdk = new (alipaySdkModule().AlipaySdk)(sdkConfig);
  useParsedKeys(sdk, privateKey.key, createPublicKey(alipayPublicKeyPem));

  async function call(method: string, bizContent: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Exchange> {
    try {
      // validateSign: the SDK skips verifying the answer unless asked.
      const answer = (await sdk.exec(method, { ...extra, bizContent }, { validateSign: true })) as AlipayAnswer;
      if (!answer || typeof answer !== 'object' || typeof answer.code !== 'string')
        return { ok: false, code: 'BAD_ANSWER', message: 'the answer has no code' };
      return { ok: true, answer };
    } catch (err) {
      return { ok: false, ...transportFailure(err) };
    }
  }

  function unsupportedCurrency(currency: string): TradeAnswer | null {
    return currency === 'CNY'
      ? null
      : { state: 'failed', code: 'CURRENCY_NOT_SUPPORTED', message: `Alipay face-to-face payment takes CNY, not ${currency.slice(0, 8)}` };
  }

  function badAmount(amount: number): TradeAnswer | null {
    return Number.isSafeInteger(amount) && amount > 0 && amount <= 10_000_000_000
      ? null
      : { state: 'failed', code: 'INVALID_AMOUNT', message: 'the amount must be between 0.01 and 100000000 yuan' };
  }

  /** Maps the answer of alipay.trade.pay. */
  function payAnswer(x: Exchange): TradeAnswer {
    if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
    const a = x.answer;
    const ref = typeof a.trade_no === 'string' && a.trade_no ? a.trade_no : null;
    switch (a.code) {
      case '10000': {
        const amount = yuanToFen(a.total_amount);
        if (amount === null || !ref)
          return { state: 'unknown', code: 'BAD_ANSWER', message: 'a paid answer without amount or trade number' };
        return {
          state: 'paid',
          providerRef: ref,
          amount,
          buyer: maskAccount(typeof a.buyer_logon_id === 'string' ? a.buyer_logon_id : null),
          brand: null,
        };
      }
      case '10003':
        return { state: 'waiting', providerRef: ref };
      case '40004':
        return UNKNOWN_SUB_CODES.has(a.sub_code ?? '') ? { state: 'unknown', ...describe(a) } : { state: 'failed', ...describe(a) };
      case '40001':
      case '40002':
      case '40006':
      case '20001':
        // Refused at the gateway (parameters, signature, permission): no trade was made.
        return { state: 'failed', ...describe(a) };
      default:
        // 20000 and anything unexpected: the trade may exist.
        return { state: 'unknown', ...describe(a) };
    }
  }

  function queryAnswer(x: Exchange): TradeAnswer {
    if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
    const a = x.answer;
    if (a.code === '10000') return answerOfTradeStatus(a);
    if (a.code === '40004' && a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
    // A query that failed says nothing about the trade.
    return { state: 'unknown', ...describe(a) };
  }

  function refundQueryAnswer(x: Exchange, req: RefundRequest): RefundAnswer {
    if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
    const a = x.answer;
    if (a.code === '10000') {
      const amount = yuanToFen(a.refund_amount);
      const status = a.refund_status;
      if (amount !== null && (status === 'REFUND_SUCCESS' || status === undefined || status === '')) {
        if (a.out_request_no !== undefined && a.out_request_no !== req.refundNo)
          return { state: 'unknown', code: 'BAD_ANSWER', message: 'the answer is about another refund' };
        return { state: 'refunded', providerRef: typeof a.trade_no === 'string' ? a.trade_no : null, amount };
      }
      // Alipay answers an empty success when it has no such refund: it never arrived or did not go through.
      return {
        state: 'failed',
        code: 'REFUND_NOT_FOUND',
        message: 'Alipay has no such refund; retrying with the same request number is safe',
      };
    }
    if (a.code === '40004' && a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'failed', ...describe(a) };
    return { state: 'unknown', ...describe(a) };
  }

  async function queryRefund(req: RefundRequest): Promise<RefundAnswer> {
    return refundQueryAnswer(
      await call('alipay.trade.fastpay.refund.query', {
        out_trade_no: req.tradeNo,
        out_request_no: req.refundNo,
      }),
      req,
    );
  }

  const gateway: PaymentGateway = {
    provider: 'alipay',
    mode: cfg.mode,
    pollIntervalMs: cfg.pollIntervalMs ?? ALIPAY_POLL_INTERVAL_MS,
    merchant: cfg.appId,

    async pay(req: PayRequest): Promise<TradeAnswer> {
      const refused = unsupportedCurrency(req.currency) ?? badAmount(req.amount);
      if (refused) return refused;
      if (!req.authCode || !/^\d{16,24}$/.test(req.authCode))
        return { state: 'failed', code: 'ACQ.PAYMENT_AUTH_CODE_INVALID', message: 'not an Alipay payment code' };
      return payAnswer(
        await call('alipay.trade.pay', {
          out_trade_no: req.tradeNo,
          scene: 'bar_code',
          auth_code: req.authCode,
          product_code: 'FACE_TO_FACE_PAYMENT',
          subject: cleanSubject(req.subject),
          total_amount: fenToYuan(req.amount),
          terminal_id: req.terminal,
        }),
      );
    },

    async precreate(req: PayRequest, notifyUrl: string | null): Promise<QrAnswer | Extract<TradeAnswer, { state: 'failed' | 'unknown' }>> {
      const refused = unsupportedCurrency(req.currency) ?? badAmount(req.amount);
      if (refused) return refused as Extract<TradeAnswer, { state: 'failed' }>;
      const x = await call(
        'alipay.trade.precreate',
        {
          out_trade_no: req.tradeNo,
          total_amount: fenToYuan(req.amount),
          subject: cleanSubject(req.subject),
          terminal_id: req.terminal,
        },
        notifyUrl ? { notifyUrl } : {},
      );
      if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
      const a = x.answer;
      if (a.code === '10000') {
        if (typeof a.qr_code === 'string' && a.qr_code) return { qr: a.qr_code };
        return { state: 'unknown', code: 'BAD_ANSWER', message: 'a precreate answer without qr_code' };
      }
      if (a.code === '40004' && !UNKNOWN_SUB_CODES.has(a.sub_code ?? '')) return { state: 'failed', ...describe(a) };
      if (a.code === '40001' || a.code === '40002' || a.code === '40006' || a.code === '20001') return { state: 'failed', ...describe(a) };
      return { state: 'unknown', ...describe(a) };
    },

    async query(tradeNo: string): Promise<TradeAnswer> {
      return queryAnswer(await call('alipay.trade.query', { out_trade_no: tradeNo }));
    },

    async cancel(tradeNo: string): Promise<TradeAnswer> {
      const x = await call('alipay.trade.cancel', { out_trade_no: tradeNo });
      if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
      const a = x.answer;
      if (a.code === '10000') {
        // retry_flag Y: Alipay asks for the cancel to be sent again; nothing is settled yet.
        if (a.retry_flag === 'Y') return { state: 'unknown', code: 'RETRY', message: 'Alipay asks to retry the cancel' };
        const action = typeof a.action === 'string' ? a.action : '';
        return { state: 'closed', code: action === 'refund' ? 'CANCELLED_REFUNDED' : 'CANCELLED', message: action || 'close' };
      }
      if (a.code === '40004' && a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
      // A cancel that did not happen leaves the trade as it was (maybe paid): query it.
      return { state: 'unknown', ...describe(a) };
    },

    async refund(req: RefundRequest): Promise<RefundAnswer> {
      if (req.currency !== 'CNY') return { state: 'failed', code: 'CURRENCY_NOT_SUPPORTED', message: 'Alipay refunds CNY' };
      if (!Number.isSafeInteger(req.amount) || req.amount <= 0)
        return { state: 'failed', code: 'INVALID_AMOUNT', message: 'the refund must be a positive amount' };
      const x = await call('alipay.trade.refund', {
        out_trade_no: req.tradeNo,
        refund_amount: fenToYuan(req.amount),
        // The same number on every retry: Alipay pays one refund per out_request_no.
        out_request_no: req.refundNo,
        refund_reason: cleanSubject(req.reason).slice(0, 256),
      });
      if (!x.ok) return { state: 'unknown', code: x.code, message: x.message };
      const a = x.answer;
      if (a.code === '10000') {
        // fund_change Y: this call moved the money. N (a retry of a refund already paid, or one still
        // processing): Alipay's guidance is to ask the refund query, which we do at once.
        if (a.fund_change === 'Y')
          return { state: 'refunded', providerRef: typeof a.trade_no === 'string' ? a.trade_no : null, amount: req.amount };
        const q = await queryRefund(req);
        if (q.state === 'refunded') return q;
        return { state: 'pending' };
      }
      if (a.code === '40004' && !UNKNOWN_SUB_CODES.has(a.sub_code ?? '')) return { state: 'failed', ...describe(a) };
      if (a.code === '40001' || a.code === '40002' || a.code === '40006' || a.code === '20001') return { state: 'failed', ...describe(a) };
      return { state: 'unknown', ...describe(a) };
    },

    queryRefund,

    verifyNotice(headers: Record<string, string>, rawBody: string) {
      return verifyAlipayNotice(noticeMaterial, headers, rawBody);
    },

    noticeReply: alipayNoticeReply,

    async testConnection() {
      const probe = `CT-PROBE-${randomBytes(8).toString('hex')}`;
      const x = await call('alipay.trade.query', { out_trade_no: probe });
      if (!x.ok) {
        if (x.code !== 'BAD_ANSWER_SIGNATURE') return { ok: false, code: x.code, message: x.message };
        // Alipay leaves some refusals unsigned (an unknown app id). Read it without trusting it, only
        // to tell the admin what to fix; an unverified answer never makes the test pass.
        try {
          const a = (await sdk.exec(
            'alipay.trade.query',
            { bizContent: { out_trade_no: probe } },
            { validateSign: false },
          )) as AlipayAnswer;
          if (a && typeof a.code === 'string' && a.code !== '10000' && a.sub_code !== 'ACQ.TRADE_NOT_EXIST')
            return { ok: false, ...describe(a) };
        } catch {
          // fall through to the signature problem
        }
        return { ok: false, code: x.code, message: "Alipay's answer does not verify: check Alipay's public key or certificates" };
      }
      const a = x.answer;
      // Alipay looked for the trade, so it accepted our signature and app id.
      if ((a.code === '40004' && a.sub_code === 'ACQ.TRADE_NOT_EXIST') || a.code === '10000') return { ok: true };
      return { ok: false, ...describe(a) };
    },
  };
  return gateway;
}
