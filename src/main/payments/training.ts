/**
 * Training mode: a provider set to "training" talks to its fake gateway, started by the app on
 * loopback, through the same gateway code as production (only the base URL and the keys differ:
 * the fake signs with keys of its own). A stand-in customer acts on the fake, so a new clerk can
 * practise every flow:
 * - a payment code ending in 1 is declined (balance too low); ending in 2, the customer confirms
 *   on the phone twice before paying; any other code pays at once;
 * - a shown QR is scanned and paid four seconds later;
 * - the card terminal reads a card three seconds after the amount reaches it.
 * No money is real, nothing leaves the machine.
 */
import type { PaymentGateway, PayRequest, ProviderId, QrAnswer, TradeAnswer } from './gateway';
import type { GatewayFactories, TrainingUrl } from './config';
import { startFakeAlipay, type FakeAlipay } from './fakes/alipay';
import { startFakeWechat, type FakeWechat } from './fakes/wechat';
import { startFakeStripe, type FakeStripe } from './fakes/stripe';

const QR_PAID_AFTER_MS = 4000;
const CARD_READ_AFTER_MS = 3000;

type Fakes = { alipay?: FakeAlipay; wechat?: FakeWechat; stripe?: FakeStripe };

export interface TrainingFakes {
  /** For createGateways: where the provider's fake listens and the credentials it accepts, once started. */
  urlFor: TrainingUrl;
  /** Starts the provider's fake if it is not running (a provider was set to training). */
  ensure(provider: ProviderId): Promise<void>;
  /** The production factories, with the stand-in customer acting on gateways built for training. */
  wrap(factories: GatewayFactories): GatewayFactories;
  close(): Promise<void>;
}

/** `onStarted`: a fake came up (built gateways must be forgotten so the next one uses it). */
export function createTrainingFakes(onStarted: (provider: ProviderId) => void = () => {}): TrainingFakes {
  const fakes: Fakes = {};
  const starting = new Map<ProviderId, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const later = (ms: number, fn: () => Promise<unknown>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn().catch(() => undefined);
    }, ms);
    t.unref?.();
    timers.add(t);
  };

  async function start(provider: ProviderId): Promise<void> {
    if (provider === 'alipay')
      fakes.alipay = await startFakeAlipay({
        onPay: (code) =>
          code.endsWith('1')
            ? { kind: 'decline', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' }
            : code.endsWith('2')
              ? { kind: 'waiting', times: 2 }
              : null,
      });
    else if (provider === 'wechat') fakes.wechat = await startFakeWechat();
    else fakes.stripe = await startFakeStripe();
    if (closed) await fakes[provider]?.close();
    else onStarted(provider);
  }

  function ensure(provider: ProviderId): Promise<void> {
    if (closed) return Promise.resolve();
    let p = starting.get(provider);
    if (!p) {
      p = start(provider).catch((err: unknown) => {
        starting.delete(provider);
        console.error(`[payments] the ${provider} training gateway could not start: ${err instanceof Error ? err.message : String(err)}`);
      });
      starting.set(provider, p);
    }
    return p;
  }

  const urlFor: TrainingUrl = (provider): ReturnType<TrainingUrl> => {
    if (provider === 'alipay' && fakes.alipay) {
      const f = fakes.alipay;
      return {
        baseUrl: f.url,
        fields: { appId: f.appId, keyMode: 'publicKey' },
        secrets: { privateKey: f.merchantPrivateKey ?? '', alipayPublicKey: f.alipayPublicKey },
      };
    }
    if (provider === 'wechat' && fakes.wechat) {
      const f = fakes.wechat;
      return { baseUrl: f.url, fields: { appId: f.appId, mchId: f.mchId }, secrets: { apiKey: f.apiKey } };
    }
    if (provider === 'stripe' && fakes.stripe) {
      const f = fakes.stripe;
      return { baseUrl: f.url, fields: { readerId: f.readerId }, secrets: { secretKey: f.secretKey, webhookSecret: f.webhookSecret } };
    }
    if (!closed) void ensure(provider);
    return null;
  };

  /** The stand-in customer: answers a payment code by its last digit, pays a QR, presents a card. */
  function customer(provider: ProviderId, gw: PaymentGateway): PaymentGateway {
    return {
      provider: gw.provider,
      mode: gw.mode,
      // A practice sale need not wait five seconds between questions.
      pollIntervalMs: Math.min(gw.pollIntervalMs, 1000),
      merchant: gw.merchant,
      query: (tradeNo) => gw.query(tradeNo),
      cancel: (tradeNo) => gw.cancel(tradeNo),
      refund: (req) => gw.refund(req),
      queryRefund: (req) => gw.queryRefund(req),
      verifyNotice: (headers, body) => gw.verifyNotice(headers, body),
      noticeReply: (ok) => gw.noticeReply(ok),
      testConnection: () => gw.testConnection(),
      pay(req: PayRequest): Promise<TradeAnswer> {
        const code = req.authCode ?? '';
        if (provider === 'wechat' && fakes.wechat) {
          if (code.endsWith('1')) fakes.wechat.script({ on: 'micropay', kind: 'decline', code: 'NOTENOUGH', message: '余额不足' });
          else if (code.endsWith('2')) fakes.wechat.script({ on: 'micropay', kind: 'userpaying', count: 3 });
        }
        return gw.pay(req);
      },
      async precreate(req, notifyUrl): Promise<QrAnswer | Extract<TradeAnswer, { state: 'failed' | 'unknown' }>> {
        const answer = await gw.precreate(req, notifyUrl);
        if ('qr' in answer)
          later(QR_PAID_AFTER_MS, async () => {
            if (provider === 'alipay' && fakes.alipay) {
              fakes.alipay.customerScans(req.tradeNo);
              await fakes.alipay.customerPays(req.tradeNo);
            } else if (provider === 'wechat' && fakes.wechat) await fakes.wechat.customerPays(req.tradeNo);
          });
        return answer;
      },
      // Only a gateway with a card reader offers one (the dialog shows the key by it).
      ...(gw.startTerminal
        ? {
            async startTerminal(req: PayRequest): Promise<TradeAnswer> {
              const answer = await gw.startTerminal!(req);
              if (answer.state === 'waiting' && fakes.stripe) later(CARD_READ_AFTER_MS, () => fakes.stripe!.presentCard());
              return answer;
            },
          }
        : {}),
    };
  }

  return {
    urlFor,
    ensure,
    wrap(factories) {
      const out: GatewayFactories = {};
      for (const provider of Object.keys(factories) as ProviderId[]) {
        const make = factories[provider]!;
        out[provider] = (cfg) => (cfg.mode === 'training' ? customer(provider, make(cfg)) : make(cfg));
      }
      return out;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(Object.values(fakes).map((f) => f?.close().catch(() => undefined)));
    },
  };
}
