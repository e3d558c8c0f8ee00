/** A realistic completed order for receipt tests, priced by the real pricing module. */
import type { Order, OrderLine, Payment, ReceiptDoc } from '../../../src/shared/api/types';
import { priceCart, type PriceMode } from '../../../src/shared/pricing';

interface LineSpec {
  name: string;
  altName: string | null;
  unit: 'each' | 'kg';
  qty: number;
  unitPrice: number;
  taxRateBp: number;
  discountBp?: number;
}

export const SAMPLE_LINES: LineSpec[] = [
  { name: 'Apple (Fuji)', altName: '富士苹果', unit: 'kg', qty: 532, unitPrice: 399, taxRateBp: 500 },
  { name: 'Whole Milk 1L', altName: '全脂牛奶 1升', unit: 'each', qty: 2000, unitPrice: 150, taxRateBp: 500, discountBp: 1000 },
  { name: 'Coca-Cola 330ml', altName: '可口可乐 330毫升', unit: 'each', qty: 1000, unitPrice: 120, taxRateBp: 2000 },
];

export function sampleOrder(
  opts: {
    priceMode?: PriceMode;
    currency?: string;
    lines?: LineSpec[];
    pay?: 'cash' | 'card' | 'split';
  } = {},
): Order {
  const priceMode = opts.priceMode ?? 'inclusive';
  const specs = opts.lines ?? SAMPLE_LINES;
  const priced = priceCart({
    mode: priceMode,
    lines: specs.map((s, i) => ({
      id: `l${i}`,
      unitPrice: s.unitPrice,
      qty: s.qty,
      taxRateBp: s.taxRateBp,
      discount: s.discountBp ? { kind: 'percent', bp: s.discountBp } : null,
    })),
  });
  const lines: OrderLine[] = specs.map((s, i) => {
    const p = priced.lines[i]!;
    return {
      id: `l${i}`,
      productId: `p${i}`,
      sku: `SKU-${i}`,
      name: s.name,
      altName: s.altName,
      unit: s.unit,
      qty: s.qty,
      unitPrice: s.unitPrice,
      discount: p.lineDiscount + p.cartDiscount,
      tax: p.tax,
      taxRateBp: s.taxRateBp,
      total: p.total,
    };
  });
  const total = priced.total;
  const payments: Payment[] = [];
  const pay = opts.pay ?? 'cash';
  if (pay === 'card') {
    payments.push({ id: 'pay1', kind: 'card_external', amount: total, tendered: null, brand: 'VISA', last4: '1234', reference: null });
  } else if (pay === 'split') {
    payments.push({ id: 'pay1', kind: 'card_external', amount: 200, tendered: null, brand: 'VISA', last4: '1234', reference: null });
    payments.push({ id: 'pay2', kind: 'cash', amount: total - 200, tendered: 1000, brand: null, last4: null, reference: null });
  } else {
    payments.push({ id: 'pay1', kind: 'cash', amount: total, tendered: 2000, brand: null, last4: null, reference: null });
  }
  const cashTendered = payments.reduce((s, p) => s + (p.kind === 'cash' ? (p.tendered ?? p.amount) : p.amount), 0);
  return {
    id: 'order-1',
    number: 'S-000123',
    checkoutId: 'checkout-1',
    // 23:30 UTC on 15 Jan is 07:30 on 16 Jan in Shanghai: catches a receipt dated in UTC.
    createdAt: Date.UTC(2025, 0, 15, 23, 30),
    staffName: 'Alice',
    terminalCode: 'T1',
    currency: opts.currency ?? 'GBP',
    priceMode,
    subtotal: priced.subtotal,
    discountTotal: priced.discountTotal,
    taxTotal: priced.taxTotal,
    total,
    paid: cashTendered,
    change: Math.max(0, cashTendered - total),
    taxes: priced.taxes,
    lines,
    payments,
  };
}

export function sampleDoc(language: 'en' | 'zh-CN', order: Order = sampleOrder()): ReceiptDoc {
  return {
    storeName: language === 'en' ? 'Corner Shop' : '街角便利店',
    footer: language === 'en' ? 'Thank you for shopping with us!' : '谢谢惠顾，欢迎再次光临！',
    language,
    timezone: 'Asia/Shanghai',
    order,
  };
}
