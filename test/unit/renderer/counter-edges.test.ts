import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The screens' modules start the app's i18n on import; give them the little of a browser they read.
vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.navigator ??= { language: 'en' };
  g.document ??= { documentElement: {}, getElementById: () => null };
});
import i18next, { type TFunction } from 'i18next';
import { actionLabel, describeRow, type DescribeContext } from '../../../src/renderer/features/audit/describe';
import { makeFormatters } from '../../../src/renderer/lib/format';
import { formError } from '../../../src/renderer/features/stock/ProductForm';
import { describeApproval } from '../../../src/renderer/components/ApprovalDialog';
import { cardBrandName } from '../../../src/shared/card-brands';
import { translation } from '../../../src/renderer/i18n/messages';

type Lang = 'en' | 'zh-CN';

/** The audit actions main writes as literals (`action: 'x.y'`, either side of a ternary), read from its sources. */
function auditActionsInMain(): string[] {
  const root = join(process.cwd(), 'src', 'main');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.includes('fakes'));
  const found = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const m of text.matchAll(
      /action: (?:[^,'`}]*\? )?'([a-z][a-zA-Z]*(?:\.[a-zA-Z]+)*)'(?: : '([a-z][a-zA-Z]*(?:\.[a-zA-Z]+)*)')?/g,
    )) {
      found.add(m[1]!);
      if (m[2]) found.add(m[2]);
    }
  }
  // Not audit rows: a window-open policy and a fake gateway's answer field.
  for (const other of ['deny', 'close']) found.delete(other);
  return [...found].sort();
}

async function tIn(lng: Lang): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const PRODUCT = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const ORDER = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const PO = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d';
const CART = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e';

async function ctxIn(lng: Lang): Promise<DescribeContext> {
  return {
    t: await tIn(lng),
    fmt: makeFormatters(lng, 'CNY', 'Asia/Shanghai'),
    language: lng,
    names: {
      [PRODUCT]: { name: 'Cola 330ml', altName: '可乐 330ml' },
      [ORDER]: { name: 'T1-000007', altName: null },
      [PO]: { name: 'PO-T1-000002', altName: null },
    },
  };
}

describe('audit log in words, in both languages', () => {
  for (const lng of ['en', 'zh-CN'] as const) {
    it(`${lng}: actions are named, not keyed`, async () => {
      const { t } = await ctxIn(lng);
      for (const a of ['refund', 'po.send', 'shift.open', 'stock.adjust', 'sale.undo', 'product.price']) {
        expect(actionLabel(t, a)).not.toBe(a);
        expect(actionLabel(t, a)).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)?$/);
      }
    });

    it(`${lng}: every action main records by name has a label`, async () => {
      const { t } = await ctxIn(lng);
      const missing = auditActionsInMain().filter((a) => actionLabel(t, a) === a);
      expect(missing).toEqual([]);
    });
    it(`${lng}: money in the store currency, percents, and names instead of ids`, async () => {
      const ctx = await ctxIn(lng);
      const float = describeRow(ctx, { action: 'shift.open', target: null, details: { number: 'T1-S0001', float: 15000 } });
      expect(float).toContain('¥150.00');
      expect(float).not.toContain('15000');

      const discount = describeRow(ctx, {
        action: 'discount.line',
        target: CART,
        details: { lineId: CART, discount: { kind: 'percent', bp: 1500 } },
      });
      expect(discount).toContain('15%');
      expect(discount).not.toContain('bp');
      expect(discount).not.toContain('{');
      expect(discount).not.toContain(CART);

      const po = describeRow(ctx, { action: 'po.send', target: PO, details: { number: 'PO-T1-000002', total: 123456 } });
      expect(po).toContain('PO-T1-000002');
      expect(po).toContain('¥1,234.56');
      expect(po).not.toContain(PO);

      const refund = describeRow(ctx, {
        action: 'refund',
        target: null,
        details: { kind: 'refund', orderId: ORDER, total: 342, methods: ['cash'] },
      });
      expect(refund).toContain('T1-000007');
      expect(refund).toContain('¥3.42');
      expect(refund).toContain(lng === 'en' ? 'Cash' : '现金');

      const price = describeRow(ctx, {
        action: 'price.override',
        target: CART,
        details: { lineId: CART, productId: PRODUCT, from: 99, to: 50 },
      });
      expect(price).toMatch(/¥0\.99 → \S*¥0\.50/);
      expect(price).toContain(lng === 'en' ? 'Cola 330ml' : '可乐 330ml');
    });
  }
});

describe('a refused PLU says what is expected', () => {
  const refused = {
    code: 'VALIDATION' as const,
    message: 'Invalid input',
    details: [{ path: ['plu'], message: 'Invalid string', code: 'invalid_format' }],
  };
  it('in English', async () => {
    const text = formError(await tIn('en'), refused);
    expect(text).toContain('PLU');
    expect(text).toContain('5 digits');
  });
  it('in Chinese', async () => {
    const text = formError(await tIn('zh-CN'), refused);
    expect(text).toContain('PLU');
    expect(text).toContain('5 位数字');
  });
});

describe('manager approval names what is approved', () => {
  for (const lng of ['en', 'zh-CN'] as const) {
    it(`${lng}: the item and the percent or amount`, async () => {
      const t = await tIn(lng);
      const fmt = makeFormatters(lng, 'USD', 'UTC');
      const item = { name: 'Cola 330ml', altName: '可乐 330ml' };
      const line = describeApproval(t, fmt, lng, { kind: 'lineDiscount', item, discount: { kind: 'percent', bp: 2500 } });
      expect(line).toContain('25%');
      expect(line).toContain(lng === 'en' ? 'Cola 330ml' : '可乐 330ml');
      const price = describeApproval(t, fmt, lng, { kind: 'price', item, from: 99, to: 10 });
      expect(price).toContain('$0.99');
      expect(price).toContain('$0.10');
      const refund = describeApproval(t, fmt, lng, { kind: 'refund', amount: 342, order: 'T1-000001' });
      expect(refund).toContain('$3.42');
      expect(refund).toContain('T1-000001');
    });
  }
});

describe('card brands by language', () => {
  it('UnionPay is 银联 in Chinese and UnionPay in English', () => {
    expect(cardBrandName('UnionPay', 'zh-CN')).toBe('银联');
    expect(cardBrandName('UnionPay', 'en')).toBe('UnionPay');
    expect(cardBrandName('SomeNewBrand', 'zh-CN')).toBe('SomeNewBrand');
  });
  it('a terminal’s own spelling of a brand (Stripe `visa`, `unionpay`) reads as the brand', () => {
    expect(cardBrandName('visa', 'en')).toBe('Visa');
    expect(cardBrandName('unionpay', 'zh-CN')).toBe('银联');
    expect(cardBrandName('amex', 'en')).toBe('American Express');
  });
});

describe('audit details say a record once', () => {
  it('a shift named by its number does not repeat the number', async () => {
    const ctx = await ctxIn('en');
    const SHIFT = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60';
    ctx.names[SHIFT] = { name: 'T1-S0001', altName: null };
    const text = describeRow(ctx, { action: 'shift.open', target: SHIFT, details: { number: 'T1-S0001', float: 10000 } });
    expect(text.match(/T1-S0001/g)).toHaveLength(1);
    expect(text).toContain('Opening float: CN¥100.00');
  });
});
