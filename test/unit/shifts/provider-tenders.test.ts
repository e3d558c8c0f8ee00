import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, ok, readyStore } from '../../support/app';
import { uuidv7 } from '../../../src/shared/ids';
import { rebuildRollups } from '../../../src/main/insight/rollups';
import { rawPaymentMix } from '../../../src/main/insight/queries';
import { reportLines, tenderLabel } from '../../../src/main/shifts/report-text';

type App = ReturnType<typeof makeApp>;
let app: App | null = null;
afterEach(() => {
  app?.close();
  app = null;
});

async function sellCash(a: App, code: string) {
  const cart = await ok(a, 'cart.scan', { code });
  return ok(a, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] });
}

/**
 * Four sales, then their payments rewritten to the kinds checkout writes for a provider trade
 * ('alipay', 'wechat_pay', and 'card_integrated' with a brand for Stripe), with the provider's
 * trade number in `reference`: what the payments table holds once providers take money.
 */
async function storeWithProviderPayments(): Promise<App> {
  const a = makeApp();
  await readyStore(a);
  const orders = [];
  for (const code of ['5000112637922', '4006381333931', '5000112637922', '4006381333931', '5000112637922'])
    orders.push(await sellCash(a, code));
  const set = a.deps.sqlite.prepare('UPDATE payments SET kind = ?, brand = ?, reference = ? WHERE order_id = ?');
  set.run('alipay', null, '2026112222001400000000000001', orders[1]!.id);
  set.run('wechat_pay', null, '4200002026112200000000000002', orders[2]!.id);
  set.run('card_integrated', 'Visa', 'pi_3QxYzAbCdEf0123456789', orders[3]!.id);
  set.run('alipay', null, '2026112222001400000000000004', orders[4]!.id);
  return a;
}

describe('each provider is its own tender line', () => {
  it('the shift report and its Z text list Alipay, WeChat Pay and the card terminal apart from cash (en and zh-CN)', async () => {
    app = await storeWithProviderPayments();
    const report = await ok(app, 'shifts.report', {});
    const kinds = Object.fromEntries(report.tenders.map((t) => [t.kind, t]));
    expect(Object.keys(kinds).sort()).toEqual(['alipay', 'card_integrated', 'cash', 'wechat_pay']);
    expect(kinds['alipay']).toMatchObject({ count: 2, amount: 325 + 150 });
    expect(kinds['wechat_pay']).toMatchObject({ count: 1, amount: 150 });
    // Only cash counts toward the drawer.
    expect(report.cash.sales).toBe(150);

    const en = reportLines(report, 42, 'en', 'UTC').map((l) => l.text);
    expect(en.find((l) => l.startsWith('Alipay (2)'))).toMatch(/\$4\.75$/);
    expect(en.find((l) => l.startsWith('WeChat Pay (1)'))).toMatch(/\$1\.50$/);
    expect(en.find((l) => l.startsWith('Card (integrated) (1)'))).toMatch(/\$3\.25$/);
    expect(en.find((l) => l.startsWith('Cash (1)'))).toMatch(/\$1\.50$/);
    const zh = reportLines(report, 42, 'zh-CN', 'UTC').map((l) => l.text);
    expect(zh.find((l) => l.startsWith('支付宝 (2)'))).toMatch(/4\.75$/);
    expect(zh.find((l) => l.startsWith('微信支付 (1)'))).toMatch(/1\.50$/);
    expect(zh.find((l) => l.startsWith('银行卡（集成） (1)'))).toMatch(/3\.25$/);
    expect(zh.find((l) => l.startsWith('现金 (1)'))).toMatch(/1\.50$/);
  });

  it('the dashboard payment mix has one line per provider, in the rollups and in the raw figures alike', async () => {
    app = await storeWithProviderPayments();
    rebuildRollups(app.deps);
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const mix = await ok(app, 'insight.payments', range);
    expect(mix.map((m) => [m.kind, m.orders, m.amount])).toEqual([
      ['alipay', 2, 475],
      ['card_integrated', 1, 325],
      ['cash', 1, 150],
      ['wechat_pay', 1, 150],
    ]);
    expect(rawPaymentMix(app.deps, range).map((m) => [m.kind, m.orders, m.amount])).toEqual(mix.map((m) => [m.kind, m.orders, m.amount]));
  });

  it('names every tender in both languages; an unknown kind prints as stored', () => {
    expect(
      ['cash', 'card_external', 'card_integrated', 'store_credit', 'exchange', 'alipay', 'wechat_pay'].map((k) => tenderLabel(k, 'zh-CN')),
    ).toEqual(['现金', '银行卡（外接）', '银行卡（集成）', '储值余额', '换货抵扣', '支付宝', '微信支付']);
    expect(tenderLabel('alipay', 'en')).toBe('Alipay');
    expect(tenderLabel('wechat_pay', 'en')).toBe('WeChat Pay');
    expect(tenderLabel('paypal', 'en')).toBe('paypal');
  });
});
