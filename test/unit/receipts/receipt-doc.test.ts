import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, ok, readyStore } from '../../support/app';
import { uuidv7 } from '../../../src/shared/ids';
import { receiptText } from '../../../src/main/receipts/receipt-text';

type App = ReturnType<typeof makeApp>;
let app: App | null = null;
afterEach(() => {
  app?.close();
  app = null;
});

describe('receipts.get: a provider payment', () => {
  it('carries the trade number and the masked buyer account from the payments table to the printed text', async () => {
    app = makeApp();
    await readyStore(app);
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const order = await ok(app, 'sales.complete', {
      cartId: cart.id!,
      checkoutId: uuidv7(),
      tenders: [{ kind: 'cash', amount: cart.priced.total }],
    });
    const cols = app.deps.sqlite.prepare('PRAGMA table_info(payments)').all() as { name: string }[];
    // The column the payments migration adds; added here when this branch runs without it.
    if (!cols.some((c) => c.name === 'account')) app.deps.sqlite.exec('ALTER TABLE payments ADD COLUMN account TEXT');
    app.deps.sqlite
      .prepare("UPDATE payments SET kind = 'alipay', reference = ?, account = ? WHERE order_id = ?")
      .run('2026112222001400000000000001', '138****1234', order.id);

    const doc = await ok(app, 'receipts.get', { orderId: order.id });
    expect(doc.order.payments).toEqual([
      expect.objectContaining({ kind: 'alipay', reference: '2026112222001400000000000001', account: '138****1234' }),
    ]);
    const en = receiptText(doc, 48).join('\n');
    expect(en).toMatch(/Alipay +\$1\.50/);
    expect(en).toMatch(/Account +138\*\*\*\*1234/);
    const zh = receiptText({ ...doc, language: 'zh-CN' }, 48).join('\n');
    expect(zh).toMatch(/支付宝 +US\$1\.50|支付宝 +\$1\.50/);
    expect(zh).toMatch(/付款账户 +138\*\*\*\*1234/);
    expect(zh).toMatch(/交易号 +2026112222001400000000000001/);
  });
});
