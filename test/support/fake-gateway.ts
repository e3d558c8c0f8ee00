/**
 * A scripted in-memory payment gateway for the trade state machine's tests. It keeps its own
 * ledger of trades, charges and refunds (what the provider would know), answers like a provider
 * (waiting N times, a lost answer, a decline, a refused connection, a call that never answers),
 * and counts every charge and refund so a test can assert "charged once", "refunded once".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import type {
  GatewayMode,
  PaymentGateway,
  PayRequest,
  ProviderId,
  RefundAnswer,
  RefundRequest,
  TradeAnswer,
} from '../../src/main/payments/gateway';
import type { ProviderGatewayConfig, TrainingUrl } from '../../src/main/payments/config';
import { NO_CLOUD, TEST_PIN_PARAMS, testClock, type TestClock } from './app';

/** How the next pay / query / cancel / refund misbehaves. */
export type PayScript =
  /** The customer confirms after `n` queries answered "waiting" (Infinity: never). */
  | { waiting: number }
  /** Charged, but the answer is a system error (query tells the truth). */
  | 'unknown'
  /** Charged, then the connection drops before the answer (a lost answer). */
  | 'paidThenLost'
  /** The call never answers (until `release()`); the provider has the trade waiting. */
  | 'hang'
  /** Declined: no money moves. */
  | 'decline'
  /** Connection refused: the provider never sees the request. */
  | 'refused'
  /** The request is lost before the provider sees it (a timeout). */
  | 'lostBefore';

export type CallScript = 'unknown' | 'refused' | 'hang';
export type RefundScript = 'lost' | 'pending' | 'fail' | 'hang';

export interface FakeTrade {
  tradeNo: string;
  amount: number;
  state: 'waiting' | 'paid' | 'closed' | 'failed';
  waitsLeft: number;
  providerRef: string;
  /** Times this trade's money was taken (must never exceed 1). */
  charges: number;
  reversed: number;
  refunded: number;
  authCode: string | null;
}

export interface FakeGateway extends PaymentGateway {
  trades: Map<string, FakeTrade>;
  /** refundNo → the amount paid back (paid once per number). */
  refundsPaid: Map<string, number>;
  calls: { pay: number; precreate: number; query: number; cancel: number; refund: number; queryRefund: number; terminal: number };
  /** Charges taken in total, across trades. */
  charges(): number;
  /** Money the provider holds for us net of reversals and refunds. */
  net(): number;
  scriptPay(...s: PayScript[]): void;
  scriptQuery(...s: CallScript[]): void;
  scriptCancel(...s: CallScript[]): void;
  scriptRefund(...s: RefundScript[]): void;
  /** The customer confirms (a waiting code payment, a scanned QR, a presented card). */
  customerPays(tradeNo: string): void;
  /** Answers every hung call now (as lost). */
  release(): void;
  lastConfig: ProviderGatewayConfig | null;
}

export function createFakeGateway(
  opts: { provider?: ProviderId; pollIntervalMs?: number; mode?: GatewayMode; merchant?: string } = {},
): FakeGateway {
  const provider = opts.provider ?? 'alipay';
  const trades = new Map<string, FakeTrade>();
  const refundsPaid = new Map<string, number>();
  const payScripts: PayScript[] = [];
  const queryScripts: CallScript[] = [];
  const cancelScripts: CallScript[] = [];
  const refundScripts: RefundScript[] = [];
  const hung: (() => void)[] = [];
  let seq = 0;
  const calls = { pay: 0, precreate: 0, query: 0, cancel: 0, refund: 0, queryRefund: 0, terminal: 0 };

  const lost = (code = 'ETIMEDOUT'): TradeAnswer => ({ state: 'unknown', code, message: 'lost' });
  const hang = <T>(value: T) => new Promise<T>((resolve) => hung.push(() => resolve(value)));
  const paidAnswer = (t: FakeTrade): TradeAnswer => ({
    state: 'paid',
    providerRef: t.providerRef,
    amount: t.amount,
    buyer: provider === 'stripe' ? '4242' : '13812341234',
    brand: provider === 'stripe' ? 'visa' : null,
  });
  const charge = (t: FakeTrade) => {
    if (t.state === 'paid') return;
    t.state = 'paid';
    t.charges++;
  };
  const answerOf = (t: FakeTrade): TradeAnswer =>
    t.state === 'paid'
      ? paidAnswer(t)
      : t.state === 'waiting'
        ? { state: 'waiting', providerRef: t.providerRef }
        : t.state === 'closed'
          ? { state: 'closed' }
          : { state: 'failed', code: 'DECLINED', message: 'Declined' };

  const newTrade = (req: PayRequest, waitsLeft: number): FakeTrade => {
    const existing = trades.get(req.tradeNo);
    if (existing) return existing;
    const t: FakeTrade = {
      tradeNo: req.tradeNo,
      amount: req.amount,
      state: 'waiting',
      waitsLeft,
      providerRef: `${provider.toUpperCase()}${String(++seq).padStart(10, '0')}`,
      charges: 0,
      reversed: 0,
      refunded: 0,
      authCode: req.authCode ?? null,
    };
    trades.set(req.tradeNo, t);
    return t;
  };

  function startPay(req: PayRequest, defaultWaits: number): Promise<TradeAnswer> {
    const s = payScripts.shift();
    if (s === 'refused') return Promise.resolve(lost('ECONNREFUSED'));
    if (s === 'lostBefore') return Promise.resolve(lost());
    if (s === 'decline') {
      const t = newTrade(req, 0);
      t.state = 'failed';
      return Promise.resolve({ state: 'failed', code: 'INSUFFICIENT_BALANCE', message: 'Declined' });
    }
    if (typeof s === 'object') {
      newTrade(req, s.waiting);
      return Promise.resolve({ state: 'waiting' });
    }
    if (s === 'hang') {
      newTrade(req, Number.POSITIVE_INFINITY);
      return hang(lost());
    }
    const t = newTrade(req, defaultWaits);
    if (defaultWaits === 0) charge(t);
    if (s === 'unknown') return Promise.resolve({ state: 'unknown', code: 'SYSTEM_ERROR', message: 'system error' });
    if (s === 'paidThenLost') return Promise.resolve(lost('ECONNRESET'));
    return Promise.resolve(answerOf(t));
  }

  const gw: FakeGateway = {
    provider,
    mode: opts.mode ?? 'sandbox',
    pollIntervalMs: opts.pollIntervalMs ?? 5,
    merchant: opts.merchant ?? 'M-TEST',
    trades,
    refundsPaid,
    calls,
    lastConfig: null,
    charges: () => [...trades.values()].reduce((s, t) => s + t.charges, 0),
    net: () => [...trades.values()].reduce((s, t) => s + t.charges * t.amount - t.reversed - t.refunded, 0),
    scriptPay: (...s) => void payScripts.push(...s),
    scriptQuery: (...s) => void queryScripts.push(...s),
    scriptCancel: (...s) => void cancelScripts.push(...s),
    scriptRefund: (...s) => void refundScripts.push(...s),
    customerPays(tradeNo) {
      const t = trades.get(tradeNo);
      if (t && t.state === 'waiting') charge(t);
    },
    release() {
      for (const r of hung.splice(0)) r();
    },
    pay(req) {
      calls.pay++;
      return startPay(req, 0);
    },
    async precreate(req) {
      calls.precreate++;
      const s = payScripts.shift();
      if (s === 'refused') return { state: 'unknown', code: 'ECONNREFUSED', message: 'refused' };
      newTrade(req, Number.POSITIVE_INFINITY);
      return { qr: `https://qr.example/${req.tradeNo}` };
    },
    startTerminal(req) {
      calls.terminal++;
      return startPay(req, Number.POSITIVE_INFINITY).then((a) => (a.state === 'paid' ? a : a));
    },
    query(tradeNo) {
      calls.query++;
      const s = queryScripts.shift();
      if (s === 'refused') return Promise.resolve(lost('ECONNREFUSED'));
      if (s === 'unknown') return Promise.resolve(lost());
      if (s === 'hang') return hang(lost());
      const t = trades.get(tradeNo);
      if (!t) return Promise.resolve({ state: 'not_found' });
      if (t.state === 'waiting' && t.waitsLeft !== Number.POSITIVE_INFINITY) {
        if (t.waitsLeft > 0) t.waitsLeft--;
        else charge(t);
      }
      return Promise.resolve(answerOf(t));
    },
    cancel(tradeNo) {
      calls.cancel++;
      const s = cancelScripts.shift();
      if (s === 'refused') return Promise.resolve(lost('ECONNREFUSED'));
      if (s === 'unknown') return Promise.resolve(lost());
      if (s === 'hang') return hang(lost());
      let t = trades.get(tradeNo);
      if (!t) {
        // A cancel of a trade the provider never saw closes the number: a late arrival cannot charge.
        t = newTrade({ tradeNo, amount: 0, currency: 'USD', subject: '', terminal: '' }, 0);
        t.state = 'closed';
        return Promise.resolve({ state: 'closed' });
      }
      if (t.state === 'paid') t.reversed += t.amount - t.refunded;
      if (t.state !== 'failed') t.state = 'closed';
      return Promise.resolve({ state: 'closed' });
    },
    refund(req: RefundRequest): Promise<RefundAnswer> {
      calls.refund++;
      const s = refundScripts.shift();
      if (s === 'hang') return hang<RefundAnswer>({ state: 'unknown', code: 'ETIMEDOUT', message: 'lost' });
      const t = trades.get(req.tradeNo);
      if (!t || t.state !== 'paid') return Promise.resolve({ state: 'failed', code: 'TRADE_NOT_PAID', message: 'Not paid' });
      if (s === 'fail') return Promise.resolve({ state: 'failed', code: 'REFUND_REFUSED', message: 'Refused' });
      if (!refundsPaid.has(req.refundNo)) {
        if (t.refunded + req.amount > t.amount)
          return Promise.resolve({ state: 'failed', code: 'REFUND_AMT_EXCEEDED', message: 'Too much' });
        t.refunded += req.amount;
        refundsPaid.set(req.refundNo, req.amount);
      }
      if (s === 'lost') return Promise.resolve({ state: 'unknown', code: 'ECONNRESET', message: 'lost' });
      if (s === 'pending') return Promise.resolve({ state: 'pending' });
      return Promise.resolve({ state: 'refunded', providerRef: `RF${req.refundNo}`, amount: refundsPaid.get(req.refundNo)! });
    },
    queryRefund(req) {
      calls.queryRefund++;
      const paid = refundsPaid.get(req.refundNo);
      return Promise.resolve(
        paid === undefined
          ? { state: 'unknown', code: 'NOT_FOUND', message: 'no such refund' }
          : { state: 'refunded', providerRef: `RF${req.refundNo}`, amount: paid },
      );
    },
    verifyNotice: () => null,
    noticeReply: (ok) => ({ status: ok ? 200 : 400, headers: {}, body: ok ? 'success' : 'fail' }),
    testConnection: () => Promise.resolve({ ok: true }),
  };
  return gw;
}

/** An app whose payment providers are the given fakes (each enabled with `enablePayments`). */
export function makePaymentsApp(
  fakes: Partial<Record<ProviderId, FakeGateway>>,
  opts: { dataDir?: string | null; clock?: TestClock; reconcileEveryMs?: number; trainingUrl?: TrainingUrl } = {},
): App & { clock: TestClock } {
  const clock = opts.clock ?? testClock();
  const factories = Object.fromEntries(
    Object.entries(fakes).map(([p, fake]) => [
      p,
      (cfg: ProviderGatewayConfig) => {
        fake.lastConfig = cfg;
        return fake;
      },
    ]),
  );
  const app = createApp({
    dataDir: opts.dataDir ?? null,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    clock,
    pinParams: TEST_PIN_PARAMS,
    sync: { autoStart: false, transport: NO_CLOUD },
    gateways: factories,
    reconcileEveryMs: opts.reconcileEveryMs ?? 0,
    ...(opts.trainingUrl ? { trainingUrl: opts.trainingUrl } : {}),
    backgroundCheck: false,
    automaticBackups: false,
  });
  return Object.assign(app, { clock });
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-pay-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits until `check` holds (polling), failing after `ms`. */
export async function until<T>(check: () => T | null | undefined | false, ms = 3000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
