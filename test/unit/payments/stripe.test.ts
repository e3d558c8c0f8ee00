/**
 * Stripe Terminal through the real `stripe` SDK against the local fake: the happy path, a decline,
 * a lost answer found again by a query, idempotent retries (one intent, one refund), cancel, and
 * webhooks checked as Stripe signs them (forged, replayed and altered ones refused).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_STRIPE_DECLINE_CARD, startFakeStripe, type FakeStripeOptions } from '../../../src/main/payments/fakes/stripe';
import {
  CONFIG_FIELDS,
  SECRET_FIELDS,
  createStripeGateway,
  stripeNoticeReply,
  verifyStripeNotice,
  type StripeConfig,
} from '../../../src/main/payments/stripe';
import type { PayRequest } from '../../../src/main/payments/gateway';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(opts: FakeStripeOptions = {}, cfg: Partial<StripeConfig> = {}) {
  const fake = await startFakeStripe(opts);
  open.push(fake);
  const gw = createStripeGateway({
    mode: 'training',
    baseUrl: fake.url,
    timeoutMs: 800,
    readerId: fake.readerId,
    secretKey: fake.secretKey,
    webhookSecret: fake.webhookSecret,
    ...cfg,
  });
  return { fake, gw };
}

let n = 0;
const req = (over: Partial<PayRequest> = {}): PayRequest => ({
  tradeNo: `T1-${Date.now()}-${++n}`,
  amount: 1234,
  currency: 'USD',
  subject: 'Acme order 1-0001',
  terminal: 'T1',
  ...over,
});

/** A webhook receiver: collects the raw bodies and headers the fake posts. */
async function receiver() {
  const got: { headers: Record<string, string>; body: string }[] = [];
  const server: Server = createServer((r, res) => {
    let body = '';
    r.on('data', (c: Buffer) => (body += c.toString('utf8')));
    r.on('end', () => {
      got.push({ headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])), body });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  open.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('Stripe Terminal gateway', () => {
  it('names its settings and secrets', () => {
    expect(CONFIG_FIELDS).toContain('readerId');
    expect(SECRET_FIELDS).toEqual(['secretKey', 'webhookSecret']);
  });

  it('happy path: an intent processed on the reader, the card tapped, the query says paid with the masked card', async () => {
    const { fake, gw } = await setup();
    const r = req();
    const started = await gw.startTerminal!(r);
    expect(started).toMatchObject({ state: 'waiting' });
    const pi = fake.trades.get(r.tradeNo)!;
    expect(pi).toMatchObject({ amount: 1234, currency: 'usd', metadata: { trade_no: r.tradeNo } });
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'waiting' });
    await fake.presentCard(fake.readerId, '4242424242424242');
    expect(await gw.query(r.tradeNo)).toEqual({ state: 'paid', providerRef: pi.id, amount: 1234, buyer: '****4242', brand: 'visa' });
    expect(await gw.testConnection()).toEqual({ ok: true });
  });

  it('a declined card fails with the decline code', async () => {
    const { fake, gw } = await setup();
    const r = req();
    await gw.startTerminal!(r);
    await fake.presentCard(fake.readerId, FAKE_STRIPE_DECLINE_CARD);
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'failed', code: 'generic_decline' });
    const r2 = req();
    await gw.startTerminal!(r2);
    fake.script({ op: 'present', do: 'decline' });
    await fake.customerPays(r2.tradeNo);
    expect(await gw.query(r2.tradeNo)).toMatchObject({ state: 'failed', code: 'generic_decline' });
  });

  it('a wrong secret key is refused (401): nothing created, and test connection says so', async () => {
    const { fake, gw } = await setup({}, { secretKey: 'sk_test_wrong' });
    expect(await gw.startTerminal!(req())).toMatchObject({ state: 'failed', code: 'api_key_invalid' });
    expect(fake.intents.size).toBe(0);
    expect(await gw.testConnection()).toMatchObject({ ok: false, code: 'api_key_invalid' });
  });

  it('an answer lost after the intent was made: unknown, then a fresh gateway (restart) finds it by searching', async () => {
    const { fake, gw } = await setup();
    // One dropped connection: the SDK retries it once with the same Idempotency-Key and gets the first answer.
    const once = req();
    fake.script({ op: 'create_intent', do: 'drop_after' });
    expect(await gw.startTerminal!(once)).toMatchObject({ state: 'waiting' });
    expect(fake.calls.create_intent).toBe(2);
    expect(fake.intents.size).toBe(1);
    // Its retry dropped too: the answer is lost.
    const r = req();
    fake.script({ op: 'create_intent', do: 'drop_after' }, { op: 'create_intent', do: 'drop_after' });
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'unknown' });
    expect(fake.intents.size).toBe(2);
    const restarted = createStripeGateway({ mode: 'training', baseUrl: fake.url, readerId: fake.readerId, secretKey: fake.secretKey });
    expect(await restarted.query(r.tradeNo)).toMatchObject({ state: 'waiting' });
    expect(fake.calls.search_intents).toBe(1);
    // A trade never sent: not found.
    expect(await restarted.query('T1-never-sent')).toEqual({ state: 'not_found' });
  });

  it('a 500 and a hang past the timeout are unknown, never failed', async () => {
    const { fake, gw } = await setup();
    fake.script({ op: 'create_intent', do: 'error500' });
    expect(await gw.startTerminal!(req())).toMatchObject({ state: 'unknown' });
    fake.script({ op: 'process', do: 'hang' });
    const r = req();
    const t0 = Date.now();
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'unknown' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('retrying startTerminal with the same trade number makes one intent (Idempotency-Key), even after a lost answer', async () => {
    const { fake, gw } = await setup();
    const r = req();
    fake.script({ op: 'create_intent', do: 'drop_after' }, { op: 'create_intent', do: 'drop_after' });
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'unknown' });
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'waiting' });
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'waiting' });
    expect(fake.intents.size).toBe(1);
    // Once paid, a retry reports paid instead of processing again.
    await fake.customerPays(r.tradeNo);
    expect(await gw.startTerminal!(r)).toMatchObject({ state: 'paid', amount: 1234 });
    expect(fake.intents.size).toBe(1);
    // The same trade number with another amount is not a retry: the fake refuses, the gateway does not guess.
    expect(await gw.startTerminal!({ ...r, amount: 999 })).toMatchObject({ state: 'unknown', code: 'idempotency_key_in_use' });
    expect(fake.intents.size).toBe(1);
    // The answer to "process on the reader" lost: the retry sees the reader taking this intent and waits, cancelling nothing.
    const p = req();
    fake.script({ op: 'process', do: 'drop_after' }, { op: 'process', do: 'drop_after' });
    expect(await gw.startTerminal!(p)).toMatchObject({ state: 'unknown' });
    expect(await gw.startTerminal!(p)).toMatchObject({ state: 'waiting' });
    expect(fake.trades.get(p.tradeNo)!.status).toBe('requires_payment_method');
    await gw.cancel(p.tradeNo);
    // A reader busy with another trade: the new intent is abandoned and the trade fails.
    const other = req();
    await gw.startTerminal!(other);
    const busy = req();
    expect(await gw.startTerminal!(busy)).toMatchObject({ state: 'failed', code: 'terminal_reader_busy' });
    expect(fake.trades.get(busy.tradeNo)!.status).toBe('canceled');
    await gw.cancel(other.tradeNo);
  });

  it('a refund retried after a lost answer is paid once; queryRefund finds it by our refund number', async () => {
    const { fake, gw } = await setup();
    const r = req();
    await gw.startTerminal!(r);
    await fake.customerPays(r.tradeNo);
    const refund = { tradeNo: r.tradeNo, refundNo: `R-${r.tradeNo}`, amount: 500, total: 1234, currency: 'USD', reason: 'returned' };
    fake.script({ op: 'create_refund', do: 'drop_after' }, { op: 'create_refund', do: 'drop_after' });
    expect(await gw.refund(refund)).toMatchObject({ state: 'unknown' });
    const again = await gw.refund(refund);
    expect(again).toMatchObject({ state: 'refunded', amount: 500 });
    expect(await gw.refund(refund)).toEqual(again);
    expect(fake.refunds.size).toBe(1);
    expect([...fake.charges.values()][0]!.amount_refunded).toBe(500);
    expect(await gw.queryRefund(refund)).toMatchObject({ state: 'refunded', amount: 500 });
    expect(await gw.queryRefund({ ...refund, refundNo: 'R-other' })).toMatchObject({ state: 'failed', code: 'not_found' });
    // More than is left is refused, not unknown.
    expect(await gw.refund({ ...refund, refundNo: 'R-2', amount: 900 })).toMatchObject({ state: 'failed', code: 'amount_too_large' });
  });

  it('cancel: an unpaid intent is cancelled on the reader and at Stripe; a paid one is refunded', async () => {
    const { fake, gw } = await setup();
    const r = req();
    await gw.startTerminal!(r);
    expect(await gw.cancel(r.tradeNo)).toMatchObject({ state: 'closed' });
    expect(fake.trades.get(r.tradeNo)!.status).toBe('canceled');
    expect(await fake.customerPays(r.tradeNo)).toBeNull();
    expect(await gw.query(r.tradeNo)).toMatchObject({ state: 'closed' });

    const paid = req();
    await gw.startTerminal!(paid);
    await fake.customerPays(paid.tradeNo);
    expect(await gw.cancel(paid.tradeNo)).toMatchObject({ state: 'closed', code: 'refunded' });
    expect(await gw.cancel(paid.tradeNo)).toMatchObject({ state: 'closed', code: 'refunded' });
    expect(fake.refunds.size).toBe(1);
    expect([...fake.refunds.values()][0]!.amount).toBe(1234);
  });

  it('codes and QR are not a card terminal’s', async () => {
    const { gw } = await setup();
    expect(await gw.pay(req({ authCode: '281234567890123456' }))).toMatchObject({ state: 'failed', code: 'unsupported' });
    expect(await gw.precreate(req(), null)).toMatchObject({ state: 'failed', code: 'unsupported' });
  });
});

describe('Stripe webhooks', () => {
  async function paidHook(opts: FakeStripeOptions = {}) {
    const hook = await receiver();
    const { fake, gw } = await setup({ webhookUrl: hook.url, ...opts });
    const r = req();
    await gw.startTerminal!(r);
    await fake.customerPays(r.tradeNo);
    await fake.settled();
    return { fake, gw, r, hook };
  }

  it('a signed payment_intent.succeeded verifies and maps to paid', async () => {
    const { fake, gw, r, hook } = await paidHook();
    expect(hook.got).toHaveLength(1);
    const { headers, body } = hook.got[0]!;
    const notice = gw.verifyNotice(headers, body);
    expect(notice).toMatchObject({
      provider: 'stripe',
      merchant: '',
      tradeNo: r.tradeNo,
      answer: { state: 'paid', amount: 1234, providerRef: fake.trades.get(r.tradeNo)!.id },
    });
    expect(verifyStripeNotice(fake.webhookSecret, headers, body)).toEqual(notice);
    expect(stripeNoticeReply(true).status).toBe(200);
    expect(stripeNoticeReply(false).status).toBe(400);
  });

  it('decline, cancel and full refund events map to failed and closed', async () => {
    const hook = await receiver();
    const { fake, gw } = await setup({ webhookUrl: hook.url });
    const declined = req();
    await gw.startTerminal!(declined);
    await fake.presentCard(fake.readerId, FAKE_STRIPE_DECLINE_CARD);
    const refunded = req();
    await gw.startTerminal!(refunded);
    await fake.customerPays(refunded.tradeNo);
    await gw.refund({ tradeNo: refunded.tradeNo, refundNo: 'RF1', amount: 1234, total: 1234, currency: 'USD', reason: 'x' });
    const cancelled = req();
    await gw.startTerminal!(cancelled);
    await gw.cancel(cancelled.tradeNo);
    await fake.settled();
    const notices = hook.got.map((h) => verifyStripeNotice(fake.webhookSecret, h.headers, h.body)!);
    const by = (no: string) => notices.filter((x) => x.tradeNo === no).map((x) => x.answer);
    expect(by(declined.tradeNo)).toEqual([{ state: 'failed', code: 'generic_decline', message: expect.any(String) }]);
    expect(
      by(refunded.tradeNo)
        .map((a) => a.state)
        .sort(),
    ).toEqual(['closed', 'paid']);
    expect(by(refunded.tradeNo).find((a) => a.state === 'closed')).toMatchObject({ code: 'refunded' });
    expect(by(cancelled.tradeNo)).toMatchObject([{ state: 'closed' }]);
  });

  it('forged, altered, replayed-old and wrong-secret webhooks are refused', async () => {
    const { fake, hook } = await paidHook();
    const { headers, body } = hook.got[0]!;
    const now = Date.now();
    expect(verifyStripeNotice(fake.webhookSecret, headers, body, now)).not.toBeNull();
    // Another secret.
    expect(verifyStripeNotice('whsec_someone_else', headers, body, now)).toBeNull();
    // The amount altered after signing.
    const altered = body.replace('"amount_received":1234', '"amount_received":1');
    expect(altered).not.toBe(body);
    expect(verifyStripeNotice(fake.webhookSecret, headers, altered, now)).toBeNull();
    // No signature, a signature with no v1, a made-up one.
    expect(verifyStripeNotice(fake.webhookSecret, {}, body, now)).toBeNull();
    const t = Math.floor(now / 1000);
    expect(verifyStripeNotice(fake.webhookSecret, { 'Stripe-Signature': `t=${t}` }, body, now)).toBeNull();
    expect(verifyStripeNotice(fake.webhookSecret, { 'Stripe-Signature': `t=${t},v1=${'0'.repeat(64)}` }, body, now)).toBeNull();
    // The same event, correctly signed, but received ten minutes later: a replay.
    expect(verifyStripeNotice(fake.webhookSecret, headers, body, now + 10 * 60_000)).toBeNull();
    // Re-signed with an old timestamp: refused too.
    const old = fake.sign(body, t - 3600);
    expect(verifyStripeNotice(fake.webhookSecret, { 'stripe-signature': old }, body, now)).toBeNull();
    // An empty secret never verifies.
    expect(verifyStripeNotice('', headers, body, now)).toBeNull();
  });

  it('the fake can send a webhook twice, or with a bad signature', async () => {
    const hook = await receiver();
    const { fake, gw } = await setup({ webhookUrl: hook.url, account: 'acct_connected' });
    const r = req();
    await gw.startTerminal!(r);
    fake.script({ do: 'webhook_twice' });
    await fake.customerPays(r.tradeNo);
    const r2 = req();
    await gw.startTerminal!(r2);
    fake.script({ do: 'webhook_bad_signature' });
    await fake.customerPays(r2.tradeNo);
    await fake.settled();
    expect(hook.got).toHaveLength(3);
    const v = hook.got.map((h) => verifyStripeNotice(fake.webhookSecret, h.headers, h.body));
    const good = v.filter((x) => x !== null);
    expect(good).toHaveLength(2);
    expect(good[0]).toMatchObject({ merchant: 'acct_connected', tradeNo: r.tradeNo });
    expect(good[1]).toEqual(good[0]);
    // The third names the other trade but its signature was made with another secret.
    expect(hook.got.filter((h) => h.body.includes(r2.tradeNo))).toHaveLength(1);
  });
});
