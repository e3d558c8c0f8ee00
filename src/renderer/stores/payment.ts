import { create } from 'zustand';
import type { CardIntent, Cart, Order } from '../../shared/api';
import type { PaymentKind } from '../../shared/api/types';
import type { PaymentProviderId, ProviderStatus, Trade } from '../../shared/api/payments';
import type { TenderRequest } from '../../shared/api/sales';
import type { ApiError } from '../../shared/errors';
import { uuidv7 } from '../../shared/ids';
import { settle, type TenderKind } from '../../shared/pricing';
import { invoke, subscribe } from '../api';
import { isOpenTrade, tradeTenderKind } from '../features/payment/trade-text';

export interface TenderDraft {
  key: string;
  kind: PaymentKind;
  /** What counts toward the total; for cash, the amount the customer handed over. */
  amount: number;
  brand: string | null;
  last4: string | null;
  intentId: string | null;
  /** A paid provider trade (Alipay, WeChat Pay, Stripe): sent to checkout as `{ kind: 'trade' }`. */
  tradeId?: string | null;
  /** The buyer's masked account of a provider trade. */
  account?: string | null;
  /** A gift or stored-value card's number (the card tender). */
  cardNumber?: string;
}

interface PaymentState {
  open: boolean;
  cartId: string | null;
  /** Made once per cart when payment starts and reused on every retry: a sale is never made twice. */
  checkoutId: string | null;
  total: number;
  currency: string;
  tenders: TenderDraft[];
  completing: boolean;
  error: ApiError | null;
  intent: CardIntent | null;
  startingCard: boolean;
  /** What main says is set up (null until asked, or when asking failed). */
  providers: ProviderStatus[] | null;
  /** Why the providers could not be listed (UNAVAILABLE when offline). */
  providersError: ApiError | null;
  /** The provider trade the dialog follows (open, or the last one's final answer). */
  trade: Trade | null;
  startingTrade: boolean;
  /** An UNAVAILABLE answer from a provider call: mobile payment is offline, other tenders go on. */
  offline: boolean;
  openFor(cart: Cart): void;
  close(): Promise<void>;
  addTender(t: Omit<TenderDraft, 'key'>): void;
  removeTender(key: string): void;
  clearError(): void;
  /** Completes the sale with the tenders so far plus `extraCash` (the cash field). */
  complete(extraCash?: number): Promise<Order | null>;
  startCard(amount: number): Promise<void>;
  cancelCard(): Promise<void>;
  intentUpdate(intent: CardIntent): void;
  loadProviders(): Promise<void>;
  payByCode(code: string, amount: number): Promise<void>;
  showQr(provider: Exclude<PaymentProviderId, 'stripe'>, amount: number): Promise<void>;
  startTerminal(amount: number): Promise<void>;
  cancelTrade(): Promise<void>;
  tradeUpdate(trade: Trade): void;
  /** Forgets a finished trade's answer (the clerk moves on to another tender). */
  dismissTrade(): void;
  /** After a completed sale. */
  finished(): void;
}

let keySeq = 0;
let pollTimer: ReturnType<typeof setInterval> | null = null;
let unsubscribe: (() => void) | null = null;

function stopWatching(): void {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  unsubscribe?.();
  unsubscribe = null;
}

let tradePoll: ReturnType<typeof setInterval> | null = null;
let tradeUnsubscribe: (() => void) | null = null;
/** The event stream is the fast path; polling covers a lost or missing stream. */
const TRADE_POLL_MS = 1000;

function stopTradeWatch(): void {
  if (tradePoll) clearInterval(tradePoll);
  tradePoll = null;
  tradeUnsubscribe?.();
  tradeUnsubscribe = null;
}

export function toRequest(tenders: TenderDraft[]): TenderRequest[] {
  const cash = tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
  const out: TenderRequest[] = [];
  for (const t of tenders) {
    if (t.kind === 'card_external') {
      out.push({ kind: 'card_external', amount: t.amount, approved: true, brand: t.brand, last4: t.last4 });
    } else if (t.tradeId) {
      out.push({ kind: 'trade', tradeId: t.tradeId });
    } else if (t.kind === 'card_integrated' && t.intentId) {
      out.push({ kind: 'card_integrated', intentId: t.intentId });
    } else if (t.kind === 'store_credit') {
      out.push({ kind: 'store_credit', amount: t.amount });
    } else if (t.kind === 'stored_value' && t.cardNumber) {
      out.push({ kind: 'stored_value', cardNumber: t.cardNumber, amount: t.amount });
    }
  }
  if (cash > 0 || out.length === 0) out.push({ kind: 'cash', amount: cash });
  return out;
}

export function summary(total: number, tenders: TenderDraft[], extraCash = 0) {
  const all = extraCash > 0 ? [...tenders, { kind: 'cash' as const, amount: extraCash }] : tenders;
  return settle(
    total,
    // Settlement tells only cash (which gives change) from everything else.
    all.map((t) => ({ kind: (t.kind === 'cash' ? 'cash' : 'card_integrated') as TenderKind, amount: t.amount })),
  );
}

export const usePayment = create<PaymentState>((set, get) => ({
  open: false,
  cartId: null,
  checkoutId: null,
  total: 0,
  currency: 'USD',
  tenders: [],
  completing: false,
  error: null,
  intent: null,
  startingCard: false,
  providers: null,
  providersError: null,
  trade: null,
  startingTrade: false,
  offline: false,

  openFor(cart) {
    const s = get();
    if (s.cartId === cart.id && s.checkoutId) {
      // Same cart as before (dialog closed and reopened): keep the checkout id and tenders.
      set({ open: true, total: cart.priced.total, currency: cart.currency, error: null });
      void get().loadProviders();
      const trade = get().trade;
      if (trade && isOpenTrade(trade)) watchTrade(trade.id);
      return;
    }
    stopWatching();
    stopTradeWatch();
    set({
      open: true,
      cartId: cart.id,
      checkoutId: uuidv7(),
      total: cart.priced.total,
      currency: cart.currency,
      tenders: [],
      completing: false,
      error: null,
      intent: null,
      startingCard: false,
      trade: null,
      startingTrade: false,
      offline: false,
    });
    void get().loadProviders();
  },

  async close() {
    if (get().completing) return;
    if (get().intent?.status === 'pending') await get().cancelCard();
    const trade = get().trade;
    // Leaving the dialog must not leave a customer's phone asking to pay: cancel what is open.
    if (trade && isOpenTrade(trade)) await get().cancelTrade();
    stopTradeWatch();
    set({ open: false, error: null });
  },

  addTender(t) {
    set((s) => ({ tenders: [...s.tenders, { ...t, key: `t${++keySeq}` }], error: null }));
  },

  removeTender(key) {
    // Money taken through a terminal or a provider is given back by a refund, not by deleting the line.
    set((s) => ({ tenders: s.tenders.filter((t) => t.key !== key || t.kind === 'card_integrated' || !!t.tradeId) }));
  },

  clearError() {
    set({ error: null });
  },

  async complete(extraCash = 0) {
    const s = get();
    if (s.completing || !s.cartId || !s.checkoutId) return null;
    const tenders =
      extraCash > 0
        ? [...s.tenders, { key: `t${++keySeq}`, kind: 'cash' as const, amount: extraCash, brand: null, last4: null, intentId: null }]
        : s.tenders;
    set({ completing: true, error: null });
    const r = await invoke('sales.complete', {
      cartId: s.cartId,
      checkoutId: s.checkoutId,
      tenders: toRequest(tenders),
    });
    if (r.ok) {
      set({ completing: false });
      return r.value;
    }
    set({ completing: false, error: r.error });
    return null;
  },

  async startCard(amount) {
    const { cartId } = get();
    if (!cartId || get().startingCard) return;
    set({ startingCard: true, error: null });
    const r = await invoke('payments.startCard', { cartId, amount });
    set({ startingCard: false });
    if (!r.ok) {
      set({ error: r.error });
      return;
    }
    set({ intent: r.value });
    stopWatching();
    const id = r.value.id;
    unsubscribe = subscribe('payments.intent', (intent) => {
      if (intent.id === id) get().intentUpdate(intent);
    });
    pollTimer = setInterval(() => {
      void invoke('payments.intent', { id }).then((p) => {
        if (p.ok) get().intentUpdate(p.value);
      });
    }, 500);
    get().intentUpdate(r.value);
  },

  async cancelCard() {
    const intent = get().intent;
    if (!intent || intent.status !== 'pending') return;
    const r = await invoke('payments.cancelCard', { id: intent.id });
    if (r.ok) get().intentUpdate(r.value);
    else set({ error: r.error });
  },

  intentUpdate(intent) {
    const current = get().intent;
    if (!current || current.id !== intent.id) return;
    // Never step back from a final answer to "pending" (a late poll).
    if (current.status !== 'pending' && intent.status === 'pending') return;
    set({ intent });
    if (intent.status === 'pending') return;
    stopWatching();
    if (intent.status === 'approved' && !get().tenders.some((t) => t.intentId === intent.id)) {
      get().addTender({
        kind: 'card_integrated',
        amount: intent.amount,
        brand: intent.brand,
        last4: intent.last4,
        intentId: intent.id,
      });
    }
  },

  async loadProviders() {
    const r = await invoke('payments.providers', {});
    if (r.ok) set({ providers: r.value, providersError: null });
    else set({ providers: null, providersError: r.error });
  },

  async payByCode(code, amount) {
    await startTrade(() => {
      const cartId = get().cartId;
      return cartId ? invoke('payments.payByCode', { cartId, amount, code }) : null;
    });
  },

  async showQr(provider, amount) {
    await startTrade(() => {
      const cartId = get().cartId;
      return cartId ? invoke('payments.showQr', { cartId, amount, provider }) : null;
    });
  },

  async startTerminal(amount) {
    await startTrade(() => {
      const cartId = get().cartId;
      return cartId ? invoke('payments.startTerminal', { cartId, amount }) : null;
    });
  },

  async cancelTrade() {
    const trade = get().trade;
    if (!trade || !isOpenTrade(trade)) return;
    const r = await invoke('payments.cancelTrade', { id: trade.id });
    if (r.ok) get().tradeUpdate(r.value);
    else set({ error: r.error, offline: r.error.code === 'UNAVAILABLE' || get().offline });
  },

  tradeUpdate(trade) {
    const current = get().trade;
    if (!current || current.id !== trade.id) return;
    // Never step back from a final answer (a late poll or event).
    if (!isOpenTrade(current) && isOpenTrade(trade)) return;
    if (trade.updatedAt < current.updatedAt && isOpenTrade(trade)) return;
    set({ trade });
    if (isOpenTrade(trade)) return;
    stopTradeWatch();
    if (trade.state === 'paid' && !get().tenders.some((t) => t.tradeId === trade.id)) {
      get().addTender({
        kind: tradeTenderKind(trade.provider),
        amount: trade.amount,
        brand: trade.brand,
        // Stripe's buyer is the card's masked number (`****4242`): the dialog prints its last four as a card's.
        last4: trade.provider === 'stripe' ? (trade.buyer?.match(/(\d{4})$/)?.[1] ?? null) : null,
        intentId: null,
        tradeId: trade.id,
        account: trade.provider === 'stripe' ? null : trade.buyer,
      });
    }
  },

  dismissTrade() {
    const trade = get().trade;
    if (trade && isOpenTrade(trade)) return;
    set({ trade: null });
  },

  finished() {
    stopWatching();
    stopTradeWatch();
    set({
      open: false,
      cartId: null,
      checkoutId: null,
      tenders: [],
      completing: false,
      error: null,
      intent: null,
      trade: null,
      offline: false,
    });
  },
}));

function watchTrade(id: string): void {
  stopTradeWatch();
  tradeUnsubscribe = subscribe('payments.trade', (trade) => {
    if (trade.id === id) usePayment.getState().tradeUpdate(trade);
  });
  tradePoll = setInterval(() => {
    void invoke('payments.trade', { id }).then((r) => {
      if (r.ok) usePayment.getState().tradeUpdate(r.value);
    });
  }, TRADE_POLL_MS);
}

/** One provider trade at a time: a second would risk charging the customer twice. */
async function startTrade(call: () => Promise<Awaited<ReturnType<typeof invoke<'payments.payByCode'>>>> | null): Promise<void> {
  const s = usePayment.getState();
  if (s.startingTrade || (s.trade && isOpenTrade(s.trade))) return;
  usePayment.setState({ startingTrade: true, error: null, trade: null });
  const r = await call();
  usePayment.setState({ startingTrade: false });
  if (!r) return;
  if (!r.ok) {
    const offline = r.error.code === 'UNAVAILABLE';
    usePayment.setState({ error: r.error, offline: offline || usePayment.getState().offline });
    // Reachability may have changed: ask again so the keys show what works now.
    if (offline) void usePayment.getState().loadProviders();
    return;
  }
  usePayment.setState({ trade: r.value, offline: false });
  if (isOpenTrade(r.value)) watchTrade(r.value.id);
  usePayment.getState().tradeUpdate(r.value);
}
