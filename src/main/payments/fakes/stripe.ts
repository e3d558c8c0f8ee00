/**
 * A local stand-in for the Stripe API, speaking the subset the `stripe` SDK calls for server-driven
 * Terminal payments and for Checkout Sessions (with a hosted page where the buyer enters a test card
 * and is sent back to the success URL): form-encoded requests with a Bearer secret key, Idempotency-Key honoured as
 * Stripe does, errors in Stripe's JSON shape, and webhooks signed as Stripe signs them
 * (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`).
 *
 * Training mode runs it inside the app, so it imports nothing from test code. It listens on
 * loopback only and keeps its state in memory.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Test card numbers: this one is declined by the issuer, like Stripe's 4000 0000 0000 0002. */
export const FAKE_STRIPE_DECLINE_CARD = '4000000000000002';
export const FAKE_STRIPE_OK_CARD = '4242424242424242';

export type FakeStripeOp =
  | 'create_intent'
  | 'retrieve_intent'
  | 'search_intents'
  | 'cancel_intent'
  | 'retrieve_reader'
  | 'process'
  | 'cancel_action'
  | 'present'
  | 'create_refund'
  | 'retrieve_refund'
  | 'list_refunds'
  | 'create_session'
  | 'retrieve_session'
  | 'expire_session';

/** How the next matching request misbehaves. */
export type FakeStripeStep =
  /** Answers 500 api_error without doing anything. */
  | { op?: FakeStripeOp; do: 'error500' }
  /** Never answers (past the client's timeout); nothing happens. */
  | { op?: FakeStripeOp; do: 'hang' }
  /** Does the work (a charge, a refund…), then drops the connection before answering. */
  | { op?: FakeStripeOp; do: 'drop_after' }
  /** The next card presented is declined whatever its number. */
  | { op?: 'present'; do: 'decline' }
  /** The next webhook is delivered twice. */
  | { do: 'webhook_twice' }
  /** The next webhook carries a signature made with another secret. */
  | { do: 'webhook_bad_signature' }
  /** The next webhook is never delivered (lost on the way). */
  | { do: 'webhook_lost' };

export interface FakeStripeOptions {
  port?: number;
  /** The secret key the gateway must present; generated unless given. */
  secretKey?: string;
  /** Signs the webhooks; generated unless given. */
  webhookSecret?: string;
  /**
   * Where webhooks are posted (the cloud's notify URL); none are sent without it. A function picks
   * it per event from the event's object (one fake standing in for several stores' accounts).
   */
  webhookUrl?: string | null | ((object: unknown) => string | null);
  /** The registered readers; one `tmr_fake…` reader unless given. */
  readers?: string[];
  /** A Connect account named in each event (`account`); direct accounts' events name none. */
  account?: string | null;
  /** Milliseconds added to each answer (the fake's own latency). */
  latencyMs?: number;
  clock?: () => number;
}

export interface FakeIntent {
  id: string;
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'processing' | 'succeeded' | 'canceled';
  metadata: Record<string, string>;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  created: number;
}

export interface FakeCharge {
  id: string;
  payment_intent: string;
  amount: number;
  amount_refunded: number;
  refunded: boolean;
  currency: string;
  metadata: Record<string, string>;
  brand: string;
  last4: string;
}

export interface FakeRefund {
  id: string;
  payment_intent: string;
  charge: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface FakeSession {
  id: string;
  amount_total: number;
  currency: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  metadata: Record<string, string>;
  client_reference_id: string | null;
  success_url: string;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  customer_email: string | null;
  locale: string | null;
  /** What the line items said, for the hosted page. */
  name: string;
  /** payment_intent_data.metadata: the intent's metadata once paid. */
  intentMetadata: Record<string, string>;
}

export interface FakeWebhookDelivery {
  eventId: string;
  type: string;
  status: number | null;
}

export interface FakeStripe {
  url: string;
  secretKey: string;
  webhookSecret: string;
  readerId: string;
  /** Intents by our trade number (metadata trade_no). */
  trades: Map<string, FakeIntent>;
  intents: Map<string, FakeIntent>;
  charges: Map<string, FakeCharge>;
  refunds: Map<string, FakeRefund>;
  /** Checkout Sessions by id. */
  sessions: Map<string, FakeSession>;
  /** A session as the API answers it (for tests that sign events about it). */
  sessionJson(id: string): Record<string, unknown>;
  /** The buyer pays the session on the hosted page with a test card: the session completes and its webhook is sent. */
  completeSession(id: string, number?: string): Promise<FakeSession | null>;
  /** Every webhook sent, with the answer's status. */
  deliveries: FakeWebhookDelivery[];
  /** Requests per operation (what reached the fake). */
  calls: Record<string, number>;
  script(...steps: FakeStripeStep[]): void;
  /** The customer taps a card on the reader: completes the intent it is processing. */
  presentCard(readerId?: string, number?: string): Promise<FakeIntent | null>;
  /** The customer pays the trade's intent with an accepted card. */
  customerPays(tradeNo: string): Promise<FakeIntent | null>;
  /** Signs a payload as Stripe would (for training tools and tests of the verifier). */
  sign(payload: string, timestampSec?: number, secret?: string): string;
  /** Resolves once every webhook sent so far has been answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

class StripeFail extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Parses Stripe's bracketed form encoding (`a[b]=1&c[0]=x`) into nested objects (arrays as index maps). */
export function parseStripeForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.replace(/\]$/, '')));
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

export async function startFakeStripe(opts: FakeStripeOptions = {}): Promise<FakeStripe> {
  const clock = opts.clock ?? Date.now;
  const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
  const secretKey = opts.secretKey ?? `sk_test_fake${randomBytes(18).toString('hex')}`;
  const webhookSecret = opts.webhookSecret ?? `whsec_fake${randomBytes(18).toString('hex')}`;
  const readers = new Map<
    string,
    { id: string; action: { payment_intent: string; status: 'in_progress' | 'failed' | 'succeeded' } | null }
  >();
  for (const id of opts.readers ?? [rid('tmr_fake')]) readers.set(id, { id, action: null });
  const readerId = [...readers.keys()][0]!;

  const intents = new Map<string, FakeIntent>();
  const trades = new Map<string, FakeIntent>();
  const charges = new Map<string, FakeCharge>();
  const refunds = new Map<string, FakeRefund>();
  const deliveries: FakeWebhookDelivery[] = [];
  const calls: Record<string, number> = {};
  const steps: FakeStripeStep[] = [];
  const idempotent = new Map<string, { params: string; status: number; body: string }>();
  const inflight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();

  const takeStep = (op: FakeStripeOp, kinds: FakeStripeStep['do'][]): FakeStripeStep | null => {
    const i = steps.findIndex((s) => kinds.includes(s.do) && (!('op' in s) || s.op === undefined || s.op === op));
    return i < 0 ? null : steps.splice(i, 1)[0]!;
  };
  const sessions = new Map<string, FakeSession>();
  let base = '';
  const baseUrl = () => base;
  const takeWebhookStep = (kind: 'webhook_twice' | 'webhook_bad_signature' | 'webhook_lost') => {
    const i = steps.findIndex((s) => s.do === kind);
    return i >= 0 && steps.splice(i, 1).length > 0;
  };

  const sign = (payload: string, timestampSec = Math.floor(clock() / 1000), secret = webhookSecret) =>
    `t=${timestampSec},v1=${createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex')}`;

  const chargeJson = (c: FakeCharge) => ({
    id: c.id,
    object: 'charge',
    amount: c.amount,
    amount_captured: c.amount,
    amount_refunded: c.amount_refunded,
    refunded: c.refunded,
    captured: true,
    paid: true,
    status: 'succeeded',
    currency: c.currency,
    metadata: c.metadata,
    payment_intent: c.payment_intent,
    payment_method_details: {
      type: 'card_present',
      card_present: { brand: c.brand, last4: c.last4, read_method: 'contactless_emv', funding: 'credit' },
    },
  });
  const intentJson = (pi: FakeIntent, expandCharge: boolean) => ({
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_received: pi.amount_received,
    currency: pi.currency,
    status: pi.status,
    capture_method: 'automatic',
    payment_method_types: ['card_present'],
    allowed_payment_method_types: ['card_present'],
    metadata: pi.metadata,
    client_secret: `${pi.id}_secret_fake`,
    created: pi.created,
    livemode: false,
    last_payment_error: pi.last_payment_error,
    latest_charge: pi.latest_charge && expandCharge ? chargeJson(charges.get(pi.latest_charge)!) : pi.latest_charge,
  });
  const refundJson = (r: FakeRefund) => ({ object: 'refund', ...r });
  const readerJson = (id: string) => {
    const r = readers.get(id)!;
    return {
      id,
      object: 'terminal.reader',
      device_type: 'bbpos_wisepos_e',
      label: 'Fake reader',
      status: 'online',
      action: r.action
        ? {
            type: 'process_payment_intent',
            status: r.action.status,
            process_payment_intent: { payment_intent: r.action.payment_intent },
          }
        : null,
    };
  };

  const sendEvent = (type: string, object: unknown) => {
    const url = typeof opts.webhookUrl === 'function' ? opts.webhookUrl(object) : opts.webhookUrl;
    if (!url) return;
    const event = {
      id: rid('evt'),
      object: 'event',
      api_version: '2026-11-18.endive',
      created: Math.floor(clock() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object },
      ...(opts.account ? { account: opts.account } : {}),
    };
    const payload = JSON.stringify(event);
    if (takeWebhookStep('webhook_lost')) return;
    const bad = takeWebhookStep('webhook_bad_signature');
    const times = takeWebhookStep('webhook_twice') ? 2 : 1;
    const header = sign(payload, undefined, bad ? `whsec_forged${randomBytes(8).toString('hex')}` : webhookSecret);
    const deliver = async () => {
      for (let n = 0; n < times; n++) {
        const d: FakeWebhookDelivery = { eventId: event.id, type, status: null };
        deliveries.push(d);
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
            body: payload,
            signal: AbortSignal.timeout(10_000),
          });
          d.status = res.status;
          await res.text();
        } catch {
          d.status = null;
        }
      }
    };
    const p = deliver();
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const sessionJson = (cs: FakeSession) => ({
    id: cs.id,
    object: 'checkout.session',
    mode: 'payment',
    amount_subtotal: cs.amount_total,
    amount_total: cs.amount_total,
    currency: cs.currency,
    status: cs.status,
    payment_status: cs.payment_status,
    payment_intent: cs.payment_intent,
    metadata: cs.metadata,
    client_reference_id: cs.client_reference_id,
    customer_email: cs.customer_email,
    locale: cs.locale,
    success_url: cs.success_url,
    cancel_url: cs.cancel_url,
    expires_at: cs.expires_at,
    created: cs.created,
    livemode: false,
    url: cs.status === 'open' ? `${baseUrl()}/checkout/pay/${cs.id}` : null,
  });
  const findSession = (id: string) => {
    const cs = sessions.get(id);
    if (!cs)
      throw new StripeFail(404, 'invalid_request_error', 'resource_missing', `No such checkout.session: '${id}'`, { param: 'session' });
    return cs;
  };
  /** The buyer pays on the hosted page: a charge on a new intent, the session complete, its webhook sent. */
  const paySession = (cs: FakeSession, number: string): 'paid' | 'declined' | 'closed' => {
    if (cs.status !== 'open' || cs.expires_at * 1000 <= clock()) return 'closed';
    if (number === FAKE_STRIPE_DECLINE_CARD || takeStep('present', ['decline'])) return 'declined';
    const pi: FakeIntent = {
      id: rid('pi'),
      amount: cs.amount_total,
      amount_received: cs.amount_total,
      currency: cs.currency,
      status: 'succeeded',
      metadata: { ...cs.metadata, ...cs.intentMetadata },
      latest_charge: null,
      last_payment_error: null,
      created: Math.floor(clock() / 1000),
    };
    const charge: FakeCharge = {
      id: rid('ch'),
      payment_intent: pi.id,
      amount: pi.amount,
      amount_refunded: 0,
      refunded: false,
      currency: pi.currency,
      metadata: { ...pi.metadata },
      brand: number.startsWith('5') ? 'mastercard' : 'visa',
      last4: number.slice(-4),
    };
    charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    intents.set(pi.id, pi);
    if (pi.metadata.trade_no) trades.set(pi.metadata.trade_no, pi);
    cs.status = 'complete';
    cs.payment_status = 'paid';
    cs.payment_intent = pi.id;
    sendEvent('checkout.session.completed', sessionJson(cs));
    return 'paid';
  };
  const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  /** The hosted page: the amount, a card field, Pay (a form: no script needed to pay in a browser test). */
  const hostedPage = (cs: FakeSession, error: string | null) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head><body>` +
    `<h1>Fake Stripe Checkout</h1><p>${escapeHtml(cs.name)}</p>` +
    `<p>Amount: <strong id="amount">${(cs.amount_total / 100).toFixed(2)} ${escapeHtml(cs.currency.toUpperCase())}</strong></p>` +
    (error ? `<p role="alert">${escapeHtml(error)}</p>` : '') +
    (cs.status === 'open'
      ? `<form method="post" action="/checkout/pay/${cs.id}"><label>Card number <input name="card" value="${FAKE_STRIPE_OK_CARD}"></label>` +
        `<button type="submit">Pay</button></form>`
      : `<p>This checkout session is ${cs.status}.</p>`) +
    `</body></html>`;

  const findIntent = (id: string) => {
    const pi = intents.get(id);
    if (!pi) throw new StripeFail(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${id}'`, { param: 'intent' });
    return pi;
  };
  const findReader = (id: string) => {
    const r = readers.get(id);
    if (!r) throw new StripeFail(404, 'invalid_request_error', 'resource_missing', `No such terminal.reader: '${id}'`, { param: 'reader' });
    return r;
  };

  const present = (id: string, number: string, forceDecline: boolean): FakeIntent | null => {
    const reader = findReader(id);
    const action = reader.action;
    if (!action || action.status !== 'in_progress') return null;
    const pi = findIntent(action.payment_intent);
    if (pi.status !== 'requires_payment_method') return null;
    if (forceDecline || number === FAKE_STRIPE_DECLINE_CARD) {
      pi.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
      reader.action = { ...action, status: 'failed' };
      sendEvent('payment_intent.payment_failed', intentJson(pi, false));
      return pi;
    }
    const charge: FakeCharge = {
      id: rid('ch'),
      payment_intent: pi.id,
      amount: pi.amount,
      amount_refunded: 0,
      refunded: false,
      currency: pi.currency,
      metadata: { ...pi.metadata },
      brand: number.startsWith('5') ? 'mastercard' : 'visa',
      last4: number.slice(-4),
    };
    charges.set(charge.id, charge);
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = charge.id;
    pi.last_payment_error = null;
    reader.action = { ...action, status: 'succeeded' };
    sendEvent('payment_intent.succeeded', intentJson(pi, false));
    return pi;
  };

  type Handler = (p: Record<string, unknown>, m: RegExpExecArray, query: URLSearchParams) => { op: FakeStripeOp; run: () => unknown };
  const routes: { method: string; path: RegExp; handler: Handler }[] = [
    {
      method: 'POST',
      path: /^\/v1\/payment_intents$/,
      handler: (p) => ({
        op: 'create_intent',
        run: () => {
          const amount = Number(p.amount);
          const currency = str(p.currency);
          if (!Number.isInteger(amount) || amount < 1)
            throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid amount', { param: 'amount' });
          if (!currency || !/^[a-z]{3}$/.test(currency))
            throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid_empty', 'Invalid currency', { param: 'currency' });
          // Older API versions name it payment_method_types; the SDK's current one allowed_payment_method_types.
          const types = Object.values(strMap(p.allowed_payment_method_types ?? p.payment_method_types));
          if (types.length !== 1 || types[0] !== 'card_present')
            throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid', 'Only card_present is supported by this fake', {
              param: 'allowed_payment_method_types',
            });
          const pi: FakeIntent = {
            id: rid('pi'),
            amount,
            amount_received: 0,
            currency,
            status: 'requires_payment_method',
            metadata: strMap(p.metadata),
            latest_charge: null,
            last_payment_error: null,
            created: Math.floor(clock() / 1000),
          };
          intents.set(pi.id, pi);
          if (pi.metadata.trade_no) trades.set(pi.metadata.trade_no, pi);
          return intentJson(pi, false);
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/payment_intents\/search$/,
      handler: (_p, _m, q) => ({
        op: 'search_intents',
        run: () => {
          const query = q.get('query') ?? '';
          const m = /^metadata\['([A-Za-z0-9_]+)'\]:'([^']*)'$/.exec(query.trim());
          if (!m) throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid', 'This fake searches by one metadata key only');
          const found = [...intents.values()].filter((pi) => pi.metadata[m[1]!] === m[2]).sort((a, b) => b.created - a.created);
          return {
            object: 'search_result',
            url: '/v1/payment_intents/search',
            has_more: false,
            next_page: null,
            data: found.map((pi) => intentJson(pi, false)),
          };
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/payment_intents\/([A-Za-z0-9_]+)$/,
      handler: (_p, m, q) => ({
        op: 'retrieve_intent',
        run: () =>
          intentJson(
            findIntent(m[1]!),
            [...q.entries()].some(([k, v]) => k.startsWith('expand') && v === 'latest_charge'),
          ),
      }),
    },
    {
      method: 'POST',
      path: /^\/v1\/payment_intents\/([A-Za-z0-9_]+)\/cancel$/,
      handler: (_p, m) => ({
        op: 'cancel_intent',
        run: () => {
          const pi = findIntent(m[1]!);
          if (pi.status === 'succeeded' || pi.status === 'canceled')
            throw new StripeFail(
              400,
              'invalid_request_error',
              'payment_intent_unexpected_state',
              `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
            );
          pi.status = 'canceled';
          for (const r of readers.values()) if (r.action?.payment_intent === pi.id) r.action = null;
          sendEvent('payment_intent.canceled', intentJson(pi, false));
          return intentJson(pi, false);
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/terminal\/readers\/([A-Za-z0-9_]+)$/,
      handler: (_p, m) => ({ op: 'retrieve_reader', run: () => (findReader(m[1]!), readerJson(m[1]!)) }),
    },
    {
      method: 'POST',
      path: /^\/v1\/terminal\/readers\/([A-Za-z0-9_]+)\/process_payment_intent$/,
      handler: (p, m) => ({
        op: 'process',
        run: () => {
          const reader = findReader(m[1]!);
          const pi = findIntent(str(p.payment_intent) ?? '');
          if (pi.status !== 'requires_payment_method')
            throw new StripeFail(
              400,
              'invalid_request_error',
              'payment_intent_unexpected_state',
              `This PaymentIntent's status is ${pi.status}`,
            );
          // Like Stripe: a reader at work refuses another action, even for the same intent.
          if (reader.action?.status === 'in_progress')
            throw new StripeFail(409, 'invalid_request_error', 'terminal_reader_busy', 'The reader is busy with another action');
          reader.action = { payment_intent: pi.id, status: 'in_progress' };
          pi.last_payment_error = null;
          return readerJson(reader.id);
        },
      }),
    },
    {
      method: 'POST',
      path: /^\/v1\/terminal\/readers\/([A-Za-z0-9_]+)\/cancel_action$/,
      handler: (_p, m) => ({
        op: 'cancel_action',
        run: () => {
          const reader = findReader(m[1]!);
          reader.action = null;
          return readerJson(reader.id);
        },
      }),
    },
    {
      method: 'POST',
      path: /^\/v1\/test_helpers\/terminal\/readers\/([A-Za-z0-9_]+)\/present_payment_method$/,
      handler: (p, m) => ({
        op: 'present',
        run: () => {
          const decline = takeStep('present', ['decline']) !== null;
          const number = str((p.card_present as Record<string, unknown> | undefined)?.number) ?? FAKE_STRIPE_OK_CARD;
          if (!present(m[1]!, number, decline))
            throw new StripeFail(400, 'invalid_request_error', 'terminal_reader_timeout', 'The reader has no payment in progress');
          return readerJson(m[1]!);
        },
      }),
    },
    {
      method: 'POST',
      path: /^\/v1\/checkout\/sessions$/,
      handler: (p) => ({
        op: 'create_session',
        run: () => {
          if (str(p.mode) !== 'payment')
            throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid', 'This fake makes payment sessions only', {
              param: 'mode',
            });
          const items = Object.values((p.line_items ?? {}) as Record<string, Record<string, unknown>>);
          if (items.length === 0) throw new StripeFail(400, 'invalid_request_error', 'parameter_missing', 'line_items is required');
          let total = 0;
          let currency = '';
          const names: string[] = [];
          for (const item of items) {
            const pd = (item.price_data ?? {}) as Record<string, unknown>;
            const unit = Number(pd.unit_amount);
            const qty = Number(item.quantity ?? 1);
            const cur = str(pd.currency) ?? '';
            if (!Number.isInteger(unit) || unit < 1 || !Number.isInteger(qty) || qty < 1)
              throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid unit_amount or quantity');
            if (!/^[a-z]{3}$/.test(cur) || (currency && cur !== currency))
              throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid', 'Invalid currency', { param: 'currency' });
            currency = cur;
            total += unit * qty;
            names.push(str((pd.product_data as Record<string, unknown> | undefined)?.name) ?? '');
          }
          const success = str(p.success_url);
          if (!success || !/^https?:\/\//.test(success))
            throw new StripeFail(400, 'invalid_request_error', 'url_invalid', 'Not a valid URL', { param: 'success_url' });
          const now = Math.floor(clock() / 1000);
          const expires = p.expires_at === undefined ? now + 86_400 : Number(p.expires_at);
          // Stripe's own rule: between 30 minutes and 24 hours from creation.
          if (!Number.isInteger(expires) || expires < now + 1800 || expires > now + 86_400)
            throw new StripeFail(400, 'invalid_request_error', 'parameter_invalid', 'expires_at must be 30 minutes to 24 hours away', {
              param: 'expires_at',
            });
          const cs: FakeSession = {
            id: rid('cs_test'),
            amount_total: total,
            currency,
            status: 'open',
            payment_status: 'unpaid',
            payment_intent: null,
            metadata: strMap(p.metadata),
            client_reference_id: str(p.client_reference_id) ?? null,
            success_url: success,
            cancel_url: str(p.cancel_url) ?? null,
            expires_at: expires,
            created: now,
            customer_email: str(p.customer_email) ?? null,
            locale: str(p.locale) ?? null,
            name: names.join(', '),
            intentMetadata: strMap((p.payment_intent_data as Record<string, unknown> | undefined)?.metadata),
          };
          sessions.set(cs.id, cs);
          return sessionJson(cs);
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/,
      handler: (_p, m) => ({ op: 'retrieve_session', run: () => sessionJson(findSession(m[1]!)) }),
    },
    {
      method: 'POST',
      path: /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)\/expire$/,
      handler: (_p, m) => ({
        op: 'expire_session',
        run: () => {
          const cs = findSession(m[1]!);
          if (cs.status !== 'open')
            throw new StripeFail(400, 'invalid_request_error', 'checkout_session_unexpected_state', `The session is ${cs.status}`);
          cs.status = 'expired';
          sendEvent('checkout.session.expired', sessionJson(cs));
          return sessionJson(cs);
        },
      }),
    },
    {
      method: 'POST',
      path: /^\/v1\/refunds$/,
      handler: (p) => ({
        op: 'create_refund',
        run: () => {
          const pi = findIntent(str(p.payment_intent) ?? '');
          const charge = pi.latest_charge ? charges.get(pi.latest_charge) : undefined;
          if (pi.status !== 'succeeded' || !charge)
            throw new StripeFail(400, 'invalid_request_error', 'charge_not_captured', 'This PaymentIntent has no successful charge');
          const left = charge.amount - charge.amount_refunded;
          const amount = p.amount === undefined ? left : Number(p.amount);
          if (left <= 0)
            throw new StripeFail(400, 'invalid_request_error', 'charge_already_refunded', 'The charge has been fully refunded');
          if (!Number.isInteger(amount) || amount < 1 || amount > left)
            throw new StripeFail(400, 'invalid_request_error', 'amount_too_large', 'Refund amount is greater than what is left', {
              param: 'amount',
            });
          const refund: FakeRefund = {
            id: rid('re'),
            payment_intent: pi.id,
            charge: charge.id,
            amount,
            currency: pi.currency,
            status: 'succeeded',
            metadata: strMap(p.metadata),
            created: Math.floor(clock() / 1000),
          };
          refunds.set(refund.id, refund);
          charge.amount_refunded += amount;
          charge.refunded = charge.amount_refunded >= charge.amount;
          sendEvent('charge.refunded', chargeJson(charge));
          return refundJson(refund);
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/refunds$/,
      handler: (_p, _m, q) => ({
        op: 'list_refunds',
        run: () => {
          const pi = q.get('payment_intent');
          const data = [...refunds.values()].filter((r) => !pi || r.payment_intent === pi).sort((a, b) => b.created - a.created);
          return { object: 'list', url: '/v1/refunds', has_more: false, data: data.map(refundJson) };
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v1\/refunds\/([A-Za-z0-9_]+)$/,
      handler: (_p, m) => ({
        op: 'retrieve_refund',
        run: () => {
          const r = refunds.get(m[1]!);
          if (!r) throw new StripeFail(404, 'invalid_request_error', 'resource_missing', `No such refund: '${m[1]!}'`);
          return refundJson(r);
        },
      }),
    },
  ];

  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') });
    res.end(body);
  };
  const errorBody = (e: StripeFail) => JSON.stringify({ error: { type: e.type, code: e.code, message: e.message, ...e.extra } });

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const url = new URL(req.url ?? '/', 'http://fake');
    // The hosted Checkout page is opened by the buyer's browser, with no API key.
    const hosted = /^\/checkout\/pay\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (hosted) {
      const cs = sessions.get(hosted[1]!);
      if (!cs) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('No such checkout session');
        return;
      }
      if (req.method === 'POST') {
        const outcome = paySession(cs, new URLSearchParams(raw).get('card')?.replace(/\s/g, '') || FAKE_STRIPE_OK_CARD);
        if (outcome === 'paid') {
          res.writeHead(303, { location: cs.success_url.replace('{CHECKOUT_SESSION_ID}', cs.id) }).end();
          return;
        }
        res.writeHead(402, { 'content-type': 'text/html; charset=utf-8' });
        res.end(hostedPage(cs, outcome === 'declined' ? 'Your card was declined.' : 'This session has expired.'));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(hostedPage(cs, null));
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${secretKey}`)
      return answer(
        res,
        401,
        errorBody(
          new StripeFail(401, 'invalid_request_error', 'api_key_invalid', 'Invalid API Key provided: the key is not this account’s'),
        ),
      );
    const params = req.method === 'POST' ? parseStripeForm(raw) : {};
    let route: (typeof routes)[number] | undefined;
    let m: RegExpExecArray | null = null;
    for (const r of routes) {
      if (r.method !== req.method) continue;
      m = r.path.exec(url.pathname);
      if (m) {
        route = r;
        break;
      }
    }
    if (!route || !m)
      return answer(
        res,
        404,
        errorBody(new StripeFail(404, 'invalid_request_error', 'url_invalid', `Unrecognized request URL (${req.method}: ${url.pathname})`)),
      );
    const { op, run } = route.handler(params, m, url.searchParams);
    calls[op] = (calls[op] ?? 0) + 1;

    const step = takeStep(op, ['error500', 'hang', 'drop_after']);
    if (step?.do === 'hang') return; // the socket stays open until the client gives up or the fake closes
    if (step?.do === 'error500')
      return answer(res, 500, errorBody(new StripeFail(500, 'api_error', 'api_error', 'An unexpected error occurred (fake).')));
    // The work is done (or replayed), then the connection drops before the answer leaves.
    const reply = (status: number, body: string) => (step?.do === 'drop_after' ? void req.socket.destroy() : answer(res, status, body));

    const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const fingerprint = `${req.method} ${url.pathname} ${raw}`;
    if (typeof key === 'string') {
      const seen = idempotent.get(key);
      if (seen) {
        if (seen.params !== fingerprint)
          return reply(
            400,
            errorBody(
              new StripeFail(
                400,
                'idempotency_error',
                'idempotency_key_in_use',
                'Keys for idempotent requests can only be used with the same parameters they were first used with.',
              ),
            ),
          );
        res.setHeader('idempotent-replayed', 'true');
        return reply(seen.status, seen.body);
      }
    }

    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(run());
    } catch (err) {
      if (!(err instanceof StripeFail)) throw err;
      status = err.status;
      body = errorBody(err);
    }
    // Stripe saves the result of a request that began executing, errors included, under its key.
    if (typeof key === 'string') idempotent.set(key, { params: fingerprint, status, body });
    reply(status, body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.socket.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) answer(res, 500, JSON.stringify({ error: { type: 'api_error', message: 'fake failed' } }));
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    readerId,
    trades,
    intents,
    charges,
    refunds,
    sessions,
    sessionJson: (id) => sessionJson(findSession(id)),
    completeSession: async (id, number = FAKE_STRIPE_OK_CARD) => {
      const cs = sessions.get(id);
      return cs && paySession(cs, number) === 'paid' ? cs : null;
    },
    deliveries,
    calls,
    script: (...s) => void steps.push(...s),
    presentCard: async (id = readerId, number = FAKE_STRIPE_OK_CARD) => present(id, number, takeStep('present', ['decline']) !== null),
    customerPays: async (tradeNo) => {
      const pi = trades.get(tradeNo);
      if (!pi) return null;
      const reader = [...readers.values()].find((r) => r.action?.payment_intent === pi.id);
      return reader ? present(reader.id, FAKE_STRIPE_OK_CARD, takeStep('present', ['decline']) !== null) : null;
    },
    sign,
    settled: async () => {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
