/**
 * Spending cards while the till cannot reach the cloud: off by default, then capped per spend and
 * per till until the spends are sent (the till's copy of a balance may be behind the other
 * tills'). Online again, the caps no longer apply, and a spend still never takes a balance below zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { firstTerminal, terminal, type Terminal } from '../support/sync';
import { footprint } from '../support/stored-value';
import { uuidv7 } from '../../src/shared/ids';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud.close();
});

async function cardSale(app: Terminal, productId: string, number: string, amount: number) {
  await ok(app, 'cart.addProduct', { productId, qty: 100_000 }, 's1');
  const cart = await ok(app, 'cart.get', {}, 's1');
  const res = await app.router.call(
    'sales.complete',
    {
      cartId: cart.id!,
      checkoutId: randomUUID(),
      tenders: [
        { kind: 'stored_value', cardNumber: number, amount },
        { kind: 'cash', amount: cart.priced.total - amount },
      ],
    },
    's1',
  );
  if (!res.ok) await ok(app, 'cart.clear', {}, 's1');
  return res;
}

describe('card payments while offline', () => {
  it('are off by default, then capped per spend and per till until sent; online a balance never goes below zero', async () => {
    const app = terminal(cloud.transport);
    try {
      const { cola } = await firstTerminal(app, cloud.url);
      const [card] = await ok(
        app,
        'cards.issue',
        { opId: uuidv7(), kind: 'gift', amount: 10_000, payment: { cash: 10_000, card: 0 } },
        's1',
      );
      const number = card!.number;
      const settings = async (maxPerSpend: number, maxTotal: number) =>
        ok(
          app,
          'cards.setSettings',
          { bonusRules: [], expiryMonths: null, cnRules: 'auto', offlineMaxPerSpend: maxPerSpend, offlineMaxTotal: maxTotal },
          's1',
        );

      cloud.transport.down = true;
      expect((await app.sync.engine.syncNow()).online).toBe(false);
      let was = footprint(app);
      const off = await cardSale(app, cola.id, number, 1000);
      expect(off.ok || off.error).toMatchObject({ code: 'DECLINED', details: { messageKey: 'cards.err.offlineOff' } });
      // Nothing of the sale or the card is written (clearing the refused cart is audited as a void, as ever).
      expect({ ...footprint(app), outbox: 0, audit: 0 }).toEqual({ ...was, outbox: 0, audit: 0 });

      await settings(3000, 5000);
      was = footprint(app);
      const big = await cardSale(app, cola.id, number, 3500);
      expect(big.ok || big.error).toMatchObject({
        code: 'DECLINED',
        details: { messageKey: 'cards.err.offlinePerSpend', money: { limit: 3000 } },
      });
      expect(footprint(app).entries).toBe(was.entries);

      expect((await cardSale(app, cola.id, number, 3000)).ok).toBe(true);
      const over = await cardSale(app, cola.id, number, 2500);
      expect(over.ok || over.error).toMatchObject({
        code: 'DECLINED',
        details: { messageKey: 'cards.err.offlineTotal', money: { limit: 5000 } },
      });
      expect((await cardSale(app, cola.id, number, 2000)).ok).toBe(true);
      const held = app.deps.sqlite.prepare("SELECT COUNT(*) FROM stored_value_entries WHERE kind = 'spend' AND offline = 1").pluck().get();
      expect(held).toBe(2);

      // Back online: the spends go up, the till's offline total is free again.
      cloud.transport.down = false;
      expect(await app.sync.engine.syncNow()).toMatchObject({ online: true, pending: 0 });
      expect((await cardSale(app, cola.id, number, 4000)).ok).toBe(true);
      expect((await ok(app, 'cards.lookup', { number }, 's1')).balance).toBe(1000);
      const short = await cardSale(app, cola.id, number, 1001);
      expect(short.ok || short.error).toMatchObject({ code: 'INSUFFICIENT_PAYMENT', details: { messageKey: 'cards.err.insufficient' } });
      expect((await ok(app, 'cards.lookup', { number }, 's1')).balance).toBe(1000);
    } finally {
      cloud.transport.down = false;
      app.close();
    }
  });
});
