/**
 * Stripe for shop orders, as a Stripe Checkout Session: the buyer pays on Stripe's hosted page, so
 * no card number ever reaches the shop (and Stripe does 3-D Secure, wallets and its local methods
 * there); a PaymentIntent would need Stripe.js and a card form on our own page, which the shop's
 * server-rendered pages avoid. The session is made for the order's exact total (one line, the
 * order), named by the order in its metadata, with an Idempotency-Key per order.
 *
 * An order is paid only by a `checkout.session.completed` / `async_payment_succeeded` webhook whose
 * Stripe-Signature verifies (the SDK's constructEvent over the raw body, within five minutes) and
 * whose session, amount, currency and metadata are the order's, or by retrieving the session.
 */
import type Stripe from 'stripe';
import { stripeClient, stripeNoticeReply, verifyStripeEvent, STRIPE_WEBHOOK_TOLERANCE_SEC } from '../../../main/payments/stripe';
import type { NoticeReply } from '../../../main/payments/gateway';
import type { CloudDeps } from '../../deps';
import { orderInStore, type ShopOrder } from '../checkout/orders';
import { refuseNotice, type ShopPayments } from '../checkout/payment';
import type { OrderStock } from '../checkout/stock';
import type { ShopStripeConfig } from './settings';
import { settleConfirmed } from './settle';
import { keepStart, startOf } from './starts';
import type { Started } from './wechat';

/** Stripe's shortest allowed session life; an order paid after its own hold follows the late-payment rule. */
const MIN_SESSION_MS = 30 * 60_000 + 60_000;

/** The order's Checkout Session: the one kept, or a new one (the same on a retry, by its Idempotency-Key). */
export async function startStripe(
  deps: CloudDeps,
  cfg: ShopStripeConfig,
  order: ShopOrder,
  urls: { successUrl: string; cancelUrl: string },
  subject: string,
  lang: 'en' | 'zh-CN',
): Promise<Started> {
  const kept = await startOf(deps.db, order.id);
  if (kept?.url) return { ok: true, ref: kept.ref, url: kept.url };
  const now = deps.clock();
  const meta = { order_id: order.id, trade_no: order.shopNumber, store_id: order.storeId };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripeClient(cfg).checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: { currency: order.currency.toLowerCase(), unit_amount: order.total, product_data: { name: subject.slice(0, 200) } },
          },
        ],
        client_reference_id: order.id,
        metadata: meta,
        payment_intent_data: { metadata: meta },
        success_url: urls.successUrl,
        cancel_url: urls.cancelUrl,
        expires_at: Math.ceil(Math.max(order.expiresAt, now + MIN_SESSION_MS) / 1000),
        locale: lang === 'zh-CN' ? 'zh' : 'en',
        ...(order.contactEmail ? { customer_email: order.contactEmail } : {}),
      },
      { idempotencyKey: `countertop-shop-cs-${order.id}` },
    );
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  if (!session.url) return { ok: false, message: 'Stripe gave the session no URL' };
  const start = await keepStart(deps.db, {
    orderId: order.id,
    provider: 'stripe',
    ref: session.id,
    url: session.url,
    createdAt: now,
    checkedAt: now,
  });
  return { ok: true, ref: start.ref, url: start.url };
}

type Check = { ok: true; order: ShopOrder } | { ok: false; reason: string; message: string };

/** Whether a paid session is this store's order's own: its id, metadata, amount and currency. */
async function checkSession(deps: CloudDeps, storeId: string, s: Stripe.Checkout.Session): Promise<Check> {
  const meta = s.metadata ?? {};
  if (meta.store_id !== storeId) return { ok: false, reason: 'wrong_store', message: 'the session is for another store' };
  const order =
    s.client_reference_id && /^[0-9a-f-]{36}$/.test(s.client_reference_id)
      ? await orderInStore(deps.db, storeId, s.client_reference_id)
      : null;
  if (!order || order.shopNumber !== meta.trade_no || meta.order_id !== order.id)
    return { ok: false, reason: 'unknown_trade', message: 'the session names no order of this store' };
  const kept = await startOf(deps.db, order.id);
  if (kept && kept.ref !== s.id) return { ok: false, reason: 'unknown_trade', message: 'the session is not the one made for this order' };
  return { ok: true, order };
}

function paymentOf(event: string, s: Stripe.Checkout.Session) {
  const pi = typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? s.id);
  return {
    provider: 'stripe' as const,
    eventId: event,
    providerRef: pi,
    amount: s.amount_total ?? -1,
    currency: s.currency ?? '',
    account: null,
  };
}

/** The signed timestamp of a Stripe-Signature header, to tell an old (replayed) event from a forged one. */
function signedAt(header: string | undefined): number | null {
  const t = /(?:^|,)t=(\d{1,12})(?:,|$)/.exec(header ?? '');
  return t ? Number(t[1]) * 1000 : null;
}

/** One Stripe webhook for the store's shop. A 2xx stops Stripe's retries; a refusal is a 400. */
export async function receiveStripeWebhook(
  deps: CloudDeps,
  stock: OrderStock,
  payments: ShopPayments,
  at: { orgId: string; storeId: string },
  headers: Record<string, string>,
  rawBody: string,
): Promise<NoticeReply> {
  const refuse = (reason: string, message: string, n: { eventId?: string; tradeNo?: string } = {}) =>
    refuseNotice(deps, at, 'stripe', reason, message, rawBody, n);
  const cfg = payments(at.storeId)?.stripe;
  if (!cfg) {
    await refuse('no_key', 'this store takes no Stripe payments online');
    return stripeNoticeReply(false);
  }
  const now = deps.clock();
  const event = verifyStripeEvent(cfg.webhookSecret, headers, rawBody, now);
  if (!event) {
    const t = signedAt(headers['stripe-signature']);
    const stale = t !== null && Math.abs(now - t) > STRIPE_WEBHOOK_TOLERANCE_SEC * 1000;
    // An old timestamp is refused as such only when the signature itself is good (a replay); else it is a forgery.
    const replay = stale && verifyStripeEvent(cfg.webhookSecret, headers, rawBody, t) !== null;
    if (replay) await refuse('stale', 'the event was signed more than five minutes ago (a replay)');
    else await refuse('bad_signature', 'the Stripe-Signature does not verify with the store’s webhook secret');
    return stripeNoticeReply(false);
  }
  if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded')
    return stripeNoticeReply(true);
  const s = event.data.object;
  const ids = { eventId: event.id, tradeNo: s.metadata?.trade_no ?? '' };
  // Completed but not yet paid (a bank debit): the async_payment_succeeded event pays it.
  if (s.payment_status !== 'paid') return stripeNoticeReply(true);
  const checked = await checkSession(deps, at.storeId, s);
  if (!checked.ok) {
    await refuse(checked.reason, checked.message, ids);
    return stripeNoticeReply(false);
  }
  return stripeNoticeReply(await settleConfirmed(deps, stock, at.storeId, checked.order.shopNumber, paymentOf(event.id, s), refuse));
}

/** Retrieves the order's session (the webhook may be lost or late): paid when Stripe says it is, for the order. */
export async function confirmStripe(deps: CloudDeps, stock: OrderStock, cfg: ShopStripeConfig, order: ShopOrder): Promise<boolean> {
  const kept = await startOf(deps.db, order.id);
  if (!kept || kept.provider !== 'stripe') return false;
  let s: Stripe.Checkout.Session;
  try {
    s = await stripeClient(cfg).checkout.sessions.retrieve(kept.ref);
  } catch {
    return false;
  }
  if (s.status !== 'complete' || s.payment_status !== 'paid') return false;
  const checked = await checkSession(deps, order.storeId, s);
  if (!checked.ok) return false;
  return settleConfirmed(deps, stock, order.storeId, order.shopNumber, paymentOf(`query:${s.id}`, s));
}
