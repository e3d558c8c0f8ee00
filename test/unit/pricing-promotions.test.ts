import { describe, expect, it } from 'vitest';
import { priceCart } from '../../src/shared/pricing';

const line = (over: Partial<Parameters<typeof priceCart>[0]['lines'][number]> = {}) => ({
  id: 'a',
  unitPrice: 1000,
  qty: 2000,
  taxRateBp: 2000,
  ...over,
});

describe('a promotion discount in the pricing', () => {
  it('comes after the line discount and before the cart discount, and counts in the totals', () => {
    const p = priceCart({
      mode: 'inclusive',
      lines: [line({ discount: { kind: 'percent', bp: 1000 }, promotionDiscount: 450 })],
      cartDiscount: { kind: 'percent', bp: 1000 },
    });
    expect(p.lines[0]).toMatchObject({ gross: 2000, lineDiscount: 200, promotionDiscount: 450, cartDiscount: 135, net: 1215 });
    expect(p).toMatchObject({ subtotal: 2000, discountTotal: 785, total: 1215, taxTotal: 203 });
  });

  it('never takes more than the line discount left, nor a negative amount', () => {
    const over = priceCart({ mode: 'exclusive', lines: [line({ discount: { kind: 'amount', minor: 1500 }, promotionDiscount: 900 })] });
    expect(over.lines[0]).toMatchObject({ promotionDiscount: 500, net: 0, tax: 0, total: 0 });
    const negative = priceCart({ mode: 'exclusive', lines: [line({ promotionDiscount: -300 })] });
    expect(negative.lines[0]).toMatchObject({ promotionDiscount: 0, net: 2000, tax: 400, total: 2400 });
  });

  it('is taxed on what is left in a tax-exclusive store', () => {
    const p = priceCart({ mode: 'exclusive', lines: [line({ promotionDiscount: 500 })] });
    expect(p).toMatchObject({ discountTotal: 500, taxTotal: 300, total: 1800 });
  });
});
