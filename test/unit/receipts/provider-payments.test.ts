import { describe, expect, it } from 'vitest';
import type { Order, Payment } from '../../../src/shared/api/types';
import { receiptText } from '../../../src/main/receipts/receipt-text';
import { encodeReceipt } from '../../../src/main/receipts/escpos';
import { displayWidth } from '../../../src/main/receipts/text-width';
import { sampleDoc, sampleOrder } from './sample-order';

const ALIPAY_NO = '2026120622001412341234567890';
const WECHAT_NO = '4200002026120612345678901234';

function withPayments(payments: Payment[]): Order {
  const order = sampleOrder({ priceMode: 'inclusive', currency: 'CNY' });
  const paid = payments.reduce((s, p) => s + (p.tendered ?? p.amount), 0);
  return { ...order, payments, paid, change: Math.max(0, paid - order.total) };
}

const alipay = (amount: number): Payment => ({
  id: 'pa',
  kind: 'alipay',
  amount,
  tendered: null,
  brand: null,
  last4: null,
  reference: ALIPAY_NO,
  account: '138****1234',
});

describe('receipt: provider payments', () => {
  const total = sampleOrder({ priceMode: 'inclusive', currency: 'CNY' }).total;

  it('prints Alipay by name with its trade number and the masked buyer account (en and zh-CN)', () => {
    const order = withPayments([alipay(total)]);
    for (const [lang, name, tradeNo, account] of [
      ['en', 'Alipay', 'Trade no.', 'Account'],
      ['zh-CN', '支付宝', '交易号', '付款账户'],
    ] as const) {
      for (const width of [32, 48]) {
        const lines = receiptText(sampleDoc(lang, order), width);
        const text = lines.join('\n');
        const at = lines.findIndex((l) => l.startsWith(name));
        expect(at, `${lang} ${width}`).toBeGreaterThan(0);
        expect(lines[at]).toMatch(/6\.02$/);
        expect(text).toContain(ALIPAY_NO);
        expect(text).toContain('138****1234');
        expect(text).toContain(tradeNo);
        expect(text).toContain(account);
        // The details sit under their payment, and nothing overflows the paper.
        expect(lines.slice(at, at + 4).join('\n')).toContain(ALIPAY_NO);
        for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
        // Not lumped with cards.
        expect(lines[at]).not.toMatch(/Card|银行卡/);
      }
    }
  });

  it('prints WeChat Pay split with cash: each tender by name, change from the cash only', () => {
    const wechat: Payment = {
      id: 'pw',
      kind: 'wechat_pay',
      amount: 402,
      tendered: null,
      brand: null,
      last4: null,
      reference: WECHAT_NO,
      account: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'.slice(0, 4) + '****',
    };
    const cash: Payment = { id: 'pc', kind: 'cash', amount: 200, tendered: 500, brand: null, last4: null, reference: null };
    const order = { ...withPayments([wechat, cash]), change: 300 };
    const zh = receiptText(sampleDoc('zh-CN', order), 32);
    expect(zh.find((l) => l.startsWith('微信支付'))).toMatch(/4\.02$/);
    expect(zh.join('\n')).toContain(WECHAT_NO);
    expect(zh.find((l) => l.startsWith('现金实收'))).toMatch(/5\.00$/);
    expect(zh.find((l) => l.startsWith('找零'))).toMatch(/3\.00$/);
    const en = receiptText(sampleDoc('en', order), 48);
    expect(en.find((l) => l.startsWith('WeChat Pay'))).toMatch(/4\.02$/);
  });

  it('prints a Stripe card by brand and last digits with the PaymentIntent id; a card without a reference prints as before', () => {
    const stripe: Payment = {
      id: 'ps',
      kind: 'card_integrated',
      amount: total,
      tendered: null,
      brand: 'Visa',
      last4: '4242',
      reference: 'pi_3QxYzAbCdEf0123456789',
      account: null,
    };
    const lines = receiptText(sampleDoc('en', withPayments([stripe])), 48);
    expect(lines.find((l) => l.startsWith('Card Visa ****4242'))).toMatch(/6\.02$/);
    expect(lines.find((l) => l.includes('Trade no.'))).toMatch(/pi_3QxYzAbCdEf0123456789$/);
    const plain = receiptText(sampleDoc('en', withPayments([{ ...stripe, reference: null }])), 48);
    expect(plain.join('\n')).not.toContain('Trade no.');
  });

  it('names store credit as store credit, not as a card', () => {
    const credit: Payment = { id: 'sc', kind: 'store_credit', amount: total, tendered: null, brand: null, last4: null, reference: null };
    expect(receiptText(sampleDoc('zh-CN', withPayments([credit])), 32).some((l) => l.startsWith('储值余额'))).toBe(true);
    expect(receiptText(sampleDoc('en', withPayments([credit])), 32).some((l) => l.startsWith('Store credit'))).toBe(true);
  });

  it('encodes the provider name in GBK for the ESC/POS printer', () => {
    const bytes = encodeReceipt(sampleDoc('zh-CN', withPayments([alipay(total)])), { width: 58, kickDrawer: false });
    const hay = Buffer.from(bytes);
    // 支付宝 in GBK.
    expect(hay.includes(Buffer.from([0xd6, 0xa7, 0xb8, 0xb6, 0xb1, 0xa6]))).toBe(true);
    expect(hay.includes(Buffer.from(ALIPAY_NO, 'ascii'))).toBe(true);
  });
});
