/**
 * Stripe Terminal, server-driven, through Stripe's own SDK (`stripe`): the till creates a
 * `card_present` PaymentIntent and asks a registered reader to process it; the customer taps or
 * inserts a card; the result arrives as a webhook (through the cloud) or by querying the intent.
 *
 * Every POST carries an Idempotency-Key derived from our own numbers (trade number, refund number),
 * so a retry after a lost answer returns the first answer instead of creating a second intent or
 * paying a refund twice. The SDK's own retries are off: the trade state machine decides.
 */
import type Stripe from 'stripe';
import { stripeSdk } from '../sdks';
import type {
  GatewayMode,
  NoticeReply,
  PayRequest,
  PaymentGateway,
  RefundAnswer,
  RefundRequest,
  TradeAnswer,
  VerifiedNotice,
} from '../gateway';

export interface StripeConfig {
  mode: GatewayMode;
  /** The Stripe API's base URL; a training fake on loopback in training and tests. */
  baseUrl?: string | null;
  timeoutMs?: number;
  /** The registered reader that takes the card (tmr_…). */
  readerId: string;
  /** The reader's Terminal location (tml_…), for the record. */
  locationId?: string | null;
  /** A Connect account (acct_…) the webhooks name; empty for a direct account. */
  account?: string | null;
  /** Secret API key (sk_live_… / sk_test_… / rk_…). */
  secretKey: string;
  /** The webhook endpoint's signing secret (whsec_…). */
  webhookSecret?: string | null;
}

/** Non-secret settings the admin enters. */
export const CONFIG_FIELDS = ['readerId', 'locationId', 'account'] as const;
/** Secrets kept in the secret store under `payments:stripe:<name>`. */
export const SECRET_FIELDS = ['secretKey', 'webhookSecret'] as const;

/** Stripe's published default: a webhook older than five minutes is a replay. */
export const STRIPE_WEBHOOK_TOLERANCE_SEC = 300;
const POLL_MS = 2000;

const intentKey = (tradeNo: string) => `countertop-pi-${tradeNo}`;
const refundKey = (refundNo: string) => `countertop-re-${refundNo}`;
const cancelRefundKey = (tradeNo: string) => `countertop-cancel-${tradeNo}`;

/** A Stripe client for these settings (the shop's Checkout uses it too): no SDK retries, no telemetry. */
export function stripeClient(cfg: Pick<StripeConfig, 'secretKey' | 'baseUrl' | 'timeoutMs'>): Stripe {
  const base = cfg.baseUrl ? new URL(cfg.baseUrl) : null;
  const StripeClient = stripeSdk();
  return new StripeClient(cfg.secretKey, {
    maxNetworkRetries: 0,
    timeout: cfg.timeoutMs ?? 30_000,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'http:' ? 80 : 443),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
}

export interface Failure {
  /** Stripe said no before anything happened (a 4xx): nothing moved. */
  refused: boolean;
  code: string;
  message: string;
  status: number | null;
}

/** What an SDK error tells us: a 4xx is a definite refusal; a transport error, 5xx or 429 is unknown. */
export function failure(err: unknown): Failure {
  const { errors } = stripeSdk();
  if (err instanceof errors.StripeError) {
    const status = err.statusCode ?? null;
    const code = err.decline_code ?? err.code ?? err.type;
    const definite = status !== null && status >= 400 && status < 500 && status !== 429 && !(err instanceof errors.StripeIdempotencyError);
    return { refused: definite, code, message: err.message, status };
  }
  return { refused: false, code: 'network', message: err instanceof Error ? err.message : String(err), status: null };
}

const unknown = (f: Failure): TradeAnswer => ({ state: 'unknown', code: f.code, message: f.message });

function cardOf(pi: Stripe.PaymentIntent): { brand: string | null; last4: string | null } {
  const ch = pi.latest_charge;
  const card = ch && typeof ch === 'object' ? ch.payment_method_details?.card_present : null;
  return { brand: card?.brand ?? null, last4: card?.last4 ?? null };
}

/** Our words for an intent's state. */
export function answerOfIntent(pi: Stripe.PaymentIntent): TradeAnswer {
  switch (pi.status) {
    case 'succeeded': {
      const { brand, last4 } = cardOf(pi);
      return { state: 'paid', providerRef: pi.id, amount: pi.amount_received, buyer: last4 ? `****${last4}` : null, brand };
    }
    case 'canceled':
      return { state: 'closed', code: pi.cancellation_reason ?? 'canceled', message: 'The payment was cancelled' };
    case 'requires_payment_method': {
      const e = pi.last_payment_error;
      if (e) return { state: 'failed', code: e.decline_code ?? e.code ?? 'declined', message: e.message ?? 'The card was declined' };
      return { state: 'waiting', providerRef: pi.id };
    }
    default:
      // processing, requires_action, requires_confirmation, requires_capture: the reader is at work.
      return { state: 'waiting', providerRef: pi.id };
  }
}

export function refundAnswer(r: Stripe.Refund): RefundAnswer {
  switch (r.status) {
    case 'succeeded':
      return { state: 'refunded', providerRef: r.id, amount: r.amount };
    case 'failed':
    case 'canceled':
      return { state: 'failed', code: r.failure_reason ?? r.status, message: `The refund ${r.status}` };
    default:
      return { state: 'pending' };
  }
}

function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/**
 * A webhook's event when its Stripe-Signature verifies over the raw body with the endpoint's secret
 * and its timestamp is within Stripe's tolerance of `nowMs` (the SDK's constructEvent); else null.
 */
export function verifyStripeEvent(secret: string, headers: Record<string, string>, rawBody: string, nowMs?: number): Stripe.Event | null {
  if (!secret) return null;
  const signature = lowerHeaders(headers)['stripe-signature'];
  if (!signature) return null;
  try {
    return stripeSdk().webhooks.constructEvent(rawBody, signature, secret, STRIPE_WEBHOOK_TOLERANCE_SEC, undefined, nowMs ?? Date.now());
  } catch {
    return null;
  }
}

/**
 * Checks a Stripe webhook (Stripe-Signature over the raw body with the endpoint's secret, within
 * the tolerance) and maps it: payment_intent.succeeded → paid, payment_intent.payment_failed →
 * failed, payment_intent.canceled → closed, charge.refunded (in full) → closed, partly → still
 * paid. Null when the signature does not verify, the event is
 * too old, or it is not one of these. `nowMs` is the receiving clock.
 */
export function verifyStripeNotice(
  material: string,
  headers: Record<string, string>,
  rawBody: string,
  nowMs?: number,
): VerifiedNotice | null {
  const event = verifyStripeEvent(material, headers, rawBody, nowMs);
  if (!event) return null;
  // A direct account's events name no account: the endpoint's own secret already proves whose they are.
  const merchant = event.account ?? '';
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const pi = event.data.object;
      const tradeNo = pi.metadata?.trade_no;
      if (!tradeNo) return null;
      const answer = answerOfIntent(pi);
      const expected = {
        'payment_intent.succeeded': 'paid',
        'payment_intent.payment_failed': 'failed',
        'payment_intent.canceled': 'closed',
      };
      if (answer.state !== expected[event.type]) return null;
      return { provider: 'stripe', merchant, tradeNo, eventId: event.id, answer };
    }
    case 'charge.refunded': {
      const ch = event.data.object;
      const tradeNo = ch.metadata?.trade_no;
      if (!tradeNo || typeof ch.payment_intent !== 'string') return null;
      // A partial refund leaves the trade paid; its refund is tracked by the refund's own query.
      const answer: TradeAnswer = ch.refunded
        ? { state: 'closed', code: 'refunded', message: `Refunded ${ch.amount_refunded} of ${ch.amount}` }
        : {
            state: 'paid',
            providerRef: ch.payment_intent,
            amount: ch.amount,
            buyer: ch.payment_method_details?.card_present?.last4 ? `****${ch.payment_method_details.card_present.last4}` : null,
            brand: ch.payment_method_details?.card_present?.brand ?? null,
          };
      return { provider: 'stripe', merchant, tradeNo, eventId: event.id, answer };
    }
    default:
      return null;
  }
}

/** What Stripe expects back: any 2xx stops its retries; a refusal is a 400 it will retry for a while. */
export function stripeNoticeReply(ok: boolean): NoticeReply {
  return ok
    ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}' }
    : { status: 400, headers: { 'content-type': 'application/json' }, body: '{"received":false}' };
}

export function createStripeGateway(cfg: StripeConfig): PaymentGateway {
  const stripe = stripeClient(cfg);
  /** Intent ids by our trade number, as created; after a restart the search finds them again. */
  const known = new Map<string, string>();
  const remember = (tradeNo: string, id: string) => {
    known.set(tradeNo, id);
    // Only recent trades are asked about often; older ones are found by searching.
    if (known.size > 1000) known.delete(known.keys().next().value!);
  };

  /**
   * The intent of a trade: the id we kept, else a search by our metadata. Stripe's search index
   * lags a few seconds behind writes, so a just-created intent may not be found yet: a later
   * startTerminal with the same trade number reuses its Idempotency-Key and gets the same intent.
   */
  async function findIntent(tradeNo: string): Promise<Stripe.PaymentIntent | null> {
    const id = known.get(tradeNo);
    if (id) return stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] });
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(tradeNo)) return null;
    const found = await stripe.paymentIntents.search({ query: `metadata['trade_no']:'${tradeNo}'`, limit: 10 });
    const pi = found.data.find((p) => p.metadata?.trade_no === tradeNo);
    if (!pi) return null;
    remember(tradeNo, pi.id);
    return pi.status === 'succeeded' ? stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] }) : pi;
  }

  /** Whether the reader is taking this intent now (null: we could not tell). */
  async function processing(intentId: string): Promise<boolean | null> {
    try {
      const reader = await stripe.terminal.readers.retrieve(cfg.readerId);
      const action = 'action' in reader ? reader.action : null;
      const target = action?.process_payment_intent?.payment_intent;
      const id = typeof target === 'string' ? target : target?.id;
      return action?.status === 'in_progress' && id === intentId;
    } catch {
      return null;
    }
  }

  async function query(tradeNo: string): Promise<TradeAnswer> {
    try {
      const pi = await findIntent(tradeNo);
      return pi ? answerOfIntent(pi) : { state: 'not_found' };
    } catch (err) {
      const f = failure(err);
      if (f.status === 404) return { state: 'not_found' };
      return unknown(f);
    }
  }

  const unsupported = async (): Promise<Extract<TradeAnswer, { state: 'failed' }>> => ({
    state: 'failed',
    code: 'unsupported',
    message: 'A card terminal takes cards on the reader, not payment codes or QR codes',
  });

  async function refundWhole(tradeNo: string, pi: Stripe.PaymentIntent): Promise<TradeAnswer> {
    try {
      const r = await stripe.refunds.create(
        { payment_intent: pi.id, reason: 'requested_by_customer', metadata: { trade_no: tradeNo, refund_no: `cancel-${tradeNo}` } },
        { idempotencyKey: cancelRefundKey(tradeNo) },
      );
      const a = refundAnswer(r);
      if (a.state === 'refunded' || a.state === 'pending')
        return { state: 'closed', code: 'refunded', message: 'The payment was refunded' };
      return { state: 'unknown', code: a.state === 'failed' ? a.code : 'refund', message: 'The refund did not go through' };
    } catch (err) {
      return unknown(failure(err));
    }
  }

  return {
    provider: 'stripe',
    mode: cfg.mode,
    pollIntervalMs: POLL_MS,
    merchant: cfg.account ?? '',
    pay: unsupported,
    precreate: unsupported,

    async startTerminal(req: PayRequest): Promise<TradeAnswer> {
      let pi: Stripe.PaymentIntent;
      try {
        pi = await stripe.paymentIntents.create(
          {
            amount: req.amount,
            currency: req.currency.toLowerCase(),
            // This API version (the SDK's) names it allowed_payment_method_types; older ones payment_method_types.
            allowed_payment_method_types: ['card_present'],
            capture_method: 'automatic',
            description: req.subject.slice(0, 200),
            metadata: { trade_no: req.tradeNo, terminal: req.terminal },
          },
          { idempotencyKey: intentKey(req.tradeNo) },
        );
      } catch (err) {
        const f = failure(err);
        return f.refused ? { state: 'failed', code: f.code, message: f.message } : unknown(f);
      }
      remember(req.tradeNo, pi.id);
      // A retry that found the intent already paid or cancelled: report it, do not process it again.
      if (pi.status !== 'requires_payment_method' || pi.last_payment_error)
        return pi.status === 'succeeded' ? query(req.tradeNo) : answerOfIntent(pi);
      try {
        await stripe.terminal.readers.processPaymentIntent(cfg.readerId, { payment_intent: pi.id });
      } catch (err) {
        const f = failure(err);
        if (!f.refused) return unknown(f);
        // A retry's create answer is the first one replayed (Stripe keeps it under the key), so the
        // intent may have moved on since: ask for its state now.
        if (f.code === 'payment_intent_unexpected_state') return query(req.tradeNo);
        // A retry after a lost answer: the reader may already be taking this very intent.
        if (f.code === 'terminal_reader_busy') {
          const mine = await processing(pi.id);
          if (mine !== false) return mine ? { state: 'waiting', providerRef: pi.id } : unknown(f);
        }
        // The reader refused (offline, busy): nobody can pay this intent now, so abandon it.
        try {
          await stripe.paymentIntents.cancel(pi.id);
        } catch {
          return unknown(f);
        }
        return { state: 'failed', code: f.code, message: f.message };
      }
      return { state: 'waiting', providerRef: pi.id };
    },

    query,

    async cancel(tradeNo) {
      let pi: Stripe.PaymentIntent | null;
      try {
        pi = await findIntent(tradeNo);
      } catch (err) {
        return unknown(failure(err));
      }
      if (!pi) return { state: 'closed', code: 'not_found', message: 'No payment was made for this trade' };
      if (pi.status === 'succeeded') return refundWhole(tradeNo, pi);
      if (pi.status === 'canceled') return answerOfIntent(pi);
      try {
        await stripe.terminal.readers.cancelAction(cfg.readerId);
      } catch (err) {
        // The reader may be busy with nothing (already done) or offline: the intent's cancel decides.
        if (!failure(err).refused) return unknown(failure(err));
      }
      try {
        const done = await stripe.paymentIntents.cancel(pi.id);
        return answerOfIntent(done);
      } catch (err) {
        const f = failure(err);
        if (!f.refused) return unknown(f);
        // The card went through between our look and the cancel: give the money back.
        try {
          const now = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
          if (now.status === 'succeeded') return refundWhole(tradeNo, now);
          return answerOfIntent(now);
        } catch (e2) {
          return unknown(failure(e2));
        }
      }
    },

    async refund(req: RefundRequest): Promise<RefundAnswer> {
      let pi: Stripe.PaymentIntent | null;
      try {
        pi = await findIntent(req.tradeNo);
      } catch (err) {
        const f = failure(err);
        return { state: 'unknown', code: f.code, message: f.message };
      }
      if (!pi) return { state: 'failed', code: 'not_found', message: 'No payment was found for this trade' };
      try {
        const r = await stripe.refunds.create(
          {
            payment_intent: pi.id,
            amount: req.amount,
            reason: 'requested_by_customer',
            metadata: { trade_no: req.tradeNo, refund_no: req.refundNo, reason: req.reason.slice(0, 200) },
          },
          { idempotencyKey: refundKey(req.refundNo) },
        );
        return refundAnswer(r);
      } catch (err) {
        const f = failure(err);
        return f.refused ? { state: 'failed', code: f.code, message: f.message } : { state: 'unknown', code: f.code, message: f.message };
      }
    },

    async queryRefund(req: RefundRequest): Promise<RefundAnswer> {
      try {
        const pi = await findIntent(req.tradeNo);
        if (!pi) return { state: 'failed', code: 'not_found', message: 'No payment was found for this trade' };
        const list = await stripe.refunds.list({ payment_intent: pi.id, limit: 100 });
        const r = list.data.find((x) => x.metadata?.refund_no === req.refundNo);
        return r ? refundAnswer(r) : { state: 'failed', code: 'not_found', message: 'No such refund was made' };
      } catch (err) {
        const f = failure(err);
        return { state: 'unknown', code: f.code, message: f.message };
      }
    },

    verifyNotice(headers, rawBody) {
      return verifyStripeNotice(cfg.webhookSecret ?? '', headers, rawBody);
    },
    noticeReply: stripeNoticeReply,

    async testConnection() {
      if (!cfg.readerId) return { ok: false, code: 'config', message: 'No reader is set' };
      try {
        await stripe.terminal.readers.retrieve(cfg.readerId);
        return { ok: true };
      } catch (err) {
        const f = failure(err);
        return { ok: false, code: f.code, message: f.message };
      }
    },
  };
}
