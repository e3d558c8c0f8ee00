import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { cardStore, expectBalancesAreSums, footprint, issue, rows, sellApple } from '../support/stored-value';
import { uuidv7 } from '../../src/shared/ids';
import { makeCardNumber } from '../../src/shared/stored-value/rules';
import { reportLines } from '../../src/main/shifts/report-text';

describe('gift and stored-value cards at the till', () => {
  it('issue and top up with a bonus: the value is a liability, not a sale; the drawer and the Z report count it', async () => {
    const { app } = await cardStore();
    await ok(
      app,
      'cards.setSettings',
      { bonusRules: [{ minTopUp: 50_000, bonus: 5000 }], expiryMonths: null, cnRules: 'auto', offlineMaxPerSpend: 0, offlineMaxTotal: 0 },
      'mgr',
    );
    const before = await ok(app, 'shifts.report', {}, 'clerk');
    const card = await issue(app, 20_000);
    expect(card).toMatchObject({ balance: 20_000, status: 'active', registered: false, kind: 'stored_value' });
    expect(card.number).toMatch(/^\d{16}$/);

    const small = await ok(
      app,
      'cards.topUp',
      { opId: uuidv7(), number: card.number, amount: 10_000, payment: { cash: 0, card: 10_000 } },
      'clerk',
    );
    expect(small.balance).toBe(30_000);
    const big = await ok(
      app,
      'cards.topUp',
      { opId: uuidv7(), number: card.number, amount: 50_000, payment: { cash: 50_000, card: 0 } },
      'clerk',
    );
    // The bonus is its own entry.
    expect(big.balance).toBe(85_000);
    expect(big.entries.map((e) => [e.kind, e.delta])).toEqual([
      ['bonus', 5000],
      ['topup', 50_000],
      ['topup', 10_000],
      ['issue', 20_000],
    ]);
    expect((await ok(app, 'cards.lookup', { number: card.number }, 'clerk')).balance).toBe(85_000);

    // No order, no revenue, no tax: the day's sales are untouched.
    expect(rows(app, 'orders')).toBe(0);
    const report = await ok(app, 'shifts.report', {}, 'clerk');
    expect(report.sales).toMatchObject({ orders: 0, total: 0, tax: 0 });
    expect(report.storedValue).toEqual({ issued: 20_000, toppedUp: 60_000, bonus: 5000, spent: 0, refunded: 0, cash: 70_000 });
    // Cash taken for cards is in the drawer.
    expect(report.cash.expected - before.cash.expected).toBe(70_000);
    expect(report.cash.cards).toBe(70_000);
    // The printed report lists the cards apart from the sales, in the report's language.
    const zh = reportLines(report, 42, 'zh-CN', 'Asia/Shanghai').map((l) => l.text);
    expect(zh).toContain('礼品卡与储值卡');
    expect(zh.find((l) => l.startsWith('赠送金额'))).toContain('50.00');
    expect(zh.find((l) => l.startsWith('+ 售卡现金'))).toContain('700.00');
    const en = reportLines(report, 42, 'en', 'Asia/Shanghai').map((l) => l.text);
    expect(en.find((l) => l.startsWith('Topped up'))).toContain('600.00');
    expect(rows(app, "audit WHERE action IN ('card.issue', 'card.topup')")).toBe(3);
    expectBalancesAreSums(app);
  });

  it('pays part of a sale with a card, the rest in cash; a return paid by card goes back to the card', async () => {
    const { app } = await cardStore();
    const card = await issue(app, 6000);
    const sale = await sellApple(app, [
      { kind: 'stored_value', cardNumber: card.number, amount: 6000 },
      { kind: 'cash', amount: 5000 },
    ]);
    expect(sale.payments.map((p) => [p.kind, p.amount])).toEqual([
      ['cash', 4000],
      ['stored_value', 6000],
    ]);
    expect(sale.change).toBe(1000);
    expect((await ok(app, 'cards.lookup', { number: card.number }, 'clerk')).balance).toBe(0);

    // More than the balance: refused, nothing written.
    await ok(app, 'cards.topUp', { opId: uuidv7(), number: card.number, amount: 100, payment: { cash: 100, card: 0 } }, 'clerk');
    const was = footprint(app);
    const short = await fail(
      app,
      'sales.complete',
      {
        cartId: (await ok(app, 'cart.scan', { code: 'APPLE-1' }, 'clerk')).id,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'stored_value', cardNumber: card.number, amount: 10_000 }],
      },
      'clerk',
    );
    expect(short).toMatchObject({ code: 'INSUFFICIENT_PAYMENT', details: { messageKey: 'cards.err.insufficient' } });
    expect({ ...footprint(app), outbox: was.outbox }).toEqual(was);
    await ok(app, 'cart.clear', {}, 'clerk');

    const line = sale.lines[0]!;
    const refund = await ok(
      app,
      'refunds.create',
      { orderId: sale.id, refundId: uuidv7(), lines: [{ orderLineId: line.id, qty: 1000, disposition: 'restock' }], method: 'original' },
      'clerk',
    );
    const back = refund.tenders.find((t) => t.method === 'stored_value');
    expect(back?.amount).toBe(6000);
    const after = await ok(app, 'cards.lookup', { number: card.number }, 'clerk');
    expect(after.balance).toBe(6100);
    expect(after.entries[0]).toMatchObject({ kind: 'refund', delta: 6000, refId: refund.id });
    const z = await ok(app, 'shifts.report', {}, 'clerk');
    expect(z.storedValue).toMatchObject({ spent: 6000, refunded: 6000 });
    expect(z.tenders.find((t) => t.kind === 'stored_value')).toMatchObject({ amount: 6000, refunds: 6000 });
    expectBalancesAreSums(app);
  });

  it('mainland China rules: anonymous ¥1,000 and registered ¥5,000 caps, real name from ¥10,000, registered cards never expire', async () => {
    const { app } = await cardStore();
    const { cnRulesActive, cnLimits: _limits, ...settings } = await ok(app, 'cards.settings', {}, 'clerk');
    expect(cnRulesActive).toBe(true);
    const was = footprint(app);
    const anon = await fail(
      app,
      'cards.issue',
      { opId: uuidv7(), kind: 'gift', amount: 100_001, payment: { cash: 100_001, card: 0 } },
      'clerk',
    );
    expect(anon).toMatchObject({ code: 'VALIDATION', details: { messageKey: 'cards.err.cn.anonymousCap', money: { limit: 100_000 } } });
    const batch = await fail(
      app,
      'cards.issue',
      { opId: uuidv7(), kind: 'gift', amount: 50_000, quantity: 20, payment: { cash: 1_000_000, card: 0 } },
      'clerk',
    );
    expect(batch).toMatchObject({ code: 'VALIDATION', details: { messageKey: 'cards.err.cn.realNameRequired' } });
    expect(footprint(app)).toEqual(was);

    const holder = { name: '王芳', mobile: '13812345678' };
    const named = await ok(
      app,
      'cards.issue',
      { opId: uuidv7(), kind: 'gift', amount: 50_000, quantity: 20, holder, payment: { cash: 0, card: 1_000_000 } },
      'clerk',
    );
    expect(named).toHaveLength(20);
    expect(named[0]).toMatchObject({ registered: true, holderName: '王芳', holderMobile: '138****5678' });

    const full = await issue(app, 500_000, { holder });
    const before = footprint(app);
    const over = await fail(app, 'cards.topUp', { opId: uuidv7(), number: full.number, amount: 1, payment: { cash: 1, card: 0 } }, 'clerk');
    expect(over).toMatchObject({ code: 'VALIDATION', details: { messageKey: 'cards.err.cn.registeredCap' } });
    expect(footprint(app)).toEqual(before);

    await ok(app, 'cards.setSettings', { ...settings, expiryMonths: 12 }, 'mgr');
    const anonCard = await issue(app, 1000);
    expect(anonCard.expiresAt).not.toBeNull();
    expect((await ok(app, 'cards.lookup', { number: full.number }, 'clerk')).expiresAt).toBeNull();

    // Registering an anonymous card to its holder lifts it to the registered cap, and it stops expiring.
    const lifted = await ok(app, 'cards.register', { number: anonCard.number, holder: { name: '李雷', mobile: '13900001111' } }, 'clerk');
    expect(lifted).toMatchObject({ registered: true, expiresAt: null });
    expect(
      (
        await ok(
          app,
          'cards.topUp',
          { opId: uuidv7(), number: anonCard.number, amount: 200_000, payment: { cash: 200_000, card: 0 } },
          'clerk',
        )
      ).balance,
    ).toBe(201_000);
    expect(await fail(app, 'cards.register', { number: anonCard.number, holder }, 'clerk')).toMatchObject({
      code: 'CONFLICT',
      details: { messageKey: 'cards.err.alreadyRegistered' },
    });
    expect(rows(app, "audit WHERE action = 'card.register'")).toBe(1);

    // Turned off (a store outside the mainland rules): the caps no longer apply.
    await ok(app, 'cards.setSettings', { ...settings, cnRules: 'off' }, 'mgr');
    expect((await issue(app, 100_001)).balance).toBe(100_001);
    expectBalancesAreSums(app);
  });

  it('a US store has no CN caps; expiry lapses a card, the liability report shows it, and the write-off clears it', async () => {
    const { app, later } = await cardStore({ currency: 'USD', language: 'en', timezone: 'America/New_York' });
    expect((await ok(app, 'cards.settings', {}, 'clerk')).cnRulesActive).toBe(false);
    const { cnRulesActive: _on, cnLimits: _limits, ...settings } = await ok(app, 'cards.settings', {}, 'clerk');
    await ok(app, 'cards.setSettings', { ...settings, expiryMonths: 1 }, 'mgr');
    const card = await issue(app, 200_000);
    const fresh = await issue(app, 3000, { kind: 'gift' });
    await later(20 * 86_400_000);
    await ok(app, 'cards.topUp', { opId: uuidv7(), number: fresh.number, amount: 1000, payment: { cash: 1000, card: 0 } }, 'clerk');
    await later(15 * 86_400_000);

    const lapsed = await ok(app, 'cards.lookup', { number: card.number }, 'clerk');
    expect(lapsed).toMatchObject({ expired: true, balance: 200_000 });
    const liability = await ok(app, 'cards.liability', {}, 'mgr');
    expect(liability).toMatchObject({ outstanding: 204_000, cardCount: 2, expiredUnspent: { count: 1, amount: 200_000 } });
    expect((await fail(app, 'cards.liability', {}, 'clerk')).code).toBe('FORBIDDEN');

    const spend = await fail(
      app,
      'sales.complete',
      {
        cartId: (await ok(app, 'cart.scan', { code: 'APPLE-1' }, 'clerk')).id,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'stored_value', cardNumber: card.number, amount: 10_000 }],
      },
      'clerk',
    );
    expect(spend).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'cards.err.expired' } });

    expect(await ok(app, 'cards.expire', {}, 'mgr')).toEqual({ cards: 1, amount: 200_000 });
    const after = await ok(app, 'cards.liability', {}, 'mgr');
    expect(after).toMatchObject({ outstanding: 4000, expiredUnspent: { count: 0, amount: 0 } });
    expect((await ok(app, 'cards.lookup', { number: card.number }, 'clerk')).entries[0]).toMatchObject({ kind: 'expiry', delta: -200_000 });
    expectBalancesAreSums(app);
  });

  it('transfer and reissue (manager only) move value without creating or losing any', async () => {
    const { app } = await cardStore();
    const a = await issue(app, 30_000);
    const b = await issue(app, 10_000);
    const total = () => app.deps.sqlite.prepare('SELECT SUM(balance) FROM stored_value_balances').pluck().get() as number;
    expect(total()).toBe(40_000);

    const was = footprint(app);
    expect((await fail(app, 'cards.transfer', { opId: uuidv7(), from: a.number, to: b.number }, 'clerk')).code).toBe('FORBIDDEN');
    expect((await fail(app, 'cards.reissue', { opId: uuidv7(), number: a.number }, 'clerk')).code).toBe('FORBIDDEN');
    expect(
      (
        await fail(
          app,
          'cards.setSettings',
          { bonusRules: [], expiryMonths: null, cnRules: 'off', offlineMaxPerSpend: 0, offlineMaxTotal: 0 },
          'clerk',
        )
      ).code,
    ).toBe('FORBIDDEN');
    // Only the refusals themselves are recorded (as failed attempts).
    expect({ ...footprint(app), audit: was.audit }).toEqual(was);
    expect(rows(app, 'audit WHERE success = 1')).toBe(was.audit);

    const moved = await ok(app, 'cards.transfer', { opId: uuidv7(), from: a.number, to: b.number, amount: 12_000 }, 'mgr');
    expect([moved.from.balance, moved.to.balance]).toEqual([18_000, 22_000]);
    expect(total()).toBe(40_000);

    const op = uuidv7();
    const re = await ok(app, 'cards.reissue', { opId: op, number: a.number }, 'mgr');
    expect(re.from).toMatchObject({ status: 'replaced', balance: 0, replacedBy: re.to.id });
    expect(re.to).toMatchObject({ status: 'active', balance: 18_000 });
    expect(re.to.number).not.toBe(a.number);
    expect(total()).toBe(40_000);
    // A replayed reissue answers the same cards and writes nothing.
    const n = footprint(app);
    expect((await ok(app, 'cards.reissue', { opId: op, number: a.number }, 'mgr')).to.id).toBe(re.to.id);
    expect(footprint(app)).toEqual(n);

    // Blocked (reported stolen): nothing can be spent; unblocked, it works again. A clerk cannot do either.
    expect((await fail(app, 'cards.setBlocked', { number: b.number, blocked: true }, 'clerk')).code).toBe('FORBIDDEN');
    expect(await ok(app, 'cards.setBlocked', { number: b.number, blocked: true }, 'mgr')).toMatchObject({ status: 'blocked' });
    const blocked = await fail(
      app,
      'sales.complete',
      {
        cartId: (await ok(app, 'cart.scan', { code: 'APPLE-1' }, 'clerk')).id,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'stored_value', cardNumber: b.number, amount: 10_000 }],
      },
      'clerk',
    );
    expect(blocked).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'cards.err.notActive' } });
    await ok(app, 'cart.clear', {}, 'clerk');
    expect(await ok(app, 'cards.setBlocked', { number: b.number, blocked: false }, 'mgr')).toMatchObject({ status: 'active' });

    const old = await fail(app, 'cards.topUp', { opId: uuidv7(), number: a.number, amount: 100, payment: { cash: 100, card: 0 } }, 'clerk');
    expect(old).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'cards.err.notActive' } });
    expect(rows(app, "audit WHERE action IN ('card.transfer', 'card.reissue', 'card.block', 'card.unblock') AND success = 1")).toBe(4);
    expectBalancesAreSums(app);
  });

  it('hostile inputs: negative and huge amounts, foreign numbers, a mismatched payment, replayed and reused operation ids', async () => {
    const { app } = await cardStore();
    const card = await issue(app, 5000);
    const was = footprint(app);
    const top = (over: Record<string, unknown>) =>
      fail(app, 'cards.topUp', { opId: uuidv7(), number: card.number, amount: 100, payment: { cash: 100, card: 0 }, ...over }, 'clerk');

    expect((await top({ amount: -100 })).code).toBe('VALIDATION');
    expect((await top({ amount: 0 })).code).toBe('VALIDATION');
    expect((await top({ amount: 1e15, payment: { cash: 1e15, card: 0 } })).code).toBe('VALIDATION');
    expect((await top({ amount: 10.5 })).code).toBe('VALIDATION');
    expect((await top({ payment: { cash: -100, card: 200 } })).code).toBe('VALIDATION');
    expect(await top({ payment: { cash: 50, card: 0 } })).toMatchObject({
      code: 'VALIDATION',
      details: { messageKey: 'cards.err.paymentMismatch' },
    });
    // A number with a wrong check digit, letters, another length: refused before any lookup.
    const wrongDigit = card.number.slice(0, 15) + String((Number(card.number[15]) + 1) % 10);
    for (const number of [wrongDigit, 'ABCDEFGHIJKLMNOP', '6217', `${card.number}0`, "1' OR '1'='1"])
      expect((await top({ number })).code).toBe('VALIDATION');
    // A well-formed number of a card this store never issued.
    let n = 0;
    const foreign = makeCardNumber(() => (n++ * 7) % 10);
    expect(await top({ number: foreign })).toMatchObject({ code: 'NOT_FOUND', details: { messageKey: 'cards.err.unknown' } });
    expect(
      await fail(
        app,
        'sales.complete',
        {
          cartId: (await ok(app, 'cart.scan', { code: 'APPLE-1' }, 'clerk')).id,
          checkoutId: uuidv7(),
          tenders: [{ kind: 'stored_value', cardNumber: foreign, amount: 10_000 }],
        },
        'clerk',
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (await fail(app, 'cards.issue', { opId: uuidv7(), kind: 'loyalty', amount: 100, payment: { cash: 100, card: 0 } }, 'clerk')).code,
    ).toBe('VALIDATION');
    expect(
      (await fail(app, 'cards.issue', { opId: 'not-an-id', kind: 'gift', amount: 100, payment: { cash: 100, card: 0 } }, 'clerk')).code,
    ).toBe('VALIDATION');
    expect(
      (
        await fail(
          app,
          'cards.issue',
          {
            opId: uuidv7(),
            kind: 'gift',
            amount: 100,
            payment: { cash: 100, card: 0 },
            holder: { name: 'Eve\u202E', mobile: '13800000000' },
          },
          'clerk',
        )
      ).code,
    ).toBe('VALIDATION');
    expect((await fail(app, 'cards.lookup', { number: card.number }, 'nobody')).code).toBe('UNAUTHENTICATED');
    expect({ ...footprint(app), outbox: was.outbox }).toEqual({ ...was });

    // Replay: the same top-up twice loads once.
    const op = uuidv7();
    const first = await ok(app, 'cards.topUp', { opId: op, number: card.number, amount: 700, payment: { cash: 700, card: 0 } }, 'clerk');
    const mid = footprint(app);
    const again = await ok(app, 'cards.topUp', { opId: op, number: card.number, amount: 700, payment: { cash: 700, card: 0 } }, 'clerk');
    expect(again.balance).toBe(first.balance);
    expect(footprint(app)).toEqual(mid);
    // The same id for another card or another operation: refused.
    const other = await issue(app, 100);
    const mid2 = footprint(app);
    expect(
      await fail(app, 'cards.topUp', { opId: op, number: other.number, amount: 700, payment: { cash: 700, card: 0 } }, 'clerk'),
    ).toMatchObject({
      code: 'CONFLICT',
      details: { messageKey: 'cards.err.opReused' },
    });
    expect(await fail(app, 'cards.issue', { opId: op, kind: 'gift', amount: 700, payment: { cash: 700, card: 0 } }, 'clerk')).toMatchObject(
      {
        code: 'CONFLICT',
      },
    );
    expect(footprint(app)).toEqual(mid2);
    expectBalancesAreSums(app);
  });
});
