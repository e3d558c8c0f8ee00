import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createPublicKey, createSign, createVerify, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { alipayCertSn, alipayRootCertSn, issueCertificate, type DistinguishedName } from '../alipay/x509';

/**
 * A local Alipay openapi gateway for tests and training mode, speaking the protocol alipay-sdk
 * speaks to the real one: POST /gateway.do with the common parameters in the URL query and
 * biz_content in a form body, RSA2-signed by the merchant; answers
 * `{"<method_with_underscores>_response":{…},"sign":"…"}` signed with the fake's own Alipay key
 * (plus `alipay_cert_sn` in the certificate mode). It verifies every request's signature and app id,
 * keeps trades and the money in memory, and can be scripted to misbehave the ways real payments do.
 *
 * It imports nothing from test code: training mode runs it inside the app.
 */

export type FakeAlipayKeyMode = 'publicKey' | 'cert';

export interface FakeAlipayOptions {
  appId?: string;
  keyMode?: FakeAlipayKeyMode;
  /** The merchant's public key (PEM); a merchant key pair is generated when absent. */
  merchantPublicKey?: string;
  port?: number;
  /** Added before each answer, to look like a network. */
  latencyMs?: number;
  /** For gmt_* fields and certificate validity. */
  now?: () => number;
  /**
   * How a payment code behaves when no scripted step applies (training mode's rules, e.g. a code
   * ending in 0 asks the customer to confirm). Default: paid at once.
   */
  onPay?: (authCode: string, amount: number) => FakeAlipayStep | null;
}

export type FakeAlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

export interface FakeAlipayTrade {
  outTradeNo: string;
  /** Alipay's own trade number. */
  tradeNo: string;
  kind: 'pay' | 'precreate' | 'page' | 'cancelled_before_pay';
  /** Fen. */
  amount: number;
  subject: string;
  status: FakeAlipayTradeStatus;
  /** A precreated trade exists for queries only once the customer has scanned its QR, as at Alipay. */
  scanned: boolean;
  buyerLogonId: string;
  buyerId: string;
  notifyUrl: string | null;
  /** Page pay: where the cashier sends the buyer back. */
  returnUrl?: string | null;
  qrCode: string | null;
  /** Fen taken from the customer. */
  paid: number;
  /** Fen given back (refunds and cancels). */
  refunded: number;
  /** By out_request_no: one refund each, however often it is asked for. */
  refunds: Map<string, { amount: number; at: number }>;
  /** WAIT_BUYER_PAY answers left before the customer confirms on their phone. */
  waitingLeft: number;
  createdAt: number;
  paidAt: number | null;
}

export type FakeAlipayDecline =
  | 'ACQ.PAYMENT_AUTH_CODE_INVALID'
  | 'ACQ.BUYER_BALANCE_NOT_ENOUGH'
  | 'ACQ.TRADE_HAS_CLOSE'
  | 'ACQ.PAYMENT_FAIL'
  /** Refunds: the merchant's balance cannot cover it, or the refund period is over. */
  | 'ACQ.SELLER_BALANCE_NOT_ENOUGH'
  | 'ACQ.REFUND_FEE_ERROR';

/** One misbehaviour for the next request (of `method`, when given). */
export type FakeAlipayStep = { method?: string } & (
  | /** The customer must confirm on their phone: `times` answers of 10003 / WAIT_BUYER_PAY, then paid (Infinity: never). */
    { kind: 'waiting'; times: number } /** 20000 / ACQ.SYSTEM_ERROR without doing anything. */
  | { kind: 'system_error' } /** 40004 / ACQ.SYSTEM_ERROR after doing the work (Alipay's "unknown, query it"). */
  | { kind: 'system_error_after' } /** Never answers (until close). */
  | { kind: 'hang' } /** Does the work, then drops the connection without an answer. */
  | { kind: 'drop_after' } /** A business refusal, no money moved. */
  | { kind: 'decline'; subCode: FakeAlipayDecline } /** Answers normally but signed with a key that is not Alipay's. */
  | { kind: 'bad_signature' }
);

export interface FakeAlipayNoticeOptions {
  /** How many times the same notification is sent (Alipay re-sends until it reads "success"). */
  times?: number;
  /** Signed with a key that is not Alipay's. */
  badSignature?: boolean;
  /** Addressed to another app (properly signed). */
  appId?: string;
  /** Names another amount (fen) than the trade's (properly signed). */
  amount?: number;
}

export interface FakeAlipay {
  url: string;
  appId: string;
  keyMode: FakeAlipayKeyMode;
  /** PEM (PKCS8); null when the merchant brought its own key. */
  merchantPrivateKey: string | null;
  merchantPublicKey: string;
  /** The fake's Alipay public key (PEM), for the public-key mode. */
  alipayPublicKey: string;
  /** Certificate mode: the app certificate (for merchantPublicKey), Alipay's public certificate and the root. */
  appCert: string | null;
  alipayPublicCert: string | null;
  alipayRootCert: string | null;
  trades: Map<string, FakeAlipayTrade>;
  /** Every request that reached the gateway, in order (method and out_trade_no), refused ones included. */
  requests: { method: string; outTradeNo: string | null; refused: string | null }[];
  script(...steps: FakeAlipayStep[]): void;
  /** Fen the shop holds from this fake: paid minus refunded, over every trade. */
  collected(): number;
  /** The customer scans a precreated QR (the trade becomes visible to queries). */
  customerScans(outTradeNo: string): void;
  /** The customer confirms: the trade is paid and the notification goes to its notify_url. Resolves with the replies. */
  customerPays(outTradeNo: string, opts?: FakeAlipayNoticeOptions): Promise<{ status: number; body: string }[]>;
  /** The form body of the notification Alipay would send for the trade now. */
  noticeFor(outTradeNo: string, opts?: FakeAlipayNoticeOptions): { headers: Record<string, string>; body: string };
  close(): Promise<void>;
}

const SIGNED_EMPTY_OK = new Set(['sign']);
/** The methods a buyer's browser opens (the cashier), rather than a server calling. */
const PAGE_METHODS = new Set(['alipay.trade.page.pay', 'alipay.trade.wap.pay']);

function pem(key: KeyObject, type: 'spki' | 'pkcs8'): string {
  return key.export({ type, format: 'pem' }) as string;
}

/** yyyy-MM-dd HH:mm:ss in Beijing time, as Alipay writes times. */
function beijing(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

function fenToYuan(fen: number): string {
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
function yuanToFen(yuan: unknown): number | null {
  if (typeof yuan !== 'string') return null;
  const m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(yuan);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

/** Alipay's request sign content: every parameter but `sign`, empty ones left out, sorted, name=value joined by '&'. */
function requestSignContent(params: Map<string, string>): string {
  return [...params.keys()]
    .filter((k) => !SIGNED_EMPTY_OK.has(k) && params.get(k) !== '')
    .sort()
    .map((k) => `${k}=${params.get(k)}`)
    .join('&');
}

export async function startFakeAlipay(opts: FakeAlipayOptions = {}): Promise<FakeAlipay> {
  const now = opts.now ?? Date.now;
  const appId = opts.appId ?? '2021000000000001';
  const keyMode = opts.keyMode ?? 'publicKey';
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alipayKeys = rsa();
  const forger = rsa();
  let merchantPrivateKey: string | null = null;
  let merchantPublic: KeyObject;
  if (opts.merchantPublicKey) {
    // A shop may hand the fake its public key or its app certificate.
    merchantPublic = opts.merchantPublicKey.includes('CERTIFICATE')
      ? new X509Certificate(opts.merchantPublicKey).publicKey
      : createPublicKey(opts.merchantPublicKey);
  } else {
    const merchant = rsa();
    merchantPrivateKey = pem(merchant.privateKey, 'pkcs8');
    merchantPublic = merchant.publicKey;
  }

  let appCert: string | null = null;
  let alipayPublicCert: string | null = null;
  let alipayRootCert: string | null = null;
  let expectedAppCertSn = '';
  let expectedRootSn = '';
  let alipayCertSnValue = '';
  if (keyMode === 'cert') {
    const root = rsa();
    const rootDn: DistinguishedName = { C: 'CN', O: 'Countertop Training', OU: 'Fake Alipay', CN: 'Fake Alipay Root CA' };
    const t = now();
    alipayRootCert = issueCertificate({
      subject: rootDn,
      subjectKey: root.publicKey,
      issuer: rootDn,
      issuerKey: root.privateKey,
      ca: true,
      notBefore: t - 86_400_000,
      notAfter: t + 3650 * 86_400_000,
    });
    alipayPublicCert = issueCertificate({
      subject: { C: 'CN', O: 'Countertop Training', OU: 'Fake Alipay', CN: `Fake Alipay public key for ${appId}` },
      subjectKey: alipayKeys.publicKey,
      issuer: rootDn,
      issuerKey: root.privateKey,
      ca: false,
      notBefore: t - 86_400_000,
      notAfter: t + 365 * 86_400_000,
    });
    appCert = issueCertificate({
      subject: { C: 'CN', O: 'Countertop Training', OU: 'Shop', CN: appId },
      subjectKey: merchantPublic,
      issuer: rootDn,
      issuerKey: root.privateKey,
      ca: false,
      notBefore: t - 86_400_000,
      notAfter: t + 365 * 86_400_000,
    });
    expectedAppCertSn = alipayCertSn(new X509Certificate(appCert));
    expectedRootSn = alipayRootCertSn(alipayRootCert);
    alipayCertSnValue = alipayCertSn(new X509Certificate(alipayPublicCert));
  }

  const trades = new Map<string, FakeAlipayTrade>();
  const requests: FakeAlipay['requests'] = [];
  const steps: FakeAlipayStep[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;

  const alipayTradeNo = () => {
    seq += 1;
    const d = beijing(now()).slice(0, 10).replaceAll('-', '');
    return `${d}22001${String(seq).padStart(5, '0')}${randomBytes(4).readUInt32BE(0).toString().padStart(10, '0').slice(0, 10)}`;
  };
  const buyer = () => {
    const tail = String(randomBytes(2).readUInt16BE(0) % 10000).padStart(4, '0');
    return { logon: `138****${tail}`, id: `2088${randomBytes(6).readUIntBE(0, 6).toString().padStart(12, '0').slice(0, 12)}` };
  };

  function takeStep(method: string): FakeAlipayStep | null {
    const i = steps.findIndex((s) => !s.method || s.method === method);
    if (i < 0) return null;
    return steps.splice(i, 1)[0]!;
  }

  function signAnswer(method: string | null, body: Record<string, unknown>, withKey: KeyObject, signed = true): string {
    const key = method ? `${method.replaceAll('.', '_')}_response` : 'error_response';
    // Alipay escapes '/' in its JSON; the signature covers the text exactly as sent.
    const inner = JSON.stringify(body).replaceAll('/', '\\/');
    if (!signed) return `{"${key}":${inner}}`;
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(withKey, 'base64');
    const certSn = keyMode === 'cert' ? `,"alipay_cert_sn":"${alipayCertSnValue}"` : '';
    return `{"${key}":${inner}${certSn},"sign":"${sign}"}`;
  }

  const fail = (code: string, msg: string, subCode: string, subMsg: string) => ({ code, msg, sub_code: subCode, sub_msg: subMsg });
  const business = (subCode: string, subMsg: string) => fail('40004', 'Business Failed', subCode, subMsg);
  const ok = (fields: Record<string, unknown>) => ({ code: '10000', msg: 'Success', ...fields });

  function paidFields(t: FakeAlipayTrade) {
    return {
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_logon_id: t.buyerLogonId,
      buyer_user_id: t.buyerId,
      total_amount: fenToYuan(t.amount),
      receipt_amount: fenToYuan(t.amount),
      buyer_pay_amount: fenToYuan(t.amount),
      gmt_payment: beijing(t.paidAt ?? now()),
      fund_bill_list: [{ fund_channel: 'ALIPAYACCOUNT', amount: fenToYuan(t.amount) }],
    };
  }

  function confirm(t: FakeAlipayTrade) {
    if (t.status !== 'WAIT_BUYER_PAY') return;
    t.status = 'TRADE_SUCCESS';
    t.scanned = true;
    t.paid = t.amount;
    t.paidAt = now();
    t.waitingLeft = 0;
  }

  /** One business method; `step` is the scripted misbehaviour that shapes the work, if any. */
  function handle(
    method: string,
    biz: Record<string, unknown>,
    notifyUrl: string | null,
    step: FakeAlipayStep | null,
  ): Record<string, unknown> {
    const outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : '';
    if (!outTradeNo || outTradeNo.length > 64)
      return fail('40002', 'Invalid Arguments', 'isv.invalid-parameter', 'out_trade_no is missing or too long');
    const existing = trades.get(outTradeNo);
    switch (method) {
      case 'alipay.trade.pay': {
        const amount = yuanToFen(biz.total_amount);
        if (amount === null || amount <= 0) return business('ACQ.INVALID_PARAMETER', 'total_amount is not an amount');
        if (biz.scene !== 'bar_code' || typeof biz.auth_code !== 'string')
          return business('ACQ.INVALID_PARAMETER', 'scene bar_code with auth_code');
        if (existing) {
          if (existing.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
          if (existing.amount !== amount) return business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
          if (existing.status === 'WAIT_BUYER_PAY')
            return { code: '10003', msg: ' order success pay inprocess', trade_no: existing.tradeNo, out_trade_no: outTradeNo };
          return ok(paidFields(existing));
        }
        if (step?.kind === 'decline') return business(step.subCode, 'declined');
        if (!/^(2[5-9]|30)\d{14,22}$/.test(biz.auth_code))
          return business('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败');
        const who = buyer();
        const t: FakeAlipayTrade = {
          outTradeNo,
          tradeNo: alipayTradeNo(),
          kind: 'pay',
          amount,
          subject: String(biz.subject ?? ''),
          status: 'WAIT_BUYER_PAY',
          scanned: true,
          buyerLogonId: who.logon,
          buyerId: who.id,
          notifyUrl,
          qrCode: null,
          paid: 0,
          refunded: 0,
          refunds: new Map(),
          waitingLeft: 0,
          createdAt: now(),
          paidAt: null,
        };
        trades.set(outTradeNo, t);
        if (step?.kind === 'waiting' && step.times > 0) {
          t.waitingLeft = step.times - 1;
          return {
            code: '10003',
            msg: ' order success pay inprocess',
            trade_no: t.tradeNo,
            out_trade_no: outTradeNo,
            buyer_logon_id: t.buyerLogonId,
          };
        }
        confirm(t);
        return ok(paidFields(t));
      }
      case 'alipay.trade.precreate': {
        const amount = yuanToFen(biz.total_amount);
        if (amount === null || amount <= 0) return business('ACQ.INVALID_PARAMETER', 'total_amount is not an amount');
        if (existing) {
          if (existing.status === 'TRADE_CLOSED') return business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
          if (existing.amount !== amount) return business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
          if (existing.status !== 'WAIT_BUYER_PAY') return business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
          return ok({ out_trade_no: outTradeNo, qr_code: existing.qrCode });
        }
        const who = buyer();
        const t: FakeAlipayTrade = {
          outTradeNo,
          tradeNo: alipayTradeNo(),
          kind: 'precreate',
          amount,
          subject: String(biz.subject ?? ''),
          status: 'WAIT_BUYER_PAY',
          scanned: false,
          buyerLogonId: who.logon,
          buyerId: who.id,
          notifyUrl,
          qrCode: `https://qr.alipay.com/bax${randomBytes(12).toString('hex')}`,
          paid: 0,
          refunded: 0,
          refunds: new Map(),
          waitingLeft: Infinity,
          createdAt: now(),
          paidAt: null,
        };
        trades.set(outTradeNo, t);
        return ok({ out_trade_no: outTradeNo, qr_code: t.qrCode });
      }
      case 'alipay.trade.query': {
        if (!existing || (existing.kind === 'precreate' && !existing.scanned) || existing.kind === 'cancelled_before_pay')
          return business('ACQ.TRADE_NOT_EXIST', '交易不存在');
        if (existing.status === 'WAIT_BUYER_PAY') {
          if (existing.waitingLeft > 0) existing.waitingLeft -= 1;
          else confirm(existing);
        }
        const base = {
          trade_no: existing.tradeNo,
          out_trade_no: outTradeNo,
          buyer_logon_id: existing.buyerLogonId,
          buyer_user_id: existing.buyerId,
          trade_status: existing.status,
          total_amount: fenToYuan(existing.amount),
          send_pay_date: existing.paidAt ? beijing(existing.paidAt) : undefined,
        };
        return ok(existing.status === 'TRADE_SUCCESS' ? { ...paidFields(existing), ...base } : base);
      }
      case 'alipay.trade.cancel': {
        if (!existing) {
          // Alipay closes the number so that a pay request still on its way cannot take money later.
          trades.set(outTradeNo, {
            outTradeNo,
            tradeNo: '',
            kind: 'cancelled_before_pay',
            amount: 0,
            subject: '',
            status: 'TRADE_CLOSED',
            scanned: false,
            buyerLogonId: '',
            buyerId: '',
            notifyUrl: null,
            qrCode: null,
            paid: 0,
            refunded: 0,
            refunds: new Map(),
            waitingLeft: 0,
            createdAt: now(),
            paidAt: null,
          });
          return ok({ out_trade_no: outTradeNo, retry_flag: 'N', action: 'close' });
        }
        if (existing.refunds.size > 0) return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        if (existing.status === 'TRADE_SUCCESS') {
          existing.refunded = existing.paid;
          existing.status = 'TRADE_CLOSED';
          return ok({ trade_no: existing.tradeNo, out_trade_no: outTradeNo, retry_flag: 'N', action: 'refund' });
        }
        if (existing.status === 'TRADE_FINISHED') return business('ACQ.TRADE_CANCEL_TIME_OUT', '超过撤销时间范围');
        existing.status = 'TRADE_CLOSED';
        return ok({ trade_no: existing.tradeNo || undefined, out_trade_no: outTradeNo, retry_flag: 'N', action: 'close' });
      }
      case 'alipay.trade.refund': {
        const amount = yuanToFen(biz.refund_amount);
        if (amount === null || amount <= 0) return business('ACQ.INVALID_PARAMETER', 'refund_amount is not an amount');
        if (!existing || existing.kind === 'cancelled_before_pay' || (existing.kind === 'precreate' && !existing.scanned))
          return business('ACQ.TRADE_NOT_EXIST', '交易不存在');
        const requestNo = typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : outTradeNo;
        const before = existing.refunds.get(requestNo);
        const answer = (fundChange: 'Y' | 'N') =>
          ok({
            trade_no: existing.tradeNo,
            out_trade_no: outTradeNo,
            buyer_logon_id: existing.buyerLogonId,
            fund_change: fundChange,
            refund_fee: fenToYuan(existing.refunded || amount),
          });
        if (before) {
          if (before.amount !== amount) return business('ACQ.DISCORDANT_REPEAT_REQUEST', '重复请求不一致');
          return answer('N');
        }
        if (existing.status !== 'TRADE_SUCCESS') return business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        // A scripted refusal: nothing is refunded, and the same request number may be sent again.
        if (step?.kind === 'decline') return business(step.subCode, '退款失败');
        if (existing.refunded + amount > existing.paid) return business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
        existing.refunds.set(requestNo, { amount, at: now() });
        existing.refunded += amount;
        if (existing.refunded === existing.paid) existing.status = 'TRADE_CLOSED';
        return answer('Y');
      }
      case 'alipay.trade.fastpay.refund.query': {
        if (!existing || existing.kind === 'cancelled_before_pay' || (existing.kind === 'precreate' && !existing.scanned))
          return business('ACQ.TRADE_NOT_EXIST', '交易不存在');
        const requestNo = typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : outTradeNo;
        const r = existing.refunds.get(requestNo);
        if (!r) return ok({ trade_no: existing.tradeNo, out_trade_no: outTradeNo });
        return ok({
          trade_no: existing.tradeNo,
          out_trade_no: outTradeNo,
          out_request_no: requestNo,
          total_amount: fenToYuan(existing.amount),
          refund_amount: fenToYuan(r.amount),
          refund_status: 'REFUND_SUCCESS',
          gmt_refund_pay: beijing(r.at),
        });
      }
      default:
        return fail('40004', 'Business Failed', 'isv.invalid-method', '不存在的方法名');
    }
  }

  async function readBody(req: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 256 * 1024) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname === '/cashier/pay' && req.method === 'POST' && body !== null) return cashierPay(new URLSearchParams(body), res);
    if (url.pathname === '/gateway.do' && req.method === 'GET' && PAGE_METHODS.has(url.searchParams.get('method') ?? ''))
      return pagePay(url.searchParams, res);
    if (req.method !== 'POST' || url.pathname !== '/gateway.do' || body === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const params = new Map<string, string>();
    for (const [k, v] of url.searchParams) params.set(k, v);
    for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    const method = params.get('method') ?? '';
    const send = (text: string) => {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' }).end(text);
    };
    let outTradeNo: string | null = null;
    let biz: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(params.get('biz_content') ?? '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) biz = parsed as Record<string, unknown>;
      outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : null;
    } catch {
      biz = {};
    }
    // Training mode runs for days: keep the recent requests only.
    if (requests.length >= 1000) requests.splice(0, requests.length - 999);
    const refuse = (answer: Record<string, unknown>, signed = true) => {
      requests.push({ method, outTradeNo, refused: String(answer.sub_code) });
      send(signAnswer(method || null, answer, alipayKeys.privateKey, signed));
    };

    // The gateway's own checks, in Alipay's order: app, parameters, certificates, signature.
    if (params.get('app_id') !== appId) return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数'), false);
    if (!method) return refuse(fail('40001', 'Missing Required Arguments', 'isv.missing-method', '缺少方法名参数'));
    if (params.get('sign_type') !== 'RSA2')
      return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-signature-type', '无效的签名类型'));
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.get('timestamp') ?? ''))
      return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-timestamp', '非法的时间戳参数'));
    if (params.get('version') !== '1.0') return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-version', '无效的版本号'));
    if (keyMode === 'cert') {
      if (params.get('app_cert_sn') !== expectedAppCertSn)
        return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-app-cert-sn', '应用公钥证书序列号不匹配'));
      if (params.get('alipay_root_cert_sn') !== expectedRootSn)
        return refuse(fail('40002', 'Invalid Arguments', 'isv.invalid-alipay-root-cert-sn', '支付宝根证书序列号不匹配'));
    }
    const verified = (() => {
      try {
        return createVerify('RSA-SHA256')
          .update(requestSignContent(params), 'utf8')
          .verify(merchantPublic, params.get('sign') ?? '', 'base64');
      } catch {
        return false;
      }
    })();
    if (!verified)
      return refuse(
        fail(
          '40002',
          'Invalid Arguments',
          'isv.invalid-signature',
          `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${requestSignContent(params)}`,
        ),
      );

    let step = takeStep(method);
    if (!step && method === 'alipay.trade.pay' && opts.onPay && typeof biz.auth_code === 'string')
      step = opts.onPay(biz.auth_code, yuanToFen(biz.total_amount) ?? 0);
    requests.push({ method, outTradeNo, refused: null });
    if (step?.kind === 'hang') return; // the socket is destroyed on close()
    if (step?.kind === 'system_error')
      return send(
        signAnswer(method, fail('20000', 'Service Currently Unavailable', 'isp.unknow-error', '系统繁忙'), alipayKeys.privateKey),
      );
    const notifyUrl = params.get('notify_url') ?? null;
    const answer = handle(method, biz, notifyUrl, step);
    if (step?.kind === 'drop_after') {
      req.socket.destroy();
      return;
    }
    if (step?.kind === 'system_error_after')
      return send(signAnswer(method, business('ACQ.SYSTEM_ERROR', '系统错误'), alipayKeys.privateKey));
    send(signAnswer(method, answer, step?.kind === 'bad_signature' ? forger.privateKey : alipayKeys.privateKey));
  }

  /** The signature, app and version checks of a gateway request, for the page methods (a GET from the buyer's browser). */
  function pageRefusal(params: Map<string, string>): string | null {
    if (params.get('app_id') !== appId) return 'isv.invalid-app-id';
    if (params.get('sign_type') !== 'RSA2') return 'isv.invalid-signature-type';
    if (params.get('version') !== '1.0') return 'isv.invalid-version';
    if (keyMode === 'cert' && params.get('app_cert_sn') !== expectedAppCertSn) return 'isv.invalid-app-cert-sn';
    try {
      const ok = createVerify('RSA-SHA256')
        .update(requestSignContent(params), 'utf8')
        .verify(merchantPublic, params.get('sign') ?? '', 'base64');
      return ok ? null : 'isv.invalid-signature';
    } catch {
      return 'isv.invalid-signature';
    }
  }

  const escape = (v: string) => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

  /** alipay.trade.page.pay / wap.pay: the cashier page where the buyer pays (a form posting to /cashier/pay). */
  function pagePay(query: URLSearchParams, res: ServerResponse) {
    const params = new Map<string, string>();
    for (const [k, v] of query) params.set(k, v);
    const method = params.get('method') ?? '';
    let biz: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(params.get('biz_content') ?? '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) biz = parsed as Record<string, unknown>;
    } catch {
      biz = {};
    }
    const outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : '';
    const refused = pageRefusal(params);
    const amount = yuanToFen(biz.total_amount);
    if (refused || !outTradeNo || amount === null || amount <= 0) {
      requests.push({ method, outTradeNo: outTradeNo || null, refused: refused ?? 'ACQ.INVALID_PARAMETER' });
      res.writeHead(400, { 'content-type': 'text/html;charset=utf-8' }).end(`<h1>错误 ${escape(refused ?? 'ACQ.INVALID_PARAMETER')}</h1>`);
      return;
    }
    requests.push({ method, outTradeNo, refused: null });
    let t = trades.get(outTradeNo);
    if (t && t.amount !== amount) {
      res.writeHead(400, { 'content-type': 'text/html;charset=utf-8' }).end('<h1>ACQ.CONTEXT_INCONSISTENT</h1>');
      return;
    }
    if (!t) {
      const who = buyer();
      t = {
        outTradeNo,
        tradeNo: alipayTradeNo(),
        kind: 'page',
        amount,
        subject: String(biz.subject ?? ''),
        status: 'WAIT_BUYER_PAY',
        scanned: true,
        buyerLogonId: who.logon,
        buyerId: who.id,
        notifyUrl: params.get('notify_url') ?? null,
        returnUrl: params.get('return_url') ?? null,
        qrCode: null,
        paid: 0,
        refunded: 0,
        refunds: new Map(),
        // Paid only when the buyer confirms on the cashier page, never by a query.
        waitingLeft: Infinity,
        createdAt: now(),
        paidAt: null,
      };
      trades.set(outTradeNo, t);
    }
    res
      .writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
      .end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝收银台 (training)</title></head><body>` +
          `<h1>支付宝 · ${escape(t.subject)}</h1><p class="amount">¥${fenToYuan(t.amount)}</p>` +
          `<form method="post" action="/cashier/pay"><input type="hidden" name="out_trade_no" value="${escape(outTradeNo)}">` +
          `<button type="submit">确认付款 Pay</button></form></body></html>`,
      );
  }

  /** The buyer confirms on the cashier: paid, notified, and sent back to the shop. */
  async function cashierPay(form: URLSearchParams, res: ServerResponse) {
    const t = trades.get(form.get('out_trade_no') ?? '');
    if (!t || t.kind !== 'page') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such trade');
      return;
    }
    await payPage(t.outTradeNo, {});
    const back = t.returnUrl ? new URL(t.returnUrl) : null;
    if (!back) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('paid');
      return;
    }
    back.searchParams.set('out_trade_no', t.outTradeNo);
    back.searchParams.set('trade_no', t.tradeNo);
    back.searchParams.set('total_amount', fenToYuan(t.amount));
    res.writeHead(302, { location: back.toString() }).end();
  }

  async function payPage(outTradeNo: string, o: FakeAlipayNoticeOptions = {}) {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`no trade ${outTradeNo}`);
    confirm(t);
    const replies: { status: number; body: string }[] = [];
    if (!t.notifyUrl) return replies;
    const notice = noticeFor(outTradeNo, o);
    for (let i = 0; i < (o.times ?? 1); i++) {
      try {
        const r = await fetch(t.notifyUrl, { method: 'POST', headers: notice.headers, body: notice.body });
        replies.push({ status: r.status, body: await r.text() });
      } catch {
        replies.push({ status: 0, body: '' });
      }
    }
    return replies;
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  function noticeFor(outTradeNo: string, o: FakeAlipayNoticeOptions = {}) {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`no trade ${outTradeNo}`);
    const fields: Record<string, string> = {
      notify_time: beijing(now()),
      notify_type: 'trade_status_sync',
      notify_id: `${randomBytes(16).toString('hex')}`,
      app_id: o.appId ?? appId,
      charset: 'utf-8',
      version: '1.0',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_id: t.buyerId,
      buyer_logon_id: t.buyerLogonId,
      trade_status: t.status,
      total_amount: fenToYuan(o.amount ?? t.amount),
      receipt_amount: fenToYuan(o.amount ?? t.amount),
      buyer_pay_amount: fenToYuan(o.amount ?? t.amount),
      subject: t.subject,
      gmt_create: beijing(t.createdAt),
      ...(t.paidAt ? { gmt_payment: beijing(t.paidAt) } : {}),
      fund_bill_list: JSON.stringify([{ amount: fenToYuan(t.amount), fundChannel: 'ALIPAYACCOUNT' }]),
    };
    // Notifications are signed over the sorted fields without sign and sign_type.
    const content = Object.keys(fields)
      .filter((k) => fields[k] !== '')
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&');
    const sign = createSign('RSA-SHA256')
      .update(content, 'utf8')
      .sign(o.badSignature ? forger.privateKey : alipayKeys.privateKey, 'base64');
    const body = new URLSearchParams({ ...fields, sign_type: 'RSA2', sign }).toString();
    return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    keyMode,
    merchantPrivateKey,
    merchantPublicKey: pem(merchantPublic, 'spki'),
    alipayPublicKey: pem(alipayKeys.publicKey, 'spki'),
    appCert,
    alipayPublicCert,
    alipayRootCert,
    trades,
    requests,
    script(...more: FakeAlipayStep[]) {
      steps.push(...more);
    },
    collected() {
      let sum = 0;
      for (const t of trades.values()) sum += t.paid - t.refunded;
      return sum;
    },
    customerScans(outTradeNo: string) {
      const t = trades.get(outTradeNo);
      if (t && t.status === 'WAIT_BUYER_PAY') t.scanned = true;
    },
    customerPays: payPage,
    noticeFor,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
