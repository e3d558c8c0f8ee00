import { describe, expect, it } from 'vitest';
import { fail, ok } from '../support/app';
import { BREAD, COLA, count, sell, shop, stockOf } from '../support/shop';
import { snapshotDb } from '../support/db-snapshot';
import { uuidv7 } from '../../src/shared/ids';
import { verifyJournal } from '../../src/main/journal/journal';
import { verifyStoreJournal } from '../../src/main/journal/verify';

describe('orders', () => {
  it('searches by number, product, customer, amount and date; a receipt number looks the order up', async () => {
    const { app } = await shop();
    const clock = app.clock;
    const jane = await ok(app, 'customers.create', { name: 'Jane Doe', phone: '+1 415 555 0100', email: 'jane@example.com' }, 'clerk');
    const first = await sell(app, [COLA, COLA]);
    clock.advance(60_000);
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const second = await sell(app, [BREAD]);
    const page = { offset: 0, limit: 20 };

    expect((await ok(app, 'orders.search', page, 'clerk')).items.map((o) => o.number)).toEqual([second.number, first.number]);
    expect((await ok(app, 'orders.search', { ...page, q: first.number }, 'clerk')).items.map((o) => o.id)).toEqual([first.id]);
    expect((await ok(app, 'orders.search', { ...page, product: 'sourdough' }, 'clerk')).items.map((o) => o.id)).toEqual([second.id]);
    expect((await ok(app, 'orders.search', { ...page, product: COLA }, 'clerk')).items.map((o) => o.id)).toEqual([first.id]);
    expect((await ok(app, 'orders.search', { ...page, q: '555 0100' }, 'clerk')).items.map((o) => o.id)).toEqual([second.id]);
    expect((await ok(app, 'orders.search', { ...page, customerId: jane.id }, 'clerk')).total).toBe(1);
    expect((await ok(app, 'orders.search', { ...page, minTotal: 301 }, 'clerk')).items.map((o) => o.id)).toEqual([second.id]);
    expect((await ok(app, 'orders.search', { ...page, maxTotal: 300 }, 'clerk')).items.map((o) => o.id)).toEqual([first.id]);
    expect((await ok(app, 'orders.search', { ...page, from: second.createdAt }, 'clerk')).items.map((o) => o.id)).toEqual([second.id]);
    expect((await ok(app, 'orders.search', { ...page, to: second.createdAt }, 'clerk')).items.map((o) => o.id)).toEqual([first.id]);
    const paged = await ok(app, 'orders.search', { offset: 1, limit: 1 }, 'clerk');
    expect(paged).toMatchObject({ total: 2, items: [{ id: first.id }] });

    expect(await ok(app, 'orders.lookup', { number: first.number.toLowerCase() }, 'clerk')).toEqual({ id: first.id, number: first.number });
    const missing = await fail(app, 'orders.lookup', { number: 'T1-999999' }, 'clerk');
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('T1-999999');

    const detail = await ok(app, 'orders.detail', { id: second.id }, 'clerk');
    expect(detail.customer?.name).toBe('Jane Doe');
    expect(detail.lines[0]).toMatchObject({ qty: 1000, returnableQty: 1000, refundedQty: 0 });
    expect(detail.refundable).toBe(325);
  });
});

describe('returns and refunds', () => {
  it('a cash refund needs an open shift (the drawer it leaves must be on a Z report); a card refund does not', async () => {
    const { app } = await shop();
    const order = await sell(app, [COLA, COLA]);
    const card = await sell(app, [BREAD], [{ kind: 'card_external', amount: 325, brand: 'visa', last4: '4242', approved: true }]);
    const shift = await ok(app, 'shifts.current', {}, 'clerk');
    await ok(app, 'shifts.close', { shiftId: shift.shift!.id, counts: [] }, 'mgr');
    const line = order.lines[0]!;
    const before = count(app, 'refunds', '1 = 1');
    const refused = await fail(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: line.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(refused).toMatchObject({ code: 'SHIFT_REQUIRED', details: { reason: 'shiftForCash' } });
    const receiptless = await fail(
      app,
      'refunds.receiptless',
      { refundId: uuidv7(), lines: [{ productId: line.productId, qty: 1000, amount: 100, disposition: 'restock' }], method: 'cash' },
      'mgr',
    );
    expect(receiptless.code).toBe('SHIFT_REQUIRED');
    expect(count(app, 'refunds', '1 = 1')).toBe(before);
    // Back to the card: no cash moves, no shift needed.
    const back = await ok(
      app,
      'refunds.create',
      {
        orderId: card.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: card.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'original',
      },
      'clerk',
    );
    expect(back.tenders).toEqual([expect.objectContaining({ method: 'card_external', amount: 325 })]);
  });

  it('a partial return with the receipt refunds cash, restocks, and is its own document in journal, audit and outbox', async () => {
    const { app, cola } = await shop();
    const order = await sell(app, [COLA, COLA, COLA, BREAD]);
    const colaLine = order.lines.find((l) => l.sku === 'COLA')!;
    expect(stockOf(app, cola.id)).toBe(-3000);

    const refund = await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: colaLine.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(refund).toMatchObject({ kind: 'return', total: 150, orderNumber: order.number, number: 'T1-R000001' });
    expect(refund.tenders).toEqual([expect.objectContaining({ method: 'cash', amount: 150 })]);
    expect(stockOf(app, cola.id)).toBe(-2000);
    expect(verifyJournal(app.deps)).toMatchObject({ ok: true, entries: 2 });
    expect(count(app, 'journal', "kind = 'refund' AND ref_id = ?", refund.id)).toBe(1);
    expect(count(app, 'audit', "action = 'refund' AND target = ?", refund.id)).toBe(1);
    expect(count(app, 'outbox', "entity = 'refund' AND entity_id = ?", refund.id)).toBe(1);
    // Editing the stored refund afterwards is caught by the journal.
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: true, entries: 2 });
    app.deps.sqlite.prepare('UPDATE refund_lines SET amount = amount + 1 WHERE refund_id = ?').run(refund.id);
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: false, firstBroken: { kind: 'refund', refId: refund.id } });
    app.deps.sqlite.prepare('UPDATE refund_lines SET amount = amount - 1 WHERE refund_id = ?').run(refund.id);
    // The sale itself is untouched.
    expect((await ok(app, 'sales.get', { id: order.id }, 'clerk')).total).toBe(order.total);

    const detail = await ok(app, 'orders.detail', { id: order.id }, 'clerk');
    expect(detail.lines.find((l) => l.orderLineId === colaLine.id)).toMatchObject({
      refundedQty: 1000,
      returnableQty: 2000,
      refundedAmount: 150,
    });
    expect(detail.refundable).toBe(order.total - 150);
  });

  it('refuses returning twice, an item not on the order, and more than was bought — writing nothing', async () => {
    const { app } = await shop();
    const order = await sell(app, [COLA, BREAD]);
    const other = await sell(app, [COLA]);
    const line = order.lines[0]!;
    await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: line.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    const before = snapshotDb(app.deps.sqlite);

    const twice = await fail(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: line.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(twice).toMatchObject({ code: 'CONFLICT', details: { reason: 'alreadyReturned' } });
    expect(twice.message).toContain('already returned');

    const foreign = await fail(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: other.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
      },
      'clerk',
    );
    expect(foreign).toMatchObject({ code: 'VALIDATION', details: { reason: 'notOnOrder' } });
    expect(foreign.message).toContain(order.number);

    const tooMany = await fail(
      app,
      'refunds.create',
      // The bread line is fine, the second line asks for 2 breads of 1: the whole return is refused.
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[1]!.id, qty: 2000, disposition: 'restock' }],
        method: 'cash',
      },
      'clerk',
    );
    expect(tooMany).toMatchObject({ code: 'CONFLICT', details: { reason: 'tooMany', returnable: 1000 } });

    const after = snapshotDb(app.deps.sqlite);
    expect(after.counts).toEqual(before.counts);
    expect(after.hashes).toEqual(before.hashes);
  });

  it('is idempotent by refund id: a retried return refunds once', async () => {
    const { app } = await shop();
    const order = await sell(app, [COLA]);
    const input = {
      orderId: order.id,
      refundId: uuidv7(),
      lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' as const }],
      method: 'cash' as const,
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => app.router.call('refunds.create', input, 'clerk')));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(count(app, 'refunds')).toBe(1);
    expect(count(app, 'refund_tenders')).toBe(1);
  });

  it('refunds to the original card, and written-off goods do not come back into stock', async () => {
    const { app, bread } = await shop();
    const order = await sell(app, [BREAD], [{ kind: 'card_external', amount: 325, approved: true, brand: 'Visa', last4: '4242' }]);
    const refund = await ok(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'writeoff' }],
        method: 'original',
      },
      'clerk',
    );
    expect(refund.tenders).toEqual([expect.objectContaining({ method: 'card_external', amount: 325, brand: 'Visa', last4: '4242' })]);
    expect(stockOf(app, bread.id)).toBe(-1000);
    const kinds = app.deps.sqlite
      .prepare('SELECT kind, qty_delta AS q FROM stock_movements WHERE ref_id = ? ORDER BY rowid')
      .all(refund.id);
    expect(kinds).toEqual([
      { kind: 'return', q: 1000 },
      { kind: 'writeoff', q: -1000 },
    ]);
  });

  it('without a receipt a manager must approve; the clerk gets APPROVAL_REQUIRED first', async () => {
    const {
      app,
      cola,
      managerId,
      cola: { price },
    } = await shop();
    const input = {
      refundId: uuidv7(),
      lines: [{ productId: cola.id, qty: 1000, amount: price, disposition: 'restock' as const }],
      method: 'cash' as const,
      reason: 'gift',
    };
    const before = snapshotDb(app.deps.sqlite);
    expect((await fail(app, 'refunds.receiptless', input, 'clerk')).code).toBe('APPROVAL_REQUIRED');
    expect(snapshotDb(app.deps.sqlite).counts).toEqual(before.counts);
    const above = await fail(
      app,
      'refunds.receiptless',
      { ...input, lines: [{ ...input.lines[0]!, amount: price + 1 }], approval: { staffId: managerId, pin: '2222' } },
      'clerk',
    );
    expect(above).toMatchObject({ code: 'VALIDATION', details: { reason: 'aboveShelfPrice' } });
    const refund = await ok(app, 'refunds.receiptless', { ...input, approval: { staffId: managerId, pin: '2222' } }, 'clerk');
    expect(refund).toMatchObject({ kind: 'receiptless', total: price, approvedByName: 'Mona', orderId: null });
    expect(stockOf(app, cola.id)).toBe(1000);
    const a = app.deps.sqlite.prepare("SELECT approved_by AS by FROM audit WHERE action = 'refund' AND target = ?").get(refund.id) as {
      by: string;
    };
    expect(a.by).toBe(managerId);
  });

  it('undoing a completed sale is a manager-approved refund of everything not yet refunded', async () => {
    const { app, managerId, cola } = await shop();
    const order = await sell(app, [COLA, COLA]);
    await ok(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
      },
      'clerk',
    );
    const input = { orderId: order.id, refundId: uuidv7(), method: 'original' as const };
    expect((await fail(app, 'refunds.voidSale', input, 'clerk')).code).toBe('APPROVAL_REQUIRED');
    const wrongPin = await fail(app, 'refunds.voidSale', { ...input, approval: { staffId: managerId, pin: '9999' } }, 'clerk');
    expect(wrongPin.code).toBe('UNAUTHENTICATED');
    const undo = await ok(app, 'refunds.voidSale', { ...input, approval: { staffId: managerId, pin: '2222' } }, 'clerk');
    expect(undo).toMatchObject({ kind: 'void', total: 150 });
    expect(stockOf(app, cola.id)).toBe(0);
    expect((await ok(app, 'orders.detail', { id: order.id }, 'clerk')).refundable).toBe(0);
    expect(count(app, 'audit', "action = 'sale.undo' AND approved_by = ?", managerId)).toBe(1);
    expect((await fail(app, 'refunds.voidSale', { ...input, refundId: uuidv7() }, 'mgr')).details).toMatchObject({
      reason: 'alreadyReturned',
    });
  });

  it('a clerk voids the open sale (audited)', async () => {
    const { app } = await shop();
    const cart = await ok(app, 'cart.scan', { code: COLA }, 'clerk');
    await ok(app, 'cart.clear', {}, 'clerk');
    expect(count(app, 'audit', "action = 'sale.void' AND target = ?", cart.id)).toBe(1);
    expect(count(app, 'carts', "status = 'voided' AND id = ?", cart.id)).toBe(1);
  });
});

describe('store credit and loyalty', () => {
  it('a refund to store credit lands on the ledger, pays a later sale, and never gives change', async () => {
    const { app } = await shop();
    const jane = await ok(app, 'customers.create', { name: 'Jane' }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const order = await sell(app, [BREAD]);
    await ok(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'store_credit',
      },
      'clerk',
    );
    expect((await ok(app, 'customers.get', { id: jane.id }, 'clerk')).customer.creditBalance).toBe(325);

    // Without a customer on the sale there is no credit to spend.
    let cart = await ok(app, 'cart.scan', { code: COLA }, 'clerk');
    const noCustomer = await fail(
      app,
      'sales.complete',
      { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'store_credit', amount: 150 }] },
      'clerk',
    );
    expect(noCustomer.code).toBe('VALIDATION');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    // Store credit is not cash: paying 3.25 of credit for a 1.50 sale gives no change.
    const over = await fail(
      app,
      'sales.complete',
      { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'store_credit', amount: 325 }] },
      'clerk',
    );
    expect(over.code).toBe('VALIDATION');
    const paid = await ok(
      app,
      'sales.complete',
      { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'store_credit', amount: 150 }] },
      'clerk',
    );
    expect(paid.payments).toEqual([expect.objectContaining({ kind: 'store_credit', amount: 150 })]);
    expect((await ok(app, 'customers.get', { id: jane.id }, 'clerk')).customer.creditBalance).toBe(175);

    // More credit than the balance: refused, nothing sold.
    cart = await ok(app, 'cart.scan', { code: BREAD }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const orders = count(app, 'orders');
    const short = await fail(
      app,
      'sales.complete',
      { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'store_credit', amount: 325 }] },
      'clerk',
    );
    expect(short).toMatchObject({ code: 'INSUFFICIENT_PAYMENT', details: { reason: 'storeCredit', balance: 175 } });
    expect(count(app, 'orders')).toBe(orders);

    // A refund of a sale paid with credit goes back to the credit ("original tender").
    await ok(
      app,
      'refunds.create',
      {
        orderId: paid.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: paid.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'original',
      },
      'clerk',
    );
    expect((await ok(app, 'customers.get', { id: jane.id }, 'clerk')).customer.creditBalance).toBe(325);
  });

  it('earns points by the admin’s rules, redeems them as credit, and gives them back on a refund', async () => {
    const { app } = await shop();
    expect((await fail(app, 'loyalty.setRules', { enabled: true, earnPerUnit: 10, redeemPoints: 50, redeemValue: 100 }, 'mgr')).code).toBe(
      'FORBIDDEN',
    );
    await ok(app, 'loyalty.setRules', { enabled: true, earnPerUnit: 10, redeemPoints: 30, redeemValue: 100 }, 's1');
    const jane = await ok(app, 'customers.create', { name: 'Jane', marketingConsent: true }, 'clerk');
    expect(jane.marketingConsent).toBe(true);
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const order = await sell(app, [BREAD, BREAD]); // 6.50 → 65 points
    let detail = await ok(app, 'customers.get', { id: jane.id }, 'clerk');
    expect(detail.customer.points).toBe(65);
    expect(detail.redeemableValue).toBe(200);
    expect(detail.orders.map((o) => o.id)).toEqual([order.id]);

    await ok(
      app,
      'refunds.create',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
      },
      'clerk',
    );
    detail = await ok(app, 'customers.get', { id: jane.id }, 'clerk');
    expect(detail.customer.points).toBe(33); // half the sale refunded: 32 of 65 points go back

    detail = await ok(app, 'customers.redeemPoints', { customerId: jane.id, blocks: 1 }, 'clerk');
    expect(detail.customer).toMatchObject({ points: 3, creditBalance: 100 });
    expect(detail.pointsLedger.map((e) => e.kind)).toEqual(['redeem', 'refund', 'earn']);
    expect((await fail(app, 'customers.redeemPoints', { customerId: jane.id, blocks: 1 }, 'clerk')).details).toMatchObject({
      reason: 'points',
    });
  });

  it('finds customers by name, phone or email; refuses duplicates; a manager adjusts credit (audited)', async () => {
    const { app, managerId } = await shop();
    await ok(app, 'customers.create', { name: 'Li Lei', phone: '138 0013 8000', email: 'li@example.cn' }, 'clerk');
    await ok(app, 'customers.create', { name: 'Han Meimei', email: 'han@example.cn', notes: 'prefers oat milk' }, 'clerk');
    const find = async (q: string) => (await ok(app, 'customers.search', { q, offset: 0, limit: 10 }, 'clerk')).items.map((c) => c.name);
    expect(await find('lei')).toEqual(['Li Lei']);
    expect(await find('13800138')).toEqual(['Li Lei']);
    expect(await find('HAN@')).toEqual(['Han Meimei']);
    expect(await find('')).toEqual(['Han Meimei', 'Li Lei']);
    const dup = await fail(app, 'customers.create', { name: 'Other', phone: '13800138000' }, 'clerk');
    expect(dup).toMatchObject({ code: 'CONFLICT', details: { field: 'phone' } });
    const bad = await fail(app, 'customers.create', { name: 'X', email: 'not-an-email' }, 'clerk');
    expect(bad.code).toBe('VALIDATION');

    const li = (await ok(app, 'customers.search', { q: 'lei', offset: 0, limit: 10 }, 'clerk')).items[0]!;
    expect((await fail(app, 'customers.adjustCredit', { customerId: li.id, delta: 500, note: 'goodwill' }, 'clerk')).code).toBe(
      'FORBIDDEN',
    );
    const d = await ok(app, 'customers.adjustCredit', { customerId: li.id, delta: 500, note: 'goodwill' }, 'mgr');
    expect(d.customer.creditBalance).toBe(500);
    expect(d.credit[0]).toMatchObject({ delta: 500, kind: 'adjust', note: 'goodwill' });
    expect((await fail(app, 'customers.adjustCredit', { customerId: li.id, delta: -501, note: 'oops' }, 'mgr')).code).toBe(
      'INSUFFICIENT_PAYMENT',
    );
    expect(count(app, 'audit', "action = 'credit.adjust' AND staff_id = ?", managerId)).toBe(1);
    const updated = await ok(app, 'customers.update', { id: li.id, notes: 'VIP', marketingConsent: true }, 'clerk');
    expect(updated).toMatchObject({ notes: 'VIP', marketingConsent: true });
    expect(updated.consentAt).not.toBeNull();
  });
});

describe('exchanges', () => {
  it('returns one item and sells another in one transaction, paying only the difference', async () => {
    const { app, cola, bread } = await shop();
    const order = await sell(app, [COLA]);
    const cart = await ok(app, 'cart.scan', { code: BREAD }, 'clerk');
    const res = await ok(
      app,
      'exchanges.complete',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
        cartId: cart.id!,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'cash', amount: 175 }],
      },
      'clerk',
    );
    expect(res.refund).toMatchObject({ kind: 'exchange', total: 150, exchangeOrderId: res.order.id });
    expect(res.refund.tenders).toEqual([expect.objectContaining({ method: 'exchange', amount: 150 })]);
    expect(res.order.payments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'exchange', amount: 150 }),
        expect.objectContaining({ kind: 'cash', amount: 175 }),
      ]),
    );
    expect(stockOf(app, cola.id)).toBe(0);
    expect(stockOf(app, bread.id)).toBe(-1000);
  });

  it('when the new sale cannot complete, the return does not happen either', async () => {
    const { app, cola } = await shop();
    const order = await sell(app, [COLA]);
    const cart = await ok(app, 'cart.scan', { code: BREAD }, 'clerk');
    const before = snapshotDb(app.deps.sqlite);
    const err = await fail(
      app,
      'exchanges.complete',
      {
        orderId: order.id,
        refundId: uuidv7(),
        lines: [{ orderLineId: order.lines[0]!.id, qty: 1000, disposition: 'restock' }],
        method: 'cash',
        cartId: cart.id,
        checkoutId: uuidv7(),
        tenders: [{ kind: 'cash', amount: 100 }],
      },
      'clerk',
    );
    expect(err.code).toBe('INSUFFICIENT_PAYMENT');
    const after = snapshotDb(app.deps.sqlite);
    expect(after.counts).toEqual(before.counts);
    expect(after.hashes).toEqual(before.hashes);
    expect(stockOf(app, cola.id)).toBe(-1000);
  });
});

describe('parked sales', () => {
  it('parks the sale, serves the next customer, resumes later and shows who parked it and when', async () => {
    const { app } = await shop();
    const clock = app.clock;
    const first = await ok(app, 'cart.scan', { code: COLA }, 'clerk');
    const parked = await ok(app, 'parked.park', { note: 'forgot wallet' }, 'clerk');
    expect(parked).toMatchObject({
      cartId: first.id,
      parkedByName: 'Carl',
      parkedAt: clock.now,
      note: 'forgot wallet',
      lineCount: 1,
      total: 150,
    });
    expect((await ok(app, 'cart.get', {}, 'clerk')).lines).toHaveLength(0);
    await ok(app, 'cart.scan', { code: BREAD }, 'clerk');
    // Resuming swaps: the bread sale is parked in its place.
    const r = await ok(app, 'parked.resume', { cartId: first.id! }, 'clerk');
    expect(r.parked).toMatchObject({ lineCount: 1, total: 325 });
    expect((await ok(app, 'cart.get', {}, 'clerk')).lines.map((l) => l.sku)).toEqual(['COLA']);
    expect((await ok(app, 'parked.list', {}, 'clerk')).map((p) => p.total)).toEqual([325]);
    expect((await fail(app, 'parked.resume', { cartId: first.id! }, 'clerk')).code).toBe('CONFLICT');
    const left = await ok(app, 'parked.discard', { cartId: r.parked!.cartId }, 'clerk');
    expect(left).toEqual([]);
    expect(count(app, 'audit', "action = 'sale.void' AND target = ?", r.parked!.cartId)).toBe(1);
  });
});

describe('feedback', () => {
  it('rates a purchase once; average and count show on the product; lists sort by rating', async () => {
    const { app, cola, bread } = await shop();
    const a = await sell(app, [COLA, BREAD]);
    const b = await sell(app, [COLA]);
    const line = (o: typeof a, sku: string) => o.lines.find((l) => l.sku === sku)!.id;
    await ok(app, 'feedback.add', { orderLineId: line(a, 'COLA'), rating: 5, comment: 'crisp' }, 'clerk');
    await ok(app, 'feedback.add', { orderLineId: line(b, 'COLA'), rating: 4, comment: '' }, 'clerk');
    await ok(app, 'feedback.add', { orderLineId: line(a, 'BREAD'), rating: 2, comment: 'stale' }, 'clerk');
    expect((await fail(app, 'feedback.add', { orderLineId: line(a, 'BREAD'), rating: 5, comment: '' }, 'clerk')).code).toBe('CONFLICT');
    expect((await fail(app, 'feedback.add', { orderLineId: line(a, 'BREAD'), rating: 6, comment: '' }, 'clerk')).code).toBe('VALIDATION');

    const colaFb = await ok(app, 'feedback.forProduct', { productId: cola.id, offset: 0, limit: 10 }, 'clerk');
    expect(colaFb).toMatchObject({ average: 4.5, count: 2 });
    expect(colaFb.items.map((i) => i.comment).sort()).toEqual(['', 'crisp']);
    const best = await ok(app, 'feedback.products', { sort: 'rating_desc', rated: true, offset: 0, limit: 10 }, 'clerk');
    expect(best.items.map((p) => [p.productId, p.average, p.count])).toEqual([
      [cola.id, 4.5, 2],
      [bread.id, 2, 1],
    ]);
    const worst = await ok(app, 'feedback.products', { sort: 'rating_asc', offset: 0, limit: 10 }, 'clerk');
    expect(worst.items[0]!.productId).toBe(bread.id);
    expect(worst.items.at(-1)!.average).toBeNull(); // unrated products last
    expect((await ok(app, 'orders.detail', { id: a.id }, 'clerk')).lines.map((l) => l.rating)).toEqual([5, 2]);
    // The checkout's tiles and search results carry the average and count.
    const hits = await ok(app, 'catalog.search', { q: 'COLA' }, 'clerk');
    expect(hits.find((h) => h.id === cola.id)).toMatchObject({ ratingAvg100: 450, ratingCount: 2 });
    const browse = await ok(app, 'catalog.browse', { offset: 0, limit: 100 }, 'clerk');
    expect(browse.items.find((h) => h.id === bread.id)).toMatchObject({ ratingAvg100: 200, ratingCount: 1 });
    expect(browse.items.filter((h) => h.ratingCount === 0).every((h) => h.ratingAvg100 === null)).toBe(true);
  });
});
