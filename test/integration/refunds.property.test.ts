/**
 * Refund properties (fast-check): whatever sequence of sales, returns, voids and exchanges a store
 * goes through, and whatever is asked for (too many, twice, lines of another order), refunds never
 * exceed what was paid — per line and per tender —, an exchange happens fully or not at all, and
 * stock and store credit follow what was actually refunded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ok } from '../support/app';
import { shop, stockOf } from '../support/shop';
import { uuidv7 } from '../../src/shared/ids';
import type { Order } from '../../src/shared/api';

const lineReq = fc.record({ line: fc.nat(5), qty: fc.integer({ min: 1, max: 4 }), writeoff: fc.boolean() });
const op = fc.oneof(
  fc.record({
    t: fc.constant('sale' as const),
    lines: fc.array(fc.record({ code: fc.nat(1), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
    pay: fc.constantFrom('cash', 'card', 'split', 'credit'),
    customer: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('refund' as const),
    order: fc.nat(20),
    lines: fc.array(lineReq, { minLength: 1, maxLength: 3 }),
    method: fc.constantFrom('original', 'cash', 'store_credit'),
    foreign: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('exchange' as const),
    order: fc.nat(20),
    lines: fc.array(lineReq, { minLength: 1, maxLength: 2 }),
    code: fc.nat(1),
    short: fc.boolean(),
  }),
  fc.record({ t: fc.constant('void' as const), order: fc.nat(20) }),
);

describe('refund properties', () => {
  it('refunds never exceed payments per line and per tender; exchanges are all-or-nothing; stock and credit follow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 14 }), async (ops) => {
        const { app, cola, bread } = await shop();
        const db = app.deps.sqlite;
        const products = [cola.id, bread.id];
        const jane = await ok(app, 'customers.create', { name: 'Jane' }, 's1');
        const orders: Order[] = [];
        const expectedStock = new Map(products.map((p) => [p, 0]));
        let expectedCredit = 0;
        const productOfLine = new Map<string, string>();
        const move = (productId: string, d: number) => expectedStock.set(productId, expectedStock.get(productId)! + d);
        const applyRefund = (
          lines: { orderLineId: string | null; productId: string; qty: number; disposition: string }[],
          tenders: { method: string; amount: number }[],
        ) => {
          for (const l of lines) if (l.disposition === 'restock') move(l.productId, l.qty);
          expectedCredit += tenders.filter((t) => t.method === 'store_credit').reduce((s, t) => s + t.amount, 0);
        };
        const counts = () =>
          db.prepare('SELECT (SELECT COUNT(*) FROM refunds) AS r, (SELECT COUNT(*) FROM orders) AS o').get() as { r: number; o: number };

        for (const o of ops) {
          if (o.t === 'sale') {
            let cart = await ok(app, 'cart.get', {}, 's1');
            for (const l of o.lines) cart = await ok(app, 'cart.addProduct', { productId: products[l.code]!, qty: l.qty * 1000 }, 's1');
            const useCredit = o.pay === 'credit';
            if (o.customer || useCredit) await ok(app, 'cart.setCustomer', { customerId: jane.id }, 's1');
            const total = cart.priced.total;
            const credit = useCredit ? Math.min(expectedCredit, total) : 0;
            const tenders =
              o.pay === 'card'
                ? [{ kind: 'card_external' as const, amount: total, approved: true as const }]
                : o.pay === 'split'
                  ? [
                      { kind: 'card_external' as const, amount: Math.floor(total / 2), approved: true as const },
                      { kind: 'cash' as const, amount: total - Math.floor(total / 2) + 100 },
                    ]
                  : credit > 0
                    ? [
                        { kind: 'store_credit' as const, amount: credit },
                        ...(total - credit > 0 ? [{ kind: 'cash' as const, amount: total - credit }] : []),
                      ]
                    : [{ kind: 'cash' as const, amount: total }];
            const order = await ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders }, 's1');
            orders.push(order);
            expectedCredit -= credit;
            for (const l of order.lines) {
              move(l.productId, -l.qty);
              productOfLine.set(l.id, l.productId);
            }
            continue;
          }
          if (orders.length === 0) continue;
          const order = orders[o.order % orders.length]!;
          if (o.t === 'void') {
            const r = await app.router.call('refunds.voidSale', { orderId: order.id, refundId: uuidv7(), method: 'original' }, 's1');
            if (r.ok) {
              const doc = r.value as {
                lines: { orderLineId: string; productId: string; qty: number; disposition: string }[];
                tenders: { method: string; amount: number }[];
              };
              applyRefund(doc.lines, doc.tenders);
            } else expect(r.error.code).toBe('CONFLICT');
            continue;
          }
          const other = orders[(o.order + 1) % orders.length]!;
          const lines = o.lines.map((l) => {
            const src = o.t === 'refund' && o.foreign && other.id !== order.id ? other : order;
            return {
              orderLineId: src.lines[l.line % src.lines.length]!.id,
              qty: l.qty * 1000,
              disposition: l.writeoff ? ('writeoff' as const) : ('restock' as const),
            };
          });
          const before = counts();
          if (o.t === 'refund') {
            const r = await app.router.call('refunds.create', { orderId: order.id, refundId: uuidv7(), lines, method: o.method }, 's1');
            if (r.ok) {
              const doc = r.value as {
                lines: { orderLineId: string; productId: string; qty: number; disposition: string }[];
                tenders: { method: string; amount: number }[];
              };
              expect(doc.lines.map((l) => l.qty)).toEqual(lines.map((l) => l.qty));
              applyRefund(doc.lines, doc.tenders);
            } else {
              expect(['CONFLICT', 'VALIDATION']).toContain(r.error.code);
              expect(counts()).toEqual(before);
            }
          } else {
            // Exchange: return some lines of the order, buy one item; pay the difference, or too little.
            const cart = await ok(app, 'cart.addProduct', { productId: products[o.code]!, qty: 1000 }, 's1');
            const due = cart.priced.total;
            const r = await app.router.call(
              'exchanges.complete',
              {
                orderId: order.id,
                refundId: uuidv7(),
                lines,
                method: 'cash',
                cartId: cart.id,
                checkoutId: uuidv7(),
                tenders: [{ kind: 'cash', amount: o.short ? 0 : due }],
              },
              's1',
            );
            const after = counts();
            if (r.ok) {
              expect(after).toEqual({ r: before.r + 1, o: before.o + 1 });
              const v = r.value as {
                refund: {
                  lines: { orderLineId: string; productId: string; qty: number; disposition: string }[];
                  tenders: { method: string; amount: number }[];
                };
                order: Order;
              };
              applyRefund(v.refund.lines, v.refund.tenders);
              orders.push(v.order);
              for (const l of v.order.lines) move(l.productId, -l.qty);
            } else {
              // Neither the return nor the sale happened.
              expect(after).toEqual(before);
              await ok(app, 'cart.clear', {}, 's1');
            }
          }
        }

        // Per line: quantity and amount refunded never exceed what was sold.
        const overLines = db
          .prepare(
            `SELECT l.id FROM order_lines l JOIN refund_lines r ON r.order_line_id = l.id GROUP BY l.id
             HAVING SUM(r.qty) > MAX(l.qty) OR SUM(r.amount) > MAX(l.total) OR SUM(r.tax) > MAX(l.tax)`,
          )
          .all();
        expect(overLines).toEqual([]);
        // Per tender: no payment gives back more than it took.
        const overPayments = db
          .prepare(
            'SELECT p.id FROM payments p JOIN refund_tenders t ON t.payment_id = p.id GROUP BY p.id HAVING SUM(t.amount) > MAX(p.amount)',
          )
          .all();
        expect(overPayments).toEqual([]);
        // Per refund: the money out equals the goods back; per order: never more than its total.
        expect(
          db
            .prepare(
              'SELECT r.id FROM refunds r WHERE r.total <> (SELECT COALESCE(SUM(amount), 0) FROM refund_tenders t WHERE t.refund_id = r.id) OR r.total <> (SELECT SUM(amount) FROM refund_lines l WHERE l.refund_id = r.id)',
            )
            .all(),
        ).toEqual([]);
        expect(
          db
            .prepare('SELECT o.id FROM orders o JOIN refunds r ON r.order_id = o.id GROUP BY o.id HAVING SUM(r.total) > MAX(o.total)')
            .all(),
        ).toEqual([]);
        // Refund lines belong to the refund's own order.
        expect(
          db
            .prepare(
              'SELECT rl.id FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id JOIN order_lines l ON l.id = rl.order_line_id WHERE l.order_id <> r.order_id',
            )
            .all(),
        ).toEqual([]);
        // Stock and store credit follow.
        for (const p of products) expect(stockOf(app, p)).toBe(expectedStock.get(p));
        expect((await ok(app, 'customers.get', { id: jane.id }, 's1')).customer.creditBalance).toBe(expectedCredit);
        const ledger = db.prepare('SELECT product_id AS p, SUM(qty_delta) AS q FROM stock_movements GROUP BY product_id').all() as {
          p: string;
          q: number;
        }[];
        for (const row of ledger) expect(stockOf(app, row.p)).toBe(row.q);
        app.close();
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
