import net from 'node:net';
import { pdfText } from '../support/pdf';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fail, makeApp, ok, readyStore, setupStore, ADMIN_PIN } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { verifyJournal } from '../../src/main/journal/journal';
import { verifyStoreJournal } from '../../src/main/journal/verify';
import { inTransaction } from '../../src/main/db/open';
import { applyToRollups } from '../../src/main/insight/rollups';
import type { ShiftReport } from '../../src/shared/api/shifts';

type App = ReturnType<typeof makeApp>;

async function sell(app: App, codes: string[], pay: 'cash' | 'card', extra = 0) {
  let cart = await ok(app, 'cart.get', {});
  for (const code of codes) cart = await ok(app, 'cart.scan', { code });
  return ok(app, 'sales.complete', {
    cartId: cart.id!,
    checkoutId: uuidv7(),
    tenders:
      pay === 'cash'
        ? [{ kind: 'cash', amount: cart.priced.total + extra }]
        : [{ kind: 'card_external', amount: cart.priced.total, approved: true }],
  });
}

/** A refund as the refunds feature reports it to the rollups (what went back, by tender). */
function refund(app: App, amount: number, kind: 'cash' | 'card_external', productId: string) {
  inTransaction(app.deps.sqlite, () =>
    applyToRollups(app.deps, {
      kind: 'refund',
      id: uuidv7(),
      at: app.clock(),
      staffId: null,
      customerId: null,
      shiftId: null,
      lines: [{ productId, categoryId: null, qty: 1000, amount, tax: 0, discount: 0, cost: Math.floor(amount / 2), unit: 'each' }],
      payments: [{ kind, amount }],
    }),
  );
}

describe('shifts', () => {
  it('selling needs an open shift: a clear refusal, and the sale stays open', async () => {
    const app = makeApp();
    const { adminId } = await setupStore(app);
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    const rates = await ok(app, 'taxRates.list', {});
    await ok(app, 'catalog.create', {
      sku: 'COLA',
      name: 'Cola',
      unit: 'each',
      price: 150,
      cost: 70,
      barcodes: ['5000112637922'],
      taxRateId: rates[0]!.id,
    });
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const err = await fail(app, 'sales.complete', { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 200 }] });
    expect(err.code).toBe('SHIFT_REQUIRED');
    expect(err.message).toMatch(/open a shift/i);
    expect((await ok(app, 'cart.get', {})).lines).toHaveLength(1);
    expect((app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n).toBe(0);

    expect((await ok(app, 'shifts.current', {})).shift).toBeNull();
    const opened = await ok(app, 'shifts.open', {
      counts: [
        { value: 1000, pieces: 3 },
        { value: 25, pieces: 8 },
      ],
    });
    expect(opened.kind).toBe('X');
    expect(opened.shift.number).toBe('T1-S0001');
    expect(opened.cash.float).toBe(3200);
    const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 200 }] });
    const row = app.deps.sqlite.prepare('SELECT shift_id AS shiftId FROM orders WHERE id = ?').get(order.id) as { shiftId: string };
    expect(row.shiftId).toBe(opened.shift.id);
  });

  it('refuses a second open shift, a denomination the currency does not have, and cash out beyond the drawer', async () => {
    const app = makeApp();
    await readyStore(app); // $100 float
    expect((await fail(app, 'shifts.open', { counts: [] })).code).toBe('CONFLICT');
    const over = await fail(app, 'shifts.cashMove', { kind: 'out', amount: 10_001, reason: 'bank drop' });
    expect(over.code).toBe('CONFLICT');
    expect(over.details).toMatchObject({ reason: 'overdraw', inDrawer: 10_000 });
    const x = await ok(app, 'shifts.cashMove', { kind: 'out', amount: 10_000, reason: 'bank drop' });
    expect(x.cash.expected).toBe(0);
    expect((await fail(app, 'shifts.cashMove', { kind: 'out', amount: 1, reason: 'again' })).code).toBe('CONFLICT');
    const shift = (await ok(app, 'shifts.current', {})).shift!;
    const bad = await fail(app, 'shifts.close', { shiftId: shift.id, counts: [{ value: 300, pieces: 1 }] });
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toContain('300');
    const dup = await fail(app, 'shifts.close', {
      shiftId: shift.id,
      counts: [
        { value: 100, pieces: 1 },
        { value: 100, pieces: 2 },
      ],
    });
    expect(dup.code).toBe('VALIDATION');
    expect((await ok(app, 'shifts.current', {})).shift?.closedAt).toBeNull();
  });

  it('closes with a shortage into a journaled Z report: tenders, categories, tax rates, refunds, voids, discounts; closing twice is refused', async () => {
    const app = makeApp();
    const { cola } = await readyStore(app);
    const shift = (await ok(app, 'shifts.current', {})).shift!;
    await sell(app, ['5000112637922', '4006381333931'], 'cash', 500); // 1.50 (20%) + 3.25 (5%)
    await sell(app, ['5000112637922'], 'card');
    // A discounted sale.
    let cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    cart = await ok(app, 'cart.setLineDiscount', { lineId: cart.lines[0]!.id, discount: { kind: 'percent', bp: 1000 } });
    await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 135 }] });
    // A voided sale.
    await ok(app, 'cart.scan', { code: '4006381333931' });
    await ok(app, 'cart.clear', {});
    await ok(app, 'shifts.cashMove', { kind: 'in', amount: 2000, reason: 'change from bank' });
    await ok(app, 'shifts.cashMove', { kind: 'out', amount: 500, reason: 'window cleaner' });
    refund(app, 150, 'cash', cola.id);
    const noSale = await ok(app, 'shifts.noSale', { reason: 'customer needed change', kickDrawer: false });
    expect(noSale.kicked).toBe(false);

    const x = await ok(app, 'shifts.report', {});
    // 100.00 float + (4.75 + 1.35) cash sales − 1.50 cash refund + 20.00 in − 5.00 out
    expect(x.cash).toMatchObject({ float: 10_000, sales: 610, refunds: 150, cashIn: 2000, cashOut: 500, expected: 11_960 });

    const z = await ok(app, 'shifts.close', {
      shiftId: shift.id,
      counts: [
        { value: 2000, pieces: 5 },
        { value: 1000, pieces: 1 },
        { value: 500, pieces: 1 },
        { value: 100, pieces: 4 },
      ],
    });
    expect(z.kind).toBe('Z');
    expect(z.cash.counted).toBe(11_900);
    expect(z.cash.overShort).toBe(-60);
    expect(z.shift.overShort).toBe(-60);
    expect(z.sales).toMatchObject({ orders: 3, discounts: 15, discountedOrders: 1, total: 475 + 150 + 135 });
    expect(z.tenders).toEqual([
      { kind: 'card_external', count: 1, amount: 150, refunds: 0 },
      { kind: 'cash', count: 2, amount: 610, refunds: 150 },
    ]);
    expect(z.taxRates.map((t) => t.rateBp)).toEqual([500, 2000]);
    expect(z.taxRates.reduce((s, t) => s + t.tax, 0)).toBe(
      (app.deps.sqlite.prepare('SELECT SUM(tax_total) AS t FROM orders').get() as { t: number }).t,
    );
    expect(z.categories.reduce((s, c) => s + c.amount, 0)).toBe(760);
    expect(z.refunds).toEqual({ count: 1, amount: 150 });
    expect(z.voids).toEqual({ count: 1, amount: 325 });
    expect(z.noSales).toBe(1);
    expect(z.movements.map((m) => m.kind)).toEqual(['in', 'out', 'no_sale']);
    expect(z.journalSeq).toBeGreaterThan(0);

    const journal = app.deps.sqlite.prepare("SELECT ref_id AS refId, payload FROM journal WHERE kind = 'shift_close'").all() as {
      refId: string;
      payload: string;
    }[];
    expect(journal).toHaveLength(1);
    expect(journal[0]!.refId).toBe(shift.id);
    expect(JSON.parse(journal[0]!.payload).document.cash.overShort).toBe(-60);
    expect(verifyJournal(app.deps).ok).toBe(true);
    // The Z report matches its rows and the shift's facts as journaled.
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: true, problem: null });
    const audit = app.deps.sqlite
      .prepare(
        "SELECT action FROM audit WHERE action IN ('shift.open', 'shift.close', 'drawer.open', 'cash.in', 'cash.out') ORDER BY rowid",
      )
      .pluck()
      .all();
    expect(audit).toEqual(['shift.open', 'cash.in', 'cash.out', 'drawer.open', 'shift.close']);

    const again = await fail(app, 'shifts.close', { shiftId: shift.id, counts: [] });
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already closed/);
    expect((app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM journal WHERE kind = 'shift_close'").get() as { n: number }).n).toBe(1);
    // The stored Z report is what is shown later, and the terminal has no open shift now.
    expect(await ok(app, 'shifts.report', { shiftId: shift.id })).toEqual(z);
    expect((await ok(app, 'shifts.current', {})).shift).toBeNull();
    expect(
      (await fail(app, 'sales.complete', { cartId: uuidv7(), checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1 }] })).code,
    ).toBe('SHIFT_REQUIRED');
    const list = await ok(app, 'shifts.list', { limit: 10 });
    expect(list[0]).toMatchObject({ id: shift.id, overShort: -60, countedCash: 11_900 });

    // Printable: ESC/POS text for the receipt printer, and a PDF.
    const bytes = Buffer.from((await ok(app, 'shifts.escpos', { shiftId: shift.id, width: 80 })).base64, 'base64').toString('latin1');
    expect(bytes).toContain('Z REPORT');
    expect(bytes).toContain('Short');
    expect(bytes).toContain('-$0.60');
    const pdf = Buffer.from((await ok(app, 'shifts.pdf', { shiftId: shift.id })).base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // In Chinese: the GB2312 labels go to the printer in GBK, and the PDF carries the Chinese it uses (a small embedded subset).
    const zh = Buffer.from((await ok(app, 'shifts.pdf', { shiftId: shift.id, language: 'zh-CN' })).base64, 'base64');
    expect(zh.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(zh)).toMatch(/[\u4e00-\u9fff]{2}/);
    expect(zh.length).toBeLessThan(200_000);
    expect(pdf.length).toBeLessThan(100_000);
  });

  it('a no-sale drawer open kicks the drawer on the receipt printer; without a printer it says so and records nothing', async () => {
    const app = makeApp();
    await readyStore(app);
    const opens = () => (app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'drawer.open'").get() as { n: number }).n;
    const err = await fail(app, 'shifts.noSale', { reason: 'check float', kickDrawer: true });
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/printer/);
    expect(opens()).toBe(0);
    // A printer on loopback receives the ESC/POS drawer pulse (ESC p).
    const got: Buffer[] = [];
    const server = net.createServer((sock) => sock.on('data', (b) => got.push(b)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await ok(app, 'settings.update', { printer: { host: '127.0.0.1', port, width: 80 } });
    expect(await ok(app, 'shifts.noSale', { reason: 'check float', kickDrawer: true })).toEqual({ kicked: true });
    await new Promise((r) => setTimeout(r, 100));
    server.close();
    expect(Buffer.concat(got).includes(Buffer.from([0x1b, 0x70]))).toBe(true);
    expect(opens()).toBe(1);
    expect((await ok(app, 'shifts.report', {})).noSales).toBe(1);
  });

  it('Z report property: expected cash = float + cash sales − cash refunds + cash in − cash out, for random shifts', async () => {
    type Step =
      | { t: 'sale'; items: number; pay: 'cash' | 'card'; extra: number }
      | { t: 'in' | 'out'; amount: number }
      | { t: 'refund'; amount: number; pay: 'cash' | 'card_external' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        t: fc.constant('sale' as const),
        items: fc.integer({ min: 1, max: 3 }),
        pay: fc.constantFrom('cash' as const, 'card' as const),
        extra: fc.integer({ min: 0, max: 900 }),
      }),
      fc.record({ t: fc.constantFrom('in' as const, 'out' as const), amount: fc.integer({ min: 1, max: 20_000 }) }),
      fc.record({
        t: fc.constant('refund' as const),
        amount: fc.integer({ min: 1, max: 500 }),
        pay: fc.constantFrom('cash' as const, 'card_external' as const),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ value: fc.constantFrom(10_000, 2000, 500, 100, 25, 1), pieces: fc.integer({ min: 0, max: 20 }) }), {
          maxLength: 6,
        }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -500, max: 500 }),
        async (floatCounts, steps, countDelta) => {
          const app = makeApp();
          const { cola } = await readyStore(app);
          const first = (await ok(app, 'shifts.current', {})).shift!;
          await ok(app, 'shifts.close', { shiftId: first.id, counts: [{ value: 2000, pieces: 5 }] });
          const dedup = [...new Map(floatCounts.map((c) => [c.value, c])).values()];
          const opened = await ok(app, 'shifts.open', { counts: dedup });
          const model = { float: dedup.reduce((s, c) => s + c.value * c.pieces, 0), sales: 0, refunds: 0, in: 0, out: 0 };
          const drawer = () => model.float + model.sales - model.refunds + model.in - model.out;
          for (const s of steps) {
            if (s.t === 'sale') {
              const order = await sell(
                app,
                Array.from({ length: s.items }, () => '5000112637922'),
                s.pay,
                s.extra,
              );
              if (s.pay === 'cash') model.sales += order.total;
            } else if (s.t === 'refund') {
              refund(app, s.amount, s.pay, cola.id);
              if (s.pay === 'cash') model.refunds += s.amount;
            } else if (s.t === 'out' && s.amount > drawer()) {
              expect((await fail(app, 'shifts.cashMove', { kind: 'out', amount: s.amount, reason: 'drop' })).code).toBe('CONFLICT');
            } else {
              await ok(app, 'shifts.cashMove', { kind: s.t, amount: s.amount, reason: 'r' });
              model[s.t] += s.amount;
            }
          }
          const counted = Math.max(0, drawer() + countDelta);
          const z: ShiftReport = await ok(app, 'shifts.close', {
            shiftId: opened.shift.id,
            counts: [
              { value: 100, pieces: Math.floor(counted / 100) },
              { value: 1, pieces: counted % 100 },
            ],
          });
          expect(z.cash.float).toBe(model.float);
          expect(z.cash.expected).toBe(model.float + model.sales - model.refunds + model.in - model.out);
          expect(z.cash.expected).toBe(z.cash.float + z.cash.sales - z.cash.refunds + z.cash.cashIn - z.cash.cashOut);
          expect(z.cash.overShort).toBe(counted - z.cash.expected);
          app.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
