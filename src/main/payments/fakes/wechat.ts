/**
 * A local WeChat Pay v2 server for tests and training mode: it speaks the same XML endpoints as
 * api.mch.weixin.qq.com (micropay, orderquery, reverse, closeorder, refund, refundquery,
 * unifiedorder NATIVE), and a "phone" page standing in for WeChat's scanner (open a Native code_url,
 * confirm, and the trade is paid and notified), verifies every request's HMAC-SHA256 sign with the merchant's API key and
 * the merchant ids, keeps its trades in memory, signs every answer and notification, and can be
 * scripted to misbehave the way the real one does. It listens on plain HTTP on loopback: the real
 * /secapi endpoints also demand the merchant's client certificate (mutual TLS), which this fake
 * does not check. It imports nothing from test code: training mode runs it inside the app.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SIGN_TYPE, verifyWechatSign, wechatSign } from '../wechat/sign';
import { MAX_XML_BYTES, buildXml, parseXml } from '../wechat/xml';

export type FakeWechatEndpoint = 'micropay' | 'orderquery' | 'reverse' | 'closeorder' | 'refund' | 'refundquery' | 'unifiedorder';

const PATHS: Record<string, FakeWechatEndpoint> = {
  '/pay/micropay': 'micropay',
  '/pay/orderquery': 'orderquery',
  '/secapi/pay/reverse': 'reverse',
  '/pay/closeorder': 'closeorder',
  '/secapi/pay/refund': 'refund',
  '/pay/refundquery': 'refundquery',
  '/pay/unifiedorder': 'unifiedorder',
};

/** How the next matching request misbehaves. `on` narrows it to one endpoint; `times` (default 1) repeats it. */
export type FakeWechatStep = { on?: FakeWechatEndpoint; times?: number } & (
  | /** The customer must confirm: USERPAYING `count` times in all (micropay, then queries), then paid (or never). */
    { kind: 'userpaying'; count: number; then?: 'pay' | 'never' }
    /** Answers SYSTEMERROR; with `process` the request takes effect first (the money moves). */
  | { kind: 'systemerror'; process?: boolean }
  /**
   * Holds the answer for `ms` (default 120 s), past the client's timeout. With `process` the request
   * takes effect at once; with `late` it takes effect only when the hold ends (a request that reached
   * WeChat after the till gave up).
   */
  | { kind: 'hang'; ms?: number; process?: boolean; late?: boolean }
  /** The request takes effect, then the connection is dropped without an answer. */
  | { kind: 'drop' }
  /** micropay refused: AUTHCODEEXPIRE, NOTENOUGH, AUTH_CODE_INVALID… */
  | { kind: 'decline'; code: string; message?: string }
  /** The request takes effect; the answer's sign is wrong. */
  | { kind: 'badSign' }
  /** The request takes effect; the answer (correctly signed) names another merchant. */
  | { kind: 'otherMerchant' }
  /** reverse answers SYSTEMERROR with recall=Y and reverses nothing. */
  | { kind: 'recall' }
  /** The refund is accepted but not finished (PROCESSING), or ends CHANGE / REFUNDCLOSE; see settleRefund. */
  | { kind: 'refundStatus'; status: 'PROCESSING' | 'CHANGE' | 'REFUNDCLOSE' }
);

export type FakeWechatTradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'REVOKED' | 'PAYERROR';

export interface FakeWechatRefund {
  refundNo: string;
  refundId: string;
  amount: number;
  status: 'SUCCESS' | 'PROCESSING' | 'CHANGE' | 'REFUNDCLOSE';
}

export interface FakeWechatTrade {
  tradeNo: string;
  transactionId: string;
  tradeType: 'MICROPAY' | 'NATIVE';
  amount: number;
  state: FakeWechatTradeState;
  openid: string | null;
  codeUrl: string | null;
  notifyUrl: string | null;
  /** Fen taken from the customer. */
  charged: number;
  /** Fen given back (reverse of a paid trade, refunds that succeeded). */
  returned: number;
  refunds: Map<string, FakeWechatRefund>;
  /** USERPAYING answers still to give before the customer confirms. */
  pollsLeft: number;
  thenPay: boolean;
}

export interface FakeWechatOptions {
  appId?: string;
  mchId?: string;
  subMchId?: string;
  /** The merchant's v2 API key; generated when absent. */
  apiKey?: string;
  port?: number;
  /** Added before every answer, to look like a real round trip. */
  latencyMs?: number;
}

export interface NoticeDelivery {
  status: number;
  body: string;
}

export interface FakeWechat {
  url: string;
  appId: string;
  mchId: string;
  subMchId: string | undefined;
  apiKey: string;
  trades: Map<string, FakeWechatTrade>;
  /** Queues misbehaviour for the next matching request(s). */
  script(...steps: FakeWechatStep[]): void;
  /**
   * The customer confirms: a NATIVE trade (scanned QR) or a code payment waiting for the password
   * becomes paid. For NATIVE, the signed notification is POSTed to its notify_url `times` times
   * (default 1), signed with a wrong key when `badSign`. Resolves with each delivery's answer.
   */
  customerPays(
    tradeNo: string,
    opts?: { times?: number; badSign?: boolean },
  ): Promise<{ notice: string | null; deliveries: (NoticeDelivery | { error: string })[] }>;
  /** Fen the customer has paid for this trade and not been given back. */
  kept(tradeNo: string): number;
  /** A PROCESSING refund finishes (SUCCESS gives the money back). */
  settleRefund(refundNo: string, status?: 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE'): void;
  close(): Promise<void>;
}

type Fields = Record<string, string>;
interface Outcome {
  /** Business fields of the answer (result_code and the rest). */
  f: Fields;
}

function beijingTime(d = new Date()): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`;
}

const fail = (code: string, des: string, extra: Fields = {}): Outcome => ({
  f: { result_code: 'FAIL', err_code: code, err_code_des: des, ...extra },
});
const isFen = (v: string | undefined): v is string => v !== undefined && /^[1-9]\d{0,11}$/.test(v);

export async function startFakeWechat(opts: FakeWechatOptions = {}): Promise<FakeWechat> {
  const appId = opts.appId ?? 'wx2421b1c4370ec43b';
  const mchId = opts.mchId ?? '10000100';
  const subMchId = opts.subMchId;
  const apiKey = opts.apiKey ?? randomBytes(16).toString('hex');
  const trades = new Map<string, FakeWechatTrade>();
  const steps: (FakeWechatStep & { left: number })[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const newTransactionId = (): string =>
    `4200${beijingTime().slice(0, 8)}${String(Date.now() % 1e10).padStart(10, '0')}${String(++seq).padStart(6, '0')}`;
  const openidOf = (code: string): string => `o${createHash('sha256').update(code).digest('base64url').slice(0, 27)}`;

  function takeStep(endpoint: FakeWechatEndpoint): FakeWechatStep | null {
    const natural = (s: FakeWechatStep): FakeWechatEndpoint | null =>
      s.on ??
      (s.kind === 'userpaying' || s.kind === 'decline'
        ? 'micropay'
        : s.kind === 'recall'
          ? 'reverse'
          : s.kind === 'refundStatus'
            ? 'refund'
            : null);
    const i = steps.findIndex((s) => {
      const on = natural(s);
      return on === null || on === endpoint;
    });
    if (i < 0) return null;
    const s = steps[i]!;
    if (--s.left <= 0) steps.splice(i, 1);
    return s;
  }

  function pay(t: FakeWechatTrade, openid: string): void {
    t.state = 'SUCCESS';
    t.openid = openid;
    t.charged = t.amount;
  }

  function tradeFields(t: FakeWechatTrade): Fields {
    const f: Fields = {
      out_trade_no: t.tradeNo,
      transaction_id: t.transactionId,
      trade_type: t.tradeType,
      total_fee: String(t.amount),
      fee_type: 'CNY',
    };
    if (t.charged > 0) {
      f.openid = t.openid ?? '';
      f.is_subscribe = 'N';
      f.bank_type = 'OTHERS';
      f.cash_fee = String(t.amount);
      f.time_end = beijingTime();
    }
    return f;
  }

  function micropay(req: Fields, step: FakeWechatStep | null): Outcome {
    const tradeNo = req.out_trade_no ?? '';
    if (!tradeNo || !isFen(req.total_fee) || !req.body || !req.spbill_create_ip || !req.auth_code) return fail('LACK_PARAMS', '缺少参数');
    if ((req.fee_type ?? 'CNY') !== 'CNY') return fail('PARAM_ERROR', '币种错误');
    if (!/^1[0-5]\d{16}$/.test(req.auth_code)) return fail('AUTH_CODE_INVALID', '付款码无效');
    const amount = Number(req.total_fee);
    const old = trades.get(tradeNo);
    if (old) {
      if (old.state === 'REVOKED') return fail('ORDERREVERSED', '订单已撤销');
      if (old.amount !== amount || old.tradeType !== 'MICROPAY') return fail('OUT_TRADE_NO_USED', '商户订单号重复');
      if (old.state === 'SUCCESS' || old.state === 'REFUND') return fail('ORDERPAID', '订单已支付');
      if (old.state === 'CLOSED') return fail('ORDERCLOSED', '订单已关闭');
      if (old.state === 'USERPAYING') return fail('USERPAYING', '需要用户输入支付密码');
      return fail('TRADE_ERROR', '交易错误');
    }
    const t: FakeWechatTrade = {
      tradeNo,
      transactionId: newTransactionId(),
      tradeType: 'MICROPAY',
      amount,
      state: 'USERPAYING',
      openid: null,
      codeUrl: null,
      notifyUrl: null,
      charged: 0,
      returned: 0,
      refunds: new Map(),
      pollsLeft: 0,
      thenPay: true,
    };
    trades.set(tradeNo, t);
    if (step?.kind === 'decline') {
      t.state = 'PAYERROR';
      return fail(step.code, step.message ?? step.code);
    }
    if (step?.kind === 'userpaying' && step.count > 0) {
      t.pollsLeft = step.count - 1;
      t.thenPay = step.then !== 'never';
      t.openid = openidOf(req.auth_code);
      return fail('USERPAYING', '需要用户输入支付密码');
    }
    pay(t, openidOf(req.auth_code));
    return { f: { result_code: 'SUCCESS', ...tradeFields(t) } };
  }

  function orderquery(req: Fields): Outcome {
    const t = trades.get(req.out_trade_no ?? '');
    if (!t) return fail('ORDERNOTEXIST', '此交易订单号不存在');
    if (t.state === 'USERPAYING') {
      if (t.pollsLeft > 0) t.pollsLeft--;
      else if (t.thenPay) pay(t, t.openid ?? 'oFakeCustomer0000');
    }
    const desc: Record<FakeWechatTradeState, string> = {
      NOTPAY: '未支付',
      USERPAYING: '需要用户输入支付密码',
      SUCCESS: '支付成功',
      REFUND: '转入退款',
      CLOSED: '已关闭',
      REVOKED: '已撤销',
      PAYERROR: '支付失败',
    };
    return { f: { result_code: 'SUCCESS', ...tradeFields(t), trade_state: t.state, trade_state_desc: desc[t.state] } };
  }

  function reverse(req: Fields, step: FakeWechatStep | null): Outcome {
    if (step?.kind === 'recall') return fail('SYSTEMERROR', '系统错误', { recall: 'Y' });
    const tradeNo = req.out_trade_no ?? '';
    const t = trades.get(tradeNo);
    if (!t) {
      // A late micropay for a reversed number must not charge anyone: keep a revoked tombstone.
      trades.set(tradeNo, {
        tradeNo,
        transactionId: newTransactionId(),
        tradeType: 'MICROPAY',
        amount: 0,
        state: 'REVOKED',
        openid: null,
        codeUrl: null,
        notifyUrl: null,
        charged: 0,
        returned: 0,
        refunds: new Map(),
        pollsLeft: 0,
        thenPay: false,
      });
      return { f: { result_code: 'SUCCESS', recall: 'N' } };
    }
    if (t.tradeType !== 'MICROPAY') return fail('TRADE_ERROR', '非付款码订单不能撤销', { recall: 'N' });
    if (t.refunds.size > 0) return fail('TRADE_ERROR', '已退款订单不能撤销', { recall: 'N' });
    if (t.state !== 'REVOKED') {
      t.returned = t.charged;
      t.state = 'REVOKED';
    }
    return { f: { result_code: 'SUCCESS', recall: 'N' } };
  }

  function closeorder(req: Fields): Outcome {
    const t = trades.get(req.out_trade_no ?? '');
    if (!t) return fail('ORDERNOTEXIST', '此交易订单号不存在');
    if (t.state === 'SUCCESS' || t.state === 'REFUND') return fail('ORDERPAID', '订单已支付');
    if (t.state === 'CLOSED') return fail('ORDERCLOSED', '订单已关闭');
    t.state = 'CLOSED';
    return { f: { result_code: 'SUCCESS' } };
  }

  function refundAnswer(t: FakeWechatTrade, r: FakeWechatRefund): Outcome {
    return {
      f: {
        result_code: 'SUCCESS',
        out_trade_no: t.tradeNo,
        transaction_id: t.transactionId,
        out_refund_no: r.refundNo,
        refund_id: r.refundId,
        refund_fee: String(r.amount),
        total_fee: String(t.amount),
        cash_fee: String(t.amount),
      },
    };
  }

  /** Fen refunded or on their way back: what no further refund may take again. */
  const committed = (t: FakeWechatTrade): number =>
    t.returned + [...t.refunds.values()].filter((r) => r.status === 'PROCESSING').reduce((a, r) => a + r.amount, 0);

  function refund(req: Fields, step: FakeWechatStep | null): Outcome {
    const t = trades.get(req.out_trade_no ?? '');
    const refundNo = req.out_refund_no ?? '';
    if (!refundNo || !isFen(req.total_fee) || !isFen(req.refund_fee)) return fail('PARAM_ERROR', '参数错误');
    if (!t || t.charged === 0) return fail('ORDERNOTEXIST', '订单不存在或未支付');
    if (Number(req.total_fee) !== t.amount) return fail('PARAM_ERROR', '订单金额与之前请求不一致');
    const amount = Number(req.refund_fee);
    const old = t.refunds.get(refundNo);
    if (old) {
      // The same out_refund_no is one refund, however often it is sent.
      if (old.amount !== amount) return fail('PARAM_ERROR', '退款金额与之前请求不一致');
      return refundAnswer(t, old);
    }
    if (t.state === 'REVOKED') return fail('TRADE_OVERDUE', '订单已撤销');
    if (committed(t) + amount > t.charged) return fail('INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const status = step?.kind === 'refundStatus' ? step.status : 'SUCCESS';
    const r: FakeWechatRefund = { refundNo, refundId: `50${newTransactionId().slice(4)}`, amount, status };
    t.refunds.set(refundNo, r);
    if (status === 'SUCCESS') t.returned += amount;
    t.state = 'REFUND';
    return refundAnswer(t, r);
  }

  function refundquery(req: Fields): Outcome {
    const refundNo = req.out_refund_no ?? '';
    for (const t of trades.values()) {
      const r = t.refunds.get(refundNo);
      if (!r) continue;
      return {
        f: {
          result_code: 'SUCCESS',
          out_trade_no: t.tradeNo,
          transaction_id: t.transactionId,
          total_fee: String(t.amount),
          cash_fee: String(t.amount),
          refund_count: '1',
          out_refund_no_0: r.refundNo,
          refund_id_0: r.refundId,
          refund_fee_0: String(r.amount),
          refund_status_0: r.status,
          refund_success_time_0: '2026-01-01 12:00:00',
        },
      };
    }
    return fail('REFUNDNOTEXIST', '退款订单查询失败');
  }

  function unifiedorder(req: Fields): Outcome {
    const tradeNo = req.out_trade_no ?? '';
    if (req.trade_type !== 'NATIVE') return fail('PARAM_ERROR', '此服务器只支持 NATIVE');
    if (!tradeNo || !isFen(req.total_fee) || !req.body || !req.notify_url || !req.product_id || !req.spbill_create_ip)
      return fail('LACK_PARAMS', '缺少参数');
    if ((req.fee_type ?? 'CNY') !== 'CNY') return fail('PARAM_ERROR', '币种错误');
    const amount = Number(req.total_fee);
    const old = trades.get(tradeNo);
    if (old) {
      if (old.amount !== amount || old.tradeType !== 'NATIVE') return fail('INVALID_REQUEST', '商户订单号重复');
      if (old.charged > 0) return fail('ORDERPAID', '订单已支付');
      if (old.state === 'CLOSED') return fail('ORDERCLOSED', '订单已关闭');
      return { f: { result_code: 'SUCCESS', trade_type: 'NATIVE', prepay_id: `wx${old.transactionId}`, code_url: old.codeUrl ?? '' } };
    }
    const t: FakeWechatTrade = {
      tradeNo,
      transactionId: newTransactionId(),
      tradeType: 'NATIVE',
      amount,
      state: 'NOTPAY',
      openid: null,
      codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('base64url')}`,
      notifyUrl: req.notify_url,
      charged: 0,
      returned: 0,
      refunds: new Map(),
      pollsLeft: 0,
      thenPay: true,
    };
    trades.set(tradeNo, t);
    return { f: { result_code: 'SUCCESS', trade_type: 'NATIVE', prepay_id: `wx${t.transactionId}`, code_url: t.codeUrl ?? '' } };
  }

  function handle(endpoint: FakeWechatEndpoint, req: Fields, step: FakeWechatStep | null): Outcome {
    switch (endpoint) {
      case 'micropay':
        return micropay(req, step);
      case 'orderquery':
        return orderquery(req);
      case 'reverse':
        return reverse(req, step);
      case 'closeorder':
        return closeorder(req);
      case 'refund':
        return refund(req, step);
      case 'refundquery':
        return refundquery(req);
      case 'unifiedorder':
        return unifiedorder(req);
    }
  }

  /** A signed answer: the common fields, then the business ones. */
  function signedAnswer(f: Fields, opt: { badSign?: boolean; otherMerchant?: boolean } = {}): string {
    const fields: Fields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: appId,
      mch_id: opt.otherMerchant ? `${mchId}9` : mchId,
      ...(subMchId ? { sub_mch_id: subMchId } : {}),
      nonce_str: randomBytes(16).toString('hex'),
      ...f,
    };
    fields.sign = wechatSign(fields, opt.badSign ? `${apiKey}x` : apiKey);
    return buildXml(fields);
  }

  /** A communication failure, unsigned, as WeChat sends it. */
  const returnFail = (msg: string): string => buildXml({ return_code: 'FAIL', return_msg: msg });

  function answer(res: http.ServerResponse, body: string): void {
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(body);
    };
    if (opts.latencyMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, opts.latencyMs);
      timers.add(t);
    } else send();
  }

  const escapeHtml = (v: string): string => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const nativeByCode = (code: string): FakeWechatTrade | undefined =>
    [...trades.values()].find((t) => t.tradeType === 'NATIVE' && t.codeUrl === code);

  /**
   * The buyer's phone: GET /phone/scan?code=<code_url> shows what scanning the QR shows in WeChat
   * (the merchant's trade and amount, a Pay button); POST /phone/pay pays it (the notification is
   * sent as customerPays sends it).
   */
  function phone(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const page = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>微信支付</title></head><body>${body}</body></html>`);
    };
    if (req.method === 'GET' && url.pathname === '/phone/scan') {
      const t = nativeByCode(url.searchParams.get('code') ?? '');
      if (!t) return page(404, '<p role="alert">二维码无效</p>');
      if (t.state !== 'NOTPAY') return page(409, `<p role="alert">订单${escapeHtml(t.state === 'SUCCESS' ? '已支付' : '已关闭')}</p>`);
      return page(
        200,
        `<h1>微信支付</h1><p>${escapeHtml(t.tradeNo)}</p><p>¥<strong id="amount">${(t.amount / 100).toFixed(2)}</strong></p>` +
          `<form method="post" action="/phone/pay"><input type="hidden" name="code" value="${escapeHtml(t.codeUrl ?? '')}">` +
          `<button type="submit">确认支付</button></form>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/phone/pay') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const t = nativeByCode(new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('code') ?? '');
        if (!t || t.state !== 'NOTPAY') return page(409, '<p role="alert">无法支付</p>');
        void fake.customerPays(t.tradeNo).then(
          () => page(200, '<p role="status">支付成功</p>'),
          () => page(500, '<p role="alert">支付失败</p>'),
        );
      });
      return;
    }
    page(404, '<p>Not found</p>');
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/phone/')) return phone(req, res, new URL(req.url ?? '/', 'http://fake'));
    const endpoint = PATHS[(req.url ?? '').split('?')[0] ?? ''];
    if (req.method !== 'POST' || !endpoint) {
      res.writeHead(req.method !== 'POST' ? 405 : 404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_XML_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) {
        res.writeHead(413).end();
        return;
      }
      let fields: Fields;
      try {
        fields = parseXml(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(res, returnFail('XML格式错误'));
        return;
      }
      if (fields.sign_type !== SIGN_TYPE || !verifyWechatSign(fields, apiKey)) {
        answer(res, returnFail('签名错误'));
        return;
      }
      if (!fields.nonce_str || fields.nonce_str.length > 32) {
        answer(res, signedAnswer(fail('LACK_PARAMS', '缺少参数 nonce_str').f));
        return;
      }
      if (fields.mch_id !== mchId) {
        answer(res, signedAnswer(fail('MCHID_NOT_EXIST', 'MCHID不存在').f));
        return;
      }
      if (fields.appid !== appId || (fields.sub_mch_id ?? '') !== (subMchId ?? '')) {
        answer(res, signedAnswer(fail('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配').f));
        return;
      }
      const step = takeStep(endpoint);
      if (step?.kind === 'hang') {
        if (step.process) handle(endpoint, fields, null);
        const t = setTimeout(() => {
          timers.delete(t);
          const out = step.late ? handle(endpoint, fields, null) : fail('SYSTEMERROR', '系统超时');
          answer(res, signedAnswer(out.f));
        }, step.ms ?? 120_000);
        timers.add(t);
        return;
      }
      if (step?.kind === 'systemerror') {
        if (step.process) handle(endpoint, fields, null);
        answer(res, signedAnswer(fail('SYSTEMERROR', '系统错误').f));
        return;
      }
      const out = handle(endpoint, fields, step);
      if (step?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      answer(res, signedAnswer(out.f, { badSign: step?.kind === 'badSign', otherMerchant: step?.kind === 'otherMerchant' }));
    });
  }

  const server = http.createServer(onRequest);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  async function deliver(url: string, body: string): Promise<NoticeDelivery | { error: string }> {
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: r.status, body: await r.text() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  const fake: FakeWechat = {
    url: `http://127.0.0.1:${port}`,
    appId,
    mchId,
    subMchId,
    apiKey,
    trades,
    script(...more: FakeWechatStep[]) {
      for (const s of more) steps.push({ ...s, left: s.times ?? 1 });
    },
    async customerPays(tradeNo, o = {}) {
      const t = trades.get(tradeNo);
      if (!t) throw new Error(`no trade ${tradeNo}`);
      if (t.state !== 'NOTPAY' && t.state !== 'USERPAYING') throw new Error(`trade ${tradeNo} is ${t.state}`);
      pay(t, t.openid ?? openidOf(`${tradeNo}:customer`));
      // Code payments have no notification; Native ones are notified to their notify_url.
      if (t.tradeType !== 'NATIVE' || !t.notifyUrl) return { notice: null, deliveries: [] };
      const fields: Fields = {
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid: appId,
        mch_id: mchId,
        ...(subMchId ? { sub_mch_id: subMchId } : {}),
        nonce_str: randomBytes(16).toString('hex'),
        result_code: 'SUCCESS',
        sign_type: SIGN_TYPE,
        ...tradeFields(t),
      };
      fields.sign = wechatSign(fields, o.badSign ? `${apiKey}x` : apiKey);
      const notice = buildXml(fields);
      const deliveries: (NoticeDelivery | { error: string })[] = [];
      for (let i = 0; i < (o.times ?? 1); i++) deliveries.push(await deliver(t.notifyUrl, notice));
      return { notice, deliveries };
    },
    settleRefund(refundNo, status = 'SUCCESS') {
      for (const t of trades.values()) {
        const r = t.refunds.get(refundNo);
        if (!r || r.status !== 'PROCESSING') continue;
        r.status = status;
        if (status === 'SUCCESS') t.returned += r.amount;
        return;
      }
      throw new Error(`no processing refund ${refundNo}`);
    },
    kept(tradeNo) {
      const t = trades.get(tradeNo);
      return t ? t.charged - t.returned : 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
