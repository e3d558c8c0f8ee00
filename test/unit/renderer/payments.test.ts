import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.navigator ??= { language: 'en' };
  g.document ??= { documentElement: {}, getElementById: () => null };
});

/** Main, as the dialog's store sees it: each channel answers what the test says. */
const main = vi.hoisted(() => ({
  answers: new Map<string, (input: unknown) => unknown>(),
  calls: [] as { channel: string; input: unknown }[],
  listeners: new Map<string, (payload: unknown) => void>(),
}));
vi.mock('../../../src/renderer/api', () => ({
  invoke: (channel: string, input: unknown) => {
    main.calls.push({ channel, input });
    const answer = main.answers.get(channel);
    return Promise.resolve(
      answer ? answer(input) : { ok: false, error: { code: 'UNAVAILABLE', message: 'Payment providers are not set up' } },
    );
  },
  subscribe: (event: string, cb: (payload: unknown) => void) => {
    main.listeners.set(event, cb);
    return () => main.listeners.delete(event);
  },
}));

import i18next, { type TFunction } from 'i18next';
import type { Cart } from '../../../src/shared/api/types';
import type { Trade } from '../../../src/shared/api/payments';
import { summary, toRequest, usePayment } from '../../../src/renderer/stores/payment';
import { availableMethods, tradeFailureReason, tradeTenderKind } from '../../../src/renderer/features/payment/trade-text';
import { translation } from '../../../src/renderer/i18n/messages';

type Lang = 'en' | 'zh-CN';

async function tIn(lng: Lang): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: translation('en') }, 'zh-CN': { translation: translation('zh-CN') } },
    interpolation: { escapeValue: false },
  });
  return i.t;
}

const CART = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e';
const TRADE = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60';

const cart = (total: number): Cart =>
  ({
    id: CART,
    currency: 'CNY',
    priceMode: 'inclusive',
    lines: [],
    cartDiscount: null,
    priced: { total },
    updatedAt: 0,
  }) as unknown as Cart;

function trade(over: Partial<Trade> = {}): Trade {
  return {
    id: TRADE,
    tradeNo: 'T1-20261206-0001',
    cartId: CART,
    orderId: null,
    orderNumber: null,
    provider: 'alipay',
    method: 'code',
    mode: 'training',
    amount: 600,
    currency: 'CNY',
    state: 'waiting',
    qr: null,
    providerRef: null,
    buyer: null,
    brand: null,
    errorCode: null,
    message: null,
    deadline: 60_000,
    refunded: 0,
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

const ok = (value: unknown) => ({ ok: true, value });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  main.answers.clear();
  main.calls.length = 0;
  main.listeners.clear();
  usePayment.getState().finished();
});
afterEach(() => usePayment.getState().finished());

describe('the payment dialog store with provider trades', () => {
  it('a code payment waits, then the paid trade becomes a tender; the rest is paid in cash (split)', async () => {
    main.answers.set('payments.providers', () => ok([{ provider: 'alipay', mode: 'training', methods: ['code', 'qr'], reachable: true }]));
    main.answers.set('payments.payByCode', () => ok(trade()));
    usePayment.getState().openFor(cart(1000));
    await flush();
    expect(usePayment.getState().providers).toHaveLength(1);

    await usePayment.getState().payByCode('286543210987654321', 600);
    expect(main.calls.find((c) => c.channel === 'payments.payByCode')!.input).toEqual({
      cartId: CART,
      amount: 600,
      code: '286543210987654321',
    });
    expect(usePayment.getState().trade?.state).toBe('waiting');
    expect(usePayment.getState().tenders).toEqual([]);
    // A second trade for the same money is not started while one is open.
    await usePayment.getState().payByCode('286543210987654322', 600);
    expect(main.calls.filter((c) => c.channel === 'payments.payByCode')).toHaveLength(1);

    // The event stream says paid.
    main.listeners.get('payments.trade')!(trade({ state: 'paid', buyer: '138****1234', providerRef: '2026', updatedAt: 2000 }));
    const s = usePayment.getState();
    expect(s.tenders).toEqual([expect.objectContaining({ kind: 'alipay', amount: 600, tradeId: TRADE, account: '138****1234' })]);
    // A late poll answering "waiting" does not step back from paid, nor add the tender twice.
    s.tradeUpdate(trade({ state: 'waiting', updatedAt: 1500 }));
    s.tradeUpdate(trade({ state: 'paid', buyer: '138****1234', updatedAt: 2000 }));
    expect(usePayment.getState().trade?.state).toBe('paid');
    expect(usePayment.getState().tenders).toHaveLength(1);
    // The paid trade cannot be deleted from the list (it is money taken: a refund gives it back).
    usePayment.getState().removeTender(usePayment.getState().tenders[0]!.key);
    expect(usePayment.getState().tenders).toHaveLength(1);

    expect(summary(1000, usePayment.getState().tenders)).toMatchObject({ paid: 600, due: 400 });
    expect(summary(1000, usePayment.getState().tenders, 500)).toMatchObject({ due: 0, change: 100 });
    expect(
      toRequest([...usePayment.getState().tenders, { key: 'c', kind: 'cash', amount: 500, brand: null, last4: null, intentId: null }]),
    ).toEqual([
      { kind: 'trade', tradeId: TRADE },
      { kind: 'cash', amount: 500 },
    ]);
  });

  it('polls the trade when no event comes', async () => {
    vi.useFakeTimers();
    try {
      main.answers.set('payments.providers', () => ok([{ provider: 'wechat', mode: 'training', methods: ['code'], reachable: true }]));
      main.answers.set('payments.payByCode', () => ok(trade({ provider: 'wechat', state: 'sent' })));
      main.answers.set('payments.trade', () => ok(trade({ provider: 'wechat', state: 'paid', buyer: null, updatedAt: 3000 })));
      usePayment.getState().openFor(cart(600));
      await usePayment.getState().payByCode('134567890123456789', 600);
      await vi.advanceTimersByTimeAsync(1100);
      expect(usePayment.getState().trade?.state).toBe('paid');
      expect(usePayment.getState().tenders).toEqual([expect.objectContaining({ kind: 'wechat_pay', tradeId: TRADE })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('UNAVAILABLE says offline at once and loses nothing: the tenders so far stay, no trade is left open', async () => {
    main.answers.set('payments.providers', () => ok([{ provider: 'alipay', mode: 'production', methods: ['code'], reachable: true }]));
    usePayment.getState().openFor(cart(1000));
    usePayment.getState().addTender({ kind: 'cash', amount: 300, brand: null, last4: null, intentId: null });
    await usePayment.getState().payByCode('286543210987654321', 700);
    const s = usePayment.getState();
    expect(s.offline).toBe(true);
    expect(s.error?.code).toBe('UNAVAILABLE');
    expect(s.trade).toBeNull();
    expect(s.tenders).toEqual([expect.objectContaining({ kind: 'cash', amount: 300 })]);
    expect(s.cartId).toBe(CART);
  });

  it('a Stripe terminal payment is the integrated card with its brand and last digits, sent to checkout as the trade', async () => {
    main.answers.set('payments.providers', () => ok([{ provider: 'stripe', mode: 'sandbox', methods: ['terminal'], reachable: true }]));
    main.answers.set('payments.startTerminal', () => ok(trade({ provider: 'stripe', method: 'terminal', currency: 'USD', state: 'sent' })));
    usePayment.getState().openFor(cart(600));
    await usePayment.getState().startTerminal(600);
    expect(main.calls.find((c) => c.channel === 'payments.startTerminal')!.input).toEqual({ cartId: CART, amount: 600 });
    // As the Stripe gateway reports a card: its own brand code, the number masked.
    main.listeners.get('payments.trade')!(
      trade({ provider: 'stripe', method: 'terminal', currency: 'USD', state: 'paid', brand: 'visa', buyer: '****4242', updatedAt: 2000 }),
    );
    const [tender] = usePayment.getState().tenders;
    expect(tender).toMatchObject({ kind: 'card_integrated', brand: 'visa', last4: '4242', account: null, tradeId: TRADE, intentId: null });
    expect(toRequest(usePayment.getState().tenders)).toEqual([{ kind: 'trade', tradeId: TRADE }]);
  });

  it('closing the dialog cancels an open trade; a failed trade adds no tender', async () => {
    main.answers.set('payments.providers', () => ok([]));
    main.answers.set('payments.showQr', () => ok(trade({ method: 'qr', qr: 'https://qr.alipay.com/bax0', state: 'waiting' })));
    main.answers.set('payments.cancelTrade', () =>
      ok(trade({ method: 'qr', state: 'cancelled', errorCode: 'CANCELLED_BY_CLERK', updatedAt: 5000 })),
    );
    usePayment.getState().openFor(cart(600));
    await usePayment.getState().showQr('alipay', 600);
    await usePayment.getState().close();
    expect(main.calls.some((c) => c.channel === 'payments.cancelTrade')).toBe(true);
    expect(usePayment.getState().trade?.state).toBe('cancelled');
    expect(usePayment.getState().tenders).toEqual([]);
  });
});

describe('provider words', () => {
  it('Stripe pays as the integrated card; Alipay and WeChat Pay as their own kinds', () => {
    expect([tradeTenderKind('alipay'), tradeTenderKind('wechat'), tradeTenderKind('stripe')]).toEqual([
      'alipay',
      'wechat_pay',
      'card_integrated',
    ]);
  });

  it('shows only the keys of what is set up', () => {
    const m = availableMethods([
      { provider: 'alipay', mode: 'sandbox', methods: ['code', 'qr'], reachable: true },
      { provider: 'stripe', mode: 'sandbox', methods: ['terminal'], reachable: false },
    ]);
    expect(m.scan.map((p) => p.provider)).toEqual(['alipay']);
    expect(m.qr.map((p) => p.provider)).toEqual(['alipay']);
    expect(m.terminal.map((p) => p.provider)).toEqual(['stripe']);
    expect(availableMethods([])).toEqual({ scan: [], qr: [], terminal: [] });
  });

  it('says why a trade failed in the clerk’s language', async () => {
    const zh = await tIn('zh-CN');
    const enT = await tIn('en');
    const failed = (errorCode: string | null, message: string | null = null, state: Trade['state'] = 'failed') =>
      trade({ state, errorCode, message });
    expect(tradeFailureReason(zh, failed('ACQ.PAYMENT_AUTH_CODE_INVALID'))).toMatch(/付款码无效或已过期/);
    expect(tradeFailureReason(zh, failed('AUTHCODEEXPIRE'))).toMatch(/付款码无效或已过期/);
    expect(tradeFailureReason(zh, failed('NOTENOUGH'))).toMatch(/余额不足/);
    expect(tradeFailureReason(enT, failed('ACQ.BUYER_BALANCE_NOT_ENOUGH'))).toMatch(/balance is not enough/);
    expect(tradeFailureReason(enT, failed('card_declined'))).toMatch(/declined/);
    expect(tradeFailureReason(zh, trade({ state: 'cancelled', errorCode: null, deadline: 10, updatedAt: 20 }))).toMatch(
      /未在规定时间内确认/,
    );
    expect(tradeFailureReason(enT, failed('SYSTEMERROR', 'bank system busy'))).toBe('The provider said: bank system busy');
    expect(tradeFailureReason(zh, failed(null))).toBe('未提供原因。');
    // A store selling in dollars: our gateways refuse before asking, and the clerk is told why in their language.
    expect(tradeFailureReason(zh, failed('CURRENCY_NOT_SUPPORTED', 'Alipay face-to-face payment takes CNY, not USD'))).toBe(
      '该支付服务只收人民币，本店使用的是其他币种。',
    );
    expect(tradeFailureReason(enT, failed('CURRENCY', 'WeChat Pay takes CNY only'))).toMatch(/yuan \(CNY\) only/);
  });

  it('every new word exists in both languages, and the Chinese ones are Chinese', async () => {
    const zh = await tIn('zh-CN');
    const enT = await tIn('en');
    for (const key of [
      'pay.providers.alipay',
      'pay.providers.wechat',
      'pay.tab.scan',
      'pay.state.waiting',
      'pay.offline',
      'tender.alipay',
      'tender.wechat_pay',
      'shifts.tenders.alipay',
      'dashboard.tenders.wechat_pay',
      'pay.trades.nav',
    ]) {
      expect(zh(key), key).not.toBe(key);
      expect(enT(key), key).not.toBe(key);
      expect(zh(key), key).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(zh('pay.providers.alipay')).toBe('支付宝');
    expect(zh('pay.providers.wechat')).toBe('微信支付');
    expect(zh('pay.state.waiting')).toBe('等待顾客确认');
    expect(zh('pay.tab.scan')).toBe('扫码收款');
    expect(enT('pay.offline')).toMatch(/^Mobile payment is unavailable right now \(offline\)/);
  });
});
