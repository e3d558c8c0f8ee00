/**
 * A local WeChat Pay API v3 server for tests and training: the Native endpoints of
 * api.mch.weixin.qq.com (create, query by out_trade_no, close, refund, refund query). It verifies
 * every request's WECHATPAY2-SHA256-RSA2048 signature with the merchant's certificate key (and the
 * request's time), signs every answer and notification with its platform key, encrypts each
 * notification's resource with the APIv3 key (AEAD_AES_256_GCM), keeps its trades in memory, and
 * misbehaves when scripted. A "phone" page stands in for WeChat's scanner. It is written apart
 * from the shop's client (nothing shared), so that a mistake in one is not hidden by the other.
 * It imports nothing from test code: training runs it inside the app.
 */
import { createCipheriv, createPublicKey, createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeWechatV3Endpoint = 'native' | 'query' | 'close' | 'refund' | 'refundquery' | 'notify';

/** How the next matching request (or notification) misbehaves; `times` (default 1) repeats it. */
export type FakeWechatV3Step = { on?: FakeWechatV3Endpoint; times?: number } & (
  | /** Signed with a key that is not the platform's. */ { kind: 'badSignature' }
    /** Signed ten minutes ago. */
  | { kind: 'stale' }
  /** A paid answer or notification (correctly signed) for one fen more than the trade. */
  | { kind: 'wrongAmount' }
  /** HTTP 500 with no signature; with `process` the request took effect first. */
  | { kind: 'error500'; process?: boolean }
  /** The answer waits `ms` (default 30 s); with `process` the request takes effect at once. */
  | { kind: 'slow'; ms?: number; process?: boolean }
  /** The refund is accepted but not finished, or ends CLOSED / ABNORMAL; see settleRefund. */
  | { kind: 'refundStatus'; status: 'PROCESSING' | 'CLOSED' | 'ABNORMAL' }
);

export interface FakeWechatV3Trade {
  tradeNo: string;
  transactionId: string;
  amount: number;
  description: string;
  state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
  codeUrl: string;
  notifyUrl: string;
  openid: string | null;
  successTime: string | null;
  refunds: Map<string, FakeWechatV3Refund>;
}

export interface FakeWechatV3Refund {
  refundNo: string;
  refundId: string;
  amount: number;
  status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL';
}

export interface FakeWechatV3Options {
  appId?: string;
  mchId?: string;
  port?: number;
  /** The fake's "now" (a test's cloud clock); Date.now unless given. */
  clock?: () => number;
}

export interface SignedMessage {
  headers: Record<string, string>;
  body: string;
}

export interface FakeWechatV3 {
  url: string;
  appId: string;
  mchId: string;
  /** What the merchant configures: its own key and serial, the APIv3 key, the platform's public key and serial. */
  merchantPrivateKey: string;
  merchantSerial: string;
  apiV3Key: string;
  platformPublicKey: string;
  platformSerial: string;
  trades: Map<string, FakeWechatV3Trade>;
  /** Requests seen per endpoint (signature failures included). */
  calls: Record<string, number>;
  script(...steps: FakeWechatV3Step[]): void;
  /**
   * The buyer pays a Native trade: it becomes SUCCESS and its notification is POSTed to notify_url
   * `times` times (default 1; 0 loses it). A scripted `notify` step shapes the notification.
   */
  customerPays(
    tradeNo: string,
    opts?: { times?: number },
  ): Promise<{ notice: SignedMessage; deliveries: { status: number; body: string }[] }>;
  /**
   * A notification about a trade as WeChat would send it, or forged: another amount, merchant or
   * trade number inside; signed at another time, or by another key; encrypted with another APIv3 key.
   */
  notice(
    tradeNo: string,
    over?: {
      amount?: number;
      mchId?: string;
      appId?: string;
      currency?: string;
      state?: string;
      at?: number;
      signWith?: 'platform' | 'other';
      apiV3Key?: string;
      id?: string;
    },
  ): SignedMessage;
  /** Wechatpay-* headers the platform key makes over any body (a notification altered and then signed). */
  sign(body: string, at?: number): Record<string, string>;
  /** POSTs a notification to a URL; its answer. */
  deliver(url: string, m: SignedMessage): Promise<{ status: number; body: string }>;
  /** A PROCESSING refund ends. */
  settleRefund(refundNo: string, status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): void;
  /** Fen the buyer paid for this trade and did not get back. */
  kept(tradeNo: string): number;
  close(): Promise<void>;
}

const pem = (k: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') =>
  k.export({ type, format: 'pem' }).toString();

export async function startFakeWechatV3(opts: FakeWechatV3Options = {}): Promise<FakeWechatV3> {
  const appId = opts.appId ?? 'wxd678efh567hg6787';
  const mchId = opts.mchId ?? '1230000109';
  const clock = opts.clock ?? Date.now;
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchantSerial = randomBytes(20).toString('hex').toUpperCase();
  const platformSerial = `PUB_KEY_ID_0112${randomBytes(12).toString('hex').toUpperCase()}`;
  // The APIv3 key is 32 characters the merchant chose (ASCII), used as the AES-256 key's bytes.
  const apiV3Key = randomBytes(24).toString('base64').replace(/[+/]/g, 'x').slice(0, 32);
  const trades = new Map<string, FakeWechatV3Trade>();
  const calls: Record<string, number> = {};
  const steps: (FakeWechatV3Step & { left: number })[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const beijing = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
  const newId = (prefix: string) =>
    `${prefix}${beijing(clock()).slice(0, 10).replaceAll('-', '')}${String(clock() % 1e10).padStart(10, '0')}${String(++seq).padStart(6, '0')}`;

  function takeStep(on: FakeWechatV3Endpoint): FakeWechatV3Step | null {
    const i = steps.findIndex((s) => (s.on ?? (s.kind === 'refundStatus' ? 'refund' : on)) === on);
    if (i < 0) return null;
    const s = steps[i]!;
    if (--s.left <= 0) steps.splice(i, 1);
    return s;
  }

  /** Wechatpay-* headers over a body: the platform's signature, or another key's; now, or `at`. */
  function signed(body: string, how: { other?: boolean; at?: number } = {}): Record<string, string> {
    const ts = String(Math.floor((how.at ?? clock()) / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${ts}\n${nonce}\n${body}\n`)
      .sign(how.other ? impostor.privateKey : platform.privateKey, 'base64');
    return {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': platformSerial,
      'request-id': randomBytes(8).toString('hex'),
    };
  }
  const stepSign = (step: FakeWechatV3Step | null) => ({
    other: step?.kind === 'badSignature',
    ...(step?.kind === 'stale' ? { at: clock() - 10 * 60_000 } : {}),
  });

  function encrypt(plain: string, key = apiV3Key) {
    const nonce = randomBytes(6).toString('hex');
    const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
    c.setAAD(Buffer.from('transaction', 'utf8'));
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    return {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: data.toString('base64'),
      associated_data: 'transaction',
      nonce,
    };
  }

  function transactionJson(
    t: FakeWechatV3Trade,
    over: { amount?: number; mchId?: string; appId?: string; currency?: string; state?: string } = {},
  ) {
    const total = over.amount ?? t.amount;
    return {
      appid: over.appId ?? appId,
      mchid: over.mchId ?? mchId,
      out_trade_no: t.tradeNo,
      transaction_id: t.transactionId,
      trade_type: 'NATIVE',
      trade_state: over.state ?? t.state,
      trade_state_desc: t.state === 'SUCCESS' ? '支付成功' : '订单未支付',
      bank_type: 'OTHERS',
      attach: '',
      ...(t.successTime ? { success_time: t.successTime } : {}),
      ...(t.openid ? { payer: { openid: t.openid } } : {}),
      amount: { total, payer_total: total, currency: over.currency ?? 'CNY', payer_currency: 'CNY' },
    };
  }

  const refundJson = (t: FakeWechatV3Trade, r: { refundNo: string; refundId: string; amount: number; status: string }) => ({
    refund_id: r.refundId,
    out_refund_no: r.refundNo,
    transaction_id: t.transactionId,
    out_trade_no: t.tradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: beijing(clock()),
    ...(r.status === 'SUCCESS' ? { success_time: beijing(clock()) } : {}),
    status: r.status,
    amount: { total: t.amount, refund: r.amount, payer_total: t.amount, payer_refund: r.amount, currency: 'CNY' },
  });

  type Answer = { status: number; json?: unknown };
  const err = (status: number, code: string, message: string): Answer => ({ status, json: { code, message } });

  /** Checks the request's Authorization: the merchant, its certificate serial, the time and the signature. */
  function authorized(method: string, path: string, body: string, auth: string): Answer | null {
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(auth);
    if (!m) return err(401, 'SIGN_ERROR', 'Authorization 头缺失或类型错误');
    const f: Record<string, string> = {};
    for (const part of m[1]!.matchAll(/(\w+)="([^"]*)"/g)) f[part[1]!] = part[2]!;
    if (f.mchid !== mchId) return err(401, 'SIGN_ERROR', '商户号与签名不匹配');
    if ((f.serial_no ?? '').toUpperCase() !== merchantSerial) return err(401, 'SIGN_ERROR', '商户证书序列号有误');
    const ts = Number(f.timestamp);
    if (!Number.isInteger(ts) || Math.abs(clock() - ts * 1000) > 5 * 60_000) return err(401, 'SIGN_ERROR', '请求时间戳与当前时间相差过大');
    if (!f.nonce_str || !f.signature) return err(401, 'SIGN_ERROR', '签名参数缺失');
    const verify = () =>
      createVerify('RSA-SHA256')
        .update(`${method}\n${path}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`)
        .verify(merchant.publicKey, f.signature!, 'base64');
    let ok: boolean;
    try {
      ok = verify();
    } catch {
      ok = false;
    }
    return ok ? null : err(401, 'SIGN_ERROR', '签名错误');
  }

  function route(
    method: string,
    url: URL,
    body: string,
    step: FakeWechatV3Step | null,
  ): { endpoint: FakeWechatV3Endpoint; run: () => Answer } | null {
    const p = url.pathname;
    if (method === 'POST' && p === '/v3/pay/transactions/native') return { endpoint: 'native', run: () => native(body) };
    let m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(p);
    if (method === 'GET' && m)
      return {
        endpoint: 'query',
        run: () => {
          if (url.searchParams.get('mchid') !== mchId) return err(400, 'PARAM_ERROR', 'mchid 有误');
          const t = trades.get(decodeURIComponent(m![1]!));
          if (!t) return err(404, 'ORDER_NOT_EXIST', '订单不存在');
          return { status: 200, json: transactionJson(t, step?.kind === 'wrongAmount' ? { amount: t.amount + 1 } : {}) };
        },
      };
    m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(p);
    if (method === 'POST' && m)
      return {
        endpoint: 'close',
        run: () => {
          const t = trades.get(decodeURIComponent(m![1]!));
          if (!t) return err(404, 'ORDER_NOT_EXIST', '订单不存在');
          if (t.state !== 'NOTPAY') return err(400, 'ORDER_PAID', '订单已支付');
          t.state = 'CLOSED';
          return { status: 204 };
        },
      };
    if (method === 'POST' && p === '/v3/refund/domestic/refunds') return { endpoint: 'refund', run: () => refund(body, step) };
    m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(p);
    if (method === 'GET' && m)
      return {
        endpoint: 'refundquery',
        run: () => {
          const no = decodeURIComponent(m![1]!);
          for (const t of trades.values()) {
            const r = t.refunds.get(no);
            if (r) return { status: 200, json: refundJson(t, r) };
          }
          return err(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
        },
      };
    return null;
  }

  function native(raw: string): Answer {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return err(400, 'PARAM_ERROR', '请求体不是 JSON');
    }
    if (b.mchid !== mchId) return err(400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (b.appid !== appId) return err(400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mchid 不匹配');
    const amount = (b.amount ?? {}) as { total?: unknown; currency?: unknown };
    const tradeNo = typeof b.out_trade_no === 'string' ? b.out_trade_no : '';
    if (!/^[A-Za-z0-9_\-*|]{6,32}$/.test(tradeNo)) return err(400, 'PARAM_ERROR', 'out_trade_no 格式错误');
    if (!Number.isInteger(amount.total) || (amount.total as number) < 1) return err(400, 'PARAM_ERROR', 'amount.total 有误');
    if ((amount.currency ?? 'CNY') !== 'CNY') return err(400, 'PARAM_ERROR', '币种只能是 CNY');
    if (typeof b.description !== 'string' || !b.description || Buffer.byteLength(b.description) > 127)
      return err(400, 'PARAM_ERROR', 'description 有误');
    // The real service demands https; loopback is let through for tests and training.
    if (typeof b.notify_url !== 'string' || !/^(https:\/\/|http:\/\/127\.0\.0\.1[:/])/.test(b.notify_url))
      return err(400, 'PARAM_ERROR', 'notify_url 必须是 https 地址');
    const old = trades.get(tradeNo);
    if (old) {
      // The same trade asked again: the same code; another amount under the same number is refused.
      if (old.amount !== amount.total) return err(400, 'INVALID_REQUEST', '201 商户订单号重复');
      if (old.state !== 'NOTPAY') return err(400, 'ORDER_CLOSED', '订单已关闭或已支付');
      return { status: 200, json: { code_url: old.codeUrl } };
    }
    const t: FakeWechatV3Trade = {
      tradeNo,
      transactionId: newId('4200'),
      amount: amount.total as number,
      description: b.description,
      state: 'NOTPAY',
      codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('base64url')}`,
      notifyUrl: b.notify_url,
      openid: null,
      successTime: null,
      refunds: new Map(),
    };
    trades.set(tradeNo, t);
    return { status: 200, json: { code_url: t.codeUrl } };
  }

  function refund(raw: string, step: FakeWechatV3Step | null): Answer {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return err(400, 'PARAM_ERROR', '请求体不是 JSON');
    }
    const t = typeof b.out_trade_no === 'string' ? trades.get(b.out_trade_no) : undefined;
    if (!t) return err(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const refundNo = typeof b.out_refund_no === 'string' ? b.out_refund_no : '';
    if (!/^[A-Za-z0-9_\-*|@]{1,64}$/.test(refundNo)) return err(400, 'PARAM_ERROR', 'out_refund_no 格式错误');
    const a = (b.amount ?? {}) as { refund?: unknown; total?: unknown; currency?: unknown };
    const old = t.refunds.get(refundNo);
    if (old) return { status: 200, json: refundJson(t, old) };
    if (t.state !== 'SUCCESS' && t.state !== 'REFUND') return err(400, 'INVALID_REQUEST', '订单未支付');
    if (a.total !== t.amount || a.currency !== 'CNY') return err(400, 'PARAM_ERROR', '订单金额或币种与原订单不一致');
    const given = [...t.refunds.values()].filter((r) => r.status !== 'CLOSED' && r.status !== 'ABNORMAL').reduce((s, r) => s + r.amount, 0);
    if (!Number.isInteger(a.refund) || (a.refund as number) < 1 || (a.refund as number) > t.amount - given)
      return err(403, 'NOT_ENOUGH', '退款金额超过可退金额');
    const status: FakeWechatV3Refund['status'] = step?.kind === 'refundStatus' ? step.status : 'SUCCESS';
    const r: FakeWechatV3Refund = { refundNo, refundId: newId('50'), amount: a.refund as number, status };
    t.refunds.set(refundNo, r);
    t.state = 'REFUND';
    return { status: 200, json: refundJson(t, r) };
  }

  function send(res: http.ServerResponse, a: Answer, step: FakeWechatV3Step | null): void {
    if (res.destroyed) return;
    const body = a.json === undefined ? '' : JSON.stringify(a.json);
    res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...signed(body, stepSign(step)) });
    res.end(body);
  }

  const escapeHtml = (v: string): string => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const byCode = (code: string) => [...trades.values()].find((t) => t.codeUrl === code);

  /** GET /phone/scan?code=… shows what WeChat shows after a scan; POST /phone/pay pays it. */
  function phone(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    const page = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>微信支付</title></head>` +
          `<body style="font-family:sans-serif;text-align:center;padding:24px">${body}</body></html>`,
      );
    };
    if (req.method === 'GET' && url.pathname === '/phone/scan') {
      const t = byCode(url.searchParams.get('code') ?? '');
      if (!t) return page(404, '<p role="alert">二维码无效</p>');
      if (t.state !== 'NOTPAY') return page(409, `<p role="alert">${t.state === 'CLOSED' ? '订单已关闭' : '订单已支付'}</p>`);
      return page(
        200,
        `<h1>微信支付</h1><p>${escapeHtml(t.description)}</p><p style="font-size:2em">¥<strong id="amount">${(t.amount / 100).toFixed(2)}</strong></p>` +
          `<form method="post" action="/phone/pay"><input type="hidden" name="code" value="${escapeHtml(t.codeUrl)}">` +
          `<button type="submit" style="font-size:1.2em;padding:8px 32px;background:#07c160;color:#fff;border:0">确认支付</button></form>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/phone/pay') {
      const t = byCode(new URLSearchParams(raw).get('code') ?? '');
      if (!t || t.state !== 'NOTPAY') return page(409, '<p role="alert">无法支付</p>');
      void fake.customerPays(t.tradeNo).then(
        () => page(200, '<p role="status">支付成功</p>'),
        () => page(500, '<p role="alert">支付失败</p>'),
      );
      return;
    }
    page(404, '<p>Not found</p>');
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/phone/')) return phone(req, res, url, raw);
    const method = req.method ?? 'GET';
    const r = route(method, url, raw, null);
    if (!r) return send(res, err(404, 'NOT_FOUND', '接口不存在'), null);
    calls[r.endpoint] = (calls[r.endpoint] ?? 0) + 1;
    const denied = authorized(method, `${url.pathname}${url.search}`, raw, req.headers.authorization ?? '');
    if (denied) return send(res, denied, null);
    const step = takeStep(r.endpoint);
    const run = () => route(method, url, raw, step)!.run();
    if (step?.kind === 'error500') {
      if (step.process) run();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"SYSTEM_ERROR","message":"系统繁忙"}');
      return;
    }
    if (step?.kind === 'slow') {
      const early = step.process ? run() : null;
      const t = setTimeout(() => {
        timers.delete(t);
        send(res, early ?? run(), null);
      }, step.ms ?? 30_000);
      timers.add(t);
      return;
    }
    send(res, run(), step);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.socket.destroy();
      else chunks.push(c);
    });
    req.on('end', () => onRequest(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  function notice(tradeNo: string, over: Parameters<FakeWechatV3['notice']>[1] = {}): SignedMessage {
    const t = trades.get(tradeNo);
    if (!t) throw new Error(`no trade ${tradeNo}`);
    const plain = JSON.stringify(transactionJson(t, { state: 'SUCCESS', ...over }));
    const body = JSON.stringify({
      id: over.id ?? randomUUID(),
      create_time: beijing(over.at ?? clock()),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: encrypt(plain, over.apiV3Key),
    });
    return {
      headers: {
        'content-type': 'application/json',
        ...signed(body, { other: over.signWith === 'other', ...(over.at ? { at: over.at } : {}) }),
      },
      body,
    };
  }

  /** One delivery; a connection that fails before any answer is tried once more at once, as WeChat re-sends. */
  async function deliver(url: string, m: SignedMessage): Promise<{ status: number; body: string }> {
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await fetch(url, { method: 'POST', headers: m.headers, body: m.body, signal: AbortSignal.timeout(10_000) });
        return { status: r.status, body: await r.text() };
      } catch (e) {
        last = (e as Error).message;
      }
    }
    return { status: 0, body: last };
  }

  const fake: FakeWechatV3 = {
    url: `http://127.0.0.1:${port}`,
    appId,
    mchId,
    merchantPrivateKey: pem(merchant.privateKey, 'pkcs8'),
    merchantSerial,
    apiV3Key,
    platformPublicKey: pem(createPublicKey(platform.privateKey), 'spki'),
    platformSerial,
    trades,
    calls,
    script(...more) {
      for (const s of more) steps.push({ ...s, left: s.times ?? 1 });
    },
    async customerPays(tradeNo, o = {}) {
      const t = trades.get(tradeNo);
      if (!t) throw new Error(`no trade ${tradeNo}`);
      if (t.state !== 'NOTPAY') throw new Error(`trade ${tradeNo} is ${t.state}`);
      t.state = 'SUCCESS';
      t.openid = `o${randomBytes(14).toString('base64url')}`;
      t.successTime = beijing(clock());
      const step = takeStep('notify');
      const m = notice(tradeNo, {
        ...(step?.kind === 'wrongAmount' ? { amount: t.amount + 1 } : {}),
        ...(step?.kind === 'badSignature' ? { signWith: 'other' as const } : {}),
        ...(step?.kind === 'stale' ? { at: clock() - 10 * 60_000 } : {}),
      });
      const deliveries: { status: number; body: string }[] = [];
      for (let i = 0; i < (o.times ?? 1); i++) deliveries.push(await deliver(t.notifyUrl, m));
      return { notice: m, deliveries };
    },
    notice,
    sign: (body, at) => ({ 'content-type': 'application/json', ...signed(body, at === undefined ? {} : { at }) }),
    deliver,
    settleRefund(refundNo, status = 'SUCCESS') {
      for (const t of trades.values()) {
        const r = t.refunds.get(refundNo);
        if (r && r.status === 'PROCESSING') {
          r.status = status;
          return;
        }
      }
      throw new Error(`no processing refund ${refundNo}`);
    },
    kept(tradeNo) {
      const t = trades.get(tradeNo);
      if (!t || t.state === 'NOTPAY' || t.state === 'CLOSED') return 0;
      return t.amount - [...t.refunds.values()].filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amount, 0);
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
