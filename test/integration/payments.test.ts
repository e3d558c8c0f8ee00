import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import type { CardIntent } from '../../src/shared/api';
import { createSimulatedTerminal } from '../../src/main/payments/simulated-terminal';
import type { CardOutcome, CardRequest, PaymentProvider } from '../../src/main/payments/provider';
import { tableNames } from '../support/db-snapshot';

type App = ReturnType<typeof makeApp>;

/** A sale of 2 colas and a bread: 1.50 × 2 + 3.25 = 6.25. */
async function sale(opts: { payments?: PaymentProvider } = {}) {
  const app = makeApp(opts.payments ? { payments: opts.payments } : {});
  const store = await readyStore(app);
  await ok(app, 'cart.scan', { code: '5000112637922' });
  await ok(app, 'cart.scan', { code: '5000112637922' });
  const cart = await ok(app, 'cart.scan', { code: '4006381333931' });
  expect(cart.priced.total).toBe(625);
  return { app, cartId: cart.id!, ...store };
}

const count = (app: App, table: string) => (app.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Waits for the terminal's answer, pushed as a `payments.intent` event. */
function nextIntentEvent(app: App, id: string, session = 's1'): Promise<CardIntent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no payments.intent event within 2 s')), 2000);
    const off = app.router.subscribe(session, (event, payload) => {
      const intent = payload as CardIntent;
      if (event === 'payments.intent' && intent.id === id && intent.status !== 'pending') {
        clearTimeout(timer);
        off();
        resolve(intent);
      }
    });
  });
}

/** A terminal the test answers by hand. */
function manualTerminal() {
  const waiting = new Map<string, (o: CardOutcome) => void>();
  const requests: CardRequest[] = [];
  const provider: PaymentProvider = {
    name: 'manual',
    charge(req) {
      requests.push(req);
      return new Promise((resolve) => waiting.set(req.intentId, resolve));
    },
    cancel(intentId) {
      waiting.get(intentId)?.({ status: 'declined', message: 'Cancelled' });
    },
  };
  const answer = async (intentId: string, outcome: CardOutcome) => {
    for (let i = 0; i < 50 && !waiting.has(intentId); i++) await new Promise((r) => setTimeout(r, 2));
    waiting.get(intentId)!(outcome);
    waiting.delete(intentId);
  };
  return { provider, requests, answer };
}

describe('cash and external card', () => {
  it('splits a sale between card_external and cash; change comes from the cash', async () => {
    const { app, cartId } = await sale();
    const order = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_external', amount: 400, approved: true, brand: 'VISA', last4: '4242' },
        { kind: 'cash', amount: 300 },
      ],
    });
    expect(order.total).toBe(625);
    expect(order.change).toBe(75);
    expect(order.payments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'card_external', amount: 400, brand: 'VISA', last4: '4242' }),
        expect.objectContaining({ kind: 'cash', amount: 225, tendered: 300 }),
      ]),
    );
    expect(order.payments.reduce((s, p) => s + p.amount, 0)).toBe(625);
  });

  it('a card_external amount beyond the total is refused and no sale is made', async () => {
    const { app, cartId } = await sale();
    const err = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'card_external', amount: 700, approved: true }],
    });
    expect(err.code).toBe('VALIDATION');
    expect(count(app, 'orders')).toBe(0);
    expect(count(app, 'payments')).toBe(0);
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(2);
    // Two cards that together exceed the total are refused too.
    const two = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_external', amount: 400, approved: true },
        { kind: 'card_external', amount: 400, approved: true },
      ],
    });
    expect(two.code).toBe('VALIDATION');
  });

  it('too little paid keeps the sale open', async () => {
    const { app, cartId } = await sale();
    const err = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_external', amount: 300, approved: true },
        { kind: 'cash', amount: 300 },
      ],
    });
    expect(err).toMatchObject({ code: 'INSUFFICIENT_PAYMENT', details: { due: 25 } });
    expect(count(app, 'orders')).toBe(0);
  });

  it('the clerk must confirm the terminal approved: approved:false is a VALIDATION error', async () => {
    const { app, cartId } = await sale();
    const err = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'card_external', amount: 625, approved: false }],
    });
    expect(err.code).toBe('VALIDATION');
  });
});

describe('card data', () => {
  it('last4 must be 4 digits: a full card number is a VALIDATION error and is stored nowhere', async () => {
    const { app, cartId } = await sale();
    for (const last4 of ['4111111111111111', '41111', '411', 'abcd', '4111 1111 1111 1111']) {
      const err = await fail(app, 'sales.complete', {
        cartId,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'card_external', amount: 625, approved: true, last4 }],
      });
      expect(err.code, last4).toBe('VALIDATION');
    }
    expect(count(app, 'orders')).toBe(0);
    expect(dbContains(app, '4111111111111111')).toEqual([]);
  });

  it('a card number typed into the brand field is not stored', async () => {
    const { app, cartId } = await sale();
    const res = await app.router.call(
      'sales.complete',
      {
        cartId,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'card_external', amount: 625, approved: true, brand: '4111111111111111', last4: '1111' }],
      },
      's1',
    );
    if (!res.ok) expect(res.error.code).toBe('VALIDATION');
    expect(dbContains(app, '4111111111111111')).toEqual([]);
  });

  it('only brand and last 4 are kept for a card payment', async () => {
    const { app, cartId } = await sale();
    await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'card_external', amount: 625, approved: true, brand: 'Mastercard', last4: '5454' }],
    });
    const rows = app.deps.sqlite.prepare('SELECT brand, last4 FROM payments').all();
    expect(rows).toEqual([{ brand: 'Mastercard', last4: '5454' }]);
  });
});

/** Tables and columns whose text contains `needle`. */
function dbContains(app: App, needle: string): string[] {
  const hits: string[] = [];
  for (const table of tableNames(app.deps.sqlite)) {
    const cols = (app.deps.sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    for (const col of cols) {
      const n = app.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE instr(CAST("${col}" AS TEXT), ?) > 0`).get(needle) as {
        n: number;
      };
      if (n.n > 0) hits.push(`${table}.${col}`);
    }
  }
  return hits;
}

describe('integrated card terminal (simulated)', () => {
  it('start → pending → approved event → complete with card_integrated', async () => {
    const { app, cartId } = await sale({ payments: createSimulatedTerminal({ delayMs: 10 }) });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    expect(started).toMatchObject({ cartId, amount: 625, status: 'pending', last4: null });
    const approved = nextIntentEvent(app, started.id);
    const intent = await approved;
    expect(intent.status).toBe('approved');
    expect(intent.last4).toMatch(/^\d{4}$/);
    expect((await ok(app, 'payments.intent', { id: started.id })).status).toBe('approved');

    const order = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'card_integrated', intentId: started.id }],
    });
    expect(order.total).toBe(625);
    expect(order.change).toBe(0);
    expect(order.payments).toEqual([expect.objectContaining({ kind: 'card_integrated', amount: 625, brand: 'VISA', last4: intent.last4 })]);
    expect(order.payments[0]!.reference).toMatch(/^SIM-/);
  });

  it('a partial card payment plus cash completes the sale', async () => {
    const { app, cartId } = await sale({ payments: createSimulatedTerminal({ delayMs: 10 }) });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 500 });
    await nextIntentEvent(app, started.id);
    const order = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_integrated', intentId: started.id },
        { kind: 'cash', amount: 200 },
      ],
    });
    expect(order.change).toBe(75);
  });

  it('a declined intent (amount ending in 13) cannot complete the sale', async () => {
    const { app, cartId } = await sale({ payments: createSimulatedTerminal({ delayMs: 10 }) });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 613 });
    const answer = await nextIntentEvent(app, started.id);
    expect(answer.status).toBe('declined');
    expect(answer.message).toBeTruthy();
    const err = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_integrated', intentId: started.id },
        { kind: 'cash', amount: 12 },
      ],
    });
    expect(err.code).toBe('DECLINED');
    expect(count(app, 'orders')).toBe(0);
    // The clerk can try again with a new card payment.
    const again = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    expect((await nextIntentEvent(app, again.id)).status).toBe('approved');
    await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'card_integrated', intentId: again.id }] });
  });

  it('a pending intent cannot complete the sale, and a second one cannot start meanwhile', async () => {
    const t = manualTerminal();
    const { app, cartId } = await sale({ payments: t.provider });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    expect(
      (await fail(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'card_integrated', intentId: started.id }] }))
        .code,
    ).toBe('DECLINED');
    expect((await fail(app, 'payments.startCard', { cartId, amount: 625 })).code).toBe('CONFLICT');
    const done = nextIntentEvent(app, started.id);
    await t.answer(started.id, { status: 'approved', brand: 'AMEX', last4: '0005', reference: 'R1' });
    expect((await done).status).toBe('approved');
    expect(t.requests).toEqual([{ intentId: started.id, amount: 625, currency: 'USD' }]);
  });

  it('a cancelled intent is not charged and cannot be used', async () => {
    const t = manualTerminal();
    const { app, cartId } = await sale({ payments: t.provider });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await ok(app, 'payments.cancelCard', { id: started.id })).status).toBe('cancelled');
    // A late approval from the terminal does not revive it.
    await new Promise((r) => setTimeout(r, 5));
    expect((await ok(app, 'payments.intent', { id: started.id })).status).toBe('cancelled');
    expect(
      (await fail(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'card_integrated', intentId: started.id }] }))
        .code,
    ).toBe('DECLINED');
  });

  it('an approved intent is used once: not listed twice, not for another sale', async () => {
    const { app, cartId } = await sale({ payments: createSimulatedTerminal({ delayMs: 10 }) });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 400 });
    await nextIntentEvent(app, started.id);
    const twice = await fail(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_integrated', intentId: started.id },
        { kind: 'card_integrated', intentId: started.id },
      ],
    });
    expect(twice.code).toBe('VALIDATION');
    const first = await ok(app, 'sales.complete', {
      cartId,
      checkoutId: uuidv7(),
      tenders: [
        { kind: 'card_integrated', intentId: started.id },
        { kind: 'cash', amount: 225 },
      ],
    });
    expect(first.total).toBe(625);

    // The next sale tries to reuse the same approval.
    const next = await ok(app, 'cart.scan', { code: '4006381333931' });
    expect(next.id).not.toBe(cartId);
    const reuse = await fail(app, 'sales.complete', {
      cartId: next.id!,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'card_integrated', intentId: started.id }],
    });
    expect(['NOT_FOUND', 'DECLINED', 'CONFLICT']).toContain(reuse.code);
    expect(count(app, 'orders')).toBe(1);
    expect((app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM payments WHERE kind = 'card_integrated'").get() as { n: number }).n).toBe(1);
  });

  it('the sale cannot be changed or voided under an approved card payment', async () => {
    const { app, cartId } = await sale({ payments: createSimulatedTerminal({ delayMs: 10 }) });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    expect((await nextIntentEvent(app, started.id)).status).toBe('approved');
    // The customer's card was charged 6.25; taking a line off would leave a sale the charge can never complete.
    const cart = await ok(app, 'cart.get', {});
    const remove = await app.router.call('cart.removeLine', { lineId: cart.lines[1]!.id }, 's1');
    expect(remove.ok ? 'ok' : remove.error.code).toBe('CONFLICT');
    const voided = await app.router.call('cart.clear', {}, 's1');
    expect(voided.ok ? 'ok' : voided.error.code).toBe('CONFLICT');
    await ok(app, 'sales.complete', { cartId, checkoutId: uuidv7(), tenders: [{ kind: 'card_integrated', intentId: started.id }] });
  });

  it('a card charge larger than the sale is refused before the terminal is asked', async () => {
    const t = manualTerminal();
    const { app, cartId } = await sale({ payments: t.provider });
    const res = await app.router.call('payments.startCard', { cartId, amount: 62_500 }, 's1');
    await new Promise((r) => setTimeout(r, 10));
    // Charging 625.00 for a 6.25 sale would take the customer's money for a sale that can never complete.
    expect(res.ok ? 'ok' : res.error.code).toBe('VALIDATION');
    expect(t.requests).toEqual([]);
  });

  it('the terminal’s approval is stored with at most the last 4 digits', async () => {
    const t = manualTerminal();
    const { app, cartId } = await sale({ payments: t.provider });
    const started = await ok(app, 'payments.startCard', { cartId, amount: 625 });
    const done = nextIntentEvent(app, started.id);
    // A misbehaving terminal driver hands over a full card number as "last4".
    await t.answer(started.id, { status: 'approved', brand: 'VISA', last4: '4111111111111111', reference: 'R2' });
    await done.catch(() => undefined);
    expect(dbContains(app, '4111111111111111')).toEqual([]);
  });
});
